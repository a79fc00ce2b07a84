"""Plain typed domain objects: no ORM, no web, no I/O."""

from parkloop.domain.models import (
    Company,
    Confidentiality,
    Direction,
    EnergyCarrier,
    EnergyUse,
    Flow,
    Park,
    ParkWorkbook,
)
from parkloop.domain.people import Membership, Role, User
from parkloop.domain.synergy import StatusChange, Synergy, SynergyStatus, TransitionError

__all__ = [
    "Company",
    "Confidentiality",
    "Direction",
    "EnergyCarrier",
    "EnergyUse",
    "Flow",
    "Membership",
    "Park",
    "ParkWorkbook",
    "Role",
    "StatusChange",
    "Synergy",
    "SynergyStatus",
    "TransitionError",
    "User",
]
