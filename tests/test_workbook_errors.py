"""Bad workbooks: every problem located by sheet, row and column, all reported at once."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from parkloop.errors import Issue, ValidationError
from parkloop.io import read_workbook, validate_workbook
from tests.workbooks import Row, valid_sheets, write_sheets

Sheets = dict[str, list[Row]]


def _issues(folder: Path) -> list[Issue]:
    with pytest.raises(ValidationError) as info:
        validate_workbook(read_workbook(folder))
    return info.value.issues


def _only_issue(folder: Path) -> Issue:
    issues = _issues(folder)
    assert len(issues) == 1, issues
    return issues[0]


def _edit(sheet: str, index: int, column: str, value: str) -> Callable[[Sheets], None]:
    def apply(sheets: Sheets) -> None:
        sheets[sheet][index][column] = value

    return apply


def test_the_valid_workbook_passes(tmp_path: Path) -> None:
    workbook = validate_workbook(read_workbook(write_sheets(tmp_path, valid_sheets())))
    assert [c.id for c in workbook.companies] == ["C1", "C2", "C3"]
    assert workbook.companies[1].nace == "23.51" and workbook.companies[1].country == "DK"
    assert workbook.flows[4].ewc == "13 02 05*"
    assert len(workbook.energy) == 3


# (edit, sheet, spreadsheet row, column, words the message must contain)
CELL_ERRORS = [
    (_edit("companies", 1, "nace", "23.98"), "companies", 3, "nace", "not a NACE Rev. 2 code"),
    (_edit("companies", 1, "nace", "cement"), "companies", 3, "nace", "not written like a NACE"),
    (_edit("flows", 0, "ewc", "10 01 97"), "flows", 2, "ewc", "not an entry of the European"),
    (_edit("flows", 0, "ewc", "10-01"), "flows", 2, "ewc", "not written like a List of Waste"),
    (_edit("flows", 0, "ewc", "10 01 02*"), "flows", 2, "ewc", "non-hazardous"),
    (_edit("flows", 0, "unit", "bananas"), "flows", 2, "unit", "unknown unit 'bananas'"),
    (_edit("flows", 0, "unit", "kWh"), "flows", 2, "unit", "does not fit category 'material'"),
    (_edit("flows", 0, "quantity", "-5"), "flows", 2, "quantity", "must be greater than 0"),
    (_edit("flows", 0, "quantity", "12,5"), "flows", 2, "quantity", "decimal separator"),
    (_edit("flows", 1, "direction", "give"), "flows", 3, "direction", "supply, demand"),
    (_edit("flows", 1, "category", "heat"), "flows", 3, "category", "material, energy"),
    (_edit("flows", 1, "per", "hour"), "flows", 3, "per", "year, month, week, day, once"),
    (_edit("flows", 3, "per", "day"), "flows", 5, "per", "already a rate"),
    (_edit("flows", 1, "ewc", "10 01 02"), "flows", 3, "ewc", "material and water flows only"),
    (_edit("flows", 3, "available_to", "2026-01-01"), "flows", 5, "available_to", "before"),
    (_edit("flows", 3, "available_from", "01.10.2026"), "flows", 5, "available_from", "YYYY-MM-DD"),
    (_edit("flows", 2, "company_id", "C9"), "flows", 4, "company_id", "'C9' is not the id"),
    (
        _edit("flows", 2, "confidentiality", "secret"),
        "flows",
        4,
        "confidentiality",
        "private, park, public",
    ),
    (_edit("flows", 0, "temperature_c", "-300"), "flows", 2, "temperature_c", "below"),
    (_edit("companies", 0, "lat", "95"), "companies", 2, "lat", "above the largest"),
    (_edit("companies", 0, "lon", "-181"), "companies", 2, "lon", "below the smallest"),
    (_edit("companies", 0, "country", "DNK"), "companies", 2, "country", "did you mean DK"),
    (_edit("companies", 2, "employees", "3.5"), "companies", 4, "employees", "whole number"),
    (_edit("companies", 2, "name", ""), "companies", 4, "name", "required"),
    (_edit("companies", 2, "visibility", "hidden"), "companies", 4, "visibility", "private"),
    (_edit("energy", 0, "carrier", "uranium"), "energy", 2, "carrier", "natural_gas"),
    (_edit("energy", 0, "mwh", "-1"), "energy", 2, "mwh", "below the smallest"),
    (_edit("energy", 0, "year", "1850"), "energy", 2, "year", "between 1990"),
    (
        _edit("energy", 1, "onsite_generation", "maybe"),
        "energy",
        3,
        "onsite_generation",
        "true or false",
    ),
    (_edit("park", 0, "lat", "91"), "park", 2, "lat", "above the largest"),
]


@pytest.mark.parametrize(
    ("edit", "sheet", "row", "column", "words"),
    CELL_ERRORS,
    ids=[f"{c[1]}-{c[3]}-{c[4][:24]}" for c in CELL_ERRORS],
)
def test_a_bad_cell_is_reported_with_sheet_row_column_and_what_is_allowed(
    tmp_path: Path,
    edit: Callable[[Sheets], None],
    sheet: str,
    row: int,
    column: str,
    words: str,
) -> None:
    sheets = valid_sheets()
    edit(sheets)
    issue = _only_issue(write_sheets(tmp_path, sheets))
    assert (issue.sheet, issue.row, issue.column) == (sheet, row, column)
    assert words in issue.message


def test_duplicate_ids_name_the_first_row(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["flows"][3]["id"] = "F1"
    issue = _only_issue(write_sheets(tmp_path, sheets))
    assert (issue.sheet, issue.row, issue.column) == ("flows", 5, "id")
    assert "first on row 2" in issue.message


def test_duplicate_company_ids_are_reported(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["companies"][2]["id"] = "C1"
    issues = _issues(write_sheets(tmp_path, sheets))
    assert ("companies", 4, "id") in [(i.sheet, i.row, i.column) for i in issues]


def test_a_missing_column_is_named_with_a_did_you_mean(tmp_path: Path) -> None:
    folder = write_sheets(tmp_path, valid_sheets())
    text = (folder / "flows.csv").read_text(encoding="utf-8")
    (folder / "flows.csv").write_text(text.replace("company_id", "compnay_id"), encoding="utf-8")
    issue = _only_issue(folder)
    assert (issue.sheet, issue.row, issue.column) == ("flows", 1, "company_id")
    assert "'compnay_id' meant to be 'company_id'" in issue.message


def test_extra_columns_are_kept_as_notes(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["flows"][0]["internal_ref"] = "ASH-01"
    workbook = validate_workbook(read_workbook(write_sheets(tmp_path, sheets)))
    assert workbook.flows[0].notes == {"internal_ref": "ASH-01"}
    assert workbook.flows[1].notes == {}


def test_all_problems_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["companies"][0]["nace"] = "99.99"
    sheets["flows"][0]["quantity"] = "-1"
    sheets["flows"][2]["unit"] = "MWh"
    sheets["energy"][2]["carrier"] = "sunshine"
    places = [(i.sheet, i.row, i.column) for i in _issues(write_sheets(tmp_path, sheets))]
    assert places == [
        ("companies", 2, "nace"),
        ("flows", 2, "quantity"),
        ("flows", 4, "unit"),
        ("energy", 4, "carrier"),
    ]


def test_reporting_stops_at_a_cap_and_says_so(tmp_path: Path) -> None:
    sheets = valid_sheets()
    template = sheets["flows"][0]
    sheets["flows"] = [dict(template, id=f"F{n}", quantity="-1") for n in range(500)]
    with pytest.raises(ValidationError) as info:
        validate_workbook(read_workbook(write_sheets(tmp_path, sheets)), max_issues=50)
    assert len(info.value.issues) == 50 and info.value.truncated
    assert "more not shown" in str(info.value)


def test_a_semicolon_csv_is_refused_with_a_fix(tmp_path: Path) -> None:
    folder = write_sheets(tmp_path, valid_sheets())
    text = (folder / "companies.csv").read_text(encoding="utf-8")
    (folder / "companies.csv").write_text(text.replace(",", ";"), encoding="utf-8")
    issue = _only_issue(folder)
    assert (issue.sheet, issue.row) == ("companies", 1)
    assert "semicolons" in issue.message and "CSV UTF-8 (comma delimited)" in issue.message


def test_a_latin_1_csv_is_refused_with_the_row_and_a_fix(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["companies"][2]["name"] = "Växthus Odlarna"
    folder = write_sheets(tmp_path, sheets)
    text = (folder / "companies.csv").read_text(encoding="utf-8")
    (folder / "companies.csv").write_bytes(text.encode("latin-1"))
    issue = _only_issue(folder)
    assert (issue.sheet, issue.row) == ("companies", 4)
    assert "not UTF-8" in issue.message and "0xe4" in issue.message


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    folder = write_sheets(tmp_path, valid_sheets())
    (folder / "flows.csv").write_bytes(b"")
    issue = _only_issue(folder)
    assert issue.sheet == "flows" and "is empty" in issue.message


def test_a_missing_sheet_is_refused(tmp_path: Path) -> None:
    folder = write_sheets(tmp_path, valid_sheets())
    (folder / "flows.csv").unlink()
    assert "flows.csv is missing" in _only_issue(folder).message


def test_a_200_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = write_sheets(tmp_path, valid_sheets())
    with (folder / "flows.csv").open("r+b") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: costs no disk and no reading
    issue = _only_issue(folder)
    assert issue.sheet == "flows" and "209.7 MB, larger than the 50 MB limit" in issue.message


def test_a_large_xlsx_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "park.xlsx"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    with pytest.raises(ValidationError, match="larger than the"):
        read_workbook(path)


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "park.xlsx"
    path.write_bytes(os.urandom(2048))
    with pytest.raises(ValidationError, match="not a readable XLSX"):
        read_workbook(path)
    with pytest.raises(ValidationError, match=r"give a folder of CSV files, an \.xlsx or a \.json"):
        read_workbook(path.rename(tmp_path / "park.ods"))
