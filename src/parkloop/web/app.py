"""The FastAPI application."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from parkloop import __version__
from parkloop.domain.access import ANONYMOUS
from parkloop.domain.people import Role
from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import NotFound, ParkloopError, RateLimited, SignInRequired
from parkloop.services import dashboard, impact, pipeline
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.services.views import map_data, park_view
from parkloop.settings import get_settings
from parkloop.web import (
    api,
    charts,
    i18n,
    pages_auth,
    pages_certification,
    pages_company,
    pages_guide,
    pages_pipeline,
    pages_toolbox,
    pages_workshop,
)
from parkloop.web.security import AuthMiddleware, csrf_token, current_account

HERE = Path(__file__).parent
STATUS = {
    "not_found": 404,
    "forbidden": 403,
    "validation_error": 422,
    "conflict": 409,
    "unauthenticated": 401,
    "rate_limited": 429,
}


def create_app(database: Database | None = None) -> FastAPI:
    """Build the app on ``database`` (by default the one the settings name)."""
    db = database or Database.from_settings()
    app = FastAPI(title="parkloop", version=__version__)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["csrf_token"] = csrf_token
    templates.env.globals["current_account"] = current_account
    templates.env.globals["_"] = i18n.translate
    templates.env.globals["languages"] = [(code, i18n.NAMES[code]) for code in i18n.LOCALES]
    templates.env.filters["number"] = i18n.number
    templates.env.filters["datetime"] = i18n.datetime
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(AuthMiddleware, database=db)

    @app.exception_handler(ParkloopError)
    async def _handle(request: Request, exc: ParkloopError) -> Response:
        status = STATUS.get(exc.code, 400)
        headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimited) else None
        if request.url.path.startswith("/api/"):
            details = [
                {"sheet": i.sheet, "row": i.row, "column": i.column, "message": i.message}
                for i in getattr(exc, "issues", [])
            ]
            body = {"error": {"code": exc.code, "message": str(exc), "details": details}}
            return JSONResponse(body, status_code=status, headers=headers)
        if isinstance(exc, SignInRequired) and request.method == "GET":
            target = quote(request.url.path, safe="/")
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"message": str(exc), "status": status},
            status_code=status,
            headers=headers,
        )

    app.include_router(pages_auth.router(db, templates))
    app.include_router(pages_company.router(db, templates))
    app.include_router(pages_pipeline.router(db, templates))
    app.include_router(pages_workshop.router(db, templates))
    app.include_router(pages_guide.router(db, templates))  # before /certificates/{code}
    app.include_router(pages_certification.router(db, templates))
    app.include_router(pages_toolbox.router(db, templates))
    app.include_router(api.router(db))

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        parks = park_service.list_parks(db)
        return templates.TemplateResponse(request, "index.html", {"parks": parks})

    @app.get("/parks/{name}", response_class=HTMLResponse)
    def park_page(request: Request, name: str) -> Response:
        account = current_account(request)
        viewer = account.viewer if account else ANONYMOUS
        view = park_view(db, name, viewer)
        can_invite = account is not None and account.has_role(Role.FACILITATOR, name)
        settings = get_settings()
        return templates.TemplateResponse(
            request,
            "park.html",
            {
                "view": view,
                "can_invite": can_invite,
                "signed_in": account is not None,
                "figures": pipeline.key_figures(db, name, len(view.flows)),
                "impact": _implemented_impact(name),
                "sankeys": {
                    unit: charts.sankey(links)
                    for unit, links in dashboard.flow_sankeys(db, viewer, name).items()
                },
                "timeline": charts.step_chart(dashboard.synergy_timeline(db, name)),
                "tile_url": settings.map_tile_url or "",
                "attribution": settings.map_attribution,
            },
        )

    def _implemented_impact(name: str) -> dict[str, float] | None:
        totals = impact.park_impact(db, name, statuses=[SynergyStatus.IMPLEMENTED]).total
        if totals.synergies == 0:
            return None
        return {
            "co2e_t": totals.co2e_net_t_per_yr.central,
            "co2e_low_t": totals.co2e_net_t_per_yr.low,
            "co2e_high_t": totals.co2e_net_t_per_yr.high,
            "diverted_t": totals.tonnes_diverted_per_yr,
            "energy_mwh": totals.energy_mwh_per_yr,
            "cost_eur": totals.cost_eur_per_yr.central,
        }

    @app.get("/parks/{name}/map.json", include_in_schema=False)
    def park_map(request: Request, name: str) -> dict[str, Any]:
        account = current_account(request)
        return map_data(db, name, account.viewer if account else ANONYMOUS)

    @app.get("/api/v1/parks")
    def api_parks() -> list[dict[str, Any]]:
        return [
            {"name": p.name, "country": p.country, "municipality": p.municipality}
            for p in park_service.list_parks(db)
        ]

    @app.get("/api/v1/parks/{name}")
    def api_park(request: Request, name: str) -> dict[str, Any]:
        account = current_account(request)
        view = park_view(db, name, account.viewer if account else ANONYMOUS)
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
                    "company_id": v.company_id,
                    "company": v.company_label,
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
