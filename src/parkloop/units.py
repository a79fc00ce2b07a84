"""The one pint unit registry of parkloop, and the rules that tie units to flow categories.

Amounts (``t``, ``m3``, ``MWh``) given per day, week, month or year are normalised to a per-year
figure in a canonical unit. Rates (``kW``, ``t/h``, ``m3/h``) are already per unit of time: they are
converted to a canonical rate unit and not annualised, because the operating hours behind them
are not known. One-off amounts (``per = once``) have no annual figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

import pint

from parkloop.errors import ParkloopError

ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
# Short spellings that people type in workbooks. A tonne ``t`` is already pint's metric ton.
for _definition in (
    "m3 = meter ** 3",
    "m2 = meter ** 2",
    "Nm3 = meter ** 3 = normal_cubic_meter",
    "piece = [count] = pcs = pc",
    "pallet = piece",
):
    ureg.define(_definition)

Q_ = ureg.Quantity


class Period(StrEnum):
    """The time basis of a listed quantity (workbook column ``per``)."""

    YEAR = "year"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"
    ONCE = "once"


# Periods in a year. A year is taken as 365 days (a common year of the Gregorian calendar,
# ISO 8601); a month as 1/12 year and a week as 7 days.
PERIODS_PER_YEAR: dict[Period, float] = {
    Period.YEAR: 1.0,
    Period.MONTH: 12.0,
    Period.WEEK: 365.0 / 7.0,
    Period.DAY: 365.0,
}


class Category(StrEnum):
    """Category of a resource flow."""

    MATERIAL = "material"
    ENERGY = "energy"
    WATER = "water"
    SERVICE = "service"
    CAPACITY = "capacity"


class UnitError(ParkloopError, ValueError):
    """A unit is unknown or does not fit what it measures."""

    code = "unit_error"


@dataclass(frozen=True)
class Kind:
    """A physical kind of amount with its canonical unit."""

    name: str
    canonical: str
    is_rate: bool


KINDS: tuple[Kind, ...] = (
    Kind("mass", "t", False),
    Kind("volume", "m3", False),
    Kind("energy", "MWh", False),
    Kind("area", "m2", False),
    Kind("time", "h", False),
    Kind("count", "piece", False),
    Kind("mass rate", "t/h", True),
    Kind("volume rate", "m3/h", True),
    Kind("power", "kW", True),
)

ALLOWED_KINDS: dict[Category, tuple[str, ...]] = {
    Category.MATERIAL: ("mass", "volume", "count", "mass rate", "volume rate"),
    Category.ENERGY: ("energy", "power"),
    Category.WATER: ("volume", "mass", "volume rate", "mass rate"),
    Category.SERVICE: tuple(k.name for k in KINDS),
    Category.CAPACITY: tuple(k.name for k in KINDS),
}

_DIGIT_POWER = re.compile(r"(?<=[A-Za-z])([23])(?![\d.])")


@lru_cache(maxsize=512)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit as typed in a workbook (``t``, ``m3``, ``MWh``, ``kW``, ``m3/h``).

    Raises
    ------
    UnitError
        If pint does not know the unit.

    Examples
    --------
    >>> str(parse_unit("MWh"))
    'megawatt_hour'
    """
    cleaned = text.strip()
    if not cleaned:
        raise UnitError("the unit is empty; give a unit such as t, m3, MWh or kW")
    try:
        return ureg.parse_units(cleaned)
    except (pint.UndefinedUnitError, pint.DefinitionSyntaxError, ValueError, AttributeError):
        pass
    try:
        return ureg.parse_units(_DIGIT_POWER.sub(r"**\1", cleaned))
    except (pint.UndefinedUnitError, pint.DefinitionSyntaxError, ValueError, AttributeError):
        raise UnitError(
            f"unknown unit {text!r}; use a unit such as t, kg, m3, MWh, GJ, kWh, kW, MW, m2, h, "
            "t/h or m3/h"
        ) from None


def kind_of(unit: pint.Unit) -> Kind:
    """Return the kind (mass, energy, power...) a unit measures.

    Raises
    ------
    UnitError
        If the unit measures something a flow cannot be listed in (a temperature, a length...).
    """
    dim = unit.dimensionality
    for kind in KINDS:
        if ureg.parse_units(kind.canonical).dimensionality == dim:
            return kind
    names = ", ".join(k.name for k in KINDS)
    raise UnitError(f"unit {unit:~} measures {dim}, which is not an amount; use one of: {names}")


def check_unit_for_category(unit_text: str, category: Category) -> Kind:
    """Parse ``unit_text`` and check it fits ``category``; return its kind."""
    kind = kind_of(parse_unit(unit_text))
    allowed = ALLOWED_KINDS[category]
    if kind.name not in allowed:
        examples = ", ".join(k.canonical for k in KINDS if k.name in allowed)
        raise UnitError(
            f"unit {unit_text!r} measures {kind.name}, which does not fit category "
            f"{category.value!r}; {category.value} flows take {', '.join(allowed)} "
            f"(for example {examples})"
        )
    return kind


@lru_cache(maxsize=1024)
def _to_canonical(unit_text: str) -> tuple[float, Kind]:
    """The factor from ``unit_text`` to its canonical unit, and its kind (pint, once per unit)."""
    unit = parse_unit(unit_text)
    kind = kind_of(unit)
    return float(Q_(1.0, unit).to(kind.canonical).magnitude), kind


@dataclass(frozen=True)
class Normalised:
    """A listed amount in its canonical unit: per year for amounts, as a rate for rates."""

    value: float | None
    unit: str
    per_year: bool


def normalise(value: float, unit_text: str, per: Period) -> Normalised:
    """Convert a listed amount to its canonical unit, per year where it is an amount.

    Parameters
    ----------
    value : float
        The amount as listed, in ``unit_text`` per ``per``.
    unit_text : str
        Any unit pint knows (``t``, ``kg``, ``MWh``, ``GJ``, ``kW``...).
    per : Period
        Time basis of the amount.

    Returns
    -------
    Normalised
        ``value`` in the canonical unit (t, m3, MWh, m2, h, piece per year; t/h, m3/h or kW for
        rates). ``value`` is ``None`` for one-off amounts.

    Examples
    --------
    >>> normalise(10.0, "t", Period.MONTH)
    Normalised(value=120.0, unit='t', per_year=True)
    >>> round(normalise(3.6, "GJ", Period.YEAR).value, 9)
    1.0
    """
    factor, kind = _to_canonical(unit_text)
    converted = value * factor
    if kind.is_rate:
        return Normalised(converted, kind.canonical, per_year=False)
    if per is Period.ONCE:
        return Normalised(None, kind.canonical, per_year=False)
    return Normalised(converted * PERIODS_PER_YEAR[per], kind.canonical, per_year=True)
