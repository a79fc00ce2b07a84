"""Backup and restore of a whole installation: every table and every evidence file.

An archive is one zip file that any database parkloop supports can be restored from:

``manifest.json``
    format and version, parkloop version, Alembic revision of the database, UTC time, the
    tables in dependency order with their columns, portable column kinds and row counts, and
    the SHA-256 and size of every other member.
``tables/<table>.jsonl``
    the rows of one table as JSON objects, one a line, ordered by primary key: timestamps in
    ISO 8601 with their UTC offset, dates in ISO 8601, floats written with ``repr`` (exact),
    JSON columns as JSON, booleans as ``true``/``false``, NULL as ``null``.
``evidence/<name>``
    every file under ``<data_dir>/evidence`` (uploads are stored under their SHA-256).

A backup reads all tables in one transaction (REPEATABLE READ on PostgreSQL, one connection in
one transaction on SQLite) and writes the archive under a temporary name, verifies it, then
renames it into place. A restore verifies the whole archive before it touches anything, then
migrates, loads and upgrades in one transaction, so that it either completes or changes nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import io
import json
import math
import os
import secrets
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    func,
    insert,
    null,
    select,
    text,
    update,
)
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import SQLAlchemyError

from parkloop import __version__
from parkloop.errors import Conflict, Issue, ParkloopError, ValidationError
from parkloop.services.certification import evidence_folder
from parkloop.services.database import Database
from parkloop.store import db

FORMAT = "parkloop-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES = "tables/"
EVIDENCE = "evidence/"
VERSION_TABLE = "alembic_version"
BATCH_ROWS = 1000
CHUNK_BYTES = 1 << 20
MAX_ISSUES = 50
KINDS = ("boolean", "integer", "float", "decimal", "datetime", "date", "json", "binary", "string")
# What reading a damaged zip member can raise: a bad CRC or header (BadZipFile), a broken
# deflate stream (zlib.error), a short read (EOFError), an unsupported or encrypted entry
# (NotImplementedError, RuntimeError), a bad seek or offset (OSError, ValueError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
    KeyError,
)

# Characters that some readers take for a line break (str.splitlines does) and JSON leaves
# as they are: written as escapes, so that one row is one line for every reader.
_LINE_BREAKS = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"})

Progress = Callable[[str], None]


def _silent(_stage: str) -> None:
    return None


class BackupError(ParkloopError):
    """A backup or restore could not be carried out; nothing was changed."""

    code = "backup_error"


@dataclass
class BackupArchiveError(ValidationError):
    """The archive is not a complete, intact parkloop backup this version can restore.

    Each issue names the member (``sheet``), the line (``row``) and the column where known.
    """

    archive: str = ""
    code = "invalid_backup"

    def summary(self) -> str:
        n = len(self.issues)
        more = " (more not shown)" if self.truncated else ""
        head = (
            f"{self.archive or 'the archive'} cannot be restored: {n} problem"
            f"{'s' if n != 1 else ''} found{more}; nothing was changed"
        )
        return "\n".join([head, *(f"  - {_where(i)}: {i.message}" for i in self.issues)])


def _where(issue: Issue) -> str:
    parts = [f"member {issue.sheet!r}"]
    if issue.row is not None:
        parts.append(f"line {issue.row}")
    if issue.column is not None:
        parts.append(f"column {issue.column!r}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Member:
    """SHA-256 [hex] and size [bytes] of one archive member, as written."""

    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class TableEntry:
    """One table of the archive: its name, its ``(column, kind)`` pairs and its row count."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: int

    @property
    def member(self) -> str:
        return f"{TABLES}{self.name}.jsonl"


