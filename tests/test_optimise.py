"""Park optimisation: hand-solved cases, independent balance checks, brute force, PuLP, Pareto.

The checks here do not trust the model: :func:`recheck` recomputes every balance, bound and
total from the problem's figures and the flows in the solution, and :func:`brute_force` finds
the optimum by enumerating every build decision and solving each remaining LP with SciPy, written
from the equations in docs/methods.md without the package's model code.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import math
import random
from collections import defaultdict

import numpy as np
import pytest
from scipy.optimize import linprog

from parkloop.energy.heat_pump import heat_pump
from parkloop.optimise import (
    CandidateLink,
    ParkProblem,
    ProblemError,
    SharedAsset,
    Site,
    Solution,
    build_model,
    pareto_front,
    solve,
)
from parkloop.optimise.pareto import pareto_svg
from parkloop.optimise.pulp_model import build_pulp_model, solve_pulp

REL = 1e-6
TOL = 1e-5  # absolute slack [unit/yr] for balances recomputed from solver values


def close(a: float, b: float, rel: float = REL) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


# --------------------------------------------------------------------- independent checks ---


def direct_heat_ok(problem: ParkProblem, link: CandidateLink, dt_min_k: float) -> bool:
    """Temperature rule recomputed here: direct site-to-site heat needs T_s >= T_d + dT_min."""
    sites = {s.id: s for s in problem.sites}
    pumps = {a.id: a for a in problem.assets if a.kind == "heat_pump"}
    if link.resource not in problem.heat_resources:
        return True
    if link.from_id in sites and link.to_id in sites:
        t_s = sites[link.from_id].supply_temperature_c[link.resource]
        t_d = sites[link.to_id].demand_temperature_c[link.resource]
        return t_s >= t_d + dt_min_k
    if link.from_id in sites and link.to_id in pumps:
        source = pumps[link.to_id].source_temperature_c
        assert source is not None
        return sites[link.from_id].supply_temperature_c[link.resource] >= source
    if link.from_id in pumps and link.to_id in sites:
        sink = pumps[link.from_id].sink_temperature_c
        assert sink is not None
        return sink >= sites[link.to_id].demand_temperature_c[link.resource]
    return True


def asset_rates(asset: SharedAsset) -> tuple[float, float, float]:
    """(input per output, running cost per output [EUR], CO2e per output [t]) from first law."""
    if asset.kind == "biogas_plant":
        assert asset.yield_per_input is not None
        return 1.0 / asset.yield_per_input, asset.variable_cost_eur_per_unit, asset.co2e_t_per_unit
    if asset.kind == "heat_pump":
        if asset.cop is not None:
            electricity = 1.0 / asset.cop
        else:
            assert asset.source_temperature_c is not None
            assert asset.sink_temperature_c is not None
            result = heat_pump(1.0, asset.source_temperature_c, asset.sink_temperature_c)
            electricity = result.electricity_mwh
        return (
            1.0 - electricity,
            asset.variable_cost_eur_per_unit + electricity * asset.electricity_price_eur_per_mwh,
            asset.co2e_t_per_unit + electricity * asset.electricity_co2e_t_per_mwh,
        )
    return 0.0, asset.variable_cost_eur_per_unit, asset.co2e_t_per_unit


def asset_capex(asset: SharedAsset) -> float:
    length = asset.length_km if asset.kind == "heat_network_link" else 1.0
    assert length is not None
    return asset.capex_annuity_eur_per_unit_yr * length


def recheck(problem: ParkProblem, solution: Solution, dt_min_k: float = 10.0) -> None:
    """Recompute balances, bounds and totals from the solution's flows and the problem."""
    assert solution.has_solution
    sites = {s.id: s for s in problem.sites}
    links = {link.id: link for link in problem.links}
    assets = {a.id: a for a in problem.assets}
    flows = {r.id: r.flow for r in solution.links}
    built = {r.id for r in solution.links if r.built}
    out_of: dict[tuple[str, str], float] = defaultdict(float)
    into: dict[tuple[str, str], float] = defaultdict(float)
    via: dict[str, float] = defaultdict(float)
    cost = 0.0
    co2e = problem.baseline_co2e_t_per_yr
    for lid, flow in flows.items():
        link = links[lid]
        assert flow >= 0
        assert flow <= link.max_flow * (lid in built) + TOL, f"{lid} flows without being built"
        if flow > TOL:
            assert direct_heat_ok(problem, link, dt_min_k), f"{lid} breaks the temperature rule"
        out_of[(link.from_id, link.resource)] += flow
        into[(link.to_id, link.resource)] += flow
        if link.via is not None:
            via[link.via] += flow
        cost += link.fixed_cost_eur_per_yr * (lid in built) + link.variable_cost_eur_per_unit * flow
        co2e -= link.co2e_avoided_t_per_unit * flow
    for (node, resource), total in out_of.items():
        if node in sites:
            assert total <= sites[node].supply[resource] + TOL, f"supply of {node} exceeded"
    for (node, resource), total in into.items():
        if node in sites:
            assert total <= sites[node].demand[resource] + TOL, f"demand of {node} exceeded"
    reported = {r.id: r for r in solution.assets}
    for aid, asset in assets.items():
        result = reported.get(aid)
        capacity = result.capacity if result else 0.0
        is_built = bool(result and result.built)
        if asset.kind == "heat_network_link":
            output = via[aid]
        else:
            output = out_of[(aid, asset.output_resource)]
        assert output <= asset.output_per_capacity * capacity + TOL * max(1.0, output)
        assert capacity <= asset.capacity_max * is_built + TOL
        if is_built:
            assert capacity >= asset.capacity_min - TOL
        rho, var, emit = asset_rates(asset)
        if asset.input_resource is not None and asset.kind != "heat_network_link":
            assert into[(aid, asset.input_resource)] == pytest.approx(rho * output, abs=1e-4)
        if result:
            assert result.output == pytest.approx(output, abs=1e-4)
        cost += asset.fixed_cost_eur_per_yr * is_built + asset_capex(asset) * capacity
        cost += var * output
        co2e += emit * output
    assert solution.total_cost_eur_per_yr is not None
    assert solution.total_co2e_t_per_yr is not None
    assert solution.total_cost_eur_per_yr == pytest.approx(cost, rel=1e-6, abs=1e-3)
    assert solution.total_co2e_t_per_yr == pytest.approx(co2e, rel=1e-6, abs=1e-6)


