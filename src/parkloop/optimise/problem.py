"""Input of the park optimisation: sites, candidate links, shared assets and prices.

Plain, frozen dataclasses. :func:`validate_problem` checks a whole problem before a model is
built and raises :class:`ProblemError` (a :class:`ValueError`) naming the object, the field and
how to fix it.

Units. Every resource has one unit of the caller's choice (t, m3, MWh...); supplies, demands,
flows and link capacities are in that unit per year, link costs in EUR per unit and avoided
emissions in t CO2e per unit. Heat resources are in MWh (a heat pump's electricity is computed
in MWh). A shared asset has a capacity unit (kW by default) and ``output_per_capacity`` turns
capacity into yearly output (for kW and MWh/yr it is the full-load hours divided by 1000).

Examples
--------
>>> problem = ParkProblem(
...     sites=(Site("A", supply={"steam": 100.0}), Site("B", demand={"steam": 80.0})),
...     links=(CandidateLink("A-B", "A", "B", "steam", 100.0, -20.0, 0.2, 500.0),),
... )
>>> validate_problem(problem) is problem
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from parkloop.errors import ParkloopError

AssetKind = Literal["heat_network_link", "heat_pump", "shared_pv", "biogas_plant"]
ASSET_KINDS: tuple[AssetKind, ...] = ("heat_network_link", "heat_pump", "shared_pv", "biogas_plant")
NODE_KINDS: tuple[AssetKind, ...] = ("heat_pump", "shared_pv", "biogas_plant")
HEAT = "heat"


class ProblemError(ParkloopError, ValueError):
    """The optimisation input is inconsistent; the message names the object and the field."""

    code = "optimisation_input_error"

    def __init__(self, obj: str, field_name: str, message: str) -> None:
        super().__init__(f"{obj}, field {field_name!r}: {message}")
        self.obj = obj
        self.field = field_name


@dataclass(frozen=True)
class Site:
    """A company's site with what it can give and what it needs.

    Parameters
    ----------
    id : str
        Unique among sites, assets and links.
    supply, demand : mapping of str to float
        Resource name to quantity [unit/yr], at least 0.
    supply_temperature_c, demand_temperature_c : mapping of str to float
        Temperature [degC] of each heat resource supplied or needed; required for heat links.
    """

    id: str
    supply: Mapping[str, float] = field(default_factory=dict)
    demand: Mapping[str, float] = field(default_factory=dict)
    supply_temperature_c: Mapping[str, float] = field(default_factory=dict)
    demand_temperature_c: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class CandidateLink:
    """An exchange that may be built, usually a match from the matching engine.

    Parameters
    ----------
    id : str
        Unique among sites, assets and links.
    from_id, to_id : str
        A site, or a heat pump, shared PV or biogas plant asset.
    resource : str
        What flows; a site at ``from_id`` must supply it, one at ``to_id`` must demand it.
    max_flow : float
        Largest flow [unit/yr], > 0.
    variable_cost_eur_per_unit : float
        Net cost per unit exchanged [EUR/unit], transport included; negative when the exchange
        saves money (an avoided purchase larger than the transport cost).
    co2e_avoided_t_per_unit : float
        Emissions avoided per unit [t CO2e/unit]; negative when the exchange adds emissions.
    fixed_cost_eur_per_yr : float
        Annualised cost of building the link [EUR/yr], paid only if it is built.
    length_km : float, optional
        Route length [km]; reported back, the pipe cost sits on the ``via`` asset.
    via : str, optional
        A ``heat_network_link`` asset whose capacity carries this (heat) link.
    """

    id: str
    from_id: str
    to_id: str
    resource: str
    max_flow: float
    variable_cost_eur_per_unit: float
    co2e_avoided_t_per_unit: float
    fixed_cost_eur_per_yr: float = 0.0
    length_km: float | None = None
    via: str | None = None


@dataclass(frozen=True)
class SharedAsset:
    """A shared asset the park may build, with a capacity the optimiser chooses.

    Parameters
    ----------
    id : str
        Unique among sites, assets and links.
    kind : {'heat_network_link', 'heat_pump', 'shared_pv', 'biogas_plant'}
        A pipe between two nodes, or a node that produces ``output_resource``.
    output_resource : str
        What the asset delivers (heat for pipes and heat pumps).
    capacity_max : float
        Largest capacity [capacity unit], > 0.
    capacity_min : float
        Smallest capacity if built [capacity unit].
    capex_annuity_eur_per_unit_yr : float
        Annualised investment and fixed O&M per capacity unit [EUR/(unit yr)]; for a
        ``heat_network_link`` per capacity unit and km of pipe.
    fixed_cost_eur_per_yr : float
        Annualised cost paid once if built, whatever the capacity [EUR/yr].
    output_per_capacity : float
        Yearly output per capacity unit [output unit/yr per capacity unit], > 0.
    input_resource : str, optional
        What the asset consumes (a biogas plant's residues, a heat pump's low-grade heat).
    yield_per_input : float, optional
        Output per unit of input for a biogas plant [output unit/input unit].
    cop : float, optional
        Heat pump COP; computed from the temperatures with
        :func:`parkloop.energy.heat_pump.heat_pump` when not given.
    source_temperature_c, sink_temperature_c : float, optional
        Heat pump source and delivery temperatures [degC].
    variable_cost_eur_per_unit : float
        Running cost per output unit [EUR/unit] (variable O&M, purchased inputs).
    co2e_t_per_unit : float
        The asset's own emissions per output unit [t CO2e/unit], electricity excluded.
    electricity_price_eur_per_mwh, electricity_co2e_t_per_mwh : float
        Price and emission factor of a heat pump's electricity [EUR/MWh], [t CO2e/MWh].
    from_id, to_id : str, optional
        The nodes a ``heat_network_link`` joins.
    length_km : float, optional
        Pipe length of a ``heat_network_link`` [km].
    capacity_unit : str
        Name of the capacity unit, for reports.
    """

    id: str
    kind: AssetKind
    output_resource: str
    capacity_max: float
    capacity_min: float = 0.0
    capex_annuity_eur_per_unit_yr: float = 0.0
    fixed_cost_eur_per_yr: float = 0.0
    output_per_capacity: float = 1.0
    input_resource: str | None = None
    yield_per_input: float | None = None
    cop: float | None = None
    source_temperature_c: float | None = None
    sink_temperature_c: float | None = None
    variable_cost_eur_per_unit: float = 0.0
    co2e_t_per_unit: float = 0.0
    electricity_price_eur_per_mwh: float = 0.0
    electricity_co2e_t_per_mwh: float = 0.0
    from_id: str | None = None
    to_id: str | None = None
    length_km: float | None = None
    capacity_unit: str = "kW"


@dataclass(frozen=True)
class ParkProblem:
    """A whole park-level optimisation problem.

    Parameters
    ----------
    sites, links, assets : tuple
        The sites, candidate links and shared assets.
    carbon_price_eur_per_t : float
        Price on the park's emissions in the objective [EUR/t CO2e], at least 0.
    heat_resources : frozenset of str
        Resources that are heat: their links are checked for temperature.
    dt_min_k : float, optional
        Minimum approach for direct heat exchange [K]; the matching factor
        ``heat_exchanger_min_approach`` when not given.
    baseline_co2e_t_per_yr : float
        The park's emissions before any link or asset [t CO2e/yr], added to the reported total.
    co2e_cap_t_per_yr : float, optional
        Upper bound on the park's total emissions [t CO2e/yr].
    """

    sites: tuple[Site, ...]
    links: tuple[CandidateLink, ...]
    assets: tuple[SharedAsset, ...] = ()
    carbon_price_eur_per_t: float = 0.0
    heat_resources: frozenset[str] = frozenset({HEAT})
    dt_min_k: float | None = None
    baseline_co2e_t_per_yr: float = 0.0
    co2e_cap_t_per_yr: float | None = None


@dataclass(frozen=True)
class _Index:
    """Sites, node assets and pipes by id."""

    sites: dict[str, Site]
    nodes: dict[str, SharedAsset]
    pipes: dict[str, SharedAsset]


def _finite(obj: str, name: str, value: float | None, *, minimum: float | None = None) -> None:
    """Raise unless ``value`` is a finite number at least ``minimum``."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        raise ProblemError(obj, name, f"{value!r} is not a number; give a number")
    if not math.isfinite(value):
        raise ProblemError(obj, name, f"{value!r} is not finite; give a finite number")
    if minimum is not None and value < minimum:
        raise ProblemError(obj, name, f"{value:g} is below {minimum:g}; give at least {minimum:g}")


