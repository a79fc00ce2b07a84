"""The park-level MILP on linopy, solved with HiGHS.

The model is built by small ``define_*`` steps, each adding named variables or constraints, in
the manner of PyPSA; :func:`build_model` runs them in order and then an optional
``extra_constraints(model, problem)`` hook; :func:`solve` solves and writes the values back to
a :class:`~parkloop.optimise.results.Solution`. The equations are in ``docs/methods.md``.

Names. Variables ``Link-flow``, ``Link-build`` (per offered link), ``Asset-capacity``,
``Asset-build``, ``Asset-output`` (per asset). Constraints ``Link-flow-upper``,
``Site-supply-limit``, ``Site-demand-limit`` (per (site, resource) group, see
``Prepared.supply_keys`` and ``demand_keys``), ``Asset-capacity-upper``,
``Asset-capacity-lower``, ``Asset-output-upper``, ``Asset-output-balance``,
``Pipe-flow-balance``, ``Asset-input-balance``, ``Link-needs-source-asset``,
``Link-needs-sink-asset``, ``Link-needs-pipe`` and ``Park-co2e-cap``.

Examples
--------
Two sites and one link: building it costs 500 EUR/yr and each tonne saves 20 EUR, so 100 t
save 2,000 EUR and the link is built.

>>> from parkloop.optimise.problem import CandidateLink, ParkProblem, Site
>>> problem = ParkProblem(
...     sites=(Site("A", supply={"steam": 100.0}), Site("B", demand={"steam": 80.0})),
...     links=(CandidateLink("A-B", "A", "B", "steam", 150.0, -20.0, 0.0, 500.0),),
... )
>>> solution = solve(build_model(problem), mip_gap=0.0)
>>> solution.termination, solution.links[0].flow, solution.total_cost_eur_per_yr
('optimal', 80.0, -1100.0)

References
----------
Brown, T., Hörsch, J., Schlachtberger, D. (2018). PyPSA: Python for Power System Analysis.
Journal of Open Research Software 6(1), 4. https://doi.org/10.5334/jors.188

Hofmann, F., Tries, C., Neumann, F., Zeyen, E., Brown, T. (2023). linopy: Linear optimization
with n-dimensional labeled variables. Journal of Open Source Software 8(84), 4823.
https://doi.org/10.21105/joss.04823

Huangfu, Q., Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
Mathematical Programming Computation 10, 119-142. https://doi.org/10.1007/s12532-017-0130-5
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import linopy
import numpy as np
import xarray as xr

from parkloop.optimise.highs import highs_gap, run_highs, solution_values, start_values
from parkloop.optimise.prepare import FloatArray, IntArray, Prepared, asset_output_upper, prepare
from parkloop.optimise.problem import ParkProblem
from parkloop.optimise.results import Solution, no_solution, write_back

ExtraConstraints = Callable[[linopy.Model, ParkProblem], None]
LINK = "link"
ASSET = "asset"


@dataclass
class ParkModel:
    """A built model with the expressions the objective and the Pareto front need.

    ``cost`` is the annualised cost [EUR/yr]; ``co2e`` the change of the park's emissions
    [t CO2e/yr] (the baseline is a constant outside the model). Both are None when the problem
    has no link and no asset.
    """

    model: linopy.Model
    prepared: Prepared
    cost: linopy.LinearExpression | None
    co2e: linopy.LinearExpression | None


def _along(dim: str, labels: Any, values: Any) -> xr.DataArray:
    """A one-dimensional array of ``values`` labelled by ``labels`` along ``dim``."""
    return xr.DataArray(np.asarray(values), coords={dim: np.asarray(labels)}, dims=[dim])


def _per_link(prepared: Prepared, values: FloatArray) -> xr.DataArray:
    return _along(LINK, prepared.link_ids, values)


def _per_asset(prepared: Prepared, values: FloatArray) -> xr.DataArray:
    return _along(ASSET, prepared.asset_ids, values)


def define_variables(model: linopy.Model, prepared: Prepared) -> None:
    """Add ``Link-flow`` [unit/yr], ``Link-build``, ``Asset-capacity``, ``-build``, ``-output``."""
    if prepared.links:
        upper = _per_link(prepared, prepared.link_upper)
        model.add_variables(lower=0.0, upper=upper, coords=upper.coords, name="Link-flow")
        model.add_variables(coords=upper.coords, name="Link-build", binary=True)
    if prepared.assets:
        cap_max = _per_asset(prepared, prepared.asset_cap_max)
        out_max = _per_asset(prepared, asset_output_upper(prepared))
        coords = cap_max.coords
        model.add_variables(lower=0.0, upper=cap_max, coords=coords, name="Asset-capacity")
        model.add_variables(coords=coords, name="Asset-build", binary=True)
        model.add_variables(lower=0.0, upper=out_max, coords=coords, name="Asset-output")


def define_link_flow_upper(model: linopy.Model, prepared: Prepared) -> None:
    """``Link-flow-upper``: flow_l <= M_l x build_l, M_l the link's tight bound."""
    if not prepared.links:
        return
    flow, build = model.variables["Link-flow"], model.variables["Link-build"]
    model.add_constraints(
        flow - _per_link(prepared, prepared.link_upper) * build <= 0, name="Link-flow-upper"
    )


