"""Impact of stored synergies: one synergy, and a park's totals with breakdowns.

Reads the synergy, its flows and both companies, recognises the resource class of the supply
flow, measures the distance between the sites and hands everything to the pure chain
:func:`parkloop.impact.synergy.synergy_impact`. Where no ``heat_fuel`` is given, the fuel the
receiver buys most of in its latest energy year is taken (a note says so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import NotFound
from parkloop.impact.assumptions import Assumptions
from parkloop.impact.factors import impact_reference
from parkloop.impact.park import ParkImpact, SynergyImpact, park_totals
from parkloop.impact.result import Impact
from parkloop.impact.synergy import synergy_impact as impact_of
from parkloop.matching.geo import haversine_km
from parkloop.matching.index import flow_text
from parkloop.matching.knowledge import Knowledge
from parkloop.services import cache
from parkloop.services.database import Database
from parkloop.store import repo
from parkloop.store.tables import CompanyRow, EnergyUseRow, FlowRow, SynergyRow

#: Energy carriers that can be the heat fuel a receiver buys (besides the combustion fuels).
HEAT_CARRIERS = ("district_heat",)


def _assumptions(values: dict[str, Any]) -> Assumptions:
    """Build :class:`Assumptions`, naming the allowed keys when one is unknown."""
    allowed = sorted(Assumptions.__dataclass_fields__)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown assumption {', '.join(unknown)}; use any of {', '.join(allowed)}"
        )
    return Assumptions(**values)


def receiver_heat_fuel(session: Session, company_id: int) -> tuple[str, float, str] | None:
    """The fuel a company bought most of in its latest energy year; district heat only when
    it buys no fuel (a district-heating utility's own boilers are the heat it would make).

    Returns ``(fuel, MWh bought that year, note)``, or ``None`` without such energy data.
    """
    fuels = (*impact_reference().fuels, *HEAT_CARRIERS)
    rows = session.scalars(
        select(EnergyUseRow).where(
            EnergyUseRow.company_id == company_id,
            EnergyUseRow.onsite_generation.is_(False),
            EnergyUseRow.carrier.in_(fuels),
        )
    ).all()
    if not rows:
        return None
    year = max(r.year for r in rows)
    latest = [r for r in rows if r.year == year]
    burnt = [r for r in latest if r.carrier not in HEAT_CARRIERS] or latest
    best = max(burnt, key=lambda r: (r.mwh, r.carrier))
    note = (
        f"heat fuel {best.carrier} taken from the receiver's energy data ({year}, the fuel it "
        f"buys most of, {best.mwh:g} MWh); pass heat_fuel to change it"
    )
    return best.carrier, best.mwh, note


def _evaluate(
    session: Session, row: SynergyRow, knowledge: Knowledge, assumptions: dict[str, Any]
) -> tuple[Impact, FlowRow, CompanyRow]:
    supply_row = session.get(FlowRow, row.supply_flow_id)
    receiver = session.get(CompanyRow, row.receiver_company_id)
    if supply_row is None or receiver is None:
        raise NotFound(f"synergy {row.id} refers to a flow or company that no longer exists")
    demand_row = session.get(FlowRow, row.demand_flow_id) if row.demand_flow_id else None
    supplier = supply_row.company
    supply = repo.flow_to_domain(supply_row)
    demand = repo.flow_to_domain(demand_row) if demand_row is not None else None
    recognised = knowledge.recognise(flow_text(supply), supply.ewc, supply.temperature_c)
    values = dict(assumptions)
    inferred_note = None
    if "heat_fuel" not in values:
        inferred = receiver_heat_fuel(session, receiver.id)
        if inferred is not None:
            values["heat_fuel"], bought, inferred_note = inferred
            values.setdefault("fuel_use_mwh_per_yr", bought)
    distance = float(haversine_km(supplier.lat, supplier.lon, receiver.lat, receiver.lon))
    impact = impact_of(
        supply,
        receiver_nace=receiver.nace,
        country=receiver.country,
        distance_km=distance,
        resource_class=recognised[0].resource.id if recognised else None,
        demand=demand,
        assumptions=_assumptions(values),
    )
    if inferred_note is not None and supply.category.value == "energy":
        impact = replace(impact, notes=(inferred_note, *impact.notes))
    return impact, supply_row, supplier


def synergy_impact(database: Database, synergy_id: int, **assumptions: Any) -> Impact:
    """Impact per year of stored synergy ``synergy_id`` under ``assumptions``.

    Keyword arguments are the fields of :class:`parkloop.impact.assumptions.Assumptions`
    (``baseline="landfill"``, ``heat_fuel="natural_gas"``...).

    Raises
    ------
    NotFound
        When there is no such synergy.
    ValueError
        For an unknown assumption or value.
    """
    with database.reader() as session:
        row = session.get(SynergyRow, synergy_id)
        if row is None:
            raise NotFound(f"no synergy {synergy_id}")
        impact, _, _ = _evaluate(session, row, Knowledge(), assumptions)
        return impact


def park_impact(
    database: Database,
    park: str,
    *,
    statuses: Iterable[SynergyStatus] | None = None,
    **assumptions: Any,
) -> ParkImpact:
    """Totals of a park's synergies (all, or those in ``statuses``) with breakdowns by
    category, supplying company and status; ``assumptions`` apply to every synergy.

    The result is the same for every reader (it names supplying companies in its breakdown:
    callers show what their reader may see), so it is cached per park stamp.
    """
    wanted = None if statuses is None else {SynergyStatus(s).value for s in statuses}
    _assumptions(dict(assumptions))  # fail before reading anything
    chosen = tuple(sorted(assumptions.items()))
    try:
        hash(chosen)
    except TypeError:  # an unhashable assumption value: compute without the cache
        return _park_impact(database, park, wanted, assumptions)
    key = (None if wanted is None else tuple(sorted(wanted)), chosen)
    return cache.park_cached(
        database, park, "impact", key, lambda: _park_impact(database, park, wanted, assumptions)
    )


def _park_impact(
    database: Database, park: str, wanted: set[str] | None, assumptions: dict[str, Any]
) -> ParkImpact:
    knowledge = Knowledge()
    items = []
    with database.reader() as session:
        park_row = repo.get_park(session, park)
        rows = session.scalars(
            select(SynergyRow).where(SynergyRow.park_id == park_row.id).order_by(SynergyRow.id)
        ).all()
        for row in rows:
            if wanted is not None and row.status not in wanted:
                continue
            impact, supply_row, supplier = _evaluate(session, row, knowledge, assumptions)
            items.append(
                SynergyImpact(row.id, supply_row.category, supplier.key, row.status, impact)
            )
        return park_totals(park_row.name, items)
