"""A company's match inbox, and what its people do with a proposal.

The inbox holds the stored matches in which the company is the supplier (its supply flow and a
proposed receiver) or the proposed receiver (another company's supply). Everything in it is
filtered for the person looking: a supply flow they may not see is left out, a counterpart they
may not know is anonymised until both sides agree to reveal themselves, and reasons that rest on
a demand flow they may not see are dropped.

Actions: ``accept`` (worth pursuing: the synergy is identified), ``reject`` (with a reason; it
feeds the ranking of similar pairs), ``connect`` (ask the other company to talk: contacted, and
a conversation starts) and ``agree`` (the other side accepts: both are revealed, negotiating).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from parkloop.domain.access import (
    Viewer,
    anonymised_label,
    can_edit_company,
    can_see_company,
    can_see_flow,
)
from parkloop.domain.models import Company, Flow
from parkloop.domain.synergy import StatusChange, Synergy, SynergyStatus
from parkloop.errors import Conflict, Forbidden, Issue, NotFound, ValidationError
from parkloop.reference.nace import load_nace
from parkloop.services import cache, mail
from parkloop.services.accounts import Account
from parkloop.services.database import Database
from parkloop.store import repo
from parkloop.store.tables import (
    CompanyRow,
    FlowRow,
    MatchRow,
    MembershipRow,
    MessageRow,
    SynergyEventRow,
    SynergyRow,
    UserRow,
)

ACTIONS = ("accept", "reject", "connect", "agree")


@dataclass(frozen=True)
class Party:
    """One side of a match as the viewer may see it: ``company_id`` None when anonymised."""

    company_id: str | None
    label: str


@dataclass(frozen=True)
class MatchView:
    match_id: int
    side: str  # "supplier": the company offers the flow; "receiver": it is proposed to use it
    supply: Flow
    supplier: Party
    receiver: Party
    demand: Flow | None
    score: float
    distance_km: float
    reasons: tuple[str, ...]
    synergy_id: int | None
    status: str | None
    contact_requested_by: str | None
    revealed: bool


def _party(viewer: Viewer, park: str, company: Company, revealed: bool) -> Party:
    if revealed or can_see_company(viewer, park, company):
        return Party(company.id, company.name)
    sector = load_nace().get(company.nace).description
    return Party(None, anonymised_label(company, sector))


def _synergy_for(session: Session, match: MatchRow) -> SynergyRow | None:
    """The synergy of the match's pair (the oldest, as the inbox shows it)."""
    return session.scalars(
        select(SynergyRow)
        .where(
            SynergyRow.supply_flow_id == match.supply_flow_id,
            SynergyRow.receiver_company_id == match.company_id,
        )
        .order_by(SynergyRow.id)
    ).first()


def _first_synergies(
    session: Session, rows: Sequence[MatchRow]
) -> dict[tuple[int, int], SynergyRow]:
    """The synergy of each (supply flow, receiver) pair of ``rows`` (the oldest, if several),
    read in one query."""
    supplies = {row.supply_flow_id for row in rows}
    if not supplies:
        return {}
    found: dict[tuple[int, int], SynergyRow] = {}
    for synergy in session.scalars(
        select(SynergyRow).where(SynergyRow.supply_flow_id.in_(supplies)).order_by(SynergyRow.id)
    ):
        found.setdefault((synergy.supply_flow_id, synergy.receiver_company_id), synergy)
    return found


@dataclass(frozen=True)
class _Proposal:
    """A stored match of a company with everything about it, unfiltered (park-wide)."""

    match_id: int
    side: str
    supply: Flow
    supplier: Company
    receiver: Company
    demand: Flow | None
    score: float
    distance_km: float
    reasons: tuple[tuple[str, str], ...]  # (kind, text), strongest first
    synergy_id: int | None
    status: str | None
    contact_requested_by: str | None
    revealed: bool


