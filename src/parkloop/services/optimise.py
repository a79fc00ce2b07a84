"""Park optimisation from stored data: a park's matches become a :class:`ParkProblem`.

Sites are the park's companies. Every stored match with a listed demand flow is a candidate
link from the supplier to the receiver; its cost and avoided CO2e per unit come from the impact
chain (:func:`parkloop.impact.synergy.synergy_impact`, the factors of ``emission_factors.yaml``,
``matching_factors.yaml`` and ``impact_factors.yaml``) evaluated at the link's largest flow, the
smaller of the supply and the demand. The resource of a link is its supply flow, so each supply
flow's amount bounds all the links that share it; a ``Demand-flow-limit`` constraint (added
through the model's ``extra_constraints`` hook) bounds all the links that serve one demand flow.
Links without a figure the model can use are left out, each with the reason.

Shared assets are not offered: the measures catalogue holds sourced investment figures for
heat pumps, PV and biogas plants, but an annualised cost also needs a discount rate and the
yearly output per unit of capacity needs full-load hours, and no shipped file gives them (nor a
pipe cost for heat networks). :func:`missing_asset_data` says what is missing for each kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import linopy
import numpy as np
import xarray as xr
from sqlalchemy import select
from sqlalchemy.orm import Session

from parkloop.errors import ParkloopError
from parkloop.impact.assumptions import Assumptions
from parkloop.impact.factors import impact_reference
from parkloop.impact.result import Impact
from parkloop.impact.synergy import annual_amount, synergy_impact
from parkloop.matching.geo import haversine_km
from parkloop.matching.index import flow_text
from parkloop.matching.knowledge import Knowledge
from parkloop.optimise import (
    ASSET_KINDS,
    CandidateLink,
    ParetoFront,
    ParkProblem,
    Site,
    Solution,
    build_model,
    pareto_front,
    solve,
)
from parkloop.optimise.results import BalanceCheck, check_balances
from parkloop.reference.factors import Factor, matching_factors
from parkloop.reference.measures import default_registry
from parkloop.reference.resource_classes import load_resource_classes
from parkloop.services.database import Database
from parkloop.services.impact import receiver_heat_fuel
from parkloop.store import repo
from parkloop.store.tables import CompanyRow, FlowRow, MatchRow
from parkloop.units import Category

#: (category, canonical unit) pairs the impact chain evaluates.
METHODS = {(Category.MATERIAL, "t"), (Category.ENERGY, "MWh"), (Category.WATER, "m3")}
#: Measures of the catalogue whose sourced investment figures an asset kind could use.
ASSET_MEASURES: dict[str, tuple[str, ...]] = {
    "heat_network_link": (),
    "heat_pump": ("park_waste_heat_district_heating", "park_seawater_heat_pump"),
    "shared_pv": ("park_shared_pv",),
    "biogas_plant": ("park_biogas_from_residues",),
}
#: Inputs an asset kind needs that no shipped data file holds.
ASSET_GAPS: dict[str, tuple[str, ...]] = {
    "heat_network_link": ("pipe investment per kW and km", "discount rate"),
    "heat_pump": ("discount rate", "full-load hours", "electricity price"),
    "shared_pv": ("discount rate", "full-load hours"),
    "biogas_plant": ("discount rate", "full-load hours", "biogas yield per tonne of residue"),
}


#: What every answer says about how the figures were made.
NOTES = (
    "co2e_t_per_yr is the change of the park's emissions the chosen links make (negative: "
    "fewer); costs are net [EUR/yr], negative when the links save money",
    "per-unit cost and CO2e are the impact chain's central estimates at each link's largest "
    "flow; terms the impact chain cannot count (an unknown price or baseline) are zero and "
    "named in the link's notes",
    "no shared asset is offered: see missing_asset_data",
)


class NoMatches(ParkloopError):
    """The park has no stored matches to optimise over."""

    code = "no_matches"


@dataclass(frozen=True)
class OptimiseOptions:
    """How a park's problem is built.

    Parameters
    ----------
    carbon_price_eur_per_t : float
        Price on CO2e in the objective [EUR/t]; no shipped file gives one, so it is required.
    assumptions : mapping
        Fields of :class:`parkloop.impact.assumptions.Assumptions` applied to every link
        (``baseline``, ``transport_mode``...); ``heat_fuel`` is otherwise read from each
        receiver's energy data, as the impact service does.
    """

    carbon_price_eur_per_t: float
    assumptions: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        allowed = sorted(Assumptions.__dataclass_fields__)
        unknown = sorted(set(self.assumptions) - set(allowed))
        if unknown:
            raise ValueError(
                f"unknown assumption {', '.join(unknown)}; use any of {', '.join(allowed)}"
            )


@dataclass(frozen=True)
class LinkFigures:
    """A candidate link built from a stored match, with its per-unit figures and notes."""

    id: str
    supply_flow_id: str
    demand_flow_id: str
    from_company: str
    to_company: str
    name: str
    unit: str
    max_flow: float
    distance_km: float
    cost_eur_per_unit: float
    co2e_avoided_t_per_unit: float
    fixed_cost_eur_per_yr: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeftOut:
    """A stored match that is not a candidate link, and why."""

    id: str
    supply_flow_id: str
    company_id: str
    demand_flow_id: str | None
    reason: str


@dataclass(frozen=True)
class MissingAssetData:
    """Why a shared asset kind is not offered: the measures with sourced figures, and the gaps."""

    kind: str
    measures: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class DemandLimit:
    """A demand flow [unit/yr] that one or more links serve."""

    demand_flow_id: str
    links: tuple[str, ...]
    limit: float


@dataclass(frozen=True)
class ParkProblemData:
    """A park's problem with what was left out, the factors used and what assets lack."""

    park: str
    problem: ParkProblem
    links: tuple[LinkFigures, ...]
    left_out: tuple[LeftOut, ...]
    demand_limits: tuple[DemandLimit, ...]
    factors: tuple[Factor, ...]
    missing_assets: tuple[MissingAssetData, ...]

    def groups(self) -> dict[str, tuple[tuple[str, ...], float]]:
        """The demand-flow limits as groups for :func:`check_balances`."""
        return {f"demand flow {d.demand_flow_id!r}": (d.links, d.limit) for d in self.demand_limits}

    def extra_constraints(self, model: linopy.Model, problem: ParkProblem) -> None:
        """``Demand-flow-limit``: the flows of the offered links into one demand flow <= it."""
        if "Link-flow" not in model.variables:
            return
        offered = set(np.asarray(model.variables["Link-flow"].coords["link"].values).tolist())
        members, group = [], []
        for position, limit in enumerate(self.demand_limits):
            for link in limit.links:
                if link in offered:
                    members.append(link)
                    group.append(position)
        if not members:
            return
        flow = model.variables["Link-flow"].sel(link=members)
        key = xr.DataArray(np.asarray(group), coords={"link": members}, dims=["link"])
        lhs = flow.groupby(key.rename("demand_flow")).sum()
        used = np.asarray(lhs.coords["demand_flow"].values).astype(np.int64)
        limits = np.array([self.demand_limits[i].limit for i in used], dtype=float)
        rhs = xr.DataArray(limits, coords={"demand_flow": used}, dims=["demand_flow"])
        model.add_constraints(lhs <= rhs, name="Demand-flow-limit")


