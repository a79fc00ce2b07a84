"""The toolbox recommender and the MACC: applicability, hand-computed savings and costs, honesty
about missing figures, the demo park, and the ``toolbox`` commands.

The arithmetic tests run on a small catalogue written to a temporary YAML file, so every number
below can be followed by hand. Factors used (from ``reference/data/emission_factors.yaml``):

- electricity, Denmark 2023, EEA series (``grid_average_dk_2023_eea``): 0.083 kg CO2e/kWh
  = 0.083 t CO2e/MWh;
- natural gas, 2006 IPCC defaults with AR5 GWPs: CO2 56 100 kg/TJ, CH4 1 kg/TJ x 28,
  N2O 0.1 kg/TJ x 265, so (56 100 + 28 + 26.5) kg CO2e/TJ x 0.0036 TJ/MWh / 1000 kg/t
  = 0.2021562 t CO2e/MWh.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parkloop.domain.models import Company, EnergyCarrier, EnergyUse, Park, ParkWorkbook
from parkloop.errors import NotFound
from parkloop.reference.measures import MeasureRegistry, default_registry
from parkloop.services import toolbox as toolbox_service
from parkloop.services.database import Database
from parkloop.services.parks import load_demo
from parkloop.settings import get_settings
from parkloop.toolbox.applicability import FlowTemperature, Site, assess
from parkloop.toolbox.costs import capital_recovery_factor
from parkloop.toolbox.emissions import NoFactorError, carrier_factor
from parkloop.toolbox.macc import MaccItem, macc_curve, macc_svg
from parkloop.toolbox.model import (
    CompanyRecommendations,
    CostInputs,
    EndUseShare,
    Estimate,
    ParkRecommendations,
    Recommendation,
    ToolboxInputError,
)
from parkloop.toolbox.park import recommend_park
from parkloop.toolbox.recommend import recommend_company

GRID_DK_2023 = 0.083  # t CO2e/MWh, grid_average_dk_2023_eea
GAS = (56100 + 1 * 28 + 0.1 * 265) * 0.0036 / 1000  # t CO2e/MWh = 0.2021562
PRICES = {"electricity": 100.0, "natural_gas": 40.0}  # EUR/MWh, inputs of the test
RATE = 0.05  # 1/yr, input of the test

CATALOGUE = """
name: test catalogue
version: "1"
licence: "CC BY 4.0"
sources:
  test_source:
    citation: "Test source for hand-computed cases."
    url: "https://example.org/test"
    year: 2024
measures:
  - id: t_leaks
    name: "Fix compressed-air leaks (test)"
    level: company
    topic: compressed_air
    description: "Repair leaks."
    applicability: {nace: any, carriers: [electricity], end_use: compressed_air}
    evidence: high
    co2: "electricity saved x grid factor"
    saving: {low: 10, value: 20, high: 30, unit: "%", basis: "compressed-air electricity",
             source: test_source}
    capex: {value: 5000, unit: "EUR per project", source: test_source, year: 2020}
    opex: {value: 100, unit: "EUR per year", source: test_source, year: 2020}
    lifetime_years: {value: 10, source: test_source}
  - id: t_economiser
    name: "Economiser (test)"
    level: company
    topic: steam
    description: "Preheat feedwater."
    applicability:
      nace: ["10"]
      carriers: [natural_gas]
      end_use: steam generation
      min_size: {quantity: 100, unit: "boiler hp", of: "boiler size", source: test_source}
    evidence: high
    co2: "fuel saved x fuel factor"
    saving: {low: 5, high: 10, unit: "%", basis: "boiler fuel use", source: test_source}
    capex: {value: 20000, unit: "EUR per project", source: test_source, year: 2020}
    opex: {value: 2, unit: "% of investment per year", source: test_source, year: 2020}
    lifetime_years: {value: 15, source: test_source}
  - id: t_heat_pump
    name: "Heat pump (test)"
    level: company
    topic: heat_pumps
    description: "Lift waste heat."
    applicability:
      nace: any
      carriers: [natural_gas]
      end_use: process heat
      temperature_c: {max: 100, source: test_source}
    evidence: medium
    co2: "fuel replaced"
    capex: {value: 800, unit: "EUR per kW heat output", source: test_source, year: 2020}
    lifetime_years: {value: 20, source: test_source}
  - id: t_cement_only
    name: "Kiln measure (test)"
    level: company
    topic: energy_management
    description: "Only for cement."
    applicability: {nace: ["23"], carriers: any, end_use: all}
    evidence: low
    co2: "energy saved"
    saving: {value: 3, unit: "%", basis: "all energy use", source: test_source}
  - id: t_ems
    name: "Energy management (test)"
    level: company
    topic: energy_management
    description: "Manage energy."
    applicability: {nace: any, carriers: any, end_use: all}
    evidence: medium
    co2: "energy saved"
    saving: {value: 5, unit: "% of energy costs per year", basis: "energy bill",
             source: test_source}
  - id: t_park_network
    name: "Shared steam network (test)"
    level: park
    topic: shared_utilities
    description: "Share steam."
    applicability: {nace: any, carriers: [natural_gas], end_use: process steam}
    evidence: medium
    co2: "fuel saved"
    saving: {value: 10, unit: "%", basis: "process steam fuel", source: test_source}
    capex: {value: 100000, unit: "EUR", source: test_source, year: 2020}
    opex: {value: 1000, unit: "EUR per year", source: test_source, year: 2020}
    lifetime_years: {value: 20, source: test_source}
