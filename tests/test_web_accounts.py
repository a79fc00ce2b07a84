"""Accounts on the web: sign-in, sessions, CSRF, rate limit, invitations, resets, API tokens."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from parkloop.domain.people import Membership, Role
from parkloop.errors import Forbidden, Unauthenticated
from parkloop.services import accounts, mail, users
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.store.tables import PasswordResetRow, SessionRow
from parkloop.web.app import create_app
from parkloop.web.security import CSRF_COOKIE, SECURITY_HEADERS, SESSION_COOKIE
from tests.webclient import PASSWORD, sign_in, token_on


@dataclass
class Site:
    client: TestClient
    database: Database
    park: str


@pytest.fixture
def site(database: Database) -> Iterator[Site]:
    park = park_service.load_demo(database).park
    workbook = park_service.park_workbook(database, park)
    company = workbook.companies[0].id
    for email, membership in (
        ("admin@example.org", Membership("admin@example.org", Role.ADMIN)),
        ("facilitator@example.org", Membership("facilitator@example.org", Role.FACILITATOR, park)),
        (
            "member@example.org",
            Membership("member@example.org", Role.COMPANY_MEMBER, park, company),
        ),
    ):
        users.create_user(database, email, email.split("@")[0].title(), PASSWORD)
        users.add_membership(database, membership)
    with TestClient(create_app(database)) as client:
        yield Site(client, database, park)


def test_signing_in_sets_a_fresh_httponly_session_and_shows_the_account(site: Site) -> None:
    site.client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver.local")
    response = sign_in(site.client, "member@example.org")
    assert response.status_code == 303 and response.headers["location"] == "/account"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    session = site.client.cookies.get(SESSION_COOKIE)
    assert session and session != "planted-by-an-attacker"
    page = site.client.get("/account")
    assert page.status_code == 200 and "member@example.org" in page.text
    assert "company member" in page.text


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(site: Site) -> None:
    wrong = sign_in(site.client, "member@example.org", "not the password at all")
    unknown = sign_in(site.client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "wrong e-mail address or password" in wrong.text
    assert "wrong e-mail address or password" in unknown.text
    assert site.client.cookies.get(SESSION_COOKIE) is None


def test_too_many_failures_lock_sign_in_even_with_the_right_password(site: Site) -> None:
    limit = 10  # PARKLOOP_LOGIN_MAX_FAILURES default (settings.py, under NIST's cap of 100)
    for _ in range(limit):
        assert sign_in(site.client, "member@example.org", "guess guess guess").status_code == 401
    locked = sign_in(site.client, "member@example.org")
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) == 15 * 60
    assert site.client.cookies.get(SESSION_COOKIE) is None


def test_a_form_without_the_csrf_token_or_with_another_browsers_token_is_refused(
    site: Site,
) -> None:
    data = {"email": "member@example.org", "password": PASSWORD}
    assert site.client.post("/login", data=data).status_code == 403
    with TestClient(site.client.app) as other:
        foreign = token_on(other.get("/login").text)
    site.client.get("/login")
    refused = site.client.post("/login", data={**data, "csrf_token": foreign})
    assert refused.status_code == 403 and "security token" in refused.text
    sign_in(site.client, "member@example.org")
    stale = site.client.post("/account/tokens", data={"label": "x", "csrf_token": foreign})
    assert stale.status_code == 403


def test_signing_out_ends_the_session_on_the_server(site: Site) -> None:
    sign_in(site.client, "member@example.org")
    cookie = site.client.cookies.get(SESSION_COOKIE)
    page = site.client.get("/account")
    site.client.post("/logout", data={"csrf_token": token_on(page.text)})
    with TestClient(site.client.app) as replay:
        replay.cookies.set(SESSION_COOKIE, str(cookie), domain="testserver.local")
        assert replay.get("/account", follow_redirects=False).status_code == 303


def test_an_idle_session_expires(site: Site) -> None:
    sign_in(site.client, "member@example.org")
    with site.database.transaction() as session:
        session.execute(
            update(SessionRow).values(
                last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)
            )
        )
    response = site.client.get("/account", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/account"


def test_only_local_paths_are_followed_after_sign_in(site: Site) -> None:
    token = token_on(site.client.get("/login").text)
    response = site.client.post(
        "/login",
        data={
            "email": "member@example.org",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_every_page_carries_the_security_headers(site: Site) -> None:
    for path in ("/", "/login", f"/parks/{quote(site.park)}", "/api/v1/parks", "/nowhere"):
        response = site.client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)
    with TestClient(site.client.app) as fresh:
        cookie = fresh.get("/login").headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=") and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()


def test_a_facilitator_invites_a_company_member_who_joins_once(site: Site) -> None:
    workbook = park_service.park_workbook(site.database, site.park)
    company = workbook.companies[1].id
    facilitator = _account(site.database, "facilitator@example.org")
    member = _account(site.database, "member@example.org")
    with pytest.raises(Forbidden, match="facilitator"):
        accounts.invite(
            site.database, member, "new@example.org", Role.COMPANY_MEMBER, site.park, company
        )
    invitation = accounts.invite(
        site.database, facilitator, "new@example.org", Role.COMPANY_MEMBER, site.park, company
    )
    sent = mail.outbox(site.database)[0]
    assert sent.recipient == "new@example.org" and invitation.link in sent.body
    path = invitation.link.split("8000", 1)[1]
    form = site.client.get(path)
    assert "new@example.org" in form.text
    short = site.client.post(
        path, data={"name": "New", "password": "short", "csrf_token": token_on(form.text)}
    )
    assert short.status_code == 422 and "at least 15 characters" in short.text
    joined = site.client.post(
        path,
        data={"name": "New Member", "password": PASSWORD, "csrf_token": token_on(form.text)},
    )
    assert joined.status_code == 200 and f"company {company}" in joined.text
    assert users.memberships(site.database, "new@example.org") == [
        Membership("new@example.org", Role.COMPANY_MEMBER, site.park, company)
    ]
    with TestClient(site.client.app) as other:
        assert other.get(path).status_code == 401  # used up


def test_password_reset_works_once_ends_sessions_and_reveals_no_accounts(site: Site) -> None:
    sign_in(site.client, "member@example.org")
    old_session = site.client.cookies.get(SESSION_COOKIE)
    with TestClient(site.client.app) as client:
        form = client.get("/password-reset")
        unknown = client.post(
            "/password-reset",
            data={"email": "nobody@example.org", "csrf_token": token_on(form.text)},
        )
        known = client.post(
            "/password-reset",
            data={"email": "member@example.org", "csrf_token": token_on(form.text)},
        )
        assert unknown.text == known.text
        assert [m.recipient for m in mail.outbox(site.database)] == ["member@example.org"]
        link = re.search(r"(/password-reset/\S+)", mail.outbox(site.database)[0].body)
        assert link
        page = client.get(link.group(1))
        new = "a much better passphrase now"
        done = client.post(
            link.group(1),
            data={"password": new, "csrf_token": token_on(page.text)},
            follow_redirects=False,
        )
        assert done.status_code == 303
        again = client.post(
            link.group(1), data={"password": new, "csrf_token": token_on(page.text)}
        )
        assert again.status_code == 401
    with pytest.raises(Unauthenticated):
        accounts.sign_in(site.database, "member@example.org", PASSWORD, "test")
    assert accounts.sign_in(site.database, "member@example.org", new, "test").account
    assert accounts.account_for_session(site.database, str(old_session)) is None


def test_an_expired_reset_link_is_refused(site: Site) -> None:
    accounts.request_password_reset(site.database, "member@example.org")
    link = re.search(r"/password-reset/(\S+)", mail.outbox(site.database)[0].body)
    assert link
    with site.database.transaction() as session:
        row = session.scalars(select(PasswordResetRow)).one()
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with pytest.raises(Unauthenticated, match="expired"):
        accounts.reset_password(site.database, link.group(1), "another long passphrase")


def test_api_tokens_authenticate_machine_clients_until_revoked(site: Site) -> None:
    anonymous = site.client.get(f"/api/v1/parks/{quote(site.park)}").json()
    token = accounts.create_api_token(site.database, "facilitator@example.org", "etl")
    headers = {"Authorization": f"Bearer {token}"}
    insider = site.client.get(f"/api/v1/parks/{quote(site.park)}", headers=headers).json()
    assert len(insider["flows"]) > len(anonymous["flows"])
    assert insider["hidden"] == {"companies": 0, "flows": 0}  # facilitators see everything
    accounts.revoke_api_token(site.database, "facilitator@example.org", "etl")
    revoked = site.client.get(f"/api/v1/parks/{quote(site.park)}", headers=headers).json()
    assert revoked == anonymous


def test_the_outbox_is_for_admins_only(site: Site) -> None:
    assert site.client.get("/admin/outbox", follow_redirects=False).status_code == 303
    sign_in(site.client, "member@example.org")
    assert site.client.get("/admin/outbox").status_code == 403
    with TestClient(site.client.app) as admin:
        sign_in(admin, "admin@example.org")
        assert admin.get("/admin/outbox").status_code == 200


def _account(database: Database, email: str) -> accounts.Account:
    return accounts.sign_in(database, email, PASSWORD, "test").account