def missing_asset_data() -> tuple[MissingAssetData, ...]:
    """For each asset kind, the park measures with a sourced investment and what is missing."""
    registry = default_registry()
    out = []
    for kind in ASSET_KINDS:
        sourced = tuple(
            m for m in ASSET_MEASURES[kind] if m in registry and registry.get(m).capex is not None
        )
        missing = ASSET_GAPS[kind] if sourced else ("investment cost", *ASSET_GAPS[kind])
        out.append(MissingAssetData(kind, sourced, tuple(dict.fromkeys(missing))))
    return tuple(out)


@dataclass
class _Builder:
    """Sites, links and limits collected match by match."""

    supply: dict[str, dict[str, float]] = field(default_factory=dict)
    demand: dict[str, dict[str, float]] = field(default_factory=dict)
    supply_t: dict[str, dict[str, float]] = field(default_factory=dict)
    demand_t: dict[str, dict[str, float]] = field(default_factory=dict)
    heat: set[str] = field(default_factory=set)
    links: list[LinkFigures] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    served: dict[str, tuple[list[str], float]] = field(default_factory=dict)
    factors: dict[str, Factor] = field(default_factory=dict)


def _screen(supply: FlowRow, demand: FlowRow | None, knowledge: Knowledge) -> str | None:
    """Why a match cannot become a link before its impact is computed, or None."""
    if demand is None:
        return (
            "the receiver lists no demand flow for it, so no quantity bounds what it takes; "
            "list the need as a demand flow to include it"
        )
    s_flow, d_flow = repo.flow_to_domain(supply), repo.flow_to_domain(demand)
    amount, unit = annual_amount(s_flow)
    wanted, wanted_unit = annual_amount(d_flow)
    if amount is None or not amount > 0:
        return f"supply flow {supply.key} has no yearly amount (none, a rate or a one-off)"
    if wanted is None or not wanted > 0:
        return f"demand flow {demand.key} has no yearly amount (none, a rate or a one-off)"
    if unit != wanted_unit:
        return f"supply in {unit}/yr and demand in {wanted_unit}/yr cannot be compared"
    if (s_flow.category, unit) not in METHODS:
        return (
            f"no impact method for {s_flow.category.value} flows in {unit}: only materials in "
            "t, energy in MWh and water in m3 are evaluated"
        )
    if s_flow.category is Category.ENERGY:
        recognised = knowledge.recognise(flow_text(s_flow), s_flow.ewc, s_flow.temperature_c)
        cls = recognised[0].resource.id if recognised else None
        heat = {c.id for c in load_resource_classes() if c.is_heat}
        if cls in heat and (s_flow.temperature_c is None or d_flow.temperature_c is None):
            return "a heat link needs the temperature of both flows to check the approach"
        if cls not in heat and cls not in impact_reference().supplied_fuels:
            return f"no avoided-emission method for energy of resource class {cls}"
    return None


