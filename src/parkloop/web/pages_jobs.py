"""Long jobs from the web: a facilitator starts a park's matching run, and every page shows it.

Starting a job records it and launches ``python -m parkloop jobs run ID`` in a process of its
own, so the request returns at once and the web workers keep serving; the job's page reads its
progress from the database (any worker can answer) and reloads itself while the job runs.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from parkloop.services import jobs
from parkloop.services.database import Database
from parkloop.web.security import Csrf, SignedIn

log = logging.getLogger(__name__)

JobId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Job number")]
"""A job number: the database's integer range, so an absurd number is a 422, not a crash."""

STALLED_MINUTES = round(jobs.STALLED_AFTER.total_seconds() / 60)

REFRESH_S = 2
"""How often a running job's page reloads itself [s] (a product choice)."""


def launch(database: Database, job_id: int) -> subprocess.Popen[bytes]:
    """Start ``parkloop jobs run ID`` on ``database`` in a new process, reaped by a thread."""
    env = dict(os.environ)
    env["PARKLOOP_DATABASE_URL"] = database.engine.url.render_as_string(hide_password=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "parkloop", "jobs", "run", str(job_id)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    threading.Thread(target=process.wait, name=f"job-{job_id}", daemon=True).start()
    log.info("job %s started in process %s", job_id, process.pid)
    return process


def router(db: Database, templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    @pages.post("/parks/{park}/matching", dependencies=[Csrf])
    def run_matching(park: str, account: SignedIn) -> Response:
        """Queue a matching run of the whole park (facilitators and admins) and follow it."""
        job = jobs.submit_for(db, account, jobs.JobKind.MATCHING.value, park)
        launch(db, job.id)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @pages.get("/jobs/{job_id}", response_class=HTMLResponse)
    def show(request: Request, job_id: JobId, account: SignedIn) -> Response:
        job = jobs.job_for(db, account, job_id)
        return templates.TemplateResponse(
            request,
            "job.html",
            {
                "job": job,
                "stalled": job.stalled(),
                "stalled_after_min": STALLED_MINUTES,
                "refresh_s": REFRESH_S,
            },
        )

    @pages.get("/parks/{park}/jobs", response_class=HTMLResponse)
    def park_jobs(request: Request, park: str, account: SignedIn) -> Response:
        found = jobs.jobs_for(db, account, park)
        return templates.TemplateResponse(request, "jobs.html", {"park": park, "jobs": found})

    return pages


def api_router(db: Database) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["jobs"])

    @api.get("/jobs/{job_id}")
    def job_json(job_id: JobId, account: SignedIn) -> dict[str, object]:
        """A job's status and progress (facilitators of its park and admins)."""
        return jobs.job_for(db, account, job_id).as_dict()

    return api
