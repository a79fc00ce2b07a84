"""Heat pumps: energy balance, COP behaviour, sourced factors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkloop.energy.heat_pump import carnot_cop, heat_pump


@given(
    heat=st.floats(0, 1e6),
    source=st.floats(0, 60),
    lift=st.floats(15, 80),
    grid=st.floats(0, 1),
)
def test_delivered_heat_is_source_heat_plus_electricity(
    heat: float, source: float, lift: float, grid: float
) -> None:
    result = heat_pump(heat, source, source + lift, grid_kg_co2e_per_kwh=grid)
    assert result.source_heat_mwh + result.electricity_mwh == pytest.approx(heat)
    assert result.co2e_t == pytest.approx(result.electricity_mwh * grid)
    assert result.cop > 1


def test_a_smaller_lift_gives_a_higher_cop() -> None:
    assert carnot_cop(40, 70) > carnot_cop(20, 70) > carnot_cop(10, 90)


def test_the_cop_is_half_the_carnot_cop_with_the_approach() -> None:
    # Carnot COP between 298.15 K and 348.15 K (30 C - 5 K, 70 C + 5 K) is 348.15 / 50 = 6.963;
    # half of it (Carnot fraction 0.5) is 3.4815.
    assert carnot_cop(30, 70) == pytest.approx(3.4815)
    assert carnot_cop(30, 70, eta=1.0, approach_k=0.0) == pytest.approx(343.15 / 40)


def test_no_heat_pump_without_a_lift() -> None:
    with pytest.raises(ValueError, match="exchange the heat directly"):
        carnot_cop(80, 70)


def test_the_result_names_its_factors() -> None:
    names = {f.name for f in heat_pump(10, 30, 70).factors}
    assert names == {"heat_pump_carnot_fraction", "heat_exchanger_min_approach"}


def test_emission_factors_load_with_their_sources() -> None:
    from parkloop.reference.factors import load_factors

    factors = load_factors("emission_factors.yaml")
    assert {"fuel_natural_gas_co2", "grid_average_dk_2023", "grid_average_de_2024"} <= set(factors)
    for factor in factors.values():
        assert factor.source and factor.unit and 2000 <= factor.year <= 2026
    # IPCC 2006 Vol. 2 Table 2.2 expresses fuels per TJ; 1 TJ = 277.78 MWh, so natural gas
    # emits about 0.202 t CO2 per MWh of fuel.
    assert factors["fuel_natural_gas_co2"].value / 277.777 / 1000 == pytest.approx(0.202, abs=1e-3)
