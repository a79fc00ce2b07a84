"""The same park MILP written in PuLP and solved with CBC, to compare with linopy + HiGHS.

It reads the same :class:`~parkloop.optimise.prepare.Prepared` arrays and adds the same
constraints, so both models must reach the same optimum; the tests check this and
``benchmarks/optimise.py`` compares build and solve times. Use
:mod:`parkloop.optimise.model` for real work.

Examples
--------
>>> from parkloop.optimise.problem import CandidateLink, ParkProblem, Site
>>> problem = ParkProblem(
...     sites=(Site("A", supply={"steam": 100.0}), Site("B", demand={"steam": 80.0})),
...     links=(CandidateLink("A-B", "A", "B", "steam", 150.0, -20.0, 0.0, 500.0),),
... )
>>> solution = solve_pulp(build_pulp_model(problem), mip_gap=0.0)
>>> solution.termination, solution.total_cost_eur_per_yr
('optimal', -1100.0)

References
----------
PuLP, a linear and mixed-integer programming modeller for Python (COIN-OR).
https://coin-or.github.io/pulp/

CBC, the COIN-OR branch-and-cut MILP solver. https://github.com/coin-or/Cbc
"""

from __future__ import annotations

import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pulp  # type: ignore[import-untyped]
from pulp.apis import coin_api  # type: ignore[import-untyped]

from parkloop.optimise.prepare import FloatArray, IntArray, Prepared, asset_output_upper, prepare
from parkloop.optimise.problem import ParkProblem
from parkloop.optimise.results import Solution, no_solution, write_back

PulpExtraConstraints = Callable[["PulpParkModel", ParkProblem], None]
_STATUS = {
    "Optimal": ("ok", "optimal"),
    "Infeasible": ("warning", "infeasible"),
    "Unbounded": ("warning", "unbounded"),
    "Not Solved": ("warning", "not_solved"),
    "Undefined": ("warning", "undefined"),
}


@dataclass
class PulpParkModel:
    """A PuLP problem with its variables in model order (links, then assets)."""

    problem: Any
    prepared: Prepared
    flow: list[Any]
    build: list[Any]
    capacity: list[Any]
    asset_build: list[Any]
    output: list[Any]
    cost: Any
    co2e: Any


def _variables(lp: Any, prepared: Prepared) -> tuple[list[Any], ...]:
    upper = asset_output_upper(prepared)
    flow = [
        lp.add_variable(f"flow_{i}", lowBound=0.0, upBound=float(prepared.link_upper[i]))
        for i in range(len(prepared.links))
    ]
    build = [lp.add_variable(f"build_{i}", cat="Binary") for i in range(len(prepared.links))]
    capacity = [
        lp.add_variable(f"capacity_{a}", lowBound=0.0, upBound=float(prepared.asset_cap_max[a]))
        for a in range(len(prepared.assets))
    ]
    asset_build = [
        lp.add_variable(f"asset_build_{a}", cat="Binary") for a in range(len(prepared.assets))
    ]
    output = [
        lp.add_variable(
            f"output_{a}", lowBound=0.0, upBound=None if np.isinf(upper[a]) else float(upper[a])
        )
        for a in range(len(prepared.assets))
    ]
    return flow, build, capacity, asset_build, output


