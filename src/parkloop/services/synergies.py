"""Synergies in the database: identify one, move it along, read its history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from parkloop.domain.synergy import StatusChange, Synergy, SynergyStatus
from parkloop.errors import Conflict, NotFound
from parkloop.services.database import Database
from parkloop.store import repo
from parkloop.store.tables import CompanyRow, FlowRow, SynergyEventRow, SynergyRow


def _flow(session: Session, park_id: int, key: str) -> FlowRow:
    row = session.scalars(
        select(FlowRow).where(FlowRow.park_id == park_id, FlowRow.key == key)
    ).first()
    if row is None:
        raise NotFound(f"no flow {key!r} in this park")
    return row


def _to_domain(row: SynergyRow, session: Session) -> Synergy:
    supply = session.get(FlowRow, row.supply_flow_id)
    receiver = session.get(CompanyRow, row.receiver_company_id)
    demand = session.get(FlowRow, row.demand_flow_id) if row.demand_flow_id else None
    assert supply is not None and receiver is not None
    history = tuple(StatusChange(SynergyStatus(e.status), e.at, e.by, e.note) for e in row.events)
    return Synergy(supply.key, receiver.key, demand.key if demand else None, history)


def identify(
    database: Database,
    park: str,
    supply_flow: str,
    receiver_company: str,
    *,
    by: str,
    demand_flow: str | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> int:
    """Record a new synergy (status ``identified``); return its id."""
    at = at or dt.datetime.now(dt.UTC)
    with database.transaction() as session:
        park_row = repo.get_park(session, park)
        supply = _flow(session, park_row.id, supply_flow)
        receiver = session.scalars(
            select(CompanyRow).where(
                CompanyRow.park_id == park_row.id, CompanyRow.key == receiver_company
            )
        ).first()
        if receiver is None:
            raise NotFound(f"no company {receiver_company!r} in {park}")
        demand = _flow(session, park_row.id, demand_flow) if demand_flow else None
        synergy = Synergy.identify(supply.key, receiver.key, by=by, at=at, note=note)
        row = SynergyRow(
            park_id=park_row.id,
            supply_flow_id=supply.id,
            receiver_company_id=receiver.id,
            demand_flow_id=demand.id if demand else None,
            status=synergy.status.value,
            version=1,
        )
        row.events.append(SynergyEventRow(status=synergy.status.value, at=at, by=by, note=note))
        session.add(row)
        session.flush()
        return row.id


def advance(
    database: Database,
    synergy_id: int,
    status: SynergyStatus,
    *,
    by: str,
    expected_version: int,
    note: str = "",
    at: dt.datetime | None = None,
) -> Synergy:
    """Move a synergy to ``status`` if nobody changed it since ``expected_version`` was read.

    Raises
    ------
    Conflict
        When the stored version differs (a concurrent change); nothing is written.
    TransitionError
        When the status does not follow from the current one.
    """
    at = at or dt.datetime.now(dt.UTC)
    with database.transaction() as session:
        row = session.get(SynergyRow, synergy_id, with_for_update=True)
        if row is None:
            raise NotFound(f"no synergy {synergy_id}")
        if row.version != expected_version:
            raise Conflict(
                f"synergy {synergy_id} was changed by someone else (version {row.version}, you "
                f"read {expected_version}); reload it and try again"
            )
        moved = _to_domain(row, session).advance(status, by=by, at=at, note=note)
        row.status = moved.status.value
        row.version += 1
        row.events.append(SynergyEventRow(status=moved.status.value, at=at, by=by, note=note))
        return moved


def get(database: Database, synergy_id: int) -> tuple[Synergy, int]:
    """A synergy with its history, and its version for a later :func:`advance`."""
    with database.reader() as session:
        row = session.get(SynergyRow, synergy_id)
        if row is None:
            raise NotFound(f"no synergy {synergy_id}")
        return _to_domain(row, session), row.version
