"""Certification pages: self-assessment, evidence, audit, public verification, showcase."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile

from parkloop.domain.people import Role
from parkloop.errors import Issue, ValidationError
from parkloop.reference.standards import default_registry
from parkloop.services import certification
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.web.security import Csrf, SignedIn


def router(db: Database, templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def back(assessment_id: int, anchor: str = "") -> Response:
        return RedirectResponse(f"/assessments/{assessment_id}{anchor}", status_code=303)

    @pages.get("/parks/{park}/certification", response_class=HTMLResponse)
    def overview(request: Request, park: str, account: SignedIn) -> Response:
        assessments = certification.park_assessments(db, account, park)
        standards = default_registry().all()
        return templates.TemplateResponse(
            request,
            "certification.html",
            {"park": park, "assessments": assessments, "standards": standards},
        )

    @pages.post("/parks/{park}/certification", dependencies=[Csrf])
    def start(park: str, account: SignedIn, standard: Annotated[str, Form()]) -> Response:
        return back(certification.start(db, account, park, standard))

    @pages.get("/assessments/{assessment_id}", response_class=HTMLResponse)
    def show(request: Request, assessment_id: int, account: SignedIn) -> Response:
        view = certification.view(db, account, assessment_id)
        auditor = any(m.role.value == "auditor" for m in account.memberships)
        return templates.TemplateResponse(
            request,
            "assessment.html",
            {
                "a": view,
                "is_manager": account.has_role(Role.FACILITATOR, view.park),
                "is_auditor": auditor,
                "today": dt.date.today(),
            },
        )

    @pages.post("/assessments/{assessment_id}/answers", dependencies=[Csrf])
    def answer(
        assessment_id: int,
        account: SignedIn,
        criterion: Annotated[str, Form()],
        outcome: Annotated[str, Form()],
        version: Annotated[int, Form()],
        points: Annotated[str, Form()] = "",
        comment: Annotated[str, Form()] = "",
    ) -> Response:
        try:
            value = float(points) if points.strip() else None
        except ValueError:
            raise ValidationError(
                [Issue(criterion, None, "points", f"{points!r} is not a number")]
            ) from None
        certification.answer(
            db,
            account,
            assessment_id,
            criterion,
            outcome,
            expected_version=version,
            points=value,
            comment=comment,
        )
        return back(assessment_id, f"#{criterion}")

    @pages.post("/assessments/{assessment_id}/evidence", dependencies=[Csrf])
    async def evidence(request: Request, assessment_id: int, account: SignedIn) -> Response:
        form = await request.form()
        try:
            upload = form.get("file")
            criterion = str(form.get("criterion", ""))
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise ValidationError([Issue("evidence", None, "file", "choose a file")])
            limit = int(get_settings().max_upload_mb * 1_000_000)
            content = await upload.read(limit + 1)
            certification.add_evidence(
                db, account, assessment_id, criterion, upload.filename, content
            )
        finally:
            await form.close()
        return back(assessment_id, f"#{criterion}")

    @pages.get("/evidence/{evidence_id}")
    def download(evidence_id: int, account: SignedIn) -> Response:
        path, content_type, filename = certification.evidence_file(db, account, evidence_id)
        return FileResponse(
            Path(path),
            media_type=content_type,
            filename=filename,
            content_disposition_type="attachment",
            headers={"Cache-Control": "private, no-store"},
        )

    @pages.post("/assessments/{assessment_id}/submit", dependencies=[Csrf])
    def submit(assessment_id: int, account: SignedIn, version: Annotated[int, Form()]) -> Response:
        certification.submit(db, account, assessment_id, version)
        return back(assessment_id)

    @pages.post("/assessments/{assessment_id}/review", dependencies=[Csrf])
    def review(
        assessment_id: int,
        account: SignedIn,
        criterion: Annotated[str, Form()],
        verdict: Annotated[str, Form()],
        comment: Annotated[str, Form()] = "",
    ) -> Response:
        certification.review(db, account, assessment_id, criterion, verdict, comment)
        return back(assessment_id, f"#{criterion}")

    @pages.post("/assessments/{assessment_id}/decide", dependencies=[Csrf])
    def decide(
        assessment_id: int, account: SignedIn, valid_until: Annotated[dt.date, Form()]
    ) -> Response:
        code = certification.decide(db, account, assessment_id, valid_until)
        if code:
            return RedirectResponse(f"/certificates/{quote(code)}", status_code=303)
        return back(assessment_id)

    @pages.get("/certificates/{code}", response_class=HTMLResponse)
    def verify(request: Request, code: str) -> Response:
        return templates.TemplateResponse(
            request, "certificate.html", {"c": certification.certificate(db, code)}
        )

    @pages.get("/showcase", response_class=HTMLResponse)
    def showcase(request: Request) -> Response:
        return templates.TemplateResponse(
            request, "showcase.html", {"certificates": certification.showcase(db)}
        )

    return pages
