"""Benchmarks: run with `make bench`. Prints figures with units; asserts nothing.

Measures, for synthetic park workbooks of growing size (CSV folders):
- reading and checking every cell (``read_workbook`` + ``validate_workbook``) [rows/s];
- a full import into a fresh SQLite database [rows/s, s];
- a full export back to CSV [rows/s].
"""

from __future__ import annotations

import csv
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from parkloop.io import read_workbook, validate_workbook
from parkloop.services import parks as park_service
from parkloop.services.database import Database

SIZES = (1_000, 10_000, 50_000)  # flows per workbook; one company per 10 flows


def make_workbook(folder: Path, n_flows: int, seed: int = 7) -> int:
    """Write a valid synthetic workbook; return its number of data rows."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    n_companies = max(1, n_flows // 10)
    with (folder / "companies.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "nace", "country", "lat", "lon"])
        for i in range(n_companies):
            nace = rng.choice(["35.11", "23.51", "10.51", "11.05", "17.11", "01.13", "37.00"])
            writer.writerow(
                [f"C{i}", f"Company {i}", nace, "SE", 55 + rng.random(), 13 + rng.random()]
            )
    with (folder / "flows.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "id",
                "company_id",
                "direction",
                "category",
                "name",
                "ewc",
                "quantity",
                "unit",
                "per",
                "temperature_c",
            ]
        )
        for i in range(n_flows):
            if rng.random() < 0.5:
                row = [
                    f"F{i}",
                    f"C{rng.randrange(n_companies)}",
                    "supply",
                    "material",
                    "fly ash",
                    "10 01 02",
                    round(rng.uniform(1, 1e4), 2),
                    "t",
                    "year",
                    "",
                ]
            else:
                row = [
                    f"F{i}",
                    f"C{rng.randrange(n_companies)}",
                    "supply",
                    "energy",
                    "waste heat",
                    "",
                    round(rng.uniform(1, 1e4), 2),
                    "MWh",
                    "month",
                    rng.randrange(30, 200),
                ]
            writer.writerow(row)
    return n_companies + n_flows


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(n_flows: int) -> tuple[int, float, float, float]:
    """Rows, check time [s], import time [s] and export time [s] for one workbook size."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rows = make_workbook(root / "wb", n_flows)
        check_s = timed(lambda: validate_workbook(read_workbook(root / "wb")))
        database = Database.from_url(f"sqlite:///{root / 'bench.sqlite3'}")
        database.migrate()
        import_s = timed(lambda: park_service.import_workbook(database, root / "wb", park="Bench"))
        export_s = timed(lambda: park_service.export_park(database, "Bench", root / "out"))
        database.dispose()
    return rows, check_s, import_s, export_s


def main() -> int:
    print(
        f"parkloop benchmarks · Python {sys.version.split()[0]} · {platform.machine()} · "
        f"{os.cpu_count()} cores"
    )
    print(
        f"{'flows':>8} {'rows':>8} {'check [rows/s]':>15} {'import [s]':>11} "
        f"{'import [rows/s]':>16} {'export [rows/s]':>16}"
    )
    for n in SIZES:
        rows, check_s, import_s, export_s = measure(n)
        print(
            f"{n:>8} {rows:>8} {rows / check_s:>15,.0f} {import_s:>11.2f} "
            f"{rows / import_s:>16,.0f} {rows / export_s:>16,.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
