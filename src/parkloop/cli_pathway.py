"""``parkloop pathway``: a park's target, scenarios and gap, a thin face over the service.

Registered on the main app by ``app.add_typer(pathway_app)`` in :mod:`parkloop.cli`, which adds
the ``pathway`` command at the top level. The chart is a hand-built SVG (:func:`pathway_svg`).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape as markup_escape
from rich.table import Table

from parkloop.cli_common import (
    OutputFormat,
    out,
)
from parkloop.cli_common import database as _database
from parkloop.cli_common import errors as _errors
from parkloop.cli_toolbox import parse_end_use_shares
from parkloop.climate.pathway import Pathway
from parkloop.climate.pathway_svg import pathway_svg
from parkloop.services import pathway as pathway_service
from parkloop.services.pathway import ParkPathway

pathway_app = typer.Typer(
    help="A park's pathway to climate neutrality: target, scenarios and the gap.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


#: Line colours of the scenarios, in order (the target is drawn in black).
class Scope2Method(StrEnum):
    LOCATION = "location"
    MARKET = "market"


def parse_milestone(text: str) -> tuple[int, float]:
    """``YEAR:SHARE`` (``2030:0.55``) as ``(2030, 0.55)``.

    Examples
    --------
    >>> parse_milestone("2045:1")
    (2045, 1.0)
    """
    year, _, share = text.partition(":")
    try:
        return int(year), float(share)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r}: write YEAR:SHARE with the reduction as a fraction, e.g. 2030:0.55 or "
            "2045:1.0",
            param_hint="--target",
        ) from None


def _t(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _milestones_text(result: ParkPathway) -> str:
    return ", ".join(
        f"{year} {'net zero' if share >= 1.0 else f'-{share:.0%}'}"
        for year, share in result.comparison.target.milestones
    )


def _heading(result: ParkPathway) -> None:
    target = result.comparison.target
    lines = (
        f"[bold]Pathway of {markup_escape(result.park)}[/] (t CO2e per year, scope 1+2, "
        f"scope 2 {result.method}-based)",
        f"baseline {target.baseline_year}: {_t(target.baseline_tco2e)} t CO2e; "
        f"target: {_milestones_text(result)} (linear between milestones)",
        "gap = emissions - target; positive: short of the target",
    )
    for line in lines:
        out.print(line, highlight=False, soft_wrap=True)


def _side_by_side(result: ParkPathway) -> Table:
    table = Table(title="target and emissions of each scenario [t CO2e]")
    table.add_column("year", justify="right")
    table.add_column("target", justify="right")
    for item in result.comparison.pathways:
        table.add_column(markup_escape(item.scenario.name), justify="right")
        table.add_column("gap", justify="right")
    for row in result.comparison.rows():
        cells = [str(row["year"]), _t(row["target_tco2e"])]
        for item in result.comparison.pathways:
            values = row[item.scenario.name]
            cells += [_t(values["emissions_tco2e"]), _t(values["gap_tco2e"])]
        table.add_row(*cells)
    return table


def _scenario_report(item: Pathway) -> None:
    name = item.scenario.name
    met = "never in the span" if item.first_year_met is None else str(item.first_year_met)
    out.print(f"[bold]scenario {markup_escape(name)}[/]: target first met {met}", highlight=False)
    if item.met_from is not None:
        out.print(f"  met in every year from {item.met_from}", highlight=False)
    zero = "not in the span" if item.net_zero_reached is None else str(item.net_zero_reached)
    out.print(f"  zero emissions: {zero}", highlight=False)
    for row in item.milestones():
        state = "met" if row.met else "short"
        out.print(f"  {row.year}: gap {_t(row.gap_tco2e)} t CO2e ({state})", highlight=False)
    if item.scenario.actions:
        table = Table(title=f"actions of {name} (t CO2e/yr at full effect)")
        for column in ("kind", "id", "label", "years", "t/yr", "range", "source"):
            table.add_column(column, overflow="fold")
        for action in item.scenario.actions:
            low, high = action.value("low"), action.value("high")
            table.add_row(
                action.kind,
                action.id,
                action.label,
                f"{action.start_year}-{action.full_year}",
                _t(action.tco2e_per_yr),
                "" if low == high else f"{_t(low)} to {_t(high)}",
                action.source,
            )
        out.print(table)
    else:
        out.print("  no actions", highlight=False)
    if item.scenario.background is not None:
        background = item.scenario.background
        points = ", ".join(f"{y}: {_t(t)}" for y, t in background.points)
        out.print(
            f"  {background.label}: {points} t CO2e below baseline ({background.source})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for note in item.scenario.notes:
        out.print(f"  note: {note}", markup=False, highlight=False, soft_wrap=True)


# --- The chart ------------------------------------------------------------------------------


@pathway_app.command("pathway")
def pathway_command(
    park: Annotated[str, typer.Argument(help="Name of the park (see `parkloop parks`)")],
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            help="Milestone YEAR:SHARE, the reduction vs the baseline as a fraction "
            "(2030:0.55; 1.0 is net zero); repeat for several. Default: the EU's 2030:0.55 "
            "and 2050:1.0 (Regulation (EU) 2021/1119)",
        ),
    ] = None,
    scenario: Annotated[
        list[Path] | None,
        typer.Option("--scenario", "-s", help="A YAML or JSON scenario file; repeat for more"),
    ] = None,
    no_default: Annotated[
        bool,
        typer.Option("--no-default", help="Leave out the default scenario (the park's data)"),
    ] = False,
    method: Annotated[
        Scope2Method, typer.Option("--method", help="Scope 2 method of the baseline")
    ] = Scope2Method.LOCATION,
    baseline_year: Annotated[
        int | None,
        typer.Option("--baseline-year", help="Baseline year (default: the inventory's first)"),
    ] = None,
    until: Annotated[
        int | None, typer.Option("--until", help="Last year (default: last milestone year)")
    ] = None,
    end_use_share: Annotated[
        list[str] | None,
        typer.Option(
            "--end-use-share",
            help="carrier:end_use=fraction, a sourced share for the recommender (repeat)",
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table for people, json for programs")
    ] = OutputFormat.TABLE,
    svg: Annotated[
        Path | None, typer.Option("--svg", help="Write the chart (target vs scenarios) here")
    ] = None,
) -> None:
    """The park's pathway to climate neutrality: target, scenarios year by year, the gap.

    The baseline is the park's scope 1 + 2 inventory in its first year. The default scenario
    adds up implemented synergies (impact accounting) and recommended measures with an
    estimated abatement (toolbox); scenario files add renewables, other measures and a
    background change. Gap = emissions - target, in t CO2e; positive is short of the target.
    """
    milestones = [parse_milestone(t) for t in target] if target else None
    with _errors(fmt):
        shares = parse_end_use_shares(end_use_share or [])
        result = pathway_service.park_pathway(
            _database(),
            park,
            milestones,
            scenario_files=scenario or [],
            include_default=not no_default,
            method=method.value,
            baseline_year=baseline_year,
            until=until,
            end_use_shares=shares,
        )
        if svg is not None:
            chart = pathway_svg(
                result.comparison,
                inventory_tco2e=result.inventory_tco2e,
                title=f"Pathway of {markup_escape(result.park)} (t CO2e/yr, scope 1+2)",
            )
            svg.write_text(chart, encoding="utf-8")
        if fmt is OutputFormat.JSON:
            print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        _heading(result)
        out.print(_side_by_side(result))
        for item in result.comparison.pathways:
            _scenario_report(item)
        out.print("[bold]notes[/]:")
        for note in result.notes:
            out.print(f"  {note}", markup=False, highlight=False, soft_wrap=True)
        if svg is not None:
            out.print(f"chart written to {svg}", markup=False, highlight=False)
