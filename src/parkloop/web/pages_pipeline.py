"""Synergy pipeline pages: the board by status, one synergy with its history and conversation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import Forbidden, Issue, ValidationError
from parkloop.services import impact, inventory, pipeline, synergies
from parkloop.services.database import Database
from parkloop.web.security import Csrf, SignedIn


def router(db: Database, templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    @pages.get("/parks/{park}/synergies", response_class=HTMLResponse)
    def board(request: Request, park: str, account: SignedIn) -> Response:
        columns = pipeline.board(db, account.viewer, park)
        return templates.TemplateResponse(
            request, "synergies.html", {"park": park, "columns": columns}
        )

    @pages.get("/synergies/{synergy_id}", response_class=HTMLResponse)
    def show(request: Request, synergy_id: int, account: SignedIn) -> Response:
        park, story = pipeline.story(db, account.viewer, synergy_id)
        return templates.TemplateResponse(
            request,
            "synergy.html",
            {
                "park": park,
                "story": story,
                "statuses": [s.value for s in SynergyStatus],
                "impact": impact.synergy_impact(db, synergy_id),
            },
        )

    @pages.post("/synergies/{synergy_id}/messages", dependencies=[Csrf])
    def message(synergy_id: int, account: SignedIn, body: Annotated[str, Form()]) -> Response:
        pipeline.post_message(db, account, synergy_id, body)
        return RedirectResponse(f"/synergies/{synergy_id}#conversation", status_code=303)

    @pages.post("/synergies/{synergy_id}/status", dependencies=[Csrf])
    def move(
        synergy_id: int,
        account: SignedIn,
        status: Annotated[str, Form()],
        version: Annotated[int, Form()],
        note: Annotated[str, Form()] = "",
    ) -> Response:
        park, story = pipeline.story(db, account.viewer, synergy_id)
        if not story.can_move:
            raise Forbidden(f"only the facilitators of {park} move synergies along")
        try:
            target = SynergyStatus(status)
        except ValueError:
            allowed = ", ".join(s.value for s in SynergyStatus)
            raise ValidationError(
                [Issue("synergy", None, "status", f"{status!r} is not a status; use {allowed}")]
            ) from None
        synergies.advance(
            db, synergy_id, target, by=account.email, expected_version=version, note=note
        )
        return RedirectResponse(f"/synergies/{synergy_id}", status_code=303)

    @pages.get("/parks/{park}/inventory", response_class=HTMLResponse)
    def inventory_page(
        request: Request, park: str, account: SignedIn, year: int | None = None
    ) -> Response:
        result, companies = inventory.inventory_for(db, account.viewer, park, year)
        return templates.TemplateResponse(
            request,
            "inventory.html",
            {"park": park, "result": result, "companies": companies},
        )

    return pages
