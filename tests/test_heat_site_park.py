"""`parkloop heat site --park NAME`: Total Site analysis of a stored park's process streams."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parkloop.cli import app
from parkloop.domain.models import ProcessStream
from parkloop.energy.total_site import total_site
from parkloop.errors import NotFound
from parkloop.io.validate_extra import pinch_streams
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.services.heat import NoStreams, park_total_site
from parkloop.settings import get_settings
from tests.workbooks import valid_sheets, write_sheets

runner = CliRunner()
#: Heat below this [kW] counts as none: the cascade's rounding, not an exchange.
TINY_KW = 1e-6
CSV_COLUMNS = ("company", "name", "supply_c", "target_c", "cp_kw_per_k", "heat_kw", "dt_min_k")


@pytest.fixture
def demo(database: Database, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo park in ``database``, which the CLI uses too; its name."""
    park = park_service.load_demo(database).park
    monkeypatch.setenv("PARKLOOP_DATABASE_URL", database.engine.url.render_as_string(False))
    get_settings.cache_clear()
    return park


def _cell(value: float | None) -> str:
    return "" if value is None else repr(value)


def _write_csv(streams: list[ProcessStream], path: Path) -> Path:
    """The stored streams as the CSV that `parkloop heat site STREAMS.csv` reads."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for s in streams:
            numbers = (s.supply_c, s.target_c, s.cp_kw_per_k, s.heat_kw, s.dt_min_k)
            writer.writerow([s.company_id, s.name, *(_cell(v) for v in numbers)])
    return path


def _json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["heat", "site", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _words(output: str) -> str:
    text = "".join(" " if c in "│╭╮╰╯─" else c for c in output)
    return " ".join(text.split())


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--dt-min", "20", "--loop-dt", "12"],
        ["--steam-level", "90", "--steam-level", "60"],
        ["--hot-water-supply", "70", "--hot-water-return", "40"],
        ["--ambient", "15"],
    ],
)
def test_the_park_gives_the_same_document_as_its_streams_in_a_csv(
    demo: str, database: Database, tmp_path: Path, options: list[str]
) -> None:
    streams = park_service.park_workbook(database, demo).streams
    path = _write_csv(streams, tmp_path / "streams.csv")
    from_park = _json("--park", demo, *options)
    assert from_park == _json(str(path), *options)
    assert {c["company"] for c in from_park["companies"]} == {s.company_id for s in streams}


def test_the_service_runs_total_site_on_the_stored_streams(demo: str, database: Database) -> None:
    by_company, dts = pinch_streams(park_service.park_workbook(database, demo).streams)
    expected = total_site(by_company, dts)
    result = park_total_site(database, demo)
    assert result.heat_recovery_kw == expected.heat_recovery_kw
    assert result.balances == expected.balances and result.pairs == expected.pairs
    assert {b.company: b.dt_min_k for b in result.balances} == dts


def test_recovery_is_what_the_companies_give_and_receive(demo: str, database: Database) -> None:
    result = park_total_site(database, demo)
    assert result.heat_recovery_kw > 0
    given = sum(b.heat_given_kw for b in result.balances)
    received = sum(b.heat_received_kw for b in result.balances)
    assert given == pytest.approx(result.heat_recovery_kw, rel=1e-9)
    assert received == pytest.approx(result.heat_recovery_kw, rel=1e-9)
    assert result.heat_recovery_kw <= min(result.total_source_kw, result.total_sink_kw) + TINY_KW
    for b in result.balances:
        assert b.hot_utility_after_kw >= -TINY_KW and b.cold_utility_after_kw >= -TINY_KW


def test_heat_goes_from_companies_with_a_surplus_to_companies_with_a_deficit(
    demo: str, database: Database
) -> None:
    result = park_total_site(database, demo)
    balance = {b.company: b for b in result.balances}
    moved = [p for p in result.pairs if p.allocated_kw > TINY_KW]
    assert moved
    for pair in moved:
        assert pair.source_company != pair.sink_company
        assert balance[pair.source_company].cold_utility_kw > 0, pair
        assert balance[pair.sink_company].hot_utility_kw > 0, pair
        assert pair.allocated_kw <= pair.potential_kw + TINY_KW
    for b in result.balances:
        rows = [p.allocated_kw for p in result.pairs if p.source_company == b.company]
        columns = [p.allocated_kw for p in result.pairs if p.sink_company == b.company]
        assert sum(rows) == pytest.approx(b.heat_given_kw, abs=TINY_KW)
        assert sum(columns) == pytest.approx(b.heat_received_kw, abs=TINY_KW)
    pairs = {(p.source_company, p.sink_company) for p in moved}
    assert ("C05", "C07") in pairs  # brewery wort-cooling heat to the slaughterhouse's water


def test_the_table_names_the_companies_and_the_recovery(demo: str) -> None:
    result = runner.invoke(app, ["heat", "site", "--park", demo])
    assert result.exit_code == 0, result.output
    assert "heat recovery" in result.output and "(ideal loop, 10 K approach each side)" in (
        result.output
    )
    for company in ("C05", "C07", "C14"):
        assert company in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--park", "Somewhere"], "give a streams CSV or --park NAME, not both"),
        ([], "give a streams CSV, or --park NAME for a stored park"),
    ],
)
def test_a_csv_and_a_park_together_or_neither_exit_with_2(
    tmp_path: Path, args: list[str], words: str
) -> None:
    path = tmp_path / "streams.csv"
    path.write_text("company,name,supply_c,target_c,cp_kw_per_k\nA,H,90,40,1\n", encoding="utf-8")
    positional = [str(path)] if args else []
    result = runner.invoke(app, ["heat", "site", *positional, *args, "--format", "json"])
    assert result.exit_code == 2
    assert words in _words(result.output)


def test_an_unknown_park_is_not_found(demo: str, database: Database) -> None:
    with pytest.raises(NotFound, match="no park named 'Nowhere'"):
        park_total_site(database, "Nowhere")
    result = runner.invoke(app, ["heat", "site", "--park", "Nowhere", "--format", "json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "not_found" and repr(demo) in error["message"]


def test_a_park_without_streams_says_to_add_the_sheet(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    park = park_service.import_workbook(database, write_sheets(tmp_path, valid_sheets())).park
    with pytest.raises(NoStreams, match="add a `streams` sheet"):
        park_total_site(database, park)
    monkeypatch.setenv("PARKLOOP_DATABASE_URL", database.engine.url.render_as_string(False))
    get_settings.cache_clear()
    result = runner.invoke(app, ["heat", "site", "--park", park, "--format", "json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "no_streams"
    for column in ("company_id", "name", "supply_c", "target_c", "cp_kw_per_k", "heat_kw"):
        assert column in error["message"]


def test_a_bad_loop_option_is_an_error_for_the_park_too(demo: str) -> None:
    loops = ["--steam-level", "90", "--hot-water-supply", "70"]
    result = runner.invoke(app, ["heat", "site", "--park", demo, *loops, "--format", "json"])
    assert result.exit_code == 1
    assert "not both" in json.loads(result.stdout)["error"]["message"]
