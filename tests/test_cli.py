"""The parkloop command: help, import/export, listings, JSON output, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parkloop.cli import app
from tests.workbooks import valid_sheets, write_sheets

runner = CliRunner()
COMMANDS = [
    "init",
    "import",
    "export",
    "demo",
    "serve",
    "parks",
    "companies",
    "flows",
    "inventory",
    "user",
    "heat",
    "backup",
    "restore",
    "certify",
]


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_top_level_help_lists_every_command() -> None:
    output = _ok("--help")
    for command in COMMANDS:
        assert command in output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_described_help(command: str) -> None:
    output = _ok(command, "--help")
    assert "Usage: parkloop " + command in output
    assert len(output.splitlines()) > 4


def test_import_then_list_as_json(tmp_path: Path) -> None:
    folder = write_sheets(tmp_path / "wb", valid_sheets())
    report = json.loads(_ok("import", str(folder), "--format", "json"))
    assert report == {
        "park": "Test Harbour",
        "companies": 3,
        "flows": 5,
        "energy_rows": 3,
        "created": True,
    }
    parks = json.loads(_ok("parks", "--format", "json"))
    assert [(p["name"], p["companies"], p["flows"]) for p in parks] == [("Test Harbour", 3, 5)]
    companies = json.loads(_ok("companies", "Test Harbour", "-f", "json"))
    assert [c["nace"] for c in companies] == ["35.11", "23.51", "01.13"]
    flows = json.loads(_ok("flows", "Test Harbour", "--company", "C1", "-f", "json"))
    assert [f["id"] for f in flows] == ["F1", "F2", "F5"]
    assert flows[1]["per_year"] == "18000 MWh/yr"


def test_a_bad_workbook_exits_non_zero_and_lists_each_problem(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["flows"][0]["unit"] = "kWh"
    sheets["companies"][1]["nace"] = "99.99"
    result = runner.invoke(app, ["import", str(write_sheets(tmp_path / "wb", sheets))])
    assert result.exit_code == 2
    assert "2 problems found; nothing was written" in result.output
    assert "does not fit category" in result.output and "99.99" in result.output
    listed = json.loads(_ok("parks", "--format", "json"))
    assert listed == []


def test_import_errors_as_json_give_sheet_row_and_column(tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets["flows"][2]["quantity"] = "-4"
    result = runner.invoke(
        app, ["import", str(write_sheets(tmp_path / "wb", sheets)), "--format", "json"]
    )
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "validation_error"
    assert error["details"] == [
        {
            "sheet": "flows",
            "row": 4,
            "column": "quantity",
            "message": "-4 must be greater than 0; leave it empty if unknown",
        }
    ]


@pytest.mark.parametrize("target", ["out", "out.xlsx", "out.json"])
def test_export_writes_what_import_reads(tmp_path: Path, target: str) -> None:
    _ok("import", str(write_sheets(tmp_path / "wb", valid_sheets())))
    _ok("export", "Test Harbour", str(tmp_path / target))
    _ok("import", str(tmp_path / target), "--park", "Copy")
    original = json.loads(_ok("flows", "Test Harbour", "-f", "json"))
    copy = json.loads(_ok("flows", "Copy", "-f", "json"))
    assert copy == original


def test_unknown_park_is_a_clear_error() -> None:
    _ok("init")
    result = runner.invoke(app, ["companies", "Nowhere"])
    assert result.exit_code == 1
    assert "no park named 'Nowhere'" in result.output


def test_version() -> None:
    assert _ok("--version").startswith("parkloop ")
