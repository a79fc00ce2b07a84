"""Writing a park workbook: a folder of CSV files, one XLSX, or JSON.

Values are written in the canonical form the reader accepts (NACE ``23.51``, List of Waste
``10 01 05`` with ``*`` on hazardous entries, ISO dates, shortest round-trip decimals), so that
reading an exported workbook gives the same data back.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Any

from parkloop.domain.models import ParkWorkbook
from parkloop.io.schema import (
    COMPANIES,
    END_USE_SHARES,
    ENERGY,
    ENERGY_PRICES,
    FLOWS,
    FREIGHT,
    PARK,
    PROCESS_EMISSIONS,
    STREAMS,
    WASTE,
    SheetSpec,
)


class WorkbookFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"

    @classmethod
    def for_path(cls, path: Path) -> WorkbookFormat:
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            return cls.XLSX
        if suffix == ".json":
            return cls.JSON
        return cls.CSV


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _records(workbook: ParkWorkbook) -> dict[str, tuple[SheetSpec, list[dict[str, Any]]]]:
    """Each sheet as a list of records with JSON-friendly values, extra columns last."""

    def record(obj: Any, spec: SheetSpec) -> dict[str, Any]:
        data = {k: _plain(v) for k, v in asdict(obj).items() if k != "notes"}
        ordered = {column: data.get(column) for column in spec.columns}
        ordered.update(getattr(obj, "notes", {}))
        return ordered

    sheets: dict[str, tuple[SheetSpec, list[dict[str, Any]]]] = {}
    if workbook.park is not None:
        sheets["park"] = (PARK, [record(workbook.park, PARK)])
    sheets["companies"] = (COMPANIES, [record(c, COMPANIES) for c in workbook.companies])
    sheets["flows"] = (FLOWS, [record(f, FLOWS) for f in workbook.flows])
    if workbook.energy:
        sheets["energy"] = (ENERGY, [record(e, ENERGY) for e in workbook.energy])
    optional: tuple[tuple[SheetSpec, list[Any]], ...] = (
        (PROCESS_EMISSIONS, workbook.process_emissions),
        (WASTE, workbook.waste),
        (FREIGHT, workbook.freight),
        (STREAMS, workbook.streams),
        (ENERGY_PRICES, workbook.energy_prices),
        (END_USE_SHARES, workbook.end_use_shares),
    )
    for spec, items in optional:
        if items:
            sheets[spec.name] = (spec, [record(item, spec) for item in items])
    return sheets


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _header(spec: SheetSpec, records: list[dict[str, Any]]) -> list[str]:
    header = list(spec.columns)
    for rec in records:
        header.extend(k for k in rec if k not in header)
    return header


def _atomic_write(path: Path, write: Any) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_workbook(workbook: ParkWorkbook, path: Path, fmt: WorkbookFormat | None = None) -> Path:
    """Write ``workbook`` to ``path`` (a folder for CSV) and return the path written."""
    fmt = fmt or WorkbookFormat.for_path(path)
    sheets = _records(workbook)
    if fmt is WorkbookFormat.JSON:
        document: dict[str, Any] = {
            name: (rows[0] if name == "park" else rows) for name, (_, rows) in sheets.items()
        }
        text = json.dumps(document, ensure_ascii=False, indent=2)
        _atomic_write(path, lambda p: p.write_text(text + "\n", encoding="utf-8"))
        return path
    if fmt is WorkbookFormat.XLSX:
        import openpyxl
        from openpyxl.cell import WriteOnlyCell

        def save(target: Path) -> None:
            book = openpyxl.Workbook(write_only=True)
            for name, (spec, rows) in sheets.items():
                sheet = book.create_sheet(name)
                header = _header(spec, rows)
                sheet.append(header)
                for rec in rows:
                    cells = []
                    for column in header:
                        cell = WriteOnlyCell(sheet, value=rec.get(column))
                        if isinstance(cell.value, str):
                            cell.data_type = "s"  # text stays text, never a formula
                        cells.append(cell)
                    sheet.append(cells)
            book.save(target)

        _atomic_write(path, save)
        return path
    path.mkdir(parents=True, exist_ok=True)
    for name, (spec, rows) in sheets.items():
        header = _header(spec, rows)

        def save_csv(
            target: Path, header: list[str] = header, rows: list[dict[str, Any]] = rows
        ) -> None:
            with target.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                for rec in rows:
                    writer.writerow([_text(rec.get(column)) for column in header])

        _atomic_write(path / f"{name}.csv", save_csv)
    return path
