"""User accounts and their memberships (roles in parks and companies)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parkloop.domain.people import Membership, Role, User
from parkloop.errors import Issue, NotFound, ValidationError
from parkloop.services.database import Database
from parkloop.store import repo
from parkloop.store.tables import CompanyRow, MembershipRow, ParkRow, UserRow

# argon2id with the library's defaults (RFC 9106 "second recommended option": t=3, m=64 MiB, p=4).
_HASHER = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# NIST SP 800-63B-4 (2025), section 3.1.1.2: passwords used as the only factor SHALL have at
# least 15 characters.
MIN_PASSWORD_LENGTH = 15


def check_password(email: str, password: str) -> None:
    """Refuse an invalid address or a password shorter than the minimum."""
    problems = []
    if not _EMAIL.match(email):
        problems.append(Issue("user", None, "email", f"{email!r} is not an e-mail address"))
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            Issue("user", None, "password", f"must have at least {MIN_PASSWORD_LENGTH} characters")
        )
    if problems:
        raise ValidationError(problems)


def create_user(database: Database, email: str, name: str, password: str) -> User:
    """Create an account with an argon2id password hash."""
    email = email.strip().lower()
    check_password(email, password)
    with database.transaction() as session:
        if session.scalars(select(UserRow).where(UserRow.email == email)).first():
            raise ValidationError(
                [Issue("user", None, "email", f"an account for {email} exists already")]
            )
        session.add(UserRow(email=email, name=name.strip(), password_hash=_HASHER.hash(password)))
    return User(email, name.strip())


def password_matches(password_hash: str | None, password: str) -> bool:
    """True when ``password`` hashes to ``password_hash`` (False for no or a broken hash)."""
    if not password_hash:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(database: Database, email: str, password: str) -> bool:
    """True when ``password`` is the account's password (and the account is active)."""
    with database.reader() as session:
        row = session.scalars(select(UserRow).where(UserRow.email == email.lower())).first()
        return row is not None and row.is_active and password_matches(row.password_hash, password)


def add_membership(database: Database, membership: Membership) -> None:
    """Give a user a role, in a park and (for company members) one of its companies."""
    with database.transaction() as session:
        user = session.scalars(select(UserRow).where(UserRow.email == membership.email)).first()
        if user is None:
            raise NotFound(f"no account for {membership.email}")
        park_id = company_id = None
        if membership.park is not None:
            park = repo.get_park(session, membership.park)
            park_id = park.id
            if membership.company_id is not None:
                company = session.scalars(
                    select(CompanyRow).where(
                        CompanyRow.park_id == park.id, CompanyRow.key == membership.company_id
                    )
                ).first()
                if company is None:
                    raise NotFound(f"no company {membership.company_id!r} in {membership.park}")
                company_id = company.id
        session.add(
            MembershipRow(
                user_id=user.id,
                role=membership.role.value,
                park_id=park_id,
                company_id=company_id,
                municipality=membership.municipality,
            )
        )


def memberships_of(session: Session, user: UserRow) -> list[Membership]:
    """The roles of an account row, as domain objects for the access rules."""
    out = []
    for row in user.memberships:
        park = session.get(ParkRow, row.park_id) if row.park_id else None
        company = session.get(CompanyRow, row.company_id) if row.company_id else None
        out.append(
            Membership(
                user.email,
                Role(row.role),
                park.name if park else None,
                company.key if company else None,
                row.municipality,
            )
        )
        if row.municipality and park is None:
            parks = session.scalars(
                select(ParkRow.name).where(
                    func.lower(ParkRow.municipality) == row.municipality.lower()
                )
            )
            out += [
                Membership(user.email, Role(row.role), name, None, row.municipality)
                for name in parks
            ]
    return out


def memberships(database: Database, email: str) -> list[Membership]:
    """The roles of an account, as domain objects for the access rules."""
    with database.reader() as session:
        user = session.scalars(select(UserRow).where(UserRow.email == email.lower())).first()
        if user is None:
            raise NotFound(f"no account for {email}")
        return memberships_of(session, user)
