"""Climate accounting for companies and parks: the GHG inventory (scope 1 and 2 from energy and
process rows, optional scope 3 from waste and freight, reported apart)."""

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
from parkloop.climate.process import process_line
from parkloop.climate.results import (
    CompanyInventory,
    Estimate,
    Gap,
    InventoryLine,
    ParkInventory,
    ParkYear,
    ProcessLine,
    Totals,
)
from parkloop.climate.scope3 import Scope3Inventory, scope3_inventory

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
    "ProcessLine",
    "Scope3Inventory",
    "Series",
    "Totals",
    "company_inventory",
    "default_table",
    "grid_factor",
    "inventory_line",
    "ipcc_tier1_combustion",
    "park_inventory",
    "process_line",
    "purchased_energy_tco2e",
    "scope3_inventory",
]