"""

SHARES = [
    EndUseShare("electricity", "compressed_air", 0.10, "energy audit 2023"),
    EndUseShare("natural_gas", "steam generation", 0.80, "boiler gas meter", company_id="D1"),
    EndUseShare("natural_gas", "process steam", 0.50, "park steam survey"),
]
DAIRY = Company("D1", "Test Dairy", "10.51", "DK", 55.7, 9.5, employees=200)
CEMENT = Company("K2", "Test Cement", "23.51", "DK", 55.71, 9.51)
ENERGY = [
    EnergyUse("D1", 2023, EnergyCarrier.ELECTRICITY, 2400.0),
    EnergyUse("D1", 2023, EnergyCarrier.NATURAL_GAS, 10000.0),
    EnergyUse("D1", 2023, EnergyCarrier.ELECTRICITY, 500.0, onsite_generation=True),
    EnergyUse("D1", 2022, EnergyCarrier.ELECTRICITY, 9999.0),
    EnergyUse("K2", 2023, EnergyCarrier.ELECTRICITY, 5000.0),
    EnergyUse("K2", 2023, EnergyCarrier.NATURAL_GAS, 20000.0),
]


@pytest.fixture(scope="module")
def catalogue_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catalogue") / "test_measures.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def registry(catalogue_path: Path) -> MeasureRegistry:
    found = MeasureRegistry()
    found.load(catalogue_path)
    return found


def _dairy(registry: MeasureRegistry, **options: object) -> CompanyRecommendations:
    return recommend_company(
        DAIRY,
        ENERGY,
        registry,
        end_use_shares=SHARES,
        costs=CostInputs(PRICES, RATE),
        **options,  # type: ignore[arg-type]
    )


def _rec(result: CompanyRecommendations, measure_id: str) -> Recommendation:
    return next(r for r in result.recommendations if r.measure_id == measure_id)


# ------------------------------------------------------------------ applicability -----------


def test_any_sector_measure_applies_with_the_carrier_use_as_reason() -> None:
    leaks = default_registry().get("compressed_air_leak_repair")
    site = Site("C1", ("10.51",), {"electricity": 2400.0}, 2023)
    found = assess(leaks, site)
    assert found.applies and not found.to_check
    assert found.reasons == (
        "uses 2,400 MWh electricity in 2023",
        "compressed air measures apply to any sector",
    )


@pytest.mark.parametrize(
    ("nace", "applies"),
    [("10.51", True), ("11.05", True), ("20.14", True), ("23.51", False), ("35.11", False)],
)
def test_refrigeration_heat_recovery_follows_the_catalogue_sectors(
    nace: str, applies: bool
) -> None:
    # The catalogue lists divisions 10, 11, 20, 55 and 56 for this measure.
    measure = default_registry().get("refrigeration_heat_recovery")
    site = Site("C1", (nace,), {"electricity": 100.0}, 2023, (FlowTemperature("hot water", 70),))
    found = assess(measure, site)
    assert found.applies is applies
    if not applies:
        assert f"NACE {nace} is outside the sectors" in found.rejections[0]


def test_a_measure_needs_one_of_its_carriers_and_says_which_are_missing() -> None:
    economiser = default_registry().get("boiler_economiser")
    found = assess(economiser, Site("C1", ("25.11",), {"electricity": 800.0}, 2024))
    assert not found.applies
    assert found.rejections == ("uses none of natural_gas, fuel_oil, coal, biomass in 2024",)
    with_gas = assess(economiser, Site("C1", ("25.11",), {"natural_gas": 800.0}, 2024))
    assert with_gas.applies and with_gas.reasons[0] == "uses 800 MWh natural_gas in 2024"


def test_temperature_range_rules_a_measure_in_out_or_leaves_it_to_check() -> None:
    heat_pump = default_registry().get("industrial_heat_pump")  # up to 125 degC
    gas = {"natural_gas": 5000.0}
    hot = assess(heat_pump, Site("C1", ("10.51",), gas, 2024, (FlowTemperature("steam", 190),)))
    warm = assess(heat_pump, Site("C1", ("10.51",), gas, 2024, (FlowTemperature("water", 80),)))
    unknown = assess(heat_pump, Site("C1", ("10.51",), gas, 2024))
    assert not hot.applies and "190 °C" in hot.rejections[0]
    assert warm.applies and "water at 80 °C in the measure's range up to 125 °C" in warm.reasons
    assert unknown.applies and unknown.to_check == (
        "no flow temperatures known: the measure works at up to 125 °C",
    )


def test_size_thresholds_compare_only_in_their_own_unit() -> None:
    economiser = default_registry().get("boiler_economiser")  # from 100 boiler hp
    gas = {"natural_gas": 5000.0}
    unknown = assess(economiser, Site("C1", ("10.51",), gas, 2024))
    small = assess(economiser, Site("C1", ("10.51",), gas, 2024, sizes={"boiler hp": 60}))
    large = assess(economiser, Site("C1", ("10.51",), gas, 2024, sizes={"boiler hp": 150}))
    assert unknown.applies and "the size in boiler hp is not known" in unknown.to_check[0]
    assert not small.applies and small.rejections[0].startswith("60 boiler hp is below 100")
    assert large.applies and not large.to_check


def test_without_energy_data_carrier_measures_are_left_to_check() -> None:
    leaks = default_registry().get("compressed_air_leak_repair")
    found = assess(leaks, Site("C1", ("10.51",), {}, None))
    assert found.applies
    assert found.to_check == ("no energy use recorded in any year: check the use of electricity",)


# ------------------------------------------------------------------ emission factors --------


def test_carrier_factors_follow_the_factor_file() -> None:
    assert carrier_factor("electricity", "DK", 2023).t_co2e_per_mwh == GRID_DK_2023
    assert carrier_factor("natural_gas", "DK", 2023).t_co2e_per_mwh == pytest.approx(GAS)
    assert round(GAS, 7) == 0.2021562
    # Biomass: biogenic CO2 is not counted, CH4 30 kg/TJ x 28 + N2O 4 kg/TJ x 265 = 1 900 kg/TJ.
    assert carrier_factor("biomass", "DK", 2023).t_co2e_per_mwh == pytest.approx(
        1900 * 0.0036 / 1000
    )
    with pytest.raises(NoFactorError, match="grid_average_no_2023_eea"):
        carrier_factor("electricity", "NO", 2023)
    with pytest.raises(NoFactorError, match="steam"):
        carrier_factor("steam", "DK", 2023)


def test_capital_recovery_factor_matches_the_closed_form() -> None:
    # CRF(5 %, 10 yr) = 0.05 x 1.05^10 / (1.05^10 - 1) = 0.05 x 1.628895 / 0.628895 = 0.129505
    assert capital_recovery_factor(0.05, 10) == pytest.approx(0.1295046, rel=1e-6)
    assert capital_recovery_factor(0.0, 8) == pytest.approx(0.125)


# ------------------------------------------------------------------ hand-computed chain -----


def test_leak_repair_savings_emissions_cost_and_payback_by_hand(registry: MeasureRegistry) -> None:
    rec = _rec(_dairy(registry), "t_leaks")
    # Energy: saving share x carrier use x end-use share = 20 % x 2 400 MWh x 0.10 = 48 MWh/yr
    # (10 % and 30 % give 24 and 72). The 2023 rows only: on-site generation and 2022 are out.
    assert rec.saving_mwh == Estimate(24.0, 48.0, 72.0)
    assert rec.carriers[0].share_source == "energy audit 2023"
    # Emissions: 48 MWh x 0.083 t/MWh = 3.984 t CO2e/yr.
    assert rec.co2e_t is not None and rec.co2e_t.central == pytest.approx(3.984)
    # Money: 48 MWh x 100 EUR/MWh = 4 800 EUR/yr.
    assert rec.energy_cost_saving_eur is not None
    assert rec.energy_cost_saving_eur.central == pytest.approx(4800.0)
    # Annualised capex: 5 000 EUR x CRF(5 %, 10 yr) = 5 000 x 0.1295046 = 647.52 EUR/yr.
    annual = 5000 * 0.05 * 1.05**10 / (1.05**10 - 1)
    assert annual == pytest.approx(647.523, abs=1e-3)
    # Abatement cost: (647.52 + 100 - 4 800) / 3.984 = -4 052.48 / 3.984 = -1 017.19 EUR/t.
    assert rec.abatement_cost_eur_per_t is not None
    assert rec.abatement_cost_eur_per_t.central == pytest.approx(-1017.19, abs=0.01)
    assert rec.abatement_cost_eur_per_t.central == pytest.approx((annual + 100 - 4800) / 3.984)
    # Payback: 5 000 / (4 800 - 100) = 1.0638 years.
    assert rec.payback_years is not None
    assert rec.payback_years.central == pytest.approx(5000 / 4700)
    assert rec.costed and rec.missing == () and rec.price_year == 2020
    assert rec.status == "applies"


def test_economiser_range_opex_share_and_size_check_by_hand(registry: MeasureRegistry) -> None:
    rec = _rec(_dairy(registry), "t_economiser")
    # Status: no size in boiler hp is known, so the threshold is left to check.
    assert rec.status == "check"
    # Energy: 5-10 % x 10 000 MWh gas x 0.80 (the company's own share) = 400 / 800 MWh; the
    # source gives no central value, so there is none.
    assert rec.saving_mwh == Estimate(400.0, None, 800.0)
    # Emissions: 400 x 0.2021562 = 80.862 t; 800 x 0.2021562 = 161.725 t.
    assert rec.co2e_t is not None
    assert rec.co2e_t.low == pytest.approx(400 * GAS) and rec.co2e_t.central is None
    # Opex: 2 % of 20 000 EUR = 400 EUR/yr; annualised capex 20 000 x CRF(5 %, 15 yr).
    assert rec.opex_eur_per_yr == pytest.approx(400.0)
    annual = 20000 * 0.05 * 1.05**15 / (1.05**15 - 1)  # = 1 926.85 EUR/yr
    assert annual == pytest.approx(1926.85, abs=0.01)
    # Low case: (1 926.85 + 400 - 400 MWh x 40 EUR/MWh) / 80.862 t = -13 673.15 / 80.862.
    assert rec.abatement_cost_eur_per_t is not None
    assert rec.abatement_cost_eur_per_t.low == pytest.approx((annual + 400 - 16000) / (400 * GAS))
    assert rec.abatement_cost_eur_per_t.low == pytest.approx(-169.09, abs=0.01)
    assert rec.abatement_cost_eur_per_t.central is None
    # Payback, high case: 20 000 / (32 000 - 400) = 0.633 years.
    assert rec.payback_years is not None
    assert rec.payback_years.high == pytest.approx(20000 / 31600)


def test_measures_lacking_figures_are_listed_not_costed_and_get_no_numbers(
    registry: MeasureRegistry,
) -> None:
    result = _dairy(registry, temperatures=(FlowTemperature("process water", 85),))
    heat_pump = _rec(result, "t_heat_pump")
    assert not heat_pump.costed
    assert heat_pump.saving_mwh is None and heat_pump.co2e_t is None
    assert heat_pump.capex_eur is None and heat_pump.abatement_cost_eur_per_t is None
    assert heat_pump.payback_years is None
    assert heat_pump.missing == ("saving", "capex in EUR per project or per MWh/yr saved", "opex")
    ems = _rec(result, "t_ems")
    assert ems.saving == "5 % of energy costs per year" and ems.saving_mwh is None
    assert "saving as % of end use" in ems.missing
    assert [e.measure_id for e in result.not_applicable] == ["t_cement_only"]


def test_without_an_end_use_share_the_saving_stays_a_percentage(registry: MeasureRegistry) -> None:
    result = recommend_company(DAIRY, ENERGY, registry, costs=CostInputs(PRICES, RATE))
    leaks = _rec(result, "t_leaks")
    assert leaks.saving == "20 (10-30) % of compressed_air"
    assert leaks.saving_mwh is None and leaks.co2e_t is None
    assert leaks.abatement_cost_eur_per_t is None and not leaks.costed
    assert leaks.missing == ("end-use share of electricity for compressed_air",)


def test_without_prices_there_is_no_money_and_the_result_says_so(
    registry: MeasureRegistry,
) -> None:
    result = recommend_company(DAIRY, ENERGY, registry, end_use_shares=SHARES)
    leaks = _rec(result, "t_leaks")
    assert leaks.saving_mwh == Estimate(24.0, 48.0, 72.0) and leaks.co2e_t is not None
    assert leaks.energy_cost_saving_eur is None and leaks.abatement_cost_eur_per_t is None
    assert leaks.payback_years is None and not leaks.costed
    assert leaks.missing == ("energy prices and discount rate",)
    assert any("no energy prices" in note for note in result.notes)


def test_costed_measures_rank_first_by_abatement_cost(registry: MeasureRegistry) -> None:
    low = _dairy(registry, case="low")
    costed = [r.measure_id for r in low.recommendations if r.costed]
    # Low case: t_leaks -829.6 EUR/t ((647.52 + 100 - 2 400) / 1.992) before t_economiser -169.1.
    assert costed == ["t_leaks", "t_economiser"]
    assert [r.measure_id for r in low.recommendations][:2] == costed
    central = _dairy(registry)
    assert central.recommendations[0].measure_id == "t_leaks"


SCALED_CATALOGUE = """
name: scaled capex
version: "1"
licence: "CC BY 4.0"
sources:
  test_source:
    citation: "Test source for hand-computed cases."
    url: "https://example.org/test"
