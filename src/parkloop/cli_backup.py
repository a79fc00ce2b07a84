"""``parkloop backup`` and ``parkloop restore``: a thin face over :mod:`parkloop.services.backup`.

:mod:`parkloop.cli` registers them in ``_register_extensions()`` with
``app.command("backup")(backup_command)`` and ``app.command("restore")(restore_command)``.
Like the other command modules it takes the consoles, output formats, error rendering and
database from :mod:`parkloop.cli_common`, never from :mod:`parkloop.cli` (which imports it).
Invalid input (an archive name that is not
``*.zip``, a damaged, truncated or too new archive) exits with code 2; a refusal such as a
target database that is not empty exits with code 1.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from parkloop.cli_common import FormatOption, OutputFormat, out
from parkloop.cli_common import database as _database
from parkloop.cli_common import errors as _errors
from parkloop.services import backup as backup_service


def _megabytes(size_bytes: int) -> str:
    return f"{size_bytes / 1_000_000:.1f} MB"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _document(report: Any) -> str:
    return json.dumps(asdict(report), default=str, ensure_ascii=False, indent=2)


def backup_command(
    path: Annotated[
        Path, typer.Argument(help="Archive to write, a file name ending .zip (replaced if there)")
    ],
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Back up the whole installation (every table and evidence file) to one zip archive.

    The database is read in one transaction, the archive is written under a temporary name,
    read back and checked, then renamed to PATH. Restore it with `parkloop restore PATH`.
    """
    with _errors(fmt):
        report = backup_service.backup(_database(), path)
        if fmt is OutputFormat.JSON:
            print(_document(report))
            return
        rows = sum(report.rows.values())
        out.print(
            f"backup written: {report.path} ({_megabytes(report.size_bytes)}; "
            f"{_count(rows, 'row')} in {_count(len(report.rows), 'table')}, "
            f"{_count(report.evidence_files, 'evidence file')}, schema revision {report.revision})",
            soft_wrap=True,
        )
        if report.missing_evidence:
            out.print(
                f"[yellow]warning:[/] {_count(len(report.missing_evidence), 'evidence row')} "
                "name a file that is not in the evidence folder: "
                f"{', '.join(report.missing_evidence[:5])}",
                soft_wrap=True,
            )


def restore_command(
    path: Annotated[Path, typer.Argument(help="Archive written by `parkloop backup`")],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Discard everything the target database holds first"),
    ] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="Only verify the archive; touch no database or file"),
    ] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Restore a backup into the configured database and data folder (all or nothing).

    Every checksum in the archive is verified before anything is touched. The target must be
    empty unless --replace is given. The schema is brought to the backup's revision, the rows
    are loaded in one transaction, then the schema is upgraded to the newest revision; on any
    error nothing is changed. Evidence files go to the data folder's evidence folder.
    """
    with _errors(fmt):
        if check:
            manifest = backup_service.verify(path)
            if fmt is OutputFormat.JSON:
                print(json.dumps(manifest.as_json(), ensure_ascii=False, indent=2))
                return
            rows = sum(t.rows for t in manifest.tables)
            out.print(
                f"{path}: intact ({_count(len(manifest.members), 'member')} checked; "
                f"{_count(rows, 'row')} in {_count(len(manifest.tables), 'table')}, "
                f"{_count(len(manifest.evidence), 'evidence file')}; schema revision "
                f"{manifest.revision}; written {manifest.created_at:%Y-%m-%d %H:%M} UTC by "
                f"parkloop {manifest.parkloop_version})",
                soft_wrap=True,
            )
            return
        report = backup_service.restore(_database(), path, replace=replace)
        if fmt is OutputFormat.JSON:
            print(_document(report))
            return
        rows = sum(report.rows.values())
        out.print(
            f"restored {path}: {_count(rows, 'row')} in {_count(len(report.rows), 'table')}, "
            f"{_count(report.evidence_files, 'evidence file')}; schema revision "
            f"{report.backup_revision}, now {report.revision}"
            + (" (previous contents replaced)" if replace else ""),
            soft_wrap=True,
        )