# ------------------------------------------------------------------------- brute force -------


def brute_force(
    problem: ParkProblem, dt_min_k: float = 10.0, *, co2e_cap: float | None = None
) -> float:
    """Minimum objective over every build decision, each LP solved by SciPy (HiGHS LP).

    With ``co2e_cap`` [t/yr] the park's emissions are bounded as in the epsilon-constraint.
    """
    sites = {s.id: s for s in problem.sites}
    links = [lk for lk in problem.links if direct_heat_ok(problem, lk, dt_min_k)]
    assets = list(problem.assets)
    n, m = len(links), len(assets)
    # variables: flows f_0..f_{n-1}, capacities c_0..c_{m-1}, outputs p_0..p_{m-1}
    size = n + 2 * m
    price = problem.carbon_price_eur_per_t
    if size == 0:
        return price * problem.baseline_co2e_t_per_yr
    base = np.zeros(size)
    for i, lk in enumerate(links):
        base[i] = lk.variable_cost_eur_per_unit - price * lk.co2e_avoided_t_per_unit
    for a, asset in enumerate(assets):
        _, var, emit = asset_rates(asset)
        base[n + a] = asset_capex(asset)
        base[n + m + a] = var + price * emit
    rows_ub: list[np.ndarray] = []
    rhs_ub: list[float] = []
    rows_eq: list[np.ndarray] = []
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, lk in enumerate(links):
        if lk.from_id in sites:
            groups[("supply", lk.from_id, lk.resource)].append(i)
        if lk.to_id in sites:
            groups[("demand", lk.to_id, lk.resource)].append(i)
    for (side, sid, resource), members in groups.items():
        row = np.zeros(size)
        row[members] = 1.0
        rows_ub.append(row)
        quantities = sites[sid].supply if side == "supply" else sites[sid].demand
        rhs_ub.append(quantities[resource])
    for a, asset in enumerate(assets):
        row = np.zeros(size)  # p_a - k_a c_a <= 0
        row[n + m + a] = 1.0
        row[n + a] = -asset.output_per_capacity
        rows_ub.append(row)
        rhs_ub.append(0.0)
        row = np.zeros(size)  # p_a = sum of flows out (or through the pipe)
        row[n + m + a] = 1.0
        for i, lk in enumerate(links):
            leaves = (
                lk.via == asset.id if asset.kind == "heat_network_link" else lk.from_id == asset.id
            )
            if leaves:
                row[i] -= 1.0
        rows_eq.append(row)
        rho, _, _ = asset_rates(asset)
        if asset.kind != "heat_network_link" and asset.input_resource is not None:
            row = np.zeros(size)  # sum of flows in = rho p_a
            for i, lk in enumerate(links):
                if lk.to_id == asset.id:
                    row[i] = 1.0
            row[n + m + a] = -rho
            rows_eq.append(row)
    if co2e_cap is not None:
        row = np.zeros(size)  # emissions change <= cap - baseline
        for i, lk in enumerate(links):
            row[i] = -lk.co2e_avoided_t_per_unit
        for a, asset in enumerate(assets):
            row[n + m + a] = asset_rates(asset)[2]
        rows_ub.append(row)
        rhs_ub.append(co2e_cap - problem.baseline_co2e_t_per_yr)
    a_ub = np.array(rows_ub) if rows_ub else None
    a_eq = np.array(rows_eq) if rows_eq else None
    best = math.inf
    for decision in itertools.product((0, 1), repeat=n + m):
        y, z = decision[:n], decision[n:]
        fixed = sum(lk.fixed_cost_eur_per_yr * y[i] for i, lk in enumerate(links))
        fixed += sum(asset.fixed_cost_eur_per_yr * z[a] for a, asset in enumerate(assets))
        bounds = [(0.0, lk.max_flow * y[i]) for i, lk in enumerate(links)]
        bounds += [
            (asset.capacity_min * z[a], asset.capacity_max * z[a]) for a, asset in enumerate(assets)
        ]
        bounds += [(0.0, None)] * m
        result = linprog(
            base,
            A_ub=a_ub,
            b_ub=np.array(rhs_ub) if rows_ub else None,
            A_eq=a_eq,
            b_eq=np.zeros(len(rows_eq)) if rows_eq else None,
            bounds=bounds,
            method="highs",
        )
        if result.status == 0:
            best = min(best, fixed + float(result.fun))
    return best + price * problem.baseline_co2e_t_per_yr


