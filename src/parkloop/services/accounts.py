"""Signing in and out, API tokens, invitations and password resets.

Every secret handed to a browser or client (session cookie, API token, invitation and reset
links) is 256 random bits from :mod:`secrets`; the database keeps only its SHA-256 hash, so a
copy of the database cannot be replayed as a credential. Limits and lifetimes come from the
settings (sources beside them in :mod:`parkloop.settings`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from parkloop.domain.access import Viewer
from parkloop.domain.people import Membership, Role
from parkloop.errors import (
    Forbidden,
    Issue,
    RateLimited,
    SignInRequired,
    Unauthenticated,
    ValidationError,
)
from parkloop.services import mail
from parkloop.services.database import Database
from parkloop.services.users import _HASHER, check_password, memberships_of, password_matches
from parkloop.settings import Settings, get_settings
from parkloop.store import repo
from parkloop.store.tables import (
    ApiTokenRow,
    CompanyRow,
    InvitationRow,
    LoginAttemptRow,
    MembershipRow,
    PasswordResetRow,
    SessionRow,
    UserRow,
)

# Refresh a session's last-seen time at most this often, so reads do not all become writes.
_TOUCH_EVERY = dt.timedelta(seconds=60)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_secret() -> str:
    """A URL-safe secret of 256 random bits."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The SHA-256 hex digest stored in place of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Account:
    """A signed-in user as the web layer sees it."""

    user_id: int
    email: str
    name: str
    memberships: tuple[Membership, ...]
    csrf_token: str | None = None  # set for browser sessions, None for API tokens

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.memberships)

    def has_role(self, role: Role, park: str | None = None) -> bool:
        return any(
            m.role is role and (park is None or m.park == park) for m in self.memberships
        ) or any(m.role is Role.ADMIN for m in self.memberships)


@dataclass(frozen=True)
class SignIn:
    """A new browser session: the cookie value and its CSRF token."""

    token: str
    csrf_token: str
    account: Account


def _account(session: Session, user: UserRow, csrf: str | None) -> Account:
    return Account(user.id, user.email, user.name, tuple(memberships_of(session, user)), csrf)


def _check_rate(session: Session, email: str, address: str, settings: Settings) -> None:
    since = _now() - dt.timedelta(minutes=settings.login_window_minutes)
    for column, value in ((LoginAttemptRow.email, email), (LoginAttemptRow.address, address)):
        failures = session.scalar(
            select(func.count()).where(column == value, LoginAttemptRow.at >= since)
        )
        if failures is not None and failures >= settings.login_max_failures:
            raise RateLimited(
                f"too many failed sign-ins; try again in {settings.login_window_minutes} minutes "
                "or reset your password",
                retry_after_s=settings.login_window_minutes * 60,
            )


def sign_in(
    database: Database, email: str, password: str, address: str, settings: Settings | None = None
) -> SignIn:
    """Check the password and open a new session (a fresh id: no session fixation).

    Raises :class:`RateLimited` after too many failures for the account or the address within
    the window, and :class:`Unauthenticated` with one message for an unknown account or a wrong
    password (so the answer does not tell which accounts exist).
    """
    settings = settings or get_settings()
    email = email.strip().lower()
    with database.transaction() as session:
        _check_rate(session, email, address, settings)
        user = session.scalars(select(UserRow).where(UserRow.email == email)).first()
        ok = user is not None and user.is_active and password_matches(user.password_hash, password)
        if not ok or user is None:
            session.add(LoginAttemptRow(email=email, address=address, at=_now()))
    if not ok or user is None:
        raise Unauthenticated("wrong e-mail address or password")
    token, csrf = new_secret(), new_secret()
    now = _now()
    with database.transaction() as session:
        session.execute(
            delete(LoginAttemptRow).where(LoginAttemptRow.email == email)
        )  # a success clears the account's failures
        session.add(
            SessionRow(
                token_hash=digest(token),
                user_id=user.id,
                csrf_token=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=now + dt.timedelta(hours=settings.session_max_hours),
            )
        )
        fresh = session.get(UserRow, user.id)
        assert fresh is not None
        account = _account(session, fresh, csrf)
    return SignIn(token, csrf, account)


