"""The ``parkloop`` command: a thin face over the services."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from parkloop import __version__
from parkloop.cli_common import (
    FormatOption,
    OutputFormat,
    ParkArgument,
    err,
    out,
)
from parkloop.cli_common import database as _database
from parkloop.cli_common import emit as _emit
from parkloop.cli_common import errors as _errors
from parkloop.errors import Issue, ParkloopError, ValidationError
from parkloop.io.write import WorkbookFormat
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.settings import get_settings

app = typer.Typer(
    name="parkloop",
    help="Industrial symbiosis, energy synergies and climate pathways for industrial parks.\n\n"
    "The database is PARKLOOP_DATABASE_URL, else a SQLite file in PARKLOOP_DATA_DIR, else in "
    "a per-user data folder.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"parkloop {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version")
    ] = False,
) -> None:
    """Industrial symbiosis, energy synergies and climate pathways for industrial parks."""


@contextmanager
def _stages(stages: Sequence[str], enabled: bool) -> Iterator[Callable[[str], None]]:
    """A rich progress bar that moves through named stages."""
    if not enabled:
        yield lambda _stage: None
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    with progress:
        task = progress.add_task("starting", total=len(stages))

        def advance(stage: str) -> None:
            done = stages.index(stage) if stage in stages else len(stages)
            progress.update(task, completed=done, description=stage)

        yield advance


@app.command("init")
def init_command() -> None:
    """Create the database (or upgrade it to the newest schema)."""
    with _errors():
        database = _database()
        database.migrate()
        out.print(f"database ready: {database.engine.url.render_as_string(hide_password=True)}")


@app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="A folder of CSV files, an .xlsx or a .json")],
    park: Annotated[
        str | None,
        typer.Option("--park", help="Target park; overrides the name in the park sheet"),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Import a park workbook (all or nothing).

    Every problem is listed with its sheet, row and column, and nothing is written unless the
    whole workbook is valid. Rows whose ids already exist in the park are updated in place.
    """
    with _errors(fmt):
        database = _database()
        database.migrate()
        stages = ["reading", "checking", "writing", "done"]
        with _stages(stages, enabled=fmt is OutputFormat.TABLE and sys.stderr.isatty()) as step:
            report = park_service.import_workbook(database, path, park=park, progress=step)
        if fmt is OutputFormat.JSON:
            print(json.dumps(asdict(report)))
        else:
            verb = "created" if report.created else "updated"
            out.print(
                f"park {report.park!r} {verb}: {report.companies} companies, "
                f"{report.flows} flows, {report.energy_rows} energy rows"
            )


@app.command("export")
def export_command(
    park: ParkArgument,
    path: Annotated[Path, typer.Argument(help="A folder (CSV), or a file ending .xlsx or .json")],
    fmt: Annotated[
        WorkbookFormat | None,
        typer.Option("--format", "-f", help="csv, xlsx or json; by default from PATH"),
    ] = None,
) -> None:
    """Export a park as a workbook that `parkloop import` reads back unchanged."""
    with _errors():
        written = park_service.export_park(_database(), park, path, fmt)
        out.print(f"wrote {written}")


@app.command("demo")
def demo_command(
    fmt: FormatOption = OutputFormat.TABLE,
    accounts: Annotated[
        bool,
        typer.Option(
            "--accounts/--no-accounts",
            help="Also create demo accounts (shared password; not in production), match the "
            "park and start two synergies",
        ),
    ] = True,
) -> None:
    """Load (or refresh) the demo park: a fictional Baltic harbour town industrial area."""
    from parkloop.services import demo

    with _errors(fmt):
        database = _database()
        report = park_service.load_demo(database)
        people = []
        if accounts and get_settings().environment != "production":
            people = demo.load_demo_activity(database, report.park)
        if fmt is OutputFormat.JSON:
            body = asdict(report) | {
                "accounts": [{"email": p.email, "role": p.role.value} for p in people]
            }
            print(json.dumps(body))
            return
        out.print(
            f"demo park {report.park!r}: {report.companies} companies, "
            f"{report.flows} flows, {report.energy_rows} energy rows"
        )
        if people:
            out.print(f"demo accounts (password [bold]{demo.DEMO_PASSWORD}[/]):")
            for p in people:
                company = f" of {p.company_id}" if p.company_id else ""
                out.print(f"  {p.email:<36} {p.role.value}{company}")


@app.command("parks")
def parks_command(fmt: FormatOption = OutputFormat.TABLE) -> None:
    """List the parks in the database."""
    with _errors(fmt):
        rows = [asdict(p) for p in park_service.list_parks(_database())]
        _emit(fmt, rows, ["name", "country", "municipality", "companies", "flows"], "parks")


@app.command("companies")
def companies_command(park: ParkArgument, fmt: FormatOption = OutputFormat.TABLE) -> None:
    """List the companies of a park."""
    with _errors(fmt):
        rows = [asdict(c) for c in park_service.list_companies(_database(), park)]
        _emit(
            fmt,
            rows,
            ["id", "name", "nace", "country", "employees", "visibility"],
            f"companies of {park}",
        )


