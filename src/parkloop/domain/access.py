"""Who may see what: confidentiality rules as pure functions.

A company's ``visibility`` and a flow's ``confidentiality`` take ``private``, ``park`` or
``public``. A flow is never more visible than its company.

- ``public``: everyone, signed in or not.
- ``park``: platform admins, members of any company in the park, and the park's facilitators and
  municipal officers. Auditors are not park staff and see only what is public.
- ``private``: platform admins and members of the owning company.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parkloop.domain.models import Company, Confidentiality, Flow
from parkloop.domain.people import Membership, Role

_RANK = {Confidentiality.PRIVATE: 0, Confidentiality.PARK: 1, Confidentiality.PUBLIC: 2}


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

    def is_company_member(self, park: str, company_id: str) -> bool:
        return any(
            m.role is Role.COMPANY_MEMBER and m.park == park and m.company_id == company_id
            for m in self.memberships
        )


ANONYMOUS = Viewer()


def _allowed(level: Confidentiality, viewer: Viewer, park: str, company_id: str) -> bool:
    if level is Confidentiality.PUBLIC or viewer.is_admin:
        return True
    if viewer.is_company_member(park, company_id):
        return True
    return level is Confidentiality.PARK and viewer.is_park_insider(park)


def effective_confidentiality(company: Company, flow: Flow) -> Confidentiality:
    """The stricter of the flow's confidentiality and its company's visibility."""
    return min(company.visibility, flow.confidentiality, key=_RANK.__getitem__)


def can_see_company(viewer: Viewer, park: str, company: Company) -> bool:
    return _allowed(company.visibility, viewer, park, company.id)


def can_see_flow(viewer: Viewer, park: str, company: Company, flow: Flow) -> bool:
    if flow.company_id != company.id:
        raise ValueError(f"flow {flow.id} belongs to {flow.company_id}, not {company.id}")
    return _allowed(effective_confidentiality(company, flow), viewer, park, company.id)
