"""The scope 1 and 2 GHG inventory of a stored park."""

from __future__ import annotations

from parkloop.climate import inventory
from parkloop.climate.inventory import ValueAdded
from parkloop.climate.results import ParkInventory
from parkloop.services.database import Database
from parkloop.services.parks import park_workbook


def park_inventory(
    database: Database,
    park: str,
    year: int | None = None,
    gwp: str = "ar5",
    series: str = "eea",
    *,
    baseline_year: int | None = None,
    value_added_eur: ValueAdded | None = None,
) -> ParkInventory:
    """Scope 1 and 2 [t CO2e] of park ``park``, per company and year, from its energy sheet.

    ``year`` limits the result to one year; ``gwp`` is ``ar5`` (default) or ``ar6``; ``series``
    is the location-based grid series (``eea``, ``ember`` or ``national``). See
    :func:`parkloop.climate.inventory.park_inventory` for the rules.

    Raises
    ------
    NotFound
        When the park does not exist.
    ValueError
        For an unknown GWP set or series.
    """
    workbook = park_workbook(database, park)
    return inventory.park_inventory(
        workbook,
        park=workbook.park.name if workbook.park is not None else park,
        year=year,
        baseline_year=baseline_year,
        gwp=gwp,
        series=series,
        value_added_eur=value_added_eur,
    )
