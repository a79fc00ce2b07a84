"""Settings: where the database lives, and refusing placeholder secrets in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from parkloop.errors import ConfigurationError
from parkloop.settings import Settings


def test_database_url_wins_over_data_dir(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql+psycopg://u@h/db", data_dir=tmp_path)
    assert settings.resolved_database_url() == "postgresql+psycopg://u@h/db"


def test_data_dir_holds_the_sqlite_file(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path / 'parkloop.sqlite3'}"


def test_without_either_a_per_user_folder_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARKLOOP_DATA_DIR", raising=False)
    url = Settings().resolved_database_url()
    assert url.startswith("sqlite:///") and url.endswith("parkloop/parkloop.sqlite3")


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARKLOOP_DATABASE_URL", "sqlite:///" + str(tmp_path / "x.db"))
    assert Settings().resolved_database_url().endswith("x.db")


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ConfigurationError, match="PARKLOOP_SECRET_KEY"):
        Settings(environment="production").check_production()
    Settings(environment="production", secret_key="a" * 40).check_production()
