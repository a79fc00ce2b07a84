"""Company pages: flows edited by the right people only, the match inbox, contact requests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from parkloop.domain.access import Viewer, can_see_company, can_see_flow
from parkloop.domain.people import Membership, Role
from parkloop.matching.engine import MatchOptions
from parkloop.services import flows, inbox, mail, synergies, users
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.services.matching import match_park
from parkloop.web.app import create_app
from tests.webclient import PASSWORD, sign_in, token_on


@dataclass
class Park:
    database: Database
    name: str
    supplier: str  # a company with matches for its supply flows
    receiver: str  # a company proposed for one of them
    outsider: str  # a third company of the park
    app: object


@pytest.fixture
def park(database: Database) -> Iterator[Park]:
    name = park_service.load_demo(database).park
    match_park(database, name, options=MatchOptions(top_k=5, radius_km=50.0))
    workbook = park_service.park_workbook(database, name)
    admin = Viewer((Membership("x@example.org", Role.ADMIN),))
    supplier = receiver = None
    for company in workbook.companies:
        views = [v for v in inbox.company_inbox(database, admin, name, company.id)]
        outgoing = [v for v in views if v.side == "supplier" and v.receiver.company_id]
        if outgoing:
            supplier, receiver = company.id, outgoing[0].receiver.company_id
            break
    assert supplier and receiver
    outsider = next(c.id for c in workbook.companies if c.id not in (supplier, receiver))
    people = {
        "admin@example.org": Membership("admin@example.org", Role.ADMIN),
        "facilitator@example.org": Membership("facilitator@example.org", Role.FACILITATOR, name),
        "supplier@example.org": Membership(
            "supplier@example.org", Role.COMPANY_MEMBER, name, supplier
        ),
        "receiver@example.org": Membership(
            "receiver@example.org", Role.COMPANY_MEMBER, name, receiver
        ),
        "outsider@example.org": Membership(
            "outsider@example.org", Role.COMPANY_MEMBER, name, outsider
        ),
        "auditor@example.org": Membership("auditor@example.org", Role.AUDITOR),
    }
    for email, membership in people.items():
        users.create_user(database, email, email.split("@")[0].title(), PASSWORD)
        users.add_membership(database, membership)
    app = create_app(database)
    yield Park(database, name, supplier, receiver, outsider, app)


def client_for(park: Park, email: str | None) -> TestClient:
    client = TestClient(park.app)  # type: ignore[arg-type]
    if email:
        assert sign_in(client, email).status_code == 303
    return client


def url(park: Park, company: str, tail: str = "") -> str:
    return f"/parks/{quote(park.name)}/companies/{quote(company)}{tail}"


NEW_FLOW = {
    "direction": "supply",
    "category": "material",
    "name": "Wood chips from pallet repair",
    "ewc": "03 01 05",
    "quantity": "120",
    "unit": "t",
    "per": "year",
    "confidentiality": "park",
}


def test_a_member_lists_edits_and_deletes_a_flow_of_their_company(park: Park) -> None:
    client = client_for(park, "supplier@example.org")
    page = client.get(url(park, park.supplier))
    created = client.post(
        url(park, park.supplier, "/flows"), data={**NEW_FLOW, "csrf_token": token_on(page.text)}
    )
    assert created.status_code == 200 and "Wood chips from pallet repair" in created.text
    stored = {
        f.name: (f, v) for f, v in flows.company_flows(park.database, park.name, park.supplier)
    }
    flow, version = stored["Wood chips from pallet repair"]
    assert flow.quantity == 120 and flow.ewc == "03 01 05" and version == 1
    edit = client.post(
        url(park, park.supplier, f"/flows/{flow.id}"),
        data={**NEW_FLOW, "quantity": "95", "version": "1", "csrf_token": token_on(page.text)},
    )
    assert edit.status_code == 200
    stale = client.post(
        url(park, park.supplier, f"/flows/{flow.id}"),
        data={**NEW_FLOW, "quantity": "80", "version": "1", "csrf_token": token_on(page.text)},
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.text
    stored = {f.id: (f, v) for f, v in flows.company_flows(park.database, park.name, park.supplier)}
    assert stored[flow.id][0].quantity == 95 and stored[flow.id][1] == 2
    gone = client.post(
        url(park, park.supplier, f"/flows/{flow.id}/delete"),
        data={"version": "2", "csrf_token": token_on(page.text)},
    )
    assert gone.status_code == 200
    assert flow.id not in {
        f.id for f, _ in flows.company_flows(park.database, park.name, park.supplier)
    }


def test_an_invalid_flow_is_refused_field_by_field_and_nothing_is_written(park: Park) -> None:
    client = client_for(park, "supplier@example.org")
    before = flows.company_flows(park.database, park.name, park.supplier)
    page = client.get(url(park, park.supplier))
    bad = {**NEW_FLOW, "quantity": "-5", "unit": "parsecs", "ewc": "99 99 99"}
    refused = client.post(
        url(park, park.supplier, "/flows"), data={**bad, "csrf_token": token_on(page.text)}
    )
    assert refused.status_code == 422
    for field in ("quantity", "ewc"):
        assert f"{field}:" in refused.text
    assert flows.company_flows(park.database, park.name, park.supplier) == before


@pytest.mark.parametrize("email", ["outsider@example.org", "auditor@example.org"])
def test_nobody_else_can_change_a_companys_flows_by_guessing_ids(park: Park, email: str) -> None:
    client = client_for(park, email)
    target, version = flows.company_flows(park.database, park.name, park.supplier)[0]
    token = token_on(client.get("/account").text)
    attempts = [
        client.post(url(park, park.supplier, "/flows"), data={**NEW_FLOW, "csrf_token": token}),
        client.post(
            url(park, park.supplier, f"/flows/{target.id}"),
            data={**NEW_FLOW, "version": str(version), "csrf_token": token},
        ),
        client.post(
            url(park, park.supplier, f"/flows/{target.id}/delete"),
            data={"version": str(version), "csrf_token": token},
        ),
    ]
    assert [a.status_code for a in attempts] == [403, 403, 403]
    assert (target, version) in flows.company_flows(park.database, park.name, park.supplier)


def test_anonymous_visitors_cannot_post_at_all(park: Park) -> None:
    client = client_for(park, None)
    page = client.get("/login")
    response = client.post(
        url(park, park.supplier, "/flows"), data={**NEW_FLOW, "csrf_token": token_on(page.text)}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "email",
    [
        None,
        "supplier@example.org",
        "outsider@example.org",
        "facilitator@example.org",
        "auditor@example.org",
    ],
)
def test_the_company_page_shows_each_persona_exactly_the_flows_it_may_see(
    park: Park, email: str | None
) -> None:
    viewer = Viewer(tuple(users.memberships(park.database, email))) if email else Viewer()
    workbook = park_service.park_workbook(park.database, park.name)
    client = client_for(park, email)
    for company in workbook.companies:
        page = client.get(url(park, company.id))
        if not can_see_company(viewer, park.name, company):
            assert page.status_code == 404 and company.name not in page.text
            continue
        assert page.status_code == 200
        for flow in (f for f in workbook.flows if f.company_id == company.id):
            shown = f"<td>{flow.id}</td>" in page.text
            assert shown == can_see_flow(viewer, park.name, company, flow), (company.id, flow.id)


def test_the_inbox_is_only_for_the_companys_people(park: Park) -> None:
    own = client_for(park, "supplier@example.org").get(url(park, park.supplier))
    other = client_for(park, "outsider@example.org").get(url(park, park.supplier))
    assert 'id="matches"' in own.text and 'id="matches"' not in other.text
    views = inbox.company_inbox(
        park.database,
        Viewer(tuple(users.memberships(park.database, "supplier@example.org"))),
        park.name,
        park.supplier,
    )
    match_id = views[0].match_id
    outsider = client_for(park, "outsider@example.org")
    token = token_on(outsider.get("/account").text)
    act = outsider.post(
        url(park, park.supplier, f"/matches/{match_id}"),
        data={"action": "accept", "csrf_token": token},
    )
    assert act.status_code == 403
    wrong_company = outsider.post(
        url(park, park.outsider, f"/matches/{match_id}"),
        data={"action": "accept", "csrf_token": token},
    )
    assert wrong_company.status_code == 404  # not in the outsider company's inbox


def test_counterparts_are_anonymised_until_both_agree_to_connect(park: Park) -> None:
    supplier_viewer = Viewer(tuple(users.memberships(park.database, "supplier@example.org")))
    workbook = park_service.park_workbook(park.database, park.name)
    names = {c.id: c.name for c in workbook.companies}
    client = client_for(park, "supplier@example.org")
    page = client.get(url(park, park.supplier)).text
    anonymised = 0
    for view in inbox.company_inbox(park.database, supplier_viewer, park.name, park.supplier):
        for party in (view.supplier, view.receiver):
            if party.company_id is None:
                assert party.label.startswith("a company in ")
                anonymised += 1
            else:
                assert party.label == names[party.company_id]
    assert anonymised > 0, "the demo should give this inbox at least one private counterpart"
    hidden = [c for c in workbook.companies if not can_see_company(supplier_viewer, park.name, c)]
    for company in hidden:
        assert company.name not in page


def test_contact_request_journey_reveals_both_sides_and_notifies(park: Park) -> None:
    supplier = client_for(park, "supplier@example.org")
    supplier_viewer = Viewer(tuple(users.memberships(park.database, "supplier@example.org")))
    view = next(
        v
        for v in inbox.company_inbox(park.database, supplier_viewer, park.name, park.supplier)
        if v.receiver.company_id == park.receiver and v.side == "supplier"
    )
    token = token_on(supplier.get(url(park, park.supplier)).text)
    no_reason = supplier.post(
        url(park, park.supplier, f"/matches/{view.match_id}"),
        data={"action": "reject", "csrf_token": token},
    )
    assert no_reason.status_code == 422 and "say why" in no_reason.text
    asked = supplier.post(
        url(park, park.supplier, f"/matches/{view.match_id}"),
        data={"action": "connect", "note": "We have 300 t a year", "csrf_token": token},
    )
    assert asked.status_code == 200
    assert any(m.recipient == "receiver@example.org" for m in mail.outbox(park.database))
    own_agree = supplier.post(
        url(park, park.supplier, f"/matches/{view.match_id}"),
        data={"action": "agree", "csrf_token": token},
    )
    assert own_agree.status_code == 409
    receiver = client_for(park, "receiver@example.org")
    page = receiver.get(url(park, park.receiver))
    assert "Agree to connect" in page.text
    agreed = receiver.post(
        url(park, park.receiver, f"/matches/{view.match_id}"),
        data={"action": "agree", "csrf_token": token_on(page.text)},
    )
    assert agreed.status_code == 200
    after = next(
        v
        for v in inbox.company_inbox(park.database, supplier_viewer, park.name, park.supplier)
        if v.match_id == view.match_id
    )
    assert after.status == "negotiating" and after.revealed
    assert after.receiver.company_id == park.receiver
    synergy, version = synergies.get(park.database, after.synergy_id or 0)
    assert [c.status.value for c in synergy.history] == ["identified", "contacted", "negotiating"]
    assert version == 3


def test_a_facilitator_invites_from_the_park_page(park: Park) -> None:
    client = client_for(park, "facilitator@example.org")
    page = client.get(f"/parks/{quote(park.name)}")
    assert 'id="invite"' in page.text
    sent = client.post(
        f"/parks/{quote(park.name)}/invitations",
        data={
            "email": "newcomer@example.org",
            "role": "company_member",
            "company_id": park.outsider,
            "csrf_token": token_on(page.text),
        },
    )
    assert sent.status_code == 201 and "/invitations/" in sent.text
    member = client_for(park, "supplier@example.org")
    assert 'id="invite"' not in member.get(f"/parks/{quote(park.name)}").text


def _upload(client: TestClient, park: Park, company: str, name: str, body: bytes) -> object:
    token = token_on(client.get(url(park, company)).text)
    return client.post(
        url(park, company, "/import"),
        data={"csrf_token": token},
        files={"file": (name, body, "text/csv")},
    )


FLOWS_CSV = (
    "id,company_id,direction,category,name,quantity,unit,per\n"
    "NEW-1,,supply,material,Pallet wood,40,t,year\n"
    "NEW-2,,demand,energy,Process steam,900,MWh,year\n"
)


def test_a_member_lists_flows_from_a_csv_file(park: Park) -> None:
    client = client_for(park, "supplier@example.org")
    done = _upload(client, park, park.supplier, "flows.csv", FLOWS_CSV.encode())
    assert done.status_code == 200 and "2 flows listed" in done.text  # type: ignore[attr-defined]
    mine = {f.id: f for f, _ in flows.company_flows(park.database, park.name, park.supplier)}
    assert mine["NEW-1"].quantity == 40 and mine["NEW-2"].unit == "MWh"
    again = _upload(
        client, park, park.supplier, "flows.csv", FLOWS_CSV.replace("40", "45").encode()
    )
    assert again.status_code == 200  # type: ignore[attr-defined]
    mine = {f.id: f for f, _ in flows.company_flows(park.database, park.name, park.supplier)}
    assert mine["NEW-1"].quantity == 45  # updated in place


def test_a_bad_file_lists_nothing_and_names_rows(park: Park) -> None:
    client = client_for(park, "supplier@example.org")
    before = flows.company_flows(park.database, park.name, park.supplier)
    bad = (
        FLOWS_CSV
        + "NEW-3,,supply,material,Ash,-4,t,year\n"
        + f"NEW-4,{park.outsider},supply,material,Ash,4,t,year\n"
    )
    refused = _upload(client, park, park.supplier, "flows.csv", bad.encode())
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "row 4" in refused.text and "row 5" in refused.text  # type: ignore[attr-defined]
    wrong_type = _upload(client, park, park.supplier, "flows.exe", b"MZ")
    assert wrong_type.status_code == 422  # type: ignore[attr-defined]
    assert flows.company_flows(park.database, park.name, park.supplier) == before
    other = client_for(park, "outsider@example.org")
    token = token_on(other.get("/account").text)
    denied = other.post(
        url(park, park.supplier, "/import"),
        data={"csrf_token": token},
        files={"file": ("flows.csv", FLOWS_CSV.encode(), "text/csv")},
    )
    assert denied.status_code == 403
