"""A company's flows, one at a time: list, create, edit, delete (with permission checks).

Checks are the workbook's (one rule set for spreadsheets, forms and the API). Edits carry the
version the editor read; a stale version is refused, so two people editing the same flow never
silently overwrite each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from parkloop.domain.access import Viewer, can_edit_company
from parkloop.domain.models import Flow
from parkloop.errors import Conflict, Forbidden, Issue, NotFound, ValidationError
from parkloop.io.read import read_flows_sheet
from parkloop.io.schema import SHEETS_BY_NAME
from parkloop.io.validate import validate_flow, validate_flows_sheet
from parkloop.services.database import Database
from parkloop.store import repo
from parkloop.store.tables import CompanyRow, FlowRow, SynergyRow

FLOW_FIELDS = tuple(c for c in SHEETS_BY_NAME["flows"].columns if c not in ("id", "company_id"))


def _company(session: Session, park_id: int, park: str, company_id: str) -> CompanyRow:
    row = session.scalars(
        select(CompanyRow).where(CompanyRow.park_id == park_id, CompanyRow.key == company_id)
    ).first()
    if row is None:
        raise NotFound(f"no company {company_id!r} in {park}")
    return row


def _check_edit(viewer: Viewer, park: str, company_id: str) -> None:
    if not can_edit_company(viewer, park, company_id):
        raise Forbidden(
            f"only members of company {company_id}, the park's facilitators and admins may "
            "change its flows"
        )


def _next_key(session: Session, park_id: int, company_id: str) -> str:
    keys = set(session.scalars(select(FlowRow.key).where(FlowRow.park_id == park_id)))
    n = 1
    while f"{company_id}-F{n}" in keys:
        n += 1
    return f"{company_id}-F{n}"


def save_flow(
    database: Database,
    viewer: Viewer,
    park: str,
    company_id: str,
    values: Mapping[str, str],
    *,
    flow_id: str | None = None,
    expected_version: int | None = None,
) -> tuple[Flow, int]:
    """Create (``flow_id`` None) or update a flow of ``company_id``; return it and its version.

    Raises
    ------
    Forbidden
        When ``viewer`` may not change this company's data.
    ValidationError
        With every problem, by field, when a value breaks the workbook rules.
    Conflict
        When the flow changed since ``expected_version`` was read.
    """
    _check_edit(viewer, park, company_id)
    unknown = sorted(set(values) - set(FLOW_FIELDS))
    if unknown:
        raise ValidationError(
            [
                Issue("flows", None, k, f"is not a flow field; use {', '.join(FLOW_FIELDS)}")
                for k in unknown
            ]
        )
    with database.transaction() as session:
        park_row = repo.get_park(session, park)
        company = _company(session, park_row.id, park, company_id)
        if flow_id is None:
            row = FlowRow(park_id=park_row.id, key=_next_key(session, park_row.id, company_id))
            version = 1
        else:
            found = session.scalars(
                select(FlowRow)
                .where(FlowRow.park_id == park_row.id, FlowRow.key == flow_id)
                .with_for_update()
            ).first()
            if found is None or found.company_id != company.id:
                raise NotFound(f"company {company_id} has no flow {flow_id!r}")
            if expected_version is None or found.version != expected_version:
                raise Conflict(
                    f"flow {flow_id} was changed by someone else (version {found.version}, you "
                    f"read {expected_version}); reload it and apply your change again"
                )
            row, version = found, found.version + 1
        cells = {k: str(v) for k, v in values.items()} | {"id": row.key, "company_id": company_id}
        flow = validate_flow(cells, [company_id])
        repo.apply_flow(row, flow, company)
        row.version = version
        session.add(row)
        return flow, version


def delete_flow(
    database: Database, viewer: Viewer, park: str, company_id: str, flow_id: str, version: int
) -> None:
    """Delete a flow and its matches; a flow that synergies refer to is kept (their history)."""
    _check_edit(viewer, park, company_id)
    with database.transaction() as session:
        park_row = repo.get_park(session, park)
        company = _company(session, park_row.id, park, company_id)
        row = session.scalars(
            select(FlowRow).where(FlowRow.park_id == park_row.id, FlowRow.key == flow_id)
        ).first()
        if row is None or row.company_id != company.id:
            raise NotFound(f"company {company_id} has no flow {flow_id!r}")
        if row.version != version:
            raise Conflict(
                f"flow {flow_id} was changed by someone else since you read it; reload the page"
            )
        used = session.scalar(
            select(func.count())
            .select_from(SynergyRow)
            .where(or_(SynergyRow.supply_flow_id == row.id, SynergyRow.demand_flow_id == row.id))
        )
        if used:
            raise Conflict(
                f"flow {flow_id} is part of {used} synerg{'y' if used == 1 else 'ies'}; it is "
                "kept for their history. Set its quantity to what is still available instead"
            )
        session.delete(row)


def company_flows(database: Database, park: str, company_id: str) -> list[tuple[Flow, int]]:
    """The flows of one company with their versions (callers filter them per viewer)."""
    with database.reader() as session:
        park_row = repo.get_park(session, park)
        company = _company(session, park_row.id, park, company_id)
        rows = session.scalars(
            select(FlowRow).where(FlowRow.company_id == company.id).order_by(FlowRow.id)
        )
        return [(repo.flow_to_domain(r), r.version) for r in rows]


def import_flows(
    database: Database, viewer: Viewer, park: str, company_id: str, path: Path, max_bytes: int
) -> int:
    """List a company's flows from a flows CSV or an XLSX workbook's ``flows`` sheet.

    All or nothing: every row is checked (rows must belong to ``company_id``; a blank
    company_id means this company), and ids already used by this company are updated in place.
    An id used by another company of the park is refused. Returns the number of rows written.
    """
    _check_edit(viewer, park, company_id)
    sheet = read_flows_sheet(path, max_bytes=max_bytes)
    for _, cells in sheet.rows:
        if not cells.get("company_id", "").strip():
            cells["company_id"] = company_id
    if "company_id" not in sheet.columns:
        sheet.columns.append("company_id")
    flows = validate_flows_sheet(sheet, [company_id])
    with database.transaction() as session:
        park_row = repo.get_park(session, park)
        company = _company(session, park_row.id, park, company_id)
        existing = {
            r.key: r for r in session.scalars(select(FlowRow).where(FlowRow.park_id == park_row.id))
        }
        clashes = [
            Issue("flows", row, "id", f"{flow.id!r} is a flow of another company in {park}")
            for (row, _), flow in zip(sheet.rows, flows, strict=True)
            if flow.id in existing and existing[flow.id].company_id != company.id
        ]
        if clashes:
            raise ValidationError(clashes)
        for flow in flows:
            row = existing.get(flow.id) or FlowRow(park_id=park_row.id, key=flow.id)
            repo.apply_flow(row, flow, company)
            row.version = (row.version or 0) + 1
            session.add(row)
    return len(flows)