def _positive(obj: str, name: str, value: float | None) -> None:
    _finite(obj, name, value)
    assert value is not None
    if value <= 0:
        raise ProblemError(obj, name, f"{value:g} must be greater than 0")


def _validate_site(site: Site) -> None:
    obj = f"site {site.id!r}"
    for name, quantities in (("supply", site.supply), ("demand", site.demand)):
        for resource, quantity in quantities.items():
            _finite(obj, f"{name}[{resource!r}]", quantity, minimum=0.0)
    for name, temps in (
        ("supply_temperature_c", site.supply_temperature_c),
        ("demand_temperature_c", site.demand_temperature_c),
    ):
        for resource, temperature in temps.items():
            _finite(obj, f"{name}[{resource!r}]", temperature, minimum=-273.15)


def _validate_node_asset(asset: SharedAsset, problem: ParkProblem) -> None:
    obj = f"asset {asset.id!r}"
    heat = problem.heat_resources
    if asset.kind == "shared_pv" and asset.input_resource is not None:
        raise ProblemError(obj, "input_resource", "shared PV takes no input; leave it None")
    if asset.kind == "biogas_plant":
        if asset.input_resource is None:
            raise ProblemError(obj, "input_resource", "name the residue the plant digests")
        _positive(obj, "yield_per_input", asset.yield_per_input)
    if asset.kind == "heat_pump":
        for name, resource in (
            ("input_resource", asset.input_resource),
            ("output_resource", asset.output_resource),
        ):
            if resource not in heat:
                raise ProblemError(
                    obj, name, f"{resource!r} is not a heat resource; use one of {sorted(heat)}"
                )
        if asset.cop is not None:
            _finite(obj, "cop", asset.cop)
            if asset.cop <= 1:
                raise ProblemError(obj, "cop", f"{asset.cop:g} must be greater than 1")
        for name in ("source_temperature_c", "sink_temperature_c"):
            value = getattr(asset, name)
            if value is None:
                raise ProblemError(obj, name, "a heat pump needs its source and sink temperature")
            _finite(obj, name, value, minimum=-273.15)
        _finite(obj, "electricity_price_eur_per_mwh", asset.electricity_price_eur_per_mwh)
        _finite(obj, "electricity_co2e_t_per_mwh", asset.electricity_co2e_t_per_mwh)


