"""Every page and API read, for every role: exactly the answers each may get.

The table below must name every GET route of the app (a test checks it), so a new page cannot
be added without deciding who may open it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from parkloop.domain.access import Viewer, can_see_company
from parkloop.reference.standards import default_registry
from parkloop.services import accounts, certification, demo, jobs, pipeline, users
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.web.app import create_app

PERSONAS = ("anonymous", "admin", "facilitator", "officer", "auditor", "member", "other_member")
EMAILS = {
    "admin": "admin@havnestad.example",
    "facilitator": "facilitator@havnestad.example",
    "officer": "officer@havnestad.example",
    "auditor": "auditor@havnestad.example",
    "member": "energy@chp.havnestad.example",  # C01
    "other_member": "energy@heating.havnestad.example",  # C02
}
ALL = dict.fromkeys(PERSONAS, 200)
SIGNED_IN = {p: (303 if p == "anonymous" else 200) for p in PERSONAS}


@dataclass
class World:
    database: Database
    park: str
    private_company: str
    synergy: int
    clients: dict[str, TestClient]
    assessment: int
    evidence: int
    job: int


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("personas-data")


@pytest.fixture(autouse=True)
def _same_data_dir(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Evidence files written while building the world stay where every test looks for them."""
    monkeypatch.setenv("PARKLOOP_DATA_DIR", str(data_dir))
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Iterator[World]:
    os.environ["PARKLOOP_DATA_DIR"] = str(data_dir)
    get_settings.cache_clear()
    path = tmp_path_factory.mktemp("personas") / "personas.sqlite3"
    database = Database.from_url(f"sqlite:///{path}")
    database.migrate()
    park = park_service.load_demo(database).park
    demo.load_demo_activity(database, park)
    workbook = park_service.park_workbook(database, park)
    private = next(c.id for c in workbook.companies if c.visibility.value == "private")
    facilitator = Viewer(tuple(users.memberships(database, EMAILS["facilitator"])))
    synergy = pipeline.board(database, facilitator, park)["contacted"][0].synergy_id
    manager = accounts.sign_in(database, EMAILS["facilitator"], demo.DEMO_PASSWORD, "t").account
    standard = default_registry().all()[0]
    assessment = certification.start(database, manager, park, standard.id)
    evidence = certification.add_evidence(
        database, manager, assessment, standard.criteria[0].id, "plan.pdf", b"%PDF-1.4 plan"
    )
    job = jobs.submit(database, "matching", park, by=EMAILS["facilitator"]).id
    app = create_app(database)
    clients = {}
    for persona in PERSONAS:
        client = TestClient(app)
        if persona != "anonymous":
            page = client.get("/login")
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            response = client.post(
                "/login",
                data={
                    "email": EMAILS[persona],
                    "password": demo.DEMO_PASSWORD,
                    "csrf_token": token,
                },
                follow_redirects=False,
            )
            assert response.status_code == 303
        clients[persona] = client
    yield World(database, park, private, synergy, clients, assessment, evidence, job)
    database.dispose()
    os.environ.pop("PARKLOOP_DATA_DIR", None)


def expectations(world: World) -> dict[str, tuple[str, dict[str, int]]]:
    """route path -> (a concrete URL, expected status per persona)."""
    park = quote(world.park)
    staff = {p: 403 for p in PERSONAS} | {"anonymous": 303, "facilitator": 200, "admin": 200}
    knows_private = {p: 404 for p in PERSONAS} | {"facilitator": 200, "admin": 200}
    story = {p: 404 for p in PERSONAS} | {
        "anonymous": 303,
        "facilitator": 200,
        "admin": 200,
        "officer": 200,
        "member": 200,
    }
    inbox = {p: 403 for p in PERSONAS} | {
        "anonymous": 401,
        "member": 200,
        "facilitator": 200,
        "admin": 200,
    }
    certifying = {p: 403 for p in PERSONAS} | {
        "anonymous": 303,
        "admin": 200,
        "facilitator": 200,
        "officer": 200,
        "auditor": 200,
    }
    reading = certifying | {"member": 404, "other_member": 404}
    return {
        "/": ("/", ALL),
        "/healthz": ("/healthz", ALL),
        "/login": ("/login", ALL),
        "/account": ("/account", SIGNED_IN),
        "/admin/outbox": (
            "/admin/outbox",
            {p: 403 for p in PERSONAS} | {"anonymous": 303, "admin": 200},
        ),
        "/invitations/{token}": ("/invitations/not-a-token", dict.fromkeys(PERSONAS, 401)),
        "/password-reset": ("/password-reset", ALL),
        "/password-reset/{token}": ("/password-reset/any", ALL),
        "/parks/{name}": (f"/parks/{park}", ALL),
        "/parks/{name}/map.json": (f"/parks/{park}/map.json", ALL),
        "/parks/{park}/companies/{company_id}": (
            f"/parks/{park}/companies/{world.private_company}",
            knows_private,
        ),
        "/parks/{park}/synergies": (f"/parks/{park}/synergies", SIGNED_IN),
        "/parks/{park}/inventory": (f"/parks/{park}/inventory", SIGNED_IN | {"auditor": 403}),
        "/synergies/{synergy_id}": (f"/synergies/{world.synergy}", story),
        "/parks/{park}/workshop": (f"/parks/{park}/workshop", staff),
        "/parks/{park}/workshop/screen": (f"/parks/{park}/workshop/screen?session=x", staff),
        "/parks/{park}/workshop/export.csv": (
            f"/parks/{park}/workshop/export.csv?session=x",
            staff,
        ),
        "/parks/{park}/certification": (f"/parks/{park}/certification", certifying),
        "/assessments/{assessment_id}": (f"/assessments/{world.assessment}", reading),
        "/evidence/{evidence_id}": (f"/evidence/{world.evidence}", reading),
        "/certificates/{code}": ("/certificates/NO-SUCH-CODE", dict.fromkeys(PERSONAS, 404)),
        "/showcase": ("/showcase", ALL),
        "/certificates/{code}.pdf": (
            "/certificates/NO-SUCH-CODE.pdf",
            dict.fromkeys(PERSONAS, 404),
        ),
        "/parks/{park}/guide": (f"/parks/{park}/guide", SIGNED_IN | {"auditor": 403}),
        "/parks/{park}/pathway": (f"/parks/{park}/pathway", SIGNED_IN | {"auditor": 403}),
        "/parks/{park}/report.html": (f"/parks/{park}/report.html", SIGNED_IN | {"auditor": 403}),
        "/parks/{park}/report.pdf": (f"/parks/{park}/report.pdf", SIGNED_IN | {"auditor": 403}),
        "/jobs/{job_id}": (
            f"/jobs/{world.job}",
            {p: 404 for p in PERSONAS} | {"anonymous": 303, "facilitator": 200, "admin": 200},
        ),
        "/parks/{park}/jobs": (f"/parks/{park}/jobs", staff),
        "/api/v1/jobs/{job_id}": (
            f"/api/v1/jobs/{world.job}",
            {p: 404 for p in PERSONAS} | {"anonymous": 401, "facilitator": 200, "admin": 200},
        ),
        "/toolbox": ("/toolbox", ALL),
        "/parks/{park}/companies/{company_id}/toolbox": (
            f"/parks/{park}/companies/C01/toolbox",
            {p: 403 for p in PERSONAS}
            | {"anonymous": 303, "member": 200, "facilitator": 200, "admin": 200},
        ),
        "/api/v1/parks": ("/api/v1/parks", ALL),
        "/api/v1/parks/{name}": (f"/api/v1/parks/{park}", ALL),
        "/api/v1/parks/{park}/companies": (f"/api/v1/parks/{park}/companies", ALL),
        "/api/v1/parks/{park}/flows": (f"/api/v1/parks/{park}/flows", ALL),
        "/api/v1/parks/{park}/report": (f"/api/v1/parks/{park}/report", ALL),
        "/api/v1/parks/{park}/companies/{company_id}/matches": (
            f"/api/v1/parks/{park}/companies/C01/matches",
            inbox,
        ),
        "/api/v1/parks/{park}/synergies": (
            f"/api/v1/parks/{park}/synergies",
            {p: 200 for p in PERSONAS} | {"anonymous": 401},
        ),
    }


