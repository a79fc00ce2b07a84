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

    # Accounts and sessions. Sources: OWASP Session Management Cheat Sheet (idle timeout of
    # 15-30 minutes for low-risk applications); OWASP ASVS 4.0 V3.3 and OWASP Cornucopia SM6
    # (absolute session end, "e.g. after 8 or 12 hours"); NIST SP 800-63B-4 section 3.2.2
    # (limit failed sign-ins to at most 100 consecutive attempts per account: ours is far lower).
    session_idle_minutes: int = Field(default=30, gt=0, description="Sign-out after inactivity")
    session_max_hours: int = Field(default=8, gt=0, description="Sign-out however active")
    login_max_failures: int = Field(
        default=10, gt=0, le=100, description="Failed sign-ins allowed per account and address"
    )
    login_window_minutes: int = Field(
        default=15, gt=0, description="Window over which failed sign-ins are counted"
    )
    reset_token_minutes: int = Field(default=60, gt=0, description="Password reset link lifetime")
    # A product choice, not a figure from a standard: two weeks covers a holiday absence.
    invitation_days: int = Field(default=14, gt=0, description="Invitation link lifetime")
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="Address used in links sent by e-mail"
    )
    map_tile_url: str | None = Field(
        default=None,
        description="Tile server URL template ({z}/{x}/{y}) for online maps; unset: the "
        "shipped offline basemap",
    )
    map_attribution: str = Field(
        default="Basemap: Natural Earth (public domain)", description="Map attribution text"
    )
    smtp_host: str | None = Field(default=None, description="SMTP server; unset: outbox only")
    smtp_port: int = Field(default=587, description="SMTP port (STARTTLS)")
    smtp_user: str | None = Field(default=None, description="SMTP user name")
    smtp_password: str | None = Field(default=None, description="SMTP password")
    mail_from: str = Field(default="parkloop@localhost", description="Sender of e-mail")

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
