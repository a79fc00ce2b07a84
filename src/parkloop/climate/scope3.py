"""Optional scope 3 of a park's companies: waste (category 5) and freight (category 4).

Scope 3 is reported apart from scope 1 and 2: nothing here is added to an inventory total or to
a pathway baseline. Two sheets of the park workbook feed it, one line per row:

- ``waste`` -> category 5, *waste generated in operations*: t of waste x the UK 2025
  waste-disposal factor of its material and treatment [kg CO2e/t]. The material comes from the
  row's List of Waste code: the resource classes that list the code, and the ``disposal:``
  mapping of ``impact_factors.yaml`` from class to UK material (the same data and loader as
  the impact of a synergy, :func:`parkloop.impact.factors.impact_reference`); the factor is
  ``waste_<route>_<material>`` for a route of the treatment (:data:`BASELINE_ROUTES`).
  ``recycling`` follows the GHG Protocol's recycled-content (cut-off) approach: the sender
  counts what the UK recycling factor covers (collection and transport to the recycler), the
  recycling process belongs to the user of the recycled material, and no credit is given.
- ``freight`` -> category 4, *upstream transportation and distribution*: tonne-km x the UK 2025
  freight factor of the mode [kg CO2e per tonne-km] (:data:`TRANSPORT_MODES`). The sheet holds
  transport the company buys; the GHG Protocol puts transport a company pays for, inbound or
  outbound, in category 4. Category 9 (transport of sold products that others pay for) is not
  in the workbook.

A row whose factor cannot be found (no List of Waste code, a code in no class with a UK
material, classes that point to different materials, no factor for the route) keeps its
quantity, is left without emissions and says why; nothing is guessed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Final, Literal

from parkloop.climate.factor_choice import factors_dict
from parkloop.domain.models import Company, FreightTransport, ParkWorkbook, WasteArising
from parkloop.errors import ReferenceDataError
from parkloop.impact.assumptions import BASELINE_ROUTES, TRANSPORT_MODES
from parkloop.impact.factors import ImpactReference, impact_reference
from parkloop.reference.factors import Factor
from parkloop.reference.resource_classes import load_resource_classes

Category = Literal[4, 5]
WASTE_UNIT: Final = "kg CO2e per tonne"
FREIGHT_UNIT: Final = "kg CO2e per tonne-km"
KG_PER_T: Final = 1000.0

NOTES: Final = (
    "scope 3 is reported apart: it is not added to scope 1 and 2, nor to a pathway baseline",
    "category 5 (waste generated in operations): t of waste x the UK 2025 waste-disposal "
    "factor of its material and treatment; the material comes from the List of Waste code "
    "through the resource classes and the disposal mapping of impact_factors.yaml",
    "the UK waste factors use a cut-off approach: recycling, composting, anaerobic digestion "
    "and energy from waste carry the transport to the site only, landfill includes the methane "
    "of decomposition; no credit for recovered material or energy",
    "recycling: GHG Protocol recycled-content (cut-off) method; the sender counts collection "
    "and transport to the recycler (the UK recycling factor), the recycling process belongs to "
    "the user of the recycled material",
    "category 4 (upstream transportation and distribution): freight the company buys, inbound "
    "or outbound, x the UK 2025 freight factor of the mode (direct, tank-to-wheel; well-to-tank "
    "not included); transport of sold products paid for by others (category 9) is not in the "
    "workbook",
    "the UK factors are given in CO2e by their publisher; the GWP choice of the inventory does "
    "not change them",
)


def waste_tco2e(tonnes: float, kg_co2e_per_t: float) -> float:
    """Emissions [t CO2e] of treating ``tonnes`` [t] of waste at ``kg_co2e_per_t``.

    Notes
    -----
    E [t CO2e] = m [t] x EF [kg CO2e/t] / 1000 (GHG Protocol Technical Guidance for Calculating
    Scope 3 Emissions, category 5, waste-type-specific method).

    References
    ----------
    WRI and WBCSD (2013), Technical Guidance for Calculating Scope 3 Emissions, version 1.0,
    https://ghgprotocol.org/scope-3-technical-calculation-guidance

    Examples
    --------
    2,500 t to landfill at 1.26338 kg CO2e/t:

    >>> round(waste_tco2e(2500.0, 1.26338), 5)
    3.15845
    """
    if not math.isfinite(tonnes) or tonnes < 0:
        raise ValueError(f"waste must be a finite number of t >= 0, not {tonnes!r}")
    return tonnes * kg_co2e_per_t / KG_PER_T


def freight_tco2e(tonne_km: float, kg_co2e_per_tkm: float) -> float:
    """Emissions [t CO2e] of ``tonne_km`` [t km] of freight at ``kg_co2e_per_tkm``.

    Notes
    -----
    E [t CO2e] = tonne-km x EF [kg CO2e per tonne-km] / 1000 (GHG Protocol Technical Guidance
    for Calculating Scope 3 Emissions, category 4, distance-based method).

    Examples
    --------
    >>> freight_tco2e(9_000_000.0, 0.078)
    702.0
    """
    if not math.isfinite(tonne_km) or tonne_km < 0:
        raise ValueError(f"freight must be a finite number of tonne-km >= 0, not {tonne_km!r}")
    return tonne_km * kg_co2e_per_tkm / KG_PER_T


@dataclass(frozen=True)
class Scope3Line:
    """One waste or freight row: its quantity, category and emissions [t CO2e].

    ``kind`` is ``waste`` (category 5; ``label`` is the treatment, ``quantity`` in t) or
    ``freight`` (category 4; ``label`` is the mode, ``quantity`` in tonne-km). ``tco2e`` is
    ``None`` where no factor was found; ``gap`` then says why.
    """

    company_id: str
    year: int
    category: Category
    kind: Literal["waste", "freight"]
    label: str
    quantity: float
    unit: str
    tco2e: float | None
    factors: tuple[str, ...] = ()
    ewc: str | None = None
    material: str | None = None
    gap: str | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "company_id": self.company_id,
            "year": self.year,
            "category": self.category,
            "kind": self.kind,
            "label": self.label,
            "quantity": self.quantity,
            "unit": self.unit,
            "ewc": self.ewc,
            "material": self.material,
            "tco2e": self.tco2e,
            "factors": list(self.factors),
            "gap": self.gap,
            "note": self.note,
        }


@dataclass(frozen=True)
class Scope3Totals:
    """Scope 3 [t CO2e] by category; lines without a factor add nothing."""

    category4_tco2e: float = 0.0
    category5_tco2e: float = 0.0

    @property
    def total_tco2e(self) -> float:
        """Categories 4 and 5 together [t CO2e]."""
        return self.category4_tco2e + self.category5_tco2e

    @classmethod
    def of_lines(cls, lines: Iterable[Scope3Line]) -> Scope3Totals:
        """Sum lines by category; a line without emissions adds nothing."""
        items = [(line.category, line.tco2e) for line in lines if line.tco2e is not None]
        return cls(
            math.fsum(t for category, t in items if category == 4),
            math.fsum(t for category, t in items if category == 5),
        )

    @classmethod
    def combine(cls, totals: Iterable[Scope3Totals]) -> Scope3Totals:
        items = list(totals)
        return cls(
            math.fsum(t.category4_tco2e for t in items),
            math.fsum(t.category5_tco2e for t in items),
        )

    def as_dict(self) -> dict[str, float]:
        return {
            "category4_tco2e": self.category4_tco2e,
            "category5_tco2e": self.category5_tco2e,
            "total_tco2e": self.total_tco2e,
        }


@dataclass(frozen=True)
class Scope3Company:
    """The scope 3 lines and totals of one company in one year."""

    company_id: str
    name: str
    year: int
    lines: tuple[Scope3Line, ...]
    totals: Scope3Totals

    @property
    def gaps(self) -> tuple[Scope3Line, ...]:
        """Lines left without emissions."""
        return tuple(line for line in self.lines if line.tco2e is None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "company_id": self.company_id,
            "name": self.name,
            "year": self.year,
            **self.totals.as_dict(),
            "lines": [line.as_dict() for line in self.lines],
        }


@dataclass(frozen=True)
class Scope3Year:
    """The park's scope 3 in one year: the companies with waste or freight rows, and totals."""

    year: int
    companies: tuple[Scope3Company, ...]
    totals: Scope3Totals

    @property
    def gaps(self) -> tuple[Scope3Line, ...]:
        """Lines of every company left without emissions."""
        return tuple(line for c in self.companies for line in c.gaps)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            **self.totals.as_dict(),
            "companies": [c.as_dict() for c in self.companies],
            "gaps": [{**line.as_dict(), "reason": line.gap} for line in self.gaps],
        }


