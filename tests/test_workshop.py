"""Workshop mode: many entries at once (all or nothing), a shared screen, the session export."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from fastapi.testclient import TestClient

from parkloop.services import parks as park_service
from tests.test_web_company import Park, client_for
from tests.test_web_company import park as park
from tests.webclient import token_on


def _form(
    park: Park, token: str, rows: list[dict[str, str]], session: str = "Spring 2027"
) -> dict[str, str]:
    data = {"csrf_token": token, "session": session}
    for n, row in enumerate(rows, start=1):
        data |= {f"{k}-{n}": v for k, v in row.items()}
    return data


def _url(park: Park, tail: str = "") -> str:
    return f"/parks/{quote(park.name)}/workshop{tail}"


def test_a_facilitator_enters_several_companies_and_sees_them_matched(park: Park) -> None:
    client = client_for(park, "facilitator@example.org")
    page = client.get(_url(park))
    assert page.status_code == 200
    rows = [
        {
            "company_id": park.supplier,
            "direction": "supply",
            "category": "material",
            "name": "Fly ash",
            "ewc": "10 01 02",
            "quantity": "800",
            "unit": "t",
            "per": "year",
        },
        {
            "company_id": park.outsider,
            "direction": "demand",
            "category": "energy",
            "name": "Low-temperature heat",
            "quantity": "2000",
            "unit": "MWh",
            "per": "year",
        },
    ]
    saved = client.post(_url(park), data=_form(park, token_on(page.text), rows))
    assert saved.status_code == 200 and "Fly ash" in saved.text
    flows = [
        f
        for f in park_service.park_workbook(park.database, park.name).flows
        if f.notes.get("workshop") == "Spring 2027"
    ]
    assert sorted(f.name for f in flows) == ["Fly ash", "Low-temperature heat"]
    screen = client.get(_url(park, "/screen?session=Spring%202027"))
    assert '<meta http-equiv="refresh" content="10">' in screen.text
    assert "no proposal yet" not in screen.text.split("Fly ash", 1)[1].split("</tr>", 1)[0]
    export = client.get(_url(park, "/export.csv?session=Spring%202027"))
    assert export.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(export.text)))
    assert {line["name"] for line in lines} == {"Fly ash", "Low-temperature heat"}
    assert any(line["proposed_company"] for line in lines if line["name"] == "Fly ash")


def test_one_bad_row_saves_nothing_and_names_the_row(park: Park) -> None:
    client = client_for(park, "facilitator@example.org")
    before = len(park_service.park_workbook(park.database, park.name).flows)
    token = token_on(client.get(_url(park)).text)
    rows = [
        {
            "company_id": park.supplier,
            "direction": "supply",
            "category": "material",
            "name": "Gypsum",
            "quantity": "50",
            "unit": "t",
        },
        {
            "company_id": park.supplier,
            "direction": "supply",
            "category": "material",
            "name": "Slag",
            "quantity": "lots",
            "unit": "t",
        },
        {"company_id": "NOPE", "direction": "supply", "category": "material", "name": "Sand"},
    ]
    refused = client.post(_url(park), data=_form(park, token, rows))
    assert refused.status_code == 422
    assert "row 2: quantity" in refused.text and "row 3: company_id" in refused.text
    assert len(park_service.park_workbook(park.database, park.name).flows) == before


def test_workshop_mode_is_for_facilitators(park: Park) -> None:
    member = client_for(park, "supplier@example.org")
    assert member.get(_url(park)).status_code == 403
    token = token_on(member.get("/account").text)
    rows = [
        {
            "company_id": park.supplier,
            "direction": "supply",
            "category": "material",
            "name": "Gypsum",
        }
    ]
    assert member.post(_url(park), data=_form(park, token, rows)).status_code == 403
    assert member.get(_url(park, "/export.csv?session=x")).status_code == 403
    anonymous = TestClient(park.app)  # type: ignore[arg-type]
    assert anonymous.get(_url(park), follow_redirects=False).status_code == 303
