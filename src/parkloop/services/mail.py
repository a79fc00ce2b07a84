"""Outgoing e-mail: queued in the outbox table, sent by SMTP when a server is configured.

Without ``PARKLOOP_SMTP_HOST`` messages stay in the outbox and platform admins read them on the
outbox page (so an invitation or reset link still reaches its recipient on a test install).
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from parkloop.services.database import Database
from parkloop.settings import Settings
from parkloop.store.tables import OutboxRow


def queue(session: Session, recipient: str, subject: str, body: str) -> None:
    """Add a message to the outbox in the caller's transaction."""
    session.add(OutboxRow(recipient=recipient, subject=subject, body=body))


def deliver_pending(database: Database, settings: Settings) -> int:
    """Send unsent messages by SMTP; returns how many were sent (0 without a server)."""
    if not settings.smtp_host:
        return 0
    sent = 0
    with database.transaction() as session:
        rows = session.scalars(select(OutboxRow).where(OutboxRow.sent_at.is_(None))).all()
        if not rows:
            return 0
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as server:
            server.starttls()
            if settings.smtp_user and settings.smtp_password:
                server.login(settings.smtp_user, settings.smtp_password)
            for row in rows:
                message = EmailMessage()
                message["From"] = settings.mail_from
                message["To"] = row.recipient
                message["Subject"] = row.subject
                message.set_content(row.body)
                server.send_message(message)
                row.sent_at = dt.datetime.now(dt.UTC)
                sent += 1
    return sent


@dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    body: str
    created_at: dt.datetime
    sent: bool


def outbox(database: Database, limit: int = 100) -> list[Mail]:
    """The newest messages, sent or not (for the admins' outbox page)."""
    with database.reader() as session:
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit))
        return [
            Mail(r.recipient, r.subject, r.body, r.created_at, r.sent_at is not None) for r in rows
        ]
