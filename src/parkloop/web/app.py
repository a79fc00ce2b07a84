"""The FastAPI application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from parkloop import __version__
from parkloop.domain.access import ANONYMOUS
from parkloop.errors import NotFound, ParkloopError
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.services.views import park_view

HERE = Path(__file__).parent
STATUS = {"not_found": 404, "forbidden": 403, "validation_error": 422, "conflict": 409}


def create_app(database: Database | None = None) -> FastAPI:
    """Build the app on ``database`` (by default the one the settings name)."""
    db = database or Database.from_settings()
    app = FastAPI(title="parkloop", version=__version__)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(ParkloopError)
    async def _handle(request: Request, exc: ParkloopError) -> Response:
        status = STATUS.get(exc.code, 400)
        if request.url.path.startswith("/api/"):
            body = {"error": {"code": exc.code, "message": str(exc), "details": []}}
            return JSONResponse(body, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"message": str(exc), "status": status}, status_code=status
        )

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        parks = park_service.list_parks(db)
        return templates.TemplateResponse(request, "index.html", {"parks": parks})

    @app.get("/parks/{name}", response_class=HTMLResponse)
    def park_page(request: Request, name: str) -> Response:
        view = park_view(db, name, ANONYMOUS)
        return templates.TemplateResponse(request, "park.html", {"view": view})

    @app.get("/api/v1/parks")
    def api_parks() -> list[dict[str, Any]]:
        return [
            {"name": p.name, "country": p.country, "municipality": p.municipality}
            for p in park_service.list_parks(db)
        ]

    @app.get("/api/v1/parks/{name}")
    def api_park(name: str) -> dict[str, Any]:
        view = park_view(db, name, ANONYMOUS)
        return {
            "name": view.park.name,
            "country": view.park.country,
            "companies": [
                {"id": c.id, "name": c.name, "nace": c.nace, "sector": sector}
                for c, sector in view.companies
            ],
            "flows": [
                {
                    "id": v.flow.id,
                    "company_id": v.flow.company_id,
                    "direction": v.flow.direction.value,
                    "category": v.flow.category.value,
                    "name": v.flow.name,
                    "ewc": v.flow.ewc,
                    "quantity": v.flow.quantity,
                    "unit": v.flow.unit,
                    "per": v.flow.per.value,
                }
                for v in view.flows
            ],
            "hidden": {"companies": view.hidden_companies, "flows": view.hidden_flows},
        }

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/{path:path}", include_in_schema=False)
    def missing(path: str) -> Response:
        raise NotFound(f"no page at /{path}")

    return app
