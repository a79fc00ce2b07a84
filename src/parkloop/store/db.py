"""Engines, sessions, write locks and schema migrations."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, delete, event, false, inspect, select
from sqlalchemy import func as sql_func
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from parkloop.store.tables import ParkRow

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine.

    SQLite: make the folder, turn on foreign keys, and let a writer wait up to 30 s for another
    writer's lock (``busy_timeout``) instead of failing at once. PostgreSQL: test every pooled
    connection before handing it out (``pool_pre_ping``), so connections broken by a server
    restart are replaced without restarting the application.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def park_lock_key(name: str) -> int:
    """The PostgreSQL advisory lock key of park ``name``: a stable signed 64-bit integer.

    Computed with BLAKE2b (8-byte digest) over a prefixed name, so it is the same in every
    process, Python version and server, and does not collide with other applications' keys
    by accident.

    Examples
    --------
    >>> park_lock_key("Havnestad") == park_lock_key("Havnestad")
    True
    >>> -(2**63) <= park_lock_key("Havnestad") < 2**63
    True
    """
    digest = hashlib.blake2b(f"parkloop.park:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_park(session: Session, name: str) -> None:
    """Hold the write lock of park ``name`` until the session's transaction ends.

    Call it first in a transaction that rewrites a park, before anything is read. A second
    transaction asking for the same park waits until the first commits or rolls back, and then
    reads what the first wrote; transactions on other parks do not wait.

    PostgreSQL: a transaction-level advisory lock keyed by :func:`park_lock_key`. SQLite: the
    database's single write lock, taken at once by a delete that matches no row (SQLite has one
    writer at a time anyway; taking the lock before the first read keeps the reads consistent
    with the writes). Other databases: nothing.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(select(sql_func.pg_advisory_xact_lock(park_lock_key(name))))
    elif dialect == "sqlite":
        session.execute(delete(ParkRow).where(false()))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())
