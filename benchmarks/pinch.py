"""Pinch analysis speed: run with `make bench`. Prints figures with units; asserts nothing.

Random streams (supply and target 0-400 C, CP 0.1-50 kW/K, half hot, half cold), dT_min 10 K.
"""

from __future__ import annotations

import random
import time

from parkloop.energy.pinch import Stream, problem_table


def streams(n: int, seed: int = 11) -> list[Stream]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        a, b = rng.uniform(0, 400), rng.uniform(0, 400)
        if abs(a - b) > 1e-6:
            out.append(Stream(f"S{len(out)}", a, b, rng.uniform(0.1, 50)))
    return out


def main() -> int:
    print(f"{'streams':>9} {'problem table [ms]':>19} {'hot utility [MW]':>17}")
    for n in (1_000, 10_000, 100_000):
        data = streams(n)
        start = time.perf_counter()
        result = problem_table(data, 10.0)
        elapsed = time.perf_counter() - start
        print(f"{n:>9} {elapsed * 1e3:>19.1f} {result.hot_utility_kw / 1e3:>17,.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