def _proposals(database: Database, park: str, company_id: str) -> tuple[_Proposal, ...]:
    """The stored matches of ``company_id``, best first, with their flows, companies and
    synergies, read in a fixed number of queries and cached per park stamp.

    The same for everyone who may open the inbox; :func:`company_inbox` filters it.
    """

    def compute() -> tuple[_Proposal, ...]:
        with database.reader() as session:
            park_row = repo.get_park(session, park)
            company = session.scalars(
                select(CompanyRow).where(
                    CompanyRow.park_id == park_row.id, CompanyRow.key == company_id
                )
            ).first()
            if company is None:
                raise NotFound(f"no company {company_id!r} in {park}")
            own_supplies = select(FlowRow.id).where(FlowRow.company_id == company.id)
            rows = session.scalars(
                select(MatchRow)
                .where(
                    MatchRow.park_id == park_row.id,
                    or_(
                        MatchRow.company_id == company.id,
                        MatchRow.supply_flow_id.in_(own_supplies),
                    ),
                )
                .order_by(MatchRow.score.desc(), MatchRow.id)
            ).all()
            flow_ids = {r.supply_flow_id for r in rows}
            flow_ids |= {r.demand_flow_id for r in rows if r.demand_flow_id is not None}
            flow_rows = {
                f.id: f
                for f in session.scalars(
                    select(FlowRow)
                    .where(FlowRow.id.in_(flow_ids))
                    .options(selectinload(FlowRow.company))
                )
            }
            synergies = _first_synergies(session, rows)
            company_ids = {r.company_id for r in rows}
            company_ids |= {
                s.requested_by_company_id
                for s in synergies.values()
                if s.requested_by_company_id is not None
            }
            company_rows = {
                c.id: c
                for c in session.scalars(select(CompanyRow).where(CompanyRow.id.in_(company_ids)))
            }
            return tuple(
                _proposal(row, company, flow_rows, company_rows, synergies) for row in rows
            )

    return cache.park_cached(database, park, "inbox", (company_id,), compute)


def _proposal(
    row: MatchRow,
    company: CompanyRow,
    flow_rows: dict[int, FlowRow],
    company_rows: dict[int, CompanyRow],
    synergies: dict[tuple[int, int], SynergyRow],
) -> _Proposal:
    supply_row = flow_rows.get(row.supply_flow_id)
    receiver_row = company_rows.get(row.company_id)
    assert supply_row is not None and receiver_row is not None
    demand_row = flow_rows.get(row.demand_flow_id) if row.demand_flow_id is not None else None
    synergy = synergies.get((row.supply_flow_id, row.company_id))
    requested = None
    if synergy is not None and synergy.requested_by_company_id is not None:
        asker = company_rows.get(synergy.requested_by_company_id)
        requested = asker.key if asker else None
    return _Proposal(
        match_id=row.id,
        side="receiver" if row.company_id == company.id else "supplier",
        supply=repo.flow_to_domain(supply_row),
        supplier=repo.company_to_domain(supply_row.company),
        receiver=repo.company_to_domain(receiver_row),
        demand=repo.flow_to_domain(demand_row) if demand_row is not None else None,
        score=row.score,
        distance_km=row.distance_km,
        reasons=tuple((r["kind"], r["text"]) for r in row.reasons),
        synergy_id=synergy.id if synergy else None,
        status=synergy.status if synergy else None,
        contact_requested_by=requested,
        revealed=bool(synergy and synergy.revealed),
    )


def company_inbox(
    database: Database, viewer: Viewer, park: str, company_id: str
) -> list[MatchView]:
    """The matches of ``company_id`` that ``viewer`` (one of its people) may see, best first.

    The park's stored matches are read in a fixed number of queries (and cached per park
    stamp); what ``viewer`` may see of them is decided here, on every call.
    """
    if not can_edit_company(viewer, park, company_id):
        raise Forbidden(
            f"only the people of {company_id} and the park's facilitators see its inbox"
        )
    out = []
    for item in _proposals(database, park, company_id):
        if not can_see_flow(viewer, park, item.supplier, item.supply):
            continue
        demand = item.demand
        if demand is not None and not can_see_flow(viewer, park, item.receiver, demand):
            demand = None
        reasons = tuple(
            text for kind, text in item.reasons if demand is not None or kind != "listed"
        )
        out.append(
            MatchView(
                match_id=item.match_id,
                side=item.side,
                supply=item.supply,
                supplier=_party(viewer, park, item.supplier, item.revealed),
                receiver=_party(viewer, park, item.receiver, item.revealed),
                demand=demand,
                score=item.score,
                distance_km=item.distance_km,
                reasons=reasons,
                synergy_id=item.synergy_id,
                status=item.status,
                contact_requested_by=item.contact_requested_by,
                revealed=item.revealed,
            )
        )
    return out