measures:
  - id: t_drives
    name: "Speed control on motors (test)"
    level: company
    topic: motors_drives
    description: "Fit frequency converters."
    applicability: {nace: any, carriers: [electricity], end_use: motor-driven systems}
    evidence: high
    co2: "electricity saved x grid factor"
    saving: {low: 30, value: 40, high: 50, unit: "%", basis: "motor electricity",
             source: test_source}
    capex: {value: 311000, unit: "EUR per 1325 MWh/yr saved", source: test_source}
    lifetime_years: {value: 15, source: test_source}
  - id: t_drives_range
    name: "Speed control, range only (test)"
    level: company
    topic: motors_drives
    description: "Fit frequency converters."
    applicability: {nace: any, carriers: [electricity], end_use: motor-driven systems}
    evidence: high
    co2: "electricity saved x grid factor"
    saving: {low: 30, high: 50, unit: "%", basis: "motor electricity", source: test_source}
    capex: {value: 311000, unit: "EUR per 1325 MWh/yr saved", source: test_source}
    opex: {value: 2, unit: "% of investment per year", source: test_source}
    lifetime_years: {value: 15, source: test_source}
"""
MOTOR_SHARE = [EndUseShare("electricity", "motor-driven systems", 0.70, "test input")]


@pytest.fixture(scope="module")
def scaled_registry(tmp_path_factory: pytest.TempPathFactory) -> MeasureRegistry:
    path = tmp_path_factory.mktemp("scaled") / "scaled.yaml"
    path.write_text(SCALED_CATALOGUE, encoding="utf-8")
    found = MeasureRegistry()
    found.load(path)
    return found


def test_capex_per_mwh_saved_is_scaled_to_the_saving_by_hand(
    scaled_registry: MeasureRegistry,
) -> None:
    result = recommend_company(
        DAIRY, ENERGY, scaled_registry, end_use_shares=MOTOR_SHARE, costs=CostInputs(PRICES, RATE)
    )
    rec = _rec(result, "t_drives")
    # Energy: 40 % x 2 400 MWh x 0.70 = 672 MWh/yr (30 % and 50 % give 504 and 840).
    assert rec.saving_mwh is not None
    cases = (rec.saving_mwh.low, rec.saving_mwh.central, rec.saving_mwh.high)
    assert cases == pytest.approx((504.0, 672.0, 840.0))
    # Capex: 311 000 EUR x 672 / 1 325 = 157 729.81 EUR (the project's 234.72 EUR per MWh/yr).
    capex = 311000 * 672 / 1325
    assert capex == pytest.approx(157729.81, abs=0.01)
    assert rec.capex_eur == pytest.approx(capex)
    # No opex figure: not counted, and named. Net = capex x CRF(5 %, 15 yr) - 672 x 100 EUR.
    assert rec.opex_eur_per_yr is None and rec.missing == ("opex",)
    assert any("no sourced operating cost" in note for note in rec.notes)
    annual = capex * 0.05 * 1.05**15 / (1.05**15 - 1)  # = 157 729.81 x 0.0963423 = 15 196.05
    assert annual == pytest.approx(15196.05, abs=0.01)
    net = annual - 672 * 100  # = -52 003.95 EUR/yr
    assert rec.net_annual_cost_eur is not None
    assert rec.net_annual_cost_eur.central == pytest.approx(net)
    # Abatement: -52 003.95 / (672 x 0.083 t) = -52 003.95 / 55.776 = -932.37 EUR/t. Capex,
    # energy money and tonnes all scale with the MWh, so every case gives the same figure.
    assert rec.abatement_cost_eur_per_t is not None
    assert rec.abatement_cost_eur_per_t.central == pytest.approx(-932.37, abs=0.01)
    assert rec.abatement_cost_eur_per_t.low == pytest.approx(net / (672 * GRID_DK_2023))
    assert rec.abatement_cost_eur_per_t.high == pytest.approx(net / (672 * GRID_DK_2023))
    # Payback: 157 729.81 / 67 200 = 2.347 years.
    assert rec.payback_years is not None
    assert rec.payback_years.central == pytest.approx(capex / 67200)
    assert rec.costed and rec.price_year is None


def test_a_range_saving_gives_low_and_high_costs_but_no_central_capex(
    scaled_registry: MeasureRegistry,
) -> None:
    result = recommend_company(
        DAIRY, ENERGY, scaled_registry, end_use_shares=MOTOR_SHARE, costs=CostInputs(PRICES, RATE)
    )
    rec = _rec(result, "t_drives_range")
    # 30 % x 2 400 x 0.70 = 504 MWh -> capex 311 000 x 504 / 1 325 = 118 297.36 EUR, opex 2 %.
    low_capex = 311000 * 504 / 1325
    assert rec.capex_eur is None and rec.opex_eur_per_yr is None  # no central case
    assert rec.net_annual_cost_eur is not None and rec.net_annual_cost_eur.central is None
    crf = 0.05 * 1.05**15 / (1.05**15 - 1)
    low_net = low_capex * crf + 0.02 * low_capex - 504 * 100
    assert rec.net_annual_cost_eur.low == pytest.approx(low_net)
    assert rec.abatement_cost_eur_per_t is not None
    assert rec.abatement_cost_eur_per_t.low == pytest.approx(low_net / (504 * GRID_DK_2023))
    assert rec.costed and rec.missing == ()


@pytest.mark.parametrize(
    "make",
    [
        lambda: CostInputs({"electricity": -1.0}, 0.05),
        lambda: CostInputs({"unobtainium": 10.0}, 0.05),
        lambda: CostInputs(PRICES, 5.0),
        lambda: EndUseShare("electricity", "compressed_air", 1.5, "audit"),
        lambda: EndUseShare("electricity", "compressed_air", 0.1, " "),
    ],
)
def test_invalid_inputs_are_refused_with_a_message(make: object) -> None:
    with pytest.raises(ToolboxInputError):
        make()  # type: ignore[operator]


# ------------------------------------------------------------------ park and MACC -----------


def _park(registry: MeasureRegistry) -> ParkRecommendations:
    workbook = ParkWorkbook(Park("Test Park", "DK"), [DAIRY, CEMENT], [], ENERGY)
    return recommend_park(workbook, registry, end_use_shares=SHARES, costs=CostInputs(PRICES, RATE))


def test_park_sums_companies_and_adds_park_measures_by_hand(registry: MeasureRegistry) -> None:
    result = _park(registry)
    totals = {t.measure_id: t for t in result.totals}
    leaks = totals["t_leaks"]
    # D1: 48 MWh, 3.984 t, net -4 052.48 EUR/yr; K2: 20 % x 5 000 x 0.10 = 100 MWh, 8.3 t,
    # net 647.52 + 100 - 10 000 = -9 252.48 EUR/yr. Park: (-4 052.48 - 9 252.48) / 12.284 t.
    assert leaks.companies == ("D1", "K2") and leaks.costed == ("D1", "K2")
    assert leaks.saving_mwh.central == pytest.approx(148.0)
    assert leaks.costed_co2e_t.central == pytest.approx(12.284)
    annual = 5000 * capital_recovery_factor(0.05, 10)
    expected = ((annual + 100 - 4800) + (annual + 100 - 10000)) / 12.284
    assert leaks.abatement_cost_eur_per_t.central == pytest.approx(expected)
    assert totals["t_economiser"].companies == ("D1",)  # NACE 10 only
    # Cement, end use "all": 3 % x (5 000 MWh electricity + 20 000 MWh gas) = 150 + 600 MWh.
    kiln = totals["t_cement_only"]
    assert kiln.saving_mwh.central == pytest.approx(750.0)
    assert kiln.co2e_t.central == pytest.approx(150 * GRID_DK_2023 + 600 * GAS)
    assert kiln.costed == ()
    # Park network: 10 % x (10 000 + 20 000) MWh gas x 0.50 = 1 500 MWh; 1 500 x 0.2021562 t.
    network = result.park_measures[0]
    assert network.measure_id == "t_park_network"
    assert network.saving_mwh.central == pytest.approx(1500.0)
    assert network.co2e_t.central == pytest.approx(1500 * GAS)
    net = 100000 * capital_recovery_factor(0.05, 20) + 1000 - 1500 * 40
    assert network.abatement_cost_eur_per_t.central == pytest.approx(net / (1500 * GAS))


def test_park_macc_is_sorted_by_cost_with_widths_in_tonnes(registry: MeasureRegistry) -> None:
    macc = _park(registry).macc
    assert [bar.key for bar in macc.bars] == ["t_leaks", "t_park_network"]
    leaks, network = macc.bars
    assert leaks.eur_per_t < network.eur_per_t
    assert (leaks.x_start_t, leaks.x_end_t) == (0.0, pytest.approx(12.284))
    assert network.x_start_t == pytest.approx(12.284)
    assert network.x_end_t == pytest.approx(12.284 + 1500 * GAS)
    assert macc.total_co2e_t_per_yr == pytest.approx(12.284 + 1500 * GAS)
    # The economiser has no central case and the others no costs: left out, with a reason.
    omitted = dict(item.split(": ", 1) for item in macc.omitted)
    assert omitted["t_economiser"] == "no central case"
    assert omitted["t_heat_pump"] == "not costed for any company"


def test_macc_curve_orders_bars_and_draws_an_svg() -> None:
    items = [
        MaccItem("c", "C", 5.0, 120.0),
        MaccItem("a", "A & co", 10.0, -50.0),
        MaccItem("b", "B", 2.5, 0.0),
    ]
    curve = macc_curve(items, omitted=["d: not costed"])
    assert [b.key for b in curve.bars] == ["a", "b", "c"]
    assert [(b.x_start_t, b.x_end_t) for b in curve.bars] == [(0, 10), (10, 12.5), (12.5, 17.5)]
    assert [b.net_annual_cost_eur for b in curve.bars] == [-500.0, 0.0, 600.0]
    svg = macc_svg(curve)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 3 and "A &amp; co" in svg
    assert "nothing to draw" in macc_svg(macc_curve([]))
    with pytest.raises(ValueError, match="width > 0"):
        macc_curve([MaccItem("z", "Z", 0.0, 10.0)])


# ------------------------------------------------------------------ demo park ---------------


@pytest.mark.db
def test_the_demo_park_runs_and_invents_no_figure(database: Database) -> None:
    report = load_demo(database)
    result = toolbox_service.recommend_for_park(
        database,
        report.park,
        costs=CostInputs({"electricity": 100.0, "natural_gas": 40.0}, 0.05),
        end_use_shares=[EndUseShare("electricity", "compressed_air", 0.1, "test input")],
    )
    assert len(result.companies) == report.companies and result.year == 2024
    registry = default_registry()
    recommendations = [r for c in result.companies for r in c.recommendations]
    recommendations += list(result.park_measures)
    assert recommendations
    for rec in recommendations:
        measure = registry.get(rec.measure_id)
        if measure.saving is None or measure.saving.unit != "%":
            assert rec.saving_mwh is None and rec.co2e_t is None
        if measure.capex is None or measure.lifetime_years is None:
            assert rec.abatement_cost_eur_per_t is None and not rec.costed
            assert rec.missing
        if measure.opex is None:
            assert "opex" in rec.missing  # costed or not, the missing opex is named
    # Leak repair has a sourced 16 % and the test gives a share: MWh and t CO2e, no cost.
    dairy = next(c for c in result.companies if c.company_id == "C06")
    leaks = next(r for r in dairy.recommendations if r.measure_id == "compressed_air_leak_repair")
    use = dairy.energy_mwh["electricity"]
    assert leaks.saving_mwh is not None
    assert leaks.saving_mwh.central == pytest.approx(0.16 * use * 0.1)
    assert not leaks.costed and "capex" in leaks.missing
    assert result.macc.bars == ()


# Demo inputs (the staged energy_prices, end_use_shares and discount_rate sheets), as read:
# Electricity, Denmark 2024: 9.8 ct/kWh for industrial consumers using 20-500 MWh/yr, grid
# fees included, VAT and other fees not (cube concepts, "Europe's industrial electricity prices
# 2024", https://cubeconcepts.de/en/europes-industrial-electricity-prices-2024/).
DEMO_PRICES = {"electricity": 98.0}  # EUR/MWh
# Finansministeriet (2021), Dokumentationsnotat - den samfundsoekonomiske diskonteringsrente:
# 3.5 % for years 0-35 (4 % before 2021).
DEMO_RATE = 0.035
# Radgen and Blaustein (eds.) (2001), Compressed Air Systems in the European Union, Preface:
# motor systems use about 70 % of all electricity in the industry sector (EU, all industries).
DEMO_MOTOR_SHARE = 0.70
DEMO_MANUFACTURERS = (
    *("C05", "C06", "C07", "C08", "C09", "C10", "C11", "C12", "C17"),
    *("C19", "C20", "C21", "C22", "C26", "C27", "C28", "C31", "C33"),
)  # NACE section C; the electrolysis plant C16 is left out (its power goes to electrolysis)


@pytest.mark.db
def test_the_demo_park_is_costed_with_the_sourced_demo_inputs(database: Database) -> None:
    report = load_demo(database)
    shares = [
        EndUseShare(
            "electricity", "motor-driven systems", DEMO_MOTOR_SHARE, "Radgen 2001", company_id=c
        )
        for c in DEMO_MANUFACTURERS
    ]
    costs = CostInputs(DEMO_PRICES, DEMO_RATE)
    result = toolbox_service.recommend_for_park(
        database, report.park, costs=costs, end_use_shares=shares, case="low"
    )
    # The MACC has bars; motor-system optimisation is costed for every company given a share.
    assert result.macc.bars
    keys = [bar.key for bar in result.macc.bars]
    assert "motor_system_optimisation" in keys
    totals = {t.measure_id: t for t in result.totals}
    assert set(totals["motor_system_optimisation"].costed) == set(DEMO_MANUFACTURERS)
    # The dairy C06 by hand (catalogue: 30-50 % of motor electricity, EUR 311 000 per 1 325
    # MWh/yr saved, 15 years, no opex figure; DK 2024 grid 0.064 t/MWh):
    dairy = next(c for c in result.companies if c.company_id == "C06")
    rec = next(r for r in dairy.recommendations if r.measure_id == "motor_system_optimisation")
    assert dairy.energy_mwh["electricity"] == 14000.0
    saved = 0.30 * 14000 * 0.70  # = 2 940 MWh/yr (low case)
    capex = 311000 * saved / 1325  # = 690 067.92 EUR
    crf = 0.035 * 1.035**15 / (1.035**15 - 1)  # = 0.0868251
    net = capex * crf - saved * 98  # = 59 915.20 - 288 120 = -228 204.80 EUR/yr
    tonnes = saved * 0.064  # = 188.16 t CO2e/yr
    assert rec.saving_mwh is not None and rec.saving_mwh.low == pytest.approx(saved)
    assert rec.co2e_t is not None and rec.co2e_t.low == pytest.approx(tonnes)
    assert rec.net_annual_cost_eur is not None
    assert rec.net_annual_cost_eur.low == pytest.approx(net)
    assert rec.abatement_cost_eur_per_t is not None
    assert rec.abatement_cost_eur_per_t.low == pytest.approx(-1212.82, abs=0.01)
    # The source gives a range and no central saving: no central figure, so no central bar.
    assert rec.abatement_cost_eur_per_t.central is None and "opex" in rec.missing
    bar = next(b for b in result.macc.bars if b.key == "motor_system_optimisation")
    costed_t = totals["motor_system_optimisation"].costed_co2e_t
    assert costed_t is not None and bar.co2e_t_per_yr == pytest.approx(costed_t.low)


@pytest.mark.db
def test_an_unknown_company_is_not_found(database: Database) -> None:
    report = load_demo(database)
    with pytest.raises(NotFound, match="no company 'C99'"):
        toolbox_service.recommend_for_company(database, report.park, "C99")


# ------------------------------------------------------------------ CLI ---------------------

runner = CliRunner()


@pytest.fixture
def demo_park() -> Iterator[str]:
    database = Database.from_settings(get_settings())
    report = load_demo(database)
    database.dispose()
    yield report.park


def _invoke(*args: str) -> str:
    from parkloop.cli_toolbox import toolbox_app

    result = runner.invoke(toolbox_app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_list_filters_by_level_and_topic() -> None:
    rows = json.loads(_invoke("list", "--level", "park", "--format", "json"))
    assert rows and {r["level"] for r in rows} == {"park"}
    steam = json.loads(_invoke("list", "--topic", "steam", "-f", "json"))
    assert "boiler_economiser" in [r["id"] for r in steam]
    assert "boiler_economiser" in _invoke("list", "--topic", "steam")


def test_cli_show_gives_figures_and_names_the_missing_ones() -> None:
    document = json.loads(_invoke("show", "boiler_economiser", "-f", "json"))
    assert document["saving"]["low"] == 5 and document["saving"]["high"] == 10
    assert "capex" in document["missing_figures"]
    assert "no sourced figure" in _invoke("show", "boiler_economiser")


def test_cli_errors_follow_the_main_command() -> None:
    from parkloop.cli_toolbox import toolbox_app

    result = runner.invoke(toolbox_app, ["show", "boiler_economise", "-f", "json"])
    assert result.exit_code == 1
    assert "boiler_economiser" in json.loads(result.stdout)["error"]["message"]
    bad = runner.invoke(toolbox_app, ["list", "--topic", "nope"])
    assert bad.exit_code == 1 and "unknown topic" in bad.output


def test_cli_recommend_for_a_company_with_costs(demo_park: str, catalogue_path: Path) -> None:
    output = _invoke(
        "recommend",
        demo_park,
        "--company",
        "C06",
        "--catalogue",
        str(catalogue_path),
        "--price",
        "electricity=100",
        "--price",
        "natural_gas=40",
        "--discount-rate",
        "0.05",
        "--end-use-share",
        "electricity:compressed_air=0.1",
        "-f",
        "json",
    )
    document = json.loads(output)
    assert document["company_id"] == "C06" and document["year"] == 2024
    ranked = document["recommendations"]
    assert ranked[0]["measure_id"] == "t_leaks" and ranked[0]["costed"] is True
    leaks = ranked[0]
    use = document["energy_mwh"]["electricity"]
    assert leaks["saving_mwh"]["central"] == pytest.approx(0.20 * use * 0.1)
    annual = 5000 * capital_recovery_factor(0.05, 10)
    saved_eur = 0.20 * use * 0.1 * 100
    tonnes = leaks["co2e_t"]["central"]
    assert leaks["abatement_cost_eur_per_t"]["central"] == pytest.approx(
        (annual + 100 - saved_eur) / tonnes
    )
    built_in = next(r for r in ranked if r["measure_id"] == "compressed_air_leak_repair")
    assert built_in["costed"] is False and "capex" in built_in["missing"]


def test_cli_recommend_for_the_park_writes_the_macc(demo_park: str, tmp_path: Path) -> None:
    svg = tmp_path / "macc.svg"
    output = _invoke("recommend", demo_park, "--macc-svg", str(svg))
    # the demo workbook gives its own sourced price, discount rate and end-use shares
    assert "company measures in" in output and "no energy prices" not in output
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    document = json.loads(_invoke("recommend", demo_park, "-f", "json"))
    # the one measure they cost gives a range and no central saving: no central bar ...
    assert document["macc"]["bars"] == [] and len(document["companies"]) > 20
    low = json.loads(_invoke("recommend", demo_park, "--case", "low", "-f", "json"))
    # ... and one bar at the range's low end
    assert [b["key"] for b in low["macc"]["bars"]] == ["motor_system_optimisation"]


def test_cli_prices_need_a_discount_rate(demo_park: str) -> None:
    from parkloop.cli_toolbox import toolbox_app

    result = runner.invoke(toolbox_app, ["recommend", demo_park, "--price", "electricity=90"])
    assert result.exit_code == 2 and "discount" in result.output
    bad = runner.invoke(
        toolbox_app, ["recommend", demo_park, "--price", "electricity", "--discount-rate", "0.05"]
    )
    assert bad.exit_code == 2 and "carrier=EUR_per_MWh" in bad.output


def test_the_group_mounts_on_a_parent_command() -> None:
    import typer

    from parkloop.cli_toolbox import toolbox_app

    parent = typer.Typer()

    @parent.callback()
    def main() -> None:
        """A parent command, as the ``parkloop`` command is."""

    parent.add_typer(toolbox_app, name="toolbox")
    result = runner.invoke(parent, ["toolbox", "list", "--level", "company", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert {row["level"] for row in json.loads(result.stdout)} == {"company"}
