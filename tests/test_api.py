"""The JSON API: paginated lists, bearer tokens, the same permission rules as the pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient

from parkloop.domain.access import Viewer, can_see_flow
from parkloop.services import accounts, flows, users
from parkloop.services import parks as park_service
from tests.test_web_company import Park
from tests.test_web_company import park as park


def bearer(park: Park, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.create_api_token(park.database, email, 'test')}"}


def api(park: Park, tail: str) -> str:
    return f"/api/v1/parks/{quote(park.name)}{tail}"


def test_flows_are_paginated_and_filtered_with_the_viewers_rules(park: Park) -> None:
    client = TestClient(park.app)  # type: ignore[arg-type]
    workbook = park_service.park_workbook(park.database, park.name)
    companies = {c.id: c for c in workbook.companies}
    for email in (None, "outsider@example.org"):
        viewer = Viewer(tuple(users.memberships(park.database, email))) if email else Viewer()
        headers = bearer(park, email) if email else {}
        expected = [
            f.id
            for f in workbook.flows
            if can_see_flow(viewer, park.name, companies[f.company_id], f)
        ]
        got: list[str] = []
        offset = 0
        while True:
            page = client.get(api(park, f"/flows?limit=25&offset={offset}"), headers=headers)
            body = page.json()
            assert body["total"] == len(expected) and body["limit"] == 25
            got += [f["id"] for f in body["items"]]
            offset += 25
            if offset >= body["total"]:
                break
        assert got == expected
    supplies = client.get(api(park, "/flows?direction=supply&limit=500")).json()["items"]
    assert supplies and all(f["direction"] == "supply" for f in supplies)
    assert client.get(api(park, "/flows?limit=0")).status_code == 422
    assert client.get(api(park, "/flows?direction=sideways")).status_code == 422


def test_a_bearer_client_lists_edits_and_deletes_flows_of_its_company(park: Park) -> None:
    client = TestClient(park.app)  # type: ignore[arg-type]
    headers = bearer(park, "supplier@example.org")
    url = api(park, f"/companies/{park.supplier}/flows")
    body = {
        "direction": "demand",
        "category": "water",
        "name": "Cooling water",
        "quantity": 5000,
        "unit": "m3",
        "confidentiality": "private",
    }
    created = client.post(url, json=body, headers=headers)
    assert created.status_code == 201, created.text
    flow = created.json()
    assert flow["version"] == 1 and flow["quantity"] == 5000
    bad = client.post(url, json={**body, "unit": "kWh"}, headers=headers)
    assert bad.status_code == 422
    detail = bad.json()["error"]["details"][0]
    assert detail["column"] == "unit" and detail["sheet"] == "flows"
    updated = client.put(
        f"{url}/{flow['id']}?version=1", json={**body, "quantity": 4000}, headers=headers
    )
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = client.put(f"{url}/{flow['id']}?version=1", json=body, headers=headers)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    other = bearer(park, "outsider@example.org")
    assert client.delete(f"{url}/{flow['id']}?version=2", headers=other).status_code == 403
    assert client.delete(f"{url}/{flow['id']}?version=2", headers=headers).status_code == 204
    assert flow["id"] not in {
        f.id for f, _ in flows.company_flows(park.database, park.name, park.supplier)
    }


def test_writes_without_a_token_need_a_session_and_its_csrf_header(park: Park) -> None:
    client = TestClient(park.app)  # type: ignore[arg-type]
    url = api(park, f"/companies/{park.supplier}/flows")
    body = {"direction": "supply", "category": "material", "name": "Scrap"}
    assert client.post(url, json=body).status_code in (401, 403)
    from tests.webclient import sign_in, token_on

    sign_in(client, "supplier@example.org")
    assert client.post(url, json=body).status_code == 403
    token = token_on(client.get("/account").text)
    assert client.post(url, json=body, headers={"X-CSRF-Token": token}).status_code == 201


def test_matches_and_synergies_need_an_account_and_follow_the_roles(park: Park) -> None:
    client = TestClient(park.app)  # type: ignore[arg-type]
    url = api(park, f"/companies/{park.supplier}/matches")
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(park, "outsider@example.org")).status_code == 403
    own = client.get(url, headers=bearer(park, "supplier@example.org")).json()
    assert own["total"] > 0 and all(0 <= m["score"] <= 1 for m in own["items"])
    synergies = client.get(api(park, "/synergies"), headers=bearer(park, "auditor@example.org"))
    assert synergies.status_code == 200 and synergies.json()["total"] == 0


def test_the_openapi_schema_lists_the_api(park: Park) -> None:
    schema = TestClient(park.app).get("/openapi.json").json()  # type: ignore[arg-type]
    paths = set(schema["paths"])
    assert "/api/v1/parks/{park}/flows" in paths
    assert "/api/v1/parks/{park}/companies/{company_id}/matches" in paths
    assert not any(p.startswith("/login") for p in paths)