def _validate_pipe(asset: SharedAsset, problem: ParkProblem, nodes: set[str]) -> None:
    obj = f"asset {asset.id!r}"
    if asset.output_resource not in problem.heat_resources:
        raise ProblemError(
            obj,
            "output_resource",
            f"a heat_network_link carries heat; use one of {sorted(problem.heat_resources)}",
        )
    for name in ("from_id", "to_id"):
        node = getattr(asset, name)
        if node not in nodes:
            raise ProblemError(obj, name, f"{node!r} is not a site or node asset; name one")
    if asset.from_id == asset.to_id:
        raise ProblemError(obj, "to_id", "a pipe joins two different nodes")
    _positive(obj, "length_km", asset.length_km)


def _validate_asset(asset: SharedAsset, problem: ParkProblem, nodes: set[str]) -> None:
    obj = f"asset {asset.id!r}"
    if asset.kind not in ASSET_KINDS:
        raise ProblemError(obj, "kind", f"{asset.kind!r} is unknown; choose one of {ASSET_KINDS}")
    _positive(obj, "capacity_max", asset.capacity_max)
    _finite(obj, "capacity_min", asset.capacity_min, minimum=0.0)
    if asset.capacity_min > asset.capacity_max:
        raise ProblemError(obj, "capacity_min", "must not exceed capacity_max")
    _finite(obj, "capex_annuity_eur_per_unit_yr", asset.capex_annuity_eur_per_unit_yr, minimum=0.0)
    _finite(obj, "fixed_cost_eur_per_yr", asset.fixed_cost_eur_per_yr, minimum=0.0)
    _positive(obj, "output_per_capacity", asset.output_per_capacity)
    _finite(obj, "variable_cost_eur_per_unit", asset.variable_cost_eur_per_unit)
    _finite(obj, "co2e_t_per_unit", asset.co2e_t_per_unit)
    if asset.kind == "heat_network_link":
        _validate_pipe(asset, problem, nodes)
    else:
        _validate_node_asset(asset, problem)


def _validate_endpoint_from(link: CandidateLink, problem: ParkProblem, index: _Index) -> None:
    obj = f"link {link.id!r}"
    if link.from_id in index.sites:
        if link.resource not in index.sites[link.from_id].supply:
            raise ProblemError(
                obj,
                "from_id",
                f"site {link.from_id!r} lists no supply of {link.resource!r}; add it to "
                "Site.supply or drop the link",
            )
    elif link.from_id in index.nodes:
        asset = index.nodes[link.from_id]
        if asset.output_resource != link.resource:
            raise ProblemError(
                obj, "resource", f"asset {asset.id!r} delivers {asset.output_resource!r}"
            )
    else:
        raise ProblemError(obj, "from_id", f"{link.from_id!r} is not a site or node asset")


