"""Certification workflow: self-assessment, evidence, independent audit, certificate, showcase."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from parkloop.domain.people import Membership, Role
from parkloop.errors import Conflict, Forbidden, ValidationError
from parkloop.reference.standards import default_registry
from parkloop.services import accounts, certification, users
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.web.app import create_app
from tests.webclient import PASSWORD, sign_in, token_on

STANDARD = default_registry().all()[0]
NEXT_YEAR = dt.date.today() + dt.timedelta(days=365 * 3)


@dataclass
class Setup:
    database: Database
    park: str
    manager: accounts.Account
    auditor: accounts.Account
    insider_auditor: accounts.Account
    member: accounts.Account


def _account(database: Database, email: str, *memberships: Membership) -> accounts.Account:
    users.create_user(database, email, email.split("@")[0], PASSWORD)
    for m in memberships:
        users.add_membership(database, m)
    return accounts.sign_in(database, email, PASSWORD, "test").account


@pytest.fixture
def setup(database: Database) -> Iterator[Setup]:
    park = park_service.load_demo(database).park
    company = park_service.park_workbook(database, park).companies[0].id
    yield Setup(
        database,
        park,
        _account(
            database, "manager@x.example", Membership("manager@x.example", Role.FACILITATOR, park)
        ),
        _account(database, "auditor@x.example", Membership("auditor@x.example", Role.AUDITOR)),
        _account(
            database,
            "insider@x.example",
            Membership("insider@x.example", Role.AUDITOR),
            Membership("insider@x.example", Role.COMPANY_MEMBER, park, company),
        ),
        _account(
            database,
            "member@x.example",
            Membership("member@x.example", Role.COMPANY_MEMBER, park, company),
        ),
    )


def _answer_all_mandatory(s: Setup, assessment: int) -> int:
    version = 1
    for criterion in STANDARD.criteria:
        if criterion.mandatory:
            version = certification.answer(
                s.database, s.manager, assessment, criterion.id, "met", expected_version=version
            )
    return version


def _certify(s: Setup) -> tuple[int, str]:
    assessment = certification.start(s.database, s.manager, s.park, STANDARD.id)
    version = _answer_all_mandatory(s, assessment)
    certification.submit(s.database, s.manager, assessment, version)
    for criterion in STANDARD.criteria:
        if criterion.mandatory:
            certification.review(s.database, s.auditor, assessment, criterion.id, "accepted")
    code = certification.decide(s.database, s.auditor, assessment, NEXT_YEAR)
    assert code
    return assessment, code


def test_the_park_assesses_itself_an_independent_auditor_decides(setup: Setup) -> None:
    s = setup
    assessment = certification.start(s.database, s.manager, s.park, STANDARD.id)
    with pytest.raises(Conflict, match="open assessment"):
        certification.start(s.database, s.manager, s.park, STANDARD.id)
    with pytest.raises(Forbidden):
        certification.answer(
            s.database, s.member, assessment, STANDARD.criteria[0].id, "met", expected_version=1
        )
    version = _answer_all_mandatory(s, assessment)
    with pytest.raises(Conflict, match="changed by someone else"):
        certification.answer(
            s.database, s.manager, assessment, STANDARD.criteria[0].id, "met", expected_version=1
        )
    certification.submit(s.database, s.manager, assessment, version)
    mandatory = [c.id for c in STANDARD.criteria if c.mandatory]
    with pytest.raises(Forbidden, match="may not audit"):
        certification.review(s.database, s.insider_auditor, assessment, mandatory[0], "accepted")
    with pytest.raises(ValidationError, match="say why"):
        certification.review(s.database, s.auditor, assessment, mandatory[0], "rejected")
    certification.review(
        s.database, s.auditor, assessment, mandatory[0], "more_info", "send the plan"
    )
    for criterion in mandatory[1:]:
        certification.review(s.database, s.auditor, assessment, criterion, "accepted")
    with pytest.raises(Conflict, match="wait for more information"):
        certification.decide(s.database, s.auditor, assessment, NEXT_YEAR)
    certification.review(s.database, s.auditor, assessment, mandatory[0], "accepted")
    code = certification.decide(s.database, s.auditor, assessment, NEXT_YEAR)
    assert code
    record = certification.certificate(s.database, code)
    assert record.state == "valid" and record.park == s.park and record.valid_until == NEXT_YEAR
    view = certification.view(s.database, s.manager, assessment)
    actions = [e.action for e in view.history]
    assert actions[0] == "started" and actions[-1] == "decided"
    assert actions.count("answered") == len(mandatory) and "submitted" in actions
    with pytest.raises(Conflict):
        certification.answer(
            s.database,
            s.manager,
            assessment,
            mandatory[0],
            "not_met",
            expected_version=view.version,
        )


def test_a_rejected_mandatory_answer_means_no_certificate(setup: Setup) -> None:
    s = setup
    assessment = certification.start(s.database, s.manager, s.park, STANDARD.id)
    version = _answer_all_mandatory(s, assessment)
    certification.submit(s.database, s.manager, assessment, version)
    mandatory = [c.id for c in STANDARD.criteria if c.mandatory]
    certification.review(s.database, s.auditor, assessment, mandatory[0], "rejected", "no plan")
    for criterion in mandatory[1:]:
        certification.review(s.database, s.auditor, assessment, criterion, "accepted")
    assert certification.decide(s.database, s.auditor, assessment, NEXT_YEAR) is None
    assert certification.view(s.database, s.manager, assessment).level is None


def test_recertification_supersedes_the_old_certificate(setup: Setup) -> None:
    _, first = _certify(setup)
    _, second = _certify(setup)
    assert certification.certificate(setup.database, first).state == "superseded"
    assert certification.certificate(setup.database, second).state == "valid"
    assert [c.code for c in certification.showcase(setup.database)] == [second]


def test_evidence_is_checked_stored_outside_the_web_root_and_served_to_the_right_people(
    setup: Setup,
) -> None:
    s = setup
    assessment = certification.start(s.database, s.manager, s.park, STANDARD.id)
    criterion = STANDARD.criteria[0].id
    for name, body, problem in (
        ("plan.exe", b"MZ", "use"),
        ("plan.pdf", b"<html>", "not a .pdf file inside"),
        ("plan.csv", b"\xff\xfe\x00", "not UTF-8"),
        ("plan.pdf", b"", "empty"),
    ):
        with pytest.raises(ValidationError, match=problem):
            certification.add_evidence(s.database, s.manager, assessment, criterion, name, body)
    evidence = certification.add_evidence(
        s.database, s.manager, assessment, criterion, "../../energy plan.pdf", b"%PDF-1.7 plan"
    )
    path, content_type, filename = certification.evidence_file(s.database, s.manager, evidence)
    assert filename == "energy plan.pdf" and content_type == "application/pdf"
    assert path.read_bytes() == b"%PDF-1.7 plan"
    assert get_settings().resolved_data_dir() in path.parents
    assert "static" not in path.parts
    with TestClient(create_app(s.database)) as client:
        assert client.get(f"/evidence/{evidence}", follow_redirects=False).status_code == 303
        sign_in(client, "member@x.example")
        assert client.get(f"/evidence/{evidence}").status_code == 404
    with TestClient(create_app(s.database)) as client:
        sign_in(client, "manager@x.example")
        response = client.get(f"/evidence/{evidence}")
        assert response.status_code == 200 and response.content == b"%PDF-1.7 plan"
        assert response.headers["content-disposition"].startswith("attachment")
        assert response.headers["x-content-type-options"] == "nosniff"


def test_pages_run_the_workflow_and_anyone_can_verify_a_certificate(setup: Setup) -> None:
    s = setup
    with TestClient(create_app(s.database)) as client:
        sign_in(client, "manager@x.example")
        page = client.get(f"/parks/{quote(s.park)}/certification")
        started = client.post(
            f"/parks/{quote(s.park)}/certification",
            data={"standard": STANDARD.id, "csrf_token": token_on(page.text)},
        )
        assert started.status_code == 200 and 'data-status="draft"' in started.text
        assert "level reached with these answers" in started.text
    _, code = _certify_open(s)
    with TestClient(create_app(s.database)) as anonymous:
        public = anonymous.get(f"/certificates/{code}")
        assert public.status_code == 200 and 'data-state="valid"' in public.text
        assert s.park in anonymous.get("/showcase").text
        assert anonymous.get("/certificates/NOT-A-CODE").status_code == 404


def _certify_open(s: Setup) -> tuple[int, str]:
    assessment = certification.park_assessments(s.database, s.manager, s.park)[0][0]
    version = _answer_all_mandatory(s, assessment)
    certification.submit(s.database, s.manager, assessment, version)
    for criterion in STANDARD.criteria:
        if criterion.mandatory:
            certification.review(s.database, s.auditor, assessment, criterion.id, "accepted")
    code = certification.decide(s.database, s.auditor, assessment, NEXT_YEAR)
    assert code
    return assessment, code
