"""Workshop mode pages: quick entry for many companies, a shared screen, the session export."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from parkloop.errors import ValidationError
from parkloop.services import parks as park_service
from parkloop.services import workshop
from parkloop.services.database import Database
from parkloop.web.security import Csrf, SignedIn

ROWS = 12


def router(db: Database, templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def entry_page(
        request: Request, park: str, session: str, errors: list[str], status: int = 200
    ) -> Response:
        companies = park_service.list_companies(db, park)
        return templates.TemplateResponse(
            request,
            "workshop.html",
            {
                "park": park,
                "session": session,
                "companies": companies,
                "rows": range(1, ROWS + 1),
                "errors": errors,
            },
            status_code=status,
        )

    @pages.get("/parks/{park}/workshop", response_class=HTMLResponse)
    def show(request: Request, park: str, account: SignedIn, session: str = "") -> Response:
        workshop.screen(db, account.viewer, park, session)  # checks the role
        return entry_page(request, park, session, [])

    @pages.post("/parks/{park}/workshop", dependencies=[Csrf])
    async def enter(request: Request, park: str, account: SignedIn) -> Response:
        form = await request.form()
        session = str(form.get("session", ""))
        rows = [
            {field: str(form.get(f"{field}-{n}", "")) for field in workshop.ENTRY_FIELDS}
            for n in range(1, ROWS + 1)
        ]
        try:
            workshop.add_entries(db, account.viewer, park, session, rows)
        except ValidationError as error:
            messages = [
                f"row {i.row}: {i.column}: {i.message}" if i.row else i.message
                for i in error.issues
            ]
            return entry_page(request, park, session, messages, 422)
        query = urlencode({"session": session})
        return RedirectResponse(f"/parks/{quote(park)}/workshop/screen?{query}", status_code=303)

    @pages.get("/parks/{park}/workshop/screen", response_class=HTMLResponse)
    def screen(request: Request, park: str, account: SignedIn, session: str) -> Response:
        rows = workshop.screen(db, account.viewer, park, session)
        return templates.TemplateResponse(
            request, "workshop_screen.html", {"park": park, "session": session, "rows": rows}
        )

    @pages.get("/parks/{park}/workshop/export.csv")
    def export(park: str, account: SignedIn, session: str) -> Response:
        text = workshop.export_csv(db, account.viewer, park, session)
        name = "".join(c if c.isalnum() else "-" for c in session) or "workshop"
        return PlainTextResponse(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    return pages
