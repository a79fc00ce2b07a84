"""Results of a park optimisation as plain dataclasses, written back from solver values.

Both the linopy and the PuLP model hand their variable values to :func:`write_back`, which
rebuilds every total from the problem's own figures (not from the solver's objective), so the
two models are reported the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from parkloop.optimise.prepare import ExcludedLink, FloatArray, Prepared
from parkloop.optimise.problem import ParkProblem

BUILT = 0.5  # a binary above this value counts as 1
TINY = 1e-6  # flows, capacities and outputs below this are reported as 0


@dataclass(frozen=True)
class LinkResult:
    """A link with a build decision or a flow: flow [unit/yr], cost [EUR/yr], avoided CO2e [t/yr].

    Every link the solver built or gave a flow is listed, so a flow on a link that was not built
    would show (``built`` False, ``flow`` > 0) rather than disappear.
    """

    id: str
    from_id: str
    to_id: str
    resource: str
    built: bool
    flow: float
    cost_eur_per_yr: float
    co2e_avoided_t_per_yr: float
    length_km: float | None = None


@dataclass(frozen=True)
class AssetResult:
    """A shared asset built or used: capacity, output and input per year, cost and emissions."""

    id: str
    kind: str
    built: bool
    capacity: float
    capacity_unit: str
    output: float
    input: float
    electricity_mwh_per_yr: float
    cost_eur_per_yr: float
    co2e_t_per_yr: float
    cop: float | None = None


@dataclass(frozen=True)
class Solution:
    """What the solver found.

    ``status`` is ``'ok'`` or ``'warning'`` and ``termination`` the solver's condition
    (``'optimal'``, ``'infeasible'``, ``'time_limit'``...). Without a solution the totals are
    None and ``links``/``assets`` are empty. ``objective_eur_per_yr`` is
    ``total_cost_eur_per_yr + carbon price x total_co2e_t_per_yr``.
    """

    status: str
    termination: str
    objective_eur_per_yr: float | None
    total_cost_eur_per_yr: float | None
    total_co2e_t_per_yr: float | None
    links: tuple[LinkResult, ...]
    assets: tuple[AssetResult, ...]
    excluded: tuple[ExcludedLink, ...]
    mip_gap: float | None = None
    solve_time_s: float | None = None
    message: str = ""

    @property
    def has_solution(self) -> bool:
        """True when the totals, links and assets hold a feasible solution."""
        return self.total_cost_eur_per_yr is not None

    def flows(self) -> dict[str, float]:
        """Flow of every listed link by id [unit/yr]."""
        return {link.id: link.flow for link in self.links}


def no_solution(
    prepared: Prepared, status: str, termination: str, message: str, solve_time_s: float | None
) -> Solution:
    """A :class:`Solution` for a solve that found nothing (infeasible, error, time limit)."""
    return Solution(
        status=status,
        termination=termination,
        objective_eur_per_yr=None,
        total_cost_eur_per_yr=None,
        total_co2e_t_per_yr=None,
        links=(),
        assets=(),
        excluded=prepared.excluded,
        solve_time_s=solve_time_s,
        message=message,
    )


def write_back(
    prepared: Prepared,
    values: dict[str, FloatArray],
    *,
    status: str,
    termination: str,
    mip_gap: float | None = None,
    solve_time_s: float | None = None,
) -> Solution:
    """Build a :class:`Solution` from the solver's variable values.

    Parameters
    ----------
    prepared : Prepared
        The prepared problem the values belong to.
    values : dict
        ``flow``, ``build`` (per offered link), ``capacity``, ``asset_build``, ``output`` (per
        asset), in model order.
    """
    flow = np.where(values["flow"] > TINY, values["flow"], 0.0)
    # A build decision that costs nothing and carries nothing is the solver's free choice:
    # it is reported as not built (the totals do not change).
    build = (values["build"] > BUILT) & ((flow > 0) | (prepared.link_fixed > 0))
    link_cost = prepared.link_fixed * build + prepared.link_var_cost * flow
    link_avoided = prepared.link_avoided * flow
    links = tuple(
        LinkResult(
            id=link.id,
            from_id=link.from_id,
            to_id=link.to_id,
            resource=link.resource,
            built=bool(build[i]),
            flow=float(flow[i]),
            cost_eur_per_yr=float(link_cost[i]),
            co2e_avoided_t_per_yr=float(link_avoided[i]),
            length_km=link.length_km,
        )
        for i, link in enumerate(prepared.links)
        if build[i] or flow[i] > 0
    )
    capacity = np.where(values["capacity"] > TINY, values["capacity"], 0.0)
    output = np.where(values["output"] > TINY, values["output"], 0.0)
    asset_build = (values["asset_build"] > BUILT) & ((capacity > 0) | (prepared.asset_fixed > 0))
    asset_cost = (
        prepared.asset_fixed * asset_build
        + prepared.asset_capex * capacity
        + prepared.asset_var_cost * output
    )
    asset_co2e = prepared.asset_co2e * output
    assets = tuple(
        AssetResult(
            id=asset.id,
            kind=asset.kind,
            built=bool(asset_build[i]),
            capacity=float(capacity[i]),
            capacity_unit=asset.capacity_unit,
            output=float(output[i]),
            input=float(output[i] * prepared.asset_input_per_output[i]),
            electricity_mwh_per_yr=float(output[i] * prepared.asset_electricity_per_output[i]),
            cost_eur_per_yr=float(asset_cost[i]),
            co2e_t_per_yr=float(asset_co2e[i]),
            cop=None if np.isnan(prepared.asset_cop[i]) else float(prepared.asset_cop[i]),
        )
        for i, asset in enumerate(prepared.assets)
        if asset_build[i] or capacity[i] > 0 or output[i] > 0
    )
    problem = prepared.problem
    cost = float(link_cost.sum() + asset_cost.sum())
    co2e = float(problem.baseline_co2e_t_per_yr - link_avoided.sum() + asset_co2e.sum())
    return Solution(
        status=status,
        termination=termination,
        objective_eur_per_yr=cost + problem.carbon_price_eur_per_t * co2e,
        total_cost_eur_per_yr=cost,
        total_co2e_t_per_yr=co2e,
        links=links,
        assets=assets,
        excluded=prepared.excluded,
        mip_gap=mip_gap,
        solve_time_s=solve_time_s,
    )


@dataclass(frozen=True)
class BalanceCheck:
    """Limits recomputed from a solution's flows; ``violations`` is empty when all hold."""

    checked: int
    violations: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when every recomputed limit holds."""
        return not self.violations


def _over(total: float, limit: float, tolerance: float) -> bool:
    return total > limit + tolerance * max(1.0, abs(limit))


def check_balances(
    problem: ParkProblem,
    solution: Solution,
    *,
    groups: Mapping[str, tuple[Sequence[str], float]] | None = None,
    tolerance: float = 1e-6,
) -> BalanceCheck:
    """Recompute supplies, demands, link bounds and asset capacities from the flows.

    Independent of the model: only the problem's own figures and the flows, build decisions,
    capacities and outputs in ``solution`` are used.

    Parameters
    ----------
    problem : ParkProblem
        The problem the solution belongs to.
    solution : Solution
        A solution with flows (one without a solution is checked trivially).
    groups : mapping, optional
        Further limits: name -> (link ids, largest total flow [unit/yr]), e.g. a demand flow
        that several links serve.
    tolerance : float
        Relative slack allowed on each limit [-].

    Returns
    -------
    BalanceCheck
        How many limits were checked and a sentence for each one that does not hold.

    Examples
    --------
    >>> from parkloop.optimise.problem import CandidateLink, Site
    >>> problem = ParkProblem(
    ...     sites=(Site("A", supply={"ash": 50.0}), Site("B", demand={"ash": 80.0})),
    ...     links=(CandidateLink("A-B", "A", "B", "ash", 100.0, -1.0, 0.0),),
    ... )
    >>> flowing = LinkResult("A-B", "A", "B", "ash", True, 60.0, -60.0, 0.0)
    >>> solution = Solution("ok", "optimal", -60.0, -60.0, 0.0, (flowing,), (), ())
    >>> check_balances(problem, solution).violations
    ("supply of 'ash' at 'A': 60 > 50",)
    """
    problem_links = {link.id: link for link in problem.links}
    sites = {site.id: site for site in problem.sites}
    flows = {result.id: result for result in solution.links}
    out_of: dict[tuple[str, str], float] = defaultdict(float)
    into: dict[tuple[str, str], float] = defaultdict(float)
    through: dict[str, float] = defaultdict(float)
    problems: list[str] = []
    checked = 0
    for result in solution.links:
        link = problem_links.get(result.id)
        if link is None:
            problems.append(f"link {result.id!r} is not a candidate of the problem")
            continue
        checked += 3
        if result.flow < 0:
            problems.append(f"link {result.id!r}: negative flow {result.flow:g}")
        if _over(result.flow, link.max_flow, tolerance):
            problems.append(f"link {result.id!r}: flow {result.flow:g} > {link.max_flow:g}")
        if result.flow > TINY and not result.built:
            problems.append(f"link {result.id!r}: flow {result.flow:g} on a link not built")
        out_of[(link.from_id, link.resource)] += result.flow
        into[(link.to_id, link.resource)] += result.flow
        if link.via is not None:
            through[link.via] += result.flow
    for (node, resource), total in sorted(out_of.items()):
        if node in sites:
            checked += 1
            limit = sites[node].supply.get(resource, 0.0)
            if _over(total, limit, tolerance):
                problems.append(f"supply of {resource!r} at {node!r}: {total:g} > {limit:g}")
    for (node, resource), total in sorted(into.items()):
        if node in sites:
            checked += 1
            limit = sites[node].demand.get(resource, 0.0)
            if _over(total, limit, tolerance):
                problems.append(f"demand of {resource!r} at {node!r}: {total:g} > {limit:g}")
    assets = {result.id: result for result in solution.assets}
    for asset in problem.assets:
        found = assets.get(asset.id)
        capacity = found.capacity if found is not None else 0.0
        built = found is not None and found.built
        if asset.kind == "heat_network_link":
            output = through[asset.id]
        else:
            output = out_of[(asset.id, asset.output_resource)]
        checked += 2
        if _over(output, asset.output_per_capacity * capacity, tolerance):
            problems.append(f"asset {asset.id!r}: output {output:g} exceeds its capacity")
        if _over(capacity, asset.capacity_max if built else 0.0, tolerance):
            problems.append(f"asset {asset.id!r}: capacity {capacity:g} above its bound")
    for name, (members, limit) in sorted((groups or {}).items()):
        checked += 1
        total = sum(flows[m].flow for m in members if m in flows)
        if _over(total, limit, tolerance):
            problems.append(f"{name}: {total:g} > {limit:g}")
    return BalanceCheck(checked, tuple(problems))