def _routes(routes: list[object]) -> Iterator[Route]:
    """Every route, also those of included routers (wrapped by newer FastAPI versions)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(list(inner.routes))
        elif isinstance(route, APIRoute | Route):
            yield route


def test_the_table_names_every_page_and_api_read(world: World) -> None:
    app = world.clients["anonymous"].app
    paths = {
        route.path
        for route in _routes(list(app.routes))  # type: ignore[attr-defined]
        if "GET" in (route.methods or set())
        and not route.path.startswith(("/docs", "/redoc", "/openapi"))
        and route.path != "/{path:path}"
    }
    assert len(paths) > 20
    assert paths == set(expectations(world))


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_exactly_the_answers_its_role_allows(world: World, persona: str) -> None:
    got = {}
    for path, (url, expected) in expectations(world).items():
        response = world.clients[persona].get(url, follow_redirects=False)
        got[path] = response.status_code
        assert response.status_code == expected[persona], (persona, url, response.text[:300])
    assert got


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_names_a_company_its_reader_may_not_know(world: World, persona: str) -> None:
    viewer = (
        Viewer(tuple(users.memberships(world.database, EMAILS[persona])))
        if persona != "anonymous"
        else Viewer()
    )
    workbook = park_service.park_workbook(world.database, world.park)
    hidden = [c.name for c in workbook.companies if not can_see_company(viewer, world.park, c)]
    for path, (url, expected) in expectations(world).items():
        if expected[persona] != 200:
            continue
        text = world.clients[persona].get(url).text
        for name in hidden:
            assert name not in text, (persona, path, name)


def test_the_inventory_shows_company_lines_only_to_their_people_and_park_staff(
    world: World,
) -> None:
    url = f"/parks/{quote(world.park)}/inventory"
    workbook = park_service.park_workbook(world.database, world.park)
    with_energy = {e.company_id for e in workbook.energy}
    names = {c.id: c.name for c in workbook.companies if c.id in with_energy}
    member_page = world.clients["member"].get(url).text.split("<h2>Factors used</h2>")[0]
    staff_page = world.clients["facilitator"].get(url).text.split("<h2>Factors used</h2>")[0]
    assert f"<td>{names['C01']}</td>" in member_page
    others = [n for cid, n in names.items() if cid != "C01"]
    assert others and not any(f"<td>{n}</td>" in member_page for n in others)
    assert all(f"<td>{n}</td>" in staff_page for n in names.values())
    assert "IPCC" in world.clients["member"].get(url).text  # the factors are cited


def test_the_report_gives_inventory_totals_to_the_parks_people_only(world: World) -> None:
    url = f"/api/v1/parks/{quote(world.park)}/report"
    public = world.clients["anonymous"].get(url).json()
    auditor = world.clients["auditor"].get(url).json()
    member = world.clients["member"].get(url).json()
    assert public["inventory"] is None and auditor["inventory"] is None
    assert member["inventory"] and all(y["scope1_tco2e"] >= 0 for y in member["inventory"].values())
    assert public["figures"]["synergies_by_status"]["contacted"] == 2
    assert public["figures"]["flows_visible"] < member["figures"]["flows_visible"]
