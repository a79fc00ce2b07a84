"""Backup and restore: lossless round trips on SQLite and PostgreSQL, across the two, damaged
archives refused, non-empty targets protected, and failures that change nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, func, insert, select
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from parkloop.cli_backup import backup_command, restore_command
from parkloop.domain.people import Membership, Role
from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import Conflict, Unauthenticated, ValidationError
from parkloop.matching.engine import MatchOptions
from parkloop.reference.standards import default_registry
from parkloop.services import accounts, certification, matching, pipeline, synergies, users
from parkloop.services import parks as park_service
from parkloop.services.backup import (
    MANIFEST,
    BackupArchiveError,
    BackupError,
    backup,
    restore,
    verify,
)
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.store import db
from parkloop.store.tables import (
    AssessmentRow,
    Base,
    FlowRow,
    MembershipRow,
    ParkRow,
    UserRow,
)

POSTGRES_URL = os.environ.get("PARKLOOP_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="no PostgreSQL: run `make test` (scripts/with-postgres.sh) for the cross-database "
    "restore",
)
PASSWORD = "correct horse battery staple"
EVIDENCE = b"criterion,value\nheat recovered,1.5 GWh\n"
EVIDENCE_SHA = hashlib.sha256(EVIDENCE).hexdigest()
# Floats whose decimal text is long or extreme: the smallest subnormal, the largest double,
# a sum that is not 0.3, a third.
TRICKY_FLOATS = (0.1 + 0.2, 5e-324, 1.7976931348623157e308, 1 / 3)
NOTE = 'line one\nline two \u2028 with \u00e6\u00f8\u00e5 and "quotes"'
# The newest schema revision this code knows, and the tables the sample fills.
HEAD = ScriptDirectory.from_config(db.alembic_config(create_engine("sqlite://"))).get_current_head()
FILLED = {
    "parks",
    "companies",
    "flows",
    "energy_uses",
    "users",
    "memberships",
    "sessions",
    "login_attempts",
    "api_tokens",
    "invitations",
    "password_resets",
    "outbox",
    "matches",
    "synergies",
    "synergy_events",
    "messages",
    "assessments",
    "assessment_answers",
    "assessment_events",
    "evidence",
}

Rows = dict[str, list[tuple[Any, ...]]]


# --- helpers -----------------------------------------------------------------------------------


def _populate(database: Database) -> None:
    """Rows in every table, made by the services, plus values that are hard to carry over."""
    park = park_service.load_demo(database).park
    company = park_service.park_workbook(database, park).companies[0].id
    users.create_user(database, "facilitator@x.example", "Facilitator", PASSWORD)
    users.add_membership(database, Membership("facilitator@x.example", Role.FACILITATOR, park))
    users.create_user(database, "member@x.example", "Member", PASSWORD)
    users.add_membership(
        database, Membership("member@x.example", Role.COMPANY_MEMBER, park, company)
    )
    facilitator = accounts.sign_in(database, "facilitator@x.example", PASSWORD, "192.0.2.1")
    with pytest.raises(Unauthenticated):
        accounts.sign_in(database, "nobody@x.example", "not the password at all", "192.0.2.9")
    accounts.create_api_token(database, "facilitator@x.example", "nightly export")
    accounts.invite(
        database, facilitator.account, "new@x.example", Role.COMPANY_MEMBER, park, company
    )
    accounts.request_password_reset(database, "member@x.example")
    run = matching.match_park(database, park, options=MatchOptions(top_k=2))
    result = next(r for r in run.results if r.candidates)
    best = result.candidates[0]
    synergy = synergies.identify(
        database,
        park,
        result.supply_flow_id,
        best.company_id,
        by="facilitator@x.example",
        demand_flow=best.demand_flow_id,
        note=NOTE,
    )
    synergies.advance(
        database, synergy, SynergyStatus.CONTACTED, by="facilitator@x.example", expected_version=1
    )
    pipeline.post_message(database, facilitator.account, synergy, "Could you take 2 t a week?")
    standard = default_registry().all()[0]
    assessment = certification.start(database, facilitator.account, park, standard.id)
    criterion = standard.criteria[0].id
    certification.answer(
        database, facilitator.account, assessment, criterion, "met", expected_version=1
    )
    certification.add_evidence(
        database, facilitator.account, assessment, criterion, "heat.csv", EVIDENCE
    )
    with database.transaction() as session:
        first = session.get(AssessmentRow, assessment)
        assert first is not None
        later = AssessmentRow(
            park_id=first.park_id,
            standard_id=standard.id,
            standard_version=standard.version,
            status="rejected",
            created_by="facilitator@x.example",
        )
        session.add(later)
        session.flush()
        first.supersedes_id = later.id  # a reference to a row with a larger id
        flows = session.scalars(select(FlowRow).order_by(FlowRow.id)).all()
        for flow, value in zip(flows, TRICKY_FLOATS, strict=False):
            flow.quantity = value
        flows[0].notes = {"nested": {"list": [1, 2.5, None, True, "\u00f8"]}, "empty": {}}
        member = session.scalars(select(UserRow).where(UserRow.email == "member@x.example")).one()
        member.is_active = False


def _plain(value: Any) -> Any:
    """Timestamps as aware UTC (SQLite hands them back without a zone)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value


