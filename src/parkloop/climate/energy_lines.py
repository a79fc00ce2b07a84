"""Energy-sheet rows as scope 1 and 2 lines of the GHG inventory.

Each energy-sheet row (company, year, carrier, MWh of final energy) becomes one
:class:`~parkloop.climate.results.InventoryLine`:

- fossil fuels (``natural_gas``, ``lpg``, ``fuel_oil``, ``diesel``, ``gasoline``, ``coal``,
  ``peat``): scope 1, CO2 + CH4 x GWP + N2O x GWP from the IPCC 2006 default factors per TJ;
- ``biomass`` and ``biogas``: the CO2 is biogenic and reported outside the scopes (GHG Protocol
  Corporate Standard); their CH4 and N2O are scope 1;
- ``electricity``: scope 2 with the grid factor of the company's country and year, location-based
  (one series per country) and market-based (AIB residual mix);
- ``district_heat`` and ``steam``: scope 2 with the national district heat factor where the file
  has one, otherwise a gap;
- rows with ``onsite_generation``: energy made on site, not purchased, so no scope 2;
- ``hydrogen``, ``waste`` and ``other``: gaps, with a note saying why.

Nothing is estimated where the factor file has no figure: the line is left without emissions
and listed as a gap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

from parkloop.climate.factor_choice import (
    BIOGENIC_FUELS,
    FOSSIL_FUELS,
    FactorChoice,
    FactorTable,
    check_gwp,
    check_series,
    default_table,
    district_heat_factor,
    fuel_factors,
    grid_factor,
    gwp_factors,
)
from parkloop.climate.results import Estimate, InventoryLine, Scope
from parkloop.domain.models import EnergyCarrier, EnergyUse

#: 1 MWh = 3.6 GJ = 0.0036 TJ (exact, from the definitions of the watt-hour and the joule).
TJ_PER_MWH: Final = 0.0036
KG_PER_T: Final = 1000.0

_UNFACTORED: Final[Mapping[EnergyCarrier, tuple[Scope | None, str]]] = {
    EnergyCarrier.HYDROGEN: (
        None,
        "hydrogen: no emissions where it is used; making it emits upstream (scope 3), or on "
        "site, where its electricity or fuel has its own rows; left unfactored",
    ),
    EnergyCarrier.WASTE: (
        1,
        "waste burnt as fuel: the fossil share of its carbon is not known and no factor is "
        "shipped; left unfactored",
    ),
    EnergyCarrier.OTHER: (
        None,
        "carrier 'other' names no fuel or purchased energy, so no factor can be chosen; left "
        "unfactored",
    ),
}
_PURCHASED_HEAT: Final = frozenset({EnergyCarrier.DISTRICT_HEAT, EnergyCarrier.STEAM})


def ipcc_tier1_combustion(
    mwh: float,
    co2_kg_per_tj: float,
    ch4_kg_per_tj: float,
    n2o_kg_per_tj: float,
    gwp_ch4: float,
    gwp_n2o: float,
) -> tuple[float, float]:
    """CO2 [t] and CH4 + N2O [t CO2e] of burning ``mwh`` of a fuel (IPCC Tier 1).

    Parameters
    ----------
    mwh : float
        Fuel burnt [MWh, net calorific value].
    co2_kg_per_tj, ch4_kg_per_tj, n2o_kg_per_tj : float
        Default emission factors [kg of the gas per TJ].
    gwp_ch4, gwp_n2o : float
        Global warming potentials over 100 years [kg CO2e per kg of the gas].

    Returns
    -------
    tuple of float
        ``(co2_t, ch4_n2o_tco2e)``.

    Notes
    -----
    IPCC 2006 Guidelines, Vol. 2, Ch. 2, Eq. 2.1, one gas at a time, converted to CO2e::

        E_TJ     = mwh x 0.0036 TJ/MWh
        CO2  [t] = E_TJ x EF_CO2 / 1000
        CH4+N2O [t CO2e] = E_TJ x (EF_CH4 x GWP_CH4 + EF_N2O x GWP_N2O) / 1000

    References
    ----------
    IPCC (2006), 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 2 Energy,
    Ch. 2 Stationary Combustion,
    https://www.ipcc-nggip.iges.or.jp/public/2006gl/pdf/2_Volume2/V2_2_Ch2_Stationary_Combustion.pdf

    Examples
    --------
    1,000 MWh of natural gas, IPCC factors 56,100 / 1 / 0.1 kg per TJ, AR5 GWP 28 and 265:

    >>> co2, other = ipcc_tier1_combustion(1000.0, 56_100, 1.0, 0.1, 28.0, 265.0)
    >>> round(co2, 2), round(other, 4)
    (201.96, 0.1962)
    """
    if not math.isfinite(mwh) or mwh < 0:
        raise ValueError(f"fuel burnt must be a finite number of MWh >= 0, not {mwh!r}")
    tj = mwh * TJ_PER_MWH
    co2_t = tj * co2_kg_per_tj / KG_PER_T
    other_t = tj * (ch4_kg_per_tj * gwp_ch4 + n2o_kg_per_tj * gwp_n2o) / KG_PER_T
    return co2_t, other_t


def purchased_energy_tco2e(mwh: float, kg_per_kwh: float) -> float:
    """Scope 2 emissions [t CO2e] of ``mwh`` bought at ``kg_per_kwh`` [kg CO2e/kWh].

    Notes
    -----
    E [t] = mwh x factor, since 1 kg/kWh = 1 t/MWh (GHG Protocol Scope 2 Guidance, ch. 6).

    Examples
    --------
    >>> round(purchased_energy_tco2e(500.0, 0.007), 3)
    3.5
    """
    if not math.isfinite(mwh) or mwh < 0:
        raise ValueError(f"purchased energy must be a finite number of MWh >= 0, not {mwh!r}")
    return mwh * kg_per_kwh


def _co2_only(choice: FactorChoice) -> str | None:
    factor = choice.factor
    if factor is not None and factor.gas == "CO2":
        return f"{factor.name} counts CO2 only (no CH4 or N2O)"
    return None


def _line(
    use: EnergyUse,
    scope: Scope | None,
    location: Estimate | None,
    market: Estimate | None,
    *,
    biogenic_co2_t: float = 0.0,
    biogenic_factors: tuple[str, ...] = (),
    gap: str | None = None,
    notes: tuple[str, ...] = (),
) -> InventoryLine:
    return InventoryLine(
        company_id=use.company_id,
        year=use.year,
        carrier=use.carrier,
        mwh=use.mwh,
        onsite_generation=use.onsite_generation,
        scope=scope,
        location=location,
        market=market,
        biogenic_co2_t=biogenic_co2_t,
        biogenic_factors=biogenic_factors,
        gap=gap,
        notes=notes,
    )


def _combustion_line(
    use: EnergyUse, fuel: str, biogenic: bool, table: FactorTable, gwp: str
) -> InventoryLine:
    found = fuel_factors(table, fuel)
    if isinstance(found, FactorChoice):
        return _line(use, 1, None, None, gap=found.note)
    co2, ch4, n2o = found
    gwp_ch4, gwp_n2o = gwp_factors(table, gwp, biogenic=biogenic)
    co2_t, other_t = ipcc_tier1_combustion(
        use.mwh, co2.value, ch4.value, n2o.value, gwp_ch4.value, gwp_n2o.value
    )
    notes: list[str] = []
    if use.carrier is EnergyCarrier.DIESEL:
        notes.append(
            "diesel: stationary combustion CH4 and N2O defaults; fuel for vehicles has other "
            "defaults (IPCC 2006 Vol. 2 Ch. 3), not shipped"
        )
    if biogenic:
        notes.append(
            f"{use.carrier.value} taken as IPCC '{fuel}': its CO2 is biogenic and reported "
            "outside the scopes; its CH4 and N2O are scope 1"
        )
        scope1 = Estimate(other_t, (ch4.name, n2o.name, gwp_ch4.name, gwp_n2o.name))
        return _line(
            use,
            1,
            scope1,
            scope1,
            biogenic_co2_t=co2_t,
            biogenic_factors=(co2.name,),
            notes=tuple(notes),
        )
    names = (co2.name, ch4.name, n2o.name, gwp_ch4.name, gwp_n2o.name)
    scope1 = Estimate(co2_t + other_t, names)
    return _line(use, 1, scope1, scope1, notes=tuple(notes))


def _estimate(use: EnergyUse, choice: FactorChoice) -> Estimate | None:
    if choice.factor is None:
        return None
    tco2e = purchased_energy_tco2e(use.mwh, choice.factor.value)
    notes = tuple(n for n in (choice.note, _co2_only(choice)) if n)
    return Estimate(tco2e, (choice.factor.name,), notes)


def _purchased_line(
    use: EnergyUse, location: FactorChoice, market: FactorChoice, notes: tuple[str, ...] = ()
) -> InventoryLine:
    missing = [c.note for c in (location, market) if c.factor is None and c.note]
    return _line(
        use,
        2,
        _estimate(use, location),
        _estimate(use, market),
        gap="; ".join(dict.fromkeys(missing)) or None,
        notes=notes,
    )


def inventory_line(
    use: EnergyUse,
    country: str,
    *,
    table: FactorTable | None = None,
    gwp: str = "ar5",
    series: str = "eea",
) -> InventoryLine:
    """Scope, emissions [t CO2e] and factors of one energy-sheet row.

    Parameters
    ----------
    use : EnergyUse
        One row of the energy sheet [MWh of final energy].
    country : str
        ISO 3166-1 alpha-2 code of the company's site; picks grid and district heat factors.
    table : FactorTable, optional
        Emission factors; the shipped ``emission_factors.yaml`` by default.
    gwp : {"ar5", "ar6"}
        IPCC report of the GWP100 values for CH4 and N2O.
    series : {"eea", "ember", "national"}
        Location-based grid series (Ember where the country has no figure in it).

    Returns
    -------
    InventoryLine
        With ``location`` and ``market`` estimates, or ``gap`` saying why one is missing.

    Examples
    --------
    >>> line = inventory_line(EnergyUse("C1", 2023, EnergyCarrier.ELECTRICITY, 500.0), "SE")
    >>> line.scope, round(line.location.tco2e, 3), line.location.factors
    (2, 3.5, ('grid_average_se_2023_eea',))
    """
    table = table or default_table()
    check_gwp(gwp)
    check_series(series)
    carrier = use.carrier
    if use.onsite_generation:
        nothing = Estimate(0.0, ())
        note = (
            f"{carrier.value} generated on site is not purchased energy: no scope 2; fuel burnt "
            "to make it is counted on that fuel's own row"
        )
        return _line(use, None, nothing, nothing, notes=(note,))
    if carrier in FOSSIL_FUELS:
        return _combustion_line(use, FOSSIL_FUELS[carrier], False, table, gwp)
    if carrier in BIOGENIC_FUELS:
        return _combustion_line(use, BIOGENIC_FUELS[carrier], True, table, gwp)
    if carrier is EnergyCarrier.ELECTRICITY:
        location = grid_factor(table, country, use.year, method="location", series=series)
        market = grid_factor(table, country, use.year, method="market")
        return _purchased_line(use, location, market)
    if carrier in _PURCHASED_HEAT:
        choice = district_heat_factor(table, country, use.year)
        notes = ["district heat and steam take the same factor under both methods"]
        if carrier is EnergyCarrier.STEAM:
            notes.append("purchased steam takes the district heat factor (no steam factor shipped)")
        return _purchased_line(use, choice, choice, tuple(notes))
    scope, reason = _UNFACTORED[carrier]
    return _line(use, scope, None, None, gap=reason)
