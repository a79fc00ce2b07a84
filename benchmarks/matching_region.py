"""Region-scale matching benchmark: run with `make bench-matching`. Prints figures with units.

Synthetic region: companies spread uniformly over the Baltic Sea region (lat 53.5-66 N,
lon 9-30 E), sectors drawn from those typical of industrial parks, one supply and one demand
per company on average, resource names drawn from a list in the region's languages. Measures the
batch (top-10 within 50 km for every supply flow) at growing size, peak memory, and the latency of
ranking one new flow against the whole region with the indexes warm.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from dataclasses import replace

import numpy as np

from parkloop.domain.models import Company, Direction, Flow
from parkloop.matching.engine import Matcher, MatchOptions
from parkloop.matching.evaluate import DISTRACTOR_SECTORS as SECTORS
from parkloop.units import Category

RESOURCES = (
    ("Fly ash", Category.MATERIAL, "10 01 02", "t", None),
    ("Flygaska", Category.MATERIAL, None, "t", None),
    ("Bottom ash", Category.MATERIAL, "10 01 01", "t", None),
    ("FGD gypsum", Category.MATERIAL, "10 01 05", "t", None),
    ("Sawdust", Category.MATERIAL, "03 01 05", "t", None),
    ("Sahanpuru", Category.MATERIAL, None, "t", None),
    ("Spent grain", Category.MATERIAL, "02 07 99", "t", None),
    ("Sewage sludge", Category.MATERIAL, "19 08 05", "t", None),
    ("Waste heat", Category.ENERGY, None, "MWh", 45.0),
    ("Abwärme", Category.ENERGY, None, "MWh", 80.0),
    ("Overskudsvarme", Category.ENERGY, None, "MWh", 35.0),
    ("Steam", Category.ENERGY, None, "MWh", 180.0),
    ("CO2", Category.MATERIAL, None, "t", None),
    ("Ciepło odpadowe", Category.ENERGY, None, "MWh", 55.0),
    ("Process water", Category.WATER, None, "m3", None),
    ("Plastic scrap", Category.MATERIAL, "12 01 05", "t", None),
)


def region(n_flows: int, seed: int = 1) -> tuple[list[Company], list[Flow]]:
    rng = random.Random(seed)
    n_companies = max(10, n_flows // 10)
    companies = [
        Company(
            f"C{i}",
            f"Company {i}",
            rng.choice(SECTORS),
            "SE",
            rng.uniform(53.5, 66.0),
            rng.uniform(9.0, 30.0),
        )
        for i in range(n_companies)
    ]
    flows = []
    for i in range(n_flows):
        name, category, ewc, unit, temperature = rng.choice(RESOURCES)
        flows.append(
            Flow(
                f"F{i}",
                f"C{rng.randrange(n_companies)}",
                Direction.SUPPLY if i % 2 == 0 else Direction.DEMAND,
                category,
                name,
                ewc=ewc,
                quantity=round(rng.uniform(10, 10_000), 1),
                unit=unit,
                temperature_c=temperature,
            )
        )
    return companies, flows


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="flow counts, comma-separated")
    args = parser.parse_args()
    matcher = Matcher()
    options = MatchOptions(top_k=10, radius_km=50.0)
    print(f"region matching benchmark · Python {sys.version.split()[0]} · top-10 within 50 km")
    print(
        f"{'flows':>9} {'companies':>10} {'supplies':>9} {'batch [s]':>10} "
        f"{'[us/supply]':>12} {'pairs/supply':>13} {'peak RSS [MB]':>14}"
    )
    for n in (int(x) for x in args.sizes.split(",")):
        companies, flows = region(n)
        start = time.perf_counter()
        results = matcher.match(companies, flows, options)
        seconds = time.perf_counter() - start
        pairs = np.mean([len(r.candidates) for r in results]) if results else 0.0
        print(
            f"{n:>9} {len(companies):>10} {len(results):>9} {seconds:>10.1f} "
            f"{seconds / max(len(results), 1) * 1e6:>12.0f} {pairs:>13.1f} "
            f"{peak_rss_mb():>14.0f}"
        )
    # Interactive: one new flow against the last region, indexes warm.
    new = Flow(
        "NEW",
        companies[0].id,
        Direction.SUPPLY,
        Category.MATERIAL,
        "Fly ash",
        ewc="10 01 02",
        quantity=500.0,
        unit="t",
    )
    prepared = matcher.prepare(companies, flows)
    rng = random.Random(3)
    latencies = []
    for i in range(200):
        flow = replace(
            new, id=f"NEW{i}", company_id=rng.choice(companies).id, name=rng.choice(RESOURCES)[0]
        )
        start = time.perf_counter()
        matcher.rank_flow(prepared, flow, options)
        latencies.append(time.perf_counter() - start)
    print(
        f"one new flow against {len(flows)} flows, indexes warm: "
        f"p50 {np.percentile(latencies, 50) * 1e3:.1f} ms, "
        f"p95 {np.percentile(latencies, 95) * 1e3:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
