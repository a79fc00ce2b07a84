"""GHG inventory (scope 1 and 2): hand calculations with cited factors, rules, park sums, CLI.

Every expected total below is worked out by hand from the factor values written beside it. The
values are those of ``src/parkloop/reference/data/emission_factors.yaml``; the first test checks
that the file still holds them, so a change there shows up as one clear failure.
Unit rules used throughout: 1 MWh = 0.0036 TJ; kg per TJ x TJ / 1000 = t; 1 kg/kWh = 1 t/MWh.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parkloop.cli_climate import inventory_app
from parkloop.climate import (
    FactorTable,
    company_inventory,
    default_table,
    grid_factor,
    inventory_line,
    park_inventory,
)
from parkloop.climate.factor_choice import gwp_factors
from parkloop.climate.inventory import TJ_PER_MWH
from parkloop.climate.results import Totals
from parkloop.domain.models import Company, EnergyCarrier, EnergyUse, ParkWorkbook
from parkloop.errors import NotFound, ReferenceDataError
from parkloop.services import inventory as inventory_service
from parkloop.services.database import Database
from parkloop.services.parks import load_demo
from parkloop.settings import get_settings
from parkloop.units import ureg
from tests.strategies import workbooks

E = EnergyCarrier

# --- Factors used in the hand calculations, with their sources ------------------------------
# IPCC (2006), 2006 IPCC Guidelines for National GHG Inventories, Vol. 2 Energy, Ch. 2, Table 2.2
# (default factors for stationary combustion, NCV basis), kg of the gas per TJ:
NG_CO2, NG_CH4, NG_N2O = 56_100.0, 1.0, 0.1  # fuel_natural_gas_co2 / _ch4 / _n2o
COAL_CO2, COAL_CH4, COAL_N2O = 94_600.0, 1.0, 1.5  # fuel_other_bituminous_coal_*
DIESEL_CO2, DIESEL_CH4, DIESEL_N2O = 74_100.0, 3.0, 0.6  # fuel_gas_diesel_oil_*
RFO_CO2, RFO_CH4, RFO_N2O = 77_400.0, 3.0, 0.6  # fuel_residual_fuel_oil_*
LPG_CO2, LPG_CH4, LPG_N2O = 63_100.0, 1.0, 0.1  # fuel_lpg_*
PEAT_CO2, PEAT_CH4, PEAT_N2O = 106_000.0, 1.0, 1.5  # fuel_peat_*
WOOD_CO2, WOOD_CH4, WOOD_N2O = 112_000.0, 30.0, 4.0  # fuel_wood_*
# fuel_other_biogas_co2 (Ch. 1, Table 1.4, equal to Table 2.2), fuel_other_biogas_ch4 / _n2o:
BIOGAS_CO2, BIOGAS_CH4, BIOGAS_N2O = 54_600.0, 1.0, 0.1
# IPCC AR5 WG1 Ch. 8, Table 8.7, GWP100 [kg CO2e per kg]:
GWP_CH4_AR5, GWP_N2O_AR5 = 28.0, 265.0  # gwp100_ch4_ar5, gwp100_n2o_ar5
# IPCC AR6 WG1 Ch. 7, Table 7.15, GWP100 [kg CO2e per kg]:
GWP_CH4_FOSSIL_AR6 = 29.8  # gwp100_ch4_fossil_ar6
GWP_CH4_NON_FOSSIL_AR6 = 27.0  # gwp100_ch4_non_fossil_ar6
GWP_N2O_AR6 = 273.0  # gwp100_n2o_ar6
# EEA, GHG emission intensity of electricity generation (2025 edition; version 13 for 2019-2021),
# kg CO2e per kWh:
SE_2023_EEA = 0.007  # grid_average_se_2023_eea
SE_2021_EEA = 0.009  # grid_average_se_2021_eea
DK_2023_EEA = 0.083  # grid_average_dk_2023_eea
DK_2024_EEA = 0.064  # grid_average_dk_2024_eea
# Ember, Yearly Electricity Data (lifecycle), kg CO2e per kWh:
SE_2022_EMBER = 0.04107  # grid_average_se_2022_ember
NO_2023_EMBER = 0.03008  # grid_average_no_2023_ember
# Green Power Denmark (2024), electricity consumed in Denmark 2023, kg CO2 per kWh:
DK_2023_NATIONAL = 0.096  # grid_average_dk_2023
# AIB, European Residual Mixes 2023, Table 2, kg CO2 per kWh:
SE_2023_RESIDUAL = 0.06823  # grid_residual_mix_se_2023
DK_2023_RESIDUAL = 0.58275  # grid_residual_mix_dk_2023
# Danish Building Regulations BR18, Bilag 2, Tabel 8, district heating 2023, kg CO2e per kWh:
DK_2023_DISTRICT_HEAT = 0.105  # district_heat_dk_2023

CITED = {
    "fuel_natural_gas_co2": NG_CO2,
    "fuel_natural_gas_ch4": NG_CH4,
    "fuel_natural_gas_n2o": NG_N2O,
    "fuel_other_bituminous_coal_co2": COAL_CO2,
    "fuel_other_bituminous_coal_ch4": COAL_CH4,
    "fuel_other_bituminous_coal_n2o": COAL_N2O,
    "fuel_gas_diesel_oil_co2": DIESEL_CO2,
    "fuel_gas_diesel_oil_ch4": DIESEL_CH4,
    "fuel_gas_diesel_oil_n2o": DIESEL_N2O,
    "fuel_residual_fuel_oil_co2": RFO_CO2,
    "fuel_residual_fuel_oil_ch4": RFO_CH4,
    "fuel_residual_fuel_oil_n2o": RFO_N2O,
    "fuel_lpg_co2": LPG_CO2,
    "fuel_lpg_ch4": LPG_CH4,
    "fuel_lpg_n2o": LPG_N2O,
    "fuel_peat_co2": PEAT_CO2,
    "fuel_peat_ch4": PEAT_CH4,
    "fuel_peat_n2o": PEAT_N2O,
    "fuel_wood_co2": WOOD_CO2,
    "fuel_wood_ch4": WOOD_CH4,
    "fuel_wood_n2o": WOOD_N2O,
    "fuel_other_biogas_co2": BIOGAS_CO2,
    "fuel_other_biogas_ch4": BIOGAS_CH4,
    "fuel_other_biogas_n2o": BIOGAS_N2O,
    "gwp100_ch4_ar5": GWP_CH4_AR5,
    "gwp100_n2o_ar5": GWP_N2O_AR5,
    "gwp100_ch4_fossil_ar6": GWP_CH4_FOSSIL_AR6,
    "gwp100_ch4_non_fossil_ar6": GWP_CH4_NON_FOSSIL_AR6,
    "gwp100_n2o_ar6": GWP_N2O_AR6,
    "grid_average_se_2023_eea": SE_2023_EEA,
    "grid_average_se_2021_eea": SE_2021_EEA,
    "grid_average_dk_2023_eea": DK_2023_EEA,
    "grid_average_dk_2024_eea": DK_2024_EEA,
    "grid_average_se_2022_ember": SE_2022_EMBER,
    "grid_average_no_2023_ember": NO_2023_EMBER,
    "grid_average_dk_2023": DK_2023_NATIONAL,
    "grid_residual_mix_se_2023": SE_2023_RESIDUAL,
    "grid_residual_mix_dk_2023": DK_2023_RESIDUAL,
    "district_heat_dk_2023": DK_2023_DISTRICT_HEAT,
}
GRID_COUNTRIES = ("DK", "SE", "FI", "NO", "EE", "LV", "LT", "PL", "DE")


def use(carrier: EnergyCarrier, mwh: float, year: int = 2023, onsite: bool = False) -> EnergyUse:
    return EnergyUse("C1", year, carrier, mwh, onsite)


def company(country: str = "DK", employees: int | None = None, key: str = "C1") -> Company:
    return Company(key, f"Company {key}", "10.51", country, 55.7, 9.5, employees=employees)


# --- The factors the hand calculations rely on --------------------------------------------


@pytest.mark.parametrize(("name", "value"), sorted(CITED.items()))
def test_cited_factor_values_are_the_shipped_ones(name: str, value: float) -> None:
    assert default_table().factors[name].value == value


def test_tj_per_mwh_is_the_unit_definition() -> None:
    assert ureg.Quantity(1, "MWh").to("TJ").magnitude == pytest.approx(TJ_PER_MWH, rel=1e-15)


# --- Scope 1: fuels -----------------------------------------------------------------------


def test_natural_gas_1000_mwh_dk_2023_by_hand() -> None:
    line = inventory_line(use(E.NATURAL_GAS, 1000.0), "DK")
    # 1,000 MWh x 0.0036 TJ/MWh = 3.6 TJ
    # CO2: 3.6 TJ x 56,100 kg/TJ = 201,960 kg = 201.96 t
    # CH4: 3.6 TJ x 1 kg/TJ x 28 = 100.8 kg CO2e = 0.1008 t
    # N2O: 3.6 TJ x 0.1 kg/TJ x 265 = 95.4 kg CO2e = 0.0954 t
    # scope 1 = 201.96 + 0.1008 + 0.0954 = 202.1562 t CO2e
    assert line.scope == 1
    assert line.location is not None and line.market == line.location
    assert line.location.tco2e == pytest.approx(202.1562, abs=1e-9)
    assert line.location.factors == (
        "fuel_natural_gas_co2",
        "fuel_natural_gas_ch4",
        "fuel_natural_gas_n2o",
        "gwp100_ch4_ar5",
        "gwp100_n2o_ar5",
    )
    assert line.biogenic_co2_t == 0.0
    assert line.gap is None


def test_natural_gas_with_ar6_gwp_by_hand() -> None:
    line = inventory_line(use(E.NATURAL_GAS, 1000.0), "DK", gwp="ar6")
    # 201.96 t CO2 + 3.6 x 1 x 29.8 / 1000 (0.10728) + 3.6 x 0.1 x 273 / 1000 (0.09828)
    # = 202.16556 t CO2e (fossil methane GWP of AR6)
    assert line.location is not None
    assert line.location.tco2e == pytest.approx(202.16556, abs=1e-9)
    assert "gwp100_ch4_fossil_ar6" in line.location.factors


@pytest.mark.parametrize(
    ("carrier", "expected_t", "co2_factor"),
    [
        # 1,000 MWh coal = 3.6 TJ: 3.6 x (94,600 + 1 x 28 + 1.5 x 265) / 1000
        # = 3.6 x 95,025.5 / 1000 = 342.0918 t CO2e
        (E.COAL, 342.0918, "fuel_other_bituminous_coal_co2"),
        # diesel (IPCC gas/diesel oil): 3.6 x (74,100 + 3 x 28 + 0.6 x 265) / 1000
        # = 3.6 x 74,343 / 1000 = 267.6348
        (E.DIESEL, 267.6348, "fuel_gas_diesel_oil_co2"),
        # fuel oil (IPCC residual fuel oil): 3.6 x (77,400 + 84 + 159) / 1000 = 279.5148
        (E.FUEL_OIL, 279.5148, "fuel_residual_fuel_oil_co2"),
        # LPG: 3.6 x (63,100 + 28 + 26.5) / 1000 = 3.6 x 63,154.5 / 1000 = 227.3562
        (E.LPG, 227.3562, "fuel_lpg_co2"),
        # peat: 3.6 x (106,000 + 28 + 397.5) / 1000 = 3.6 x 106,425.5 / 1000 = 383.1318
        (E.PEAT, 383.1318, "fuel_peat_co2"),
    ],
)
def test_fossil_fuels_by_hand(carrier: EnergyCarrier, expected_t: float, co2_factor: str) -> None:
    line = inventory_line(use(carrier, 1000.0), "SE")
    assert line.scope == 1
    assert line.location is not None
    assert line.location.tco2e == pytest.approx(expected_t, abs=1e-9)
    assert line.location.factors[0] == co2_factor


def test_biomass_co2_is_biogenic_and_outside_the_scopes() -> None:
    line = inventory_line(use(E.BIOMASS, 10_000.0), "DK")
    # 10,000 MWh = 36 TJ, taken as IPCC wood/wood waste
    # biogenic CO2: 36 x 112,000 / 1000 = 4,032 t (outside the scopes)
    # scope 1: 36 x (30 x 28 + 4 x 265) / 1000 = 36 x 1,900 / 1000 = 68.4 t CO2e
    assert line.scope == 1
    assert line.biogenic_co2_t == pytest.approx(4032.0, abs=1e-9)
    assert line.biogenic_factors == ("fuel_wood_co2",)
    assert line.location is not None
    assert line.location.tco2e == pytest.approx(68.4, abs=1e-9)
    assert "fuel_wood_co2" not in line.location.factors
    totals = Totals.of_lines([line])
    assert totals.scope1_tco2e == pytest.approx(68.4, abs=1e-9)
    assert totals.total_tco2e("location") == pytest.approx(68.4, abs=1e-9)
    assert totals.biogenic_co2_t == pytest.approx(4032.0, abs=1e-9)
    assert any("biogenic" in note for note in line.notes)


def test_biomass_with_ar6_uses_non_fossil_methane() -> None:
    line = inventory_line(use(E.BIOMASS, 10_000.0), "DK", gwp="ar6")
    # 36 x (30 x 27.0 + 4 x 273) / 1000 = 36 x 1,902 / 1000 = 68.472 t CO2e
    assert line.location is not None
    assert line.location.tco2e == pytest.approx(68.472, abs=1e-9)
    assert "gwp100_ch4_non_fossil_ar6" in line.location.factors


def test_biogas_by_hand() -> None:
    line = inventory_line(use(E.BIOGAS, 1000.0), "FI")
    # 3.6 TJ: biogenic CO2 3.6 x 54,600 / 1000 = 196.56 t
    # scope 1: 3.6 x (1 x 28 + 0.1 x 265) / 1000 = 3.6 x 54.5 / 1000 = 0.1962 t CO2e
    assert line.biogenic_co2_t == pytest.approx(196.56, abs=1e-9)
    assert line.location is not None
    assert line.location.tco2e == pytest.approx(0.1962, abs=1e-12)


# --- Scope 2: electricity, district heat, steam -------------------------------------------


def test_electricity_se_2023_location_and_market_differ() -> None:
    line = inventory_line(use(E.ELECTRICITY, 500.0), "SE")
    # location (EEA): 500 MWh x 0.007 kg CO2e/kWh = 3.5 t CO2e
    # market (AIB residual mix): 500 MWh x 0.06823 kg CO2/kWh = 34.115 t
    assert line.scope == 2
    assert line.location is not None and line.market is not None
    assert line.location.tco2e == pytest.approx(3.5, abs=1e-9)
    assert line.location.factors == ("grid_average_se_2023_eea",)
    assert line.market.tco2e == pytest.approx(34.115, abs=1e-9)
    assert line.market.factors == ("grid_residual_mix_se_2023",)
    assert line.location.tco2e != line.market.tco2e
    assert any("CO2 only" in note for note in line.market.notes)


def test_other_location_series_by_hand() -> None:
    # national figure, DK 2023: 500 x 0.096 = 48 t CO2
    national = inventory_line(use(E.ELECTRICITY, 500.0), "DK", series="national")
    assert national.location is not None
    assert national.location.tco2e == pytest.approx(48.0, abs=1e-9)
    assert national.location.factors == ("grid_average_dk_2023",)
    # Ember, SE 2022: 500 x 0.04107 = 20.535 t CO2e; the year exists, so no note
    ember = inventory_line(use(E.ELECTRICITY, 500.0, year=2022), "SE", series="ember")
    assert ember.location is not None
    assert ember.location.tco2e == pytest.approx(20.535, abs=1e-9)
    assert ember.location.notes == ()


def test_missing_year_falls_back_to_the_earlier_year_of_the_same_series_and_says_so() -> None:
    # The EEA series has no 2022: SE 2022 takes EEA 2021, 500 x 0.009 = 4.5 t CO2e,
    # not the Ember 2022 figure.
    line = inventory_line(use(E.ELECTRICITY, 500.0, year=2022), "SE")
    assert line.location is not None
    assert line.location.tco2e == pytest.approx(4.5, abs=1e-9)
    assert line.location.factors == ("grid_average_se_2021_eea",)
    (note,) = [n for n in line.location.notes if "nearest earlier year" in n]
    assert "2022" in note and "grid_average_se_2021_eea" in note
    # market 2024: no residual mix for 2024; 2023 is used (500 x 0.06823 = 34.115 t)
    market = inventory_line(use(E.ELECTRICITY, 500.0, year=2024), "SE").market
    assert market is not None
    assert market.factors == ("grid_residual_mix_se_2023",)
    assert market.tco2e == pytest.approx(34.115, abs=1e-9)
    assert any("2024" in n and "grid_residual_mix_se_2023" in n for n in market.notes)
    # the note reaches the company result
    result = company_inventory(company("SE"), [use(E.ELECTRICITY, 500.0, year=2022)], year=2022)
    assert any("grid_average_se_2021_eea" in n for n in result.notes("location"))


def test_norway_takes_ember_and_has_no_residual_mix() -> None:
    line = inventory_line(use(E.ELECTRICITY, 500.0), "NO")
    # no EEA series for NO: Ember 2023, 500 x 0.03008 = 15.04 t CO2e
    assert line.location is not None
    assert line.location.tco2e == pytest.approx(15.04, abs=1e-9)
    assert any("Ember" in n for n in line.location.notes)
    assert line.market is None
    assert line.gap is not None and "residual mix" in line.gap
    result = company_inventory(company("NO"), [use(E.ELECTRICITY, 500.0)], year=2023)
    (gap,) = result.gaps
    assert gap.methods == ("market",)
    assert result.totals.scope2_market_tco2e == 0.0


def test_years_before_a_series_starts_are_gaps() -> None:
    line = inventory_line(use(E.ELECTRICITY, 500.0, year=2015), "DK")
    assert line.location is None and line.market is None
    assert line.gap is not None and "starts in 2019" in line.gap


def test_district_heat_and_steam_dk_by_hand() -> None:
    heat = inventory_line(use(E.DISTRICT_HEAT, 2000.0), "DK")
    # 2,000 MWh x 0.105 kg CO2e/kWh = 210 t CO2e, the same under both methods
    assert heat.scope == 2
    assert heat.location is not None and heat.market is not None
    assert heat.location.tco2e == pytest.approx(210.0, abs=1e-9)
    assert heat.market.tco2e == pytest.approx(210.0, abs=1e-9)
    steam = inventory_line(use(E.STEAM, 1000.0, year=2024), "DK")
    # 2024 takes the 2023 factor: 1,000 x 0.105 = 105 t CO2e
    assert steam.location is not None
    assert steam.location.tco2e == pytest.approx(105.0, abs=1e-9)
    assert any("steam" in n for n in steam.notes)
    assert any("2023" in n for n in steam.location.notes)


def test_district_heat_without_a_national_factor_is_a_gap() -> None:
    line = inventory_line(use(E.DISTRICT_HEAT, 2000.0), "SE")
    assert line.scope == 2
    assert line.location is None and line.market is None
    assert line.gap is not None and "district heat" in line.gap
    result = company_inventory(company("SE"), [use(E.DISTRICT_HEAT, 2000.0)], year=2023)
    assert [g.carrier for g in result.gaps] == [E.DISTRICT_HEAT]
    assert result.totals == Totals()


def test_onsite_generation_is_not_scope_2() -> None:
    line = inventory_line(use(E.ELECTRICITY, 5000.0, onsite=True), "DK")
    assert line.scope is None
    assert line.location is not None and line.location.tco2e == 0.0
    assert any("not purchased" in n for n in line.notes)
    assert Totals.of_lines([line]) == Totals()


@pytest.mark.parametrize(
    ("carrier", "words"),
    [
        (E.HYDROGEN, "hydrogen"),
        (E.WASTE, "fossil share"),
        (E.OTHER, "other"),
        (E.GASOLINE, "fuel_motor_gasoline_co2"),
    ],
)
def test_carriers_without_a_factor_are_gaps_with_a_reason(
    carrier: EnergyCarrier, words: str
) -> None:
    result = company_inventory(company(), [use(carrier, 100.0)], year=2023)
    (line,) = result.lines
    assert line.location is None and line.market is None
    (gap,) = result.gaps
    assert gap.methods == ("location", "market")
    assert words in gap.reason
    assert result.totals == Totals()


# --- Company and park results -------------------------------------------------------------


def test_company_totals_and_intensities_by_hand() -> None:
    uses = [use(E.NATURAL_GAS, 1000.0), use(E.ELECTRICITY, 500.0), use(E.NATURAL_GAS, 1.0, 2024)]
    result = company_inventory(
        company("DK", employees=40), uses, year=2023, value_added_eur=2_000_000.0
    )
    # scope 1: 202.1562 t (natural gas above); the 2024 row is another year
    # scope 2 location: 500 x 0.083 = 41.5 t; market: 500 x 0.58275 = 291.375 t
    assert len(result.lines) == 2
    assert result.totals.scope1_tco2e == pytest.approx(202.1562, abs=1e-9)
    assert result.totals.scope2_location_tco2e == pytest.approx(41.5, abs=1e-9)
    assert result.totals.scope2_market_tco2e == pytest.approx(291.375, abs=1e-9)
    # per employee: 243.6562 / 40 = 6.091405; 493.5312 / 40 = 12.33828 t CO2e
    assert result.per_employee_t("location") == pytest.approx(6.091405, abs=1e-12)
    assert result.per_employee_t("market") == pytest.approx(12.33828, abs=1e-12)
    # per value added: 243.6562 t / 2 MEUR = 121.8281 t CO2e per million EUR
    assert result.per_meur_value_added_t("location") == pytest.approx(121.8281, abs=1e-9)
    assert company_inventory(company("DK"), uses, year=2023).per_employee_t("location") is None


def test_park_totals_baseline_and_coverage_by_hand() -> None:
    a, b = company("DK", 10, "A"), company("SE", 30, "B")
    energy = [
        EnergyUse("A", 2023, E.ELECTRICITY, 1000.0),  # 1000 x 0.083 = 83 t (location)
        EnergyUse("A", 2024, E.ELECTRICITY, 1000.0),  # 1000 x 0.064 = 64 t
        EnergyUse("B", 2024, E.NATURAL_GAS, 1000.0),  # 202.1562 t
    ]
    result = park_inventory(ParkWorkbook(None, [a, b], [], energy), park="Test")
    assert result.baseline_year == 2023
    assert [y.year for y in result.years] == [2023, 2024]
    base, y2024 = result.years
    assert base.totals.total_tco2e("location") == pytest.approx(83.0, abs=1e-9)
    assert base.missing_companies == ("B",)
    assert any("1 of 2 companies" in n for n in base.notes())
    # 2024: 64 + 202.1562 = 266.1562 t; change from 83 t: 266.1562 / 83 - 1
    assert y2024.totals.total_tco2e("location") == pytest.approx(266.1562, abs=1e-9)
    change = result.change_from_baseline(y2024, "location")
    assert change == pytest.approx(266.1562 / 83.0 - 1.0, rel=1e-12)
    # per employee over companies that give employees: 266.1562 / (10 + 30)
    assert y2024.per_employee_t("location") == pytest.approx(266.1562 / 40.0, rel=1e-12)
    assert y2024.by_carrier[E.NATURAL_GAS].scope1_tco2e == pytest.approx(202.1562, abs=1e-9)
    assert any("different sets of companies" in n for n in result.notes)
    # one year only, with the baseline kept for comparison
    only = park_inventory(ParkWorkbook(None, [a, b], [], energy), year=2024)
    assert [y.year for y in only.years] == [2024]
    assert only.baseline is not None and only.baseline.year == 2023
    assert "grid_average_dk_2023_eea" in only.factors_for("location")
    document = json.loads(json.dumps(result.as_dict("market")))
    assert document["years"][1]["change_from_baseline"] is not None
    assert set(document["factors"]) >= {"grid_residual_mix_dk_2023", "fuel_natural_gas_co2"}
    assert "grid_average_dk_2023_eea" not in document["factors"]


@settings(max_examples=60, deadline=None)
@given(
    workbook=workbooks(),
    gwp=st.sampled_from(["ar5", "ar6"]),
    series=st.sampled_from(["eea", "ember", "national"]),
)
def test_park_total_is_the_sum_of_its_companies_and_of_its_carriers(
    workbook: ParkWorkbook, gwp: str, series: str
) -> None:
    result = park_inventory(workbook, gwp=gwp, series=series)
    for year in result.years:
        for method in ("location", "market"):
            companies = math.fsum(c.totals.total_tco2e(method) for c in year.companies)
            carriers = math.fsum(t.total_tco2e(method) for t in year.by_carrier.values())
            assert year.totals.total_tco2e(method) == pytest.approx(companies, rel=1e-9)
            assert year.totals.total_tco2e(method) == pytest.approx(carriers, rel=1e-9)
        biogenic = math.fsum(c.totals.biogenic_co2_t for c in year.companies)
        assert year.totals.biogenic_co2_t == pytest.approx(biogenic, rel=1e-9)
        for c in year.companies:
            for line in c.lines:
                for method in ("location", "market"):
                    estimate = line.estimate(method)
                    if estimate is None:
                        assert any(
                            g.carrier is line.carrier and method in g.methods for g in c.gaps
                        )
                    else:
                        assert estimate.tco2e >= 0.0


def test_unknown_method_gwp_and_series_raise_value_error() -> None:
    table = default_table()
    with pytest.raises(ValueError, match="unknown method 'residual'; choose one of"):
        grid_factor(table, "DK", 2023, method="residual")
    with pytest.raises(ValueError, match="unknown GWP set 'ar4'"):
        park_inventory(ParkWorkbook(None, [], [], []), gwp="ar4")
    with pytest.raises(ValueError, match="unknown series 'iea'"):
        inventory_line(use(E.ELECTRICITY, 1.0), "DK", series="iea")
    with pytest.raises(ValueError, match="unknown method"):
        Totals().total_tco2e("average")


def test_energy_rows_of_unknown_companies_are_refused() -> None:
    workbook = ParkWorkbook(None, [company()], [], [EnergyUse("X9", 2023, E.COAL, 1.0)])
    with pytest.raises(ValueError, match="X9"):
        park_inventory(workbook)


def test_every_grid_country_has_a_location_factor_from_2019() -> None:
    table = default_table()
    for country in GRID_COUNTRIES:
        for year in range(2019, 2026):
            assert grid_factor(table, country, year).factor is not None, (country, year)
            market = grid_factor(table, country, year, method="market").factor
            assert (market is not None) == (country != "NO" and year >= 2023), (country, year)


def test_malformed_shipped_factors_are_reported_by_name_and_field() -> None:
    factors = dict(default_table().factors)
    good = factors["grid_average_se_2023_eea"]
    with pytest.raises(ReferenceDataError, match="grid_average_se_2023_eea has basis 'market'"):
        FactorTable.from_factors({**factors, good.name: replace(good, basis="market")})
    with pytest.raises(ReferenceDataError, match="grid_average_se_2023_eea has unit 'g per kWh'"):
        FactorTable.from_factors({**factors, good.name: replace(good, unit="g per kWh")})
    with pytest.raises(ReferenceDataError, match="grid_average_se_2023_eea has year 2022"):
        FactorTable.from_factors({**factors, good.name: replace(good, year=2022)})
    without_gwp = {k: v for k, v in factors.items() if k != "gwp100_n2o_ar5"}
    with pytest.raises(ReferenceDataError, match="gwp100_n2o_ar5 is missing"):
        gwp_factors(FactorTable.from_factors(without_gwp), "ar5")


# --- The demo park, through the service (SQLite and PostgreSQL) ----------------------------


@pytest.mark.db
def test_demo_park_inventory_runs_and_every_country_has_factors(database: Database) -> None:
    park = load_demo(database).park
    result = inventory_service.park_inventory(database, park)
    workbook_years = [y.year for y in result.years]
    assert workbook_years == [2023, 2024]
    for year in result.years:
        assert year.gaps == ()
        assert year.totals.total_tco2e("location") > 0
        for c in year.companies:
            assert grid_factor(default_table(), c.country, year.year).factor is not None
            assert grid_factor(default_table(), c.country, year.year, method="market").factor
            for line in c.lines:
                assert line.location is not None and line.market is not None
        companies = math.fsum(c.totals.total_tco2e("market") for c in year.companies)
        assert year.totals.total_tco2e("market") == pytest.approx(companies, rel=1e-12)
    # Independent check: location-based scope 2 of purchased electricity in 2024 is the
    # purchased MWh of the sheet x 0.064 kg CO2e/kWh (EEA, DK 2024).
    y2024 = result.year(2024)
    purchased = math.fsum(
        line.mwh
        for c in y2024.companies
        for line in c.lines
        if line.carrier is E.ELECTRICITY and not line.onsite_generation
    )
    electricity = y2024.by_carrier[E.ELECTRICITY].scope2_location_tco2e
    assert electricity == pytest.approx(purchased * DK_2024_EEA, rel=1e-12)
    for name, factor in result.factors.items():
        assert factor.source.strip(), name
    assert inventory_service.park_inventory(database, park, year=2024).years == (y2024,)
    with pytest.raises(NotFound):
        inventory_service.park_inventory(database, "No Such Park")


# --- The command ----------------------------------------------------------------------------

runner = CliRunner()


def _cli() -> typer.Typer:
    """The main app's registration, ``app.add_typer(inventory_app)``, on a stand-in app."""
    app = typer.Typer()
    app.add_typer(inventory_app)

    @app.command("parks")
    def parks() -> None:
        """A second command, so that ``inventory`` is a subcommand as in ``parkloop``."""

    return app


