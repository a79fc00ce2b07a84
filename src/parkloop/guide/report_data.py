"""Inputs of the park report, and the blocks its sections are made of.

:class:`ReportData` holds plain, typed values a service gathers for one park. Every quantity
carries its unit in its name ([t CO2e], [t CO2e/yr], [EUR/t CO2e]); flows are in the unit of
their chart. It checks its numbers when it is built, so the renderers never meet a NaN, a
negative flow or a range with low > high. :class:`Section` and its blocks
(:class:`Paragraph`, :class:`Table`, :class:`Chart`) are what
:func:`parkloop.guide.report.assemble` makes of it for both renderers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any, ClassVar

from parkloop.guide.charts import BarLayout, SankeyLayout, SankeyLink
from parkloop.guide.map_chart import MapLayout, MapLink, MapSite
from parkloop.guide.steps import Progress
from parkloop.toolbox.macc import Macc

__all__ = [
    "Block",
    "CertificationStatus",
    "Chart",
    "FactorUsed",
    "FlowChart",
    "InventoryYear",
    "KeyFigure",
    "MapLink",
    "MapSite",
    "MeasureRow",
    "Paragraph",
    "PathwayPoint",
    "ReportData",
    "SankeyLink",
    "Section",
    "SynergyRow",
    "Table",
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
    """A recommended measure: abatement [t CO2e/yr] and cost [EUR/t CO2e], None if unknown.

    ``applies_to`` says where it applies (``'park'``, ``'12 companies'``); a measure summed
    over companies may be costed for only some of them: ``costed_t_co2e_per_yr`` is then the
    abatement of those [t CO2e/yr], the width of its bar on the MACC (None: the whole
    abatement).
    """

    id: str
    name: str
    abatement_t_co2e_per_yr: float | None
    cost_eur_per_t_co2e: float | None
    applies_to: str = ""
    costed_t_co2e_per_yr: float | None = None

    @property
    def bar_width_t_co2e_per_yr(self) -> float | None:
        """The width of the measure's MACC bar [t CO2e/yr]: the costed part of its abatement."""
        if self.costed_t_co2e_per_yr is not None:
            return self.costed_t_co2e_per_yr
        return self.abatement_t_co2e_per_yr

    @property
    def has_bar(self) -> bool:
        """Costed, and avoiding some emissions: the measure is drawn on the MACC."""
        width = self.bar_width_t_co2e_per_yr
        return self.cost_eur_per_t_co2e is not None and width is not None and width > 0


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
    map_sites: tuple[MapSite, ...] = ()
    map_links: tuple[MapLink, ...] = ()
    costing_missing: tuple[str, ...] = ()
    estimate_case: str = "central"
    """Which end of the catalogue's ranges the measures' figures are: ``central``, ``low`` or
    ``high`` (``low`` when only ranges, without a central figure, could be costed)."""

    def __post_init__(self) -> None:
        if self.estimate_case not in ("central", "low", "high"):
            raise ValueError(
                f"ReportData.estimate_case must be central, low or high, got {self.estimate_case!r}"
            )
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
        self._check_map()

    def _check_map(self) -> None:
        seen: set[str] = set()
        for i, site in enumerate(self.map_sites):
            if not -90.0 <= site.lat <= 90.0 or not -180.0 <= site.lon <= 180.0:
                raise ValueError(
                    f"ReportData.map_sites[{i}] ({site.id}): lat {site.lat!r}, lon {site.lon!r} "
                    "out of range; give degrees, lat in [-90, 90] and lon in [-180, 180]"
                )
            if site.id in seen:
                raise ValueError(f"ReportData.map_sites[{i}]: site id {site.id!r} is repeated")
            seen.add(site.id)
        for i, link in enumerate(self.map_links):
            for end in (link.source, link.target):
                if end not in seen:
                    raise ValueError(
                        f"ReportData.map_links[{i}] names {end!r}, which is not in map_sites"
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


# --- blocks of the assembled report --------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Table:
    """A table of formatted text; ``numeric`` marks right-aligned columns."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    footer: tuple[str, ...] | None = None
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Chart:
    """A chart: its geometry (drawn in the PDF) and the same chart as SVG (for HTML).

    For the MACC the geometry is the curve itself; :mod:`parkloop.guide.pdf_charts` places it.
    """

    title: str
    unit: str
    layout: SankeyLayout | BarLayout | MapLayout | Macc
    svg: str
    kind: ClassVar[str] = "chart"


Block = Paragraph | Chart | Table


@dataclass(frozen=True)
class Section:
    """One section of the report: its blocks in the order they are printed."""

    id: str
    title: str
    blocks: tuple[Block, ...]