def _rows(database: Database) -> Rows:
    """Every row of every table, all columns, through the application's own table types."""
    with database.engine.connect() as connection:
        return {
            table.name: [
                tuple(_plain(v) for v in row)
                for row in connection.execute(select(table).order_by(*table.primary_key))
            ]
            for table in Base.metadata.sorted_tables
        }


def _revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")}


@contextmanager
def _scratch(kind: str, folder: Path) -> Iterator[Database]:
    """An empty database without any schema: a new SQLite file or a new PostgreSQL database."""
    name = f"parkloop_restore_{secrets.token_hex(4)}"
    if kind == "sqlite":
        database = Database.from_url(f"sqlite:///{folder / (name + '.sqlite3')}")
        try:
            yield database
        finally:
            database.dispose()
        return
    assert POSTGRES_URL
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    database = Database.from_url(url)
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def fresh(database: Database, tmp_path: Path) -> Iterator[Callable[[], Database]]:
    """Makes empty, schema-less databases of the same kind as ``database``."""
    with ExitStack() as stack:
        kind = database.engine.dialect.name
        yield lambda: stack.enter_context(_scratch(kind, tmp_path))


@dataclass(frozen=True)
class Sample:
    archive: Path
    rows: Rows


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    """A backup of a populated SQLite installation, made once for the module."""
    folder = tmp_path_factory.mktemp("sample")
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("PARKLOOP_")]:
            if name not in ("PARKLOOP_TEST_POSTGRES_URL", "PARKLOOP_REQUIRE_POSTGRES"):
                patch.delenv(name)
        patch.setenv("PARKLOOP_DATA_DIR", str(folder / "data"))
        get_settings.cache_clear()
        source = Database.from_url(f"sqlite:///{folder / 'source.sqlite3'}")
        source.migrate()
        _populate(source)
        rows = _rows(source)
        backup(source, folder / "sample.zip")
        source.dispose()
    get_settings.cache_clear()
    yield Sample(folder / "sample.zip", rows)


def _copy(sample: Sample, folder: Path) -> Path:
    return Path(shutil.copy(sample.archive, folder / "copy.zip"))


def _rewrite(archive: Path, change: Callable[[dict[str, bytes]], None]) -> None:
    """Rewrite an archive through ``change`` (a valid zip, so only our checks can object)."""
    with zipfile.ZipFile(archive) as source:
        members = {name: source.read(name) for name in source.namelist()}
    change(members)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)