# ----------------------------------------------------------------- random small instances ---


def random_problem(seed: int, max_links: int = 6) -> ParkProblem:
    """A small random park: 2-4 sites, up to ``max_links`` links, up to 2 assets."""
    rng = random.Random(seed)
    sites = []
    for i in range(rng.randint(2, 4)):
        supply = {
            r: float(rng.randint(10, 200)) for r in ("ash", "residue", "heat") if rng.random() < 0.6
        }
        demand = {
            r: float(rng.randint(10, 200))
            for r in ("ash", "heat", "gas", "power")
            if rng.random() < 0.6
        }
        sites.append(
            Site(
                f"S{i}",
                supply=supply,
                demand=demand,
                supply_temperature_c={"heat": float(rng.randint(40, 120))}
                if "heat" in supply
                else {},
                demand_temperature_c={"heat": float(rng.randint(30, 90))}
                if "heat" in demand
                else {},
            )
        )
    pool = [
        SharedAsset(
            "BG",
            "biogas_plant",
            "gas",
            capacity_max=100.0,
            capacity_min=rng.choice([0.0, 20.0]),
            capex_annuity_eur_per_unit_yr=rng.uniform(1, 20),
            fixed_cost_eur_per_yr=rng.uniform(0, 500),
            output_per_capacity=1.5,
            input_resource="residue",
            yield_per_input=rng.uniform(0.4, 1.0),
            co2e_t_per_unit=0.01,
        ),
        SharedAsset(
            "PV",
            "shared_pv",
            "power",
            capacity_max=80.0,
            capex_annuity_eur_per_unit_yr=rng.uniform(10, 60),
            output_per_capacity=1.0,
        ),
        SharedAsset(
            "HP",
            "heat_pump",
            "heat",
            capacity_max=50.0,
            capex_annuity_eur_per_unit_yr=rng.uniform(5, 40),
            output_per_capacity=4.0,
            input_resource="heat",
            cop=rng.uniform(2.5, 5.0),
            source_temperature_c=35.0,
            sink_temperature_c=85.0,
            electricity_price_eur_per_mwh=80.0,
            electricity_co2e_t_per_mwh=0.1,
        ),
    ]
    assets = rng.sample(pool, rng.randint(0, 2))
    node_out = {a.id: a.output_resource for a in assets}
    node_in = {a.id: a.input_resource for a in assets if a.input_resource}
    pairs = [
        (a.id, b.id, r)
        for a in sites
        for b in sites
        if a is not b
        for r in a.supply
        if r in b.demand
    ]
    pairs += [(s.id, aid, r) for s in sites for aid, r in node_in.items() if r in s.supply]
    pairs += [(aid, s.id, r) for s in sites for aid, r in node_out.items() if r in s.demand]
    chosen = rng.sample(pairs, min(len(pairs), rng.randint(1, max_links)))
    links = [
        CandidateLink(
            f"L{k}",
            a,
            b,
            r,
            max_flow=float(rng.randint(20, 300)),
            variable_cost_eur_per_unit=round(rng.uniform(-40, 15), 2),
            co2e_avoided_t_per_unit=round(rng.uniform(-0.1, 0.6), 3),
            fixed_cost_eur_per_yr=float(rng.randint(0, 2500)),
        )
        for k, (a, b, r) in enumerate(chosen)
    ]
    heat_site_links = [lk for lk in links if lk.resource == "heat" and lk.from_id.startswith("S")]
    if heat_site_links and len(assets) < 2 and rng.random() < 0.7:
        lk = heat_site_links[0]
        pipe = SharedAsset(
            "P",
            "heat_network_link",
            "heat",
            capacity_max=60.0,
            from_id=lk.from_id,
            to_id=lk.to_id,
            length_km=rng.uniform(0.5, 3.0),
            capex_annuity_eur_per_unit_yr=rng.uniform(1, 10),
            fixed_cost_eur_per_yr=rng.uniform(0, 300),
            output_per_capacity=2.0,
        )
        assets.append(pipe)
        links[links.index(lk)] = dataclasses.replace(lk, via="P")
    return ParkProblem(
        tuple(sites),
        tuple(links),
        tuple(assets),
        carbon_price_eur_per_t=rng.choice([0.0, 50.0, 100.0]),
        dt_min_k=10.0,
        baseline_co2e_t_per_yr=rng.choice([0.0, 500.0]),
    )


