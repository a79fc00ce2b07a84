"""Typed settings, read from ``PARKLOOP_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from parkloop.errors import ConfigurationError

PLACEHOLDER_SECRET = "change-me-in-production"


class Settings(BaseSettings):
    """Settings of a parkloop installation.

    The database is ``database_url`` when set, else a SQLite file ``parkloop.sqlite3`` in
    ``data_dir``, else in a per-user data directory.
    """

    model_config = SettingsConfigDict(env_prefix="PARKLOOP_", extra="ignore")

    database_url: str | None = Field(default=None, description="SQLAlchemy URL of the database")
    data_dir: Path | None = Field(
        default=None, description="Folder for the SQLite file and uploads"
    )
    environment: str = Field(default="development", description="development | production")
    secret_key: str = Field(default=PLACEHOLDER_SECRET, description="Signs sessions and tokens")
    max_upload_mb: float = Field(default=50.0, gt=0, description="Largest accepted upload [MB]")
    dask_address: str | None = Field(
        default=None, description="Dask scheduler for long jobs; in-process when unset"
    )
    max_reported_errors: int = Field(
        default=200, gt=0, description="Cap on problems reported for one workbook"
    )

    def resolved_data_dir(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir.expanduser().resolve()
        return Path(platformdirs.user_data_dir("parkloop", appauthor=False))

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir() / 'parkloop.sqlite3'}"

    def check_production(self) -> None:
        """Refuse to run in production with a placeholder secret."""
        if self.environment == "production" and self.secret_key == PLACEHOLDER_SECRET:
            raise ConfigurationError(
                "PARKLOOP_SECRET_KEY still has its placeholder value; set a long random secret "
                "before running with PARKLOOP_ENVIRONMENT=production"
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
