"""The synergy pipeline of a park: the board by status, one synergy's story, its conversation.

Who sees what: the park's facilitators and municipal officers and platform admins see every
synergy of the park; a company member sees the synergies their company takes part in. The
conversation belongs to the two companies and the facilitators. Counterparts stay anonymised
(sector and size band) until both companies agreed to connect.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from parkloop.domain.access import Viewer, anonymised_label, can_see_company
from parkloop.domain.models import Company
from parkloop.domain.people import Role
from parkloop.domain.synergy import StatusChange, SynergyStatus
from parkloop.errors import Forbidden, Issue, NotFound, ValidationError
from parkloop.reference.nace import load_nace
from parkloop.services import cache
from parkloop.services.accounts import Account
from parkloop.services.database import Database
from parkloop.services.inbox import Party
from parkloop.store import repo
from parkloop.store.tables import (
    CompanyRow,
    FlowRow,
    MatchRow,
    MessageRow,
    ParkRow,
    SynergyRow,
)

STATUSES = tuple(s.value for s in SynergyStatus)
MAX_MESSAGE_CHARS = 5000


@dataclass(frozen=True)
class Card:
    synergy_id: int
    version: int
    status: str
    supply_flow_id: str
    supply_name: str
    supplier: Party
    receiver: Party
    revealed: bool


@dataclass(frozen=True)
class Message:
    author: str
    company: str | None  # the author's company as the viewer may see it; None: facilitator
    body: str
    at: dt.datetime


@dataclass(frozen=True)
class Story:
    card: Card
    history: tuple[StatusChange, ...]
    messages: tuple[Message, ...]
    can_talk: bool
    can_move: bool


def _oversees(viewer: Viewer, park: str) -> bool:
    return viewer.is_admin or any(
        m.park == park and m.role in (Role.FACILITATOR, Role.MUNICIPAL_OFFICER)
        for m in viewer.memberships
    )


def _party(viewer: Viewer, park: str, company: Company, revealed: bool) -> Party:
    if can_see_company(viewer, park, company) or (
        revealed and any(m.park == park and m.company_id for m in viewer.memberships)
    ):
        return Party(company.id, company.name)
    return Party(None, anonymised_label(company, load_nace().get(company.nace).description))


def _involved(viewer: Viewer, park: str, *company_keys: str) -> bool:
    return any(viewer.is_company_member(park, key) for key in company_keys)


@dataclass(frozen=True)
class _Entry:
    """A synergy of the park with both companies in full (park-wide; filtered per viewer)."""

    synergy_id: int
    version: int
    status: str
    supply_flow_id: str
    supply_name: str
    supplier: Company
    receiver: Company
    revealed: bool


def _entry(session: Session, row: SynergyRow) -> _Entry:
    supply = session.get(FlowRow, row.supply_flow_id)
    receiver_row = session.get(CompanyRow, row.receiver_company_id)
    assert supply is not None and receiver_row is not None
    return _Entry(
        synergy_id=row.id,
        version=row.version,
        status=row.status,
        supply_flow_id=supply.key,
        supply_name=supply.name,
        supplier=repo.company_to_domain(supply.company),
        receiver=repo.company_to_domain(receiver_row),
        revealed=row.revealed,
    )


def _card_of(viewer: Viewer, park: str, entry: _Entry) -> Card | None:
    """``entry`` as ``viewer`` may see it, or None when it is none of their business."""
    if not (
        _oversees(viewer, park) or _involved(viewer, park, entry.supplier.id, entry.receiver.id)
    ):
        return None
    return Card(
        synergy_id=entry.synergy_id,
        version=entry.version,
        status=entry.status,
        supply_flow_id=entry.supply_flow_id,
        supply_name=entry.supply_name,
        supplier=_party(viewer, park, entry.supplier, entry.revealed),
        receiver=_party(viewer, park, entry.receiver, entry.revealed),
        revealed=entry.revealed,
    )


def _card(session: Session, viewer: Viewer, park: str, row: SynergyRow) -> Card | None:
    return _card_of(viewer, park, _entry(session, row))


def _park_entries(database: Database, park: str) -> tuple[_Entry, ...]:
    """Every synergy of the park, oldest first (cached per park stamp)."""

    def compute() -> tuple[_Entry, ...]:
        with database.reader() as session:
            park_row = repo.get_park(session, park)
            rows = session.scalars(
                select(SynergyRow).where(SynergyRow.park_id == park_row.id).order_by(SynergyRow.id)
            ).all()
            flow_ids = {r.supply_flow_id for r in rows}
            company_ids = {r.receiver_company_id for r in rows}
            if flow_ids:  # load them into the session at once; _entry then reads no rows
                session.scalars(
                    select(FlowRow)
                    .where(FlowRow.id.in_(flow_ids))
                    .options(selectinload(FlowRow.company))
                ).all()
            if company_ids:
                session.scalars(select(CompanyRow).where(CompanyRow.id.in_(company_ids))).all()
            return tuple(_entry(session, row) for row in rows)

    return cache.park_cached(database, park, "synergies", (), compute)


def board(database: Database, viewer: Viewer, park: str) -> dict[str, list[Card]]:
    """The synergies ``viewer`` may see, by status (every status present, maybe empty)."""
    out: dict[str, list[Card]] = {status: [] for status in STATUSES}
    for entry in _park_entries(database, park):
        card = _card_of(viewer, park, entry)
        if card is not None:
            out[card.status].append(card)
    return out


def _row(session: Session, synergy_id: int) -> tuple[SynergyRow, str]:
    row = session.get(SynergyRow, synergy_id)
    if row is None:
        raise NotFound(f"no synergy {synergy_id}")
    park = session.get(ParkRow, row.park_id)
    assert park is not None
    return row, park.name


def story(database: Database, viewer: Viewer, synergy_id: int) -> tuple[str, Story]:
    """One synergy (its park's name and its story) as ``viewer`` may see it."""
    with database.reader() as session:
        row, park = _row(session, synergy_id)
        card = _card(session, viewer, park, row)
        if card is None:
            raise NotFound(f"no synergy {synergy_id} that you may see")
        history = tuple(
            StatusChange(SynergyStatus(e.status), e.at, e.by, e.note) for e in row.events
        )
        facilitating = viewer.is_admin or viewer.is_facilitator(park)
        supply = session.get(FlowRow, row.supply_flow_id)
        receiver = session.get(CompanyRow, row.receiver_company_id)
        assert supply is not None and receiver is not None
        talking = facilitating or _involved(viewer, park, supply.company.key, receiver.key)
        messages: list[Message] = []
        if talking:
            for m in session.scalars(
                select(MessageRow).where(MessageRow.synergy_id == row.id).order_by(MessageRow.id)
            ):
                company = session.get(CompanyRow, m.company_id) if m.company_id else None
                label = None
                if company is not None:
                    party = _party(viewer, park, repo.company_to_domain(company), row.revealed)
                    label = party.label
                author = m.author if label is None or row.revealed else "their representative"
                messages.append(Message(author, label, m.body, m.at))
        return park, Story(card, history, tuple(messages), talking, facilitating)


def post_message(database: Database, account: Account, synergy_id: int, body: str) -> None:
    """Add a message to a synergy's conversation (the two companies and facilitators only)."""
    body = body.strip()
    if not body:
        raise ValidationError([Issue("message", None, "body", "write a message")])
    if len(body) > MAX_MESSAGE_CHARS:
        raise ValidationError(
            [Issue("message", None, "body", f"keep it under {MAX_MESSAGE_CHARS} characters")]
        )
    viewer = account.viewer
    with database.transaction() as session:
        row, park = _row(session, synergy_id)
        supply = session.get(FlowRow, row.supply_flow_id)
        receiver = session.get(CompanyRow, row.receiver_company_id)
        assert supply is not None and receiver is not None
        company_id = None
        for company in (supply.company, receiver):
            if viewer.is_company_member(park, company.key):
                company_id = company.id
        if company_id is None and not (viewer.is_admin or viewer.is_facilitator(park)):
            if _card(session, viewer, park, row) is None:
                raise NotFound(f"no synergy {synergy_id} that you may see")
            raise Forbidden("only the two companies and the park's facilitators take part")
        session.add(
            MessageRow(synergy_id=row.id, author=account.email, company_id=company_id, body=body)
        )


@dataclass(frozen=True)
class KeyFigures:
    flows_visible: int
    matches: int
    synergies_by_status: dict[str, int]


def key_figures(database: Database, park: str, flows_visible: int) -> KeyFigures:
    """Counts for the park dashboard (totals only: no company is named)."""

    def compute() -> tuple[int, dict[str, int]]:
        with database.reader() as session:
            park_row = repo.get_park(session, park)
            matches = session.scalar(
                select(func.count()).select_from(MatchRow).where(MatchRow.park_id == park_row.id)
            )
            statuses = Counter(
                session.scalars(select(SynergyRow.status).where(SynergyRow.park_id == park_row.id))
            )
            return int(matches or 0), {s: statuses.get(s, 0) for s in STATUSES}

    matches, by_status = cache.park_cached(database, park, "key-figures", (), compute)
    return KeyFigures(flows_visible, matches, dict(by_status))


def implemented_pairs(database: Database, park: str) -> list[tuple[str, str]]:
    """(supply flow id, receiver company id) of the park's implemented synergies."""
    return [
        (entry.supply_flow_id, entry.receiver.id)
        for entry in _park_entries(database, park)
        if entry.status == SynergyStatus.IMPLEMENTED.value
    ]
