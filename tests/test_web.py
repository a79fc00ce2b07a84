"""The first web pages and API: the demo park, readable, and nothing confidential leaks."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from parkloop.domain.access import ANONYMOUS, can_see_company, can_see_flow
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.web.app import create_app


@pytest.fixture
def demo(database: Database) -> Iterator[tuple[TestClient, str]]:
    report = park_service.load_demo(database)
    with TestClient(create_app(database)) as client:
        yield client, report.park


def test_home_lists_the_demo_park(demo: tuple[TestClient, str]) -> None:
    client, park = demo
    page = client.get("/")
    assert page.status_code == 200
    assert park in page.text


def test_park_page_shows_public_rows_and_hides_the_rest(
    demo: tuple[TestClient, str], database: Database
) -> None:
    client, park = demo
    page = client.get(f"/parks/{quote(park)}")
    assert page.status_code == 200
    workbook = park_service.park_workbook(database, park)
    companies = {c.id: c for c in workbook.companies}
    shown = [c for c in workbook.companies if can_see_company(ANONYMOUS, park, c)]
    hidden = [c for c in workbook.companies if not can_see_company(ANONYMOUS, park, c)]
    assert shown and hidden, "the demo park should have both public and confidential companies"
    for company in shown:
        assert f"<td>{company.id}</td>" in page.text
    for company in hidden:
        assert f"<td>{company.id}</td>" not in page.text
    visible = [
        f for f in workbook.flows if can_see_flow(ANONYMOUS, park, companies[f.company_id], f)
    ]
    secret = [f for f in workbook.flows if f not in visible]
    assert visible and secret
    for flow in visible:
        assert f"<td>{flow.id}</td>" in page.text
    for flow in secret:
        assert f"<td>{flow.id}</td>" not in page.text
    assert f"{len(hidden)} companies and {len(secret)} flows are confidential" in page.text


def test_api_gives_the_same_public_view(demo: tuple[TestClient, str], database: Database) -> None:
    client, park = demo
    body = client.get(f"/api/v1/parks/{quote(park)}").json()
    workbook = park_service.park_workbook(database, park)
    public_companies = {c.id for c in workbook.companies if can_see_company(ANONYMOUS, park, c)}
    assert {c["id"] for c in body["companies"]} == public_companies
    assert body["hidden"]["companies"] == len(workbook.companies) - len(public_companies)
    assert all(f["company_id"] in public_companies for f in body["flows"])


def test_unknown_park_is_a_404_page_and_a_404_json_error(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    page = client.get("/parks/Nowhere")
    assert page.status_code == 404 and "no park named" in page.text
    api = client.get("/api/v1/parks/Nowhere")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_health(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    assert client.get("/healthz").json()["status"] == "ok"
