"""A per-process cache of park-wide results, checked against a park stamp on every read.

Park pages and the report API recompute the same park-wide things on every request: the park
workbook, impact totals, Sankey links, the inventory. This module keeps the newest result of
each in memory, with the **park stamp** it was computed at, and serves it again while the stamp
is unchanged.

The stamp is read from the database in one query (at most once per web request, see
:func:`request_scope`). For the ``parks`` row, for every table with a foreign key to ``parks``
and for every table with a foreign key to one of those (energy use, synergy events,
messages...), found by walking the ORM metadata, it holds the row count, the sum of the ids,
the sum of the ``version`` column where there is one, the latest value of every timestamp
column and, for tables that have neither a version nor an ``updated_at`` column, the sums of
their number columns. An insert or delete changes the count or the id sum, an edit raises a
version or an update time. Because every web worker reads the stamp from the shared database,
a write made through one worker is seen on the next request in every other.

On SQLite the server-side update times have a resolution of one second; a write committed
through this process therefore also bumps a per-engine generation (session events below),
which is part of the key, so the writer's own process never serves a result from before its
own write, even within the same second.

Confidentiality: only results that are the same for every reader are cached (the whole park,
every flow whatever its confidentiality). Callers filter for the viewer after the cache, on
every request; a viewer-filtered result is never stored here. Cached values are shared between
requests and threads: treat them as read-only.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    event,
    func,
    literal,
    select,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.exc import UnboundExecutionError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.session import ORMExecuteState
from sqlalchemy.sql.elements import ColumnElement

from parkloop.services.database import Database
from parkloop.store.tables import Base

T = TypeVar("T")

#: The most results kept per process (each kind of result of each park counts once).
MAX_ENTRIES = 256

Stamp = tuple[str, ...]
_Version = tuple[int, Stamp]
_Key = tuple[Hashable, ...]

_DIRTY = "parkloop_park_write"
_ENABLED: contextvars.ContextVar[bool] = contextvars.ContextVar("parkloop_cache", default=True)
_REQUEST: contextvars.ContextVar[dict[tuple[int, str], _Version | None] | None] = (
    contextvars.ContextVar("parkloop_park_stamps", default=None)
)


# --- which tables feed a park ------------------------------------------------------------------


def _parks_table() -> Table:
    return Base.metadata.tables["parks"]


def _references(table: Table, target: Table) -> list[ForeignKey]:
    """Foreign keys of ``table`` to ``target``: non-nullable first, then by column name."""
    keys = [fk for fk in table.foreign_keys if fk.column.table is target]
    return sorted(keys, key=lambda fk: (bool(fk.parent.nullable), fk.parent.name))


BOOKKEEPING = frozenset({"jobs"})
"""Tables with a park key that feed no cached result: a running job writes its progress there
twice a second, which must not empty the park's cache (the job's own result, the matches, does
change the stamp)."""


@cache
def park_tables() -> tuple[tuple[Table, tuple[ForeignKey, ...]], ...]:
    """Every table whose rows belong to one park, with the foreign keys that lead to it.

    ``parks`` itself (no keys), the tables that refer to ``parks`` (one key) and the tables
    that refer to one of those (two keys: the child's and its parent's). Tables of new
    workbook sheets are picked up as soon as they are declared with such a key.
    """
    parks = _parks_table()
    direct: dict[str, tuple[Table, ForeignKey]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in BOOKKEEPING:
            continue
        if table is not parks and (keys := _references(table, parks)):
            direct[table.name] = (table, keys[0])
    out: list[tuple[Table, tuple[ForeignKey, ...]]] = [(parks, ())]
    out += [(table, (key,)) for table, key in direct.values()]
    for table in Base.metadata.sorted_tables:
        if table is parks or table.name in direct or table.name in BOOKKEEPING:
            continue
        links = sorted(
            (
                (bool(fk.parent.nullable), fk.parent.name, fk, direct[fk.column.table.name][1])
                for fk in table.foreign_keys
                if fk.column.table.name in direct
            ),
            key=lambda link: (link[0], link[1]),
        )
        if links:
            out.append((table, (links[0][2], links[0][3])))
    return tuple(out)


@cache
def watched_table_names() -> frozenset[str]:
    """Names of the tables whose writes change a park stamp."""
    return frozenset(table.name for table, _ in park_tables())


def _is_timestamp(column: Any) -> bool:
    kind = column.type
    return isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime)


def _is_number(column: Any) -> bool:
    kind = column.type
    return (
        isinstance(kind, Float | Integer)
        and not isinstance(kind, Boolean)
        and not column.primary_key
        and not column.foreign_keys
    )


def _text(value: ColumnElement[Any]) -> ColumnElement[str]:
    return func.coalesce(sql_cast(value, String), literal(""))


def _mark(table: Table) -> ColumnElement[str]:
    """One text value that changes when any row of ``table`` is added, removed or edited."""
    parts: list[ColumnElement[Any]] = [func.count()]
    if "id" in table.c:
        parts.append(func.sum(table.c.id))
    if "version" in table.c:
        parts.append(func.sum(table.c.version))
    parts += [func.max(c) for c in table.c if _is_timestamp(c)]
    if "version" not in table.c and "updated_at" not in table.c:
        parts += [func.sum(c) for c in table.c if _is_number(c)]
    out = _text(parts[0])
    for part in parts[1:]:
        out = out + literal(":") + _text(part)
    return out


@cache
def _stamp_query() -> Select[Any]:
    """One SELECT with a scalar subquery per park table (parameter ``park``: the name)."""
    parks = _parks_table()
    park_id = select(parks.c.id).where(parks.c.name == bindparam("park")).scalar_subquery()
    columns = []
    for table, keys in park_tables():
        query = select(_mark(table))
        if not keys:
            query = query.where(parks.c.name == bindparam("park"))
        elif len(keys) == 1:
            query = query.where(keys[0].parent == park_id)
        else:
            child, parent = keys
            query = query.select_from(
                table.join(child.column.table, child.parent == child.column)
            ).where(parent.parent == park_id)
        columns.append(query.scalar_subquery().label(table.name))
    return select(*columns)


def read_stamp(session: Session, park: str) -> Stamp | None:
    """The park stamp of ``park`` (one query), or ``None`` when there is no such park."""
    row = session.execute(_stamp_query(), {"park": park}).one()
    stamp = tuple(str(value) for value in row)
    return stamp if not stamp[0].startswith("0:") else None


# --- writes made through this process ----------------------------------------------------------

_ENGINES: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
_GENERATIONS: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
_TOKENS = itertools.count(1)
_ENGINE_LOCK = threading.Lock()


def _token(engine: Engine) -> int:
    """A number for ``engine`` that no other engine of this process ever gets."""
    with _ENGINE_LOCK:
        if engine not in _ENGINES:
            _ENGINES[engine] = next(_TOKENS)
        return _ENGINES[engine]


def generation(engine: Engine) -> int:
    """How many commits that wrote park data this process made through ``engine``."""
    with _ENGINE_LOCK:
        return _GENERATIONS.get(engine, 0)


def _table_of(instance: object) -> str | None:
    table = getattr(type(instance), "__table__", None)
    return table.name if isinstance(table, Table) else None


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: object) -> None:
    watched = watched_table_names()
    changed = itertools.chain(session.new, session.dirty, session.deleted)
    if any(_table_of(instance) in watched for instance in changed):
        session.info[_DIRTY] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if not isinstance(table, Table) or table.name in watched_table_names():
            state.session.info[_DIRTY] = True


@event.listens_for(Session, "after_commit")
def _bump_generation(session: Session) -> None:
    if not session.info.pop(_DIRTY, False):
        return
    try:
        bind = session.get_bind()
    except UnboundExecutionError:  # a session without an engine: the stamp alone guards
        bind = None
    if bind is not None:
        engine = bind if isinstance(bind, Engine) else bind.engine
        with _ENGINE_LOCK:
            _GENERATIONS[engine] = _GENERATIONS.get(engine, 0) + 1
    memo = _REQUEST.get()
    if memo is not None:
        memo.clear()


@event.listens_for(Session, "after_soft_rollback")
def _forget_flush(session: Session, _previous: SessionTransaction) -> None:
    if not session.in_transaction():
        session.info.pop(_DIRTY, None)


# --- the cache ---------------------------------------------------------------------------------


class ParkCache:
    """A bounded, thread-safe map from a result's key to its newest value and version.

    A lookup with another version than the stored one recomputes and replaces the entry. While
    one thread computes a key at a version, other threads asking for the same wait for it
    rather than compute it again.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[_Key, tuple[_Version, Any]] = OrderedDict()
        self._flights: dict[tuple[_Key, _Version], Future[Any]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def get(self, key: _Key, version: _Version, compute: Callable[[], T]) -> T:
        """The value of ``key`` at ``version``: stored, being computed, or computed now."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == version:
                self._entries.move_to_end(key)
                self.hits += 1
                return cast(T, entry[1])
            flight = self._flights.get((key, version))
            owner = flight is None
            if flight is None:
                flight = Future()
                self._flights[(key, version)] = flight
                self.misses += 1
        if not owner:
            try:
                return cast(T, flight.result())
            except Exception:  # the owner failed: compute (and fail) on our own
                return compute()
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                del self._flights[(key, version)]
            flight.set_exception(exc)
            raise
        with self._lock:
            del self._flights[(key, version)]
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        flight.set_result(value)
        return value


CACHE = ParkCache()


def park_version(database: Database, park: str) -> _Version | None:
    """This process's write generation and the park stamp, or ``None`` for an unknown park.

    Read once per web request (later calls in the same request reuse it, until this process
    commits a write). The generation is read before the stamp, so a result computed after a
    concurrent commit is never stored under a version from before it.
    """
    engine = database.engine
    memo = _REQUEST.get()
    key = (_token(engine), park)
    if memo is not None and key in memo:
        return memo[key]
    current = generation(engine)
    with database.reader() as session:
        stamp = read_stamp(session, park)
    version = None if stamp is None else (current, stamp)
    if memo is not None:
        memo[key] = version
    return version


def park_cached(
    database: Database,
    park: str,
    kind: str,
    arguments: tuple[Hashable, ...],
    compute: Callable[[], T],
) -> T:
    """``compute()``, or its stored value while the park's stamp is unchanged.

    ``kind`` and ``arguments`` name the result (``"impact", ("implemented",)``); they must
    determine it together with the park's data. An unknown park, or caching turned off with
    :func:`caching`, computes directly (so the usual ``NotFound`` is raised).
    """
    if not _ENABLED.get():
        return compute()
    version = park_version(database, park)
    if version is None:
        return compute()
    return CACHE.get((_token(database.engine), park, kind, *arguments), version, compute)


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    """Within the block, each park's stamp is read from the database at most once."""
    token = _REQUEST.set({})
    try:
        yield
    finally:
        _REQUEST.reset(token)


@contextlib.contextmanager
def caching(enabled: bool) -> Iterator[None]:
    """Turn the park cache on or off for the block (to compare with uncached results)."""
    token = _ENABLED.set(enabled)
    try:
        yield
    finally:
        _ENABLED.reset(token)
