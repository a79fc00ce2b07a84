"""Park optimisation speed: `.venv/bin/python benchmarks/optimise.py`. Prints figures only.

For 50, 500 and 5,000 companies with 10 candidate links per company (random, seeded) it times
building the linopy model and solving it with HiGHS to a 1 % relative gap on 2 threads; at the
smaller sizes it builds and solves the same model in PuLP with CBC; at 500 companies it times a
10-point cost/CO2e Pareto front.

The instances are SYNTHETIC. Companies sit in blocks of 50 that share one heat pump, one PV
plant and one biogas plant; each block's candidate links are drawn at random from the exchanges
its sites' supplies and demands allow (site to site, residues to the biogas plant, waste heat to
the heat pump, heat, biogas and PV power to the sites), and every heat link runs through its own
pipe (a heat_network_link asset). Which figures are sourced and which are made up:

Sourced (read from the shipped reference files at run time)
  - capex, fixed O&M and lifetime of the heat pump (``park_waste_heat_district_heating``: DEA 40
    excess-heat heat pump), the PV plant (``park_shared_pv``: DEA 22 utility-scale PV) and the
    biogas plant (``park_biogas_from_residues``: DEA 81), from
    ``reference/data/measures.yaml`` (PyPSA technology-data compilation of the Danish Energy
    Agency catalogues; price years 2015 and 2020 as stated there, not converted);
  - the heat pump's variable O&M of 1.7884 EUR/MWh, from the same entry's ``basis`` text;
  - the heat pump COP, from :mod:`parkloop.energy.heat_pump` (Carnot fraction and approach in
    ``matching_factors.yaml``);
  - emission factors from ``emission_factors.yaml`` through :mod:`parkloop.toolbox.emissions`:
    Danish grid electricity 2023 (EEA series), natural gas and biogas combustion (2006 IPCC).

Synthetic (no source; chosen only to give the solver a realistic mix of decisions)
  - quantities, temperatures, distances and the number of sites per block;
  - the discount rate (5 %), full-load hours (heat pump 4,000 h, PV 1,000 h, biogas 8,000 h),
    the biogas yield per tonne of residue;
  - prices of natural gas, electricity and the carbon price; pipe cost per kW and km;
  - the fixed and variable costs and avoided emissions of the material exchanges;
  - one MWh of delivered heat or biogas is taken to replace one MWh of natural gas (boiler
    losses ignored).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sys
import time
from dataclasses import dataclass, replace

from parkloop.optimise import (
    CandidateLink,
    ParkProblem,
    SharedAsset,
    Site,
    build_model,
    pareto_front,
    solve,
)
from parkloop.optimise.pulp_model import build_pulp_model, solve_pulp
from parkloop.reference.measures import Measure, default_registry
from parkloop.toolbox.emissions import carrier_factor, fuel_factor

BLOCK = 50
LINKS_PER_COMPANY = 10
MATERIALS = ("fly_ash", "wood_residue", "process_water", "plastic_scrap")
SUPPLIES = ("heat", "organic_residue", *MATERIALS)
DEMANDS = ("heat", "biogas", "electricity", *MATERIALS)

# Synthetic economic assumptions (no source; see the module docstring).
DISCOUNT_RATE = 0.05
HP_FULL_LOAD_H = 4000.0
PV_FULL_LOAD_H = 1000.0
BIOGAS_FULL_LOAD_H = 8000.0
BIOGAS_MWH_PER_T = 0.8
GAS_PRICE_EUR_PER_MWH = 40.0
ELECTRICITY_PRICE_EUR_PER_MWH = 100.0
CARBON_PRICE_EUR_PER_T = 80.0
PIPE_ANNUITY_EUR_PER_KW_KM = 40.0
HP_SOURCE_C, HP_SINK_C = 30.0, 80.0

# Sourced: ``basis`` of park_waste_heat_district_heating in measures.yaml (DEA 40).
HP_VOM_EUR_PER_MWH = 1.7884


@dataclass(frozen=True)
class Economics:
    """Annualised cost per kW [EUR/(kW yr)] of each shared asset, and emission factors."""

    heat_pump_eur_per_kw_yr: float
    pv_eur_per_kw_yr: float
    biogas_eur_per_kw_yr: float
    grid_t_per_mwh: float
    gas_t_per_mwh: float
    biogas_t_per_mwh: float


def capital_recovery_factor(rate: float, years: float) -> float:
    """CRF = r (1 + r)^n / ((1 + r)^n - 1) [1/yr]."""
    growth = (1.0 + rate) ** years
    return rate * growth / (growth - 1.0)


def annualised_eur_per_kw_yr(measure: Measure) -> float:
    """Capex x (CRF + fixed O&M share) of a catalogue measure [EUR/(kW yr)]."""
    assert measure.capex is not None and measure.capex.value is not None
    assert measure.opex is not None and measure.opex.value is not None
    assert measure.lifetime_years is not None and measure.lifetime_years.value is not None
    crf = capital_recovery_factor(DISCOUNT_RATE, measure.lifetime_years.value)
    return measure.capex.value * (crf + measure.opex.value / 100.0)


def economics() -> Economics:
    registry = default_registry()
    return Economics(
        heat_pump_eur_per_kw_yr=annualised_eur_per_kw_yr(
            registry.get("park_waste_heat_district_heating")
        ),
        pv_eur_per_kw_yr=annualised_eur_per_kw_yr(registry.get("park_shared_pv")),
        biogas_eur_per_kw_yr=annualised_eur_per_kw_yr(registry.get("park_biogas_from_residues")),
        grid_t_per_mwh=carrier_factor("electricity", "DK", 2023).t_co2e_per_mwh,
        gas_t_per_mwh=fuel_factor("natural_gas").t_co2e_per_mwh,
        biogas_t_per_mwh=fuel_factor("biogas").t_co2e_per_mwh,
    )


def _site(rng: random.Random, sid: str) -> Site:
    supplies = rng.sample(SUPPLIES, 2)
    demands = rng.sample([d for d in DEMANDS if d not in supplies], 2)
    supply = {r: round(rng.lognormvariate(7.5, 1.0), 1) for r in supplies}
    demand = {r: round(rng.lognormvariate(7.5, 1.0), 1) for r in demands}
    return Site(
        sid,
        supply=supply,
        demand=demand,
        supply_temperature_c={"heat": round(rng.uniform(35, 160))} if "heat" in supply else {},
        demand_temperature_c={"heat": round(rng.uniform(40, 120))} if "heat" in demand else {},
    )


def _block_assets(block: int, eco: Economics) -> list[SharedAsset]:
    return [
        SharedAsset(
            f"HP{block}",
            "heat_pump",
            "heat",
            capacity_max=20_000.0,
            capacity_min=500.0,
            capex_annuity_eur_per_unit_yr=eco.heat_pump_eur_per_kw_yr,
            output_per_capacity=HP_FULL_LOAD_H / 1000.0,
            input_resource="heat",
            source_temperature_c=HP_SOURCE_C,
            sink_temperature_c=HP_SINK_C,
            variable_cost_eur_per_unit=HP_VOM_EUR_PER_MWH,
            electricity_price_eur_per_mwh=ELECTRICITY_PRICE_EUR_PER_MWH,
            electricity_co2e_t_per_mwh=eco.grid_t_per_mwh,
        ),
        SharedAsset(
            f"PV{block}",
            "shared_pv",
            "electricity",
            capacity_max=10_000.0,
            capex_annuity_eur_per_unit_yr=eco.pv_eur_per_kw_yr,
            output_per_capacity=PV_FULL_LOAD_H / 1000.0,
        ),
        SharedAsset(
            f"BG{block}",
            "biogas_plant",
            "biogas",
            capacity_max=5_000.0,
            capacity_min=250.0,
            capex_annuity_eur_per_unit_yr=eco.biogas_eur_per_kw_yr,
            output_per_capacity=BIOGAS_FULL_LOAD_H / 1000.0,
            input_resource="organic_residue",
            yield_per_input=BIOGAS_MWH_PER_T,
        ),
    ]


def _pairs(sites: list[Site], block: int) -> list[tuple[str, str, str]]:
    """Every (from, to, resource) exchange the block's supplies and demands allow."""
    pairs: list[tuple[str, str, str]] = []
    for a in sites:
        for resource in a.supply:
            if resource == "organic_residue":
                pairs.append((a.id, f"BG{block}", resource))
            if resource == "heat" and a.supply_temperature_c["heat"] >= HP_SOURCE_C:
                pairs.append((a.id, f"HP{block}", resource))
            pairs.extend(
                (a.id, b.id, resource) for b in sites if b is not a and resource in b.demand
            )
        for resource, node in (("heat", "HP"), ("biogas", "BG"), ("electricity", "PV")):
            if resource in a.demand:
                pairs.append((f"{node}{block}", a.id, resource))
    return pairs


