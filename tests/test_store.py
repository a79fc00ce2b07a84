"""The database: migrations, all-or-nothing imports, updates in place (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from parkloop.errors import NotFound, ValidationError
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.store import db
from parkloop.store.tables import Base, CompanyRow, EnergyUseRow, FlowRow, ParkRow
from tests.workbooks import valid_sheets, write_sheets


def _counts(database: Database) -> dict[str, int]:
    with database.reader() as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
            for table in (ParkRow, CompanyRow, FlowRow, EnergyUseRow)
        }


def test_migrations_go_up_to_head_and_back_to_empty(database: Database) -> None:
    expected = {table.name for table in Base.metadata.sorted_tables}
    assert expected <= db.table_names(database.engine)
    db.downgrade(database.engine, "base")
    assert db.table_names(database.engine) <= {"alembic_version"}
    db.upgrade(database.engine)
    assert expected <= db.table_names(database.engine)


def test_an_import_stores_every_row(database: Database, tmp_path: Path) -> None:
    report = park_service.import_workbook(database, write_sheets(tmp_path, valid_sheets()))
    assert (report.park, report.companies, report.flows, report.energy_rows) == (
        "Test Harbour",
        3,
        5,
        3,
    )
    assert report.created
    assert _counts(database) == {"parks": 1, "companies": 3, "flows": 5, "energy_uses": 3}


def test_annual_figures_are_stored_beside_what_was_typed(
    database: Database, tmp_path: Path
) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path, valid_sheets()))
    with database.reader() as session:
        rows = {r.key: r for r in session.scalars(select(FlowRow))}
    assert (rows["F2"].quantity, rows["F2"].unit, rows["F2"].per) == (1500.0, "MWh", "month")
    assert (rows["F2"].annual_quantity, rows["F2"].canonical_unit) == (18000.0, "MWh")
    assert rows["F4"].annual_quantity == 2500.0 and rows["F4"].canonical_unit == "kW"
    assert rows["F5"].annual_quantity is None  # a one-off amount


def test_a_bad_workbook_leaves_the_database_unchanged(database: Database, tmp_path: Path) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path / "good", valid_sheets()))
    before = _counts(database)
    sheets = valid_sheets()
    sheets["companies"].append(dict(sheets["companies"][0], id="C4", name="New Co"))
    sheets["flows"].append(dict(sheets["flows"][0], id="F6", company_id="C4"))
    sheets["flows"][0]["quantity"] = "-3"
    with pytest.raises(ValidationError):
        park_service.import_workbook(database, write_sheets(tmp_path / "bad", sheets))
    assert _counts(database) == before


def test_a_failure_while_writing_rolls_everything_back(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parkloop.store import repo

    real = repo.save_workbook

    def save_then_fail(*args: object, **kwargs: object) -> ParkRow:
        real(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(repo, "save_workbook", save_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        park_service.import_workbook(database, write_sheets(tmp_path, valid_sheets()))
    assert _counts(database) == {"parks": 0, "companies": 0, "flows": 0, "energy_uses": 0}


def test_reimporting_the_same_ids_updates_in_place(database: Database, tmp_path: Path) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path / "v1", valid_sheets()))
    with database.reader() as session:
        ids = {r.key: r.id for r in session.scalars(select(FlowRow))}
    sheets = valid_sheets()
    sheets["flows"][0]["quantity"] = "15000"
    sheets["energy"][0]["mwh"] = "340000"
    report = park_service.import_workbook(database, write_sheets(tmp_path / "v2", sheets))
    assert not report.created
    assert _counts(database) == {"parks": 1, "companies": 3, "flows": 5, "energy_uses": 3}
    with database.reader() as session:
        rows = {r.key: r for r in session.scalars(select(FlowRow))}
        coal = session.scalars(select(EnergyUseRow).where(EnergyUseRow.carrier == "coal")).one()
    assert {k: r.id for k, r in rows.items()} == ids
    assert rows["F1"].quantity == 15000.0 and rows["F1"].version == 2
    assert coal.mwh == 340000.0


def test_flows_may_refer_to_companies_already_in_the_park(
    database: Database, tmp_path: Path
) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path / "v1", valid_sheets()))
    sheets = valid_sheets()
    sheets["companies"] = sheets["companies"][:1]
    sheets["flows"] = [dict(sheets["flows"][2], id="F7")]  # C2 is only in the database
    sheets.pop("energy")
    park_service.import_workbook(database, write_sheets(tmp_path / "v2", sheets))
    assert _counts(database)["flows"] == 6


def test_the_park_option_names_the_park(database: Database, tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets.pop("park")
    report = park_service.import_workbook(
        database, write_sheets(tmp_path, sheets), park="Other Park"
    )
    assert report.park == "Other Park"
    [summary] = park_service.list_parks(database)
    assert (summary.name, summary.country, summary.companies, summary.flows) == (
        "Other Park",
        "DK",
        3,
        5,
    )


def test_a_workbook_without_a_park_name_is_refused(database: Database, tmp_path: Path) -> None:
    sheets = valid_sheets()
    sheets.pop("park")
    with pytest.raises(ValidationError, match="--park NAME"):
        park_service.import_workbook(database, write_sheets(tmp_path, sheets))
    assert _counts(database)["parks"] == 0


def test_an_unknown_park_is_named_with_the_known_ones(database: Database, tmp_path: Path) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path, valid_sheets()))
    with pytest.raises(NotFound, match="parks: 'Test Harbour'"):
        park_service.export_park(database, "Nowhere", tmp_path / "out")


def test_the_migrations_match_the_tables(database: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
