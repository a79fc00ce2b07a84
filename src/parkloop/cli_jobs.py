"""``parkloop jobs``: start, run, list and show long jobs (a park's matching run).

``parkloop jobs run ID`` is what the web app starts in its own process when a facilitator
runs matching from a page; an operator can use the same commands from a shell.
"""

from __future__ import annotations

from typing import Annotated

import typer

from parkloop.cli_common import (
    FormatOption,
    OutputFormat,
    ParkArgument,
    database,
    emit,
    errors,
    out,
)
from parkloop.services import jobs

jobs_app = typer.Typer(help="Long jobs run apart from the web requests.", no_args_is_help=True)

JobArgument = Annotated[int, typer.Argument(help="Job number (see `parkloop jobs list PARK`)")]
COLUMNS = ("id", "kind", "status", "done", "total", "message", "created_by", "created_at")


def _show(job: jobs.Job, fmt: OutputFormat) -> None:
    emit(fmt, [job.as_dict()], COLUMNS, f"Job {job.id}")


@jobs_app.command("start")
def start_command(
    park: ParkArgument,
    kind: Annotated[str, typer.Option(help="What to run: matching")] = "matching",
    by: Annotated[str, typer.Option(help="Who asks for it, for the record")] = "operator",
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Queue a job and run it here, to the end (progress is recorded as it goes)."""
    with errors(fmt):
        db = database()
        job = jobs.submit(db, kind, park, by=by)
        _show(jobs.run(db, job.id), fmt)


@jobs_app.command("run")
def run_command(job_id: JobArgument, fmt: FormatOption = OutputFormat.TABLE) -> None:
    """Run a queued job (the web app starts this in a process of its own)."""
    with errors(fmt):
        finished = jobs.run(database(), job_id)
        _show(finished, fmt)
    if finished.status is jobs.JobStatus.FAILED:
        raise typer.Exit(code=1)


@jobs_app.command("show")
def show_command(job_id: JobArgument, fmt: FormatOption = OutputFormat.TABLE) -> None:
    """One job: status, progress and result."""
    with errors(fmt):
        job = jobs.get(database(), job_id)
    if fmt is OutputFormat.TABLE and job.stalled():
        minutes = round(jobs.STALLED_AFTER.total_seconds() / 60)
        out.print(f"[yellow]stalled:[/] no progress for {minutes} minutes; its process has stopped")
    _show(job, fmt)


@jobs_app.command("list")
def list_command(park: ParkArgument, fmt: FormatOption = OutputFormat.TABLE) -> None:
    """The park's latest jobs, newest first."""
    with errors(fmt):
        found = jobs.for_park(database(), park)
    emit(fmt, [j.as_dict() for j in found], COLUMNS, f"Jobs of {park}")
