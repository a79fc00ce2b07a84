"""Long jobs (a park's matching run) recorded in the database, run apart from the web request.

A job is submitted (``queued``), then run by :func:`run` in another process — the web app starts
``python -m parkloop jobs run ID`` — so the request that asked for it returns at once and every
web worker can show its progress: the job's row holds how many items are done out of how many,
and a heartbeat. Matching runs on the Dask cluster named by ``PARKLOOP_DASK_ADDRESS`` when it is
set, in process otherwise; the results are the same either way.

A job moves ``queued -> running -> done | failed``, once; a running job whose heartbeat is older
than :data:`STALLED_AFTER` is shown as stalled (its process died: for example the server was
killed), and a facilitator can start a new one.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from parkloop.domain.people import Role
from parkloop.errors import Conflict, NotFound, ParkloopError
from parkloop.matching.engine import MatchOptions
from parkloop.services.accounts import Account, require_role
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.store import repo
from parkloop.store.tables import JobRow, ParkRow

log = logging.getLogger(__name__)

STALLED_AFTER = dt.timedelta(minutes=10)
"""A running job without a heartbeat for this long is shown as stalled. A product choice: the
heartbeat comes with every partition of at most 20,000 supplies, and the 1,000,000-flow region
benchmark spends about 2.1 ms per supply (docs/performance.md), so a full partition takes under
a minute and ten minutes of silence means the process is gone."""

WRITE_EVERY_S = 0.5
"""Progress is written at most this often (seconds), and always at the start and the end."""


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobKind(StrEnum):
    MATCHING = "matching"


@dataclass(frozen=True)
class Job:
    """A job as the pages and the API show it."""

    id: int
    kind: str
    park: str
    status: JobStatus
    done: int
    total: int | None
    message: str
    result: dict[str, Any]
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    heartbeat_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    def stalled(self, now: dt.datetime | None = None) -> bool:
        """Running, but no sign of life for :data:`STALLED_AFTER`."""
        if self.status is not JobStatus.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at or self.created_at
        return (now or _now()) - last > STALLED_AFTER

    @property
    def percent(self) -> int | None:
        """Share of the items done, 0-100, when the total is known."""
        if not self.total:
            return 100 if self.status is JobStatus.DONE else None
        return round(100 * self.done / self.total)

    def as_dict(self) -> dict[str, Any]:
        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "kind": self.kind,
            "park": self.park,
            "status": self.status.value,
            "stalled": self.stalled(),
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "message": self.message,
            "result": self.result,
            "created_by": self.created_by,
            "created_at": iso(self.created_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "heartbeat_at": iso(self.heartbeat_at),
        }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _job(row: JobRow, park: str) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        park=park,
        status=JobStatus(row.status),
        done=row.done,
        total=row.total,
        message=row.message,
        result=dict(row.result or {}),
        created_by=row.created_by,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        heartbeat_at=row.heartbeat_at,
    )


def submit(database: Database, kind: str, park: str, *, by: str) -> Job:
    """Record a new job for ``park``; refused while the park has one of that kind active.

    Raises
    ------
    ParkloopError
        For an unknown kind (the message lists the kinds).
    Conflict
        When a job of that kind is already queued or running (and not stalled) for the park.
    """
    try:
        job_kind = JobKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in JobKind)
        raise ParkloopError(f"unknown job kind {kind!r}; kinds: {allowed}") from None
    with database.transaction() as session:
        park_row = repo.get_park(session, park)
        for other in session.scalars(
            select(JobRow).where(
                JobRow.park_id == park_row.id,
                JobRow.kind == job_kind.value,
                JobRow.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]),
            )
        ):
            if not _job(other, park).stalled():
                raise Conflict(
                    f"job {other.id} ({job_kind.value}) for {park} is still {other.status}; "
                    f"follow it at /jobs/{other.id} and start a new one when it has ended"
                )
        row = JobRow(
            park_id=park_row.id,
            kind=job_kind.value,
            status=JobStatus.QUEUED.value,
            done=0,
            total=None,
            message="waiting to start",
            result={},
            created_by=by,
            created_at=_now(),
        )
        session.add(row)
        session.flush()
        return _job(row, park)


def get(database: Database, job_id: int) -> Job:
    with database.reader() as session:
        found = session.execute(
            select(JobRow, ParkRow.name)
            .join(ParkRow, ParkRow.id == JobRow.park_id)
            .where(JobRow.id == job_id)
        ).one_or_none()
        if found is None:
            raise NotFound(f"no job {job_id}")
        return _job(found[0], found[1])


def for_park(database: Database, park: str, *, limit: int = 10) -> list[Job]:
    """The park's latest jobs, newest first."""
    with database.reader() as session:
        park_row = repo.get_park(session, park)
        rows = session.scalars(
            select(JobRow)
            .where(JobRow.park_id == park_row.id)
            .order_by(JobRow.id.desc())
            .limit(limit)
        ).all()
        return [_job(row, park) for row in rows]


