"""``parkloop heat site``: Total Site heat integration across companies.

The streams come from a CSV with a company column or, with ``--park NAME``, from the
``streams`` sheet stored for a park; both go through :mod:`parkloop.services.heat`.

``parkloop.cli`` registers it with ``heat_app.command("site")(heat_site_command)``. The module
does not import ``parkloop.cli`` at load time, so that registration cannot form an import cycle;
the shared error rendering is looked up when the command runs.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from parkloop.energy.total_site import TotalSiteResult


class SiteFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


METHOD = (
    "Total Site profiles from each company's pocket-free grand composite curve, heat recovery "
    "through an intermediate loop (Klemes et al. 1997; Klemes et al. 2011, section 4.6; "
    "Liew et al. 2012)"
)


def site_document(result: TotalSiteResult) -> dict[str, Any]:
    """The JSON document of a Total Site result (plain numbers, kW and degC)."""
    loop = result.loop
    return {
        "loop": {
            "method": loop.method,
            "loop_dt_k": loop.loop_dt_k,
            "levels_c": list(loop.levels_c),
            "supply_c": loop.supply_c,
            "return_c": loop.return_c,
        },
        "heat_recovery_kw": result.heat_recovery_kw,
        "total_source_kw": result.total_source_kw,
        "total_sink_kw": result.total_sink_kw,
        "companies": [
            {
                "company": b.company,
                "dt_min_k": b.dt_min_k,
                "pinch_shifted_c": p.pinch.pinch_shifted_c,
                "hot_utility_kw": b.hot_utility_kw,
                "cold_utility_kw": b.cold_utility_kw,
                "source_kw": p.source_kw,
                "sink_kw": p.sink_kw,
                "heat_given_kw": b.heat_given_kw,
                "heat_received_kw": b.heat_received_kw,
                "hot_utility_after_kw": b.hot_utility_after_kw,
                "cold_utility_after_kw": b.cold_utility_after_kw,
            }
            for p, b in zip(result.companies, result.balances, strict=True)
        ],
        "site_source_profile": {
            "heat_kw": result.source_profile[0].tolist(),
            "temperature_c": result.source_profile[1].tolist(),
        },
        "site_sink_profile": {
            "heat_kw": result.sink_profile[0].tolist(),
            "temperature_c": result.sink_profile[1].tolist(),
        },
        "loop_bins": [
            {
                "upper_c": b.upper_c,
                "lower_c": b.lower_c,
                "source_kw": b.source_kw,
                "sink_kw": b.sink_kw,
            }
            for b in result.bins
        ],
        "pairs": [
            {
                "source_company": p.source_company,
                "sink_company": p.sink_company,
                "potential_kw": p.potential_kw,
                "allocated_kw": p.allocated_kw,
                "loop_upper_c": p.loop_upper_c,
                "loop_lower_c": p.loop_lower_c,
            }
            for p in result.pairs
        ],
        "method": METHOD,
    }


def heat_site_command(
    streams: Annotated[
        Path | None,
        typer.Argument(
            help="CSV: company,name,supply_c,target_c and cp_kw_per_k or heat_kw; "
            "optional dt_min_k per company. Leave out with --park"
        ),
    ] = None,
    park: Annotated[
        str | None,
        typer.Option("--park", help="Use the streams sheet of this stored park instead of a CSV"),
    ] = None,
    dt_min: Annotated[
        float,
        typer.Option(
            "--dt-min", min=0.0, help="Minimum approach inside a company [K], unless its rows say"
        ),
    ] = 10.0,
    loop_dt: Annotated[
        float | None,
        typer.Option(
            "--loop-dt",
            min=0.0,
            help="Approach between a company and the loop [K]; default the largest dt_min",
        ),
    ] = None,
    steam_level: Annotated[
        list[float] | None,
        typer.Option("--steam-level", help="Steam main saturation temperature [C]; repeatable"),
    ] = None,
    hot_water_supply: Annotated[
        float | None, typer.Option("--hot-water-supply", help="Hot-water loop supply [C]")
    ] = None,
    hot_water_return: Annotated[
        float | None, typer.Option("--hot-water-return", help="Hot-water loop return [C]")
    ] = None,
    ambient: Annotated[
        float | None, typer.Option("--ambient", help="Leave out source heat below this [C]")
    ] = None,
    fmt: Annotated[
        SiteFormat, typer.Option("--format", "-f", help="table for people, json for programs")
    ] = SiteFormat.TABLE,
) -> None:
    """Heat the companies could exchange through a loop (Total Site analysis).

    Give either a streams CSV or --park NAME (the `streams` sheet stored for that park).
    """
    from rich.table import Table

    from parkloop.cli_common import OutputFormat, out
    from parkloop.cli_common import database as _database
    from parkloop.cli_common import errors as _errors
    from parkloop.errors import ParkloopError
    from parkloop.services import heat as heat_service

    if streams is not None and park is not None:
        raise typer.BadParameter("give a streams CSV or --park NAME, not both")
    if streams is None and park is None:
        raise typer.BadParameter("give a streams CSV, or --park NAME for a stored park")
    with _errors(OutputFormat(fmt.value)):
        try:
            options = heat_service.SiteOptions(
                dt_min_k=dt_min,
                loop_dt_k=loop_dt,
                steam_levels_c=steam_level,
                hot_water_supply_c=hot_water_supply,
                hot_water_return_c=hot_water_return,
                ambient_c=ambient,
            )
            if park is not None:
                result = heat_service.park_total_site(_database(), park, options)
            else:
                assert streams is not None
                result = heat_service.csv_total_site(streams, options)
        except ValueError as exc:
            raise ParkloopError(str(exc)) from None
        loop = result.loop
        if fmt is SiteFormat.JSON:
            print(json.dumps(site_document(result), indent=2))
            return
        out.print(f"site heat sources     {result.total_source_kw:,.6g} kW")
        out.print(f"site heat sinks       {result.total_sink_kw:,.6g} kW")
        out.print(
            f"heat recovery         {result.heat_recovery_kw:,.6g} kW "
            f"({loop.method} loop, {loop.loop_dt_k:g} K approach each side)"
        )
        table = Table(title="companies [kW]")
        for column in ("company", "hot before", "cold before", "given", "received", "hot after"):
            table.add_column(column)
        for b in result.balances:
            values = (b.hot_utility_kw, b.cold_utility_kw, b.heat_given_kw, b.heat_received_kw)
            table.add_row(b.company, *(f"{v:,.6g}" for v in (*values, b.hot_utility_after_kw)))
        out.print(table)
        pairs = Table(title="source -> sink [kW, C]")
        for column in ("source", "sink", "potential", "allocated", "loop band"):
            pairs.add_column(column)
        for p in result.pairs:
            if p.potential_kw > 0:
                band = f"{p.loop_lower_c:g}-{p.loop_upper_c:g}"
                pairs.add_row(
                    p.source_company,
                    p.sink_company,
                    f"{p.potential_kw:,.6g}",
                    f"{p.allocated_kw:,.6g}",
                    band,
                )
        out.print(pairs)