@dataclass(frozen=True)
class Manifest:
    """What an archive holds; ``tables`` are in dependency order (parents first)."""

    revision: str
    created_at: dt.datetime
    parkloop_version: str
    source_dialect: str
    tables: tuple[TableEntry, ...]
    members: dict[str, Member] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @property
    def evidence(self) -> list[str]:
        return sorted(name for name in self.members if name.startswith(EVIDENCE))

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "parkloop_version": self.parkloop_version,
            "alembic_revision": self.revision,
            "created_at": self.created_at.isoformat(),
            "source_dialect": self.source_dialect,
            "tables": [
                {"name": t.name, "rows": t.rows, "columns": dict(t.columns)} for t in self.tables
            ],
            "evidence_files": len(self.evidence),
            "members": {
                name: {"sha256": m.sha256, "size_bytes": m.size_bytes}
                for name, m in sorted(self.members.items())
            },
        }


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    revision: str
    created_at: dt.datetime
    rows: dict[str, int]
    evidence_files: int
    missing_evidence: tuple[str, ...]


@dataclass(frozen=True)
class RestoreReport:
    path: Path
    backup_revision: str
    revision: str
    rows: dict[str, int]
    evidence_files: int
    replaced: bool


# --- portable values ---------------------------------------------------------------------------


def column_kind(type_: sqltypes.TypeEngine[Any]) -> str | None:
    """The portable kind of a column type, or None for a type backups do not handle.

    >>> column_kind(sqltypes.DOUBLE_PRECISION()), column_kind(sqltypes.VARCHAR(5))
    ('float', 'string')
    """
    checks: tuple[tuple[type[Any], str], ...] = (
        (sqltypes.Boolean, "boolean"),
        (sqltypes.Integer, "integer"),
        (sqltypes.Float, "float"),
        (sqltypes.Numeric, "decimal"),
        (sqltypes.DateTime, "datetime"),
        (sqltypes.Date, "date"),
        (sqltypes.JSON, "json"),
        (sqltypes.LargeBinary, "binary"),
        (sqltypes.String, "string"),
    )
    return next((kind for cls, kind in checks if isinstance(type_, cls)), None)


