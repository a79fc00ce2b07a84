"""The optional inventory sheets: every rule, the database, the migration and the demo park."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from parkloop.domain.models import Confidentiality, EnergyCarrier
from parkloop.energy.total_site import total_site
from parkloop.errors import Issue, ValidationError
from parkloop.impact.assumptions import BASELINE_ROUTES, TRANSPORT_MODES
from parkloop.impact.factors import impact_reference
from parkloop.io import read_workbook, validate_workbook
from parkloop.io.validate_extra import (
    allowed_end_uses,
    allowed_freight_modes,
    allowed_gases,
    allowed_treatments,
    pinch_streams,
)
from parkloop.reference.factors import load_factors
from parkloop.reference.measures import default_registry
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.store import db
from parkloop.store.tables import (
    EndUseShareRow,
    EnergyPriceRow,
    FreightRow,
    ProcessEmissionRow,
    ProcessStreamRow,
    WasteRow,
)
from tests.workbooks import Row, full_sheets, valid_sheets, write_sheets

Sheets = dict[str, list[Row]]
NEW_TABLES = {
    "process_emissions",
    "waste",
    "freight",
    "process_streams",
    "energy_prices",
    "end_use_shares",
}
COMPANY_SHEETS = ("process_emissions", "waste", "freight", "streams", "end_use_shares")


def _issues(tmp_path: Path, sheets: Sheets) -> list[Issue]:
    with pytest.raises(ValidationError) as info:
        validate_workbook(read_workbook(write_sheets(tmp_path / "wb", sheets)))
    return info.value.issues


def _only(tmp_path: Path, sheets: Sheets) -> Issue:
    issues = _issues(tmp_path, sheets)
    assert len(issues) == 1, issues
    return issues[0]


def _with(sheet: str, index: int, **cells: str) -> Sheets:
    sheets = full_sheets()
    sheets[sheet][index].update(cells)
    return sheets


def _drop_columns(folder: Path, sheet: str, *columns: str) -> Path:
    """Rewrite ``sheet`` of the CSV workbook ``folder`` without ``columns`` in its header."""
    path = folder / f"{sheet}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = [c for c in rows[0] if c not in columns]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def _located(issue: Issue, sheet: str, row: int | None, column: str | None) -> None:
    assert (issue.sheet, issue.row, issue.column) == (sheet, row, column), issue


# --- the whole workbook ------------------------------------------------------------------------


def test_the_optional_sheets_are_read_into_the_workbook(tmp_path: Path) -> None:
    workbook = validate_workbook(read_workbook(write_sheets(tmp_path, full_sheets())))
    assert workbook.park is not None and workbook.park.discount_rate == 0.04
    assert [e.gas for e in workbook.process_emissions] == ["CO2", "CH4"]
    assert workbook.process_emissions[1].biogenic and not workbook.process_emissions[0].biogenic
    assert [w.treatment for w in workbook.waste] == ["landfill", "composting"]
    assert workbook.waste[0].ewc == "10 01 01"
    assert [f.tonne_km for f in workbook.freight] == [1.2e8, 450000.0]
    assert [s.confidentiality for s in workbook.streams] == [
        Confidentiality.PARK,
        Confidentiality.PRIVATE,
        Confidentiality.PRIVATE,
    ]
    assert [p.carrier for p in workbook.energy_prices] == [
        EnergyCarrier.ELECTRICITY,
        EnergyCarrier.NATURAL_GAS,
    ]
    assert sum(u.share for u in workbook.end_use_shares) == pytest.approx(0.15)


def test_a_workbook_without_the_optional_sheets_has_them_empty(tmp_path: Path) -> None:
    workbook = validate_workbook(read_workbook(write_sheets(tmp_path, valid_sheets())))
    assert workbook.park is not None and workbook.park.discount_rate is None
    for sheet in (*COMPANY_SHEETS, "energy_prices"):
        assert getattr(workbook, sheet) == []


@pytest.mark.parametrize("sheet", COMPANY_SHEETS)
def test_every_row_must_name_a_company_of_the_workbook_or_park(tmp_path: Path, sheet: str) -> None:
    issue = _only(tmp_path, _with(sheet, 0, company_id="C9"))
    _located(issue, sheet, 2, "company_id")
    assert "'C9' is not the id of a company" in issue.message


def test_rows_may_name_companies_already_in_the_park(tmp_path: Path) -> None:
    sheets = _with("waste", 0, company_id="C7")
    path = write_sheets(tmp_path, sheets)
    workbook = validate_workbook(read_workbook(path), known_company_ids={"C7"})
    assert workbook.waste[0].company_id == "C7"


@pytest.mark.parametrize("sheet", ["process_emissions", "waste", "freight"])
def test_a_year_outside_1990_to_next_year_is_refused(tmp_path: Path, sheet: str) -> None:
    issue = _only(tmp_path, _with(sheet, 0, year="1850"))
    _located(issue, sheet, 2, "year")
    assert "between 1990" in issue.message


@pytest.mark.parametrize(
    ("sheet", "column"),
    [
        ("process_emissions", "gas"),
        ("waste", "treatment"),
        ("freight", "tonne_km"),
        ("streams", "target_c"),
        ("energy_prices", "source"),
        ("end_use_shares", "end_use"),
    ],
)
def test_a_missing_required_column_names_the_sheet_and_column(
    tmp_path: Path, sheet: str, column: str
) -> None:
    folder = _drop_columns(write_sheets(tmp_path, full_sheets()), sheet, column)
    with pytest.raises(ValidationError) as info:
        read_workbook(folder)
    [issue] = info.value.issues
    _located(issue, sheet, 1, column)
    assert "required column is missing" in issue.message


def test_problems_of_all_optional_sheets_are_reported_together(tmp_path: Path) -> None:
    sheets = full_sheets()
    sheets["process_emissions"][0]["gas"] = "SF6"
    sheets["waste"][1]["tonnes"] = "0"
    sheets["freight"][0]["mode"] = "air"
    sheets["streams"][2]["target_c"] = "35"
    sheets["energy_prices"][1]["eur_per_mwh"] = "-4"
    sheets["end_use_shares"][0]["share"] = "2"
    places = [(i.sheet, i.row, i.column) for i in _issues(tmp_path, sheets)]
    assert places == [
        ("process_emissions", 2, "gas"),
        ("waste", 3, "tonnes"),
        ("freight", 2, "mode"),
        ("streams", 4, "target_c"),
        ("energy_prices", 3, "eur_per_mwh"),
        ("end_use_shares", 2, "share"),
    ]


def test_the_number_of_reported_problems_is_capped(tmp_path: Path) -> None:
    sheets = full_sheets()
    sheets["freight"] = [dict(sheets["freight"][0], mode="air") for _ in range(30)]
    raw = read_workbook(write_sheets(tmp_path, sheets))
    with pytest.raises(ValidationError) as info:
        validate_workbook(raw, max_issues=10)
    assert len(info.value.issues) == 10 and info.value.truncated


# --- process_emissions -------------------------------------------------------------------------


def test_an_unknown_gas_is_refused_with_the_gases_that_have_a_gwp(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("process_emissions", 0, gas="R-134a"))
    _located(issue, "process_emissions", 2, "gas")
    allowed = ", ".join(allowed_gases())
    assert {"CH4", "CO2", "N2O"} <= set(allowed_gases())
    assert f"'R-134a' is not allowed; use one of: {allowed}" in issue.message


def test_the_gases_are_those_of_the_gwp_entries_and_co2() -> None:
    names = load_factors("emission_factors.yaml")
    for gas in allowed_gases():
        assert gas == "CO2" or any(n.startswith(f"gwp100_{gas.lower()}_") for n in names)
    assert {"CO2", "CH4", "N2O"} <= set(allowed_gases())


def test_a_gas_is_matched_whatever_its_case(tmp_path: Path) -> None:
    workbook = validate_workbook(
        read_workbook(write_sheets(tmp_path, _with("process_emissions", 0, gas="n2o")))
    )
    assert workbook.process_emissions[0].gas == "N2O"


def test_negative_process_emissions_are_refused(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("process_emissions", 0, tonnes="-1"))
    _located(issue, "process_emissions", 2, "tonnes")
    assert "below the smallest allowed value 0 t" in issue.message


def test_a_process_emission_of_zero_is_allowed(tmp_path: Path) -> None:
    path = write_sheets(tmp_path, _with("process_emissions", 0, tonnes="0"))
    assert validate_workbook(read_workbook(path)).process_emissions[0].tonnes == 0.0


def test_biogenic_must_be_true_or_false(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("process_emissions", 0, biogenic="maybe"))
    _located(issue, "process_emissions", 2, "biogenic")
    assert "use true or false" in issue.message


def test_the_same_company_year_source_and_gas_is_refused_twice(tmp_path: Path) -> None:
    sheets = full_sheets()
    sheets["process_emissions"].append(dict(sheets["process_emissions"][0], tonnes="3"))
    issue = _only(tmp_path, sheets)
    _located(issue, "process_emissions", 4, "gas")
    assert "first on row 2" in issue.message and "source and gas" in issue.message


# --- waste -------------------------------------------------------------------------------------


def test_waste_tonnes_must_be_greater_than_zero(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("waste", 0, tonnes="0"))
    _located(issue, "waste", 2, "tonnes")
    assert "must be greater than 0 t" in issue.message


def test_an_unknown_treatment_is_refused_with_the_treatments_allowed(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("waste", 0, treatment="dumping at sea"))
    _located(issue, "waste", 2, "treatment")
    assert "use one of: landfill, incineration, recycling" in issue.message


def test_treatments_are_the_disposal_routes_with_a_factor_and_recycling() -> None:
    reference = impact_reference()
    materials = {entry.material for entry in reference.disposal.values()}
    with_factor = {
        baseline
        for baseline, routes in BASELINE_ROUTES.items()
        if any(f"waste_{r}_{m}" in reference.factors for r in routes for m in materials)
    }
    assert set(allowed_treatments()) == with_factor | {"recycling"}
    assert "unknown" not in allowed_treatments()


def test_a_waste_code_is_checked_like_a_flow_code(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("waste", 0, ewc="10 01 97"))
    _located(issue, "waste", 2, "ewc")
    assert "not an entry of the European" in issue.message


# --- freight -----------------------------------------------------------------------------------


def test_an_unknown_freight_mode_is_refused_with_the_modes_allowed(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("freight", 0, mode="air"))
    _located(issue, "freight", 2, "mode")
    assert "'air' is not allowed; use one of: road, rail" in issue.message


def test_freight_modes_are_those_with_a_factor_per_tonne_km() -> None:
    factors = impact_reference().factors
    for mode in allowed_freight_modes():
        assert factors[TRANSPORT_MODES[mode]].unit == "kg CO2e per tonne-km"


def test_tonne_km_must_be_greater_than_zero(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("freight", 1, tonne_km="-5"))
    _located(issue, "freight", 3, "tonne_km")
    assert "must be greater than 0 tonne-km" in issue.message


# --- streams -----------------------------------------------------------------------------------


def test_a_stream_needs_a_cp_or_a_heat_load(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("streams", 0, heat_kw=""))
    _located(issue, "streams", 2, "cp_kw_per_k")
    assert "give one of them" in issue.message


def test_a_stream_may_not_give_both_cp_and_heat_load(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("streams", 0, cp_kw_per_k="50"))
    _located(issue, "streams", 2, "heat_kw")
    assert "not both" in issue.message


def test_a_streams_sheet_without_cp_and_heat_columns_is_refused(tmp_path: Path) -> None:
    folder = _drop_columns(
        write_sheets(tmp_path, full_sheets()), "streams", "cp_kw_per_k", "heat_kw"
    )
    with pytest.raises(ValidationError) as info:
        validate_workbook(read_workbook(folder))
    [issue] = info.value.issues
    _located(issue, "streams", 1, "cp_kw_per_k")
    assert "give a cp_kw_per_k or a heat_kw column" in issue.message


def test_a_stream_load_must_be_greater_than_zero(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("streams", 1, cp_kw_per_k="0"))
    _located(issue, "streams", 3, "cp_kw_per_k")
    assert "greater than 0 kW/K" in issue.message


def test_a_stream_must_change_temperature(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("streams", 0, target_c="140"))
    _located(issue, "streams", 2, "target_c")
    assert "equals supply_c" in issue.message


def test_a_stream_temperature_must_be_above_absolute_zero(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("streams", 0, supply_c="-300"))
    _located(issue, "streams", 2, "supply_c")


def test_dt_min_must_be_greater_than_zero(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("streams", 2, dt_min_k="0"))
    _located(issue, "streams", 4, "dt_min_k")
    assert "greater than 0 K" in issue.message


def test_dt_min_must_be_the_same_on_every_row_of_a_company(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("streams", 1, dt_min_k="15"))
    _located(issue, "streams", 3, "dt_min_k")
    assert "'C1' has dt_min_k 20 K on row 2; give one value per company" in issue.message


def test_a_stream_name_is_used_once_per_company(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("streams", 1, name="Flue gas"))
    _located(issue, "streams", 3, "name")
    assert "first on row 2" in issue.message


def test_stream_confidentiality_allows_the_flow_values(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("streams", 0, confidentiality="secret"))
    _located(issue, "streams", 2, "confidentiality")
    assert "private, park, public" in issue.message


def test_streams_become_pinch_streams_per_company(tmp_path: Path) -> None:
    workbook = validate_workbook(read_workbook(write_sheets(tmp_path, full_sheets())))
    by_company, dts = pinch_streams(workbook.streams)
    assert [s.name for s in by_company["C1"]] == ["Flue gas", "Feed water"]
    assert by_company["C1"][0].cp_kw_per_k == pytest.approx(4000 / 80)
    assert by_company["C1"][0].hot and not by_company["C1"][1].hot
    assert dts == {"C1": 20.0}


# --- energy_prices -----------------------------------------------------------------------------


def test_a_price_carrier_must_be_an_energy_carrier(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("energy_prices", 0, carrier="uranium"))
    _located(issue, "energy_prices", 2, "carrier")
    assert "electricity, natural_gas" in issue.message


def test_a_price_must_be_greater_than_zero(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("energy_prices", 0, eur_per_mwh="0"))
    _located(issue, "energy_prices", 2, "eur_per_mwh")
    assert "greater than 0 EUR/MWh" in issue.message


def test_a_price_needs_a_source(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("energy_prices", 1, source=" "))
    _located(issue, "energy_prices", 3, "source")
    assert "required" in issue.message


def test_a_carrier_has_one_price_per_year(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("energy_prices", 1, carrier="electricity"))
    _located(issue, "energy_prices", 3, "year")
    assert "first on row 2" in issue.message and "one price per carrier and year" in issue.message


# --- end_use_shares ----------------------------------------------------------------------------


def test_an_unknown_end_use_is_refused_with_the_catalogue_end_uses(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("end_use_shares", 0, end_use="coffee machines"))
    _located(issue, "end_use_shares", 2, "end_use")
    assert "compressed_air" in issue.message and "steam generation" in issue.message


def test_end_uses_are_those_of_the_measures_catalogue() -> None:
    catalogue = {m.applicability.end_use for m in default_registry()}
    assert set(allowed_end_uses()) == catalogue - {"all"}


def test_a_share_must_be_above_zero(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("end_use_shares", 0, share="0"))
    _located(issue, "end_use_shares", 2, "share")


def test_a_share_may_not_be_above_one(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("end_use_shares", 0, share="25"))
    _located(issue, "end_use_shares", 2, "share")
    assert "above 1; give the share as a fraction" in issue.message


def test_shares_of_a_company_and_carrier_may_not_add_up_above_one(tmp_path: Path) -> None:
    sheets = _with("end_use_shares", 0, share="0.7")
    sheets["end_use_shares"].append(dict(sheets["end_use_shares"][0], end_use="pumping"))
    issue = _only(tmp_path, sheets)
    _located(issue, "end_use_shares", 4, "share")
    assert "electricity for C2 on rows 2, 3 and 4 add up to 1.45" in issue.message


def test_shares_of_exactly_one_are_allowed(tmp_path: Path) -> None:
    sheets = _with("end_use_shares", 0, share="0.3")
    sheets["end_use_shares"].append(
        dict(sheets["end_use_shares"][0], end_use="pumping", share="0.65")
    )
    workbook = validate_workbook(read_workbook(write_sheets(tmp_path, sheets)))
    assert sum(u.share for u in workbook.end_use_shares) == pytest.approx(1.0)


def test_a_share_needs_a_source(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("end_use_shares", 1, source=""))
    _located(issue, "end_use_shares", 3, "source")


def test_an_end_use_has_one_share_per_company_and_carrier(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("end_use_shares", 1, end_use="compressed_air"))
    _located(issue, "end_use_shares", 3, "end_use")
    assert "first on row 2" in issue.message


# --- park: discount rate -----------------------------------------------------------------------


def test_a_discount_rate_must_be_below_one(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("park", 0, discount_rate="5"))
    _located(issue, "park", 2, "discount_rate")
    assert "below 1" in issue.message


def test_a_discount_rate_may_not_be_negative(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("park", 0, discount_rate="-0.01"))
    _located(issue, "park", 2, "discount_rate")


def test_a_discount_rate_needs_its_source(tmp_path: Path) -> None:
    issue = _only(tmp_path, _with("park", 0, discount_rate_source=""))
    _located(issue, "park", 2, "discount_rate_source")
    assert "say where the rate comes from" in issue.message


# --- the database ------------------------------------------------------------------------------


def _count(database: Database, table: type) -> int:
    with database.reader() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_migration_0008_adds_and_removes_the_sheet_tables(database: Database) -> None:
    def park_columns() -> set[str]:
        return {c["name"] for c in inspect(database.engine).get_columns("parks")}

    assert db.table_names(database.engine) >= NEW_TABLES
    assert {"discount_rate", "discount_rate_source"} <= park_columns()
    db.downgrade(database.engine, "0007")
    assert not NEW_TABLES & db.table_names(database.engine)
    assert not {"discount_rate", "discount_rate_source"} & park_columns()
    db.upgrade(database.engine)
    assert db.table_names(database.engine) >= NEW_TABLES
    assert {"discount_rate", "discount_rate_source"} <= park_columns()


def test_the_park_workbook_returns_the_optional_sheets(database: Database, tmp_path: Path) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path, full_sheets()))
    stored = park_service.park_workbook(database, "Test Harbour")
    expected = validate_workbook(read_workbook(tmp_path))
    for sheet in (*COMPANY_SHEETS, "energy_prices"):
        assert getattr(stored, sheet) == getattr(expected, sheet), sheet
    assert stored.park is not None and stored.park.discount_rate_source == "municipal guideline"


def test_reimporting_a_sheet_replaces_its_rows(database: Database, tmp_path: Path) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path / "v1", full_sheets()))
    sheets = full_sheets()
    sheets["waste"] = sheets["waste"][:1]
    sheets["energy_prices"][0]["eur_per_mwh"] = "130"
    park_service.import_workbook(database, write_sheets(tmp_path / "v2", sheets))
    stored = park_service.park_workbook(database, "Test Harbour")
    assert [w.tonnes for w in stored.waste] == [2600.0]
    assert [p.eur_per_mwh for p in stored.energy_prices] == [130.0, 45.5]
    assert (_count(database, WasteRow), _count(database, EnergyPriceRow)) == (1, 2)
    assert _count(database, ProcessStreamRow) == 3  # re-imported unchanged, not doubled


def test_an_import_without_an_optional_sheet_keeps_its_rows(
    database: Database, tmp_path: Path
) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path / "v1", full_sheets()))
    park_service.import_workbook(database, write_sheets(tmp_path / "v2", valid_sheets()))
    counts = [
        _count(database, table)
        for table in (
            ProcessEmissionRow,
            WasteRow,
            FreightRow,
            ProcessStreamRow,
            EnergyPriceRow,
            EndUseShareRow,
        )
    ]
    assert counts == [2, 2, 2, 3, 2, 2]
    stored = park_service.park_workbook(database, "Test Harbour")
    assert stored.park is not None and stored.park.discount_rate == 0.04


def test_a_bad_optional_sheet_leaves_the_database_unchanged(
    database: Database, tmp_path: Path
) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path / "v1", full_sheets()))
    sheets = full_sheets()
    sheets["waste"] = sheets["waste"][:1]
    sheets["streams"][0]["heat_kw"] = "-1"
    with pytest.raises(ValidationError):
        park_service.import_workbook(database, write_sheets(tmp_path / "v2", sheets))
    assert _count(database, WasteRow) == 2


# --- the demo park -----------------------------------------------------------------------------


def test_the_demo_park_has_inventory_sheets_and_sourced_cost_inputs(demo_path: Path) -> None:
    workbook = validate_workbook(read_workbook(demo_path))
    assert len(workbook.process_emissions) >= 3 and len(workbook.waste) >= 5
    assert len(workbook.freight) >= 3 and len(workbook.streams) >= 8
    assert {e.company_id for e in workbook.process_emissions} >= {"C04", "C18"}
    assert {"C25"} <= {f.company_id for f in workbook.freight}
    assert {"C05", "C06", "C07", "C15"} <= {s.company_id for s in workbook.streams}
    assert workbook.park is not None and workbook.park.discount_rate == 0.035
    assert "Finansministeriet" in (workbook.park.discount_rate_source or "")
    assert [(p.carrier.value, p.eur_per_mwh, p.year) for p in workbook.energy_prices] == [
        ("electricity", 98.0, 2024)
    ]
    assert workbook.end_use_shares and all(
        s.source.startswith("Radgen, P. and Blaustein, E.") for s in workbook.end_use_shares
    )


def test_the_demo_park_loads_without_its_cost_inputs(demo_path: Path, tmp_path: Path) -> None:
    """The cost sheets are optional: a copy without them (and without a discount rate) loads."""
    folder = shutil.copytree(demo_path, tmp_path / "demo")
    for name in ("energy_prices.csv", "end_use_shares.csv"):
        (folder / name).unlink()
    write_sheets(
        tmp_path / "extra",
        {"park": [{"name": "Havnestad Industrial Harbour", "country": "DK"}]},
    )
    shutil.copy(tmp_path / "extra" / "park.csv", folder / "park.csv")
    workbook = validate_workbook(read_workbook(folder))
    assert workbook.energy_prices == [] and workbook.end_use_shares == []
    assert workbook.park is not None and workbook.park.discount_rate is None
    assert len(workbook.flows) == len(validate_workbook(read_workbook(demo_path)).flows)


def test_the_demo_streams_give_heat_recovery_between_companies(demo_path: Path) -> None:
    workbook = validate_workbook(read_workbook(demo_path))
    by_company, dts = pinch_streams(workbook.streams)
    result = total_site(by_company, dts)
    assert result.heat_recovery_kw > 100
    moved = {(p.source_company, p.sink_company) for p in result.pairs if p.allocated_kw > 1}
    assert ("C05", "C07") in moved  # brewery surplus heat to the slaughterhouse's hot water
    givers = {b.company for b in result.balances if b.heat_given_kw > 1}
    takers = {b.company for b in result.balances if b.heat_received_kw > 1}
    assert givers and takers and givers != takers


def test_the_demo_park_is_stored_with_its_inventory_sheets(database: Database) -> None:
    report = park_service.load_demo(database)
    stored = park_service.park_workbook(database, report.park)
    expected = validate_workbook(read_workbook(park_service.demo_workbook_path()))
    assert stored.process_emissions == expected.process_emissions
    assert stored.streams == expected.streams
    assert stored.waste == expected.waste and stored.freight == expected.freight
