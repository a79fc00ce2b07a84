"""Company pages: profile, flows (create, edit, delete), the match inbox and its actions."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile

from parkloop.domain.access import ANONYMOUS, can_edit_company, can_see_company, can_see_flow
from parkloop.domain.models import Confidentiality, Direction
from parkloop.domain.people import Role
from parkloop.errors import Issue, NotFound, ValidationError
from parkloop.reference.nace import load_nace
from parkloop.services import accounts, flows, inbox
from parkloop.services import parks as park_service
from parkloop.services.accounts import Account
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.units import Category, Period
from parkloop.web.security import Csrf, SignedIn, current_account

CHOICES = {
    "direction": [d.value for d in Direction],
    "category": [c.value for c in Category],
    "per": [p.value for p in Period],
    "confidentiality": [c.value for c in Confidentiality],
}


def _company_url(park: str, company_id: str) -> str:
    return f"/parks/{quote(park)}/companies/{quote(company_id)}"


def router(db: Database, templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def company_page(
        request: Request,
        park: str,
        company_id: str,
        status: int = 200,
        errors: list[str] | None = None,
        draft: dict[str, str] | None = None,
    ) -> Response:
        account = current_account(request)
        viewer = account.viewer if account else ANONYMOUS
        company = next(
            (c for c in park_service.list_companies(db, park) if c.id == company_id), None
        )
        if company is None or not can_see_company(viewer, park, company):
            raise NotFound(f"no company {company_id!r} in {park} that you may see")
        editable = can_edit_company(viewer, park, company_id)
        listed = [
            (flow, version)
            for flow, version in flows.company_flows(db, park, company_id)
            if can_see_flow(viewer, park, company, flow)
        ]
        matches = inbox.company_inbox(db, viewer, park, company_id) if editable else []
        return templates.TemplateResponse(
            request,
            "company.html",
            {
                "park": park,
                "company": company,
                "sector": load_nace().get(company.nace).description,
                "flows": listed,
                "editable": editable,
                "matches": matches,
                "choices": CHOICES,
                "fields": flows.FLOW_FIELDS,
                "errors": errors or [],
                "draft": draft or {},
            },
            status_code=status,
        )

    @pages.get("/parks/{park}/companies/{company_id}", response_class=HTMLResponse)
    def show(request: Request, park: str, company_id: str) -> Response:
        return company_page(request, park, company_id)

    async def _form_values(request: Request) -> dict[str, str]:
        form = await request.form()
        return {
            k: str(v) for k, v in form.items() if k in flows.FLOW_FIELDS and str(v).strip() != ""
        }

    @pages.post("/parks/{park}/companies/{company_id}/flows", dependencies=[Csrf])
    async def create(request: Request, park: str, company_id: str, account: SignedIn) -> Response:
        values = await _form_values(request)
        try:
            flows.save_flow(db, account.viewer, park, company_id, values)
        except ValidationError as error:
            messages = [f"{i.column}: {i.message}" for i in error.issues]
            return company_page(request, park, company_id, 422, messages, values)
        return RedirectResponse(_company_url(park, company_id) + "#flows", status_code=303)

    @pages.post("/parks/{park}/companies/{company_id}/flows/{flow_id}", dependencies=[Csrf])
    async def update(
        request: Request, park: str, company_id: str, flow_id: str, account: SignedIn
    ) -> Response:
        form = await request.form()
        values = await _form_values(request)
        version = int(str(form.get("version", "0")) or 0)
        try:
            flows.save_flow(
                db,
                account.viewer,
                park,
                company_id,
                values,
                flow_id=flow_id,
                expected_version=version,
            )
        except ValidationError as error:
            messages = [f"{flow_id} {i.column}: {i.message}" for i in error.issues]
            return company_page(request, park, company_id, 422, messages)
        return RedirectResponse(_company_url(park, company_id) + "#flows", status_code=303)

    @pages.post("/parks/{park}/companies/{company_id}/flows/{flow_id}/delete", dependencies=[Csrf])
    def delete(
        park: str,
        company_id: str,
        flow_id: str,
        account: SignedIn,
        version: Annotated[int, Form()],
    ) -> Response:
        flows.delete_flow(db, account.viewer, park, company_id, flow_id, version)
        return RedirectResponse(_company_url(park, company_id) + "#flows", status_code=303)

    async def _import(
        request: Request, park: str, company_id: str, account: Account, upload: StarletteUploadFile
    ) -> int:
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise ValidationError(
                [Issue("flows", None, "file", f"{upload.filename}: give a .csv or .xlsx file")]
            )
        limit = int(get_settings().max_upload_mb * 1_000_000)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            size = 0
            with path.open("wb") as out:
                while chunk := await upload.read(1 << 16):
                    size += len(chunk)
                    if size > limit:
                        raise ValidationError(
                            [Issue("flows", None, "file", f"larger than {limit:,} bytes")]
                        )
                    out.write(chunk)
            return await run_in_threadpool(
                flows.import_flows, db, account.viewer, park, company_id, path, limit
            )

    @pages.post("/parks/{park}/companies/{company_id}/import", dependencies=[Csrf])
    async def import_file(
        request: Request, park: str, company_id: str, account: SignedIn
    ) -> Response:
        """List flows from an uploaded file (checked for type and size, kept nowhere)."""
        form = await request.form()
        try:
            upload = form.get("file")
            if not isinstance(upload, StarletteUploadFile) or not upload.filename:
                raise ValidationError([Issue("flows", None, "file", "choose a .csv or .xlsx file")])
            count = await _import(request, park, company_id, account, upload)
        except ValidationError as error:
            return company_page(request, park, company_id, 422, [str(i) for i in error.issues])
        finally:
            await form.close()
        return RedirectResponse(
            _company_url(park, company_id) + f"?imported={count}#flows", status_code=303
        )

    @pages.post("/parks/{park}/companies/{company_id}/matches/{match_id}", dependencies=[Csrf])
    def act(
        request: Request,
        park: str,
        company_id: str,
        match_id: int,
        account: SignedIn,
        action: Annotated[str, Form()],
        note: Annotated[str, Form()] = "",
    ) -> Response:
        try:
            inbox.respond(db, account, park, company_id, match_id, action, note)
        except ValidationError as error:
            messages = [i.message for i in error.issues]
            return company_page(request, park, company_id, 422, messages)
        return RedirectResponse(_company_url(park, company_id) + "#inbox", status_code=303)

    @pages.post("/parks/{park}/invitations", dependencies=[Csrf])
    def invite(
        request: Request,
        park: str,
        account: SignedIn,
        email: Annotated[str, Form()],
        role: Annotated[str, Form()],
        company_id: Annotated[str, Form()] = "",
    ) -> Response:
        try:
            chosen = Role(role)
        except ValueError:
            raise ValidationError(
                [Issue("invitation", None, "role", f"{role!r} is not a role")]
            ) from None
        invitation = accounts.invite(db, account, email, chosen, park, company_id or None)
        return templates.TemplateResponse(
            request,
            "invited.html",
            {"park": park, "invitation": invitation, "show_link": not get_settings().smtp_host},
            status_code=201,
        )

    return pages
