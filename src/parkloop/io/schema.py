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


PARK = SheetSpec(
    "park",
    ("name",),
    ("country", "municipality", "lat", "lon", "discount_rate", "discount_rate_source"),
    False,
)
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

# Optional sheets for the GHG inventory, Total Site heat integration and the toolbox.
PROCESS_EMISSIONS = SheetSpec(
    "process_emissions",
    ("company_id", "year", "source", "gas", "tonnes"),
    ("biogenic", "note"),
    False,
)
WASTE = SheetSpec("waste", ("company_id", "year", "tonnes", "treatment"), ("ewc", "note"), False)
FREIGHT = SheetSpec("freight", ("company_id", "year", "mode", "tonne_km"), ("note",), False)
STREAMS = SheetSpec(
    "streams",
    ("company_id", "name", "supply_c", "target_c"),
    ("cp_kw_per_k", "heat_kw", "dt_min_k", "confidentiality"),
    False,
)
ENERGY_PRICES = SheetSpec("energy_prices", ("carrier", "eur_per_mwh", "year", "source"), (), False)
END_USE_SHARES = SheetSpec(
    "end_use_shares", ("company_id", "carrier", "end_use", "share", "source"), (), False
)

SHEETS: tuple[SheetSpec, ...] = (
    PARK,
    COMPANIES,
    FLOWS,
    ENERGY,
    PROCESS_EMISSIONS,
    WASTE,
    FREIGHT,
    STREAMS,
    ENERGY_PRICES,
    END_USE_SHARES,
)
SHEETS_BY_NAME = {spec.name: spec for spec in SHEETS}
