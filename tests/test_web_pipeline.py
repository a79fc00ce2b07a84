"""The synergy pipeline pages, the park dashboard figures and the map data, per role."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from parkloop.domain.access import Viewer, can_see_company
from parkloop.services import parks as park_service
from parkloop.services import pipeline, synergies, users
from parkloop.services.database import Database
from tests.test_web_company import Park, client_for
from tests.test_web_company import park as park
from tests.webclient import token_on


def _synergy(park: Park) -> int:
    supply = next(
        f
        for f in park_service.list_flows(park.database, park.name, park.supplier)
        if f.direction.value == "supply"
    )
    return synergies.identify(
        park.database, park.name, supply.id, park.receiver, by="facilitator@example.org"
    )


@pytest.fixture
def synergy(park: Park) -> Iterator[int]:
    yield _synergy(park)


def test_the_board_shows_each_role_exactly_the_synergies_it_may_see(
    park: Park, synergy: int
) -> None:
    seen = {}
    for email in (
        "facilitator@example.org",
        "supplier@example.org",
        "receiver@example.org",
        "outsider@example.org",
        "auditor@example.org",
    ):
        page = client_for(park, email).get(f"/parks/{quote(park.name)}/synergies")
        assert page.status_code == 200
        seen[email] = f'href="/synergies/{synergy}"' in page.text
    assert seen == {
        "facilitator@example.org": True,
        "supplier@example.org": True,
        "receiver@example.org": True,
        "outsider@example.org": False,
        "auditor@example.org": False,
    }
    anonymous = client_for(park, None).get(
        f"/parks/{quote(park.name)}/synergies", follow_redirects=False
    )
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_outsiders_cannot_read_or_write_a_synergy_by_id(park: Park, synergy: int) -> None:
    outsider = client_for(park, "outsider@example.org")
    assert outsider.get(f"/synergies/{synergy}").status_code == 404
    token = token_on(outsider.get("/account").text)
    posted = outsider.post(
        f"/synergies/{synergy}/messages", data={"body": "hi", "csrf_token": token}
    )
    assert posted.status_code == 404
    moved = outsider.post(
        f"/synergies/{synergy}/status",
        data={"status": "rejected", "version": "1", "csrf_token": token},
    )
    assert moved.status_code == 404
    assert synergies.get(park.database, synergy)[0].status.value == "identified"


def test_the_two_companies_talk_and_only_the_facilitator_moves_the_status(
    park: Park, synergy: int
) -> None:
    supplier = client_for(park, "supplier@example.org")
    page = supplier.get(f"/synergies/{synergy}")
    assert page.status_code == 200 and 'id="move"' not in page.text
    supplier.post(
        f"/synergies/{synergy}/messages",
        data={"body": "Dry, 300 t a year", "csrf_token": token_on(page.text)},
    )
    denied = supplier.post(
        f"/synergies/{synergy}/status",
        data={"status": "contacted", "version": "1", "csrf_token": token_on(page.text)},
    )
    assert denied.status_code == 403
    receiver = client_for(park, "receiver@example.org")
    assert "Dry, 300 t a year" in receiver.get(f"/synergies/{synergy}").text
    facilitator = client_for(park, "facilitator@example.org")
    page = facilitator.get(f"/synergies/{synergy}")
    token = token_on(page.text)
    moved = facilitator.post(
        f"/synergies/{synergy}/status",
        data={"status": "contacted", "version": "1", "note": "call booked", "csrf_token": token},
    )
    assert moved.status_code == 200 and "call booked" in moved.text
    stale = facilitator.post(
        f"/synergies/{synergy}/status",
        data={"status": "negotiating", "version": "1", "csrf_token": token},
    )
    assert stale.status_code == 409
    skip = facilitator.post(
        f"/synergies/{synergy}/status",
        data={"status": "ended", "version": "2", "csrf_token": token},
    )
    assert skip.status_code == 400 and "allowed next" in skip.text
    assert synergies.get(park.database, synergy)[0].status.value == "contacted"


def test_dashboard_counts_synergies_and_the_map_names_only_known_companies(
    park: Park, synergy: int
) -> None:
    for status, version in (("contacted", 1), ("negotiating", 2), ("implemented", 3)):
        synergies.advance(
            park.database, synergy, pipeline.SynergyStatus(status), by="f", expected_version=version
        )
    page = client_for(park, None).get(f"/parks/{quote(park.name)}")
    figures = page.text.split('id="figures"')[1].split("</div>\n</div>")[0]
    assert "<strong>1</strong>synergies implemented" in figures
    workbook = park_service.park_workbook(park.database, park.name)
    for email in (None, "outsider@example.org", "facilitator@example.org"):
        viewer = Viewer(tuple(users.memberships(park.database, email))) if email else Viewer()
        data = client_for(park, email).get(f"/parks/{quote(park.name)}/map.json").json()
        expected = {c.id for c in workbook.companies if can_see_company(viewer, park.name, c)}
        assert {c["id"] for c in data["companies"]} == expected
        both_known = {park.supplier, park.receiver} <= expected
        assert len(data["exchanges"]) == (1 if both_known else 0)


def test_a_configured_tile_server_is_allowed_by_the_content_security_policy(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parkloop.settings import get_settings
    from parkloop.web.app import create_app

    monkeypatch.setenv("PARKLOOP_MAP_TILE_URL", "https://tiles.example.org/{z}/{x}/{y}.png")
    get_settings.cache_clear()
    park_service.load_demo(database)
    with TestClient(create_app(database)) as client:
        policy = client.get("/").headers["content-security-policy"]
    assert "img-src 'self' data: https://tiles.example.org;" in policy