@pytest.fixture
def demo_park() -> str:
    database = Database.from_settings(get_settings())
    try:
        return load_demo(database).park
    finally:
        database.dispose()


def test_cli_inventory_json_follows_the_method(demo_park: str) -> None:
    located = runner.invoke(_cli(), ["inventory", demo_park, "--year", "2024", "-f", "json"])
    assert located.exit_code == 0, located.output
    location = json.loads(located.output)
    market = json.loads(
        runner.invoke(
            _cli(), ["inventory", demo_park, "--year", "2024", "--method", "market", "-f", "json"]
        ).output
    )
    assert location["method"] == "location" and market["method"] == "market"
    (year,) = location["years"]
    assert year["year"] == 2024
    assert year["scope1_tco2e"] == market["years"][0]["scope1_tco2e"]
    assert year["scope2_tco2e"] != market["years"][0]["scope2_tco2e"]
    assert year["total_tco2e"] == pytest.approx(
        math.fsum(c["total_tco2e"] for c in year["companies"]), rel=1e-12
    )
    assert "grid_average_dk_2024_eea" in location["factors"]
    assert "grid_residual_mix_dk_2023" in market["factors"]
    assert location["baseline_year"] == 2023


def test_cli_inventory_table_shows_park_notes_and_sources(demo_park: str) -> None:
    result = runner.invoke(_cli(), ["inventory", demo_park, "--gwp", "ar6"])
    assert result.exit_code == 0, result.output
    for words in ("GHG inventory", "park", "by carrier", "notes", "factors used", "AR6"):
        assert words in result.output
    assert "gwp100_ch4_fossil_ar6 = 29.8" in result.output


def test_cli_inventory_unknown_park_exits_non_zero(demo_park: str) -> None:
    result = runner.invoke(_cli(), ["inventory", "Atlantis", "-f", "json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["error"]["code"] == "not_found"
    bad = runner.invoke(_cli(), ["inventory", demo_park, "--method", "average"])
    assert bad.exit_code == 2


def test_cli_inventory_help() -> None:
    result = runner.invoke(_cli(), ["inventory", "--help"])
    assert result.exit_code == 0
    assert "--method" in result.output and "--year" in result.output
