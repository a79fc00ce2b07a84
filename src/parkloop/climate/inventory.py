"""Scope 1 and 2 greenhouse gas inventory per company and park, from energy and process rows.

Each energy-sheet row becomes an :class:`~parkloop.climate.results.InventoryLine`
(:mod:`parkloop.climate.energy_lines`: fuels burnt on site in scope 1 with the IPCC 2006
defaults, purchased electricity, district heat and steam in scope 2, biogenic CO2 outside the
scopes). Each ``process_emissions`` row becomes a scope 1
:class:`~parkloop.climate.results.ProcessLine` (:mod:`parkloop.climate.process`: t of gas x
GWP100; biogenic CO2 outside the scopes). On request, the ``waste`` and ``freight`` sheets give
a scope 3 block (:mod:`parkloop.climate.scope3`) that is reported apart and added to no total.

Nothing is estimated where the factor file has no figure: the line is left without emissions
and listed as a gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from parkloop.climate.energy_lines import (
    KG_PER_T,
    TJ_PER_MWH,
    inventory_line,
    ipcc_tier1_combustion,
    purchased_energy_tco2e,
)
from parkloop.climate.factor_choice import FactorTable, check_gwp, check_series, default_table
from parkloop.climate.process import process_line
from parkloop.climate.results import (
    CompanyInventory,
    ParkInventory,
    ParkYear,
    ProcessLine,
    Totals,
    gaps_of,
)
from parkloop.climate.scope3 import scope3_inventory
from parkloop.domain.models import Company, EnergyUse, ParkWorkbook, ProcessEmission

__all__ = [
    "KG_PER_T",
    "TJ_PER_MWH",
    "ValueAdded",
    "company_inventory",
    "inventory_line",
    "ipcc_tier1_combustion",
    "park_inventory",
    "purchased_energy_tco2e",
]

ValueAdded = Mapping[tuple[str, int], float]
"""Value added [EUR] by ``(company id, year)``; not part of the park workbook yet."""


def company_inventory(
    company: Company,
    energy: Iterable[EnergyUse],
    *,
    year: int,
    table: FactorTable | None = None,
    gwp: str = "ar5",
    series: str = "eea",
    value_added_eur: float | None = None,
    process: Iterable[ProcessEmission] = (),
) -> CompanyInventory:
    """Scope 1 and 2 [t CO2e] of ``company`` in ``year`` from its energy and process rows.

    Rows of other companies or other years in ``energy`` and ``process`` are skipped; process
    rows are scope 1 (:func:`parkloop.climate.process.process_line`).

    Examples
    --------
    >>> from parkloop.domain.models import EnergyCarrier
    >>> company = Company("C1", "Dairy", "10.51", "DK", 55.7, 9.5, employees=40)
    >>> uses = [
    ...     EnergyUse("C1", 2023, EnergyCarrier.NATURAL_GAS, 1000.0),
    ...     EnergyUse("C1", 2023, EnergyCarrier.ELECTRICITY, 500.0),
    ... ]
    >>> result = company_inventory(company, uses, year=2023)
    >>> round(result.totals.scope1_tco2e, 4), round(result.totals.scope2_location_tco2e, 3)
    (202.1562, 41.5)
    >>> round(result.per_employee_t("location"), 4)
    6.0914
    """
    table = table or default_table()
    lines = tuple(
        inventory_line(use, company.country, table=table, gwp=gwp, series=series)
        for use in energy
        if use.company_id == company.id and use.year == year
    )
    process_lines = tuple(
        process_line(row, table, gwp)
        for row in process
        if row.company_id == company.id and row.year == year
    )
    return CompanyInventory(
        company_id=company.id,
        name=company.name,
        country=company.country,
        year=year,
        employees=company.employees,
        value_added_eur=value_added_eur,
        lines=lines,
        totals=Totals.combine([Totals.of_lines(lines), Totals.of_process(process_lines)]),
        gaps=gaps_of(lines),
        process_lines=process_lines,
    )


def _park_year(
    workbook: ParkWorkbook,
    year: int,
    table: FactorTable,
    gwp: str,
    series: str,
    value_added: ValueAdded,
) -> ParkYear:
    companies = workbook.companies
    rows: dict[str, list[EnergyUse]] = {}
    for use in workbook.energy:
        if use.year == year:
            rows.setdefault(use.company_id, []).append(use)
    process: dict[str, list[ProcessEmission]] = {}
    for row in workbook.process_emissions:
        if row.year == year:
            process.setdefault(row.company_id, []).append(row)
    with_rows = rows.keys() | process.keys()
    results = tuple(
        company_inventory(
            c,
            rows.get(c.id, ()),
            year=year,
            table=table,
            gwp=gwp,
            series=series,
            value_added_eur=value_added.get((c.id, year)),
            process=process.get(c.id, ()),
        )
        for c in companies
        if c.id in with_rows
    )
    lines = [line for c in results for line in c.lines]
    process_lines: list[ProcessLine] = [line for c in results for line in c.process_lines]
    carriers = dict.fromkeys(line.carrier for line in lines)
    by_carrier = {
        carrier: Totals.of_lines(line for line in lines if line.carrier is carrier)
        for carrier in carriers
    }
    missing = tuple(c.id for c in companies if c.id not in with_rows)
    coverage: tuple[str, ...] = ()
    if missing:
        coverage = (
            f"{len(results)} of {len(companies)} companies have energy or process rows in {year}",
        )
    return ParkYear(
        year=year,
        companies=results,
        totals=Totals.combine(c.totals for c in results),
        by_carrier=by_carrier,
        gaps=tuple(g for c in results for g in c.gaps),
        missing_companies=missing,
        coverage_notes=coverage,
        process=Totals.of_process(process_lines),
    )


def _notes(workbook: ParkWorkbook, gwp: str) -> list[str]:
    notes = [
        f"GWP100 values of IPCC {gwp.upper()}",
        "fuel factors: IPCC 2006 defaults for stationary combustion (Vol. 2, Ch. 2, Table 2.2), "
        "net calorific basis; 1 MWh = 0.0036 TJ",
        "market-based: no contractual instruments (guarantees of origin, supplier mixes, PPAs) "
        "are recorded, so all purchased electricity takes the AIB residual mix",
        "park totals add up the companies: energy sold from one company of the park to another "
        "counts in the seller's scope 1 and again in the buyer's scope 2",
    ]
    if workbook.process_emissions:
        notes.append(
            f"process emissions: t of each gas x its GWP100 of IPCC {gwp.upper()}, in scope 1; "
            "biogenic CO2 is reported outside the scopes, biogenic CH4 and N2O count"
        )
    return notes


def park_inventory(
    workbook: ParkWorkbook,
    *,
    park: str | None = None,
    year: int | None = None,
    baseline_year: int | None = None,
    gwp: str = "ar5",
    series: str = "eea",
    value_added_eur: ValueAdded | None = None,
    table: FactorTable | None = None,
    scope3: bool = False,
) -> ParkInventory:
    """Scope 1 and 2 [t CO2e] of every company of a park and of the park, year by year.

    Parameters
    ----------
    workbook : ParkWorkbook
        Companies (country, employees), the energy sheet and the process-emissions sheet (and,
        for ``scope3``, the waste and freight sheets).
    park : str, optional
        Name shown in the result; the workbook's park sheet by default.
    year : int, optional
        Only this year; every year of the energy and process sheets by default.
    baseline_year : int, optional
        Year the park totals are compared with; the earliest year of the energy and process
        sheets by default.
    gwp : {"ar5", "ar6"}
        GWP100 values of IPCC AR5 (the default, as in UNFCCC and EU reporting) or AR6.
    series : {"eea", "ember", "national"}
        Location-based grid series (Ember where the country has no figure in it).
    value_added_eur : mapping of (company id, year) to float, optional
        Value added [EUR] for intensities per million EUR.
    table : FactorTable, optional
        Emission factors; the shipped ``emission_factors.yaml`` by default.
    scope3 : bool
        Also give the scope 3 block (waste: category 5, freight: category 4) for ``year``, or
        for every year of the waste and freight sheets; it is reported apart and added to no
        total (:func:`parkloop.climate.scope3.scope3_inventory`).

    Returns
    -------
    ParkInventory

    Raises
    ------
    ValueError
        For an unknown GWP set or series, or a row of a company not in the workbook.

    Notes
    -----
    Park totals are sums of the company totals, per scope and method. Energy one company of the
    park sells to another counts in the seller's scope 1 and again in the buyer's scope 2, as
    in any sum of corporate inventories (GHG Protocol Corporate Standard).

    Examples
    --------
    >>> from parkloop.domain.models import EnergyCarrier
    >>> company = Company("C1", "Dairy", "10.51", "DK", 55.7, 9.5)
    >>> uses = [EnergyUse("C1", 2023, EnergyCarrier.ELECTRICITY, 1000.0)]
    >>> result = park_inventory(ParkWorkbook(None, [company], [], uses))
    >>> round(result.year(2023).totals.total_tco2e("market"), 2)
    582.75
    """
    table = table or default_table()
    gwp_set = check_gwp(gwp)
    chosen_series = check_series(series)
    known = {c.id for c in workbook.companies}
    rows: list[EnergyUse | ProcessEmission] = [*workbook.energy, *workbook.process_emissions]
    unknown = sorted({row.company_id for row in rows} - known)
    if unknown:
        raise ValueError(
            f"energy or process rows of companies not in the workbook: {', '.join(unknown)}"
        )
    all_years = sorted({row.year for row in rows})
    years = [year] if year is not None else all_years
    baseline_year = baseline_year if baseline_year is not None else next(iter(all_years), None)
    needed = sorted(set(years) | ({baseline_year} if baseline_year is not None else set()))
    results = {
        y: _park_year(workbook, y, table, gwp, series, value_added_eur or {}) for y in needed
    }
    used = dict.fromkeys(
        name
        for r in results.values()
        for c in r.companies
        for name in (
            *(n for line in c.lines for n in line.factor_names()),
            *(n for line in c.process_lines for n in line.factor_names()),
        )
    )
    baseline = results.get(baseline_year) if baseline_year is not None else None
    notes = _notes(workbook, gwp_set)
    if baseline is not None:
        for y in years:
            if len(results[y].companies) != len(baseline.companies):
                notes.append(
                    f"baseline {baseline_year} covers {len(baseline.companies)} companies and "
                    f"{y} covers {len(results[y].companies)}: the change from the baseline "
                    "compares different sets of companies"
                )
    return ParkInventory(
        park=park if park is not None else (workbook.park.name if workbook.park else None),
        gwp=gwp_set,
        series=chosen_series,
        baseline_year=baseline_year,
        baseline=baseline,
        years=tuple(results[y] for y in years),
        factors={name: table.factors[name] for name in used},
        notes=tuple(notes),
        scope3=scope3_inventory(workbook, years=[year] if year is not None else None)
        if scope3
        else None,
    )
