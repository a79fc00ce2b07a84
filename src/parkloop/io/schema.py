"""The sheets and columns of a park workbook (see docs/data-formats.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SheetSpec:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    mandatory_sheet: bool

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


PARK = SheetSpec("park", ("name",), ("country", "municipality", "lat", "lon"), False)
COMPANIES = SheetSpec(
    "companies",
    ("id", "name", "nace", "country", "lat", "lon"),
    ("city", "employees", "website", "visibility"),
    True,
)
FLOWS = SheetSpec(
    "flows",
    ("id", "company_id", "direction", "category", "name"),
    (
        "description",
        "ewc",
        "quantity",
        "unit",
        "per",
        "temperature_c",
        "pressure_bar",
        "quality",
        "available_from",
        "available_to",
        "price_eur_per_unit",
        "confidentiality",
    ),
    True,
)
ENERGY = SheetSpec(
    "energy", ("company_id", "year", "carrier", "mwh"), ("onsite_generation",), False
)

SHEETS: tuple[SheetSpec, ...] = (PARK, COMPANIES, FLOWS, ENERGY)
SHEETS_BY_NAME = {spec.name: spec for spec in SHEETS}
