"""Workshop mode: a facilitator enters many companies' haves and wants at once, the park is
re-matched, and a shared screen shows the proposals for what was entered in the session.

Entries of one session are saved all-or-nothing: every row is checked with the workbook's rules
first, and one bad row (reported with its row number and field) means nothing is written.
Entered flows carry the session's name in their notes (``workshop``), which the screen and the
export use.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select

from parkloop.domain.access import Viewer
from parkloop.domain.models import Direction, Flow
from parkloop.errors import Forbidden, Issue, ValidationError
from parkloop.io.validate import validate_flow
from parkloop.matching.engine import MatchOptions
from parkloop.services import matching
from parkloop.services.database import Database
from parkloop.services.parks import park_workbook
from parkloop.store import repo
from parkloop.store.tables import CompanyRow, FlowRow, MatchRow

ENTRY_FIELDS = ("company_id", "direction", "category", "name", "quantity", "unit", "per", "ewc")


def _check(viewer: Viewer, park: str) -> None:
    if not (viewer.is_admin or viewer.is_facilitator(park)):
        raise Forbidden(f"workshop mode is for the facilitators of {park}")


def add_entries(
    database: Database,
    viewer: Viewer,
    park: str,
    session_name: str,
    rows: Sequence[Mapping[str, str]],
) -> list[str]:
    """Check and save the non-empty rows; re-match the park; return the new flow ids."""
    _check(viewer, park)
    session_name = session_name.strip()
    if not session_name:
        raise ValidationError([Issue("workshop", None, "session", "name the workshop session")])
    filled = [
        (number, {k: v.strip() for k, v in row.items() if v and v.strip()})
        for number, row in enumerate(rows, start=1)
    ]
    filled = [(n, row) for n, row in filled if set(row) - {"direction", "category", "per"}]
    if not filled:
        raise ValidationError([Issue("workshop", None, None, "enter at least one flow")])
    problems: list[Issue] = []
    with database.transaction() as session:
        park_row = repo.get_park(session, park)
        companies = {c.key: c for c in repo.company_rows(session, park_row)}
        taken = set(session.scalars(select(FlowRow.key).where(FlowRow.park_id == park_row.id)))
        checked: list[tuple[Flow, CompanyRow]] = []
        for number, row in filled:
            company_id = row.get("company_id", "")
            key = _new_key(company_id or "X", taken)
            cells = {k: row[k] for k in ENTRY_FIELDS if k in row} | {
                "id": key,
                "confidentiality": "park",
            }
            try:
                flow = validate_flow(cells, companies)
            except ValidationError as error:
                problems += [Issue("workshop", number, i.column, i.message) for i in error.issues]
                continue
            taken.add(key)
            flow = replace(flow, notes={"workshop": session_name})
            checked.append((flow, companies[company_id]))
        if problems:
            raise ValidationError(problems)
        for flow, company in checked:
            row_ = FlowRow(park_id=park_row.id, key=flow.id)
            repo.apply_flow(row_, flow, company)
            session.add(row_)
    matching.match_park(database, park, options=MatchOptions(top_k=5))
    return [flow.id for flow, _ in checked]


def _new_key(company_id: str, taken: set[str]) -> str:
    n = 1
    while f"{company_id}-W{n}" in taken:
        n += 1
    return f"{company_id}-W{n}"


@dataclass(frozen=True)
class ScreenRow:
    flow: Flow
    company: str
    proposals: tuple[tuple[str, float, str], ...]  # (company name, score, first reason)


def screen(database: Database, viewer: Viewer, park: str, session_name: str) -> list[ScreenRow]:
    """The session's flows, newest first, with their best proposals from the stored matches."""
    _check(viewer, park)
    workbook = park_workbook(database, park)
    names = {c.id: c.name for c in workbook.companies}
    ours = [f for f in workbook.flows if f.notes.get("workshop") == session_name]
    with database.reader() as session:
        park_row = repo.get_park(session, park)
        ids = {r.key: r.id for r in repo.flow_rows(session, park_row)}
        company_keys = {c.id: c.key for c in repo.company_rows(session, park_row)}
        out = []
        for flow in reversed(ours):
            if flow.direction is Direction.SUPPLY:
                rows = session.scalars(
                    select(MatchRow)
                    .where(MatchRow.supply_flow_id == ids[flow.id])
                    .order_by(MatchRow.rank)
                    .limit(3)
                ).all()
                partners = [names[company_keys[r.company_id]] for r in rows]
            else:  # a listed need: the supplies matched to it
                rows = session.scalars(
                    select(MatchRow)
                    .where(MatchRow.demand_flow_id == ids[flow.id])
                    .order_by(MatchRow.score.desc())
                    .limit(3)
                ).all()
                suppliers = {r.id: r for r in repo.flow_rows(session, park_row)}
                partners = [
                    names[company_keys[suppliers[r.supply_flow_id].company_id]] for r in rows
                ]
            proposals = tuple(
                (partner, r.score, r.reasons[0]["text"] if r.reasons else "")
                for partner, r in zip(partners, rows, strict=True)
            )
            out.append(ScreenRow(flow, names[flow.company_id], proposals))
    return out


def export_csv(database: Database, viewer: Viewer, park: str, session_name: str) -> str:
    """The session as CSV: one line per entered flow and proposal."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "flow_id",
            "company",
            "direction",
            "name",
            "quantity",
            "unit",
            "rank",
            "proposed_company",
            "score",
            "reason",
        ]
    )
    for row in screen(database, viewer, park, session_name):
        f = row.flow
        base = [f.id, row.company, f.direction.value, f.name, f.quantity or "", f.unit or ""]
        if not row.proposals:
            writer.writerow([*base, "", "", "", ""])
        for rank, (company, score, reason) in enumerate(row.proposals, start=1):
            writer.writerow([*base, rank, company, f"{score:.4f}", reason])
    return out.getvalue()
