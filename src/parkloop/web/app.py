"""The FastAPI application."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parkloop import __version__
from parkloop.domain.access import ANONYMOUS
from parkloop.domain.people import Role
from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import NotFound, ParkloopError, RateLimited, SignInRequired
from parkloop.services import cache, dashboard, impact, pipeline
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
    pages_jobs,
    pages_pipeline,
    pages_toolbox,
    pages_workshop,
)
from parkloop.web.security import (
    AuthMiddleware,
    csrf_token,
    current_account,
    security_headers,
)

HERE = Path(__file__).parent
STATUS = {
    "not_found": 404,
    "forbidden": 403,
    "validation_error": 422,
    "conflict": 409,
    "unauthenticated": 401,
    "rate_limited": 429,
}
UNAVAILABLE = "database unavailable, try again"
UNAVAILABLE_RETRY_S = 5
logger = logging.getLogger(__name__)


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached now (down, restarting, busy).

    True for: a connection that broke mid-request (SQLAlchemy invalidated it); a connection that
    could not be opened; PostgreSQL's connection, resource and shutdown errors (SQLSTATE classes
    08 and 53, 57P01-57P05); SQLite still locked after its busy timeout; a pool that handed out
    no connection in time. False for errors in a statement, its data or the schema, which stay
    server errors.
    """
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated or exc.statement is None:
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    return (
        sqlstate[:2] in ("08", "53")
        or sqlstate.startswith("57P")
        or ("database is locked" in str(exc.orig))
    )


def _log_unavailable(request: Request, exc: BaseException) -> None:
    """Log the failure by class and first line of the driver's message only: no statement,
    no parameters, no connection URL."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    logger.warning(
        "%s %s: database unavailable (%s: %s)",
        request.method,
        request.url.path,
        type(cause).__name__,
        lines[0] if lines else "",
    )


def _unavailable_json() -> JSONResponse:
    body = {"error": {"code": "database_unavailable", "message": UNAVAILABLE, "details": []}}
    headers = {"Retry-After": str(UNAVAILABLE_RETRY_S)}
    return JSONResponse(body, status_code=503, headers=headers)


class DatabaseUnavailableGuard:
    """Answer 503 when the database fails before a route runs (the account lookup of
    :class:`AuthMiddleware`), where the app's exception handlers cannot see it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if started or not database_unavailable(exc):
                raise
            request = Request(scope)
            _log_unavailable(request, exc)
            if request.url.path.startswith("/api/"):
                response: Response = _unavailable_json()
            else:
                page = (
                    '<!doctype html><html><head><meta charset="utf-8"><title>parkloop</title>'
                    f"</head><body><h1>{html.escape(UNAVAILABLE)}</h1>"
                    '<p><a href="/">parkloop</a></p></body></html>'
                )
                response = HTMLResponse(
                    page, status_code=503, headers={"Retry-After": str(UNAVAILABLE_RETRY_S)}
                )
            response.headers.update(security_headers())
            await response(scope, receive, send)


class ParkStampScope:
    """Read each park's stamp at most once per request (see :mod:`parkloop.services.cache`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with cache.request_scope():
            await self.app(scope, receive, send)


def remembering_numbers(write: Callable[..., str], limit: int = 50_000) -> Callable[..., str]:
    """The template filter ``write`` (``i18n.number``), remembering what it wrote.

    Writing a number through Babel parses the locale and the pattern each time; a park page
    writes hundreds of them and the same ones on every request. The text depends only on the
    value, its type, the digits and the reader's locale, so it is kept under those (at most
    ``limit`` entries, then forgotten all at once).
    """
    seen: dict[tuple[Any, ...], str] = {}

    @pass_context
    def number(context: Any, value: Any, digits: int = 6) -> str:
        request = context.get("request")
        locale = getattr(getattr(request, "state", None), "locale", "en") if request else "en"
        key = (type(value), value, digits, str(locale))
        try:
            return seen[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: write it every time
            return write(context, value, digits)
        text = write(context, value, digits)
        if len(seen) >= limit:
            seen.clear()
        seen[key] = text
        return text

    return number


def create_app(database: Database | None = None) -> FastAPI:
    """Build the app on ``database`` (by default the one the settings name)."""
    db = database or Database.from_settings()
    app = FastAPI(title="parkloop", version=__version__)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["csrf_token"] = csrf_token
    templates.env.globals["current_account"] = current_account
    templates.env.globals["_"] = i18n.translate
    templates.env.globals["languages"] = [(code, i18n.NAMES[code]) for code in i18n.LOCALES]
    templates.env.filters["number"] = remembering_numbers(i18n.number)
    templates.env.filters["datetime"] = i18n.datetime
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(AuthMiddleware, database=db)
    app.add_middleware(ParkStampScope)
    app.add_middleware(DatabaseUnavailableGuard)

    @app.exception_handler(DBAPIError)
    async def _unavailable(request: Request, exc: DBAPIError) -> Response:
        if not database_unavailable(exc):
            raise exc
        _log_unavailable(request, exc)
        if request.url.path.startswith("/api/"):
            return _unavailable_json()
        return templates.TemplateResponse(
            request,
            "error.html",
            {"message": UNAVAILABLE, "status": 503},
            status_code=503,
            headers={"Retry-After": str(UNAVAILABLE_RETRY_S)},
        )

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
    app.include_router(pages_jobs.router(db, templates))
    app.include_router(pages_workshop.router(db, templates))
    app.include_router(pages_guide.router(db, templates))  # before /certificates/{code}
    app.include_router(pages_certification.router(db, templates))
    app.include_router(pages_toolbox.router(db, templates))
    app.include_router(api.router(db))
    app.include_router(pages_jobs.api_router(db))

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
