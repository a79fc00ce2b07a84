"""The scope 1 and 2 GHG inventory of a stored park, with its optional scope 3 block."""

from __future__ import annotations

from parkloop.climate import inventory
from parkloop.climate.inventory import ValueAdded
from parkloop.climate.results import ParkInventory
from parkloop.domain.access import Viewer, anonymised_label, can_see_company
from parkloop.domain.people import Role
from parkloop.errors import Forbidden
from parkloop.reference.nace import load_nace
from parkloop.services import cache
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
    scope3: bool = False,
) -> ParkInventory:
    """Scope 1 and 2 [t CO2e] of park ``park``, per company and year, from its energy and
    process-emission rows.

    ``year`` limits the result to one year; ``gwp`` is ``ar5`` (default) or ``ar6``; ``series``
    is the location-based grid series (``eea``, ``ember`` or ``national``); ``scope3`` adds the
    scope 3 block (waste and freight), reported apart. See
    :func:`parkloop.climate.inventory.park_inventory` for the rules.

    Raises
    ------
    NotFound
        When the park does not exist.
    ValueError
        For an unknown GWP set or series.

    Notes
    -----
    The result is the whole park's, the same for every reader, and is cached per park stamp
    (unless ``value_added_eur`` is given); :func:`inventory_for` decides who sees what.
    """

    def compute() -> ParkInventory:
        workbook = park_workbook(database, park)
        return inventory.park_inventory(
            workbook,
            park=workbook.park.name if workbook.park is not None else park,
            year=year,
            baseline_year=baseline_year,
            gwp=gwp,
            series=series,
            value_added_eur=value_added_eur,
            scope3=scope3,
        )

    if value_added_eur is not None:  # the caller's own figures: not worth keeping
        return compute()
    return cache.park_cached(
        database, park, "inventory", (year, gwp, series, baseline_year, scope3), compute
    )


def inventory_for(
    database: Database, viewer: Viewer, park: str, year: int | None = None
) -> tuple[ParkInventory, dict[str, str]]:
    """The park's inventory for a reader, and the companies whose own lines they may read.

    Park totals are for the park's people (members, facilitators, municipal officers) and
    admins; a company's own energy lines only for its members, the park's facilitators and
    municipal officers, and admins. The second result maps those companies to how the reader
    may call them: the name, or sector and size band for a company they may not know. The
    inventory carries its scope 3 block; the same rule decides whose scope 3 lines are shown.
    """
    if not (viewer.is_admin or viewer.is_park_insider(park)):
        raise Forbidden(f"the inventory of {park} is for the park's members and staff")
    result = park_inventory(database, park, year, scope3=True)
    staff = viewer.is_admin or any(
        m.park == park and m.role in (Role.FACILITATOR, Role.MUNICIPAL_OFFICER)
        for m in viewer.memberships
    )
    workbook = park_workbook(database, park)
    nace = load_nace()
    labels = {}
    for company in workbook.companies:
        if not (staff or viewer.is_company_member(park, company.id)):
            continue
        if can_see_company(viewer, park, company):
            labels[company.id] = company.name
        else:
            labels[company.id] = anonymised_label(company, nace.get(company.nace).description)
    return result, labels
