"""Who is asking, and is the form theirs: sessions, bearer tokens, CSRF and safe headers.

- Browsers carry a session cookie (``HttpOnly``, ``SameSite=Lax``, ``Secure`` in production);
  signing in always starts a new session, so a planted cookie is never promoted.
- Machine clients send ``Authorization: Bearer <token>``; they need no CSRF token.
- Every form post carries a CSRF token: the session's own token once signed in, and before
  that a random token bound to a ``parkloop_csrf`` cookie (double submit), so even the sign-in
  form cannot be posted from another site.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from parkloop.errors import Forbidden, SignInRequired
from parkloop.services import accounts
from parkloop.services.accounts import Account
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.web import i18n

SESSION_COOKIE = "parkloop_session"
CSRF_COOKIE = "parkloop_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Content-Security-Policy: everything from this origin only, no inline script or style, no
# framing (OWASP Secure Headers Project; MDN CSP reference).
CSP = (
    "default-src 'self'; img-src 'self' data:{tiles}; script-src 'self'; style-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP.format(tiles=""),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def security_headers() -> dict[str, str]:
    """The headers of every answer; a configured map tile server is allowed for images."""
    tile_url = get_settings().map_tile_url
    if not tile_url:
        return SECURITY_HEADERS
    origin = "/".join(tile_url.split("/")[:3])
    return SECURITY_HEADERS | {"Content-Security-Policy": CSP.format(tiles=f" {origin}")}


def secure_cookies() -> bool:
    settings = get_settings()
    return settings.environment == "production" or settings.base_url.startswith("https://")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class AuthMiddleware(BaseHTTPMiddleware):
    """Resolve the account of every request once; add the security headers to every answer."""

    def __init__(self, app: object, database: Database) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.database = database

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        account: Account | None = None
        authorization = request.headers.get("authorization", "")
        bearer = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        cookie = request.cookies.get(SESSION_COOKIE)
        if bearer:
            account = await run_in_threadpool(accounts.account_for_api_token, self.database, bearer)
        elif cookie:
            account = await run_in_threadpool(accounts.account_for_session, self.database, cookie)
        request.state.account = account
        request.state.locale = i18n.negotiate(request)
        request.state.bearer = bool(bearer)
        pre = request.cookies.get(CSRF_COOKIE)
        request.state.pre_csrf = pre or accounts.new_secret()
        response = await call_next(request)
        for name, value in security_headers().items():
            response.headers.setdefault(name, value)
        if cookie and account is None and not bearer:
            response.delete_cookie(SESSION_COOKIE, path="/")
        if request.query_params.get("lang") == request.state.locale:
            response.set_cookie(
                i18n.COOKIE, request.state.locale, samesite="lax", path="/", max_age=365 * 86400
            )
        if pre is None and account is None:
            response.set_cookie(
                CSRF_COOKIE,
                request.state.pre_csrf,
                httponly=True,
                samesite="strict",
                secure=secure_cookies(),
                path="/",
            )
        return response


def current_account(request: Request) -> Account | None:
    account: Account | None = getattr(request.state, "account", None)
    return account


def signed_in(request: Request) -> Account:
    account = current_account(request)
    if account is None:
        raise SignInRequired("sign in first")
    return account


def csrf_token(request: Request) -> str:
    """The token a form on this page must send back."""
    account = current_account(request)
    if account is not None and account.csrf_token:
        return account.csrf_token
    token: str = request.state.pre_csrf
    return token


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request without the right CSRF token (bearer clients excepted)."""
    if request.method in SAFE_METHODS or getattr(request.state, "bearer", False):
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = csrf_token(request)
    if not sent or not hmac.compare_digest(sent, expected):
        raise Forbidden(
            "the form's security token is missing or out of date; reload the page and try again"
        )


def set_session_cookie(response: Response, token: str) -> None:
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(),
        path="/",
        max_age=settings.session_max_hours * 3600,
    )
    response.delete_cookie(CSRF_COOKIE, path="/")


CurrentAccount = Annotated[Account | None, Depends(current_account)]
SignedIn = Annotated[Account, Depends(signed_in)]
Csrf = Depends(verify_csrf)
