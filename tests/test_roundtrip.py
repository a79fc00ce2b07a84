"""Import, export, import: the same data comes back, in every format."""

from __future__ import annotations

import tempfile
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from parkloop.domain.models import ParkWorkbook
from parkloop.io import WorkbookFormat, read_workbook, validate_workbook, write_workbook
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from tests.strategies import workbooks
from tests.workbooks import full_sheets, write_sheets

OPTIONAL_SHEETS = (
    "process_emissions",
    "waste",
    "freight",
    "streams",
    "energy_prices",
    "end_use_shares",
)
TARGETS = {
    WorkbookFormat.CSV: "workbook",
    WorkbookFormat.XLSX: "workbook.xlsx",
    WorkbookFormat.JSON: "workbook.json",
}


def _reread(path: Path) -> ParkWorkbook:
    return validate_workbook(read_workbook(path))


def _sixteen_digits(value: Any) -> Any:
    """``value`` with every float as XLSX keeps it: 16 significant digits (openpyxl's %.16g)."""
    if isinstance(value, float):
        return float(f"{value:.16g}")
    if isinstance(value, list):
        return [_sixteen_digits(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return replace(
            value, **{f.name: _sixteen_digits(getattr(value, f.name)) for f in fields(value)}
        )
    return value


@pytest.mark.parametrize("fmt", list(WorkbookFormat))
@settings(max_examples=40, deadline=None)
@given(workbook=workbooks())
def test_written_workbooks_read_back_equal(fmt: WorkbookFormat, workbook: ParkWorkbook) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_workbook(workbook, Path(folder) / TARGETS[fmt], fmt)
        expected = _sixteen_digits(workbook) if fmt is WorkbookFormat.XLSX else workbook
        assert _reread(path) == expected


@pytest.mark.parametrize("fmt", list(WorkbookFormat))
def test_import_export_import_gives_the_same_park(
    database: Database, tmp_path: Path, fmt: WorkbookFormat
) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path / "in", full_sheets()))
    first = park_service.park_workbook(database, "Test Harbour")
    assert first.streams and first.end_use_shares and first.park and first.park.discount_rate
    exported = park_service.export_park(database, "Test Harbour", tmp_path / TARGETS[fmt], fmt)
    park_service.import_workbook(database, exported, park="Copy")
    second = park_service.park_workbook(database, "Copy")
    assert second == replace(first, park=replace(first.park, name="Copy"))  # type: ignore[arg-type]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(workbook=workbooks())
def test_generated_workbooks_survive_the_database(
    database: Database, workbook: ParkWorkbook
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = write_workbook(workbook, Path(folder) / "in")
        name = f"park-{abs(hash(repr(workbook)))}"
        park_service.import_workbook(database, source, park=name)
        out = park_service.export_park(database, name, Path(folder) / "out.json")
        park_service.import_workbook(database, out, park=name + "-again")
        first = park_service.park_workbook(database, name)
        second = park_service.park_workbook(database, name + "-again")
    assert first.companies == workbook.companies == second.companies
    assert first.flows == workbook.flows == second.flows
    assert sorted(map(repr, first.energy)) == sorted(map(repr, workbook.energy))
    assert second.energy == first.energy
    for sheet in OPTIONAL_SHEETS:
        assert getattr(first, sheet) == getattr(workbook, sheet) == getattr(second, sheet), sheet
    if workbook.park is not None:
        assert first.park is not None and second.park is not None
        rate = (workbook.park.discount_rate, workbook.park.discount_rate_source)
        assert (first.park.discount_rate, first.park.discount_rate_source) == rate
        assert (second.park.discount_rate, second.park.discount_rate_source) == rate
