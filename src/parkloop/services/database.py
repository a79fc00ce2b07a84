"""The database a parkloop installation works on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from parkloop.settings import Settings, get_settings
from parkloop.store import db

_SHARED: dict[str, Database] = {}


@dataclass
class Database:
    """An engine and its sessions; ``transaction()`` commits on success, rolls back on error."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def from_url(cls, url: str) -> Database:
        engine = db.make_engine(url)
        return cls(engine, db.session_factory(engine))

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Database:
        return cls.from_url((settings or get_settings()).resolved_database_url())

    @classmethod
    def shared(cls, settings: Settings | None = None) -> Database:
        """One database object per URL for the whole process (the CLI's commands share it),
        so connection pools are reused and never left for the garbage collector to close."""
        url = (settings or get_settings()).resolved_database_url()
        if url not in _SHARED:
            _SHARED[url] = cls.from_url(url)
        return _SHARED[url]

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        db.upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
