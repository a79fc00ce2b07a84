"""Inputs of the park report: plain, typed values a service gathers for one park.

Every quantity carries its unit in its name ([t CO2e], [t CO2e/yr], [EUR/t CO2e]); flows are
in the unit of their chart. :class:`ReportData` checks its numbers when it is built, so the
renderers never meet a NaN, a negative flow or a range with low > high.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any

from parkloop.guide.charts import SankeyLink
from parkloop.guide.steps import Progress

__all__ = [
    "CertificationStatus",
    "FactorUsed",
    "FlowChart",
    "InventoryYear",
    "KeyFigure",
    "MeasureRow",
    "PathwayPoint",
    "ReportData",
    "SankeyLink",
    "SynergyRow",
]


@dataclass(frozen=True)
class KeyFigure:
    """A headline number, e.g. companies, flows, implemented synergies."""

    label: str
    value: float
    unit: str = ""


@dataclass(frozen=True)
class InventoryYear:
    """Scope 1 and 2 emissions of the park's companies in one year [t CO2e].

    ``biogenic_t_co2`` is reported beside the scopes and never added to them.
    """

    year: int
    scope1_t_co2e: float
    scope2_location_t_co2e: float
    scope2_market_t_co2e: float | None = None
    biogenic_t_co2: float | None = None


@dataclass(frozen=True)
class FlowChart:
    """The resource flows in one unit (a Sankey diagram): links (source, target, value)."""

    unit: str
    links: tuple[SankeyLink, ...]
    title: str = ""


@dataclass(frozen=True)
class SynergyRow:
    """A synergy with its net CO2e [t CO2e/yr] (avoided - added) and range where known."""

    name: str
    from_label: str
    to_label: str
    status: str
    net_t_co2e_per_yr: float
    low_t_co2e_per_yr: float | None = None
    high_t_co2e_per_yr: float | None = None


@dataclass(frozen=True)
class MeasureRow:
    """A recommended measure: abatement [t CO2e/yr] and cost [EUR/t CO2e], None if unknown."""

    id: str
    name: str
    abatement_t_co2e_per_yr: float | None
    cost_eur_per_t_co2e: float | None


@dataclass(frozen=True)
class PathwayPoint:
    """A point of the park's emission pathway [t CO2e in that year], and its target if set."""

    year: int
    t_co2e: float
    target_t_co2e: float | None = None


@dataclass(frozen=True)
class CertificationStatus:
    """The park's certificate: level and end of validity, None when not certified."""

    level: str | None = None
    valid_until: date | None = None
    standard: str | None = None


@dataclass(frozen=True)
class FactorUsed:
    """A factor or other figure the report rests on, with its source."""

    name: str
    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class ReportData:
    """Everything the park report shows; ``generated_for`` is the date printed on it.

    Raises ``ValueError`` naming the field when a number is not finite, a flow is negative, a
    range has low > high or the park name or country is empty.
    """

    park_name: str
    country: str
    generated_for: date
    municipality: str | None = None
    key_figures: tuple[KeyFigure, ...] = ()
    inventory: tuple[InventoryYear, ...] = ()
    flows: tuple[FlowChart, ...] = ()
    synergies: tuple[SynergyRow, ...] = ()
    measures: tuple[MeasureRow, ...] = ()
    pathway: tuple[PathwayPoint, ...] = ()
    certification: CertificationStatus = CertificationStatus()
    guide_progress: Progress | None = None
    factors: tuple[FactorUsed, ...] = ()

    def __post_init__(self) -> None:
        for name in ("park_name", "country"):
            if not str(getattr(self, name)).strip():
                raise ValueError(f"ReportData.{name} must not be empty")
        for path, value in _numbers("ReportData", self):
            if not math.isfinite(value):
                raise ValueError(f"{path} must be a finite number, got {value!r}")
        for i, chart in enumerate(self.flows):
            for j, link in enumerate(chart.links):
                if link.value < 0:
                    raise ValueError(
                        f"ReportData.flows[{i}].links[{j}].value must be >= 0, got {link.value!r}"
                    )
        for i, row in enumerate(self.synergies):
            low, high = row.low_t_co2e_per_yr, row.high_t_co2e_per_yr
            if low is not None and high is not None and low > high:
                raise ValueError(
                    f"ReportData.synergies[{i}] has low {low!r} > high {high!r} [t CO2e/yr]"
                )


def _numbers(path: str, obj: Any) -> Iterable[tuple[str, float]]:
    """Every float field in ``obj`` and the dataclasses and tuples it holds, with its path."""
    if isinstance(obj, float):
        yield path, obj
    elif isinstance(obj, tuple):
        for i, item in enumerate(obj):
            yield from _numbers(f"{path}[{i}]", item)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            yield from _numbers(f"{path}.{f.name}", getattr(obj, f.name))