# ----------------------------------------------------------------------------- the tests ----


def two_sites(fixed_cost: float, carbon_price: float = 50.0) -> ParkProblem:
    return ParkProblem(
        sites=(Site("A", supply={"ash": 100.0}), Site("B", demand={"ash": 80.0})),
        links=(CandidateLink("A-B", "A", "B", "ash", 150.0, -20.0, 0.1, fixed_cost),),
        carbon_price_eur_per_t=carbon_price,
    )


@pytest.mark.parametrize(("fixed_cost", "built"), [(1_999.0, True), (2_001.0, False)])
def test_a_link_is_built_iff_its_saving_beats_its_fixed_cost(
    fixed_cost: float, built: bool
) -> None:
    # Flow = min(max flow 150, supply 100, demand 80) = 80 t/yr. Saving per tonne = 20 EUR
    # (variable cost -20) + 50 EUR/t x 0.1 t CO2e/t = 25 EUR/t, so 80 t save 2,000 EUR/yr:
    # build iff fixed cost < 2,000 EUR/yr. Built: objective = F - 2,000; not built: 0.
    solution = solve(build_model(two_sites(fixed_cost)), mip_gap=0.0)
    assert solution.termination == "optimal"
    assert solution.objective_eur_per_yr is not None
    if built:
        assert [(r.id, r.built, r.flow) for r in solution.links] == [("A-B", True, 80.0)]
        assert solution.objective_eur_per_yr == pytest.approx(fixed_cost - 2_000.0)
        assert solution.total_co2e_t_per_yr == pytest.approx(-8.0)
    else:
        assert solution.links == ()
        assert solution.objective_eur_per_yr == pytest.approx(0.0, abs=1e-9)
    recheck(two_sites(fixed_cost), solution)


