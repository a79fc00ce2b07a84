"""Synergies: matches that people work on, with their status history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from parkloop.errors import ParkloopError


class SynergyStatus(StrEnum):
    IDENTIFIED = "identified"
    CONTACTED = "contacted"
    NEGOTIATING = "negotiating"
    IMPLEMENTED = "implemented"
    ENDED = "ended"
    REJECTED = "rejected"


# identified -> contacted -> negotiating -> implemented -> ended; any open status -> rejected.
ALLOWED_TRANSITIONS: dict[SynergyStatus, frozenset[SynergyStatus]] = {
    SynergyStatus.IDENTIFIED: frozenset({SynergyStatus.CONTACTED, SynergyStatus.REJECTED}),
    SynergyStatus.CONTACTED: frozenset({SynergyStatus.NEGOTIATING, SynergyStatus.REJECTED}),
    SynergyStatus.NEGOTIATING: frozenset({SynergyStatus.IMPLEMENTED, SynergyStatus.REJECTED}),
    SynergyStatus.IMPLEMENTED: frozenset({SynergyStatus.ENDED}),
    SynergyStatus.ENDED: frozenset(),
    SynergyStatus.REJECTED: frozenset(),
}


class TransitionError(ParkloopError, ValueError):
    """A synergy cannot move to the requested status from where it is."""

    code = "invalid_transition"


@dataclass(frozen=True)
class StatusChange:
    status: SynergyStatus
    at: dt.datetime
    by: str
    note: str = ""


@dataclass(frozen=True)
class Synergy:
    """A proposed or working exchange from a supply flow to a receiving company."""

    supply_flow_id: str
    receiver_company_id: str
    demand_flow_id: str | None = None
    history: tuple[StatusChange, ...] = field(default_factory=tuple)

    @property
    def status(self) -> SynergyStatus:
        return self.history[-1].status if self.history else SynergyStatus.IDENTIFIED

    def advance(
        self, status: SynergyStatus, *, by: str, at: dt.datetime, note: str = ""
    ) -> Synergy:
        """Return the synergy moved to ``status``, with the change appended to its history."""
        allowed = ALLOWED_TRANSITIONS[self.status]
        if status not in allowed:
            options = ", ".join(sorted(s.value for s in allowed)) or "none (it is closed)"
            raise TransitionError(
                f"a synergy that is {self.status.value} cannot become {status.value}; "
                f"allowed next: {options}"
            )
        if self.history and at < self.history[-1].at:
            raise TransitionError("a status change cannot be dated before the previous one")
        return replace(self, history=(*self.history, StatusChange(status, at, by, note)))

    @classmethod
    def identify(
        cls,
        supply_flow_id: str,
        receiver_company_id: str,
        *,
        by: str,
        at: dt.datetime,
        demand_flow_id: str | None = None,
        note: str = "",
    ) -> Synergy:
        first = StatusChange(SynergyStatus.IDENTIFIED, at, by, note)
        return cls(supply_flow_id, receiver_company_id, demand_flow_id, (first,))