def _link(
    rng: random.Random, lid: str, pair: tuple[str, str, str], eco: Economics
) -> tuple[CandidateLink, SharedAsset | None]:
    source, sink, resource = pair
    km = round(rng.uniform(0.2, 5.0), 2)
    if resource == "heat":
        pipe = SharedAsset(
            f"P{lid}",
            "heat_network_link",
            "heat",
            capacity_max=20_000.0,
            from_id=source,
            to_id=sink,
            length_km=km,
            capex_annuity_eur_per_unit_yr=PIPE_ANNUITY_EUR_PER_KW_KM,
            fixed_cost_eur_per_yr=round(rng.uniform(2_000, 20_000)),
            output_per_capacity=HP_FULL_LOAD_H / 1000.0,
        )
        to_pump = sink.startswith("HP")
        cost = 0.0 if to_pump else -GAS_PRICE_EUR_PER_MWH
        avoided = 0.0 if to_pump else eco.gas_t_per_mwh
        link = CandidateLink(lid, source, sink, "heat", 1e6, cost, avoided, 0.0, km, pipe.id)
        return link, pipe
    link = CandidateLink(lid, source, sink, resource, 1e6, 0.0, 0.0, 0.0, km)
    if resource == "biogas":
        cost, avoided = -GAS_PRICE_EUR_PER_MWH, eco.gas_t_per_mwh - eco.biogas_t_per_mwh
        fixed = rng.uniform(1_000, 10_000)
    elif resource == "electricity":
        cost, avoided = -ELECTRICITY_PRICE_EUR_PER_MWH, eco.grid_t_per_mwh
        fixed = rng.uniform(1_000, 5_000)
    elif resource == "organic_residue":
        cost, avoided = round(rng.uniform(-20, 10), 2), round(rng.uniform(0.0, 0.3), 3)
        fixed = rng.uniform(500, 5_000)
    else:
        cost, avoided = round(rng.uniform(-40, 15), 2), round(rng.uniform(-0.05, 0.5), 3)
        fixed = rng.uniform(1_000, 30_000)
    return replace(
        link,
        variable_cost_eur_per_unit=cost,
        co2e_avoided_t_per_unit=avoided,
        fixed_cost_eur_per_yr=round(fixed),
    ), None


