"""Certification of a park against a standard: self-assessment, evidence, audit, certificate.

Workflow: a facilitator of the park (its manager on the platform) starts an assessment, answers
criteria, attaches evidence and submits; an auditor, who must not be staff or a member of that
park, reviews each answer (accept, reject with a comment, or ask for more) and decides. The
level comes from the standard's scoring of the accepted answers (rejected ones count as not
met). A decided assessment is never edited; a later decision supersedes it. Every step is
written to an append-only history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from parkloop.certification.scoring import Answer, Outcome, Result, score_assessment
from parkloop.domain.access import Viewer
from parkloop.domain.people import Role
from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import Conflict, Forbidden, Issue, NotFound, ValidationError
from parkloop.reference.standards import Standard, default_registry
from parkloop.services.accounts import Account
from parkloop.services.database import Database
from parkloop.settings import get_settings
from parkloop.store import repo
from parkloop.store.tables import (
    AnswerRow,
    AssessmentEventRow,
    AssessmentRow,
    EvidenceRow,
    ParkRow,
    SynergyRow,
)

# Accepted evidence: extension -> (content type, how the file must begin).
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".csv": ("text/csv", ()),
    ".txt": ("text/plain", ()),
}
VERDICTS = ("accepted", "rejected", "more_info")


@dataclass(frozen=True)
class Evidence:
    id: int
    criterion_id: str
    filename: str
    size_bytes: int
    uploaded_by: str


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    by: str
    action: str
    detail: str


@dataclass(frozen=True)
class AnswerView:
    outcome: str
    points: float | None
    comment: str
    verdict: str | None
    verdict_comment: str


@dataclass(frozen=True)
class AssessmentView:
    id: int
    park: str
    standard: Standard
    status: str
    version: int
    answers: dict[str, AnswerView]
    evidence: tuple[Evidence, ...]
    history: tuple[Event, ...]
    estimate: Result
    indicators: dict[str, float | None]
    level: str | None
    certificate_code: str | None
    valid_until: dt.date | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _event(session: Session, row: AssessmentRow, by: str, action: str, detail: str = "") -> None:
    session.add(AssessmentEventRow(assessment_id=row.id, by=by, action=action, detail=detail))


def _is_park_staff(viewer: Viewer, park: str) -> bool:
    return any(m.park == park for m in viewer.memberships)


def _manager(account: Account, park: str) -> None:
    if not account.has_role(Role.FACILITATOR, park):
        raise Forbidden(f"only a facilitator of {park} (or an admin) runs its self-assessment")


def _auditor(account: Account, park: str) -> None:
    viewer = account.viewer
    if not any(m.role is Role.AUDITOR for m in viewer.memberships):
        raise Forbidden("only an auditor reviews and decides assessments")
    if _is_park_staff(viewer, park):
        raise Forbidden(f"an auditor who works for or in {park} may not audit it")


def _row(session: Session, assessment_id: int) -> tuple[AssessmentRow, str]:
    row = session.get(AssessmentRow, assessment_id)
    if row is None:
        raise NotFound(f"no assessment {assessment_id}")
    park = session.get(ParkRow, row.park_id)
    assert park is not None
    return row, park.name


def _may_read(account: Account, park: str) -> bool:
    viewer = account.viewer
    return (
        viewer.is_admin
        or viewer.is_facilitator(park)
        or any(m.role is Role.AUDITOR for m in viewer.memberships)
        or any(m.park == park and m.role is Role.MUNICIPAL_OFFICER for m in viewer.memberships)
    )


def _check_version(row: AssessmentRow, expected: int) -> None:
    if row.version != expected:
        raise Conflict(
            f"assessment {row.id} was changed by someone else (version {row.version}, you read "
            f"{expected}); reload it and apply your change again"
        )


def start(database: Database, account: Account, park: str, standard_id: str) -> int:
    """Open a draft assessment of ``park`` against a registered standard."""
    _manager(account, park)
    standard = default_registry().get(standard_id)
    with database.transaction() as session:
        park_row = repo.get_park(session, park)
        open_one = session.scalar(
            select(AssessmentRow.id).where(
                AssessmentRow.park_id == park_row.id,
                AssessmentRow.status.in_(("draft", "submitted")),
            )
        )
        if open_one is not None:
            raise Conflict(f"{park} has an open assessment already ({open_one}); finish it first")
        row = AssessmentRow(
            park_id=park_row.id,
            standard_id=standard.id,
            standard_version=standard.version,
            created_by=account.email,
        )
        session.add(row)
        session.flush()
        _event(session, row, account.email, "started", f"{standard.name} {standard.version}")
        return row.id


def answer(
    database: Database,
    account: Account,
    assessment_id: int,
    criterion_id: str,
    outcome: str,
    *,
    expected_version: int,
    points: float | None = None,
    comment: str = "",
) -> int:
    """Record the park's answer to one criterion of a draft; returns the new version."""
    with database.transaction() as session:
        row, park = _row(session, assessment_id)
        _manager(account, park)
        if row.status != "draft":
            raise Conflict(f"assessment {row.id} is {row.status}: answers can no longer change")
        _check_version(row, expected_version)
        standard = default_registry().get(row.standard_id)
        criterion = standard.criterion(criterion_id)
        try:
            chosen = Outcome(outcome)
        except ValueError:
            allowed = ", ".join(o.value for o in Outcome)
            raise ValidationError(
                [Issue(criterion_id, None, "outcome", f"{outcome!r}: use {allowed}")]
            ) from None
        given = Answer(chosen, points if chosen is Outcome.AWARDED else None)
        try:  # the scoring rules say what a criterion accepts
            score_assessment(standard, {criterion.id: given})
        except ValueError as exc:
            raise ValidationError([Issue(criterion_id, None, "outcome", str(exc))]) from None
        existing = session.scalars(
            select(AnswerRow).where(
                AnswerRow.assessment_id == row.id, AnswerRow.criterion_id == criterion.id
            )
        ).first()
        target = existing or AnswerRow(assessment_id=row.id, criterion_id=criterion.id)
        target.outcome, target.points, target.comment = chosen.value, given.points, comment
        session.add(target)
        row.version += 1
        detail = f"{criterion.id}: {chosen.value}" + (f" {points:g}" if given.points else "")
        _event(session, row, account.email, "answered", detail)
        return row.version