def test_results_are_plain_dataclasses() -> None:
    solution = solve(build_model(two_sites(100.0)), mip_gap=0.0)
    assert dataclasses.is_dataclass(solution)
    assert all(dataclasses.is_dataclass(r) for r in solution.links)
    assert solution.status == "ok"
    assert solution.flows() == {"A-B": 80.0}


def test_limits_hold_with_shared_supply_and_assets() -> None:
    # Two sinks compete for 100 t of one supply; a biogas plant with a minimum size.
    problem = ParkProblem(
        sites=(
            Site("A", supply={"ash": 100.0, "residue": 300.0}),
            Site("B", demand={"ash": 70.0, "gas": 500.0}),
            Site("C", demand={"ash": 70.0}),
        ),
        links=(
            CandidateLink("A-B", "A", "B", "ash", 100.0, -30.0, 0.0, 100.0),
            CandidateLink("A-C", "A", "C", "ash", 100.0, -25.0, 0.0, 100.0),
            CandidateLink("A-BG", "A", "BG", "residue", 300.0, 5.0, 0.2, 50.0),
            CandidateLink("BG-B", "BG", "B", "gas", 500.0, -40.0, 0.2, 50.0),
        ),
        assets=(
            SharedAsset(
                "BG",
                "biogas_plant",
                "gas",
                capacity_max=100.0,
                capacity_min=40.0,
                capex_annuity_eur_per_unit_yr=10.0,
                output_per_capacity=2.0,
                input_resource="residue",
                yield_per_input=0.5,
            ),
        ),
        carbon_price_eur_per_t=80.0,
    )
    solution = solve(build_model(problem), mip_gap=0.0)
    recheck(problem, solution)
    flows = solution.flows()
    assert flows["A-B"] == pytest.approx(70.0)
    assert flows["A-C"] == pytest.approx(30.0)
    # 300 t of residue at 0.5 MWh/t give 150 MWh of gas, within B's demand and the plant's
    # 200 MWh at full size; the plant is built at 150 / 2 = 75 kW.
    assert flows["BG-B"] == pytest.approx(150.0)
    (plant,) = solution.assets
    assert plant.capacity == pytest.approx(75.0)
    assert plant.input == pytest.approx(300.0)


@pytest.mark.parametrize("seed", range(24))
def test_brute_force_gives_the_same_optimum(seed: int) -> None:
    problem = random_problem(seed)
    solution = solve(build_model(problem), mip_gap=0.0)
    assert solution.termination == "optimal"
    assert solution.objective_eur_per_yr is not None
    recheck(problem, solution)
    assert close(solution.objective_eur_per_yr, brute_force(problem))


