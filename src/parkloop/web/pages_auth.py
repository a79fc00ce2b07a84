"""Pages for accounts: sign in and out, invitations, password reset, API tokens, outbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from parkloop.domain.people import Role
from parkloop.errors import Unauthenticated, ValidationError
from parkloop.services import accounts, mail
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.web.security import (
    SESSION_COOKIE,
    Csrf,
    SignedIn,
    client_address,
    current_account,
    set_session_cookie,
)


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def router(db: Database, templates: Jinja2Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def render(request: Request, name: str, status: int = 200, **context: object) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=status)

    @pages.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str | None = None) -> Response:
        return render(request, "login.html", next=_safe_next(next), error=None, email="")

    @pages.post("/login", dependencies=[Csrf])
    async def login(
        request: Request,
        email: Annotated[str, Form()],
        password: Annotated[str, Form()],
        next: Annotated[str, Form()] = "/",
    ) -> Response:
        try:
            signed = await run_in_threadpool(
                accounts.sign_in, db, email, password, client_address(request)
            )
        except Unauthenticated as error:
            return render(
                request, "login.html", 401, next=_safe_next(next), error=str(error), email=email
            )
        response = RedirectResponse(_safe_next(next), status_code=303)
        set_session_cookie(response, signed.token)
        return response

    @pages.post("/logout", dependencies=[Csrf])
    def logout(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            accounts.sign_out(db, token)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @pages.get("/invitations/{token}", response_class=HTMLResponse)
    def invitation_form(request: Request, token: str) -> Response:
        email = accounts.invitation_email(db, token)
        return render(request, "invitation.html", token=token, email=email, errors=[])

    @pages.post("/invitations/{token}", dependencies=[Csrf])
    def accept(
        request: Request,
        token: str,
        name: Annotated[str, Form()],
        password: Annotated[str, Form()],
    ) -> Response:
        email = accounts.invitation_email(db, token)
        try:
            accounts.accept_invitation(db, token, name, password)
        except ValidationError as error:
            messages = [i.message for i in error.issues]
            return render(
                request, "invitation.html", 422, token=token, email=email, errors=messages
            )
        signed = accounts.sign_in(db, email, password, client_address(request))
        response = RedirectResponse("/account", status_code=303)
        set_session_cookie(response, signed.token)
        return response

    @pages.get("/password-reset", response_class=HTMLResponse)
    def reset_request_form(request: Request) -> Response:
        return render(request, "reset_request.html", sent=False)

    @pages.post("/password-reset", dependencies=[Csrf])
    def reset_request(request: Request, email: Annotated[str, Form()]) -> Response:
        accounts.request_password_reset(db, email)
        minutes = get_settings().reset_token_minutes
        return render(request, "reset_request.html", sent=True, minutes=minutes)

    @pages.get("/password-reset/{token}", response_class=HTMLResponse)
    def reset_form(request: Request, token: str) -> Response:
        return render(request, "reset.html", token=token, errors=[])

    @pages.post("/password-reset/{token}", dependencies=[Csrf])
    def reset(request: Request, token: str, password: Annotated[str, Form()]) -> Response:
        try:
            accounts.reset_password(db, token, password)
        except ValidationError as error:
            messages = [i.message for i in error.issues]
            return render(request, "reset.html", 422, token=token, errors=messages)
        return RedirectResponse("/login?reset=1", status_code=303)

    @pages.get("/account", response_class=HTMLResponse)
    def account_page(request: Request, account: SignedIn) -> Response:
        return render(request, "account.html", account=account, new_token=None)

    @pages.post("/account/tokens", dependencies=[Csrf])
    def new_token(request: Request, account: SignedIn, label: Annotated[str, Form()]) -> Response:
        token = accounts.create_api_token(db, account.email, label)
        return render(request, "account.html", 201, account=account, new_token=token)

    @pages.get("/admin/outbox", response_class=HTMLResponse)
    def outbox(request: Request) -> Response:
        accounts.require_role(current_account(request), Role.ADMIN)
        return render(request, "outbox.html", messages=mail.outbox(db))

    return pages