def account_for_session(
    database: Database, token: str, settings: Settings | None = None
) -> Account | None:
    """The account of a session cookie, or None when unknown, expired or idle too long."""
    settings = settings or get_settings()
    now = _now()
    with database.transaction() as session:
        row = session.scalars(
            select(SessionRow).where(SessionRow.token_hash == digest(token))
        ).first()
        if row is None:
            return None
        idle = now - row.last_seen_at > dt.timedelta(minutes=settings.session_idle_minutes)
        user = session.get(UserRow, row.user_id)
        if idle or now >= row.expires_at or user is None or not user.is_active:
            session.delete(row)
            return None
        if now - row.last_seen_at > _TOUCH_EVERY:
            row.last_seen_at = now
        return _account(session, user, row.csrf_token)


def sign_out(database: Database, token: str) -> None:
    """End a browser session (its cookie stops working at once)."""
    with database.transaction() as session:
        session.execute(delete(SessionRow).where(SessionRow.token_hash == digest(token)))


def create_api_token(database: Database, email: str, label: str) -> str:
    """A new bearer token for machine clients; shown once, stored as a hash."""
    label = label.strip()
    if not label:
        raise ValidationError([Issue("token", None, "label", "give the token a name")])
    token = new_secret()
    with database.transaction() as session:
        user = session.scalars(select(UserRow).where(UserRow.email == email.lower())).first()
        if user is None:
            raise Unauthenticated(f"no account for {email}")
        session.add(ApiTokenRow(token_hash=digest(token), user_id=user.id, label=label))
    return token


def revoke_api_token(database: Database, email: str, label: str) -> None:
    with database.transaction() as session:
        rows = session.scalars(
            select(ApiTokenRow)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(UserRow.email == email.lower(), ApiTokenRow.label == label)
        ).all()
        for row in rows:
            row.revoked_at = _now()


def account_for_api_token(database: Database, token: str) -> Account | None:
    with database.reader() as session:
        row = session.scalars(
            select(ApiTokenRow).where(
                ApiTokenRow.token_hash == digest(token), ApiTokenRow.revoked_at.is_(None)
            )
        ).first()
        if row is None:
            return None
        user = session.get(UserRow, row.user_id)
        if user is None or not user.is_active:
            return None
        return _account(session, user, None)


# --- invitations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    email: str
    role: Role
    park: str | None
    company_id: str | None
    link: str


def invite(
    database: Database,
    by: Account,
    email: str,
    role: Role,
    park: str,
    company_id: str | None = None,
    settings: Settings | None = None,
) -> Invitation:
    """Invite someone to a park: a facilitator of that park (or an admin) may invite.

    The link is e-mailed (or left in the outbox for an admin when no SMTP server is set).
    """
    settings = settings or get_settings()
    email = email.strip().lower()
    if not by.has_role(Role.FACILITATOR, park):
        raise Forbidden(f"only a facilitator of {park} or an admin may invite people to it")
    if role in (Role.ADMIN, Role.AUDITOR) and not by.has_role(Role.ADMIN):
        raise Forbidden(f"only an admin may invite an {role.value}")
    Membership(email, role, park if role is not Role.AUDITOR else None, company_id)  # checks
    token = new_secret()
    with database.transaction() as session:
        park_row = repo.get_park(session, park)
        company_pk = None
        if company_id is not None:
            company = session.scalars(
                select(CompanyRow).where(
                    CompanyRow.park_id == park_row.id, CompanyRow.key == company_id
                )
            ).first()
            if company is None:
                raise ValidationError(
                    [Issue("invitation", None, "company", f"no company {company_id!r} in {park}")]
                )
            company_pk = company.id
        session.add(
            InvitationRow(
                token_hash=digest(token),
                email=email,
                role=role.value,
                park_id=park_row.id if role is not Role.AUDITOR else None,
                company_id=company_pk,
                invited_by=by.email,
                expires_at=_now() + dt.timedelta(days=settings.invitation_days),
            )
        )
        link = f"{settings.base_url.rstrip('/')}/invitations/{token}"
        mail.queue(
            session,
            email,
            f"Invitation to {park} on parkloop",
            f"{by.name} invites you to work on {park} as {role.value.replace('_', ' ')}.\n\n"
            f"Accept within {settings.invitation_days} days: {link}\n",
        )
    mail.deliver_pending(database, settings)
    return Invitation(email, role, park, company_id, link)