def _impact(
    session: Session,
    receiver: CompanyRow,
    supply: FlowRow,
    demand: FlowRow,
    knowledge: Knowledge,
    options: OptimiseOptions,
) -> tuple[Impact, float, str | None]:
    """The impact of the match at its largest flow, the great-circle distance, the class."""
    s_flow, d_flow = repo.flow_to_domain(supply), repo.flow_to_domain(demand)
    supplier = supply.company
    recognised = knowledge.recognise(flow_text(s_flow), s_flow.ewc, s_flow.temperature_c)
    cls = recognised[0].resource.id if recognised else None
    values = dict(options.assumptions)
    note = None
    if "heat_fuel" not in values:
        inferred = receiver_heat_fuel(session, receiver.id)
        if inferred is not None:
            values["heat_fuel"], bought, note = inferred
            values.setdefault("fuel_use_mwh_per_yr", bought)
    distance = float(haversine_km(supplier.lat, supplier.lon, receiver.lat, receiver.lon))
    impact = synergy_impact(
        s_flow,
        receiver_nace=receiver.nace,
        country=receiver.country,
        distance_km=distance,
        resource_class=cls,
        demand=d_flow,
        assumptions=Assumptions(**values),
    )
    if note is not None and s_flow.category is Category.ENERGY:
        impact = replace(impact, notes=(note, *impact.notes))
    return impact, distance, cls


