"""The guide's progress tracked per park, the generated park report, certificate PDFs."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from parkloop.errors import Forbidden
from parkloop.guide.steps import load_guide
from parkloop.services import guide
from parkloop.web.app import create_app
from tests.test_certification_workflow import Setup, _certify
from tests.test_certification_workflow import setup as setup
from tests.webclient import sign_in, token_on


def test_facilitators_tick_the_guide_and_the_park_sees_its_progress(setup: Setup) -> None:
    s = setup
    first = load_guide().steps[0]
    item = first.done_when[0].id
    with pytest.raises(Forbidden):
        guide.set_tick(s.database, s.member, s.park, first.id, item, True)
    guide.set_tick(s.database, s.manager, s.park, first.id, item, True)
    _, state = guide.guide_progress(s.database, s.member.viewer, s.park)
    assert state.done_items == 1 and state.steps[0].done == (item,)
    total = sum(len(step.done_when) for step in load_guide().steps)
    assert state.share == pytest.approx(1 / total)
    guide.set_tick(s.database, s.manager, s.park, first.id, item, False)
    assert guide.guide_progress(s.database, s.member.viewer, s.park)[1].done_items == 0
    with TestClient(create_app(s.database)) as client:
        sign_in(client, "manager@x.example")
        page = client.get(f"/parks/{quote(s.park)}/guide")
        ticked = client.post(
            f"/parks/{quote(s.park)}/guide",
            data={"step": first.id, "item": item, "done": "1", "csrf_token": token_on(page.text)},
        )
        assert ticked.status_code == 200 and 'aria-pressed="true"' in ticked.text


def test_the_park_report_renders_as_html_and_pdf_with_the_readers_view(setup: Setup) -> None:
    s = setup
    _certify(s)
    with TestClient(create_app(s.database)) as client:
        sign_in(client, "member@x.example")
        html = client.get(f"/parks/{quote(s.park)}/report.html")
        assert html.status_code == 200 and s.park in html.text
        assert "sandbox" in html.headers["content-security-policy"]
        pdf = client.get(f"/parks/{quote(s.park)}/report.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.headers["content-disposition"].startswith("attachment")
    data = guide.report_data(s.database, s.member.viewer, s.park, dt.date(2026, 1, 1))
    assert data.certification.level is not None
    assert data.inventory and data.factors
    assert data.pathway and all(p.target_t_co2e is not None for p in data.pathway)
    again = guide.report_data(s.database, s.member.viewer, s.park, dt.date(2026, 1, 1))
    assert guide.report_pdf(s.database, s.member.viewer, s.park, data.generated_for) == (
        guide.report_pdf(s.database, s.member.viewer, s.park, again.generated_for)
    )


def test_a_certificate_has_a_pdf_anyone_can_fetch(setup: Setup) -> None:
    _, code = _certify(setup)
    with TestClient(create_app(setup.database)) as client:
        response = client.get(f"/certificates/{code}.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert client.get(f"/certificates/{code}").status_code == 200
