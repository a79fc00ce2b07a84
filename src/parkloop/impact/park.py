"""Park totals: the impacts of a park's synergies added up, with breakdowns.

Totals are plain sums over synergies: ranges add end by end (the low ends, and the high ends,
taken together), so every breakdown (by category, by supplying company, by status) adds up to
the park total.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from parkloop.impact.result import Impact, Range


@dataclass(frozen=True)
class Totals:
    """Summed impact of a number of synergies."""

    synergies: int
    co2e_avoided_t_per_yr: Range
    co2e_added_t_per_yr: Range
    co2e_net_t_per_yr: Range
    cost_eur_per_yr: Range
    tonnes_diverted_per_yr: float
    water_saved_m3_per_yr: float
    energy_mwh_per_yr: float

    @classmethod
    def of(cls, impacts: Iterable[Impact]) -> Totals:
        """Add up impacts (``math.fsum`` for every figure, so the order does not matter).

        Examples
        --------
        >>> Totals.of([]).synergies
        0
        """
        items = list(impacts)
        return cls(
            synergies=len(items),
            co2e_avoided_t_per_yr=Range.total(i.co2e_avoided_t_per_yr for i in items),
            co2e_added_t_per_yr=Range.total(i.co2e_added_t_per_yr for i in items),
            co2e_net_t_per_yr=Range.total(i.co2e_net_t_per_yr for i in items),
            cost_eur_per_yr=Range.total(i.cost_eur_per_yr for i in items),
            tonnes_diverted_per_yr=math.fsum(i.tonnes_diverted_per_yr for i in items),
            water_saved_m3_per_yr=math.fsum(i.water_saved_m3_per_yr for i in items),
            energy_mwh_per_yr=math.fsum(i.energy_mwh_per_yr for i in items),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "synergies": self.synergies,
            "co2e_avoided_t_per_yr": self.co2e_avoided_t_per_yr.as_dict(),
            "co2e_added_t_per_yr": self.co2e_added_t_per_yr.as_dict(),
            "co2e_net_t_per_yr": self.co2e_net_t_per_yr.as_dict(),
            "cost_eur_per_yr": self.cost_eur_per_yr.as_dict(),
            "tonnes_diverted_per_yr": self.tonnes_diverted_per_yr,
            "water_saved_m3_per_yr": self.water_saved_m3_per_yr,
            "energy_mwh_per_yr": self.energy_mwh_per_yr,
        }


@dataclass(frozen=True)
class SynergyImpact:
    """The impact of one synergy with the keys it is broken down by."""

    synergy_id: int
    category: str
    company: str
    status: str
    impact: Impact


@dataclass(frozen=True)
class ParkImpact:
    """Totals of a park's synergies and their breakdowns by category, company and status."""

    park: str
    total: Totals
    by_category: dict[str, Totals]
    by_company: dict[str, Totals]
    by_status: dict[str, Totals]
    synergies: tuple[SynergyImpact, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "park": self.park,
            "total": self.total.as_dict(),
            "by_category": {k: v.as_dict() for k, v in self.by_category.items()},
            "by_company": {k: v.as_dict() for k, v in self.by_company.items()},
            "by_status": {k: v.as_dict() for k, v in self.by_status.items()},
            "synergies": [
                {
                    "synergy_id": s.synergy_id,
                    "category": s.category,
                    "company": s.company,
                    "status": s.status,
                    "impact": s.impact.as_dict(),
                }
                for s in self.synergies
            ],
        }


def breakdown(
    items: Sequence[SynergyImpact], key: Callable[[SynergyImpact], str]
) -> dict[str, Totals]:
    """Totals per value of ``key``, in sorted key order."""
    groups: dict[str, list[Impact]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item.impact)
    return {k: Totals.of(groups[k]) for k in sorted(groups)}


def park_totals(park: str, items: Iterable[SynergyImpact]) -> ParkImpact:
    """The park total and its breakdowns by category, supplying company and status."""
    rows = tuple(items)
    return ParkImpact(
        park=park,
        total=Totals.of(r.impact for r in rows),
        by_category=breakdown(rows, lambda r: r.category),
        by_company=breakdown(rows, lambda r: r.company),
        by_status=breakdown(rows, lambda r: r.status),
        synergies=rows,
    )
