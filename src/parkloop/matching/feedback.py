"""Facilitator feedback: accepted and rejected matches shift later rankings of similar pairs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from parkloop.matching.codes import loose_nace

# The multiplier moves with the square root of (accepted + 1) / (rejected + 1), within bounds, so
# one decision nudges and a pattern of decisions moves a ranking clearly.
MIN_MULTIPLIER = 0.5
MAX_MULTIPLIER = 1.5


@dataclass(frozen=True)
class Decision:
    """A facilitator's verdict on a proposed pair: resource key, receiver sector, accepted."""

    resource_keys: frozenset[str]
    receiver_nace: str
    accepted: bool


@dataclass
class Feedback:
    """Counts of accepted and rejected pairs by (resource key, receiver division)."""

    accepted: Counter[tuple[str, str]] = field(default_factory=Counter)
    rejected: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def from_decisions(cls, decisions: Iterable[Decision]) -> Feedback:
        feedback = cls()
        for decision in decisions:
            feedback.add(decision)
        return feedback

    def add(self, decision: Decision) -> None:
        division = (loose_nace(decision.receiver_nace) or "")[:2]
        target = self.accepted if decision.accepted else self.rejected
        for key in decision.resource_keys:
            target[(key, division)] += 1

    def multiplier(
        self, classes: set[str], ewc: str | None, receiver_nace: str
    ) -> tuple[float, str | None]:
        """The factor for a new pair, and a reason when feedback exists."""
        keys = set(classes) | ({ewc.rstrip("*")[:5]} if ewc else set())
        division = receiver_nace[:2]
        accepted = sum(self.accepted[(k, division)] for k in keys)
        rejected = sum(self.rejected[(k, division)] for k in keys)
        if accepted == 0 and rejected == 0:
            return 1.0, None
        factor = ((accepted + 1) / (rejected + 1)) ** 0.5
        factor = min(MAX_MULTIPLIER, max(MIN_MULTIPLIER, factor))
        return factor, (
            f"facilitators accepted {accepted} and rejected {rejected} similar matches "
            f"to division {division}"
        )


def resource_keys(classes: Iterable[str], ewc: str | None) -> frozenset[str]:
    """The keys feedback is stored under: resource classes and the List of Waste sub-chapter."""
    return frozenset(set(classes) | ({ewc.rstrip("*")[:5]} if ewc else set()))