def _validate_endpoint_to(link: CandidateLink, problem: ParkProblem, index: _Index) -> None:
    obj = f"link {link.id!r}"
    if link.to_id in index.sites:
        if link.resource not in index.sites[link.to_id].demand:
            raise ProblemError(
                obj,
                "to_id",
                f"site {link.to_id!r} lists no demand of {link.resource!r}; add it to "
                "Site.demand or drop the link",
            )
    elif link.to_id in index.nodes:
        asset = index.nodes[link.to_id]
        if asset.input_resource != link.resource:
            raise ProblemError(
                obj, "resource", f"asset {asset.id!r} takes {asset.input_resource!r} as input"
            )
    else:
        raise ProblemError(obj, "to_id", f"{link.to_id!r} is not a site or node asset")


def _validate_heat_temperatures(link: CandidateLink, index: _Index) -> None:
    obj = f"link {link.id!r}"
    source = index.sites.get(link.from_id)
    if source is not None and link.resource not in source.supply_temperature_c:
        raise ProblemError(
            obj,
            "from_id",
            f"site {source.id!r} gives no supply_temperature_c for heat {link.resource!r}",
        )
    sink = index.sites.get(link.to_id)
    if sink is not None and link.resource not in sink.demand_temperature_c:
        raise ProblemError(
            obj, "to_id", f"site {sink.id!r} gives no demand_temperature_c for {link.resource!r}"
        )


def _validate_link(link: CandidateLink, problem: ParkProblem, index: _Index) -> None:
    obj = f"link {link.id!r}"
    _positive(obj, "max_flow", link.max_flow)
    _finite(obj, "variable_cost_eur_per_unit", link.variable_cost_eur_per_unit)
    _finite(obj, "co2e_avoided_t_per_unit", link.co2e_avoided_t_per_unit)
    _finite(obj, "fixed_cost_eur_per_yr", link.fixed_cost_eur_per_yr, minimum=0.0)
    if link.length_km is not None:
        _finite(obj, "length_km", link.length_km, minimum=0.0)
    if link.from_id == link.to_id:
        raise ProblemError(obj, "to_id", "a link joins two different nodes")
    _validate_endpoint_from(link, problem, index)
    _validate_endpoint_to(link, problem, index)
    if link.resource in problem.heat_resources:
        _validate_heat_temperatures(link, index)
    if link.via is not None:
        pipe = index.pipes.get(link.via)
        if pipe is None:
            raise ProblemError(obj, "via", f"{link.via!r} is not a heat_network_link asset")
        if link.resource not in problem.heat_resources:
            raise ProblemError(obj, "via", "only heat links run through a heat_network_link")
        if {link.from_id, link.to_id} != {pipe.from_id, pipe.to_id}:
            raise ProblemError(
                obj, "via", f"pipe {pipe.id!r} joins {pipe.from_id!r} and {pipe.to_id!r}"
            )


def _check_unique_ids(problem: ParkProblem) -> None:
    seen: dict[str, str] = {}
    for kind, items in (
        ("site", problem.sites),
        ("asset", problem.assets),
        ("link", problem.links),
    ):
        for item in items:
            if not isinstance(item.id, str) or not item.id:
                raise ProblemError(f"{kind} {item.id!r}", "id", "give a non-empty text id")
            if item.id in seen:
                raise ProblemError(
                    f"{kind} {item.id!r}", "id", f"already used by a {seen[item.id]}; rename one"
                )
            seen[item.id] = kind


def validate_problem(problem: ParkProblem) -> ParkProblem:
    """Check a problem before a model is built; return it unchanged.

    Raises
    ------
    ProblemError
        On the first inconsistency, naming the object, the field and what is allowed.
    """
    _check_unique_ids(problem)
    _finite("problem", "carbon_price_eur_per_t", problem.carbon_price_eur_per_t, minimum=0.0)
    _finite("problem", "baseline_co2e_t_per_yr", problem.baseline_co2e_t_per_yr)
    if problem.dt_min_k is not None:
        _finite("problem", "dt_min_k", problem.dt_min_k, minimum=0.0)
    if problem.co2e_cap_t_per_yr is not None:
        _finite("problem", "co2e_cap_t_per_yr", problem.co2e_cap_t_per_yr)
    for site in problem.sites:
        _validate_site(site)
    index = _Index(
        sites={s.id: s for s in problem.sites},
        nodes={a.id: a for a in problem.assets if a.kind in NODE_KINDS},
        pipes={a.id: a for a in problem.assets if a.kind == "heat_network_link"},
    )
    nodes = set(index.sites) | set(index.nodes)
    for asset in problem.assets:
        _validate_asset(asset, problem, nodes)
    for link in problem.links:
        _validate_link(link, problem, index)
    return problem