def _add_match(
    builder: _Builder,
    session: Session,
    match: MatchRow,
    rows: tuple[Mapping[int, FlowRow], Mapping[int, CompanyRow]],
    knowledge: Knowledge,
    options: OptimiseOptions,
) -> None:
    flows, companies = rows
    supply = flows[match.supply_flow_id]
    demand = flows.get(match.demand_flow_id) if match.demand_flow_id else None
    receiver = companies[match.company_id]
    link_id = f"{supply.key}->{receiver.key}"
    reason = _screen(supply, demand, knowledge)
    if reason is not None or demand is None:
        builder.left_out.append(
            LeftOut(link_id, supply.key, receiver.key, demand.key if demand else None, reason or "")
        )
        return
    impact, distance, cls = _impact(session, receiver, supply, demand, knowledge, options)
    amount, unit = annual_amount(repo.flow_to_domain(supply))
    wanted, _ = annual_amount(repo.flow_to_domain(demand))
    assert amount is not None and wanted is not None and unit is not None
    exchanged = min(amount, wanted)
    handling = sum(c.eur_per_yr.central for c in impact.cost_terms if c.name == "handling")
    cost = (handling - impact.cost_eur_per_yr.central) / exchanged + 0.0
    co2e = impact.co2e_net_t_per_yr.central / exchanged + 0.0
    if cost == 0 and co2e == 0 and handling == 0:
        why = "; ".join(impact.notes) or "no term applies"
        builder.left_out.append(
            LeftOut(link_id, supply.key, receiver.key, demand.key, f"no cost or CO2e: {why}")
        )
        return
    resource = supply.key
    builder.supply.setdefault(supply.company.key, {})[resource] = amount
    builder.demand.setdefault(receiver.key, {})[resource] = wanted
    heat = {c.id for c in load_resource_classes() if c.is_heat}
    if supply.category == Category.ENERGY.value and cls in heat:
        assert supply.temperature_c is not None and demand.temperature_c is not None
        builder.heat.add(resource)
        builder.supply_t.setdefault(supply.company.key, {})[resource] = supply.temperature_c
        builder.demand_t.setdefault(receiver.key, {})[resource] = demand.temperature_c
        approach = matching_factors()["heat_exchanger_min_approach"]
        builder.factors.setdefault(approach.name, approach)
    builder.links.append(
        LinkFigures(
            link_id,
            supply.key,
            demand.key,
            supply.company.key,
            receiver.key,
            supply.name,
            unit,
            exchanged,
            distance,
            cost,
            co2e,
            -handling + 0.0,
            impact.notes,
        )
    )
    members, _ = builder.served.setdefault(demand.key, ([], wanted))
    members.append(link_id)
    for factor in impact.factors_used:
        builder.factors.setdefault(factor.name, factor)


def park_problem(database: Database, park: str, options: OptimiseOptions) -> ParkProblemData:
    """The optimisation problem of a stored park, built from its stored matches.

    Raises
    ------
    NotFound
        When there is no such park.
    NoMatches
        When the park has no stored matches (run ``parkloop match --park NAME`` first).
    """
    knowledge = Knowledge()
    builder = _Builder()
    with database.reader() as session:
        park_row = repo.get_park(session, park)
        matches = session.scalars(
            select(MatchRow).where(MatchRow.park_id == park_row.id).order_by(MatchRow.id)
        ).all()
        if not matches:
            raise NoMatches(
                f"park {park_row.name!r} has no stored matches; run "
                f"`parkloop match --park {park_row.name!r}` first, then optimise"
            )
        flows = {row.id: row for row in repo.flow_rows(session, park_row)}
        company_rows = {row.id: row for row in repo.company_rows(session, park_row)}
        for match in matches:
            _add_match(builder, session, match, (flows, company_rows), knowledge, options)
        companies = [c.key for c in company_rows.values()]
        name = park_row.name
    sites = tuple(
        Site(
            key,
            supply=builder.supply.get(key, {}),
            demand=builder.demand.get(key, {}),
            supply_temperature_c=builder.supply_t.get(key, {}),
            demand_temperature_c=builder.demand_t.get(key, {}),
        )
        for key in companies
    )
    links = tuple(
        CandidateLink(
            f.id,
            f.from_company,
            f.to_company,
            f.supply_flow_id,
            f.max_flow,
            f.cost_eur_per_unit,
            f.co2e_avoided_t_per_unit,
            f.fixed_cost_eur_per_yr,
            length_km=f.distance_km,
        )
        for f in builder.links
    )
    problem = ParkProblem(
        sites,
        links,
        carbon_price_eur_per_t=options.carbon_price_eur_per_t,
        heat_resources=frozenset(builder.heat),
    )
    limits = tuple(
        DemandLimit(key, tuple(members), wanted)
        for key, (members, wanted) in builder.served.items()
    )
    return ParkProblemData(
        name,
        problem,
        tuple(builder.links),
        tuple(builder.left_out),
        limits,
        tuple(sorted(builder.factors.values(), key=lambda f: f.name)),
        missing_asset_data(),
    )