def define_link_asset_coupling(model: linopy.Model, prepared: Prepared) -> None:
    """A link to, from or through an asset is built only with the asset.

    ``Link-needs-source-asset``, ``Link-needs-sink-asset``, ``Link-needs-pipe``:
    build_l <= build_a for every link l leaving, entering or running through asset a. Implied
    for integer solutions (an unbuilt asset has no output), these make the relaxation much
    tighter, as the disaggregated constraints of facility location do.
    """
    if not prepared.links or not prepared.assets:
        return
    build = model.variables["Link-build"]
    asset_build = model.variables["Asset-build"]
    link_ids, asset_ids = np.asarray(prepared.link_ids), np.asarray(prepared.asset_ids)
    for position, name in (
        (prepared.out_asset, "Link-needs-source-asset"),
        (prepared.in_asset, "Link-needs-sink-asset"),
        (prepared.via_asset, "Link-needs-pipe"),
    ):
        members = np.flatnonzero(position >= 0)
        if not members.size:
            continue
        owner = _along(LINK, link_ids[members], asset_ids[position[members]])
        model.add_constraints(
            build.isel({LINK: members}) - asset_build.sel({ASSET: owner}) <= 0, name=name
        )


def _grouped_flow(
    model: linopy.Model, prepared: Prepared, group: IntArray, dim: str
) -> linopy.LinearExpression:
    """Sum of ``Link-flow`` over the links of each group (links with group -1 left out)."""
    members = np.flatnonzero(group >= 0)
    flow = model.variables["Link-flow"].isel({LINK: members})
    key = _along(LINK, np.asarray(prepared.link_ids)[members], group[members]).rename(dim)
    grouped: linopy.LinearExpression = flow.groupby(key).sum()
    return grouped


def _labels(expression: linopy.LinearExpression, dim: str) -> Any:
    """The coordinate labels of ``expression`` along ``dim``, in its own order."""
    return np.asarray(expression.coords[dim].values)


def _limit(lhs: linopy.LinearExpression, values: FloatArray, dim: str) -> xr.DataArray:
    """The limit of each group, labelled and ordered exactly like ``lhs``."""
    groups = _labels(lhs, dim).astype(np.int64)
    return _along(dim, groups, values[groups])


def define_supply_limits(model: linopy.Model, prepared: Prepared) -> None:
    """``Site-supply-limit``: sum of the flows leaving a site in a resource <= its supply."""
    if not (prepared.supply_group >= 0).any():
        return
    dim = "supply_group"
    lhs = _grouped_flow(model, prepared, prepared.supply_group, dim)
    rhs = _limit(lhs, prepared.supply_limit, dim)
    model.add_constraints(lhs <= rhs, name="Site-supply-limit")


def define_demand_limits(model: linopy.Model, prepared: Prepared) -> None:
    """``Site-demand-limit``: sum of the flows reaching a site in a resource <= its demand."""
    if not (prepared.demand_group >= 0).any():
        return
    dim = "demand_group"
    lhs = _grouped_flow(model, prepared, prepared.demand_group, dim)
    rhs = _limit(lhs, prepared.demand_limit, dim)
    model.add_constraints(lhs <= rhs, name="Site-demand-limit")