@pytest.mark.parametrize("seed", range(100, 108))
def test_brute_force_with_eight_links(seed: int) -> None:
    problem = random_problem(seed, max_links=8)
    solution = solve(build_model(problem), mip_gap=0.0)
    assert solution.objective_eur_per_yr is not None
    recheck(problem, solution)
    assert close(solution.objective_eur_per_yr, brute_force(problem))


@pytest.mark.parametrize("seed", range(200, 210))
def test_pulp_and_cbc_give_the_same_objective(seed: int) -> None:
    problem = random_problem(seed)
    ours = solve(build_model(problem), mip_gap=0.0)
    theirs = solve_pulp(build_pulp_model(problem), mip_gap=0.0)
    assert theirs.termination == "optimal"
    assert ours.objective_eur_per_yr is not None and theirs.objective_eur_per_yr is not None
    assert close(ours.objective_eur_per_yr, theirs.objective_eur_per_yr)
    recheck(problem, theirs)


def heat_problem() -> ParkProblem:
    """Heat at 60 C for a sink at 70 C: too cold for direct use, fine through a heat pump."""
    return ParkProblem(
        sites=(
            Site("A", supply={"heat": 1000.0}, supply_temperature_c={"heat": 60.0}),
            Site("B", demand={"heat": 600.0}, demand_temperature_c={"heat": 70.0}),
        ),
        links=(
            CandidateLink("A-B", "A", "B", "heat", 1000.0, -40.0, 0.2),
            CandidateLink("A-HP", "A", "HP", "heat", 1000.0, 0.0, 0.0, via="P"),
            CandidateLink("HP-B", "HP", "B", "heat", 1000.0, -40.0, 0.2),
        ),
        assets=(
            SharedAsset(
                "HP",
                "heat_pump",
                "heat",
                capacity_max=500.0,
                capex_annuity_eur_per_unit_yr=5.0,
                output_per_capacity=4.0,
                input_resource="heat",
                source_temperature_c=55.0,
                sink_temperature_c=75.0,
                electricity_price_eur_per_mwh=60.0,
                electricity_co2e_t_per_mwh=0.1,
            ),
            SharedAsset(
                "P",
                "heat_network_link",
                "heat",
                capacity_max=500.0,
                from_id="A",
                to_id="HP",
                length_km=2.0,
                capex_annuity_eur_per_unit_yr=1.0,
                output_per_capacity=4.0,
            ),
        ),
        dt_min_k=10.0,
        carbon_price_eur_per_t=50.0,
    )


def test_heat_goes_through_a_heat_pump_when_too_cold() -> None:
    problem = heat_problem()
    solution = solve(build_model(problem), mip_gap=0.0)
    assert [e.id for e in solution.excluded] == ["A-B"]
    assert "heat_pump" in solution.excluded[0].reason
    recheck(problem, solution)
    pump = next(a for a in solution.assets if a.id == "HP")
    expected = heat_pump(600.0, 55.0, 75.0, grid_kg_co2e_per_kwh=0.1)
    assert pump.output == pytest.approx(600.0)
    assert pump.cop == pytest.approx(expected.cop)
    assert pump.electricity_mwh_per_yr == pytest.approx(expected.electricity_mwh)
    assert pump.input == pytest.approx(expected.source_heat_mwh)
    assert expected.co2e_t is not None
    assert pump.co2e_t_per_yr == pytest.approx(expected.co2e_t)


