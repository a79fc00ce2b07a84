"""Accounts, memberships and synergies in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from parkloop.domain.people import Membership, Role
from parkloop.domain.synergy import SynergyStatus, TransitionError
from parkloop.errors import NotFound, ValidationError
from parkloop.services import parks as park_service
from parkloop.services import synergies, users
from parkloop.services.database import Database
from parkloop.store.tables import UserRow
from tests.workbooks import valid_sheets, write_sheets

PASSWORD = "correct horse battery staple"
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def park(database: Database, tmp_path: Path) -> str:
    return park_service.import_workbook(database, write_sheets(tmp_path, valid_sheets())).park


def test_passwords_are_stored_as_argon2id_hashes(database: Database) -> None:
    users.create_user(database, "Anna@Example.org", "Anna", PASSWORD)
    with database.reader() as session:
        row = session.scalars(select(UserRow)).one()
    assert row.email == "anna@example.org"
    assert row.password_hash is not None and row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert users.verify_password(database, "anna@example.org", PASSWORD)
    assert not users.verify_password(database, "anna@example.org", PASSWORD + "!")
    assert not users.verify_password(database, "nobody@example.org", PASSWORD)


def test_weak_passwords_bad_emails_and_duplicates_are_refused(database: Database) -> None:
    with pytest.raises(ValidationError, match="at least 15 characters"):
        users.create_user(database, "a@example.org", "A", "short")
    with pytest.raises(ValidationError, match="not an e-mail address"):
        users.create_user(database, "not-an-email", "A", PASSWORD)
    users.create_user(database, "a@example.org", "A", PASSWORD)
    with pytest.raises(ValidationError, match="exists already"):
        users.create_user(database, "A@example.org", "A", PASSWORD)


def test_memberships_round_trip_through_the_database(database: Database, park: str) -> None:
    users.create_user(database, "m@example.org", "M", PASSWORD)
    given = [
        Membership("m@example.org", Role.COMPANY_MEMBER, park, "C2"),
        Membership("m@example.org", Role.FACILITATOR, park),
        Membership("m@example.org", Role.AUDITOR),
    ]
    for membership in given:
        users.add_membership(database, membership)
    assert sorted(users.memberships(database, "m@example.org"), key=repr) == sorted(given, key=repr)
    with pytest.raises(NotFound, match="no company 'C9'"):
        users.add_membership(database, Membership("m@example.org", Role.COMPANY_MEMBER, park, "C9"))


def test_a_synergy_keeps_its_history_in_the_database(database: Database, park: str) -> None:
    sid = synergies.identify(
        database, park, "F1", "C2", by="f@example.org", demand_flow="F3", at=T0
    )
    synergy, version = synergies.get(database, sid)
    assert (synergy.status, version, synergy.demand_flow_id) == (SynergyStatus.IDENTIFIED, 1, "F3")
    synergies.advance(
        database,
        sid,
        SynergyStatus.CONTACTED,
        by="f@example.org",
        expected_version=1,
        at=T0 + dt.timedelta(days=1),
        note="called the plant manager",
    )
    synergy, version = synergies.get(database, sid)
    assert version == 2
    assert [(c.status.value, c.note) for c in synergy.history] == [
        ("identified", ""),
        ("contacted", "called the plant manager"),
    ]


def test_a_stale_version_is_a_conflict_and_writes_nothing(database: Database, park: str) -> None:
    sid = synergies.identify(database, park, "F1", "C2", by="f@example.org", at=T0)
    synergies.advance(
        database,
        sid,
        SynergyStatus.CONTACTED,
        by="a@example.org",
        expected_version=1,
        at=T0 + dt.timedelta(hours=1),
    )
    with pytest.raises(synergies.Conflict, match="changed by someone else"):
        synergies.advance(
            database,
            sid,
            SynergyStatus.REJECTED,
            by="b@example.org",
            expected_version=1,
            at=T0 + dt.timedelta(hours=2),
        )
    synergy, version = synergies.get(database, sid)
    assert synergy.status is SynergyStatus.CONTACTED and version == 2


def test_an_invalid_step_writes_nothing(database: Database, park: str) -> None:
    sid = synergies.identify(database, park, "F1", "C2", by="f@example.org", at=T0)
    with pytest.raises(TransitionError):
        synergies.advance(
            database,
            sid,
            SynergyStatus.IMPLEMENTED,
            by="f@example.org",
            expected_version=1,
            at=T0 + dt.timedelta(hours=1),
        )
    synergy, version = synergies.get(database, sid)
    assert len(synergy.history) == 1 and version == 1


def test_synergies_need_flows_and_companies_of_the_park(database: Database, park: str) -> None:
    with pytest.raises(NotFound, match="no flow 'F99'"):
        synergies.identify(database, park, "F99", "C2", by="f@example.org")
    with pytest.raises(NotFound, match="no company 'C99'"):
        synergies.identify(database, park, "F1", "C99", by="f@example.org")
