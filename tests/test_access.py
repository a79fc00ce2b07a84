"""Confidentiality per role: who sees which company and flow."""

from __future__ import annotations

import pytest

from parkloop.domain.access import (
    ANONYMOUS,
    Viewer,
    anonymised_label,
    can_edit_company,
    can_see_company,
    can_see_flow,
)
from parkloop.domain.models import Company, Confidentiality, Direction, Flow
from parkloop.domain.people import Membership, Role
from parkloop.units import Category

PARK = "Harbour Park"
OTHER_PARK = "Inland Park"


def _company(key: str, visibility: Confidentiality) -> Company:
    return Company(key, f"Company {key}", "23.51", "DK", 55.0, 10.0, visibility=visibility)


def _flow(company: Company, confidentiality: Confidentiality) -> Flow:
    return Flow(
        "F1",
        company.id,
        Direction.SUPPLY,
        Category.MATERIAL,
        "fly ash",
        confidentiality=confidentiality,
    )


PERSONAS = {
    "anonymous": ANONYMOUS,
    "own company member": Viewer((Membership("a@x.example", Role.COMPANY_MEMBER, PARK, "C1"),)),
    "other company member": Viewer((Membership("b@x.example", Role.COMPANY_MEMBER, PARK, "C2"),)),
    "member in another park": Viewer(
        (Membership("c@x.example", Role.COMPANY_MEMBER, OTHER_PARK, "C1"),)
    ),
    "facilitator": Viewer((Membership("f@x.example", Role.FACILITATOR, PARK),)),
    "other park's facilitator": Viewer((Membership("g@x.example", Role.FACILITATOR, OTHER_PARK),)),
    "municipal officer": Viewer((Membership("m@x.example", Role.MUNICIPAL_OFFICER, PARK),)),
    "auditor": Viewer((Membership("u@x.example", Role.AUDITOR),)),
    "admin": Viewer((Membership("root@x.example", Role.ADMIN),)),
}

# persona -> (sees private, sees park, sees public)
EXPECTED = {
    "anonymous": (False, False, True),
    "own company member": (True, True, True),
    "other company member": (False, True, True),
    "member in another park": (False, False, True),
    "facilitator": (True, True, True),
    "other park's facilitator": (False, False, True),
    "municipal officer": (False, True, True),
    "auditor": (False, False, True),
    "admin": (True, True, True),
}
LEVELS = (Confidentiality.PRIVATE, Confidentiality.PARK, Confidentiality.PUBLIC)


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_each_persona_sees_exactly_the_flows_its_role_allows(persona: str) -> None:
    company = _company("C1", Confidentiality.PUBLIC)
    seen = tuple(
        can_see_flow(PERSONAS[persona], PARK, company, _flow(company, level)) for level in LEVELS
    )
    assert seen == EXPECTED[persona]


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_each_persona_sees_exactly_the_companies_its_role_allows(persona: str) -> None:
    seen = tuple(
        can_see_company(PERSONAS[persona], PARK, _company("C1", level)) for level in LEVELS
    )
    assert seen == EXPECTED[persona]


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_a_public_flow_of_a_private_company_is_listed_but_its_company_is_not_named(
    persona: str,
) -> None:
    company = _company("C1", Confidentiality.PRIVATE)
    flow = _flow(company, Confidentiality.PUBLIC)
    assert can_see_flow(PERSONAS[persona], PARK, company, flow)
    assert can_see_company(PERSONAS[persona], PARK, company) == EXPECTED[persona][0]


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_only_own_members_facilitators_and_admins_may_edit_a_company(persona: str) -> None:
    allowed = {"own company member", "facilitator", "admin"}
    assert can_edit_company(PERSONAS[persona], PARK, "C1") == (persona in allowed)


@pytest.mark.parametrize(
    ("employees", "band"),
    [
        (None, "size not given"),
        (9, "micro"),
        (10, "small"),
        (49, "small"),
        (50, "medium"),
        (249, "medium"),
        (250, "large"),
    ],
)
def test_size_bands_follow_the_eu_sme_definition(employees: int | None, band: str) -> None:
    # Commission Recommendation 2003/361/EC, Annex Art. 2: micro < 10, small < 50, medium < 250.
    company = Company("C1", "Secret Ltd", "23.51", "DK", 55.0, 10.0, employees=employees)
    label = anonymised_label(company, "Manufacture of cement")
    assert band in label and "Secret" not in label
    assert label.startswith("a company in manufacture of cement")


def test_a_flow_checked_against_the_wrong_company_is_an_error() -> None:
    flow = _flow(_company("C1", Confidentiality.PUBLIC), Confidentiality.PUBLIC)
    with pytest.raises(ValueError, match="belongs to C1"):
        can_see_flow(ANONYMOUS, PARK, _company("C2", Confidentiality.PUBLIC), flow)


def test_memberships_must_name_what_the_role_needs() -> None:
    with pytest.raises(ValueError, match="give park and company_id"):
        Membership("a@x.example", Role.COMPANY_MEMBER, PARK)
    with pytest.raises(ValueError, match="works for a park"):
        Membership("f@x.example", Role.FACILITATOR)
    with pytest.raises(ValueError, match="not tied to a company"):
        Membership("u@x.example", Role.AUDITOR, PARK, "C1")
