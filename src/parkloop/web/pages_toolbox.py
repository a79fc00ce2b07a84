"""Toolbox pages: the catalogue of measures (public) and a company's recommendations."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from parkloop.domain.access import can_edit_company
from parkloop.errors import Forbidden
from parkloop.reference.measures import FIGURE_FIELDS
from parkloop.services import toolbox
from parkloop.services.database import Database
from parkloop.web.security import SignedIn


def router(db: Database, templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    @pages.get("/toolbox", response_class=HTMLResponse)
    def catalogue(request: Request, level: str | None = None) -> Response:
        measures = toolbox.list_measures(level=level) if level else toolbox.list_measures()
        return templates.TemplateResponse(
            request,
            "toolbox.html",
            {"measures": measures, "fields": FIGURE_FIELDS, "level": level},
        )

    @pages.get("/parks/{park}/companies/{company_id}/toolbox", response_class=HTMLResponse)
    def recommend(request: Request, park: str, company_id: str, account: SignedIn) -> Response:
        if not can_edit_company(account.viewer, park, company_id):
            raise Forbidden(
                f"the recommendations for {company_id} use its energy data: for its people "
                "and the park's facilitators"
            )
        result = toolbox.recommend_for_company(db, park, company_id)
        return templates.TemplateResponse(
            request, "toolbox_company.html", {"park": park, "r": result}
        )

    return pages
