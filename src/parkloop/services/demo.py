"""Demo accounts and activity for the demo park, so every page has something to show.

Only for a development installation: the accounts share one documented password, which is why
they are refused when ``PARKLOOP_ENVIRONMENT=production``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from parkloop.domain.people import Membership, Role
from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import ConfigurationError
from parkloop.matching.engine import MatchOptions
from parkloop.services import matching, synergies, users
from parkloop.services.database import Database
from parkloop.settings import Settings, get_settings
from parkloop.store.tables import SynergyRow, UserRow

DEMO_PASSWORD = "havnestad-demo-password"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    company_id: str | None = None


def demo_accounts(park: str) -> tuple[DemoAccount, ...]:
    return (
        DemoAccount("admin@havnestad.example", "Platform admin", Role.ADMIN),
        DemoAccount("facilitator@havnestad.example", "Park facilitator", Role.FACILITATOR),
        DemoAccount("officer@havnestad.example", "Municipal officer", Role.MUNICIPAL_OFFICER),
        DemoAccount("auditor@havnestad.example", "Auditor", Role.AUDITOR),
        DemoAccount(
            "energy@chp.havnestad.example", "Energy manager, CHP plant", Role.COMPANY_MEMBER, "C01"
        ),
        DemoAccount(
            "energy@heating.havnestad.example",
            "Operations, district heating",
            Role.COMPANY_MEMBER,
            "C02",
        ),
    )


def load_demo_activity(
    database: Database, park: str, settings: Settings | None = None
) -> list[DemoAccount]:
    """Create the demo accounts (if missing), match the park and start two synergies."""
    settings = settings or get_settings()
    if settings.environment == "production":
        raise ConfigurationError(
            "demo accounts share a published password: they are not created in production"
        )
    accounts = demo_accounts(park)
    with database.reader() as session:
        existing = set(session.scalars(select(UserRow.email)))
    for account in accounts:
        if account.email in existing:
            continue
        users.create_user(database, account.email, account.name, DEMO_PASSWORD)
        in_park = account.role not in (Role.ADMIN, Role.AUDITOR)
        users.add_membership(
            database,
            Membership(account.email, account.role, park if in_park else None, account.company_id),
        )
    run = matching.match_park(database, park, options=MatchOptions(top_k=5))
    with database.reader() as session:
        started = session.scalar(select(SynergyRow.id).limit(1)) is not None
    if not started:
        chp = [r for r in run.results if r.supply_company_id == "C01" and r.candidates]
        for result in chp[:2]:
            best = result.candidates[0]
            synergy = synergies.identify(
                database,
                park,
                result.supply_flow_id,
                best.company_id,
                by="facilitator@havnestad.example",
                demand_flow=best.demand_flow_id,
                note="proposed at the kick-off workshop",
            )
            synergies.advance(
                database,
                synergy,
                SynergyStatus.CONTACTED,
                by="facilitator@havnestad.example",
                expected_version=1,
                note="introduction call booked",
            )
    return list(accounts)