def _manifest(members: dict[str, bytes]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(members[MANIFEST])
    return document


def _resign(members: dict[str, bytes], name: str) -> None:
    """Record a changed member's new size and SHA-256 in the manifest."""
    document = _manifest(members)
    document["members"][name] = {
        "sha256": hashlib.sha256(members[name]).hexdigest(),
        "size_bytes": len(members[name]),
    }
    members[MANIFEST] = json.dumps(document).encode()


def _flip_inside(archive: Path, member: str) -> None:
    """Flip one byte in the middle of a member's stored (compressed) data."""
    with zipfile.ZipFile(archive) as source:
        info = source.getinfo(member)
    data = bytearray(archive.read_bytes())
    header = 30 + len(info.filename.encode()) + len(info.extra)
    data[info.header_offset + header + info.compress_size // 2] ^= 0x55
    archive.write_bytes(bytes(data))


# --- round trips -------------------------------------------------------------------------------


def test_round_trip_keeps_every_row_and_file(
    database: Database, fresh: Callable[[], Database], tmp_path: Path
) -> None:
    _populate(database)
    before = _rows(database)
    empty = sorted(FILLED & {name for name, rows in before.items() if not rows})
    assert not empty, f"the sample leaves tables empty: {empty}"
    report = backup(database, tmp_path / "park.zip")
    assert report.rows == {name: len(rows) for name, rows in before.items()}
    assert report.evidence_files == 1 and report.missing_evidence == ()
    assert report.revision == HEAD

    target, evidence = fresh(), tmp_path / "restored" / "evidence"
    restored = restore(target, tmp_path / "park.zip", evidence_dir=evidence)
    assert restored.rows == report.rows and restored.revision == HEAD
    after = _rows(target)
    for name, rows in before.items():
        assert after[name] == rows, f"table {name} differs"
    assert _revision(target) == HEAD
    assert _files(evidence) == {EVIDENCE_SHA: EVIDENCE}
    # Ids continue after the restored ones (PostgreSQL sequences were moved on).
    users.create_user(target, "after@x.example", "After", PASSWORD)
    with target.reader() as session:
        ids = sorted(session.scalars(select(UserRow.id)))
    assert ids[-1] == max(r[0] for r in before["users"]) + 1


def test_archive_holds_a_manifest_and_portable_rows(sample: Sample) -> None:
    manifest = verify(sample.archive)
    assert manifest.format_version == 1 and manifest.revision == HEAD
    assert manifest.created_at.utcoffset() == dt.timedelta(0)
    assert {t.name: t.rows for t in manifest.tables} == {n: len(r) for n, r in sample.rows.items()}
    order = [t.name for t in manifest.tables]
    for table in Base.metadata.sorted_tables:  # parents before children
        for fk in table.foreign_keys:
            if fk.column.table is not table:
                assert order.index(fk.column.table.name) < order.index(table.name)
    with zipfile.ZipFile(sample.archive) as archive:
        for name, member in manifest.members.items():
            data = archive.read(name)
            assert hashlib.sha256(data).hexdigest() == member.sha256
            assert len(data) == member.size_bytes
        flows = [json.loads(line) for line in archive.read("tables/flows.jsonl").splitlines()]
        events = archive.read("tables/synergy_events.jsonl").decode()
        users_rows = [json.loads(line) for line in archive.read("tables/users.jsonl").splitlines()]
        assert archive.read(f"evidence/{EVIDENCE_SHA}") == EVIDENCE
    assert [f["quantity"] for f in flows[: len(TRICKY_FLOATS)]] == list(TRICKY_FLOATS)
    assert flows[0]["notes"] == {"nested": {"list": [1, 2.5, None, True, "\u00f8"]}, "empty": {}}
    assert dt.datetime.fromisoformat(flows[0]["created_at"]).utcoffset() == dt.timedelta(0)
    assert {u["is_active"] for u in users_rows} == {True, False}
    assert json.loads(events.splitlines()[0])["note"] == NOTE


def test_restore_into_a_migrated_empty_database_and_back_out(
    database: Database, sample: Sample, fresh: Callable[[], Database], tmp_path: Path
) -> None:
    """On the PostgreSQL run this is SQLite -> PostgreSQL -> PostgreSQL."""
    restore(database, sample.archive, evidence_dir=tmp_path / "a")
    assert _rows(database) == sample.rows
    backup(database, tmp_path / "again.zip", evidence_dir=tmp_path / "a")
    target = fresh()
    restore(target, tmp_path / "again.zip", evidence_dir=tmp_path / "b")
    assert _rows(target) == sample.rows
    assert _files(tmp_path / "b") == {EVIDENCE_SHA: EVIDENCE}


@needs_postgres
def test_sqlite_backup_restores_into_postgresql_and_back(sample: Sample, tmp_path: Path) -> None:
    with _scratch("postgresql", tmp_path) as postgres, _scratch("sqlite", tmp_path) as sqlite:
        restore(postgres, sample.archive, evidence_dir=tmp_path / "pg")
        assert postgres.engine.dialect.name == "postgresql"
        assert _rows(postgres) == sample.rows
        report = backup(postgres, tmp_path / "from-postgres.zip", evidence_dir=tmp_path / "pg")
        assert verify(report.path).source_dialect == "postgresql"
        restore(sqlite, report.path, evidence_dir=tmp_path / "lite")
        assert _rows(sqlite) == sample.rows
        assert _files(tmp_path / "lite") == {EVIDENCE_SHA: EVIDENCE}


# --- refusals ----------------------------------------------------------------------------------


def _drop(members: dict[str, bytes], name: str) -> None:
    del members[name]


def _tamper(members: dict[str, bytes], name: str) -> None:
    """Same size, other content: only the SHA-256 can tell."""
    assert b'"version":1' in members[name]
    members[name] = members[name].replace(b'"version":1', b'"version":2', 1)


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "byte flipped in a table": (lambda p: _flip_inside(p, "tables/flows.jsonl"), "flows.jsonl"),
    "byte flipped in evidence": (
        lambda p: _flip_inside(p, f"evidence/{EVIDENCE_SHA}"),
        f"evidence/{EVIDENCE_SHA}",
    ),
    "byte flipped in the manifest": (lambda p: _flip_inside(p, MANIFEST), MANIFEST),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "truncated"),
    "member missing": (
        lambda p: _rewrite(p, lambda m: _drop(m, "tables/companies.jsonl")),
        "tables/companies.jsonl",
    ),
    "member added": (
        lambda p: _rewrite(p, lambda m: m.update({"tables/extra.jsonl": b"{}\n"})),
        "tables/extra.jsonl",
    ),
    "content changed, zip intact": (
        lambda p: _rewrite(p, lambda m: _tamper(m, "tables/flows.jsonl")),
        "SHA-256",
    ),
    "row count changed": (
        lambda p: _rewrite(
            p,
            lambda m: (
                m.update({"tables/parks.jsonl": m["tables/parks.jsonl"] * 2}),
                _resign(m, "tables/parks.jsonl"),
            ),
        ),
        "rows, the manifest says 1",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_archive_is_refused_and_nothing_changes(
    database: Database, sample: Sample, tmp_path: Path, damage: str
) -> None:
    park_service.load_demo(database)
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "kept.txt").write_bytes(b"already here")
    before, files = _rows(database), _files(evidence)
    archive = _copy(sample, tmp_path)
    spoil, named = DAMAGES[damage]
    spoil(archive)
    with pytest.raises(BackupArchiveError) as caught:
        restore(database, archive, replace=True, evidence_dir=evidence)
    assert named in str(caught.value)
    assert "nothing was changed" in str(caught.value)
    assert _rows(database) == before and _files(evidence) == files
    with pytest.raises(BackupArchiveError):
        verify(archive)


def test_every_flipped_byte_is_refused_or_harmless(tmp_path: Path) -> None:
    """Flip each byte of a small archive in turn: verification refuses it, or the bytes it
    vouches for are exactly the original ones (a flip in a zip time stamp, a version field or
    the unused padding bits of a deflate stream changes no data)."""
    source = Database.from_url(f"sqlite:///{tmp_path / 'small.sqlite3'}")
    source.migrate()
    with source.transaction() as session:
        session.add(UserRow(email="one@x.example", name="One", password_hash=None))
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "note.txt").write_bytes(b"small file")
    archive = backup(source, tmp_path / "small.zip", evidence_dir=evidence).path
    source.dispose()
    original = archive.read_bytes()
    with zipfile.ZipFile(archive) as zipped:
        contents = {name: zipped.read(name) for name in zipped.namelist()}
    damaged = tmp_path / "damaged.zip"
    refused = 0
    for offset in range(len(original)):
        data = bytearray(original)
        data[offset] ^= 0xFF
        damaged.write_bytes(bytes(data))
        try:
            verify(damaged)
        except BackupArchiveError:
            refused += 1
            continue
        with zipfile.ZipFile(damaged) as zipped:
            assert {n: zipped.read(n) for n in zipped.namelist()} == contents, offset
    assert refused > len(original) // 2