@app.command("flows")
def flows_command(
    park: ParkArgument,
    company: Annotated[str | None, typer.Option(help="Only this company's flows (its id)")] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """List the resource flows of a park (supplies and demands)."""
    with _errors(fmt):
        flows = park_service.list_flows(_database(), park, company)
        rows = []
        for flow in flows:
            row = asdict(flow)
            normalised = flow.normalised()
            row["per_year"] = (
                f"{normalised.value:.6g} {normalised.unit}/yr"
                if normalised and normalised.per_year and normalised.value is not None
                else None
            )
            rows.append(row)
        _emit(
            fmt,
            rows,
            [
                "id",
                "company_id",
                "direction",
                "category",
                "name",
                "ewc",
                "quantity",
                "unit",
                "per",
                "per_year",
                "confidentiality",
            ],
            f"flows of {park}",
        )


@app.command("match")
def match_command(
    park: Annotated[
        str | None, typer.Option("--park", help="Match a stored park and store the matches")
    ] = None,
    companies: Annotated[
        Path | None, typer.Option("--companies", help="companies.csv of a workbook (no database)")
    ] = None,
    flows: Annotated[
        Path | None, typer.Option("--flows", help="flows.csv of a workbook (no database)")
    ] = None,
    cases: Annotated[
        Path | None,
        typer.Option("--cases", help="A case file replacing the built-in case library"),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Candidates per supply flow")] = 10,
    radius_km: Annotated[
        float, typer.Option("--radius-km", min=0.0, help="Largest distance to a candidate [km]")
    ] = 50.0,
    road_factor: Annotated[
        float | None,
        typer.Option("--road-factor", min=1.0, help="Road km per straight-line km (default 1.2)"),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="local (in-process) or dask (PARKLOOP_DASK_ADDRESS or a local cluster)"
        ),
    ] = "local",
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Propose, for every supply flow, the companies that could use it, best first.

    Give either --park NAME (the database; the matches are stored) or --companies and --flows
    (a workbook's CSV files; nothing is stored).
    """
    from parkloop.matching.engine import MatchOptions
    from parkloop.services import matching as matching_service

    with _errors(fmt):
        options = MatchOptions(top_k=top, radius_km=radius_km, road_circuity=road_factor)
        if engine not in ("local", "dask"):
            raise typer.BadParameter(f"unknown engine {engine!r}; choose local or dask")
        if park is not None and (companies or flows):
            raise typer.BadParameter("give --park or --companies/--flows, not both")
        if park is not None:
            database = _database()
            database.migrate()
            results = matching_service.match_park(
                database, park, options=options, cases_path=cases, engine=engine
            ).results
        elif companies is not None and flows is not None:
            results = matching_service.match_files(
                companies, flows, options=options, cases_path=cases, engine=engine
            )
        else:
            raise typer.BadParameter("give --park NAME, or both --companies and --flows")
        if fmt is OutputFormat.JSON:
            document = {"results": [r.as_dict() for r in results]}
            print(json.dumps(document, ensure_ascii=False, indent=2))
            return
        table = Table(title="matches")
        for column in ("supply", "candidate", "demand", "score", "km", "why"):
            table.add_column(column, overflow="fold")
        for result in results:
            for candidate in result.candidates:
                table.add_row(
                    result.supply_flow_id,
                    candidate.company_id,
                    candidate.demand_flow_id or "",
                    f"{candidate.score:.2f}",
                    f"{candidate.distance_km:.1f}",
                    candidate.reasons[0],
                )
        out.print(table)


@app.command("evaluate")
def evaluate_command(
    cases: Annotated[Path, typer.Option("--cases", help="A case file with a case column")],
    distractors: Annotated[
        int, typer.Option("--distractors", min=0, help="Distractor companies per case")
    ] = 10,
    seed: Annotated[int, typer.Option(help="Seed for drawing the distractors")] = 20261124,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Leave-one-case-out recall@1/5/10 and MRR of the engine against baselines."""
    from parkloop.matching.cases import read_cases
    from parkloop.matching.evaluate import evaluate

    with _errors(fmt):
        loaded = read_cases(cases)
        with _stages([], enabled=False):
            scores = evaluate(loaded, n_distractors=distractors, seed=seed)
        rows = [
            {
                "method": s.method,
                "recall@1": round(s.recall[1], 3),
                "recall@5": round(s.recall[5], 3),
                "recall@10": round(s.recall[10], 3),
                "mrr": round(s.mrr, 3),
                "queries": s.queries,
            }
            for s in scores
        ]
        _emit(
            fmt,
            rows,
            ["method", "recall@1", "recall@5", "recall@10", "mrr", "queries"],
            f"leave-one-case-out on {cases.name}",
        )


heat_app = typer.Typer(
    help="Waste heat between neighbours: pinch analysis and Total Site integration.",
    no_args_is_help=True,
)
app.add_typer(heat_app, name="heat")


@heat_app.command("pinch")
def heat_pinch_command(
    streams: Annotated[
        Path,
        typer.Argument(help="CSV: name,supply_c,target_c and cp_kw_per_k or heat_kw"),
    ],
    dt_min: Annotated[
        float, typer.Option("--dt-min", min=0.0, help="Minimum approach temperature [K]")
    ] = 10.0,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Minimum hot and cold utility, pinch and curves (Problem Table Algorithm)."""
    from parkloop.energy.pinch import problem_table
    from parkloop.io.streams import read_streams

    with _errors(fmt):
        try:
            result = problem_table(read_streams(streams), dt_min)
        except ValueError as exc:
            raise ParkloopError(str(exc)) from None
        document = {
            "dt_min_k": result.dt_min_k,
            "hot_utility_kw": result.hot_utility_kw,
            "cold_utility_kw": result.cold_utility_kw,
            "pinch_shifted_c": result.pinch_shifted_c,
            "pinch_hot_c": result.pinch_hot_c,
            "pinch_cold_c": result.pinch_cold_c,
            "grand_composite": {
                "shifted_c": result.shifted_c.tolist(),
                "heat_kw": result.cascade_kw.tolist(),
            },
            "hot_composite": {
                "heat_kw": result.hot_composite[0].tolist(),
                "temperature_c": result.hot_composite[1].tolist(),
            },
            "cold_composite": {
                "heat_kw": (result.cold_composite[0] + result.cold_utility_kw).tolist(),
                "temperature_c": result.cold_composite[1].tolist(),
            },
            "method": "Problem Table Algorithm (Linnhoff and Flower 1978; Kemp 2007, ch. 2)",
        }
        if fmt is OutputFormat.JSON:
            print(json.dumps(document, indent=2))
            return
        pinch = (
            f"{result.pinch_shifted_c:g} C shifted ({result.pinch_hot_c:g} C hot / "
            f"{result.pinch_cold_c:g} C cold)"
            if result.pinch_shifted_c is not None
            else "none (threshold problem)"
        )
        out.print(f"minimum hot utility  {result.hot_utility_kw:,.6g} kW")
        out.print(f"minimum cold utility {result.cold_utility_kw:,.6g} kW")
        out.print(f"pinch                {pinch}")


def _register_extensions() -> None:
    """Command groups that live in their own modules."""
    from parkloop.cli_backup import backup_command, restore_command
    from parkloop.cli_certify import certify_app
    from parkloop.cli_climate import inventory_app
    from parkloop.cli_heat_site import heat_site_command
    from parkloop.cli_jobs import jobs_app
    from parkloop.cli_optimise import optimise_command
    from parkloop.cli_pathway import pathway_app
    from parkloop.cli_toolbox import toolbox_app

    app.add_typer(inventory_app)
    app.add_typer(certify_app, name="certify")
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    app.add_typer(pathway_app)
    app.add_typer(toolbox_app, name="toolbox")
    heat_app.command("site")(heat_site_command)
    app.command("optimise")(optimise_command)
    app.add_typer(jobs_app, name="jobs")


_register_extensions()

user_app = typer.Typer(help="Accounts and their roles.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add_command(
    email: Annotated[str, typer.Argument(help="E-mail address (the sign-in name)")],
    name: Annotated[str, typer.Option(help="Name shown in the platform")],
    role: Annotated[
        str,
        typer.Option(help="admin, facilitator, municipal_officer, auditor or company_member"),
    ],
    park: Annotated[
        str | None, typer.Option(help="Park of a facilitator, officer or member")
    ] = None,
    company: Annotated[str | None, typer.Option(help="Company id of a company member")] = None,
    municipality: Annotated[
        str | None,
        typer.Option(help="Municipality of a municipal officer (all its parks)"),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Create an account with one role (further people are invited from the web pages)."""
    from parkloop.domain.people import Membership, Role
    from parkloop.services import users

    with _errors():
        try:
            chosen = Role(role)
        except ValueError:
            raise ValidationError(
                [Issue("user", None, "role", f"{role!r}: use {', '.join(r.value for r in Role)}")]
            ) from None
        try:
            membership = Membership(email.strip().lower(), chosen, park, company, municipality)
        except ValueError as exc:
            raise ValidationError([Issue("user", None, "role", str(exc))]) from None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        database = _database()
        database.migrate()
        users.check_password(email.strip().lower(), password)
        users.create_user(database, email, name, password)
        users.add_membership(database, membership)
        out.print(f"created {email.strip().lower()} ({chosen.value})")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the web platform."""
    import uvicorn

    with _errors():
        settings = get_settings()
        settings.check_production()
        Database.shared(settings).migrate()
        uvicorn.run("parkloop.web.app:create_app", factory=True, host=host, port=port)


if __name__ == "__main__":  # pragma: no cover
    app()
