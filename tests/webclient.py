"""Helpers for web tests: sign in through the real form, read CSRF tokens from pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx2 import Response

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def token_on(page: str) -> str:
    match = CSRF.search(page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    token = token_on(client.get("/login").text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": "/account"},
        follow_redirects=False,
    )