def make_instance(n_companies: int, seed: int = 7) -> ParkProblem:
    """A synthetic, seeded park with ``LINKS_PER_COMPANY`` candidate links per company."""
    rng = random.Random(seed)
    eco = economics()
    sites: list[Site] = []
    links: list[CandidateLink] = []
    assets: list[SharedAsset] = []
    for block in range((n_companies + BLOCK - 1) // BLOCK):
        size = min(BLOCK, n_companies - block * BLOCK)
        members = [_site(rng, f"S{block * BLOCK + i}") for i in range(size)]
        sites.extend(members)
        assets.extend(_block_assets(block, eco))
        pairs = _pairs(members, block)
        chosen = rng.sample(pairs, min(len(pairs), LINKS_PER_COMPANY * size))
        for pair in chosen:
            link, pipe = _link(rng, f"L{len(links)}", pair, eco)
            links.append(link)
            if pipe is not None:
                assets.append(pipe)
    return ParkProblem(
        tuple(sites), tuple(links), tuple(assets), carbon_price_eur_per_t=CARBON_PRICE_EUR_PER_T
    )


@dataclass(frozen=True)
class Timing:
    build_s: float
    solve_s: float
    objective: float | None
    termination: str
    gap: float | None


def run_linopy(problem: ParkProblem, time_limit_s: float | None) -> tuple[Timing, int, int]:
    start = time.perf_counter()
    park = build_model(problem)
    built = time.perf_counter()
    solution = solve(park, mip_gap=0.01, threads=2, time_limit_s=time_limit_s)
    done = time.perf_counter()
    binaries = len(park.prepared.links) + len(park.prepared.assets)
    timing = Timing(
        built - start,
        done - built,
        solution.objective_eur_per_yr,
        solution.termination,
        solution.mip_gap,
    )
    return timing, len(park.prepared.links), binaries


def run_pulp(problem: ParkProblem) -> Timing:
    start = time.perf_counter()
    model = build_pulp_model(problem)
    built = time.perf_counter()
    solution = solve_pulp(model, mip_gap=0.01, threads=2)
    done = time.perf_counter()
    return Timing(
        built - start, done - built, solution.objective_eur_per_yr, solution.termination, None
    )


def _fmt(value: float | None, spec: str) -> str:
    """``value`` formatted with ``spec``; a dash, aligned the same way, for None."""
    if value is None:
        match = re.match(r"[<>^]?\d*", spec)
        return format("-", match.group() if match else "")
    return format(value, spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500,5000", help="companies per instance")
    parser.add_argument("--pulp-sizes", default="50,500", help="sizes also run with PuLP + CBC")
    parser.add_argument("--pareto-size", type=int, default=500, help="0 to skip")
    parser.add_argument("--pareto-points", type=int, default=10)
    parser.add_argument(
        "--plain-pareto",
        action="store_true",
        help="solve every Pareto point as a MILP with the CO2e constraint (no weighted solves)",
    )
    parser.add_argument("--time-limit", type=float, default=600.0, help="per solve [s]")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    pulp_sizes = {int(s) for s in args.pulp_sizes.split(",") if s}

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python {sys.version.split()[0]}; HiGHS through linopy, 2 threads, 1 % gap")
    header = (
        f"{'companies':>9} {'links':>7} {'offered':>7} {'binaries':>8} {'build [s]':>9} "
        f"{'solve [s]':>9} {'gap':>7} {'objective [EUR/yr]':>19} {'status':>10}"
    )
    print(header)
    run_linopy(make_instance(10, seed=args.seed), args.time_limit)  # warm-up, not reported
    for n in sizes:
        problem = make_instance(n, seed=args.seed)
        timing, offered, binaries = run_linopy(problem, args.time_limit)
        print(
            f"{n:>9,} {len(problem.links):>7,} {offered:>7,} {binaries:>8,} "
            f"{timing.build_s:>9.2f} {timing.solve_s:>9.2f} {_fmt(timing.gap, '>7.2%')} "
            f"{_fmt(timing.objective, '>19,.0f')} {timing.termination:>10}"
        )
        if n in pulp_sizes:
            other = run_pulp(problem)
            print(
                f"{'':>9} PuLP + CBC: build {other.build_s:.2f} s, solve {other.solve_s:.2f} s, "
                f"objective {_fmt(other.objective, ',.0f')} EUR/yr ({other.termination})"
            )
    if args.pareto_size:
        problem = make_instance(args.pareto_size, seed=args.seed)
        start = time.perf_counter()
        front = pareto_front(
            problem,
            n_points=args.pareto_points,
            mip_gap=0.01,
            threads=2,
            time_limit_s=args.time_limit,
            weights_per_point=0 if args.plain_pareto else 4,
        )
        elapsed = time.perf_counter() - start
        print(
            f"Pareto front, {args.pareto_size} companies, {len(front.points)} points: "
            f"{elapsed:.1f} s in all, {front.solves} HiGHS solves"
        )
        print(
            f"{'CO2e cap [t/yr]':>16} {'CO2e [t/yr]':>12} {'cost [EUR/yr]':>14} {'links':>6} "
            f"{'assets':>6} {'gap':>7} {'method':>10}"
        )
        for p in front.points:
            print(
                f"{_fmt(p.co2e_cap_t_per_yr, '>16,.0f')} {p.co2e_t_per_yr:>12,.0f} "
                f"{p.cost_eur_per_yr:>14,.0f} {p.links_built:>6} {p.assets_built:>6} "
                f"{_fmt(p.gap, '>7.2%')} {p.method:>10}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
