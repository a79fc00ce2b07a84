"""Users of the platform and their roles in parks and companies."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a membership lets a user do.

    ``company_member`` acts for one company; ``facilitator`` runs a park's symbiosis work;
    ``municipal_officer`` follows a park for its municipality; ``auditor`` reviews certification
    assessments and is never a park's own staff; ``admin`` runs the platform.
    """

    COMPANY_MEMBER = "company_member"
    FACILITATOR = "facilitator"
    MUNICIPAL_OFFICER = "municipal_officer"
    AUDITOR = "auditor"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    email: str
    name: str
    is_active: bool = True


@dataclass(frozen=True)
class Membership:
    """A user's role, in a park (``park``) and, for company members, a company of it.

    A municipal officer works for a park or for a whole ``municipality``: every park whose
    municipality has that name (the store expands it into one membership per park).
    """

    email: str
    role: Role
    park: str | None = None
    company_id: str | None = None
    municipality: str | None = None

    def __post_init__(self) -> None:
        if self.role is Role.COMPANY_MEMBER and (self.park is None or self.company_id is None):
            raise ValueError("a company member belongs to a company: give park and company_id")
        if self.role is Role.FACILITATOR and self.park is None:
            raise ValueError(f"a {self.role.value} works for a park: give park")
        if self.role is Role.MUNICIPAL_OFFICER and self.park is None and not self.municipality:
            raise ValueError("a municipal officer works for a park or a municipality: give one")
        if self.municipality and self.role is not Role.MUNICIPAL_OFFICER:
            raise ValueError("only a municipal officer is tied to a municipality")
        if self.role is not Role.COMPANY_MEMBER and self.company_id is not None:
            raise ValueError(
                f"a {self.role.value} is not tied to a company: leave company_id empty"
            )