def define_asset_capacity(model: linopy.Model, prepared: Prepared) -> None:
    """Capacity only if built, within its bounds, and output within capacity.

    ``Asset-capacity-upper``: c_a <= cmax_a z_a; ``Asset-capacity-lower``: c_a >= cmin_a z_a
    (assets with cmin_a > 0); ``Asset-output-upper``: p_a <= k_a c_a.
    """
    if not prepared.assets:
        return
    capacity = model.variables["Asset-capacity"]
    build = model.variables["Asset-build"]
    output = model.variables["Asset-output"]
    cap_max = _per_asset(prepared, prepared.asset_cap_max)
    model.add_constraints(capacity - cap_max * build <= 0, name="Asset-capacity-upper")
    with_min = np.flatnonzero(prepared.asset_cap_min > 0)
    if with_min.size:
        cap_min = _per_asset(prepared, prepared.asset_cap_min).isel({ASSET: with_min})
        model.add_constraints(
            capacity.isel({ASSET: with_min}) - cap_min * build.isel({ASSET: with_min}) >= 0,
            name="Asset-capacity-lower",
        )
    k = _per_asset(prepared, prepared.asset_output_per_capacity)
    model.add_constraints(output - k * capacity <= 0, name="Asset-output-upper")


def _asset_flow_sum(
    model: linopy.Model, prepared: Prepared, position: IntArray
) -> tuple[linopy.LinearExpression, Any] | None:
    """Flows summed per asset (``position``: each link's asset or -1), and the asset ids.

    The ids are read from the grouped expression, so both sides of a balance are aligned by
    label, never by position.
    """
    members = np.flatnonzero(position >= 0)
    if not members.size:
        return None
    asset_ids = np.asarray(prepared.asset_ids)
    flow = model.variables["Link-flow"].isel({LINK: members})
    links = np.asarray(prepared.link_ids)[members]
    key = _along(LINK, links, asset_ids[position[members]]).rename(ASSET)
    grouped: linopy.LinearExpression = flow.groupby(key).sum()
    return grouped, _labels(grouped, ASSET)


def define_asset_balances(model: linopy.Model, prepared: Prepared) -> None:
    """What assets deliver leaves on links; what they consume arrives on links.

    ``Asset-output-balance``: p_a = sum of the flows leaving node asset a;
    ``Pipe-flow-balance``: p_a = sum of the flows through pipe a;
    ``Asset-input-balance``: sum of the flows into a = rho_a p_a (rho_a input per output).
    """
    if not prepared.assets or not prepared.links:
        return
    output = model.variables["Asset-output"]
    for position, name in (
        (prepared.out_asset, "Asset-output-balance"),
        (prepared.via_asset, "Pipe-flow-balance"),
    ):
        found = _asset_flow_sum(model, prepared, position)
        if found is not None:
            total, used = found
            model.add_constraints(output.sel({ASSET: used}) - total == 0, name=name)
    found = _asset_flow_sum(model, prepared, prepared.in_asset)
    if found is not None:
        total, used = found
        rho = _per_asset(prepared, prepared.asset_input_per_output).sel({ASSET: used})
        model.add_constraints(
            total - rho * output.sel({ASSET: used}) == 0, name="Asset-input-balance"
        )


def _total(terms: list[linopy.LinearExpression]) -> linopy.LinearExpression | None:
    if not terms:
        return None
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def cost_expression(model: linopy.Model, prepared: Prepared) -> linopy.LinearExpression | None:
    """Annualised cost [EUR/yr]: fixed and variable link costs, asset fixed, capex and running."""
    terms: list[linopy.LinearExpression] = []
    if prepared.links:
        terms.append((_per_link(prepared, prepared.link_fixed) * model["Link-build"]).sum())
        terms.append((_per_link(prepared, prepared.link_var_cost) * model["Link-flow"]).sum())
    if prepared.assets:
        terms.append((_per_asset(prepared, prepared.asset_fixed) * model["Asset-build"]).sum())
        terms.append((_per_asset(prepared, prepared.asset_capex) * model["Asset-capacity"]).sum())
        terms.append((_per_asset(prepared, prepared.asset_var_cost) * model["Asset-output"]).sum())
    return _total(terms)


def co2e_expression(model: linopy.Model, prepared: Prepared) -> linopy.LinearExpression | None:
    """Change of the park's emissions [t CO2e/yr]: asset emissions minus what links avoid."""
    terms: list[linopy.LinearExpression] = []
    if prepared.links:
        terms.append((_per_link(prepared, -prepared.link_avoided) * model["Link-flow"]).sum())
    if prepared.assets:
        terms.append((_per_asset(prepared, prepared.asset_co2e) * model["Asset-output"]).sum())
    return _total(terms)


