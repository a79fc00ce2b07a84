"""The ``parkloop inventory`` command: a thin face over the GHG inventory service.

Registered on the main app by ``app.add_typer(inventory_app)`` in :mod:`parkloop.cli`, which
adds the ``inventory`` command at the top level.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from parkloop.cli_common import (
    FormatOption,
    OutputFormat,
    ParkArgument,
    out,
)
from parkloop.cli_common import database as _database
from parkloop.cli_common import errors as _errors
from parkloop.climate.results import ParkInventory, ParkYear
from parkloop.climate.scope3 import Scope3Inventory, Scope3Year
from parkloop.errors import ParkloopError
from parkloop.services import inventory as inventory_service

inventory_app = typer.Typer(
    help="Greenhouse gas inventory (scope 1 and 2, scope 3 on request) of companies and parks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Scope2Method(StrEnum):
    LOCATION = "location"
    MARKET = "market"


class GwpChoice(StrEnum):
    AR5 = "ar5"
    AR6 = "ar6"


class GridSeries(StrEnum):
    EEA = "eea"
    EMBER = "ember"
    NATIONAL = "national"


def _t(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def _year_table(result: ParkYear, park: str | None, method: str, gwp: str) -> Table:
    table = Table(
        title=f"GHG inventory of {park}, {result.year} (t CO2e; scope 2 {method}-based; "
        f"GWP100 {gwp.upper()}; biogenic CO2 in t, outside the scopes)"
    )
    for column in ("company", "scope 1", "scope 2", "scope 1+2", "biogenic", "per empl.", "gaps"):
        table.add_column(column, justify="left" if column == "company" else "right")
    for company in result.companies:
        totals = company.totals
        table.add_row(
            company.company_id,
            _t(totals.scope1_tco2e),
            _t(totals.scope2_tco2e(method)),
            _t(totals.total_tco2e(method)),
            _t(totals.biogenic_co2_t),
            _t(company.per_employee_t(method)),
            str(sum(method in g.methods for g in company.gaps) or ""),
        )
    table.add_section()
    table.add_row(
        "park",
        _t(result.totals.scope1_tco2e),
        _t(result.totals.scope2_tco2e(method)),
        _t(result.totals.total_tco2e(method)),
        _t(result.totals.biogenic_co2_t),
        _t(result.per_employee_t(method)),
        str(sum(method in g.methods for g in result.gaps) or ""),
        style="bold",
    )
    return table


def _carrier_table(result: ParkYear, method: str) -> Table:
    table = Table(title=f"by carrier and process, {result.year} (t CO2e; biogenic CO2 in t)")
    for column in ("carrier", "scope 1", f"scope 2 ({method})", "biogenic CO2"):
        table.add_column(column, justify="left" if column == "carrier" else "right")
    rows = [(carrier.value, totals) for carrier, totals in result.by_carrier.items()]
    if any(c.process_lines for c in result.companies):
        rows.append(("process emissions", result.process))
    for label, totals in rows:
        table.add_row(
            label,
            _t(totals.scope1_tco2e),
            _t(totals.scope2_tco2e(method)),
            _t(totals.biogenic_co2_t),
        )
    return table


def _process_table(result: ParkYear) -> Table | None:
    lines = [line for c in result.companies for line in c.process_lines]
    if not lines:
        return None
    table = Table(title=f"process emissions, {result.year} (scope 1; biogenic CO2 outside)")
    for column in ("company", "source", "gas", "t gas", "GWP100", "t CO2e", "biogenic CO2 t"):
        table.add_column(column, justify="right" if column.startswith(("t ", "b")) else "left")
    for line in lines:
        table.add_row(
            line.company_id,
            line.source,
            f"{line.gas} (biogenic)" if line.biogenic else line.gas,
            f"{line.tonnes:,.3f}",
            ", ".join(line.factor_names()) or ("1" if line.gas == "CO2" else "none"),
            _t(line.estimate.tco2e) if line.estimate is not None else ("gap" if line.gap else ""),
            _t(line.biogenic_co2_t) if line.biogenic_co2_t else "",
        )
    return table


def _scope3_table(result: Scope3Year) -> Table:
    table = Table(
        title=f"scope 3, {result.year} (t CO2e; reported apart, not in scope 1+2): "
        "category 4 freight, category 5 waste"
    )
    for column in ("company", "cat. 4", "cat. 5", "scope 3", "gaps"):
        table.add_column(column, justify="left" if column == "company" else "right")
    for company in result.companies:
        totals = company.totals
        table.add_row(
            company.company_id,
            _t(totals.category4_tco2e),
            _t(totals.category5_tco2e),
            _t(totals.total_tco2e),
            str(len(company.gaps) or ""),
        )
    table.add_section()
    table.add_row(
        "park",
        _t(result.totals.category4_tco2e),
        _t(result.totals.category5_tco2e),
        _t(result.totals.total_tco2e),
        str(len(result.gaps) or ""),
        style="bold",
    )
    return table


def _print_scope3(result: Scope3Inventory) -> None:
    if not result.years:
        out.print("scope 3: the park has no waste or freight rows for these years")
    for year in result.years:
        out.print(_scope3_table(year))
        if year.gaps:
            out.print("[bold]scope 3 gaps[/] (rows left without emissions):")
        for line in year.gaps:
            what = f"{line.kind} {line.label}" + (f" {line.ewc}" if line.ewc else "")
            out.print(
                f"  {line.company_id} {what} {line.quantity:,.0f} {line.unit}: {line.gap}",
                markup=False,
                highlight=False,
            )
    out.print("[bold]scope 3 notes[/]:")
    for note in result.notes:
        out.print(f"  {note}", markup=False, highlight=False)
    out.print("[bold]scope 3 factors used[/]:")
    for factor in result.factors.values():
        out.print(f"  {factor.cite()}", markup=False, highlight=False, soft_wrap=True)


def _print_inventory(result: ParkInventory, method: str) -> None:
    for year in result.years:
        out.print(_year_table(year, result.park, method, result.gwp))
        out.print(_carrier_table(year, method))
        process = _process_table(year)
        if process is not None:
            out.print(process)
        change = result.change_from_baseline(year, method)
        if result.baseline is not None and result.baseline_year != year.year:
            base = result.baseline.totals.total_tco2e(method)
            versus = "" if change is None else f"; {year.year} is {change:+.1%} from it"
            out.print(f"baseline {result.baseline_year}: {_t(base)} t CO2e{versus}")
        gaps = [g for g in year.gaps if method in g.methods]
        if gaps or year.process_gaps:
            out.print("[bold]gaps[/] (rows left without emissions):")
        for gap in gaps:
            out.print(
                f"  {gap.company_id} {gap.carrier.value} {gap.mwh:,.0f} MWh: {gap.reason}",
                markup=False,
                highlight=False,
            )
        for line in year.process_gaps:
            out.print(
                f"  {line.company_id} {line.gas} of {line.source}: {line.gap}",
                markup=False,
                highlight=False,
            )
        out.print("[bold]notes[/]:")
        for note in (*year.notes(method), *result.notes):
            out.print(f"  {note}", markup=False, highlight=False)
    out.print("[bold]factors used[/]:")
    for factor in result.factors_for(method).values():
        out.print(f"  {factor.cite()}", markup=False, highlight=False, soft_wrap=True)
    if result.scope3 is not None:
        _print_scope3(result.scope3)


@inventory_app.command("inventory")
def inventory_command(
    park: ParkArgument,
    year: Annotated[
        int | None, typer.Option("--year", help="Only this year (default: every year)")
    ] = None,
    method: Annotated[
        Scope2Method,
        typer.Option("--method", help="Scope 2 method: location (grid average) or market"),
    ] = Scope2Method.LOCATION,
    gwp: Annotated[
        GwpChoice, typer.Option("--gwp", help="GWP100 values of IPCC AR5 (default) or AR6")
    ] = GwpChoice.AR5,
    series: Annotated[
        GridSeries,
        typer.Option(
            "--series",
            help="Location-based grid series: eea, ember or national (Ember where a country "
            "has none)",
        ),
    ] = GridSeries.EEA,
    scope3: Annotated[
        bool,
        typer.Option(
            "--scope3",
            help="Also give scope 3 from the waste (category 5) and freight (category 4) "
            "sheets, reported apart from scope 1 and 2",
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Scope 1 and 2 greenhouse gas inventory per company and for the park.

    Fuels burnt on site and process emissions (t of gas x GWP100) are scope 1 (IPCC 2006
    default factors for fuels); purchased electricity, district heat and steam are scope 2.
    Biogenic CO2 is shown apart from the scopes. With --scope3, waste and freight give scope 3,
    shown in its own block and never added to scope 1 and 2. Every factor used is listed with
    its source, and rows left without a factor are listed as gaps.
    """
    with _errors(fmt):
        try:
            result = inventory_service.park_inventory(
                _database(), park, year=year, gwp=gwp.value, series=series.value, scope3=scope3
            )
        except ValueError as exc:
            raise ParkloopError(str(exc)) from None
        if fmt is OutputFormat.JSON:
            print(json.dumps(result.as_dict(method.value), ensure_ascii=False, indent=2))
            return
        _print_inventory(result, method.value)