def add_evidence(
    database: Database,
    account: Account,
    assessment_id: int,
    criterion_id: str,
    filename: str,
    content: bytes,
) -> int:
    """Store an evidence file (type and size checked) for a criterion of a draft."""
    suffix = Path(filename).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted(EVIDENCE_TYPES))
        raise ValidationError([Issue("evidence", None, "file", f"{filename}: use {allowed}")])
    limit = int(get_settings().max_upload_mb * 1_000_000)
    if len(content) > limit:
        raise ValidationError([Issue("evidence", None, "file", f"larger than {limit:,} bytes")])
    if not content:
        raise ValidationError([Issue("evidence", None, "file", f"{filename} is empty")])
    content_type, magic = EVIDENCE_TYPES[suffix]
    if magic and not content.startswith(magic):
        raise ValidationError(
            [Issue("evidence", None, "file", f"{filename} is not a {suffix} file inside")]
        )
    if not magic:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(
                [Issue("evidence", None, "file", f"{filename} is not UTF-8 text")]
            ) from None
    digest = hashlib.sha256(content).hexdigest()
    with database.transaction() as session:
        row, park = _row(session, assessment_id)
        _manager(account, park)
        if row.status != "draft":
            raise Conflict(f"assessment {row.id} is {row.status}: evidence can no longer change")
        default_registry().get(row.standard_id).criterion(criterion_id)
        folder = evidence_folder()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / digest
        if not path.exists():
            temporary = folder / f".{digest}.{secrets.token_hex(4)}"
            temporary.write_bytes(content)
            temporary.replace(path)
        safe_name = Path(filename).name[:255]
        evidence = EvidenceRow(
            assessment_id=row.id,
            criterion_id=criterion_id,
            filename=safe_name,
            content_type=content_type,
            size_bytes=len(content),
            sha256=digest,
            uploaded_by=account.email,
        )
        session.add(evidence)
        session.flush()
        _event(session, row, account.email, "evidence", f"{criterion_id}: {safe_name}")
        return evidence.id


def evidence_folder() -> Path:
    """Where evidence files live: the data folder, never under the web root."""
    return get_settings().resolved_data_dir() / "evidence"


def evidence_file(database: Database, account: Account, evidence_id: int) -> tuple[Path, str, str]:
    """(path, content type, file name) of an evidence file the account may read."""
    with database.reader() as session:
        evidence = session.get(EvidenceRow, evidence_id)
        if evidence is None:
            raise NotFound(f"no evidence file {evidence_id}")
        _, park = _row(session, evidence.assessment_id)
        if not _may_read(account, park):
            raise NotFound(f"no evidence file {evidence_id} that you may see")
        path = evidence_folder() / evidence.sha256
        if not path.is_file():
            raise NotFound(
                f"evidence file {evidence_id} ({evidence.filename}) is missing from storage "
                f"({evidence_folder()}): restore it from the backup"
            )
        return path, evidence.content_type, evidence.filename