def test_warm_enough_heat_is_exchanged_directly() -> None:
    # A sink at 50 C takes the 60 C heat directly (60 >= 50 + 10 K): no heat pump is built.
    base = heat_problem()
    sink = dataclasses.replace(base.sites[1], demand_temperature_c={"heat": 50.0})
    problem = dataclasses.replace(base, sites=(base.sites[0], sink))
    solution = solve(build_model(problem), mip_gap=0.0)
    assert solution.excluded == ()
    assert solution.flows()["A-B"] == pytest.approx(600.0)
    assert all(a.id != "HP" for a in solution.assets)
    recheck(problem, solution)
    # One kelvin less of approach than dT_min and the direct link is refused again.
    colder = dataclasses.replace(problem, dt_min_k=10.5)
    assert [e.id for e in solve(build_model(colder), mip_gap=0.0).excluded] == ["A-B"]


def test_the_pareto_front_is_monotone() -> None:
    problem = random_problem(3, max_links=8)
    front = pareto_front(problem, n_points=6, mip_gap=0.0)
    assert len(front.points) >= 2
    for before, after in itertools.pairwise(front.points):
        assert after.co2e_cap_t_per_yr is not None
        assert after.co2e_t_per_yr <= after.co2e_cap_t_per_yr + 1e-6
        assert after.cost_eur_per_yr >= before.cost_eur_per_yr - 1e-6
        assert after.co2e_t_per_yr <= before.co2e_t_per_yr + 1e-6
    for point in front.points:
        recheck(problem, point.solution)
    svg = front.svg()
    assert svg.startswith("<svg") and svg.count("<circle") == len(front.points)
    assert len(front.rows()) == len(front.points)
    assert pareto_svg(front.points) == svg
    if importlib.util.find_spec("plotly") is None:
        assert front.figure() is None


@pytest.mark.parametrize("seed", [3, 11, 105])
def test_pareto_points_match_brute_force_with_the_co2e_bound(seed: int) -> None:
    problem = dataclasses.replace(random_problem(seed, max_links=8), carbon_price_eur_per_t=0.0)
    front = pareto_front(problem, n_points=5, mip_gap=0.0)
    assert front.points[0].cost_eur_per_yr == pytest.approx(brute_force(problem), abs=1e-6)
    for point in front.points[1:]:
        assert point.co2e_cap_t_per_yr is not None
        expected = brute_force(problem, co2e_cap=point.co2e_cap_t_per_yr)
        assert close(point.cost_eur_per_yr, expected), (point.method, point.gap)


def test_the_plain_epsilon_constraint_gives_the_same_front() -> None:
    problem = random_problem(13, max_links=8)
    fast = pareto_front(problem, n_points=5, mip_gap=0.0)
    plain = pareto_front(problem, n_points=5, mip_gap=0.0, weights_per_point=0)
    assert {p.method for p in plain.points[1:]} == {"milp"}
    for a, b in zip(fast.points, plain.points, strict=True):
        assert close(a.cost_eur_per_yr, b.cost_eur_per_yr)


def test_a_solution_can_start_the_next_solve() -> None:
    problem = random_problem(105, max_links=8)
    park = build_model(problem)
    first = solve(park, mip_gap=0.0)
    again = solve(park, mip_gap=0.0, start=first)
    assert again.objective_eur_per_yr is not None and first.objective_eur_per_yr is not None
    assert close(again.objective_eur_per_yr, first.objective_eur_per_yr)
    recheck(problem, again)


def test_pareto_monotone_on_several_instances() -> None:
    for seed in (11, 12, 13, 14):
        front = pareto_front(random_problem(seed, max_links=8), n_points=5, mip_gap=0.0)
        costs = [p.cost_eur_per_yr for p in front.points]
        assert all(b >= a - 1e-6 for a, b in itertools.pairwise(costs))


def test_extra_constraints_can_forbid_a_link() -> None:
    problem = two_sites(100.0)

    def forbid(model, problem):  # type: ignore[no-untyped-def]
        model.add_constraints(model["Link-build"].sel(link="A-B") == 0, name="forbid-A-B")

    park = build_model(problem, extra_constraints=forbid)
    assert "forbid-A-B" in park.model.constraints
    solution = solve(park, mip_gap=0.0)
    assert solution.links == ()
    assert solution.objective_eur_per_yr == pytest.approx(0.0, abs=1e-9)