def _open_invitation(session: Session, token: str) -> InvitationRow:
    row = session.scalars(
        select(InvitationRow).where(InvitationRow.token_hash == digest(token))
    ).first()
    if row is None or row.accepted_at is not None or _now() >= row.expires_at:
        raise Unauthenticated(
            "this invitation link is not valid: it was used already, expired or mistyped; "
            "ask the park's facilitator for a new one"
        )
    return row


def invitation_email(database: Database, token: str) -> str:
    """The address an open invitation was sent to (raises when the link is not valid)."""
    with database.reader() as session:
        return _open_invitation(session, token).email


def accept_invitation(database: Database, token: str, name: str, password: str) -> None:
    """Create the account (or add the role to an existing one) and use up the invitation."""
    if not name.strip():
        raise ValidationError([Issue("account", None, "name", "enter your name")])
    with database.transaction() as session:
        row = _open_invitation(session, token)
        user = session.scalars(select(UserRow).where(UserRow.email == row.email)).first()
        if user is None:
            check_password(row.email, password)
            user = UserRow(email=row.email, name=name.strip(), password_hash=_HASHER.hash(password))
            session.add(user)
            session.flush()
        elif not password_matches(user.password_hash, password):
            raise Unauthenticated(
                f"an account for {row.email} exists: enter its password to accept the invitation"
            )
        exists = session.scalars(
            select(MembershipRow).where(
                MembershipRow.user_id == user.id,
                MembershipRow.role == row.role,
                or_(MembershipRow.park_id == row.park_id, MembershipRow.park_id.is_(None)),
                or_(MembershipRow.company_id == row.company_id, MembershipRow.company_id.is_(None)),
            )
        ).first()
        if exists is None:
            session.add(
                MembershipRow(
                    user_id=user.id, role=row.role, park_id=row.park_id, company_id=row.company_id
                )
            )
        row.accepted_at = _now()


# --- password reset ----------------------------------------------------------------------------


def request_password_reset(
    database: Database, email: str, settings: Settings | None = None
) -> None:
    """Send a one-time reset link if the account exists; the caller learns nothing either way."""
    settings = settings or get_settings()
    email = email.strip().lower()
    token = new_secret()
    with database.transaction() as session:
        user = session.scalars(select(UserRow).where(UserRow.email == email)).first()
        if user is None or not user.is_active:
            return
        session.add(
            PasswordResetRow(
                token_hash=digest(token),
                user_id=user.id,
                expires_at=_now() + dt.timedelta(minutes=settings.reset_token_minutes),
            )
        )
        link = f"{settings.base_url.rstrip('/')}/password-reset/{token}"
        mail.queue(
            session,
            email,
            "Reset your parkloop password",
            f"Someone asked to reset the password of {email} on parkloop.\n\n"
            f"Set a new password within {settings.reset_token_minutes} minutes: {link}\n\n"
            "If it was not you, ignore this message; your password stays as it is.\n",
        )
    mail.deliver_pending(database, settings)


def reset_password(database: Database, token: str, password: str) -> None:
    """Set a new password with a reset link; the link works once and ends every session."""
    with database.transaction() as session:
        row = session.scalars(
            select(PasswordResetRow).where(PasswordResetRow.token_hash == digest(token))
        ).first()
        if row is None or row.used_at is not None or _now() >= row.expires_at:
            raise Unauthenticated(
                "this reset link is not valid: it was used already, expired or mistyped; "
                "ask for a new one"
            )
        user = session.get(UserRow, row.user_id)
        assert user is not None
        check_password(user.email, password)
        user.password_hash = _HASHER.hash(password)
        row.used_at = _now()
        session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))


def require_role(account: Account | None, role: Role, park: str | None = None) -> Account:
    """The account when it holds ``role`` (in ``park``) or is an admin; otherwise an error."""
    if account is None:
        raise SignInRequired("sign in first")
    if not account.has_role(role, park):
        where = f" of {park}" if park else ""
        raise Forbidden(f"this needs the {role.value.replace('_', ' ')} role{where}")
    return account


def account_for_operator(database: Database, email: str) -> Account:
    """The account of ``email`` for a command run on the server by its operator.

    The operator already holds the database; the command still acts with that account's roles
    only, so every permission rule applies as on the web.
    """
    with database.reader() as session:
        user = session.scalars(
            select(UserRow).where(UserRow.email == email.strip().lower())
        ).first()
        if user is None or not user.is_active:
            raise Unauthenticated(f"no active account for {email}; see `parkloop user add`")
        return _account(session, user, None)
