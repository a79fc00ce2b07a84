"""``parkloop toolbox``: the measures catalogue and recommendations, a thin face over services.

Registered on the main command as ``app.add_typer(toolbox_app, name="toolbox")``. The functions
for output and errors mirror those of :mod:`parkloop.cli` (this module cannot import that one,
which imports this one).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parkloop.cli_common import (
    FormatOption,
    OutputFormat,
    out,
)
from parkloop.cli_common import database as _database
from parkloop.cli_common import errors as _errors
from parkloop.reference.measures import FIGURE_FIELDS, Measure
from parkloop.services import toolbox as toolbox_service
from parkloop.toolbox.macc import macc_svg
from parkloop.toolbox.model import (
    CompanyRecommendations,
    CostInputs,
    EndUseShare,
    Estimate,
    ParkRecommendations,
    Recommendation,
)

toolbox_app = typer.Typer(
    help="The toolbox: technical measures, recommendations for companies and parks, the MACC.",
    no_args_is_help=True,
)
SHARE_SOURCE = "given on the command line (--end-use-share)"


class Case(StrEnum):
    LOW = "low"
    CENTRAL = "central"
    HIGH = "high"


CatalogueOption = Annotated[
    Path | None,
    typer.Option("--catalogue", help="A catalogue file of your own, added to the built-in one"),
]


def _json(document: Any) -> None:
    print(json.dumps(document, ensure_ascii=False, indent=2, default=str))


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    out.print(table)


def _cell(estimate: Estimate | None) -> str:
    return "" if estimate is None else estimate.describe()


def _parse_prices(items: Sequence[str]) -> dict[str, float]:
    prices: dict[str, float] = {}
    for item in items:
        carrier, sep, number = item.partition("=")
        try:
            value = float(number)
        except ValueError:
            value = None
        if not sep or not carrier.strip() or value is None:
            raise typer.BadParameter(
                f"{item!r}: write carrier=EUR_per_MWh, e.g. electricity=85", param_hint="--price"
            )
        prices[carrier.strip()] = value
    return prices


def parse_end_use_shares(items: Sequence[str]) -> list[EndUseShare]:
    """``carrier:end_use=fraction`` options as end-use shares given on the command line."""
    shares = []
    for item in items:
        head, sep, number = item.rpartition("=")
        carrier, colon, end_use = head.partition(":")
        try:
            value = float(number)
        except ValueError:
            value = None
        if not sep or not colon or value is None:
            raise typer.BadParameter(
                f"{item!r}: write carrier:end_use=fraction, e.g. electricity:compressed_air=0.1",
                param_hint="--end-use-share",
            )
        shares.append(EndUseShare(carrier.strip(), end_use.strip(), value, SHARE_SOURCE))
    return shares


def _costs(prices: Sequence[str], discount_rate: float | None) -> CostInputs | None:
    if not prices and discount_rate is None:
        return None
    if discount_rate is None:
        raise typer.BadParameter(
            "costs need a discount rate: give --discount-rate R as a fraction per year",
            param_hint="--discount-rate",
        )
    if not prices:
        raise typer.BadParameter(
            "a discount rate needs energy prices: give --price carrier=EUR_per_MWh",
            param_hint="--price",
        )
    return CostInputs(_parse_prices(prices), discount_rate)


def _measure_row(measure: Measure) -> dict[str, Any]:
    rule = measure.applicability
    return {
        "id": measure.id,
        "name": measure.name,
        "level": measure.level,
        "topic": measure.topic,
        "evidence": measure.evidence,
        "end_use": rule.end_use,
        "carriers": list(rule.carriers) if rule.carriers is not None else "any",
        "nace": list(rule.nace) if rule.nace is not None else "any",
        "figures": ", ".join(measure.figures()) or "none",
    }


@toolbox_app.command("list")
def list_command(
    level: Annotated[str | None, typer.Option("--level", help="company or park")] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", help="e.g. compressed_air, steam, heat_pumps")
    ] = None,
    catalogue: CatalogueOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the measures of the toolbox and which sourced figures each has."""
    with _errors(fmt):
        measures = toolbox_service.list_measures(level=level, topic=topic, catalogue=catalogue)
        rows = [_measure_row(m) for m in measures]
        if fmt is OutputFormat.JSON:
            _json(rows)
            return
        _table(rows, ["id", "level", "topic", "evidence", "figures"], "toolbox measures")


def _show_table(measure: Measure) -> None:
    rule = measure.applicability
    out.print(f"[bold]{measure.name}[/] ({measure.id})")
    out.print(f"level {measure.level}, topic {measure.topic}, evidence {measure.evidence}")
    out.print(measure.description, markup=False, highlight=False)
    nace = ", ".join(rule.nace) if rule.nace is not None else "any sector"
    carriers = ", ".join(rule.carriers) if rule.carriers is not None else "any carrier"
    out.print(f"applies to: {nace}; carriers: {carriers}; end use: {rule.end_use}", markup=False)
    out.print(f"CO2: {measure.co2}", markup=False, highlight=False)
    table = Table(title="figures")
    for column in ("field", "figure", "basis", "source"):
        table.add_column(column, overflow="fold")
    for name in FIGURE_FIELDS:
        figure = getattr(measure, name)
        if figure is None:
            table.add_row(name, "no sourced figure", "", "")
            continue
        where = f", {figure.page}" if figure.page else ""
        table.add_row(
            name, figure.describe(), figure.basis or "", f"{figure.source.citation}{where}"
        )
    out.print(table)


