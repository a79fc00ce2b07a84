"""parkloop's problem table against the PyPI package `pina` on the same random streams.

Run in an environment that has `pina` installed (it is not a parkloop dependency):
`PYTHONPATH=src python benchmarks/pinch_vs_pina.py`. Prints figures; asserts nothing but that both
give the same targets.
"""

from __future__ import annotations

import time

from benchmarks.pinch import streams
from parkloop.energy.pinch import problem_table


def main() -> int:
    from pina import PinchAnalyzer, make_stream

    for n in (100, 1_000):
        data = streams(n)
        start = time.perf_counter()
        ours = problem_table(data, 10.0)
        ours_s = time.perf_counter() - start
        start = time.perf_counter()
        analyzer = PinchAnalyzer(default_temp_shift=5.0)  # dT_min/2
        # pina: heat flow positive for hot streams, negative for cold ones
        analyzer.add_streams(
            *(make_stream(s.heat_kw if s.hot else -s.heat_kw, s.supply_c, s.target_c) for s in data)
        )
        theirs = (analyzer.hot_utility_target, analyzer.cold_utility_target)
        pina_s = time.perf_counter() - start
        same = abs(theirs[0] - ours.hot_utility_kw) < 1e-6 * max(1.0, ours.hot_utility_kw)
        print(
            f"{n:>6} streams: parkloop {ours_s * 1e3:8.1f} ms, pina {pina_s * 1e3:9.1f} ms, "
            f"ratio {pina_s / ours_s:7.0f}x; hot utility {ours.hot_utility_kw:,.1f} / "
            f"{theirs[0]:,.1f} kW ({'same' if same else 'DIFFERENT'})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
