"""Emission factors of final energy carriers [t CO2e/MWh] from ``emission_factors.yaml``.

Electricity takes the grid factor of the company's country and year from one series of the file
(the series are not mixed: they differ in gases, scope and the treatment of imports). District
heat takes the national figure of the country and year where the file has one. Fuels combine the
2006 IPCC default factors per TJ (CO2, CH4, N2O; net calorific value basis) with a set of
100-year global warming potentials. Carriers without a factor in the file (steam, heat, hydrogen,
waste, gasoline) get none: :class:`NoFactorError` says which entry was looked for.

Notes
-----
For a fuel, with factors per TJ of fuel burnt (net calorific value)::

    EF [t CO2e/MWh] = (EF_CO2 + EF_CH4 x GWP_CH4 + EF_N2O x GWP_N2O) [kg/TJ]
                      x 0.0036 [TJ/MWh] / 1000 [kg/t]

1 MWh = 3.6 GJ = 0.0036 TJ by the definition of the watt-hour. CO2 from biomass and biogas is
biogenic: national inventories report it as a memo item outside the fossil total (2006 IPCC
Guidelines, Vol. 2, Ch. 2), so it counts as zero here and only CH4 and N2O remain. For
electricity and district heat, 1 kg/kWh = 1 t/MWh.

The workbook's carriers are mapped to IPCC fuels as follows: ``natural_gas`` natural gas,
``fuel_oil`` residual fuel oil, ``diesel`` gas/diesel oil, ``lpg`` liquefied petroleum gases,
``coal`` other bituminous coal, ``peat`` peat, ``biomass`` wood/wood waste, ``biogas`` other
biogas. CH4 and N2O are the energy-industries defaults of Table 2.2.

References
----------
IPCC (2006), 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 2 Energy,
Ch. 2 Stationary Combustion, Table 2.2,
https://www.ipcc-nggip.iges.or.jp/public/2006gl/pdf/2_Volume2/V2_2_Ch2_Stationary_Combustion.pdf

Examples
--------
>>> round(carrier_factor("natural_gas", "DK", 2023).t_co2e_per_mwh, 7)
0.2021562
>>> carrier_factor("electricity", "DK", 2023).t_co2e_per_mwh
0.083
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from parkloop.errors import ReferenceDataError
from parkloop.reference.factors import Factor, load_factors

FACTOR_FILE = "emission_factors.yaml"
TJ_PER_MWH = 0.0036
KG_PER_T = 1000.0
GRID_SERIES = ("eea", "ember", "national", "residual_mix")
GWP_SETS = ("ar5", "ar6")

# Workbook carrier -> (IPCC 2006 fuel name in the factor file, whether its CO2 is biogenic).
FUELS: Mapping[str, tuple[str, bool]] = {
    "natural_gas": ("natural_gas", False),
    "fuel_oil": ("residual_fuel_oil", False),
    "diesel": ("gas_diesel_oil", False),
    "lpg": ("lpg", False),
    "coal": ("other_bituminous_coal", False),
    "peat": ("peat", False),
    "biomass": ("wood", True),
    "biogas": ("other_biogas", True),
}
_GRID_KEYS = {
    "eea": "grid_average_{cc}_{year}_eea",
    "ember": "grid_average_{cc}_{year}_ember",
    "national": "grid_average_{cc}_{year}",
    "residual_mix": "grid_residual_mix_{cc}_{year}",
}


class NoFactorError(LookupError):
    """The factor file has no factor for this carrier, country and year."""


@dataclass(frozen=True)
class CarrierFactor:
    """The emissions of using one MWh of a carrier, with the factors it rests on.

    ``gases`` is ``'CO2e'`` when every greenhouse gas counts, ``'CO2'`` when the source counts
    carbon dioxide only (some grid series).
    """

    carrier: str
    t_co2e_per_mwh: float
    gases: str
    factors: tuple[Factor, ...]
    method: str


def _choose(name: str, given: str, allowed: tuple[str, ...]) -> None:
    if given not in allowed:
        raise ValueError(f"unknown {name} {given!r}; choose one of {', '.join(allowed)}")


def _get(factors: Mapping[str, Factor], key: str, unit: str, what: str) -> Factor:
    if key not in factors:
        raise NoFactorError(f"no {what} in {FACTOR_FILE} (looked for {key!r})")
    factor = factors[key]
    if factor.unit != unit:
        raise ReferenceDataError(
            f"{FACTOR_FILE}: factor {key}, field 'unit': {factor.unit!r}; expected {unit!r}"
        )
    return factor


def _per_kwh(factors: Mapping[str, Factor], key: str, carrier: str, what: str) -> CarrierFactor:
    if key not in factors:
        raise NoFactorError(f"no {what} in {FACTOR_FILE} (looked for {key!r})")
    factor = factors[key]
    if factor.unit not in ("kg CO2 per kWh", "kg CO2e per kWh"):
        raise ReferenceDataError(
            f"{FACTOR_FILE}: factor {key}, field 'unit': {factor.unit!r}; "
            "expected 'kg CO2 per kWh' or 'kg CO2e per kWh'"
        )
    gases = "CO2e" if "CO2e" in factor.unit else "CO2"
    return CarrierFactor(carrier, factor.value, gases, (factor,), f"{what} ({key})")


def _gwps(factors: Mapping[str, Factor], gwp: str, biogenic: bool) -> tuple[Factor, Factor]:
    if gwp == "ar5":
        ch4_key = "gwp100_ch4_ar5"
    else:
        ch4_key = "gwp100_ch4_non_fossil_ar6" if biogenic else "gwp100_ch4_fossil_ar6"
    ch4 = _get(factors, ch4_key, "kg CO2e per kg CH4", "GWP of methane")
    n2o = _get(factors, f"gwp100_n2o_{gwp}", "kg CO2e per kg N2O", "GWP of nitrous oxide")
    return ch4, n2o


def fuel_factor(
    carrier: str, *, gwp: str = "ar5", factors: Mapping[str, Factor] | None = None
) -> CarrierFactor:
    """Emissions of burning one MWh (net calorific value) of a fuel [t CO2e/MWh].

    Parameters
    ----------
    carrier : str
        A fuel carrier of the workbook (see :data:`FUELS`).
    gwp : {'ar5', 'ar6'}
        The 100-year global warming potentials: IPCC AR5 (used in UNFCCC and EU reporting) or AR6.
    factors : mapping, optional
        The factor table; the shipped ``emission_factors.yaml`` by default.

    Returns
    -------
    CarrierFactor

    Raises
    ------
    NoFactorError
        When ``carrier`` is not a fuel with IPCC factors in the file.

    Examples
    --------
    >>> round(fuel_factor("biomass").t_co2e_per_mwh, 6)
    0.00684
    """
    _choose("gwp set", gwp, GWP_SETS)
    table = factors if factors is not None else load_factors(FACTOR_FILE)
    if carrier not in FUELS:
        raise NoFactorError(f"no combustion factor in {FACTOR_FILE} for carrier {carrier!r}")
    fuel, biogenic = FUELS[carrier]
    co2 = _get(table, f"fuel_{fuel}_co2", "kg CO2 per TJ", f"CO2 factor of {fuel}")
    ch4 = _get(table, f"fuel_{fuel}_ch4", "kg CH4 per TJ", f"CH4 factor of {fuel}")
    n2o = _get(table, f"fuel_{fuel}_n2o", "kg N2O per TJ", f"N2O factor of {fuel}")
    gwp_ch4, gwp_n2o = _gwps(table, gwp, biogenic)
    fossil_co2 = 0.0 if biogenic else co2.value
    kg_per_tj = fossil_co2 + ch4.value * gwp_ch4.value + n2o.value * gwp_n2o.value
    note = "biogenic CO2 not counted; " if biogenic else ""
    return CarrierFactor(
        carrier=carrier,
        t_co2e_per_mwh=kg_per_tj * TJ_PER_MWH / KG_PER_T,
        gases="CO2e",
        factors=(co2, ch4, n2o, gwp_ch4, gwp_n2o),
        method=f"2006 IPCC defaults for {fuel} ({note}GWP100 {gwp.upper()})",
    )


def carrier_factor(
    carrier: str,
    country: str | None,
    year: int | None,
    *,
    grid_series: str = "eea",
    gwp: str = "ar5",
    factors: Mapping[str, Factor] | None = None,
) -> CarrierFactor:
    """Emissions of using one MWh of ``carrier`` in ``country`` and ``year`` [t CO2e/MWh].

    Parameters
    ----------
    carrier : str
        A carrier of the workbook's energy sheet.
    country : str or None
        ISO 3166-1 alpha-2 code; needed for electricity and district heat.
    year : int or None
        The year of the energy use; needed for electricity and district heat.
    grid_series : {'eea', 'ember', 'national', 'residual_mix'}
        Which series of grid factors to read (see the header of ``emission_factors.yaml``).
    gwp : {'ar5', 'ar6'}
        Global warming potentials for the CH4 and N2O of fuels.
    factors : mapping, optional
        The factor table; the shipped file by default.

    Raises
    ------
    NoFactorError
        When the file has no factor for this carrier, country and year; the message names the
        entry that was looked for.
    """
    _choose("grid series", grid_series, GRID_SERIES)
    _choose("gwp set", gwp, GWP_SETS)
    table = factors if factors is not None else load_factors(FACTOR_FILE)
    if carrier in FUELS:
        return fuel_factor(carrier, gwp=gwp, factors=table)
    if carrier not in ("electricity", "district_heat"):
        raise NoFactorError(f"no emission factor in {FACTOR_FILE} for carrier {carrier!r}")
    if country is None or year is None:
        raise NoFactorError(f"the {carrier} factor needs a country and a year")
    cc = country.strip().lower()
    if carrier == "electricity":
        key = _GRID_KEYS[grid_series].format(cc=cc, year=year)
        what = f"{grid_series} grid factor for {country.upper()} {year}"
    else:
        key = f"district_heat_{cc}_{year}"
        what = f"district heat factor for {country.upper()} {year}"
    return _per_kwh(table, key, carrier, what)