@dataclass(frozen=True)
class ParkOptimisation:
    """The solved problem of a park, the balance re-check and, if asked, the Pareto front."""

    data: ParkProblemData
    solution: Solution
    balance: BalanceCheck
    gap_requested: float
    pareto: ParetoFront | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready document: totals, chosen links, left-out matches, checks, factors."""
        solution, figures = self.solution, {f.id: f for f in self.data.links}
        excluded = {e.id: e.reason for e in solution.excluded}
        left_out = [vars(item) for item in self.data.left_out]
        left_out += [
            {
                "id": f.id,
                "supply_flow_id": f.supply_flow_id,
                "company_id": f.to_company,
                "demand_flow_id": f.demand_flow_id,
                "reason": excluded[f.id],
            }
            for f in self.data.links
            if f.id in excluded
        ]
        return {
            "park": self.data.park,
            "carbon_price_eur_per_t": self.data.problem.carbon_price_eur_per_t,
            "solver": {
                "status": solution.status,
                "termination": solution.termination,
                "mip_gap": solution.mip_gap,
                "gap_requested": self.gap_requested,
                "solve_time_s": solution.solve_time_s,
                "message": solution.message,
            },
            "objective_eur_per_yr": solution.objective_eur_per_yr,
            "cost_eur_per_yr": solution.total_cost_eur_per_yr,
            "co2e_t_per_yr": solution.total_co2e_t_per_yr,
            "candidates": len(self.data.links) - len(excluded),
            "links": [
                {
                    **vars(figures[r.id]),
                    "notes": list(figures[r.id].notes),
                    "flow": r.flow,
                    "cost_eur_per_yr": r.cost_eur_per_yr,
                    "co2e_avoided_t_per_yr": r.co2e_avoided_t_per_yr,
                }
                for r in solution.links
                if r.built
            ],
            "left_out": left_out,
            "balance_check": {
                "ok": self.balance.ok,
                "checked": self.balance.checked,
                "violations": list(self.balance.violations),
            },
            "assets": [],
            "missing_asset_data": [
                {"kind": m.kind, "sourced_measures": list(m.measures), "missing": list(m.missing)}
                for m in self.data.missing_assets
            ],
            "factors": [
                {
                    "name": f.name,
                    "value": f.value,
                    "unit": f.unit,
                    "year": f.year,
                    "source": " ".join(f.source.split()),
                }
                for f in self.data.factors
            ],
            "pareto": None
            if self.pareto is None
            else {"points": self.pareto.rows(), "message": self.pareto.message},
            "notes": list(NOTES),
        }


def optimise_park(
    database: Database,
    park: str,
    *,
    carbon_price_eur_per_t: float,
    pareto_points: int = 0,
    gap: float = 0.01,
    time_limit_s: float | None = None,
    threads: int = 2,
    assumptions: Mapping[str, Any] | None = None,
) -> ParkOptimisation:
    """Choose a stored park's exchanges for the least cost + carbon price x CO2e.

    Parameters
    ----------
    carbon_price_eur_per_t : float
        Carbon price [EUR/t CO2e], at least 0.
    pareto_points : int
        0 for no front, else the points of the cost/CO2e front (at least 2).
    gap : float
        Relative MIP gap of each solve [-], in [0, 1).
    time_limit_s, threads
        Passed to HiGHS.
    assumptions : mapping, optional
        See :class:`OptimiseOptions`.

    Raises
    ------
    ValueError
        For a bad option, with the allowed values.
    """
    if not 0.0 <= gap < 1.0:
        raise ValueError(f"gap must be a fraction in [0, 1), got {gap!r}")
    if pareto_points != 0 and pareto_points < 2:
        raise ValueError(f"pareto_points must be 0 (no front) or at least 2, got {pareto_points}")
    options = OptimiseOptions(carbon_price_eur_per_t, dict(assumptions or {}))
    data = park_problem(database, park, options)
    model = build_model(data.problem, data.extra_constraints)
    solution = solve(model, mip_gap=gap, threads=threads, time_limit_s=time_limit_s)
    balance = check_balances(data.problem, solution, groups=data.groups())
    front = None
    if pareto_points:
        front = pareto_front(
            data.problem,
            pareto_points,
            mip_gap=gap,
            threads=threads,
            time_limit_s=time_limit_s,
            extra_constraints=data.extra_constraints,
        )
    return ParkOptimisation(data, solution, balance, gap, front)
