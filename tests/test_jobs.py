"""Long jobs: a park's matching run recorded, run in its own process, followed from any page."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from parkloop.domain.people import Membership, Role
from parkloop.errors import Conflict, Forbidden, NotFound, ParkloopError
from parkloop.matching.engine import MatchOptions
from parkloop.services import accounts, jobs, users
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.services.matching import match_park
from parkloop.store import repo
from parkloop.store.tables import JobRow
from parkloop.web.app import create_app
from tests.webclient import PASSWORD, sign_in, token_on

FACILITATOR = "facilitator@example.org"
MEMBER = "member@example.org"


@pytest.fixture
def park(database: Database) -> Iterator[str]:
    name = park_service.load_demo(database).park
    users.create_user(database, FACILITATOR, "Facilitator", PASSWORD)
    users.add_membership(database, Membership(FACILITATOR, Role.FACILITATOR, name))
    users.create_user(database, MEMBER, "Member", PASSWORD)
    users.add_membership(database, Membership(MEMBER, Role.COMPANY_MEMBER, name, "C01"))
    yield name


def _matches(database: Database, park: str) -> list[tuple[str, str, str | None, int, float]]:
    with database.reader() as session:
        return sorted(repo.stored_matches(session, repo.get_park(session, park)))


def test_a_matching_job_stores_the_same_matches_as_a_direct_run_and_records_progress(
    database: Database, park: str
) -> None:
    match_park(database, park, options=MatchOptions())
    direct = _matches(database, park)
    job = jobs.submit(database, "matching", park, by=FACILITATOR)
    assert (job.status, job.done, job.total) == (jobs.JobStatus.QUEUED, 0, None)
    finished = jobs.run(database, job.id)
    assert finished.status is jobs.JobStatus.DONE
    assert finished.total and finished.done == finished.total
    assert finished.percent == 100
    assert finished.result["supplies_ranked"] == finished.total
    assert finished.result["engine"] == "local"
    assert finished.started_at and finished.finished_at
    assert finished.started_at <= finished.finished_at
    assert _matches(database, park) == direct


def test_a_job_runs_once_and_a_second_for_the_same_park_waits_for_the_first(
    database: Database, park: str
) -> None:
    first = jobs.submit(database, "matching", park, by=FACILITATOR)
    with pytest.raises(Conflict, match=f"/jobs/{first.id}"):
        jobs.submit(database, "matching", park, by=FACILITATOR)
    jobs.run(database, first.id)
    with pytest.raises(Conflict, match="runs only once"):
        jobs.run(database, first.id)
    second = jobs.submit(database, "matching", park, by=FACILITATOR)
    assert second.id != first.id
    assert [j.id for j in jobs.for_park(database, park)] == [second.id, first.id]


def test_a_stalled_job_no_longer_blocks_a_new_one(database: Database, park: str) -> None:
    first = jobs.submit(database, "matching", park, by=FACILITATOR)
    long_ago = dt.datetime.now(dt.UTC) - jobs.STALLED_AFTER - dt.timedelta(minutes=1)
    with database.transaction() as session:
        session.execute(
            update(JobRow)
            .where(JobRow.id == first.id)
            .values(status="running", started_at=long_ago, heartbeat_at=long_ago)
        )
    assert jobs.get(database, first.id).stalled()
    assert jobs.submit(database, "matching", park, by=FACILITATOR).id > first.id


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (ParkloopError("the park has no supply flows"), "the park has no supply flows"),
        (RuntimeError("secret detail"), "internal error; the server log has the details"),
    ],
)
def test_a_failing_job_is_recorded_as_failed_and_says_why_without_internals(
    database: Database, park: str, monkeypatch: pytest.MonkeyPatch, error: Exception, message: str
) -> None:
    def fail(*_: object) -> dict[str, object]:
        raise error

    monkeypatch.setattr(jobs, "_run_matching", fail)
    job = jobs.submit(database, "matching", park, by=FACILITATOR)
    failed = jobs.run(database, job.id)
    assert failed.status is jobs.JobStatus.FAILED and not failed.active
    assert message in failed.message and "secret" not in failed.message
    assert failed.finished_at is not None


def test_a_parks_jobs_go_with_the_park(database: Database, park: str) -> None:
    job = jobs.submit(database, "matching", park, by=FACILITATOR)
    with database.transaction() as session:
        session.delete(repo.get_park(session, park))
    with pytest.raises(NotFound):
        jobs.get(database, job.id)


def test_unknown_kinds_and_parks_are_refused_with_the_allowed_values(
    database: Database, park: str
) -> None:
    with pytest.raises(ParkloopError, match="kinds: matching"):
        jobs.submit(database, "optimise-everything", park, by=FACILITATOR)
    with pytest.raises(NotFound, match="no park named"):
        jobs.submit(database, "matching", "Nowhere Park", by=FACILITATOR)


def test_only_the_parks_facilitators_and_admins_see_or_start_its_jobs(
    database: Database, park: str
) -> None:
    job = jobs.submit(database, "matching", park, by=FACILITATOR)
    member = accounts.sign_in(database, MEMBER, PASSWORD, "t").account
    facilitator = accounts.sign_in(database, FACILITATOR, PASSWORD, "t").account
    assert jobs.job_for(database, facilitator, job.id).id == job.id
    with pytest.raises(NotFound):
        jobs.job_for(database, member, job.id)
    with pytest.raises(Forbidden):
        jobs.jobs_for(database, member, park)
    with pytest.raises(Forbidden):
        jobs.submit_for(database, member, "matching", park)


def _wait_until_ended(
    client: TestClient, job_url: str, timeout_s: float = 120.0
) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    while True:
        state: dict[str, object] = client.get(f"/api/v1{job_url}").json()
        if state["status"] in ("done", "failed") or time.monotonic() > deadline:
            return state
        time.sleep(0.3)


def test_matching_from_the_park_page_runs_in_its_own_process_while_pages_keep_answering(
    database: Database, park: str
) -> None:
    client = TestClient(create_app(database))
    assert sign_in(client, FACILITATOR).status_code == 303
    park_url = f"/parks/{quote(park)}"
    token = token_on(client.get(park_url).text)
    started = client.post(
        f"{park_url}/matching", data={"csrf_token": token}, follow_redirects=False
    )
    assert started.status_code == 303
    job_url = started.headers["location"]
    assert job_url.startswith("/jobs/")
    # the request came back before the job ended, and the site still answers meanwhile
    assert client.get(park_url).status_code == 200
    page = client.get(job_url)
    assert page.status_code == 200 and 'id="job-status"' in page.text
    state = _wait_until_ended(client, job_url)
    assert state["status"] == "done", state
    assert state["done"] == state["total"] and state["percent"] == 100
    finished = client.get(job_url).text
    assert 'data-status="done"' in finished and 'http-equiv="refresh"' not in finished
    assert "#" not in job_url and str(state["id"]) in client.get(f"{park_url}/jobs").text
    assert _matches(database, park)


def test_company_members_cannot_start_or_follow_a_parks_jobs(database: Database, park: str) -> None:
    job = jobs.submit(database, "matching", park, by=FACILITATOR)
    client = TestClient(create_app(database))
    assert sign_in(client, MEMBER).status_code == 303
    park_url = f"/parks/{quote(park)}"
    token = token_on(client.get("/account").text)
    refused = client.post(
        f"{park_url}/matching", data={"csrf_token": token}, follow_redirects=False
    )
    assert refused.status_code == 403
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.id}").status_code == 404
    assert client.get(f"{park_url}/jobs").status_code == 403
    assert len(jobs.for_park(database, park)) == 1


def test_a_stalled_jobs_page_says_so_and_stops_reloading(database: Database, park: str) -> None:
    from parkloop.web.pages_jobs import STALLED_MINUTES

    job = jobs.submit(database, "matching", park, by=FACILITATOR)
    long_ago = dt.datetime.now(dt.UTC) - jobs.STALLED_AFTER - dt.timedelta(minutes=1)
    with database.transaction() as session:
        session.execute(
            update(JobRow)
            .where(JobRow.id == job.id)
            .values(status="running", started_at=long_ago, heartbeat_at=long_ago)
        )
    client = TestClient(create_app(database))
    assert sign_in(client, FACILITATOR).status_code == 303
    page = client.get(f"/jobs/{job.id}").text
    assert STALLED_MINUTES == 10
    assert f"no progress for {STALLED_MINUTES} minutes" in page
    assert 'http-equiv="refresh"' not in page
    assert client.get(f"/api/v1/jobs/{job.id}").json()["stalled"] is True
