"""Result objects of a GHG inventory: lines, gaps, totals per company, year and park.

All emissions are in tonnes: ``tco2e`` is t CO2-equivalent (GWP100), ``biogenic_co2_t`` is t of
biogenic CO2, reported outside the scopes. Scope 2 is held for both methods of the GHG Protocol
Scope 2 Guidance (location- and market-based); ``as_dict(method)`` renders one of them. Energy
rows become :class:`InventoryLine`, process-emission rows :class:`ProcessLine` (scope 1); the
optional scope 3 block (:mod:`parkloop.climate.scope3`) is held apart and never enters a total
of this module.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from parkloop.climate.factor_choice import (
    METHODS,
    GwpSet,
    Method,
    Series,
    check_method,
    factors_dict,
)
from parkloop.climate.scope3 import Scope3Inventory
from parkloop.domain.models import EnergyCarrier
from parkloop.reference.factors import Factor

Scope = Literal[1, 2]
EUR_PER_MEUR = 1_000_000.0


@dataclass(frozen=True)
class Estimate:
    """Emissions of one line under one method [t CO2e], the factor names behind them, and
    notes on how the factors were chosen (another year, another series, gases counted)."""

    tco2e: float
    factors: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class InventoryLine:
    """One energy-sheet row turned into emissions.

    ``scope`` is 1 (fuel burnt on site), 2 (purchased electricity, heat or steam) or ``None``
    (energy generated on site, or a carrier with no scope rule). ``location`` and ``market``
    are ``None`` where no factor could be used; ``gap`` then says why.
    """

    company_id: str
    year: int
    carrier: EnergyCarrier
    mwh: float
    onsite_generation: bool
    scope: Scope | None
    location: Estimate | None
    market: Estimate | None
    biogenic_co2_t: float = 0.0
    biogenic_factors: tuple[str, ...] = ()
    gap: str | None = None
    notes: tuple[str, ...] = ()

    def estimate(self, method: str) -> Estimate | None:
        """The estimate of ``method`` (``location`` or ``market``)."""
        return self.location if check_method(method) == "location" else self.market

    def notes_for(self, method: str | None = None) -> tuple[str, ...]:
        """The line's notes with those of ``method``'s estimate (of both when ``None``)."""
        chosen = METHODS if method is None else (check_method(method),)
        notes = list(self.notes)
        for estimate in (self.estimate(m) for m in chosen):
            if estimate is not None:
                notes.extend(estimate.notes)
        return tuple(dict.fromkeys(notes))

    def factor_names(self, method: str | None = None) -> tuple[str, ...]:
        """Names of the factors used under ``method`` (both when ``None``), biogenic included."""
        chosen = METHODS if method is None else (check_method(method),)
        names = [n for m in chosen if (e := self.estimate(m)) is not None for n in e.factors]
        return tuple(dict.fromkeys([*names, *self.biogenic_factors]))

    def as_dict(self, method: str) -> dict[str, Any]:
        estimate = self.estimate(method)
        return {
            "carrier": self.carrier.value,
            "mwh": self.mwh,
            "onsite_generation": self.onsite_generation,
            "scope": self.scope,
            "tco2e": None if estimate is None else estimate.tco2e,
            "factors": [] if estimate is None else list(estimate.factors),
            "biogenic_co2_t": self.biogenic_co2_t,
            "biogenic_factors": list(self.biogenic_factors),
            "gap": self.gap if estimate is None else None,
            "notes": list(self.notes_for(method)),
        }


@dataclass(frozen=True)
class ProcessLine:
    """One process-emissions row turned into emissions: ``tonnes`` of ``gas`` [t].

    ``scope`` is 1 with an ``estimate`` (t of gas x GWP100), or ``None`` for biogenic CO2, which
    is reported in ``biogenic_co2_t`` outside the scopes. A scope 1 line without an estimate is
    a gap (no GWP100 of the chosen set for the gas); ``gap`` says why. The method of scope 2 does
    not apply: the line is the same under both.
    """

    company_id: str
    year: int
    source: str
    gas: str
    tonnes: float
    biogenic: bool
    scope: Literal[1] | None
    estimate: Estimate | None
    biogenic_co2_t: float = 0.0
    gap: str | None = None
    notes: tuple[str, ...] = ()
    note: str | None = None

    def factor_names(self) -> tuple[str, ...]:
        """Names of the GWP100 factors the line used (none for CO2, whose GWP is 1)."""
        return () if self.estimate is None else self.estimate.factors

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "gas": self.gas,
            "tonnes": self.tonnes,
            "biogenic": self.biogenic,
            "scope": self.scope,
            "tco2e": None if self.estimate is None else self.estimate.tco2e,
            "factors": list(self.factor_names()),
            "biogenic_co2_t": self.biogenic_co2_t,
            "gap": self.gap,
            "notes": list(self.notes),
            "note": self.note,
        }


@dataclass(frozen=True)
class Gap:
    """Energy use left without emissions for ``methods``, and why."""

    company_id: str
    year: int
    carrier: EnergyCarrier
    mwh: float
    methods: tuple[Method, ...]
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "company_id": self.company_id,
            "year": self.year,
            "carrier": self.carrier.value,
            "mwh": self.mwh,
            "reason": self.reason,
        }


def gaps_of(lines: Iterable[InventoryLine]) -> tuple[Gap, ...]:
    """The gaps of ``lines``: every line lacking an estimate for one method or both."""
    out = []
    for line in lines:
        methods = tuple(m for m in METHODS if line.estimate(m) is None)
        if methods:
            reason = line.gap or "no factor"
            out.append(Gap(line.company_id, line.year, line.carrier, line.mwh, methods, reason))
    return tuple(out)


@dataclass(frozen=True)
class Totals:
    """Scope 1, scope 2 by method [t CO2e] and biogenic CO2 [t] of a set of lines."""

    scope1_tco2e: float = 0.0
    scope2_location_tco2e: float = 0.0
    scope2_market_tco2e: float = 0.0
    biogenic_co2_t: float = 0.0

    def scope2_tco2e(self, method: str) -> float:
        """Scope 2 [t CO2e] under ``method``."""
        if check_method(method) == "location":
            return self.scope2_location_tco2e
        return self.scope2_market_tco2e

    def total_tco2e(self, method: str) -> float:
        """Scope 1 + scope 2 [t CO2e] under ``method`` (biogenic CO2 is not in it)."""
        return self.scope1_tco2e + self.scope2_tco2e(method)

    @classmethod
    def of_lines(cls, lines: Iterable[InventoryLine]) -> Totals:
        """Sum lines by scope; a line without an estimate adds nothing to that method."""
        scope1: list[float] = []
        location: list[float] = []
        market: list[float] = []
        biogenic: list[float] = []
        for line in lines:
            biogenic.append(line.biogenic_co2_t)
            if line.scope == 1 and line.location is not None:
                scope1.append(line.location.tco2e)
            elif line.scope == 2:
                if line.location is not None:
                    location.append(line.location.tco2e)
                if line.market is not None:
                    market.append(line.market.tco2e)
        return cls(math.fsum(scope1), math.fsum(location), math.fsum(market), math.fsum(biogenic))

    @classmethod
    def of_process(cls, lines: Iterable[ProcessLine]) -> Totals:
        """Sum process lines: scope 1 and biogenic CO2; a gap adds nothing."""
        items = list(lines)
        return cls(
            scope1_tco2e=math.fsum(
                line.estimate.tco2e
                for line in items
                if line.scope == 1 and line.estimate is not None
            ),
            biogenic_co2_t=math.fsum(line.biogenic_co2_t for line in items),
        )

    @classmethod
    def combine(cls, totals: Iterable[Totals]) -> Totals:
        """The sum of several totals."""
        items = list(totals)
        return cls(
            math.fsum(t.scope1_tco2e for t in items),
            math.fsum(t.scope2_location_tco2e for t in items),
            math.fsum(t.scope2_market_tco2e for t in items),
            math.fsum(t.biogenic_co2_t for t in items),
        )

    def as_dict(self, method: str) -> dict[str, float]:
        return {
            "scope1_tco2e": self.scope1_tco2e,
            "scope2_tco2e": self.scope2_tco2e(method),
            "total_tco2e": self.total_tco2e(method),
            "biogenic_co2_t": self.biogenic_co2_t,
        }


def _ratio(numerator: float, denominator: float | None) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class CompanyInventory:
    """Scope 1 and 2 of one company in one year, line by line.

    ``lines`` are the energy rows, ``process_lines`` the process-emission rows; ``totals`` holds
    both, ``gaps`` the energy rows without a factor (a process line says its own ``gap``).
    """

    company_id: str
    name: str
    country: str
    year: int
    employees: int | None
    value_added_eur: float | None
    lines: tuple[InventoryLine, ...]
    totals: Totals
    gaps: tuple[Gap, ...]
    process_lines: tuple[ProcessLine, ...] = ()

    def notes(self, method: str | None = None) -> tuple[str, ...]:
        """Notes of the lines, once each, for ``method`` (for both when ``None``)."""
        energy = [n for line in self.lines for n in line.notes_for(method)]
        process = [n for line in self.process_lines for n in line.notes]
        return tuple(dict.fromkeys([*energy, *process]))

    def per_employee_t(self, method: str) -> float | None:
        """Scope 1 + 2 per employee [t CO2e per employee]; ``None`` without employees."""
        return _ratio(self.totals.total_tco2e(method), self.employees)

    def per_meur_value_added_t(self, method: str) -> float | None:
        """Scope 1 + 2 per value added [t CO2e per million EUR]; ``None`` where not given."""
        meur = None if self.value_added_eur is None else self.value_added_eur / EUR_PER_MEUR
        return _ratio(self.totals.total_tco2e(method), meur)

    def as_dict(self, method: str) -> dict[str, Any]:
        return {
            "company_id": self.company_id,
            "name": self.name,
            "country": self.country,
            "year": self.year,
            "employees": self.employees,
            "value_added_eur": self.value_added_eur,
            **self.totals.as_dict(method),
            "tco2e_per_employee": self.per_employee_t(method),
            "tco2e_per_meur_value_added": self.per_meur_value_added_t(method),
            "lines": [line.as_dict(method) for line in self.lines],
            "process_lines": [line.as_dict() for line in self.process_lines],
            "gaps": [g.as_dict() for g in self.gaps if check_method(method) in g.methods],
            "notes": list(self.notes(method)),
        }


@dataclass(frozen=True)
class ParkYear:
    """The park's inventory in one year: companies, carriers, totals and intensities.

    Intensities divide the emissions of the companies that give employees (or value added) by
    their employees (or value added), so that a company without the figure changes neither
    side. ``missing_companies`` are companies of the park with no energy or process rows this
    year; ``coverage_notes`` say so. ``by_carrier`` covers the energy rows and ``process`` the
    process-emission rows; together they make ``totals``.
    """

    year: int
    companies: tuple[CompanyInventory, ...]
    totals: Totals
    by_carrier: Mapping[EnergyCarrier, Totals]
    gaps: tuple[Gap, ...]
    missing_companies: tuple[str, ...]
    coverage_notes: tuple[str, ...] = ()
    process: Totals = field(default_factory=Totals)

    @property
    def process_gaps(self) -> tuple[ProcessLine, ...]:
        """Process lines left without emissions (no GWP100 for their gas)."""
        return tuple(
            line for c in self.companies for line in c.process_lines if line.gap is not None
        )

    def notes(self, method: str | None = None) -> tuple[str, ...]:
        """Notes of the companies, once each, and on coverage, for ``method`` (both: ``None``)."""
        notes = [n for c in self.companies for n in c.notes(method)]
        return tuple(dict.fromkeys([*notes, *self.coverage_notes]))

    def per_employee_t(self, method: str) -> float | None:
        """Scope 1 + 2 per employee [t CO2e per employee] over companies that give employees."""
        given = [c for c in self.companies if c.employees]
        emissions = math.fsum(c.totals.total_tco2e(method) for c in given)
        return _ratio(emissions, sum(c.employees or 0 for c in given))

    def per_meur_value_added_t(self, method: str) -> float | None:
        """Scope 1 + 2 per value added [t CO2e per million EUR] over companies that give it."""
        given = [c for c in self.companies if c.value_added_eur]
        emissions = math.fsum(c.totals.total_tco2e(method) for c in given)
        meur = math.fsum(c.value_added_eur or 0.0 for c in given) / EUR_PER_MEUR
        return _ratio(emissions, meur)

    def as_dict(self, method: str) -> dict[str, Any]:
        return {
            "year": self.year,
            **self.totals.as_dict(method),
            "tco2e_per_employee": self.per_employee_t(method),
            "tco2e_per_meur_value_added": self.per_meur_value_added_t(method),
            "by_carrier": {c.value: t.as_dict(method) for c, t in self.by_carrier.items()},
            "process": self.process.as_dict(method),
            "companies": [c.as_dict(method) for c in self.companies],
            "missing_companies": list(self.missing_companies),
            "gaps": [g.as_dict() for g in self.gaps if check_method(method) in g.methods],
            "process_gaps": [
                {"company_id": line.company_id, **line.as_dict()} for line in self.process_gaps
            ],
            "notes": list(self.notes(method)),
        }


@dataclass(frozen=True)
class ParkInventory:
    """Scope 1 and 2 of a park, year by year, with the factors used and their sources.

    ``baseline`` is the park's inventory in ``baseline_year`` (by default the earliest year of
    the energy and process sheets), whether or not that year is among ``years``. ``factors``
    holds every factor used, in ``years`` or the baseline, under either method. ``scope3`` is
    the optional scope 3 block (waste and freight), reported apart: it is in none of the totals
    above and so never in a pathway baseline; ``None`` when it was not asked for.
    """

    park: str | None
    gwp: GwpSet
    series: Series
    baseline_year: int | None
    baseline: ParkYear | None
    years: tuple[ParkYear, ...]
    factors: Mapping[str, Factor]
    notes: tuple[str, ...]
    scope3: Scope3Inventory | None = None

    def factors_for(self, method: str) -> dict[str, Factor]:
        """The factors used under ``method``, in ``years`` and the baseline, by name."""
        results = [*self.years, *([self.baseline] if self.baseline is not None else [])]
        companies = [company for result in results for company in result.companies]
        names = dict.fromkeys(
            [
                *(n for c in companies for line in c.lines for n in line.factor_names(method)),
                *(n for c in companies for line in c.process_lines for n in line.factor_names()),
            ]
        )
        return {name: self.factors[name] for name in names}

    def change_from_baseline(self, result: ParkYear, method: str) -> float | None:
        """Relative change of the park's scope 1 + 2 from the baseline [-]; ``None`` at zero."""
        if self.baseline is None or not self.baseline.totals.total_tco2e(method):
            return None
        base = self.baseline.totals.total_tco2e(method)
        return result.totals.total_tco2e(method) / base - 1.0

    def year(self, year: int) -> ParkYear:
        """The result of ``year``; ``KeyError`` when the inventory does not cover it."""
        for item in self.years:
            if item.year == year:
                return item
        raise KeyError(year)

    def as_dict(self, method: str) -> dict[str, Any]:
        """A JSON-ready document with scope 2 and totals under ``method``."""
        return {
            "park": self.park,
            "method": check_method(method),
            "gwp": self.gwp,
            "series": self.series,
            "baseline_year": self.baseline_year,
            "baseline": None if self.baseline is None else self.baseline.totals.as_dict(method),
            "years": [
                {**y.as_dict(method), "change_from_baseline": self.change_from_baseline(y, method)}
                for y in self.years
            ],
            "factors": factors_dict(self.factors_for(method)),
            "notes": list(self.notes),
            **({} if self.scope3 is None else {"scope3": self.scope3.as_dict()}),
        }
