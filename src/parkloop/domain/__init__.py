"""Plain typed domain objects: no ORM, no web, no I/O."""

from parkloop.domain.models import (
    Company,
    CompanyEndUseShare,
    Confidentiality,
    Direction,
    EnergyCarrier,
    EnergyPrice,
    EnergyUse,
    Flow,
    FreightTransport,
    Park,
    ParkWorkbook,
    ProcessEmission,
    ProcessStream,
    WasteArising,
)
from parkloop.domain.people import Membership, Role, User
from parkloop.domain.synergy import StatusChange, Synergy, SynergyStatus, TransitionError

__all__ = [
    "Company",
    "CompanyEndUseShare",
    "Confidentiality",
    "Direction",
    "EnergyCarrier",
    "EnergyPrice",
    "EnergyUse",
    "Flow",
    "FreightTransport",
    "Membership",
    "Park",
    "ParkWorkbook",
    "ProcessEmission",
    "ProcessStream",
    "Role",
    "StatusChange",
    "Synergy",
    "SynergyStatus",
    "TransitionError",
    "User",
    "WasteArising",
]