def _members(group: IntArray) -> dict[int, list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(group.tolist()):
        if g >= 0:
            members[g].append(i)
    return members


def _expr(pairs: list[tuple[Any, float]]) -> Any:
    return pulp.LpAffineExpression([(var, coef) for var, coef in pairs if coef != 0.0])


def _add_limits(lp: Any, flow: list[Any], group: IntArray, limit: FloatArray, name: str) -> None:
    for g, links in _members(group).items():
        lp += _expr([(flow[i], 1.0) for i in links]) <= float(limit[g]), f"{name}_{g}"


def _add_assets(model: PulpParkModel) -> None:
    lp, prepared = model.problem, model.prepared
    for a in range(len(prepared.assets)):
        cap, z, out = model.capacity[a], model.asset_build[a], model.output[a]
        lp += cap - float(prepared.asset_cap_max[a]) * z <= 0, f"capacity_upper_{a}"
        if prepared.asset_cap_min[a] > 0:
            lp += cap - float(prepared.asset_cap_min[a]) * z >= 0, f"capacity_lower_{a}"
        k = float(prepared.asset_output_per_capacity[a])
        lp += out - k * cap <= 0, f"output_upper_{a}"
    for position, name in (
        (prepared.out_asset, "output_balance"),
        (prepared.via_asset, "pipe_balance"),
    ):
        for a, links in _members(position).items():
            lhs = _expr([(model.output[a], 1.0)] + [(model.flow[i], -1.0) for i in links])
            lp += lhs == 0, f"{name}_{a}"
    for position, name in (
        (prepared.out_asset, "needs_source_asset"),
        (prepared.in_asset, "needs_sink_asset"),
        (prepared.via_asset, "needs_pipe"),
    ):
        for i in np.flatnonzero(position >= 0).tolist():
            lp += model.build[i] - model.asset_build[int(position[i])] <= 0, f"{name}_{i}"
    for a, links in _members(prepared.in_asset).items():
        rho = float(prepared.asset_input_per_output[a])
        lhs = _expr([(model.flow[i], 1.0) for i in links] + [(model.output[a], -rho)])
        lp += lhs == 0, f"input_balance_{a}"


def build_pulp_model(
    problem: ParkProblem, extra_constraints: PulpExtraConstraints | None = None
) -> PulpParkModel:
    """The model of :func:`parkloop.optimise.model.build_model`, written in PuLP.

    ``extra_constraints(model, problem)`` receives the :class:`PulpParkModel`.
    """
    prepared = prepare(problem)
    lp = pulp.LpProblem("park", pulp.LpMinimize)
    flow, build, capacity, asset_build, output = _variables(lp, prepared)
    n, m = len(flow), len(capacity)
    cost = _expr(
        [(build[i], float(prepared.link_fixed[i])) for i in range(n)]
        + [(flow[i], float(prepared.link_var_cost[i])) for i in range(n)]
        + [(asset_build[a], float(prepared.asset_fixed[a])) for a in range(m)]
        + [(capacity[a], float(prepared.asset_capex[a])) for a in range(m)]
        + [(output[a], float(prepared.asset_var_cost[a])) for a in range(m)]
    )
    co2e = _expr(
        [(flow[i], -float(prepared.link_avoided[i])) for i in range(n)]
        + [(output[a], float(prepared.asset_co2e[a])) for a in range(m)]
    )
    lp += cost + problem.carbon_price_eur_per_t * co2e
    for i in range(n):
        lp += flow[i] - float(prepared.link_upper[i]) * build[i] <= 0, f"link_flow_upper_{i}"
    _add_limits(lp, flow, prepared.supply_group, prepared.supply_limit, "supply_limit")
    _add_limits(lp, flow, prepared.demand_group, prepared.demand_limit, "demand_limit")
    model = PulpParkModel(lp, prepared, flow, build, capacity, asset_build, output, cost, co2e)
    _add_assets(model)
    if problem.co2e_cap_t_per_yr is not None:
        lp += co2e <= problem.co2e_cap_t_per_yr - problem.baseline_co2e_t_per_yr, "co2e_cap"
    if extra_constraints is not None:
        extra_constraints(model, problem)
    return model


def cbc_path() -> str:
    """The CBC executable: one on the PATH, else the build that PuLP ships."""
    found = shutil.which("cbc")
    if found is not None:
        return found
    return str(coin_api.COIN_CMD.executableExtension(coin_api.pulp_cbc_path))


def _value(var: Any) -> float:
    """A variable's value; 0 for one PuLP left out of the file (in no row, zero cost)."""
    value = var.value()
    return 0.0 if value is None else float(value)


def solve_pulp(
    model: PulpParkModel,
    mip_gap: float = 0.01,
    threads: int = 2,
    time_limit_s: float | None = None,
) -> Solution:
    """Solve with CBC (bundled with PuLP) and write the result back like the linopy model."""
    prepared = model.prepared
    if not model.flow and not model.capacity:
        empty = {k: np.zeros(0) for k in ("flow", "build", "capacity", "asset_build", "output")}
        return write_back(prepared, empty, status="ok", termination="optimal", solve_time_s=0.0)
    solver = pulp.COIN_CMD(
        path=cbc_path(), msg=False, gapRel=mip_gap, threads=threads, timeLimit=time_limit_s
    )
    start = time.perf_counter()
    model.problem.solve(solver)
    elapsed = time.perf_counter() - start
    status, termination = _STATUS.get(pulp.LpStatus[model.problem.status], ("warning", "unknown"))
    values = {
        "flow": np.array([_value(v) for v in model.flow]),
        "build": np.array([_value(v) for v in model.build]),
        "capacity": np.array([_value(v) for v in model.capacity]),
        "asset_build": np.array([_value(v) for v in model.asset_build]),
        "output": np.array([_value(v) for v in model.output]),
    }
    if status != "ok":
        message = f"CBC ended with {termination!r} and no usable solution"
        return no_solution(prepared, status, termination, message, elapsed)
    return write_back(
        prepared, values, status=status, termination=termination, solve_time_s=elapsed
    )