def test_an_unreachable_co2e_cap_is_reported_as_infeasible() -> None:
    # The best the link can do is -8 t CO2e/yr; a cap of -10 t/yr cannot be met.
    problem = dataclasses.replace(two_sites(100.0), co2e_cap_t_per_yr=-10.0)
    solution = solve(build_model(problem))
    assert solution.status == "warning"
    assert solution.termination == "infeasible"
    assert not solution.has_solution and solution.links == ()
    assert "co2e_cap_t_per_yr" in solution.message
    other = solve_pulp(build_pulp_model(problem))
    assert other.termination == "infeasible" and not other.has_solution
    assert pareto_front(problem, n_points=3).points == ()


def test_a_reachable_co2e_cap_forces_the_link() -> None:
    # Each tonne costs 5 EUR and avoids 0.1 t CO2e; without a carbon price nothing is built.
    # A cap of -4 t/yr forces 40 t/yr through the link and no more: 100 + 40 x 5 = 300 EUR/yr.
    base = two_sites(100.0, carbon_price=0.0)
    link = dataclasses.replace(base.links[0], variable_cost_eur_per_unit=5.0)
    assert solve(build_model(dataclasses.replace(base, links=(link,)))).links == ()
    problem = dataclasses.replace(base, links=(link,), co2e_cap_t_per_yr=-4.0)
    solution = solve(build_model(problem), mip_gap=0.0)
    assert solution.total_co2e_t_per_yr == pytest.approx(-4.0)
    assert solution.flows()["A-B"] == pytest.approx(40.0)
    assert solution.total_cost_eur_per_yr == pytest.approx(300.0)
    recheck(problem, solution)


def test_a_problem_without_links_solves_to_nothing() -> None:
    solution = solve(build_model(ParkProblem(sites=(Site("A"),), links=())))
    assert solution.termination == "optimal"
    assert solution.total_cost_eur_per_yr == 0.0


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda p: dataclasses.replace(p, links=(dataclasses.replace(p.links[0], to_id="Z"),)),
            "link 'A-B', field 'to_id'",
        ),
        (
            lambda p: dataclasses.replace(
                p, links=(dataclasses.replace(p.links[0], max_flow=-1.0),)
            ),
            "link 'A-B', field 'max_flow'",
        ),
        (
            lambda p: dataclasses.replace(
                p, links=(dataclasses.replace(p.links[0], resource="gas"),)
            ),
            "link 'A-B', field 'from_id'",
        ),
        (
            lambda p: dataclasses.replace(p, carbon_price_eur_per_t=-5.0),
            "problem, field 'carbon_price_eur_per_t'",
        ),
        (lambda p: dataclasses.replace(p, sites=(*p.sites, Site("A"))), "site 'A', field 'id'"),
    ],
)
def test_bad_input_names_the_object_and_field(change, where) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProblemError, match=where) as raised:
        build_model(change(two_sites(100.0)))
    assert isinstance(raised.value, ValueError)


def test_heat_links_need_temperatures() -> None:
    problem = ParkProblem(
        sites=(Site("A", supply={"heat": 10.0}), Site("B", demand={"heat": 10.0})),
        links=(CandidateLink("A-B", "A", "B", "heat", 10.0, -1.0, 0.0),),
    )
    with pytest.raises(ProblemError, match="supply_temperature_c"):
        build_model(problem)


def test_a_heat_pump_without_lift_is_refused() -> None:
    pump = dataclasses.replace(heat_problem().assets[0], source_temperature_c=90.0)
    problem = dataclasses.replace(heat_problem(), assets=(pump, heat_problem().assets[1]))
    with pytest.raises(ProblemError, match="asset 'HP', field 'sink_temperature_c'"):
        build_model(problem)
