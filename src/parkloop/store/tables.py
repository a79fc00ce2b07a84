"""ORM tables. They mirror the domain objects but are never handed to calculations."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ParkRow(Timestamped, Base):
    __tablename__ = "parks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    municipality: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    discount_rate: Mapped[float | None] = mapped_column(Float)
    discount_rate_source: Mapped[str | None] = mapped_column(Text)

    companies: Mapped[list[CompanyRow]] = relationship(
        back_populates="park", cascade="all, delete-orphan", order_by="CompanyRow.id"
    )
    energy_prices: Mapped[list[EnergyPriceRow]] = relationship(
        back_populates="park", cascade="all, delete-orphan", order_by="EnergyPriceRow.id"
    )


class CompanyRow(Timestamped, Base):
    __tablename__ = "companies"
    __table_args__ = (UniqueConstraint("park_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    nace: Mapped[str] = mapped_column(String(5))
    country: Mapped[str] = mapped_column(String(2))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    city: Mapped[str | None] = mapped_column(String(200))
    employees: Mapped[int | None] = mapped_column(Integer)
    website: Mapped[str | None] = mapped_column(String(500))
    visibility: Mapped[str] = mapped_column(String(10), default="park")
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    park: Mapped[ParkRow] = relationship(back_populates="companies")
    flows: Mapped[list[FlowRow]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="FlowRow.id"
    )
    energy: Mapped[list[EnergyUseRow]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="EnergyUseRow.id"
    )
    process_emissions: Mapped[list[ProcessEmissionRow]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="ProcessEmissionRow.id"
    )
    waste: Mapped[list[WasteRow]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="WasteRow.id"
    )
    freight: Mapped[list[FreightRow]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="FreightRow.id"
    )
    streams: Mapped[list[ProcessStreamRow]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="ProcessStreamRow.id"
    )
    end_use_shares: Mapped[list[EndUseShareRow]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="EndUseShareRow.id"
    )


class FlowRow(Timestamped, Base):
    __tablename__ = "flows"
    __table_args__ = (UniqueConstraint("park_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    ewc: Mapped[str | None] = mapped_column(String(10), index=True)
    quantity: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(50))
    per: Mapped[str] = mapped_column(String(10), default="year")
    annual_quantity: Mapped[float | None] = mapped_column(Float)
    canonical_unit: Mapped[str | None] = mapped_column(String(10))
    temperature_c: Mapped[float | None] = mapped_column(Float)
    pressure_bar: Mapped[float | None] = mapped_column(Float)
    quality: Mapped[str | None] = mapped_column(Text)
    available_from: Mapped[dt.date | None] = mapped_column(Date)
    available_to: Mapped[dt.date | None] = mapped_column(Date)
    price_eur_per_unit: Mapped[float | None] = mapped_column(Float)
    confidentiality: Mapped[str] = mapped_column(String(10), default="park")
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)

    company: Mapped[CompanyRow] = relationship(back_populates="flows")


class EnergyUseRow(Base):
    __tablename__ = "energy_uses"
    __table_args__ = (UniqueConstraint("company_id", "year", "carrier", "onsite_generation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    carrier: Mapped[str] = mapped_column(String(20))
    mwh: Mapped[float] = mapped_column(Float)
    onsite_generation: Mapped[bool] = mapped_column(Boolean, default=False)

    company: Mapped[CompanyRow] = relationship(back_populates="energy")


class ProcessEmissionRow(Base):
    """Greenhouse gas from a process of a site, not from fuel [t of the gas per year]."""

    __tablename__ = "process_emissions"
    __table_args__ = (UniqueConstraint("company_id", "year", "source", "gas"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    gas: Mapped[str] = mapped_column(String(10))
    tonnes: Mapped[float] = mapped_column(Float)
    biogenic: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)

    company: Mapped[CompanyRow] = relationship(back_populates="process_emissions")


class WasteRow(Base):
    """Waste a site sends off in a year [t] and its treatment."""

    __tablename__ = "waste"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    tonnes: Mapped[float] = mapped_column(Float)
    treatment: Mapped[str] = mapped_column(String(30))
    ewc: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)

    company: Mapped[CompanyRow] = relationship(back_populates="waste")


class FreightRow(Base):
    """Freight transport a site buys in a year [tonne-km] by mode."""

    __tablename__ = "freight"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(30))
    tonne_km: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)

    company: Mapped[CompanyRow] = relationship(back_populates="freight")


class ProcessStreamRow(Base):
    """A process stream for pinch analysis; CP [kW/K] or heat load [kW] as it was given."""

    __tablename__ = "process_streams"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    supply_c: Mapped[float] = mapped_column(Float)
    target_c: Mapped[float] = mapped_column(Float)
    cp_kw_per_k: Mapped[float | None] = mapped_column(Float)
    heat_kw: Mapped[float | None] = mapped_column(Float)
    dt_min_k: Mapped[float | None] = mapped_column(Float)
    confidentiality: Mapped[str] = mapped_column(String(10), default="private")

    company: Mapped[CompanyRow] = relationship(back_populates="streams")


class EnergyPriceRow(Base):
    """The price of an energy carrier in a park in one year [EUR/MWh], with its source."""

    __tablename__ = "energy_prices"
    __table_args__ = (UniqueConstraint("park_id", "carrier", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    carrier: Mapped[str] = mapped_column(String(20))
    eur_per_mwh: Mapped[float] = mapped_column(Float)
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)

    park: Mapped[ParkRow] = relationship(back_populates="energy_prices")


class EndUseShareRow(Base):
    """The share of a company's use of a carrier that goes to one end use, with its source."""

    __tablename__ = "end_use_shares"
    __table_args__ = (UniqueConstraint("company_id", "carrier", "end_use"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    carrier: Mapped[str] = mapped_column(String(20))
    end_use: Mapped[str] = mapped_column(String(100))
    share: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)

    company: Mapped[CompanyRow] = relationship(back_populates="end_use_shares")


class SynergyRow(Timestamped, Base):
    __tablename__ = "synergies"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    supply_flow_id: Mapped[int] = mapped_column(ForeignKey("flows.id", ondelete="CASCADE"))
    receiver_company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    demand_flow_id: Mapped[int | None] = mapped_column(ForeignKey("flows.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="identified")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A contact request: which side asked (a company id), and whether the other side agreed,
    # which reveals both companies to each other.
    requested_by_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL")
    )
    revealed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    events: Mapped[list[SynergyEventRow]] = relationship(
        back_populates="synergy", cascade="all, delete-orphan", order_by="SynergyEventRow.id"
    )


class SynergyEventRow(Base):
    """Append-only status history of a synergy."""

    __tablename__ = "synergy_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    synergy_id: Mapped[int] = mapped_column(
        ForeignKey("synergies.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(320))
    note: Mapped[str] = mapped_column(Text, default="")

    synergy: Mapped[SynergyRow] = relationship(back_populates="events")


class UserRow(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    memberships: Mapped[list[MembershipRow]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class MembershipRow(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "role", "park_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    municipality: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[UserRow] = relationship(back_populates="memberships")


class MatchRow(Base):
    """An engine proposal for a supply flow, as stored by the last matching run of a park."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    supply_flow_id: Mapped[int] = mapped_column(
        ForeignKey("flows.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    demand_flow_id: Mapped[int | None] = mapped_column(ForeignKey("flows.id", ondelete="SET NULL"))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    distance_km: Mapped[float] = mapped_column(Float)
    # [{"kind": "listed" | "cases" | "knowledge" | "feedback" | "distance" | "hazard",
    #   "text": "..."}], strongest first
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=lambda: dt.datetime.now(dt.UTC)
    )


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SessionRow(Base):
    """A signed-in browser. Only a SHA-256 hash of the cookie value is stored."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ApiTokenRow(Base):
    """A bearer token for machine clients; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class InvitationRow(Base):
    """An invitation to join a park in a role; accepted once, before it expires."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(30))
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    invited_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class PasswordResetRow(Base):
    """A one-time, time-limited password reset; only the token's hash is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class LoginAttemptRow(Base):
    """Failed sign-ins, counted per account and per address for the rate limit."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class OutboxRow(Base):
    """E-mail the platform wants to send; without SMTP, admins read it on the outbox page."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class MessageRow(Base):
    """A message in the conversation of a synergy, between the two companies (append-only)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    synergy_id: Mapped[int] = mapped_column(
        ForeignKey("synergies.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(320))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)


class AssessmentRow(Base):
    """A park's self-assessment against a standard; decided ones are never edited again."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    standard_id: Mapped[str] = mapped_column(String(100))
    standard_version: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    level: Mapped[str | None] = mapped_column(String(50))
    certificate_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL")
    )


class AnswerRow(Base):
    """The park's answer to one criterion, and the auditor's verdict on it."""

    __tablename__ = "assessment_answers"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(20))
    points: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    verdict: Mapped[str | None] = mapped_column(String(20))
    verdict_comment: Mapped[str] = mapped_column(Text, default="")


class EvidenceRow(Base):
    """An evidence file: stored outside the web root under its SHA-256, never executed."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(320))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)


class AssessmentEventRow(Base):
    """Append-only history of an assessment: who did what, when."""

    __tablename__ = "assessment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    by: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[str] = mapped_column(Text, default="")


class GuideTickRow(Base):
    """A checklist item of the municipal guide that a park has done."""

    __tablename__ = "guide_ticks"
    __table_args__ = (UniqueConstraint("park_id", "step_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[str] = mapped_column(String(50))
    item_id: Mapped[str] = mapped_column(String(50))
    by: Mapped[str] = mapped_column(String(320))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)


class JobRow(Base):
    """A long job (a park's matching run): its status and progress, written by the process that
    runs it and read by every web worker."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