def submit(database: Database, account: Account, assessment_id: int, expected_version: int) -> None:
    """Hand a draft to the auditors; every mandatory criterion needs an answer first."""
    with database.transaction() as session:
        row, park = _row(session, assessment_id)
        _manager(account, park)
        if row.status != "draft":
            raise Conflict(f"assessment {row.id} is {row.status}, not a draft")
        _check_version(row, expected_version)
        standard = default_registry().get(row.standard_id)
        answered = set(
            session.scalars(select(AnswerRow.criterion_id).where(AnswerRow.assessment_id == row.id))
        )
        missing = [c.id for c in standard.criteria if c.mandatory and c.id not in answered]
        if missing:
            raise ValidationError(
                [
                    Issue(c, None, "outcome", "a mandatory criterion needs an answer")
                    for c in missing
                ]
            )
        row.status, row.version = "submitted", row.version + 1
        _event(session, row, account.email, "submitted")


def review(
    database: Database,
    account: Account,
    assessment_id: int,
    criterion_id: str,
    verdict: str,
    comment: str = "",
) -> None:
    """An auditor's verdict on one answer of a submitted assessment."""
    if verdict not in VERDICTS:
        raise ValidationError(
            [Issue(criterion_id, None, "verdict", f"{verdict!r}: use {', '.join(VERDICTS)}")]
        )
    if verdict != "accepted" and not comment.strip():
        raise ValidationError(
            [Issue(criterion_id, None, "comment", "say why, so the park can respond")]
        )
    with database.transaction() as session:
        row, park = _row(session, assessment_id)
        _auditor(account, park)
        if row.status != "submitted":
            raise Conflict(f"assessment {row.id} is {row.status}: only submitted ones are reviewed")
        target = session.scalars(
            select(AnswerRow).where(
                AnswerRow.assessment_id == row.id, AnswerRow.criterion_id == criterion_id
            )
        ).first()
        if target is None:
            raise NotFound(f"criterion {criterion_id} has no answer to review")
        target.verdict, target.verdict_comment = verdict, comment.strip()
        row.version += 1
        _event(session, row, account.email, "reviewed", f"{criterion_id}: {verdict}")


def _accepted_answers(session: Session, row: AssessmentRow) -> dict[str, Answer]:
    out = {}
    for a in session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == row.id)):
        if a.verdict == "accepted":
            out[a.criterion_id] = Answer(Outcome(a.outcome), a.points)
        elif a.verdict == "rejected":
            out[a.criterion_id] = (
                Answer.awarded(0) if a.outcome == Outcome.AWARDED.value else Answer.not_met()
            )
    return out


def decide(
    database: Database, account: Account, assessment_id: int, valid_until: dt.date
) -> str | None:
    """Decide a fully reviewed assessment; returns the certificate code (None: no level)."""
    if valid_until <= dt.date.today():
        raise ValidationError([Issue("decision", None, "valid_until", "must be in the future")])
    with database.transaction() as session:
        row, park = _row(session, assessment_id)
        _auditor(account, park)
        if row.status != "submitted":
            raise Conflict(f"assessment {row.id} is {row.status}: only submitted ones are decided")
        answers = session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == row.id)).all()
        waiting = [a.criterion_id for a in answers if a.verdict in (None, "more_info")]
        if waiting:
            raise Conflict(
                f"{len(waiting)} answers are not reviewed or wait for more information: "
                + ", ".join(waiting[:10])
            )
        standard = default_registry().get(row.standard_id)
        result = score_assessment(standard, _accepted_answers(session, row))
        row.status, row.level = "decided", result.level
        row.decided_by, row.decided_at = account.email, _now()
        row.version += 1
        if result.level is not None:
            row.certificate_code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
            row.valid_until = valid_until
        previous = session.scalars(
            select(AssessmentRow).where(
                AssessmentRow.park_id == row.park_id,
                AssessmentRow.status == "decided",
                AssessmentRow.id != row.id,
            )
        ).all()
        for old in previous:
            old.status = "superseded"
            row.supersedes_id = old.id
            _event(session, old, account.email, "superseded", f"by assessment {row.id}")
        _event(session, row, account.email, "decided", f"level: {result.level or 'none'}")
        return row.certificate_code