def test_newer_schema_or_format_is_refused(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    archive = _copy(sample, tmp_path)

    def newer(key: str, value: Any) -> Callable[[dict[str, bytes]], None]:
        def change(members: dict[str, bytes]) -> None:
            document = _manifest(members)
            document[key] = value
            members[MANIFEST] = json.dumps(document).encode()

        return change

    _rewrite(archive, newer("alembic_revision", "9999"))
    with pytest.raises(BackupArchiveError, match="'9999' is newer than this parkloop knows"):
        restore(database, archive, evidence_dir=tmp_path / "e")
    _rewrite(archive, newer("format_version", 2))
    with pytest.raises(BackupArchiveError, match="format version 2 is newer"):
        restore(database, archive, evidence_dir=tmp_path / "e")
    assert _revision(database) == HEAD and not any(_rows(database).values())
    assert not (tmp_path / "e").exists()


def test_a_target_with_rows_needs_replace(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    evidence = tmp_path / "evidence"
    restore(database, sample.archive, evidence_dir=evidence)
    users.create_user(database, "later@x.example", "Later", PASSWORD)
    changed = _rows(database)
    with pytest.raises(Conflict, match="not empty"):
        restore(database, sample.archive, evidence_dir=evidence)
    assert _rows(database) == changed
    report = restore(database, sample.archive, replace=True, evidence_dir=evidence)
    assert report.replaced
    assert _rows(database) == sample.rows


def test_a_failure_mid_restore_leaves_the_target_unchanged(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    park_service.load_demo(database)
    users.create_user(database, "here@x.example", "Here", PASSWORD)
    evidence = tmp_path / "evidence"
    before = _rows(database)
    loaded: list[str] = []

    def fail_at_synergies(stage: str) -> None:
        loaded.append(stage)
        if stage == "table synergies":
            raise RuntimeError("disk unplugged")

    with pytest.raises(RuntimeError, match="disk unplugged"):
        restore(
            database,
            sample.archive,
            replace=True,
            evidence_dir=evidence,
            progress=fail_at_synergies,
        )
    assert "table flows" in loaded  # rows were being written when it failed
    assert _rows(database) == before
    assert _revision(database) == HEAD
    assert not evidence.exists()  # the staged files and their folder are gone again


def test_rows_the_database_refuses_roll_back_everything(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    """A well-formed archive whose messages point at a synergy that does not exist."""
    park_service.load_demo(database)
    before = _rows(database)
    archive = _copy(sample, tmp_path)

    def orphan(members: dict[str, bytes]) -> None:
        name = "tables/messages.jsonl"
        rows = [json.loads(line) for line in members[name].splitlines()]
        rows[0]["synergy_id"] = 999_999
        members[name] = "".join(json.dumps(r) + "\n" for r in rows).encode()
        _resign(members, name)

    _rewrite(archive, orphan)
    with pytest.raises(BackupError, match="the database refused the restore"):
        restore(database, archive, replace=True, evidence_dir=tmp_path / "evidence")
    assert _rows(database) == before
    assert not (tmp_path / "evidence").exists()


def test_an_older_backup_is_migrated_and_a_failure_rolls_back_the_schema_too(
    database: Database, fresh: Callable[[], Database], tmp_path: Path
) -> None:
    old = fresh()
    db.upgrade(old.engine, "0005")
    tables = MetaData()
    tables.reflect(bind=old.engine)
    with old.engine.begin() as connection:
        connection.execute(insert(tables.tables["parks"]).values(id=7, name="Old Park"))
        connection.execute(
            insert(tables.tables["users"]).values(
                id=3, email="officer@x.example", name="Officer", is_active=True
            )
        )
        connection.execute(
            insert(tables.tables["memberships"]).values(
                user_id=3, role="municipal_officer", municipality="Havnestad"
            )
        )
    report = backup(old, tmp_path / "old.zip", evidence_dir=tmp_path / "none")
    assert report.revision == "0005" and "assessments" not in report.rows

    def fail(stage: str) -> None:
        if stage == "table memberships":
            raise RuntimeError("power cut")

    schema = db.table_names(database.engine)
    for fill in (False, True):  # an empty target (schema changes come first), a full one
        if fill:
            park_service.load_demo(database)
        before = _rows(database)
        with pytest.raises(RuntimeError, match="power cut"):
            restore(database, report.path, replace=True, evidence_dir=tmp_path / "e", progress=fail)
        # the downgrade to 0005 was rolled back with the rows
        assert _revision(database) == HEAD and db.table_names(database.engine) == schema
        assert _rows(database) == before

    restored = restore(database, report.path, replace=True, evidence_dir=tmp_path / "e")
    assert (restored.backup_revision, restored.revision) == ("0005", HEAD)
    assert _revision(database) == HEAD
    with database.reader() as session:
        assert list(session.scalars(select(ParkRow.name))) == ["Old Park"]
        assert session.execute(select(MembershipRow.role, MembershipRow.municipality)).all() == [
            ("municipal_officer", "Havnestad")
        ]
        assert session.scalar(select(func.count()).select_from(AssessmentRow)) == 0


# --- backing up --------------------------------------------------------------------------------


def test_a_failed_backup_leaves_no_file_behind(database: Database, tmp_path: Path) -> None:
    park_service.load_demo(database)
    target = tmp_path / "nightly.zip"
    target.write_bytes(b"yesterday's archive")

    def fail(stage: str) -> None:
        if stage == "table flows":
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        backup(database, target, progress=fail)
    assert target.read_bytes() == b"yesterday's archive"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []
    with pytest.raises(ValidationError, match=r"\.zip"):
        backup(database, tmp_path / "nightly.tar.gz")
    report = backup(database, target)
    assert verify(report.path).revision == HEAD


def test_a_backup_sees_the_database_at_one_moment(database: Database, tmp_path: Path) -> None:
    if database.engine.dialect.name == "sqlite":
        with database.engine.connect() as connection:  # readers and a writer side by side
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    park_service.load_demo(database)
    writer = Database.from_url(database.engine.url.render_as_string(hide_password=False))
    wrote: list[str] = []

    def write_meanwhile(stage: str) -> None:
        if not wrote:
            with writer.transaction() as session:
                session.add(UserRow(email="late@x.example", name="Late", password_hash=None))
            wrote.append(stage)

    try:
        report = backup(database, tmp_path / "moment.zip", progress=write_meanwhile)
    finally:
        writer.dispose()
    assert wrote and report.rows["users"] == 0
    assert len(_rows(database)["users"]) == 1


def test_damaged_evidence_stops_a_backup_and_missing_files_are_reported(
    database: Database, tmp_path: Path
) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / EVIDENCE_SHA).write_bytes(EVIDENCE + b"rot")
    with pytest.raises(BackupError, match="does not match the SHA-256 in its name"):
        backup(database, tmp_path / "a.zip", evidence_dir=evidence)
    assert not (tmp_path / "a.zip").exists()
    (evidence / EVIDENCE_SHA).unlink()
    (evidence / ".upload-in-progress").write_bytes(b"half")
    park = park_service.load_demo(database).park
    users.create_user(database, "f@x.example", "F", PASSWORD)
    users.add_membership(database, Membership("f@x.example", Role.FACILITATOR, park))
    account = accounts.sign_in(database, "f@x.example", PASSWORD, "192.0.2.1").account
    standard = default_registry().all()[0]
    assessment = certification.start(database, account, park, standard.id)
    certification.add_evidence(
        database, account, assessment, standard.criteria[0].id, "heat.csv", EVIDENCE
    )
    (certification.evidence_folder() / EVIDENCE_SHA).unlink()
    report = backup(database, tmp_path / "b.zip", evidence_dir=evidence)
    assert report.missing_evidence == (EVIDENCE_SHA,)
    assert report.evidence_files == 0  # hidden in-progress uploads are left out


# --- the commands ------------------------------------------------------------------------------

runner = CliRunner()


def _app() -> typer.Typer:
    """A command with the two functions registered as `parkloop.cli` registers extensions."""
    app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def main() -> None:
        """parkloop"""

    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    return app


def test_backup_and_restore_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app()
    database = Database.from_settings()
    database.migrate()
    park_service.load_demo(database)
    folder = certification.evidence_folder()
    folder.mkdir(parents=True)
    (folder / EVIDENCE_SHA).write_bytes(EVIDENCE)
    before = _rows(database)
    database.dispose()
    archive = tmp_path / "park.zip"

    result = runner.invoke(app, ["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output and "1 evidence file," in result.output
    result = runner.invoke(app, ["backup", str(tmp_path / "park.tar"), "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["code"] == "validation_error"

    result = runner.invoke(app, ["restore", "--check", str(archive)])
    assert result.exit_code == 0 and "intact" in result.output
    result = runner.invoke(app, ["restore", str(archive)])
    assert result.exit_code == 1 and "not empty" in result.output

    damaged = tmp_path / "damaged.zip"
    shutil.copy(archive, damaged)
    _flip_inside(damaged, "tables/companies.jsonl")
    result = runner.invoke(app, ["restore", "--check", str(damaged), "--format", "json"])
    assert result.exit_code == 2
    error = json.loads(result.output)["error"]
    assert error["code"] == "invalid_backup"
    assert error["details"][0]["sheet"] == "tables/companies.jsonl"

    monkeypatch.setenv("PARKLOOP_DATA_DIR", str(tmp_path / "elsewhere"))
    get_settings.cache_clear()
    result = runner.invoke(app, ["restore", str(archive), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["revision"] == HEAD
    restored = Database.from_settings()
    assert _rows(restored) == before
    restored.dispose()
    assert (tmp_path / "elsewhere" / "evidence" / EVIDENCE_SHA).read_bytes() == EVIDENCE
    result = runner.invoke(app, ["restore", str(archive), "--replace"])
    assert result.exit_code == 0 and "replaced" in result.output
