"""Result objects of the impact calculation: ranges, terms and the impact of one synergy."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from parkloop.reference.factors import Factor

Side = Literal["avoided", "added"]


@dataclass(frozen=True)
class Range:
    """A low, central and high estimate; ``low <= central <= high`` always holds.

    Examples
    --------
    >>> Range(1.0, 2.0, 3.0) - Range(0.5, 1.0, 1.5)
    Range(low=-0.5, central=1.0, high=2.5)
    """

    low: float
    central: float
    high: float

    def __post_init__(self) -> None:
        if not self.low <= self.central <= self.high:
            raise ValueError(f"a range needs low <= central <= high, got {self}")

    @classmethod
    def exact(cls, value: float) -> Range:
        return cls(value, value, value)

    @classmethod
    def zero(cls) -> Range:
        return cls(0.0, 0.0, 0.0)

    @classmethod
    def around(cls, central: float, *others: float) -> Range:
        """The range spanned by ``central`` and ``others`` (their order does not matter)."""
        values = (central, *others)
        return cls(min(values), central, max(values))

    @classmethod
    def total(cls, ranges: Iterable[Range]) -> Range:
        """Sum of ranges, end by end (as if the low ends, and the high ends, occur together)."""
        items = list(ranges)
        return cls(
            math.fsum(r.low for r in items),
            math.fsum(r.central for r in items),
            math.fsum(r.high for r in items),
        )

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.central + other.central, self.high + other.high)

    def __neg__(self) -> Range:
        return Range(-self.high, -self.central, -self.low)

    def __sub__(self, other: Range) -> Range:
        return self + (-other)

    def as_dict(self) -> dict[str, float]:
        return {"low": self.low, "central": self.central, "high": self.high}


def spread(factor: Factor, fn: Callable[[float], float]) -> Range:
    """``fn`` of a factor's value, low and high (where given) as a :class:`Range`."""
    central = fn(factor.value)
    others = [fn(v) for v in (factor.low, factor.high) if v is not None]
    return Range.around(central, *others)


@dataclass(frozen=True)
class Term:
    """One part of the CO2e balance: what is avoided or added [t CO2e/yr], and how."""

    name: str
    side: Side
    co2e_t_per_yr: Range
    factors: tuple[Factor, ...] = ()
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "side": self.side,
            "co2e_t_per_yr": self.co2e_t_per_yr.as_dict(),
            "factors": [f.name for f in self.factors],
            "note": self.note,
        }


@dataclass(frozen=True)
class CostTerm:
    """One part of the cost balance [EUR/yr]: positive is a saving, negative a cost."""

    name: str
    eur_per_yr: Range
    factors: tuple[Factor, ...] = ()
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "eur_per_yr": self.eur_per_yr.as_dict(),
            "factors": [f.name for f in self.factors],
            "note": self.note,
        }


def _unique(factors: Iterable[Factor]) -> tuple[Factor, ...]:
    seen: dict[str, Factor] = {}
    for factor in factors:
        seen.setdefault(factor.name, factor)
    return tuple(seen.values())


@dataclass(frozen=True)
class Impact:
    """The impact of one synergy (or match) per year, with every term and factor used.

    ``co2e_net_t_per_yr`` = avoided - added; negative when the exchange emits more than it
    saves. ``cost_eur_per_yr`` is the saving of the two companies together (payments between
    them cancel out).
    """

    co2e_avoided_t_per_yr: Range
    co2e_added_t_per_yr: Range
    co2e_net_t_per_yr: Range
    cost_eur_per_yr: Range
    tonnes_diverted_per_yr: float
    water_saved_m3_per_yr: float
    energy_mwh_per_yr: float
    terms: tuple[Term, ...] = ()
    cost_terms: tuple[CostTerm, ...] = ()
    factors_used: tuple[Factor, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_terms(
        cls,
        terms: Iterable[Term],
        cost_terms: Iterable[CostTerm],
        *,
        tonnes_diverted_per_yr: float,
        water_saved_m3_per_yr: float,
        energy_mwh_per_yr: float,
        notes: Iterable[str] = (),
    ) -> Impact:
        """Add up the terms: avoided, added, net = avoided - added, cost."""
        terms = tuple(terms)
        cost_terms = tuple(cost_terms)
        avoided = Range.total(t.co2e_t_per_yr for t in terms if t.side == "avoided")
        added = Range.total(t.co2e_t_per_yr for t in terms if t.side == "added")
        parts: tuple[Term | CostTerm, ...] = (*terms, *cost_terms)
        all_notes = [*notes, *(t.note for t in parts if t.note)]
        return cls(
            co2e_avoided_t_per_yr=avoided,
            co2e_added_t_per_yr=added,
            co2e_net_t_per_yr=avoided - added,
            cost_eur_per_yr=Range.total(c.eur_per_yr for c in cost_terms),
            tonnes_diverted_per_yr=tonnes_diverted_per_yr,
            water_saved_m3_per_yr=water_saved_m3_per_yr,
            energy_mwh_per_yr=energy_mwh_per_yr,
            terms=terms,
            cost_terms=cost_terms,
            factors_used=_unique(f for t in parts for f in t.factors),
            notes=tuple(dict.fromkeys(all_notes)),
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary, factors with value, unit and source."""
        return {
            "co2e_avoided_t_per_yr": self.co2e_avoided_t_per_yr.as_dict(),
            "co2e_added_t_per_yr": self.co2e_added_t_per_yr.as_dict(),
            "co2e_net_t_per_yr": self.co2e_net_t_per_yr.as_dict(),
            "cost_eur_per_yr": self.cost_eur_per_yr.as_dict(),
            "tonnes_diverted_per_yr": self.tonnes_diverted_per_yr,
            "water_saved_m3_per_yr": self.water_saved_m3_per_yr,
            "energy_mwh_per_yr": self.energy_mwh_per_yr,
            "terms": [t.as_dict() for t in self.terms],
            "cost_terms": [c.as_dict() for c in self.cost_terms],
            "factors_used": [
                {
                    "name": f.name,
                    "value": f.value,
                    "low": f.low,
                    "high": f.high,
                    "unit": f.unit,
                    "year": f.year,
                    "source": " ".join(f.source.split()),
                }
                for f in self.factors_used
            ],
            "notes": list(self.notes),
        }
