"""Climate accounting for companies and parks: the scope 1 and 2 GHG inventory."""

from parkloop.climate.factor_choice import (
    GWP_SETS,
    METHODS,
    SERIES,
    FactorChoice,
    FactorTable,
    GwpSet,
    Method,
    Series,
    default_table,
    grid_factor,
)
from parkloop.climate.inventory import (
    company_inventory,
    inventory_line,
    ipcc_tier1_combustion,
    park_inventory,
    purchased_energy_tco2e,
)
from parkloop.climate.results import (
    CompanyInventory,
    Estimate,
    Gap,
    InventoryLine,
    ParkInventory,
    ParkYear,
    Totals,
)

__all__ = [
    "GWP_SETS",
    "METHODS",
    "SERIES",
    "CompanyInventory",
    "Estimate",
    "FactorChoice",
    "FactorTable",
    "Gap",
    "GwpSet",
    "InventoryLine",
    "Method",
    "ParkInventory",
    "ParkYear",
    "Series",
    "Totals",
    "company_inventory",
    "default_table",
    "grid_factor",
    "inventory_line",
    "ipcc_tier1_combustion",
    "park_inventory",
    "purchased_energy_tco2e",
]
