"""What every ``parkloop`` command group shares: consoles, output formats, error rendering.

Kept apart from :mod:`parkloop.cli` so the command groups in their own modules
(``cli_climate``, ``cli_toolbox``, ``cli_pathway``...) use the same behaviour without importing
the main command (which imports them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from parkloop.errors import ParkloopError, ValidationError
from parkloop.services.database import Database
from parkloop.settings import get_settings

out = Console()
err = Console(stderr=True)


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table for people, json for programs")
]
ParkArgument = Annotated[str, typer.Argument(help="Name of the park (see `parkloop parks`)")]


def database() -> Database:
    """The installation's database (one object per URL for the whole process)."""
    return Database.shared(get_settings())


@contextmanager
def errors(fmt: OutputFormat = OutputFormat.TABLE) -> Iterator[None]:
    """Render parkloop errors (all of them, located) and exit non-zero.

    Invalid input exits with 2, every other parkloop error with 1.
    """
    try:
        yield
    except ValidationError as exc:
        if fmt is OutputFormat.JSON:
            details = [asdict(i) for i in exc.issues]
            payload = {
                "code": exc.code,
                "message": exc.summary().splitlines()[0],
                "details": details,
                "truncated": exc.truncated,
            }
            print(json.dumps({"error": payload}, ensure_ascii=False, indent=2))
        else:
            head, *lines = exc.summary().splitlines()
            err.print(f"[bold red]{head}[/]", soft_wrap=True)
            for line in lines:
                err.print(line, soft_wrap=True, markup=False, highlight=False)
        raise typer.Exit(code=2) from None
    except ParkloopError as exc:
        if fmt is OutputFormat.JSON:
            print(json.dumps({"error": {"code": exc.code, "message": str(exc)}}))
        else:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from None


def emit(
    fmt: OutputFormat, rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str
) -> None:
    """Rows as JSON, or as a table for people."""
    if fmt is OutputFormat.JSON:
        print(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    out.print(table)