def computed_indicators(database: Database, park: str) -> dict[str, float | None]:
    """Indicators the platform computes from its own data (None: no data to compute it)."""
    from parkloop.services.inventory import park_inventory

    with database.reader() as session:
        park_row = repo.get_park(session, park)
        implemented = session.scalar(
            select(func.count())
            .select_from(SynergyRow)
            .where(
                SynergyRow.park_id == park_row.id,
                SynergyRow.status.in_((SynergyStatus.IMPLEMENTED.value, SynergyStatus.ENDED.value)),
            )
        )
    out: dict[str, float | None] = {"implemented_synergies": float(implemented or 0)}
    inventory = park_inventory(database, park)
    latest = inventory.years[-1] if inventory.years else None
    out["ghg_intensity_t_per_employee"] = latest.per_employee_t("location") if latest else None
    first = inventory.years[0] if inventory.years else None
    if first is not None and latest is not None and latest.year > first.year:
        base = first.totals.total_tco2e("location")
        change = latest.totals.total_tco2e("location") / base - 1 if base else None
        span = latest.year - first.year
        out["ghg_trend_pct_per_yr"] = None if change is None else 100 * change / span
    else:
        out["ghg_trend_pct_per_yr"] = None
    return out


def view(database: Database, account: Account, assessment_id: int) -> AssessmentView:
    with database.reader() as session:
        row, park = _row(session, assessment_id)
        if not _may_read(account, park):
            raise NotFound(f"no assessment {assessment_id} that you may see")
        standard = default_registry().get(row.standard_id)
        answers = {
            a.criterion_id: AnswerView(a.outcome, a.points, a.comment, a.verdict, a.verdict_comment)
            for a in session.scalars(select(AnswerRow).where(AnswerRow.assessment_id == row.id))
        }
        evidence = tuple(
            Evidence(e.id, e.criterion_id, e.filename, e.size_bytes, e.uploaded_by)
            for e in session.scalars(
                select(EvidenceRow)
                .where(EvidenceRow.assessment_id == row.id)
                .order_by(EvidenceRow.id)
            )
        )
        history = tuple(
            Event(e.at, e.by, e.action, e.detail)
            for e in session.scalars(
                select(AssessmentEventRow)
                .where(AssessmentEventRow.assessment_id == row.id)
                .order_by(AssessmentEventRow.id)
            )
        )
        estimate = score_assessment(
            standard, {k: Answer(Outcome(v.outcome), v.points) for k, v in answers.items()}
        )
        status, version = row.status, row.version
        level, code, until = row.level, row.certificate_code, row.valid_until
    return AssessmentView(
        assessment_id,
        park,
        standard,
        status,
        version,
        answers,
        evidence,
        history,
        estimate,
        computed_indicators(database, park),
        level,
        code,
        until,
    )


def park_assessments(
    database: Database, account: Account, park: str
) -> list[tuple[int, str, str | None]]:
    """(id, status, level) of a park's assessments, newest first, for those who may read them."""
    if not _may_read(account, park):
        raise Forbidden(
            f"the assessments of {park} are for its facilitators, officers and auditors"
        )
    with database.reader() as session:
        park_row = repo.get_park(session, park)
        rows = session.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.park_id == park_row.id)
            .order_by(AssessmentRow.id.desc())
        )
        return [(r.id, r.status, r.level) for r in rows]


@dataclass(frozen=True)
class Certificate:
    code: str
    park: str
    country: str | None
    municipality: str | None
    standard: str
    standard_version: str
    level: str
    decided_at: dt.datetime
    valid_until: dt.date
    state: str  # valid | expired | superseded


def certificate(database: Database, code: str) -> Certificate:
    """The public record behind a certificate code (anyone may verify one)."""
    with database.reader() as session:
        row = session.scalars(
            select(AssessmentRow).where(AssessmentRow.certificate_code == code.strip().upper())
        ).first()
        if row is None or row.level is None or row.valid_until is None:
            raise NotFound(f"no certificate {code!r}: check the code on the certificate")
        park = session.get(ParkRow, row.park_id)
        assert park is not None and row.decided_at is not None
        standard = default_registry().get(row.standard_id)
        state = (
            "superseded"
            if row.status == "superseded"
            else ("expired" if row.valid_until < dt.date.today() else "valid")
        )
        return Certificate(
            row.certificate_code or code,
            park.name,
            park.country,
            park.municipality,
            standard.name,
            row.standard_version,
            standard.level(row.level).title,
            row.decided_at,
            row.valid_until,
            state,
        )


def showcase(database: Database) -> list[Certificate]:
    """Parks holding a valid certificate, best level first."""
    with database.reader() as session:
        codes = list(
            session.scalars(
                select(AssessmentRow.certificate_code).where(
                    AssessmentRow.status == "decided", AssessmentRow.certificate_code.is_not(None)
                )
            )
        )
    found = [certificate(database, c) for c in codes if c]
    return sorted((c for c in found if c.state == "valid"), key=lambda c: (c.level, c.park))
