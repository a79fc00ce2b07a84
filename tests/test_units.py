"""Units: parsing, category fit, and normalisation to per-year figures."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkloop.units import (
    PERIODS_PER_YEAR,
    Category,
    Period,
    UnitError,
    check_unit_for_category,
    normalise,
    parse_unit,
)


@pytest.mark.parametrize(
    ("value", "unit", "per", "expected", "canonical"),
    [
        (10.0, "t", Period.MONTH, 120.0, "t"),
        (500.0, "kg", Period.DAY, 182.5, "t"),  # 0.5 t/day x 365 days
        (3.6, "GJ", Period.YEAR, 1.0, "MWh"),  # 1 MWh = 3.6 GJ exactly (SI)
        (1000.0, "kWh", Period.WEEK, 365 / 7, "MWh"),
        (2.0, "m3", Period.DAY, 730.0, "m3"),
        (1000.0, "l", Period.YEAR, 1.0, "m3"),
    ],
)
def test_amounts_are_normalised_per_year_in_canonical_units(
    value: float, unit: str, per: Period, expected: float, canonical: str
) -> None:
    result = normalise(value, unit, per)
    assert result.per_year
    assert result.unit == canonical
    assert result.value == pytest.approx(expected, rel=1e-12)


def test_rates_are_converted_but_not_annualised() -> None:
    result = normalise(2.0, "MW", Period.YEAR)
    assert (result.value, result.unit, result.per_year) == (2000.0, "kW", False)
    assert normalise(24.0, "t/d", Period.YEAR).value == pytest.approx(1.0)


def test_one_off_amounts_have_no_annual_figure() -> None:
    result = normalise(40.0, "t", Period.ONCE)
    assert result.value is None and result.unit == "t"


@pytest.mark.parametrize("unit", ["t", "kg", "m3", "MWh", "GJ", "kW", "bar", "degC", "m2", "h"])
def test_the_units_people_type_are_known(unit: str) -> None:
    parse_unit(unit)


def test_unknown_unit_is_rejected_with_examples() -> None:
    with pytest.raises(UnitError, match=r"unknown unit 'bananas'.*MWh"):
        parse_unit("bananas")


def test_material_in_kwh_does_not_fit_its_category() -> None:
    with pytest.raises(UnitError, match="measures energy, which does not fit category 'material'"):
        check_unit_for_category("kWh", Category.MATERIAL)


def test_energy_in_tonnes_does_not_fit_its_category() -> None:
    with pytest.raises(UnitError, match="does not fit category 'energy'"):
        check_unit_for_category("t", Category.ENERGY)


def test_a_temperature_is_not_an_amount() -> None:
    with pytest.raises(UnitError, match="not an amount"):
        check_unit_for_category("degC", Category.ENERGY)


@given(
    value=st.floats(min_value=1e-6, max_value=1e9, allow_nan=False),
    per=st.sampled_from([Period.YEAR, Period.MONTH, Period.WEEK, Period.DAY]),
)
def test_tonnes_and_kilograms_give_the_same_annual_mass(value: float, per: Period) -> None:
    tonnes = normalise(value, "t", per).value
    kilograms = normalise(value * 1000.0, "kg", per).value
    assert tonnes is not None and kilograms is not None
    assert math.isclose(tonnes, kilograms, rel_tol=1e-9)
    assert math.isclose(tonnes, value * PERIODS_PER_YEAR[per], rel_tol=1e-12)


@given(value=st.floats(min_value=1e-6, max_value=1e9, allow_nan=False))
def test_mwh_and_gj_round_trip(value: float) -> None:
    via_gj = normalise(value * 3.6, "GJ", Period.YEAR).value
    assert via_gj is not None
    assert math.isclose(via_gj, value, rel_tol=1e-9)