@toolbox_app.command("show")
def show_command(
    measure_id: Annotated[str, typer.Argument(help="Id of the measure (see `toolbox list`)")],
    catalogue: CatalogueOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show one measure: description, where it applies, and every figure with its source."""
    with _errors(fmt):
        measure = toolbox_service.get_measure(measure_id, catalogue=catalogue)
        if fmt is OutputFormat.JSON:
            document = asdict(measure)
            document["missing_figures"] = [f for f in FIGURE_FIELDS if f not in measure.figures()]
            _json(document)
            return
        _show_table(measure)


def _rec_row(rec: Recommendation, case: str) -> dict[str, Any]:
    why = [*rec.reasons, *(f"check: {c}" for c in rec.to_check)]
    if rec.missing:
        why.append(f"missing: {', '.join(rec.missing)}")
    return {
        "measure": rec.measure_id,
        "status": f"{rec.status}, {'costed' if rec.costed else 'not costed'}",
        "saving": rec.saving or "",
        "MWh/yr": _cell(rec.saving_mwh),
        "t CO2e/yr": _cell(rec.co2e_t),
        "EUR/yr": _cell(rec.energy_cost_saving_eur),
        f"EUR/t ({case})": _cell(rec.abatement_cost_eur_per_t),
        "payback yr": _cell(rec.payback_years),
        "why": "; ".join(why),
    }


def _print_notes(notes: Sequence[str]) -> None:
    for note in notes:
        out.print(f"note: {note}", markup=False, highlight=False)


def _company_table(result: CompanyRecommendations) -> None:
    rows = [_rec_row(r, result.case) for r in result.recommendations]
    columns = ["measure", "status", "saving", "MWh/yr", "t CO2e/yr"]
    columns += [f"EUR/t ({result.case})", "payback yr", "why"]
    title = f"measures for {result.company_id} {result.name} ({result.year or 'no energy data'})"
    _table(rows, columns, title)
    out.print(f"{len(result.not_applicable)} measures do not apply (see --format json)")
    _print_notes(result.notes)


def _park_table(result: ParkRecommendations) -> None:
    case = result.case
    rows = [
        {
            "measure": t.measure_id,
            "companies": len(t.companies),
            "estimated": len(t.estimated),
            "costed": len(t.costed),
            "MWh/yr": _cell(t.saving_mwh),
            "t CO2e/yr": _cell(t.co2e_t),
            f"EUR/t ({case})": _cell(t.abatement_cost_eur_per_t),
        }
        for t in result.totals
    ]
    columns = ["measure", "companies", "estimated", "costed", "MWh/yr", "t CO2e/yr"]
    _table(rows, [*columns, f"EUR/t ({case})"], f"company measures in {result.park}")
    park_rows = [_rec_row(r, case) for r in result.park_measures]
    park_columns = ["measure", "status", "MWh/yr", "t CO2e/yr", f"EUR/t ({case})", "why"]
    _table(park_rows, park_columns, f"park-level measures in {result.park}")
    macc = result.macc
    out.print(
        f"MACC ({case} case): {len(macc.bars)} costed measures, "
        f"{macc.total_co2e_t_per_yr:,.6g} t CO2e/yr; {len(macc.omitted)} left out"
    )
    _print_notes(result.notes)


@toolbox_app.command("recommend")
def recommend_command(
    park: Annotated[str, typer.Argument(help="Name of the park (see `parkloop parks`)")],
    company: Annotated[
        str | None, typer.Option("--company", help="Only this company (its id)")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Year of energy use (default: the latest)")
    ] = None,
    price: Annotated[
        list[str] | None,
        typer.Option("--price", help="Energy price as carrier=EUR_per_MWh; repeat per carrier"),
    ] = None,
    discount_rate: Annotated[
        float | None,
        typer.Option(
            "--discount-rate", help="Discount rate as a fraction per year; needed with --price"
        ),
    ] = None,
    end_use_share: Annotated[
        list[str] | None,
        typer.Option(
            "--end-use-share",
            help="Measured share of a carrier going to an end use, as carrier:end_use=fraction",
        ),
    ] = None,
    case: Annotated[
        Case, typer.Option("--case", help="Which case ranks measures and draws the MACC")
    ] = Case.CENTRAL,
    macc_path: Annotated[
        Path | None, typer.Option("--macc-svg", help="Write the park's MACC as an SVG file")
    ] = None,
    catalogue: CatalogueOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Recommend measures for a park's companies (or one company), ranked by EUR/t and payback.

    Savings in MWh need a measured end-use share (--end-use-share); money needs --price for
    every carrier saved and --discount-rate. Nothing missing is filled in: such measures are
    listed as applicable and not costed, with the missing figures named.
    """
    with _errors(fmt):
        costs = _costs(price or [], discount_rate)
        shares = parse_end_use_shares(end_use_share or [])
        if company is not None:
            if macc_path is not None:
                raise typer.BadParameter("the MACC is drawn for a park: leave out --company")
            one = toolbox_service.recommend_for_company(
                _database(),
                park,
                company,
                year=year,
                costs=costs,
                end_use_shares=shares,
                catalogue=catalogue,
                case=case.value,
            )
            if fmt is OutputFormat.JSON:
                _json(asdict(one))
            else:
                _company_table(one)
            return
        result = toolbox_service.recommend_for_park(
            _database(),
            park,
            year=year,
            costs=costs,
            end_use_shares=shares,
            catalogue=catalogue,
            case=case.value,
        )
        if macc_path is not None:
            macc_path.write_text(macc_svg(result.macc, title=f"MACC of {park}"), encoding="utf-8")
        if fmt is OutputFormat.JSON:
            _json(asdict(result))
        else:
            _park_table(result)
