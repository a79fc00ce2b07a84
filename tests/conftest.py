"""Shared fixtures: databases (SQLite and PostgreSQL), paths to reference data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.store.tables import Base

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
POSTGRES_URL = os.environ.get("PARKLOOP_TEST_POSTGRES_URL")


def pytest_report_header() -> str:
    pg = "PostgreSQL at PARKLOOP_TEST_POSTGRES_URL" if POSTGRES_URL else "no PostgreSQL"
    return f"parkloop databases: SQLite and {pg}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not POSTGRES_URL and os.environ.get("PARKLOOP_REQUIRE_POSTGRES"):
        raise pytest.UsageError(
            "PARKLOOP_REQUIRE_POSTGRES is set but PARKLOOP_TEST_POSTGRES_URL is not: run the "
            "suite through `make test` (scripts/with-postgres.sh starts a server)"
        )


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data folder and fresh settings."""
    for name in list(os.environ):
        if name.startswith("PARKLOOP_") and name not in (
            "PARKLOOP_TEST_POSTGRES_URL",
            "PARKLOOP_REQUIRE_POSTGRES",
        ):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PARKLOOP_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def _postgres() -> Iterator[Database]:
    assert POSTGRES_URL
    database = Database.from_url(POSTGRES_URL)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    database.migrate()
    yield database
    database.dispose()


def _truncate(database: Database) -> None:
    names = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not POSTGRES_URL, reason="no PostgreSQL: run `make test` to include it"
            ),
        ),
    ]
)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: a SQLite file, and the throw-away PostgreSQL server."""
    if request.param == "sqlite":
        db = Database.from_url(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        db.migrate()
        yield db
        db.dispose()
    else:
        db = request.getfixturevalue("_postgres")
        _truncate(db)
        yield db
        _truncate(db)


@pytest.fixture
def demo_path() -> Path:
    from parkloop.services.parks import demo_workbook_path

    return demo_workbook_path()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent: the comparison with the shared tables needs it")
    return SHARED_DATA


@pytest.fixture
def postgres_database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The throw-away PostgreSQL server's database, migrated and empty, for tests whose point
    is PostgreSQL (advisory locks, server restarts); skipped without a server, an error under
    ``make test``."""
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL: run `make test` to include it")
    db: Database = request.getfixturevalue("_postgres")
    _truncate(db)
    yield db
    _truncate(db)