def _advance(row: SynergyRow, session: Session, status: SynergyStatus, by: str, note: str) -> None:
    supply = session.get(FlowRow, row.supply_flow_id)
    receiver = session.get(CompanyRow, row.receiver_company_id)
    assert supply is not None and receiver is not None
    # The domain object checks the transition; the rows keep the history.
    history = tuple(StatusChange(SynergyStatus(e.status), e.at, e.by, e.note) for e in row.events)
    now = max(dt.datetime.now(dt.UTC), *(h.at for h in history))
    moved = Synergy(supply.key, receiver.key, None, history).advance(
        status, by=by, at=now, note=note
    )
    row.status = moved.status.value
    row.version += 1
    row.events.append(SynergyEventRow(status=status.value, at=now, by=by, note=note))


def respond(
    database: Database,
    account: Account,
    park: str,
    company_id: str,
    match_id: int,
    action: str,
    note: str = "",
) -> int:
    """Act on a match for ``company_id``; returns the synergy id.

    Raises
    ------
    ValidationError
        For an unknown action, or a rejection without a reason.
    Forbidden
        When the account does not act for the company, or the company is not part of the match.
    Conflict
        When the action does not fit the synergy's state (e.g. agreeing to one's own request).
    """
    if action not in ACTIONS:
        raise ValidationError(
            [
                Issue(
                    "match",
                    None,
                    "action",
                    f"{action!r} is not an action; use {', '.join(ACTIONS)}",
                )
            ]
        )
    note = note.strip()
    if action == "reject" and not note:
        raise ValidationError([Issue("match", None, "note", "say why the match does not fit")])
    viewer = account.viewer
    if not can_edit_company(viewer, park, company_id):
        raise Forbidden(f"you do not act for {company_id}")
    visible = {m.match_id for m in company_inbox(database, viewer, park, company_id)}
    if match_id not in visible:
        raise NotFound(f"no match {match_id} in the inbox of {company_id}")
    with database.transaction() as session:
        match = session.get(MatchRow, match_id)
        assert match is not None
        company = session.scalars(
            select(CompanyRow).where(
                CompanyRow.park_id == match.park_id, CompanyRow.key == company_id
            )
        ).one()
        synergy = _synergy_for(session, match)
        if synergy is None:
            now = dt.datetime.now(dt.UTC)
            synergy = SynergyRow(
                park_id=match.park_id,
                supply_flow_id=match.supply_flow_id,
                receiver_company_id=match.company_id,
                demand_flow_id=match.demand_flow_id,
                status=SynergyStatus.IDENTIFIED.value,
                version=1,
            )
            synergy.events.append(
                SynergyEventRow(
                    status=SynergyStatus.IDENTIFIED.value,
                    at=now,
                    by=account.email,
                    note=f"from match {match_id}"
                    + (f": {note}" if action == "accept" and note else ""),
                )
            )
            session.add(synergy)
            session.flush()
        if action == "reject":
            _advance(synergy, session, SynergyStatus.REJECTED, account.email, note)
        elif action == "connect":
            if synergy.status != SynergyStatus.IDENTIFIED.value:
                raise Conflict(
                    f"this synergy is {synergy.status}: a contact request was made already"
                )
            synergy.requested_by_company_id = company.id
            _advance(synergy, session, SynergyStatus.CONTACTED, account.email, note)
            session.add(
                MessageRow(
                    synergy_id=synergy.id,
                    author=account.email,
                    company_id=company.id,
                    body=note or "We would like to talk about this exchange.",
                )
            )
            _notify_other_side(
                session, synergy, company, "asks to connect about a possible exchange"
            )
        elif action == "agree":
            if synergy.requested_by_company_id in (None, company.id):
                raise Conflict("only the company that was asked can agree to a contact request")
            synergy.revealed = True
            _advance(synergy, session, SynergyStatus.NEGOTIATING, account.email, note)
            _notify_other_side(session, synergy, company, "agreed to connect")
        return synergy.id


def _notify_other_side(session: Session, synergy: SynergyRow, actor: CompanyRow, what: str) -> None:
    supply = session.get(FlowRow, synergy.supply_flow_id)
    assert supply is not None
    other = synergy.receiver_company_id if supply.company_id == actor.id else supply.company_id
    emails = session.scalars(
        select(UserRow.email)
        .join(MembershipRow, MembershipRow.user_id == UserRow.id)
        .where(MembershipRow.company_id == other)
    ).all()
    for email in emails:
        mail.queue(
            session,
            email,
            "A company " + what + " on parkloop",
            f"A company {what} (synergy {synergy.id}, flow {supply.key}). "
            "Open your match inbox on parkloop to answer.",
        )