@dataclass(frozen=True)
class Scope3Inventory:
    """Scope 3 (categories 4 and 5) of a park, year by year, with every factor and its source."""

    years: tuple[Scope3Year, ...]
    factors: Mapping[str, Factor]
    notes: tuple[str, ...] = NOTES

    def year(self, year: int) -> Scope3Year:
        """The result of ``year``; ``KeyError`` when the block does not cover it."""
        for item in self.years:
            if item.year == year:
                return item
        raise KeyError(year)

    def as_dict(self) -> dict[str, Any]:
        return {
            "years": [y.as_dict() for y in self.years],
            "factors": factors_dict(self.factors),
            "notes": list(self.notes),
        }


@lru_cache(maxsize=1)
def _classes_by_code() -> dict[str, tuple[str, ...]]:
    """Resource class ids by List of Waste code (without the hazardous ``*``)."""
    out: dict[str, list[str]] = {}
    for resource_class in load_resource_classes():
        for code in resource_class.ewc:
            out.setdefault(code.rstrip("*"), []).append(resource_class.id)
    return {code: tuple(ids) for code, ids in out.items()}


def waste_material(reference: ImpactReference, ewc: str | None) -> tuple[str | None, str | None]:
    """The UK waste-factor material of a List of Waste code, or ``None`` and why not.

    Examples
    --------
    >>> waste_material(impact_reference(), "17 09 04")
    ('aggregates', None)
    >>> waste_material(impact_reference(), None)[1]
    'no List of Waste code: the material, and so the factor, cannot be chosen'
    """
    if ewc is None:
        return None, "no List of Waste code: the material, and so the factor, cannot be chosen"
    classes = _classes_by_code().get(ewc.strip().rstrip("*"), ())
    if not classes:
        return None, f"List of Waste {ewc} is in no resource class, so no UK waste material"
    materials = sorted({reference.disposal[c].material for c in classes if c in reference.disposal})
    if not materials:
        return None, (
            f"List of Waste {ewc} is resource class {', '.join(classes)}, which the disposal "
            "mapping of impact_factors.yaml gives no UK waste material"
        )
    if len(materials) > 1:
        return None, (
            f"List of Waste {ewc} belongs to classes with different UK materials "
            f"({', '.join(materials)}); not guessed"
        )
    return materials[0], None


