"""Matching use cases: on a workbook without a database, and on a stored park."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from parkloop.domain.models import Flow, ParkWorkbook
from parkloop.domain.synergy import SynergyStatus
from parkloop.io.read import read_sheet_files
from parkloop.io.validate import validate_workbook
from parkloop.matching.cases import CaseLibrary, read_cases
from parkloop.matching.distributed import Progress, match_in_parts, match_on_dask
from parkloop.matching.engine import Matcher, MatchOptions, MatchResult
from parkloop.matching.feedback import Decision, Feedback, resource_keys
from parkloop.matching.index import flow_text
from parkloop.matching.knowledge import Knowledge
from parkloop.services.database import Database
from parkloop.services.parks import park_workbook
from parkloop.settings import get_settings
from parkloop.store import repo


def build_matcher(cases_path: Path | None = None, feedback: Feedback | None = None) -> Matcher:
    """A matcher with the built-in case library, or the cases of ``cases_path`` instead."""
    knowledge = Knowledge()
    return Matcher(
        cases=CaseLibrary(read_cases(cases_path), knowledge),
        knowledge=knowledge,
        feedback=feedback,
    )


def stored_feedback(database: Database, knowledge: Knowledge | None = None) -> Feedback:
    """Facilitator decisions from the synergies of all parks: rejected ones push similar pairs
    down, the others (someone took the match up) push them up."""
    knowledge = knowledge or Knowledge()
    with database.reader() as session:
        decisions = repo.synergy_decisions(session)
    return Feedback.from_decisions(
        Decision(
            resource_keys(
                {
                    r.resource.id
                    for r in knowledge.recognise(flow_text(flow), flow.ewc, flow.temperature_c)
                },
                flow.ewc,
            ),
            nace,
            accepted=status != SynergyStatus.REJECTED.value,
        )
        for flow, nace, status in decisions
    )


def match_files(
    companies: Path,
    flows: Path,
    *,
    options: MatchOptions,
    cases_path: Path | None = None,
    engine: str = "local",
) -> list[MatchResult]:
    """Match the flows of a workbook given as two CSV files; no database involved."""
    settings = get_settings()
    raw = read_sheet_files(
        {"companies": companies, "flows": flows},
        max_bytes=int(settings.max_upload_mb * 1_000_000),
    )
    workbook = validate_workbook(raw, max_issues=settings.max_reported_errors)
    return match_workbook(workbook, options=options, cases_path=cases_path)


def match_workbook(
    workbook: ParkWorkbook,
    *,
    options: MatchOptions,
    cases_path: Path | None = None,
    engine: str = "local",
    feedback: Feedback | None = None,
    progress: Progress | None = None,
) -> list[MatchResult]:
    """Match a workbook in-process (``local``) or on Dask (``dask``).

    The Dask scheduler is ``PARKLOOP_DASK_ADDRESS``; without it a local cluster is started.
    ``progress(done, total)`` is called as supplies are ranked (by partition); the results do
    not depend on it.
    """
    matcher = build_matcher(cases_path, feedback)
    if engine == "local":
        if progress is None:
            return matcher.match(workbook.companies, workbook.flows, options)
        return match_in_parts(matcher, workbook.companies, workbook.flows, options, progress)
    if engine != "dask":
        raise ValueError(f"unknown engine {engine!r}; choose one of: local, dask")
    from distributed import Client, LocalCluster

    companies, flows = workbook.companies, workbook.flows
    address = get_settings().dask_address
    if address:
        with Client(address) as client:  # type: ignore[no-untyped-call]
            return match_on_dask(client, matcher, companies, flows, options, progress)
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        return match_on_dask(client, matcher, companies, flows, options, progress)


@dataclass(frozen=True)
class StoredRun:
    park: str
    results: list[MatchResult]
    stored: int


def match_park(
    database: Database,
    park: str,
    *,
    options: MatchOptions,
    cases_path: Path | None = None,
    engine: str = "local",
    progress: Progress | None = None,
) -> StoredRun:
    """Match every supply flow of a stored park and replace the park's stored matches."""
    workbook = park_workbook(database, park)
    results = match_workbook(
        workbook,
        options=options,
        cases_path=cases_path,
        engine=engine,
        feedback=stored_feedback(database),
        progress=progress,
    )
    with database.transaction() as session:
        stored = repo.replace_matches(session, repo.get_park(session, park), results)
    return StoredRun(park, results, stored)


def rank_new_flow(
    database: Database, park: str, flow: Flow, *, options: MatchOptions | None = None
) -> MatchResult:
    """Rank receivers for one supply flow being listed now (not stored yet) in ``park``."""
    workbook = park_workbook(database, park)
    matcher = build_matcher(feedback=stored_feedback(database))
    prepared = matcher.prepare(workbook.companies, workbook.flows)
    return matcher.rank_flow(prepared, flow, options)
