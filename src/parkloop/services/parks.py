"""Parks and their workbooks: import, export, listings, the demo park."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from parkloop.domain.models import Company, Flow, ParkWorkbook
from parkloop.errors import Issue, ValidationError
from parkloop.io.read import read_workbook
from parkloop.io.validate import validate_workbook
from parkloop.io.write import WorkbookFormat, write_workbook
from parkloop.services import cache
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.store import db as store_db
from parkloop.store import repo

Progress = Callable[[str], None]


def _silent(_stage: str) -> None:
    return None


@dataclass(frozen=True)
class ImportReport:
    park: str
    companies: int
    flows: int
    energy_rows: int
    created: bool


@dataclass(frozen=True)
class ParkSummary:
    name: str
    country: str | None
    municipality: str | None
    companies: int
    flows: int


def _park_name(workbook: ParkWorkbook, park: str | None) -> str:
    if park:
        return park.strip()
    if workbook.park is not None:
        return workbook.park.name
    raise ValidationError(
        [
            Issue(
                "park",
                None,
                "name",
                "the park has no name: add a park sheet with a name, or pass --park NAME",
            )
        ]
    )


def import_workbook(
    database: Database,
    path: Path,
    *,
    park: str | None = None,
    progress: Progress = _silent,
) -> ImportReport:
    """Read, check and store a park workbook, all or nothing.

    ``park`` names the target park; without it, the workbook's park sheet does.

    Imports into the same park are serialised: the transaction takes the park's write lock
    (:func:`parkloop.store.db.lock_park`) before it reads anything, so a second import of the
    same park waits for the first to finish and then applies its own workbook in full; imports
    into other parks go ahead (on PostgreSQL; SQLite has one writer at a time).

    Raises
    ------
    ValidationError
        With every problem of the workbook; the database is left unchanged.
    """
    settings = get_settings()
    progress("reading")
    raw = read_workbook(path, max_bytes=int(settings.max_upload_mb * 1_000_000))
    progress("checking")
    with database.transaction() as session:
        preliminary = park.strip() if park else None
        if preliminary is None and "park" in raw.sheets and raw.sheets["park"].rows:
            preliminary = raw.sheets["park"].rows[0][1].get("name", "").strip() or None
        if preliminary:
            store_db.lock_park(session, preliminary)
        existing = repo.find_park(session, preliminary) if preliminary else None
        known = repo.company_keys(session, existing) if existing else set()
        workbook = validate_workbook(
            raw, known_company_ids=known, max_issues=settings.max_reported_errors
        )
        name = _park_name(workbook, park)
        if name != preliminary:
            store_db.lock_park(session, name)
        progress("writing")
        stored = repo.save_workbook(session, name, workbook)
        report = ImportReport(
            park=stored.name,
            companies=len(workbook.companies),
            flows=len(workbook.flows),
            energy_rows=len(workbook.energy),
            created=existing is None,
        )
    progress("done")
    return report


def export_park(
    database: Database, park: str, path: Path, fmt: WorkbookFormat | None = None
) -> Path:
    """Write park ``park`` as a workbook (CSV folder, XLSX or JSON) to ``path``."""
    with database.reader() as session:
        workbook = repo.load_workbook(session, repo.get_park(session, park))
    return write_workbook(workbook, path, fmt)


def park_workbook(database: Database, park: str) -> ParkWorkbook:
    """The whole park ``park`` as a workbook (everything, whatever its confidentiality).

    Served from the per-process park cache while the park's stamp is unchanged (see
    :mod:`parkloop.services.cache`). Each call gets its own lists; the companies, flows and
    energy rows in them are frozen and shared.

    Raises
    ------
    NotFound
        When there is no park of that name.
    """
    stored = cache.park_cached(
        database, park, "workbook", (), lambda: _read_park_workbook(database, park)
    )
    return _with_own_lists(stored)


def _with_own_lists(workbook: ParkWorkbook) -> ParkWorkbook:
    """A shallow copy of ``workbook`` whose list fields (one per sheet) are new lists."""
    copies: dict[str, Any] = {
        name: list(value)
        for name in (f.name for f in fields(workbook))
        if isinstance(value := getattr(workbook, name), list)
    }
    return replace(workbook, **copies)


def _read_park_workbook(database: Database, park: str) -> ParkWorkbook:
    with database.reader() as session:
        return repo.load_workbook(session, repo.get_park(session, park))


def list_parks(database: Database) -> list[ParkSummary]:
    with database.reader() as session:
        return [
            ParkSummary(park.name, park.country, park.municipality, n_companies, n_flows)
            for park, n_companies, n_flows in repo.park_counts(session)
        ]


def list_companies(database: Database, park: str) -> list[Company]:
    return park_workbook(database, park).companies


def list_flows(database: Database, park: str, company: str | None = None) -> list[Flow]:
    flows = park_workbook(database, park).flows
    if company is not None:
        flows = [f for f in flows if f.company_id == company]
    return flows


def demo_workbook_path() -> Path:
    """The folder of the shipped demo park workbook."""
    return Path(str(resources.files("parkloop.demo") / "workbook"))


def load_demo(database: Database, progress: Progress = _silent) -> ImportReport:
    """Create the schema if needed and load (or refresh) the demo park."""
    database.migrate()
    return import_workbook(database, demo_workbook_path(), progress=progress)