def _checked(factor: Factor, unit: str) -> Factor:
    if factor.unit != unit:
        raise ReferenceDataError(
            f"emission_factors.yaml: factor {factor.name} has unit {factor.unit!r}; a scope 3 "
            f"factor of its kind must be in {unit!r}"
        )
    return factor


def waste_line(row: WasteArising, reference: ImpactReference | None = None) -> Scope3Line:
    """A ``waste`` row as a category 5 line [t CO2e], or a gap saying why there is no factor.

    Raises
    ------
    ValueError
        For a treatment that is not one of :data:`BASELINE_ROUTES`.

    Examples
    --------
    >>> line = waste_line(WasteArising("C1", 2024, 300.0, "recycling", "15 01 01"))
    >>> line.category, line.factors, round(line.tco2e, 6)
    (5, ('waste_closed_loop_recycling_paper_board_mixed',), 1.405704)
    """
    reference = reference or impact_reference()
    routes = BASELINE_ROUTES.get(row.treatment)
    if routes is None:
        raise ValueError(
            f"unknown treatment {row.treatment!r}; choose one of {', '.join(BASELINE_ROUTES)}"
        )
    material, reason = waste_material(reference, row.ewc)
    found = None
    if material is not None:
        names = [f"waste_{route}_{material}" for route in routes]
        found = next((reference.factors[n] for n in names if n in reference.factors), None)
        if found is None:
            reason = f"no UK factor for {row.treatment} of {material} ({', '.join(names)})"
    line = Scope3Line(
        company_id=row.company_id,
        year=row.year,
        category=5,
        kind="waste",
        label=row.treatment,
        quantity=row.tonnes,
        unit="t",
        tco2e=None,
        ewc=row.ewc,
        material=material,
        gap=reason,
        note=row.note,
    )
    if found is None:
        waste_tco2e(row.tonnes, 0.0)  # checks the amount
        return line
    factor = _checked(found, WASTE_UNIT)
    return _with(line, waste_tco2e(row.tonnes, factor.value), factor)