def define_co2e_cap(park: ParkModel, cap_t_per_yr: float) -> None:
    """``Park-co2e-cap``: baseline + co2e change <= cap [t CO2e/yr]; updates it if present."""
    if park.co2e is None:
        return
    rhs = cap_t_per_yr - park.prepared.problem.baseline_co2e_t_per_yr
    if "Park-co2e-cap" in park.model.constraints:
        park.model.constraints["Park-co2e-cap"].update(rhs=rhs)
    else:
        park.model.add_constraints(park.co2e <= rhs, name="Park-co2e-cap")


def define_objective(park: ParkModel) -> None:
    """Minimise annualised cost + carbon price x emissions change [EUR/yr]."""
    if park.cost is None or park.co2e is None:
        return
    price = park.prepared.problem.carbon_price_eur_per_t
    park.model.objective = park.cost + price * park.co2e if price else park.cost


def build_model(
    problem: ParkProblem, extra_constraints: ExtraConstraints | None = None
) -> ParkModel:
    """Validate and prepare ``problem``, run the ``define_*`` steps, then the hook.

    Parameters
    ----------
    problem : ParkProblem
    extra_constraints : callable, optional
        ``extra_constraints(model, problem)`` adds the caller's own variables or constraints
        to the linopy model after the built-in ones, e.g. to forbid a link:
        ``model.add_constraints(model["Link-build"].sel(link="L3") == 0, name="no-L3")``.
    """
    prepared = prepare(problem)
    model = linopy.Model()
    define_variables(model, prepared)
    define_link_flow_upper(model, prepared)
    define_supply_limits(model, prepared)
    define_demand_limits(model, prepared)
    define_asset_capacity(model, prepared)
    define_asset_balances(model, prepared)
    define_link_asset_coupling(model, prepared)
    park = ParkModel(
        model, prepared, cost_expression(model, prepared), co2e_expression(model, prepared)
    )
    define_objective(park)
    if problem.co2e_cap_t_per_yr is not None:
        define_co2e_cap(park, problem.co2e_cap_t_per_yr)
    if extra_constraints is not None:
        extra_constraints(model, problem)
    return park


def solve(
    park: ParkModel,
    mip_gap: float = 0.01,
    threads: int = 2,
    time_limit_s: float | None = None,
    start: Solution | None = None,
) -> Solution:
    """Solve with HiGHS and write the result back.

    Parameters
    ----------
    park : ParkModel
        From :func:`build_model`.
    mip_gap : float
        Relative MIP gap at which HiGHS stops [-].
    threads : int
        Threads HiGHS may use.
    time_limit_s : float, optional
        Wall-clock limit of the solver [s]; the best solution found so far is returned.
    start : Solution, optional
        A solution of the same model to start from (a MIP start); HiGHS repairs or drops it if
        it is not feasible.

    Returns
    -------
    Solution
        ``status``/``termination`` as linopy reports them; no totals when there is no solution
        (e.g. ``termination == 'infeasible'``), with a message saying what to check.
    """
    prepared = park.prepared
    if park.cost is None:
        empty = {k: np.zeros(0) for k in ("flow", "build", "capacity", "asset_build", "output")}
        return write_back(prepared, empty, status="ok", termination="optimal", solve_time_s=0.0)
    options: dict[str, Any] = {"mip_rel_gap": mip_gap, "threads": threads, "output_flag": False}
    if time_limit_s is not None:
        options["time_limit"] = float(time_limit_s)
    begin = time.perf_counter()
    initial = None if start is None else start_values(prepared, start)
    status, termination = run_highs(park.model, options, initial)
    elapsed = time.perf_counter() - begin
    values = solution_values(park.model, prepared)
    if values is None:
        message = (
            f"HiGHS ended with {termination!r} and no solution: no choice of links and assets "
            "meets every constraint; check co2e_cap_t_per_yr, the assets' capacity_min and "
            "any extra constraints"
        )
        return no_solution(prepared, status, termination, message, elapsed)
    return write_back(
        prepared,
        values,
        status=status,
        termination=termination,
        mip_gap=highs_gap(park.model),
        solve_time_s=elapsed,
    )
