"""Who may see what: confidentiality rules as pure functions.

A flow's ``confidentiality`` says who may see the listing; a company's ``visibility`` says who
may see which company it is. Both take ``private``, ``park`` or ``public``:

- ``public``: everyone, signed in or not.
- ``park``: platform admins, members of any company in the park, and the park's facilitators and
  municipal officers. Auditors are not park staff and see only what is public.
- ``private``: platform admins, members of the owning company and the park's facilitators.

A viewer who may see a flow but not its company sees the company anonymised: its sector and size
band instead of its name (:func:`anonymised_label`), until both sides agree to reveal themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parkloop.domain.models import Company, Confidentiality, Flow
from parkloop.domain.people import Membership, Role


@dataclass(frozen=True)
class Viewer:
    """Someone looking at a park: their memberships, or none for an anonymous visitor."""

    memberships: tuple[Membership, ...] = field(default_factory=tuple)

    @property
    def is_admin(self) -> bool:
        return any(m.role is Role.ADMIN for m in self.memberships)

    def is_park_insider(self, park: str) -> bool:
        return any(
            m.park == park
            and m.role in (Role.COMPANY_MEMBER, Role.FACILITATOR, Role.MUNICIPAL_OFFICER)
            for m in self.memberships
        )

    def is_facilitator(self, park: str) -> bool:
        return any(m.role is Role.FACILITATOR and m.park == park for m in self.memberships)

    def is_company_member(self, park: str, company_id: str) -> bool:
        return any(
            m.role is Role.COMPANY_MEMBER and m.park == park and m.company_id == company_id
            for m in self.memberships
        )


ANONYMOUS = Viewer()


def _allowed(level: Confidentiality, viewer: Viewer, park: str, company_id: str) -> bool:
    if level is Confidentiality.PUBLIC or viewer.is_admin:
        return True
    if viewer.is_company_member(park, company_id) or viewer.is_facilitator(park):
        return True
    return level is Confidentiality.PARK and viewer.is_park_insider(park)


def can_see_company(viewer: Viewer, park: str, company: Company) -> bool:
    """May ``viewer`` know which company this is (its name, site and contact)?"""
    return _allowed(company.visibility, viewer, park, company.id)


def can_see_flow(viewer: Viewer, park: str, company: Company, flow: Flow) -> bool:
    """May ``viewer`` see this listing (perhaps with its company anonymised)?"""
    if flow.company_id != company.id:
        raise ValueError(f"flow {flow.id} belongs to {flow.company_id}, not {company.id}")
    return _allowed(flow.confidentiality, viewer, park, company.id)


def can_edit_company(viewer: Viewer, park: str, company_id: str) -> bool:
    """Members of the company, the park's facilitators and admins may change its data."""
    return (
        viewer.is_admin or viewer.is_company_member(park, company_id) or viewer.is_facilitator(park)
    )


# Commission Recommendation 2003/361/EC, Annex, Article 2: micro < 10 persons employed,
# small < 50, medium-sized < 250 (the staff headcount criterion only).
_SIZE_BANDS = (
    (10, "micro (under 10 employees)"),
    (50, "small (10-49 employees)"),
    (250, "medium-sized (50-249 employees)"),
)


def size_band(employees: int | None) -> str:
    """The EU enterprise size class of a headcount (Recommendation 2003/361/EC).

    >>> size_band(120)
    'medium-sized (50-249 employees)'
    >>> size_band(None)
    'size not given'
    """
    if employees is None:
        return "size not given"
    for limit, label in _SIZE_BANDS:
        if employees < limit:
            return label
    return "large (250 or more employees)"


def anonymised_label(company: Company, sector: str) -> str:
    """How a company is shown to someone who may not know its name."""
    return f"a company in {sector[:1].lower()}{sector[1:]}, {size_band(company.employees)}"