def freight_line(row: FreightTransport, reference: ImpactReference | None = None) -> Scope3Line:
    """A ``freight`` row as a category 4 line [t CO2e], or a gap where the mode has no factor.

    Raises
    ------
    ValueError
        For a mode that is not one of :data:`TRANSPORT_MODES`.

    Examples
    --------
    >>> line = freight_line(FreightTransport("C1", 2024, "rail", 12_000_000.0))
    >>> line.category, line.factors, round(line.tco2e, 2)
    (4, ('freight_rail',), 333.48)
    """
    reference = reference or impact_reference()
    name = TRANSPORT_MODES.get(row.mode)
    if name is None:
        raise ValueError(f"unknown mode {row.mode!r}; choose one of {', '.join(TRANSPORT_MODES)}")
    line = Scope3Line(
        company_id=row.company_id,
        year=row.year,
        category=4,
        kind="freight",
        label=row.mode,
        quantity=row.tonne_km,
        unit="tonne-km",
        tco2e=None,
        gap=f"no factor {name} for freight by {row.mode}",
        note=row.note,
    )
    if name not in reference.factors:
        freight_tco2e(row.tonne_km, 0.0)  # checks the amount
        return line
    factor = _checked(reference.factors[name], FREIGHT_UNIT)
    return _with(line, freight_tco2e(row.tonne_km, factor.value), factor)


def _with(line: Scope3Line, tco2e: float, factor: Factor) -> Scope3Line:
    return replace(line, tco2e=tco2e, factors=(factor.name,), gap=None)


def _year(companies: Sequence[Company], lines: Sequence[Scope3Line], year: int) -> Scope3Year:
    results = []
    for company in companies:
        own = tuple(line for line in lines if line.company_id == company.id and line.year == year)
        if own:
            results.append(
                Scope3Company(company.id, company.name, year, own, Scope3Totals.of_lines(own))
            )
    return Scope3Year(year, tuple(results), Scope3Totals.combine(c.totals for c in results))


def scope3_inventory(
    workbook: ParkWorkbook,
    *,
    years: Iterable[int] | None = None,
    reference: ImpactReference | None = None,
) -> Scope3Inventory:
    """Scope 3 categories 4 and 5 [t CO2e] per company, year and park, from the workbook.

    Parameters
    ----------
    workbook : ParkWorkbook
        Companies and the ``waste`` and ``freight`` sheets.
    years : iterable of int, optional
        The years to report; every year of the two sheets by default.
    reference : ImpactReference, optional
        Factors and mappings; the shipped impact data by default.

    Returns
    -------
    Scope3Inventory

    Raises
    ------
    ValueError
        For a row of a company not in the workbook, or an unknown treatment or mode.

    Examples
    --------
    >>> from parkloop.domain.models import Company
    >>> company = Company("C1", "Logistics", "49.41", "DK", 55.7, 9.5)
    >>> freight = [FreightTransport("C1", 2024, "road", 6_000_000.0)]
    >>> result = scope3_inventory(ParkWorkbook(None, [company], [], [], freight=freight))
    >>> result.year(2024).totals.category4_tco2e
    468.0
    """
    reference = reference or impact_reference()
    known = {c.id for c in workbook.companies}
    rows: list[WasteArising | FreightTransport] = [*workbook.waste, *workbook.freight]
    unknown = sorted({row.company_id for row in rows} - known)
    if unknown:
        raise ValueError(
            f"waste or freight rows of companies not in the workbook: {', '.join(unknown)}"
        )
    chosen = sorted(set(years) if years is not None else {row.year for row in rows})
    wanted = set(chosen)
    lines = [
        *(waste_line(row, reference) for row in workbook.waste if row.year in wanted),
        *(freight_line(row, reference) for row in workbook.freight if row.year in wanted),
    ]
    used = dict.fromkeys(name for line in lines for name in line.factors)
    return Scope3Inventory(
        years=tuple(_year(workbook.companies, lines, y) for y in chosen),
        factors={name: reference.factors[name] for name in used},
    )
