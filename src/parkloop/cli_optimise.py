"""``parkloop optimise``: choose a stored park's exchanges, a thin face over the service.

Registered on the main app by ``app.command("optimise")(optimise_command)`` in
:mod:`parkloop.cli`. The model and its equations are in ``docs/methods.md``.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape as markup_escape
from rich.table import Table

from parkloop.cli_common import OutputFormat, out
from parkloop.cli_common import database as _database
from parkloop.cli_common import errors as _errors
from parkloop.optimise.pareto import pareto_svg
from parkloop.services import optimise as optimise_service


@contextmanager
def _solver_output_to_stderr() -> Iterator[None]:
    """Send what the solver library writes to file descriptor 1 to standard error instead.

    HiGHS prints a banner from C code, which Python's ``sys.stdout`` redirection cannot catch;
    it would break the JSON on standard output.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _money(value: float | None) -> str:
    return "" if value is None else f"{round(value) + 0:,.0f}"


def _tonnes(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def _links_table(document: dict[str, Any]) -> Table:
    table = Table(title="chosen links")
    for column in ("link", "resource", "flow", "unit/yr", "km", "cost EUR/yr", "CO2e avoided t/yr"):
        table.add_column(column, overflow="fold")
    for link in document["links"]:
        table.add_row(
            link["id"],
            markup_escape(link["name"]),
            f"{link['flow']:,.1f}",
            link["unit"],
            f"{link['distance_km']:.1f}",
            _money(link["cost_eur_per_yr"]),
            _tonnes(link["co2e_avoided_t_per_yr"]),
        )
    return table


def _print_table(document: dict[str, Any]) -> None:
    solver = document["solver"]
    lines = [
        f"[bold]Optimisation of {markup_escape(document['park'])}[/] at "
        f"{document['carbon_price_eur_per_t']:g} EUR/t CO2e",
        f"solver: {solver['status']} ({solver['termination']}), gap "
        f"{'' if solver['mip_gap'] is None else format(solver['mip_gap'], '.4f')} "
        f"(asked {solver['gap_requested']:g})",
        f"objective {_money(document['objective_eur_per_yr'])} EUR/yr = cost "
        f"{_money(document['cost_eur_per_yr'])} EUR/yr + price x CO2e change "
        f"{_tonnes(document['co2e_t_per_yr'])} t/yr",
        f"{len(document['links'])} links chosen of {document['candidates']} candidates; "
        f"{len(document['left_out'])} matches left out",
    ]
    for line in lines:
        out.print(line, highlight=False, soft_wrap=True)
    if solver["message"]:
        out.print(solver["message"], markup=False, highlight=False, soft_wrap=True)
    out.print(_links_table(document))
    check = document["balance_check"]
    state = "hold" if check["ok"] else "DO NOT hold"
    out.print(f"balances re-checked: {check['checked']} limits {state}", highlight=False)
    for violation in check["violations"]:
        out.print(f"  {violation}", markup=False, highlight=False)
    reasons = Counter(item["reason"].split(";")[0] for item in document["left_out"])
    if reasons:
        out.print("[bold]left out[/] (matches, by reason):")
        for reason, count in reasons.most_common():
            out.print(f"  {count} x {reason}", markup=False, highlight=False, soft_wrap=True)
    out.print("[bold]shared assets not offered[/]:")
    for item in document["missing_asset_data"]:
        out.print(
            f"  {item['kind']}: missing {', '.join(item['missing'])}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    out.print(f"[bold]factors used[/]: {len(document['factors'])} (sources with --format json)")
    if document["pareto"] is not None:
        table = Table(title="cost against CO2e (Pareto front, no carbon price)")
        for column in ("CO2e cap t/yr", "cost EUR/yr", "CO2e t/yr", "links", "gap"):
            table.add_column(column)
        for row in document["pareto"]["points"]:
            table.add_row(
                _tonnes(row["co2e_cap_t_per_yr"]),
                _money(row["cost_eur_per_yr"]),
                _tonnes(row["co2e_t_per_yr"]),
                str(row["links_built"]),
                "" if row["gap"] is None else f"{row['gap']:.4f}",
            )
        out.print(table)
    for note in document["notes"]:
        out.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)


def optimise_command(
    park: Annotated[str, typer.Argument(help="Name of the park (see `parkloop parks`)")],
    carbon_price: Annotated[
        float,
        typer.Option(
            "--carbon-price",
            min=0.0,
            metavar="EUR_PER_T",
            help="Carbon price in the objective [EUR/t CO2e]. Required: no shipped data file "
            "holds a sourced price",
        ),
    ],
    pareto: Annotated[
        int,
        typer.Option(
            "--pareto",
            min=0,
            metavar="N",
            help="Also trace the cost/CO2e front with N points (at least 2; 0: none)",
        ),
    ] = 0,
    gap: Annotated[
        float, typer.Option("--gap", help="Relative MIP gap of each solve, in [0, 1)")
    ] = 0.01,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table for people, json for programs")
    ] = OutputFormat.TABLE,
    pareto_svg_path: Annotated[
        Path | None,
        typer.Option("--pareto-svg", metavar="FILE", help="Write the front as an SVG chart here"),
    ] = None,
) -> None:
    """Choose which of a park's matches to build: least cost + carbon price x CO2e.

    Candidate links are the stored matches (run `parkloop match --park NAME` first) with a
    listed demand flow; their cost and avoided CO2e per unit come from the impact calculation
    and its sourced factors. Matches without such figures are left out and listed with the
    reason. Supplies, demands and link bounds are re-checked from the solution.
    """
    if not 0.0 <= gap < 1.0:
        raise typer.BadParameter(f"{gap:g} is not a fraction in [0, 1)", param_hint="--gap")
    if pareto == 1:
        raise typer.BadParameter(
            "a front needs at least 2 points (or 0: none)", param_hint="--pareto"
        )
    if pareto_svg_path is not None and pareto == 0:
        raise typer.BadParameter(
            "give --pareto N (N >= 2) to draw a front", param_hint="--pareto-svg"
        )
    with _errors(fmt):
        with _solver_output_to_stderr():
            result = optimise_service.optimise_park(
                _database(),
                park,
                carbon_price_eur_per_t=carbon_price,
                pareto_points=pareto,
                gap=gap,
            )
        document = result.as_dict()
        if pareto_svg_path is not None and result.pareto is not None:
            pareto_svg_path.write_text(pareto_svg(result.pareto.points), encoding="utf-8")
        if fmt is OutputFormat.JSON:
            print(json.dumps(document, ensure_ascii=False, indent=2))
            return
        _print_table(document)
        if pareto_svg_path is not None:
            out.print(f"front written to {pareto_svg_path}", markup=False, highlight=False)