def encode_value(kind: str, value: Any) -> Any:
    """A database value as JSON; naive timestamps (SQLite keeps no zone) are taken as UTC.

    >>> encode_value("datetime", dt.datetime(2026, 3, 1, 8, 30))
    '2026-03-01T08:30:00+00:00'
    >>> encode_value("float", 0.1 + 0.2), encode_value("float", float("inf"))
    (0.30000000000000004, 'inf')
    """
    if value is None:
        return None
    if kind == "datetime":
        stamp: dt.datetime = value
        utc = stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)
        return utc.isoformat()
    if kind == "float":
        number = float(value)
        return number if math.isfinite(number) else repr(number)
    if kind == "boolean":
        return bool(value)
    if kind == "integer":
        return int(value)
    if kind == "date":
        return str(value.isoformat())
    if kind == "decimal":
        return str(value)
    if kind == "binary":
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decode_value(kind: str, value: Any, nullable: bool = True) -> Any:
    """The database value of a JSON value written by :func:`encode_value`.

    Raises ``ValueError`` (or ``TypeError``) saying what was expected when ``value`` does not
    fit ``kind``. A JSON ``null`` becomes SQL NULL, or JSON ``null`` in a NOT NULL JSON column.

    >>> decode_value("datetime", "2026-03-01T09:30:00+01:00")
    datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.timezone.utc)
    >>> decode_value("float", "-inf")
    -inf
    """
    if value is None:
        return null() if kind == "json" and nullable else None
    if kind == "datetime":
        stamp = dt.datetime.fromisoformat(_typed(value, str, "an ISO 8601 timestamp"))
        if stamp.tzinfo is None:
            raise ValueError(f"{value!r} has no UTC offset")
        return stamp.astimezone(dt.UTC)
    if kind == "float":
        if isinstance(value, str) and value in ("inf", "-inf", "nan"):
            return float(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{value!r} is not a number")
        return float(value)
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a whole number")
        return value
    if kind == "boolean":
        return _typed(value, bool, "true or false")
    if kind == "date":
        return dt.date.fromisoformat(_typed(value, str, "an ISO 8601 date"))
    if kind == "decimal":
        return decimal.Decimal(_typed(value, str, "a decimal number as text"))
    if kind == "binary":
        return base64.b64decode(_typed(value, str, "base64 text"), validate=True)
    if kind == "string":
        return _typed(value, str, "text")
    return value


def _typed(value: Any, expected: type[Any], what: str) -> Any:
    if not isinstance(value, expected):
        raise ValueError(f"{value!r} is not {what}")
    return value


# --- schema ------------------------------------------------------------------------------------


def _reflect(connection: Connection) -> list[Table]:
    """The installation's tables as they are in the database, parents before children."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def _kinds(table: Table) -> tuple[tuple[str, str], ...]:
    pairs = []
    for column in table.columns:
        kind = column_kind(column.type)
        if kind is None:
            raise BackupError(
                f"table {table.name!r}, column {column.name!r}: type {column.type} is not one "
                f"backups handle (they handle {', '.join(KINDS)})"
            )
        pairs.append((column.name, kind))
    return tuple(pairs)


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _known_revisions(engine: Engine) -> list[str]:
    """The revisions this parkloop knows, oldest first."""
    script = ScriptDirectory.from_config(db.alembic_config(engine))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _migrate(connection: Connection, current: str | None, wanted: str, known: list[str]) -> None:
    """Upgrade or downgrade the schema from ``current`` to ``wanted`` on this connection."""
    if current == wanted:
        return
    config = db.alembic_config(connection.engine)
    config.attributes["connection"] = connection
    if current is None or known.index(current) < known.index(wanted):
        command.upgrade(config, wanted)
    else:
        command.downgrade(config, wanted)


# --- backup ------------------------------------------------------------------------------------


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection that sees every table as of one moment."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection.begin():
            if connection.dialect.name == "sqlite":
                # pysqlite opens no transaction for SELECT: without BEGIN, each query would
                # see the file as it is then.
                connection.exec_driver_sql("BEGIN")
            yield connection


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def _entry(name: str, when: dt.datetime) -> zipfile.ZipInfo:
    """A compressed zip entry stamped with the backup time (UTC)."""
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _dump_table(
    connection: Connection, archive: zipfile.ZipFile, table: Table, when: dt.datetime
) -> tuple[TableEntry, Member, list[str]]:
    """Write a table as JSON Lines; also return the SHA-256s its rows name (evidence)."""
    kinds = _kinds(table)
    entry = TableEntry(table.name, kinds, 0)
    digest, size, rows, named = hashlib.sha256(), 0, 0, []
    result = connection.execute(
        select(table).order_by(*_order(table)).execution_options(yield_per=BATCH_ROWS)
    )
    with archive.open(_entry(entry.member, when), "w", force_zip64=True) as handle:
        for row in result.mappings():
            record = {name: encode_value(kind, row[name]) for name, kind in kinds}
            try:
                line = json.dumps(
                    record, ensure_ascii=False, separators=(",", ":"), allow_nan=False
                )
                line = line.translate(_LINE_BREAKS)
            except ValueError as exc:  # NaN or infinity inside a JSON column
                raise BackupError(f"table {table.name!r}, row {rows + 1}: {exc}") from None
            data = (line + "\n").encode("utf-8")
            digest.update(data)
            handle.write(data)
            size += len(data)
            rows += 1
            if table.name == "evidence" and isinstance(record.get("sha256"), str):
                named.append(record["sha256"])
    entry = TableEntry(table.name, kinds, rows)
    return entry, Member(digest.hexdigest(), size), named


def _evidence_files(folder: Path) -> list[tuple[str, Path]]:
    """(archive member, path) of every regular file under ``folder``; hidden names (uploads in
    progress, ``.<sha256>.<random>``) are left out."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and not path.is_symlink():
            found.append((EVIDENCE + relative.as_posix(), path))
    return found


def _copy_file(archive: zipfile.ZipFile, member: str, path: Path, when: dt.datetime) -> Member:
    digest, size = hashlib.sha256(), 0
    entry = _entry(member, when)
    with path.open("rb") as source, archive.open(entry, "w", force_zip64=True) as handle:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            handle.write(chunk)
            size += len(chunk)
    checksum = digest.hexdigest()
    name = PurePosixPath(member).name
    if _is_sha256(name) and name != checksum:
        raise BackupError(
            f"evidence file {path} does not match the SHA-256 in its name (it was damaged on "
            "disk): put back the file from an earlier backup, then back up again"
        )
    return Member(checksum, size)


def _is_sha256(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def _write_archive(
    database: Database, target: Path, folder: Path, progress: Progress
) -> tuple[Manifest, tuple[str, ...]]:
    created = dt.datetime.now(dt.UTC)
    with (
        _snapshot(database.engine) as connection,
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        revision = _revision(connection)
        if revision is None:
            raise BackupError(
                "the database has no parkloop schema yet: run `parkloop init` before backing up"
            )
        entries, members, named = [], {}, []
        for table in _reflect(connection):
            progress(f"table {table.name}")
            entry, member, shas = _dump_table(connection, archive, table, created)
            entries.append(entry)
            members[entry.member] = member
            named.extend(shas)
        # Files are read after the snapshot began: every upload its rows name is complete.
        for name, path in _evidence_files(folder):
            progress(name)
            members[name] = _copy_file(archive, name, path, created)
        manifest = Manifest(
            revision, created, __version__, connection.dialect.name, tuple(entries), members
        )
        document = json.dumps(manifest.as_json(), indent=2, ensure_ascii=False) + "\n"
        archive.writestr(_entry(MANIFEST, created), document)
    present = {PurePosixPath(name).name for name in members if name.startswith(EVIDENCE)}
    return manifest, tuple(sorted(set(named) - present))


def _check_archive_path(path: Path) -> None:
    problems = []
    if path.suffix.lower() != ".zip":
        problems.append(f"{path}: name the archive *.zip (it is a zip file)")
    elif path.is_dir():
        problems.append(f"{path} is a folder: give a file name ending .zip")
    elif not path.parent.is_dir():
        problems.append(f"folder {path.parent} does not exist")
    if problems:
        raise ValidationError([Issue("backup", None, "path", p) for p in problems])


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk (folders cannot be opened on Windows)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        descriptor = os.open(path, flags if path.is_dir() else os.O_RDONLY)
    except OSError:
        if path.is_dir():
            return
        raise
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def backup(
    database: Database,
    path: Path,
    *,
    evidence_dir: Path | None = None,
    progress: Progress = _silent,
) -> BackupReport:
    """Write the whole installation to one zip archive at ``path``, atomically.

    The archive is written under a hidden temporary name beside ``path``, read back and
    verified, flushed to disk and only then renamed to ``path`` (replacing a file there).

    Parameters
    ----------
    database
        The installation's database (SQLite or PostgreSQL).
    path
        The archive to write; its name must end ``.zip``.
    evidence_dir
        Folder of uploaded evidence files; by default ``<data_dir>/evidence``.
    progress
        Called with the name of each table or file before it is written.

    Returns
    -------
    BackupReport
        Rows per table, evidence files, size [bytes], schema revision, and the SHA-256s that
        evidence rows name but for which no file was found (``missing_evidence``).
    """
    path = Path(path)
    _check_archive_path(path)
    folder = evidence_folder() if evidence_dir is None else evidence_dir
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        manifest, missing = _write_archive(database, temporary, folder, progress)
        verify(temporary)
        _fsync(temporary)
        temporary.replace(path)
        _fsync(path.parent)
    except SQLAlchemyError as exc:
        raise BackupError(f"reading the database failed: {exc}") from exc
    except OSError as exc:
        raise BackupError(f"writing {path} failed: {exc}") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return BackupReport(
        path=path,
        size_bytes=path.stat().st_size,
        revision=manifest.revision,
        created_at=manifest.created_at,
        rows={t.name: t.rows for t in manifest.tables},
        evidence_files=len(manifest.evidence),
        missing_evidence=missing,
    )


# --- verification ------------------------------------------------------------------------------


@contextmanager
def _open(path: Path) -> Iterator[zipfile.ZipFile]:
    def refuse(message: str) -> BackupArchiveError:
        return BackupArchiveError([Issue("(archive)", None, None, message)], archive=str(path))

    if not path.is_file():
        raise refuse(f"no file {path}")
    try:
        archive = zipfile.ZipFile(path)
    except _ZIP_ERRORS as exc:
        raise refuse(f"not a readable zip archive (truncated or damaged?): {exc}") from None
    with archive:
        yield archive


def _stream(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The bytes of a member in chunks; zip errors become :class:`_Damaged`."""
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk
    except _ZIP_ERRORS as exc:
        raise _Damaged(member, f"cannot be read (damaged archive): {exc}") from None


class _Damaged(Exception):
    def __init__(self, member: str, message: str) -> None:
        super().__init__(message)
        self.member = member


def _read_manifest(archive: zipfile.ZipFile) -> Manifest:
    try:
        raw = b"".join(_stream(archive, MANIFEST))
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Damaged(MANIFEST, f"is not valid JSON: {exc}") from None
    return _parse_manifest(data)


def _parse_manifest(data: Any) -> Manifest:
    try:
        if data.get("format") != FORMAT:
            raise ValueError(f"format is {data.get('format')!r}, not {FORMAT!r}")
        version = data["format_version"]
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise ValueError(
                f"format version {version!r} is newer than this parkloop reads "
                f"({FORMAT_VERSION}): restore with the parkloop version that made it or newer"
            )
        tables = tuple(
            TableEntry(
                str(t["name"]),
                tuple((str(c), str(k)) for c, k in t["columns"].items()),
                int(t["rows"]),
            )
            for t in data["tables"]
        )
        members = {
            str(name): Member(str(m["sha256"]), int(m["size_bytes"]))
            for name, m in data["members"].items()
        }
        created = dt.datetime.fromisoformat(data["created_at"])
        return Manifest(
            str(data["alembic_revision"]),
            created,
            str(data["parkloop_version"]),
            str(data["source_dialect"]),
            tables,
            members,
            version,
        )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise _Damaged(MANIFEST, f"is not a parkloop backup manifest: {exc}") from None


def _safe_evidence_name(member: str) -> bool:
    relative = PurePosixPath(member[len(EVIDENCE) :])
    return (
        bool(relative.parts)
        and "\\" not in member
        and not relative.is_absolute()
        and all(part not in ("", "..") and not part.startswith(".") for part in relative.parts)
    )


def _check_layout(manifest: Manifest, names: list[str]) -> list[Issue]:
    issues = []
    if len(set(names)) != len(names):
        issues.append(Issue("(archive)", None, None, "holds the same member name twice"))
    present = set(names) - {MANIFEST}
    for name in sorted(set(manifest.members) - present):
        issues.append(Issue(name, None, None, "is missing (truncated archive?)"))
    for name in sorted(present - set(manifest.members)):
        issues.append(Issue(name, None, None, "is not listed in the manifest"))
    tables = {t.member for t in manifest.tables}
    for name in sorted(set(manifest.members) - tables):
        if not (name.startswith(EVIDENCE) and _safe_evidence_name(name)):
            issues.append(Issue(name, None, None, "is neither a table nor a safe evidence name"))
    for entry in manifest.tables:
        if entry.member not in manifest.members:
            issues.append(Issue(entry.member, None, None, "the manifest gives no checksum"))
        for column, kind in entry.columns:
            if kind not in KINDS:
                issues.append(Issue(entry.member, None, column, f"unknown kind {kind!r}"))
    return issues


def _check_member(archive: zipfile.ZipFile, name: str, member: Member, rows: int | None) -> str:
    """'' when the member matches its size, SHA-256 and row count; else what is wrong."""
    digest, size, lines = hashlib.sha256(), 0, 0
    for chunk in _stream(archive, name):
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    if size != member.size_bytes:
        return f"has {size} bytes, the manifest says {member.size_bytes}"
    if digest.hexdigest() != member.sha256:
        return f"SHA-256 {digest.hexdigest()} does not match the manifest ({member.sha256})"
    if rows is not None and lines != rows:
        return f"has {lines} rows, the manifest says {rows}"
    return ""


def _verify_open(archive: zipfile.ZipFile, path: Path) -> Manifest:
    """Check the manifest and every member of an open archive; raise on any problem."""

    def refuse(issues: list[Issue]) -> BackupArchiveError:
        return BackupArchiveError(
            issues[:MAX_ISSUES], truncated=len(issues) > MAX_ISSUES, archive=str(path)
        )

    try:
        manifest = _read_manifest(archive)
    except _Damaged as exc:
        raise refuse([Issue(exc.member, None, None, str(exc))]) from None
    issues = _check_layout(manifest, archive.namelist())
    present = set(archive.namelist())
    rows = {t.member: t.rows for t in manifest.tables}
    for name, member in sorted(manifest.members.items()):
        if name not in present:
            continue
        try:
            problem = _check_member(archive, name, member, rows.get(name))
        except _Damaged as exc:
            problem = str(exc)
        if problem:
            issues.append(Issue(name, None, None, problem))
    if issues:
        raise refuse(issues)
    return manifest


def verify(path: Path) -> Manifest:
    """Check an archive without touching any database: the manifest is a parkloop backup this
    version reads, every member is listed and present, and each member's size, SHA-256 and row
    count match the manifest.

    Raises
    ------
    BackupArchiveError
        Naming each damaged, missing or unexpected member.
    """
    path = Path(path)
    with _open(path) as archive:
        return _verify_open(archive, path)


# --- restore -----------------------------------------------------------------------------------


@contextmanager
def _exclusive(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole restore, schema changes included (all or nothing)."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # pysqlite runs DDL outside any transaction unless one is open: open it now,
            # taking the write lock at once.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


def _count(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _check_empty(connection: Connection, replace: bool) -> list[Table]:
    tables = _reflect(connection)
    filled = [(t.name, n) for t in tables if (n := _count(connection, t))]
    if filled and not replace:
        listed = ", ".join(f"{name} ({n})" for name, n in filled[:5])
        raise Conflict(
            f"the target database is not empty (rows in {listed}"
            f"{', ...' if len(filled) > 5 else ''}): restore into an empty database, or pass "
            "--replace (replace=True) to discard what it holds"
        )
    return tables if filled else []


def _check_schema(manifest: Manifest, tables: dict[str, Table]) -> None:
    wanted = {t.name for t in manifest.tables}
    if wanted != set(tables):
        raise BackupError(
            f"at revision {manifest.revision} the database has tables {sorted(tables)}, the "
            f"backup has {sorted(wanted)}"
        )
    for entry in manifest.tables:
        have = _kinds(tables[entry.name])
        if dict(have) != dict(entry.columns):
            raise BackupError(
                f"table {entry.name!r}: the backup has columns {list(entry.columns)}, the "
                f"database at revision {manifest.revision} has {list(have)}"
            )


def _lines(archive: zipfile.ZipFile, entry: TableEntry, member: Member) -> Iterator[str]:
    """The lines of a table member; the SHA-256 is checked again once all were read."""
    digest = hashlib.sha256()
    try:
        with archive.open(entry.member) as handle:
            for raw in io.TextIOWrapper(handle, encoding="utf-8", newline="\n"):
                digest.update(raw.encode("utf-8"))
                yield raw
    except _ZIP_ERRORS as exc:
        raise BackupArchiveError(
            [Issue(entry.member, None, None, f"cannot be read: {exc}")]
        ) from None
    if digest.hexdigest() != member.sha256:
        raise BackupArchiveError(
            [Issue(entry.member, None, None, "changed while it was being restored")]
        )


def _decode_row(entry: TableEntry, table: Table, number: int, line: str) -> dict[str, Any]:
    def problem(column: str | None, message: str) -> BackupArchiveError:
        return BackupArchiveError([Issue(entry.member, number, column, message)])

    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise problem(None, f"is not JSON: {exc}") from None
    if not isinstance(record, dict) or set(record) != {c for c, _ in entry.columns}:
        raise problem(None, f"must be an object with the keys {[c for c, _ in entry.columns]}")
    values = {}
    for column, kind in entry.columns:
        try:
            values[column] = decode_value(kind, record[column], bool(table.c[column].nullable))
        except (TypeError, ValueError, decimal.InvalidOperation) as exc:
            raise problem(column, f"{kind}: {exc}") from None
    return values


def _load_table(
    connection: Connection, archive: zipfile.ZipFile, table: Table, entry: TableEntry, m: Member
) -> None:
    """Insert a table's rows with their primary keys, in batches.

    Nullable references to the same table (an assessment superseding another) are set after
    all rows are in, so that the order of rows never breaks a foreign key.
    """
    later = [
        c.name
        for c in table.columns
        if c.nullable and any(fk.column.table is table for fk in c.foreign_keys)
    ]
    keys = [c.name for c in table.primary_key.columns]
    batch: list[dict[str, Any]] = []
    pending: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for number, line in enumerate(_lines(archive, entry, m), start=1):
        values = _decode_row(entry, table, number, line)
        refs = {c: values[c] for c in later if values[c] is not None}
        if refs and keys:
            pending.append(({k: values[k] for k in keys}, refs))
            values.update(dict.fromkeys(refs))
        batch.append(values)
        if len(batch) >= BATCH_ROWS:
            connection.execute(insert(table), batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)
    for key, refs in pending:
        where = [table.c[k] == v for k, v in key.items()]
        connection.execute(update(table).where(*where).values(refs))


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """PostgreSQL: make each serial key continue after the largest restored id."""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sqltypes.Integer):
            continue
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": quote(table.name), "column": keys[0].name},
        ).scalar()
        if sequence is None:
            continue
        largest = connection.execute(select(func.max(keys[0]))).scalar()
        connection.execute(
            text("SELECT setval(CAST(:sequence AS regclass), :value, :called)"),
            {
                "sequence": sequence,
                "value": 1 if largest is None else largest,
                "called": largest is not None,
            },
        )


@dataclass
class _Staged:
    """Evidence files written under temporary names, renamed into place after the commit."""

    files: list[tuple[Path, Path]] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)

    def publish(self) -> None:
        for temporary, final in self.files:
            temporary.replace(final)
        self.files.clear()

    def discard(self) -> None:
        for temporary, _ in self.files:
            temporary.unlink(missing_ok=True)
        for folder in reversed(self.folders):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _write_staged(archive: zipfile.ZipFile, name: str, member: Member, target: Path) -> None:
    digest = hashlib.sha256()
    with target.open("xb") as out:
        for chunk in _stream(archive, name):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if digest.hexdigest() != member.sha256:
        raise BackupArchiveError([Issue(name, None, None, "changed while it was being restored")])


def _stage(archive: zipfile.ZipFile, manifest: Manifest, folder: Path, staged: _Staged) -> None:
    for name in manifest.evidence:
        member = manifest.members[name]
        final = folder.joinpath(*PurePosixPath(name[len(EVIDENCE) :]).parts)
        if final.is_file() and _file_sha256(final) == member.sha256:
            continue
        missing = [p for p in (final.parent, *final.parent.parents) if not p.exists()]
        for parent in reversed(missing):
            parent.mkdir()
            staged.folders.append(parent)
        temporary = final.with_name(f".{final.name}.{secrets.token_hex(4)}.restore")
        staged.files.append((temporary, final))
        try:
            _write_staged(archive, name, manifest.members[name], temporary)
        except _Damaged as exc:
            raise BackupArchiveError([Issue(name, None, None, str(exc))]) from None


def restore(
    database: Database,
    path: Path,
    *,
    replace: bool = False,
    evidence_dir: Path | None = None,
    progress: Progress = _silent,
) -> RestoreReport:
    """Restore an archive written by :func:`backup` into ``database`` (all or nothing).

    In order: verify the manifest and every member's checksum; refuse a backup from a schema
    revision this parkloop does not know; refuse a database that holds rows unless ``replace``;
    write the evidence files under temporary names; then, in one transaction, empty the tables
    (``replace``), migrate the schema to the backup's revision, insert every row with its
    primary key, check the row counts, upgrade to the newest revision and, on PostgreSQL, move
    each id sequence past the largest id; commit; finally rename the evidence files into place.
    Any error before the commit rolls everything back and removes the temporary files.

    Parameters
    ----------
    database
        The target database; it may be empty and without any schema.
    path
        An archive written by :func:`backup` (from SQLite or PostgreSQL).
    replace
        Discard the rows the target holds; without it, a non-empty target is refused.
    evidence_dir
        Where evidence files go; by default ``<data_dir>/evidence``. Files already there stay.
    progress
        Called with ``"table <name>"`` before each table is loaded.

    Raises
    ------
    BackupArchiveError
        The archive is damaged, truncated, not a backup, or from a newer schema or format.
    Conflict
        The target holds rows and ``replace`` is False.
    BackupError
        The rows could not be loaded (the database refused them); nothing was changed.
    """
    path = Path(path)
    folder = evidence_folder() if evidence_dir is None else evidence_dir
    known = _known_revisions(database.engine)
    with _open(path) as archive:
        manifest = _verify_open(archive, path)
        if manifest.revision not in known:
            raise BackupArchiveError(
                [
                    Issue(
                        MANIFEST,
                        None,
                        "alembic_revision",
                        f"schema revision {manifest.revision!r} is newer than this parkloop "
                        f"knows (newest {known[-1]!r}): upgrade parkloop, then restore",
                    )
                ],
                archive=str(path),
            )
        staged = _Staged()
        try:
            with database.engine.connect() as connection:  # refuse early, before copying files
                _check_empty(connection, replace)
            _stage(archive, manifest, folder, staged)
            _restore_rows(database, archive, manifest, replace, known, progress)
            staged.publish()
        except SQLAlchemyError as exc:
            raise BackupError(f"the database refused the restore: {exc}") from exc
        except OSError as exc:
            raise BackupError(f"writing the evidence files failed: {exc}") from exc
        finally:
            staged.discard()
    return RestoreReport(
        path=path,
        backup_revision=manifest.revision,
        revision=known[-1],
        rows={t.name: t.rows for t in manifest.tables},
        evidence_files=len(manifest.evidence),
        replaced=replace,
    )


def _restore_rows(
    database: Database,
    archive: zipfile.ZipFile,
    manifest: Manifest,
    replace: bool,
    known: list[str],
    progress: Progress,
) -> None:
    with _exclusive(database.engine) as connection:
        current = _revision(connection)
        if current is not None and current not in known:
            raise BackupError(
                f"the target database is at schema revision {current!r}, which this parkloop "
                "does not know: restore with the parkloop version that created it"
            )
        for table in reversed(_check_empty(connection, replace)):
            connection.execute(table.delete())
        _migrate(connection, current, manifest.revision, known)
        tables = {t.name: t for t in _reflect(connection)}
        _check_schema(manifest, tables)
        for entry in manifest.tables:
            progress(f"table {entry.name}")
            table = tables[entry.name]
            _load_table(connection, archive, table, entry, manifest.members[entry.member])
            if (n := _count(connection, table)) != entry.rows:
                raise BackupError(f"table {entry.name!r}: {n} rows loaded, {entry.rows} backed up")
        _migrate(connection, manifest.revision, known[-1], known)
        _reset_sequences(connection, _reflect(connection))
