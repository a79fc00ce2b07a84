"""The municipal guide with the park's progress, the park report, and certificate PDFs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from parkloop.climate.pathway_svg import pathway_svg
from parkloop.errors import Forbidden
from parkloop.services import certification, guide, pathway
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.web.certificate_pdf import certificate_pdf
from parkloop.web.security import Csrf, SignedIn


def router(db: Database, templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    @pages.get("/parks/{park}/guide", response_class=HTMLResponse)
    def show(request: Request, park: str, account: SignedIn) -> Response:
        content, state = guide.guide_progress(db, account.viewer, park)
        done = {(s.step_id, item) for s in state.steps for item in s.done}
        return templates.TemplateResponse(
            request,
            "guide.html",
            {"park": park, "guide": content, "state": state, "done": done},
        )

    @pages.post("/parks/{park}/guide", dependencies=[Csrf])
    def tick(
        park: str,
        account: SignedIn,
        step: Annotated[str, Form()],
        item: Annotated[str, Form()],
        done: Annotated[str, Form()] = "",
    ) -> Response:
        guide.set_tick(db, account, park, step, item, done == "1")
        return RedirectResponse(f"/parks/{quote(park)}/guide#{step}", status_code=303)

    @pages.get("/parks/{park}/pathway", response_class=HTMLResponse)
    def pathway_page(request: Request, park: str, account: SignedIn) -> Response:
        if not (account.viewer.is_admin or account.viewer.is_park_insider(park)):
            raise Forbidden(f"the pathway of {park} is for the park's people")
        result = pathway.park_pathway(db, park)
        chart = pathway_svg(result.comparison, inventory_tco2e=result.inventory_tco2e)
        return templates.TemplateResponse(
            request,
            "pathway.html",
            {"park": park, "result": result, "chart": Markup(chart)},
        )

    @pages.get("/parks/{park}/report.html", response_class=HTMLResponse)
    def report_html(park: str, account: SignedIn) -> Response:
        text = guide.report_html(db, account.viewer, park, dt.date.today())
        return HTMLResponse(
            text,
            headers={
                # The report is a document with its own inline styles: a sandboxed page.
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                "img-src data:; sandbox",
                "Content-Disposition": f'inline; filename="{_name(park)}-report.html"',
            },
        )

    @pages.get("/parks/{park}/report.pdf")
    def report_pdf(park: str, account: SignedIn) -> Response:
        data = guide.report_pdf(db, account.viewer, park, dt.date.today())
        return Response(
            data,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{_name(park)}-report.pdf"'},
        )

    @pages.get("/certificates/{code}.pdf")
    def certificate(code: str) -> Response:
        record = certification.certificate(db, code)
        return Response(
            certificate_pdf(record, get_settings().base_url.rstrip("/")),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="certificate-{record.code}.pdf"'},
        )

    return pages


def _name(park: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in park).strip("-") or "park"
