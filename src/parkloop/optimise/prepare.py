"""Turn a :class:`~parkloop.optimise.problem.ParkProblem` into the arrays both models use.

Three things happen here, once, so that the linopy and the PuLP model are the same model:

1. Temperature feasibility. A heat link between two sites is offered only when the source is
   at least ``dt_min_k`` above the sink; heat into a heat pump must be at least as warm as the
   pump's source temperature, and a pump delivers only to sinks no warmer than its sink
   temperature (its COP already holds the approach). Other heat links are left out and
   reported with the reason.
2. Tight bounds. Each link's flow bound is the smallest of its ``max_flow``, the supply of its
   source site, the demand of its sink site and the largest output (or input) of the assets at
   its ends or on its pipe. It is the big-M of ``flow <= M x build`` and a tighter M gives a
   tighter relaxation.
3. Per-output coefficients of the assets. A heat pump's electricity and source heat per MWh
   delivered come from its COP (:func:`parkloop.energy.heat_pump.heat_pump` when no COP is
   given); its cost and emissions per MWh include the electricity's.

Examples
--------
>>> from parkloop.optimise.problem import CandidateLink, ParkProblem, Site
>>> problem = ParkProblem(
...     sites=(
...         Site("A", supply={"heat": 50.0}, supply_temperature_c={"heat": 60.0}),
...         Site("B", demand={"heat": 80.0}, demand_temperature_c={"heat": 70.0}),
...     ),
...     links=(CandidateLink("A-B", "A", "B", "heat", 100.0, -30.0, 0.2),),
...     dt_min_k=10.0,
... )
>>> prepared = prepare(problem)
>>> prepared.link_ids, [e.reason[:33] for e in prepared.excluded]
((), ['heat at 60 C is not dT_min = 10 K'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from parkloop.energy.heat_pump import heat_pump
from parkloop.optimise.problem import (
    NODE_KINDS,
    CandidateLink,
    ParkProblem,
    ProblemError,
    SharedAsset,
    Site,
    validate_problem,
)
from parkloop.reference.factors import matching_factors

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class ExcludedLink:
    """A candidate link left out of the model, and why."""

    id: str
    reason: str


@dataclass(frozen=True)
class HeatPumpRates:
    """Per MWh of heat delivered: electricity and low-grade heat used [MWh/MWh]."""

    cop: float
    electricity: float
    source_heat: float


@dataclass(frozen=True)
class Prepared:
    """The numeric form of a problem; arrays run over offered links or over assets.

    Group indices are -1 where a link has no such group (e.g. ``supply_group`` of a link that
    leaves an asset).
    """

    problem: ParkProblem
    links: tuple[CandidateLink, ...]
    link_upper: FloatArray
    link_fixed: FloatArray
    link_var_cost: FloatArray
    link_avoided: FloatArray
    supply_group: IntArray
    supply_keys: tuple[tuple[str, str], ...]
    supply_limit: FloatArray
    demand_group: IntArray
    demand_keys: tuple[tuple[str, str], ...]
    demand_limit: FloatArray
    assets: tuple[SharedAsset, ...]
    asset_cap_min: FloatArray
    asset_cap_max: FloatArray
    asset_capex: FloatArray
    asset_fixed: FloatArray
    asset_output_per_capacity: FloatArray
    asset_var_cost: FloatArray
    asset_co2e: FloatArray
    asset_input_per_output: FloatArray
    asset_electricity_per_output: FloatArray
    asset_cop: FloatArray
    asset_is_pipe: NDArray[np.bool_]
    out_asset: IntArray
    in_asset: IntArray
    via_asset: IntArray
    excluded: tuple[ExcludedLink, ...]
    dt_min_k: float

    @property
    def link_ids(self) -> tuple[str, ...]:
        """Ids of the offered links, in model order."""
        return tuple(link.id for link in self.links)

    @property
    def asset_ids(self) -> tuple[str, ...]:
        """Ids of the assets, in model order."""
        return tuple(asset.id for asset in self.assets)


def asset_output_upper(prepared: Prepared) -> FloatArray:
    """Zero output for an asset with nowhere to send it or nothing to feed it, else unbounded."""
    n = len(prepared.assets)
    has_out = np.zeros(n, dtype=bool)
    has_out[prepared.out_asset[prepared.out_asset >= 0]] = True
    has_out[prepared.via_asset[prepared.via_asset >= 0]] = True
    has_in = np.zeros(n, dtype=bool)
    has_in[prepared.in_asset[prepared.in_asset >= 0]] = True
    needs_in = prepared.asset_input_per_output > 0
    usable = has_out & (has_in | ~needs_in)
    return np.where(usable, np.inf, 0.0)


def heat_pump_rates(asset: SharedAsset) -> HeatPumpRates:
    """Electricity and source heat per MWh a heat pump asset delivers.

    Notes
    -----
    W = Q / COP and Q_source = Q - W per MWh delivered (first law). The COP is the asset's own
    when given, else the Carnot-fraction COP of :mod:`parkloop.energy.heat_pump` between the
    asset's source and sink temperatures.

    Examples
    --------
    >>> rates = heat_pump_rates(SharedAsset("HP", "heat_pump", "heat", 1.0, cop=4.0))
    >>> rates.electricity, rates.source_heat
    (0.25, 0.75)
    """
    if asset.cop is not None:
        return HeatPumpRates(asset.cop, 1.0 / asset.cop, 1.0 - 1.0 / asset.cop)
    assert asset.source_temperature_c is not None and asset.sink_temperature_c is not None
    try:
        result = heat_pump(1.0, asset.source_temperature_c, asset.sink_temperature_c)
    except ValueError as exc:
        raise ProblemError(f"asset {asset.id!r}", "sink_temperature_c", str(exc)) from None
    return HeatPumpRates(result.cop, result.electricity_mwh, result.source_heat_mwh)


def _heat_reason(
    link: CandidateLink, sites: dict[str, Site], pumps: dict[str, SharedAsset], dt_min_k: float
) -> str | None:
    """Why a heat link is thermally impossible, or None when it is possible."""
    source, sink = sites.get(link.from_id), sites.get(link.to_id)
    pump_out, pump_in = pumps.get(link.from_id), pumps.get(link.to_id)
    if source is not None:
        t_from = source.supply_temperature_c[link.resource]
    elif pump_out is not None and pump_out.sink_temperature_c is not None:
        t_from = pump_out.sink_temperature_c
    else:
        return None
    if sink is not None:
        t_to = sink.demand_temperature_c[link.resource]
        if source is not None and t_from < t_to + dt_min_k:
            return (
                f"heat at {t_from:g} C is not dT_min = {dt_min_k:g} K above the sink at "
                f"{t_to:g} C; route it through a heat_pump asset"
            )
        if source is None and t_from < t_to:
            return f"heat pump delivers at {t_from:g} C, below the sink at {t_to:g} C"
        return None
    pump_source = pump_in.source_temperature_c if pump_in is not None else None
    if pump_in is not None and pump_source is not None and t_from < pump_source:
        return (
            f"heat at {t_from:g} C is colder than the source temperature {pump_source:g} C of "
            f"heat pump {pump_in.id!r}"
        )
    return None


def _asset_arrays(assets: tuple[SharedAsset, ...]) -> dict[str, FloatArray]:
    """Per-asset coefficients; ``pipe`` is 1.0 for heat network links, ``cop`` NaN if no pump."""
    names = ("cap_min", "cap_max", "capex", "fixed", "k", "var", "co2e", "input", "elec", "pipe")
    out: dict[str, FloatArray] = {name: np.zeros(len(assets)) for name in names}
    out["cop"] = np.full(len(assets), np.nan)
    for i, asset in enumerate(assets):
        length = asset.length_km if asset.kind == "heat_network_link" else 1.0
        assert length is not None
        out["cap_min"][i] = asset.capacity_min
        out["cap_max"][i] = asset.capacity_max
        out["capex"][i] = asset.capex_annuity_eur_per_unit_yr * length
        out["fixed"][i] = asset.fixed_cost_eur_per_yr
        out["k"][i] = asset.output_per_capacity
        out["var"][i] = asset.variable_cost_eur_per_unit
        out["co2e"][i] = asset.co2e_t_per_unit
        out["pipe"][i] = 1.0 if asset.kind == "heat_network_link" else 0.0
        if asset.kind == "biogas_plant":
            assert asset.yield_per_input is not None
            out["input"][i] = 1.0 / asset.yield_per_input
        elif asset.kind == "heat_pump":
            rates = heat_pump_rates(asset)
            out["input"][i] = rates.source_heat
            out["elec"][i] = rates.electricity
            out["cop"][i] = rates.cop
            out["var"][i] += rates.electricity * asset.electricity_price_eur_per_mwh
            out["co2e"][i] += rates.electricity * asset.electricity_co2e_t_per_mwh
    return out


def _usable_capacity(
    arrays: dict[str, FloatArray],
    upper: FloatArray,
    out_asset: IntArray,
    in_asset: IntArray,
    via_asset: IntArray,
) -> FloatArray:
    """Largest capacity the links can use: min(capacity_max, reachable output / k), >= min.

    Capacity above what the asset's links can ever carry only adds cost, so this bound keeps
    every optimum while tightening ``c <= cmax x build`` in the relaxation.
    """
    n = len(arrays["k"])

    def reach_of(position: IntArray) -> FloatArray:
        used = position >= 0
        total = np.zeros(n)
        np.add.at(total, position[used], upper[used])
        return total

    out_reach = reach_of(out_asset) + reach_of(via_asset)
    in_reach = reach_of(in_asset)
    needs_input = arrays["input"] > 0
    reach = np.where(
        needs_input,
        np.minimum(out_reach, in_reach / np.where(needs_input, arrays["input"], 1.0)),
        out_reach,
    )
    usable = np.minimum(arrays["cap_max"], reach / arrays["k"])
    return np.maximum(usable, arrays["cap_min"])


def _groups(keys: list[tuple[str, str] | None]) -> tuple[IntArray, tuple[tuple[str, str], ...]]:
    """Integer group of each link (-1 for none) and the distinct keys in first-seen order."""
    order: dict[tuple[str, str], int] = {}
    group = np.full(len(keys), -1, dtype=np.int64)
    for i, key in enumerate(keys):
        if key is not None:
            group[i] = order.setdefault(key, len(order))
    return group, tuple(order)


def prepare(problem: ParkProblem) -> Prepared:
    """Validate ``problem`` and compute the arrays of its model (see the module notes)."""
    validate_problem(problem)
    dt_min = (
        problem.dt_min_k
        if problem.dt_min_k is not None
        else matching_factors()["heat_exchanger_min_approach"].value
    )
    sites = {s.id: s for s in problem.sites}
    pumps = {a.id: a for a in problem.assets if a.kind == "heat_pump"}
    offered: list[CandidateLink] = []
    excluded: list[ExcludedLink] = []
    for link in problem.links:
        reason = (
            _heat_reason(link, sites, pumps, dt_min)
            if link.resource in problem.heat_resources
            else None
        )
        if reason is None:
            offered.append(link)
        else:
            excluded.append(ExcludedLink(link.id, reason))
    assets = problem.assets
    arrays = _asset_arrays(assets)
    position = {a.id: i for i, a in enumerate(assets)}
    node_ids = {a.id for a in assets if a.kind in NODE_KINDS}
    max_output = arrays["k"] * arrays["cap_max"]

    supply_group, supply_keys = _groups(
        [(lk.from_id, lk.resource) if lk.from_id in sites else None for lk in offered]
    )
    demand_group, demand_keys = _groups(
        [(lk.to_id, lk.resource) if lk.to_id in sites else None for lk in offered]
    )
    out_asset = np.array(
        [position[lk.from_id] if lk.from_id in node_ids else -1 for lk in offered], dtype=np.int64
    )
    in_asset = np.array(
        [position[lk.to_id] if lk.to_id in node_ids else -1 for lk in offered], dtype=np.int64
    )
    via_asset = np.array(
        [position[lk.via] if lk.via is not None else -1 for lk in offered], dtype=np.int64
    )
    supply_limit = np.array([sites[s].supply[r] for s, r in supply_keys], dtype=float)
    demand_limit = np.array([sites[s].demand[r] for s, r in demand_keys], dtype=float)

    upper = np.array([lk.max_flow for lk in offered], dtype=float)
    has = supply_group >= 0
    upper[has] = np.minimum(upper[has], supply_limit[supply_group[has]])
    has = demand_group >= 0
    upper[has] = np.minimum(upper[has], demand_limit[demand_group[has]])
    has = out_asset >= 0
    upper[has] = np.minimum(upper[has], max_output[out_asset[has]])
    has = in_asset >= 0
    input_per_output = arrays["input"]
    upper[has] = np.minimum(upper[has], (max_output * input_per_output)[in_asset[has]])
    has = via_asset >= 0
    upper[has] = np.minimum(upper[has], max_output[via_asset[has]])
    cap_max = _usable_capacity(arrays, upper, out_asset, in_asset, via_asset)

    return Prepared(
        problem=problem,
        links=tuple(offered),
        link_upper=upper,
        link_fixed=np.array([lk.fixed_cost_eur_per_yr for lk in offered], dtype=float),
        link_var_cost=np.array([lk.variable_cost_eur_per_unit for lk in offered], dtype=float),
        link_avoided=np.array([lk.co2e_avoided_t_per_unit for lk in offered], dtype=float),
        supply_group=supply_group,
        supply_keys=supply_keys,
        supply_limit=supply_limit,
        demand_group=demand_group,
        demand_keys=demand_keys,
        demand_limit=demand_limit,
        assets=assets,
        asset_cap_min=arrays["cap_min"],
        asset_cap_max=cap_max,
        asset_capex=arrays["capex"],
        asset_fixed=arrays["fixed"],
        asset_output_per_capacity=arrays["k"],
        asset_var_cost=arrays["var"],
        asset_co2e=arrays["co2e"],
        asset_input_per_output=input_per_output,
        asset_electricity_per_output=arrays["elec"],
        asset_cop=arrays["cop"],
        asset_is_pipe=arrays["pipe"] > 0.5,
        out_asset=out_asset,
        in_asset=in_asset,
        via_asset=via_asset,
        excluded=tuple(excluded),
        dt_min_k=float(dt_min),
    )
