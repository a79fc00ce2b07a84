"""Choosing the emission factors of a GHG inventory from ``emission_factors.yaml``.

Every factor comes from the shipped, sourced file; nothing is estimated here. Where the file has
no figure for a country and year, the functions say so instead of guessing:

- grid electricity, location-based: one series per country (``eea`` by default, ``ember`` where
  the country has no figure in the chosen series, or ``national``); the figure of the year, else
  of the nearest earlier year *of the same series*, with a note;
- grid electricity, market-based: the AIB residual mix of the country, with the same year rule;
- district heat (also used for purchased steam): the national factor, with the same year rule;
- fuels: the IPCC 2006 default factors per TJ (net calorific basis) for CO2, CH4 and N2O;
- global warming potentials: IPCC AR5 (the default of UNFCCC and EU reporting) or AR6.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Literal

from parkloop.domain.models import EnergyCarrier
from parkloop.errors import ReferenceDataError
from parkloop.reference.factors import Basis, Factor, load_factors

FACTOR_FILE: Final = "emission_factors.yaml"

Method = Literal["location", "market"]
METHODS: tuple[Method, ...] = ("location", "market")
GwpSet = Literal["ar5", "ar6"]
GWP_SETS: tuple[GwpSet, ...] = ("ar5", "ar6")
Series = Literal["eea", "ember", "national"]
SERIES: tuple[Series, ...] = ("eea", "ember", "national")
#: The one location-based series that covers all nine grid countries (NO included).
FALLBACK_SERIES: Final[Series] = "ember"

SERIES_LABELS: Final[Mapping[str, str]] = {
    "eea": "EEA series (production-based, direct CO2e)",
    "ember": "Ember series (production-based, lifecycle CO2e)",
    "national": "national figure (see its source for gases and basis)",
    "residual_mix": "AIB residual mix (direct CO2)",
    "district_heat": "national district heat factor",
}

#: Energy-sheet carriers burnt as fossil fuels, and the IPCC 2006 fuel they are taken as.
#: ``fuel_oil`` is residual (heavy) fuel oil; light heating oil belongs under ``diesel``
#: (IPCC gas/diesel oil).
FOSSIL_FUELS: Final[Mapping[EnergyCarrier, str]] = {
    EnergyCarrier.NATURAL_GAS: "natural_gas",
    EnergyCarrier.LPG: "lpg",
    EnergyCarrier.FUEL_OIL: "residual_fuel_oil",
    EnergyCarrier.DIESEL: "gas_diesel_oil",
    EnergyCarrier.GASOLINE: "motor_gasoline",
    EnergyCarrier.COAL: "other_bituminous_coal",
    EnergyCarrier.PEAT: "peat",
}
#: Carriers whose CO2 is biogenic (reported outside the scopes), and their IPCC 2006 fuel.
BIOGENIC_FUELS: Final[Mapping[EnergyCarrier, str]] = {
    EnergyCarrier.BIOMASS: "wood",
    EnergyCarrier.BIOGAS: "other_biogas",
}

GRID_UNITS: Final = frozenset({"kg CO2 per kWh", "kg CO2e per kWh"})
_FUEL_UNITS: Final[Mapping[str, str]] = {
    "co2": "kg CO2 per TJ",
    "ch4": "kg CH4 per TJ",
    "n2o": "kg N2O per TJ",
}
_GWP_UNITS: Final[Mapping[str, str]] = {"ch4": "kg CO2e per kg CH4", "n2o": "kg CO2e per kg N2O"}

_GRID = re.compile(r"^grid_average_(?P<cc>[a-z]{2})_(?P<year>\d{4})(?:_(?P<series>eea|ember))?$")
_RESIDUAL = re.compile(r"^grid_residual_mix_(?P<cc>[a-z]{2})_(?P<year>\d{4})$")
_DISTRICT_HEAT = re.compile(r"^district_heat_(?P<cc>[a-z]{2})_(?P<year>\d{4})$")


@dataclass(frozen=True)
class FactorChoice:
    """The factor chosen for one carrier, country and year, or why there is none.

    ``factor`` is ``None`` when the file has no usable figure; ``note`` then says why. With a
    factor, ``note`` says how it was chosen where that is not obvious (another year, another
    series).
    """

    factor: Factor | None
    note: str | None = None


@dataclass(frozen=True)
class FactorTable:
    """Emission factors by name, with the year series of grid and district heat factors.

    ``series`` maps ``(series, country)`` to ``{year: factor}``, where series is ``eea``,
    ``ember``, ``national``, ``residual_mix`` or ``district_heat`` and country is ISO 3166-1
    alpha-2 in lower case.
    """

    factors: Mapping[str, Factor]
    series: Mapping[tuple[str, str], Mapping[int, Factor]]

    @classmethod
    def from_factors(cls, factors: Mapping[str, Factor]) -> FactorTable:
        """Index ``factors`` by series, country and year, checking names, bases and units.

        Raises
        ------
        ReferenceDataError
            When a grid or district heat entry has a year, basis or unit that does not fit its
            name.
        """
        series: dict[tuple[str, str], dict[int, Factor]] = {}
        for name, factor in factors.items():
            key = _series_key(name, factor)
            if key is not None:
                series.setdefault(key, {})[factor.year] = factor
        return cls(factors=dict(factors), series=series)


def _series_key(name: str, factor: Factor) -> tuple[str, str] | None:
    """``(series, country)`` of a grid or district heat entry, ``None`` for other entries."""
    expected: Basis | None
    if match := _GRID.match(name):
        key, expected = (match["series"] or "national", match["cc"]), "location"
    elif match := _RESIDUAL.match(name):
        key, expected = ("residual_mix", match["cc"]), "market"
    elif match := _DISTRICT_HEAT.match(name):
        key, expected = ("district_heat", match["cc"]), None
    else:
        return None
    if int(match["year"]) != factor.year:
        raise ReferenceDataError(
            f"{FACTOR_FILE}: factor {name} has year {factor.year}; the year in its name is "
            f"{match['year']}: make them agree"
        )
    if expected is not None and factor.basis != expected:
        raise ReferenceDataError(
            f"{FACTOR_FILE}: factor {name} has basis {factor.basis!r}; "
            f"entries named like it must have basis {expected!r}"
        )
    if factor.unit not in GRID_UNITS:
        raise ReferenceDataError(
            f"{FACTOR_FILE}: factor {name} has unit {factor.unit!r}; "
            f"use one of {', '.join(sorted(GRID_UNITS))}"
        )
    return key


@lru_cache(maxsize=1)
def default_table() -> FactorTable:
    """The factor table of the shipped ``emission_factors.yaml``."""
    return FactorTable.from_factors(load_factors(FACTOR_FILE))


def factors_dict(factors: Mapping[str, Factor]) -> dict[str, dict[str, Any]]:
    """Factors by name as JSON-ready mappings: value, unit, year and source (on one line)."""
    return {
        name: {
            "value": f.value,
            "unit": f.unit,
            "year": f.year,
            "source": " ".join(f.source.split()),
        }
        for name, f in factors.items()
    }


def check_method(method: str) -> Method:
    """``method`` as a :data:`Method`, or ``ValueError`` naming the choices."""
    for known in METHODS:
        if method == known:
            return known
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def check_gwp(gwp: str) -> GwpSet:
    """``gwp`` as a :data:`GwpSet`, or ``ValueError`` naming the choices."""
    for known in GWP_SETS:
        if gwp == known:
            return known
    raise ValueError(f"unknown GWP set {gwp!r}; choose one of {', '.join(GWP_SETS)}")


def check_series(series: str) -> Series:
    """``series`` as a :data:`Series`, or ``ValueError`` naming the choices."""
    for known in SERIES:
        if series == known:
            return known
    raise ValueError(f"unknown series {series!r}; choose one of {', '.join(SERIES)}")


def nearest_earlier(by_year: Mapping[int, Factor], year: int) -> Factor | None:
    """The factor of ``year``, else of the latest year before it, else ``None``.

    Examples
    --------
    >>> table = default_table()
    >>> nearest_earlier(table.series[("residual_mix", "dk")], 2024).name
    'grid_residual_mix_dk_2023'
    """
    earlier = [y for y in by_year if y <= year]
    return by_year[max(earlier)] if earlier else None


def _pick(table: FactorTable, key: tuple[str, str], year: int, what: str) -> FactorChoice:
    """The factor of ``year`` in one series, or of the nearest earlier year with a note."""
    series, cc = key
    label = f"{what} {cc.upper()} {year}"
    by_year = table.series.get(key, {})
    if not by_year:
        return FactorChoice(None, f"{label}: no {SERIES_LABELS[series]} for {cc.upper()}")
    factor = nearest_earlier(by_year, year)
    if factor is None:
        return FactorChoice(
            None,
            f"{label}: the {SERIES_LABELS[series]} starts in {min(by_year)}; "
            "no figure for this year or before",
        )
    if factor.year != year:
        return FactorChoice(
            factor,
            f"{label}: no {year} figure in the {SERIES_LABELS[series]}; used the nearest "
            f"earlier year of the same series, {factor.year} ({factor.name})",
        )
    return FactorChoice(factor)


def location_grid_factor(
    table: FactorTable, country: str, year: int, series: str = "eea"
) -> FactorChoice:
    """Location-based grid factor [kg/kWh] of ``country`` in ``year`` from one series.

    The country keeps one series for every year: ``series`` where the file has any figure of
    the country in it, else the Ember series. Years are never filled from another series.
    """
    chosen = check_series(series)
    cc = country.lower()
    note = None
    if (chosen, cc) not in table.series and (FALLBACK_SERIES, cc) in table.series:
        note = (
            f"electricity {cc.upper()}: no {SERIES_LABELS[chosen]} for this country; "
            f"location-based figures use the {SERIES_LABELS[FALLBACK_SERIES]}"
        )
        chosen = FALLBACK_SERIES
    choice = _pick(table, (chosen, cc), year, "electricity, location-based,")
    notes = [n for n in (note, choice.note) if n]
    return FactorChoice(choice.factor, "; ".join(notes) if notes else None)


def market_grid_factor(table: FactorTable, country: str, year: int) -> FactorChoice:
    """Market-based grid factor [kg CO2/kWh]: the AIB residual mix of ``country``.

    Purchased electricity without a contractual instrument (guarantee of origin, supplier
    mix, PPA) takes the residual mix under the GHG Protocol Scope 2 Guidance; the energy
    sheet holds no instruments, so every purchased MWh takes it.
    """
    return _pick(table, ("residual_mix", country.lower()), year, "electricity, market-based,")


def grid_factor(
    table: FactorTable,
    country: str,
    year: int,
    *,
    method: str = "location",
    series: str = "eea",
) -> FactorChoice:
    """Grid electricity factor by ``method``: ``location`` or ``market``.

    Examples
    --------
    >>> table = default_table()
    >>> grid_factor(table, "SE", 2023).factor.name
    'grid_average_se_2023_eea'
    >>> grid_factor(table, "SE", 2023, method="market").factor.name
    'grid_residual_mix_se_2023'
    """
    chosen = check_method(method)
    if chosen == "location":
        return location_grid_factor(table, country, year, series)
    return market_grid_factor(table, country, year)


def district_heat_factor(table: FactorTable, country: str, year: int) -> FactorChoice:
    """District heat factor [kg CO2e/kWh] of ``country`` in ``year``, or why there is none."""
    return _pick(table, ("district_heat", country.lower()), year, "district heat")


def fuel_factors(table: FactorTable, fuel: str) -> tuple[Factor, Factor, Factor] | FactorChoice:
    """CO2, CH4 and N2O factors [kg/TJ] of an IPCC fuel, or a choice saying what is missing.

    Raises
    ------
    ReferenceDataError
        When a fuel factor is in another unit than kg of its gas per TJ.
    """
    found: list[Factor] = []
    missing: list[str] = []
    for gas, unit in _FUEL_UNITS.items():
        name = f"fuel_{fuel}_{gas}"
        factor = table.factors.get(name)
        if factor is None:
            missing.append(name)
            continue
        if factor.unit != unit:
            raise ReferenceDataError(
                f"{FACTOR_FILE}: factor {name} has unit {factor.unit!r}; it must be {unit!r}"
            )
        found.append(factor)
    if missing:
        return FactorChoice(
            None, f"fuel {fuel}: {FACTOR_FILE} has no {', '.join(missing)} (not sourced yet)"
        )
    co2, ch4, n2o = found
    return co2, ch4, n2o


def gwp_factors(
    table: FactorTable, gwp: str = "ar5", *, biogenic: bool = False
) -> tuple[Factor, Factor]:
    """GWP100 of CH4 and N2O [kg CO2e per kg] from IPCC ``ar5`` or ``ar6``.

    AR6 gives fossil and non-fossil methane separately; ``biogenic`` picks the non-fossil value
    (methane from burning biomass or biogas). AR5 has one value for both.

    Raises
    ------
    ValueError
        For a GWP set other than ``ar5`` or ``ar6``.
    ReferenceDataError
        When the file lacks a GWP entry or has it in another unit.
    """
    chosen = check_gwp(gwp)
    if chosen == "ar5":
        names = ("gwp100_ch4_ar5", "gwp100_n2o_ar5")
    else:
        ch4 = "gwp100_ch4_non_fossil_ar6" if biogenic else "gwp100_ch4_fossil_ar6"
        names = (ch4, "gwp100_n2o_ar6")
    out: list[Factor] = []
    for name, gas in zip(names, ("ch4", "n2o"), strict=True):
        factor = table.factors.get(name)
        if factor is None:
            raise ReferenceDataError(f"{FACTOR_FILE}: factor {name} is missing; it is required")
        if factor.unit != _GWP_UNITS[gas]:
            raise ReferenceDataError(
                f"{FACTOR_FILE}: factor {name} has unit {factor.unit!r}; "
                f"it must be {_GWP_UNITS[gas]!r}"
            )
        out.append(factor)
    return out[0], out[1]
