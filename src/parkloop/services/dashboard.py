"""Numbers behind the park dashboard's charts, filtered for the viewer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from parkloop.domain.access import Viewer, can_see_flow
from parkloop.domain.models import Company, Direction, Flow
from parkloop.reference.nace import load_nace
from parkloop.services import cache
from parkloop.services.database import Database
from parkloop.services.parks import park_workbook
from parkloop.store import repo
from parkloop.store.tables import CompanyRow, FlowRow, SynergyEventRow, SynergyRow

# How far along a synergy is, to credit a supply flow to its most advanced synergy only.
_PROGRESS = {"identified": 1, "contacted": 2, "negotiating": 3, "implemented": 4, "ended": 0}
NOT_EXCHANGED = "not exchanged yet"


def _sector(nace: str) -> str:
    """The NACE division of a code, as a short label."""
    table = load_nace()
    return table.get(nace[:2]).description if len(nace) >= 2 else table.get(nace).description


@dataclass(frozen=True)
class _SupplyLine:
    """A supply flow per year, with the sectors it goes from and to (park-wide)."""

    flow: Flow
    company: Company
    unit: str
    value: float
    source: str
    target: str


def _supply_lines(database: Database, park: str) -> tuple[_SupplyLine, ...]:
    """Every supply flow with an annual quantity, in workbook order, and where it goes.

    The same for every viewer, so it is cached per park stamp; :func:`flow_sankeys` keeps the
    lines the viewer may see.
    """

    def compute() -> tuple[_SupplyLine, ...]:
        workbook = park_workbook(database, park)
        companies = {c.id: c for c in workbook.companies}
        with database.reader() as session:
            park_row = repo.get_park(session, park)
            best: dict[str, tuple[int, str]] = {}
            rows = session.execute(
                select(FlowRow.key, SynergyRow.status, CompanyRow.nace)
                .join(SynergyRow, SynergyRow.supply_flow_id == FlowRow.id)
                .join(CompanyRow, CompanyRow.id == SynergyRow.receiver_company_id)
                .where(SynergyRow.park_id == park_row.id)
            )
            for key, status, nace in rows:
                rank = _PROGRESS.get(status, 0)
                if rank and rank > best.get(key, (0, ""))[0]:
                    best[key] = (rank, nace)
        lines = []
        for flow in workbook.flows:
            if flow.direction is not Direction.SUPPLY:
                continue
            annual = flow.normalised()
            if annual is None or annual.value is None or not annual.per_year:
                continue
            company = companies[flow.company_id]
            target = f"to {_sector(best[flow.id][1])}" if flow.id in best else NOT_EXCHANGED
            lines.append(
                _SupplyLine(flow, company, annual.unit, annual.value, _sector(company.nace), target)
            )
        return tuple(lines)

    return cache.park_cached(database, park, "supply-lines", (), compute)


def flow_sankeys(
    database: Database, viewer: Viewer, park: str
) -> dict[str, list[tuple[str, str, float]]]:
    """Supplies per year by unit (t, MWh, m3): from the supplier's sector to where they go.

    A supply in a synergy goes to the receiver's sector (its most advanced synergy; rejected
    ones do not count); others go to "not exchanged yet". Only flows ``viewer`` may see.
    """
    totals: dict[str, dict[tuple[str, str], float]] = defaultdict(lambda: defaultdict(float))
    for line in _supply_lines(database, park):
        if not can_see_flow(viewer, park, line.company, line.flow):
            continue
        totals[line.unit][(line.source, line.target)] += line.value
    return {
        unit: [(s, t, v) for (s, t), v in sorted(links.items())]
        for unit, links in sorted(totals.items())
    }


def synergy_timeline(database: Database, park: str) -> dict[str, list[tuple[dt.date, float]]]:
    """Cumulative counts over time: synergies identified, and synergies implemented."""
    stored = cache.park_cached(
        database, park, "timeline", (), lambda: _synergy_timeline(database, park)
    )
    return {status: list(series) for status, series in stored.items()}


def _synergy_timeline(database: Database, park: str) -> dict[str, list[tuple[dt.date, float]]]:
    with database.reader() as session:
        park_row = repo.get_park(session, park)
        events = session.execute(
            select(SynergyEventRow.at, SynergyEventRow.status)
            .join(SynergyRow, SynergyRow.id == SynergyEventRow.synergy_id)
            .where(SynergyRow.park_id == park_row.id)
            .order_by(SynergyEventRow.at)
        ).all()
    out: dict[str, list[tuple[dt.date, float]]] = {"identified": [], "implemented": []}
    counts = {"identified": 0, "implemented": 0}
    for at, status in events:
        if status in counts:
            counts[status] += 1
            series = out[status]
            day = at.date()
            if series and series[-1][0] == day:
                series[-1] = (day, counts[status])
            else:
                series.append((day, counts[status]))
    return {k: v for k, v in out.items() if v}