def _set(database: Database, job_id: int, **values: Any) -> None:
    with database.transaction() as session:
        session.execute(update(JobRow).where(JobRow.id == job_id).values(**values))


def _claim(database: Database, job_id: int) -> Job:
    """Move a queued job to running, atomically: a second runner of the same job is refused."""
    job = get(database, job_id)
    now = _now()
    with database.transaction() as session:
        statement = (
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.status == JobStatus.QUEUED.value)
            .values(
                status=JobStatus.RUNNING.value,
                started_at=now,
                heartbeat_at=now,
                message="starting",
            )
        )
        claimed = cast("CursorResult[Any]", session.execute(statement)).rowcount
    if claimed != 1:
        raise Conflict(f"job {job_id} is {job.status.value}, not queued: it runs only once")
    return get(database, job_id)


class _ProgressWriter:
    """Writes (done, total) to the job's row, at most every :data:`WRITE_EVERY_S` seconds."""

    def __init__(self, database: Database, job_id: int, clock: Callable[[], float]) -> None:
        self.database, self.job_id, self.clock = database, job_id, clock
        self.last = -WRITE_EVERY_S

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done not in (0, total) and now - self.last < WRITE_EVERY_S:
            return
        self.last = now
        _set(
            self.database,
            self.job_id,
            done=done,
            total=total,
            heartbeat_at=_now(),
            message=f"ranked {done:,} of {total:,} supply flows",
        )


def _run_matching(database: Database, job: Job, progress: _ProgressWriter) -> dict[str, Any]:
    from parkloop.services.matching import match_park

    engine = "dask" if get_settings().dask_address else "local"
    run_result = match_park(
        database, job.park, options=MatchOptions(), engine=engine, progress=progress
    )
    return {
        "engine": engine,
        "supplies_ranked": len(run_result.results),
        "matches_stored": run_result.stored,
    }


def run(database: Database, job_id: int, *, clock: Callable[[], float] = time.monotonic) -> Job:
    """Run a queued job to its end and record the outcome; the finished job is returned.

    A failure is recorded on the job (``failed`` with the error's message) and not raised:
    the job's page is where the user reads it. Only a job that is not queued is refused.
    """
    job = _claim(database, job_id)
    writer = _ProgressWriter(database, job_id, clock)
    try:
        result = _run_matching(database, job, writer)
    except ParkloopError as exc:
        _set(database, job_id, status=JobStatus.FAILED.value, message=str(exc), finished_at=_now())
    except Exception:
        log.exception("job %s (%s, %s) failed", job_id, job.kind, job.park)
        _set(
            database,
            job_id,
            status=JobStatus.FAILED.value,
            message="the job stopped on an internal error; the server log has the details",
            finished_at=_now(),
        )
    else:
        _set(
            database,
            job_id,
            status=JobStatus.DONE.value,
            result=result,
            message="finished",
            finished_at=_now(),
            heartbeat_at=_now(),
        )
    return get(database, job_id)


def _may_follow(account: Account, park: str) -> bool:
    return account.has_role(Role.FACILITATOR, park)


def job_for(database: Database, account: Account, job_id: int) -> Job:
    """A job for its park's facilitators and the admins; for anyone else it does not exist
    (a job number must not reveal which park runs what)."""
    job = get(database, job_id)
    if not _may_follow(account, job.park):
        raise NotFound(f"no job {job_id}")
    return job


def jobs_for(database: Database, account: Account, park: str) -> list[Job]:
    """The park's latest jobs, for its facilitators and the admins."""
    require_role(account, Role.FACILITATOR, park)
    return for_park(database, park)


def submit_for(database: Database, account: Account, kind: str, park: str) -> Job:
    """:func:`submit` on behalf of a signed-in facilitator of ``park`` (or an admin)."""
    require_role(account, Role.FACILITATOR, park)
    return submit(database, kind, park, by=account.email)
