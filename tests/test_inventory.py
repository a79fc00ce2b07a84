"""GHG inventory: hand calculations with cited factors, rules, park sums, scope 3, CLI.

Every expected total below is worked out by hand from the factor values written beside it. The
values are those of ``src/parkloop/reference/data/emission_factors.yaml``; the first test checks
that the file still holds them, so a change there shows up as one clear failure. The tests of
process emissions and scope 3 read the factor values from the data files (``shipped``) and write
each expected number as arithmetic on them; the published values are in ``CITED``.
Unit rules used throughout: 1 MWh = 0.0036 TJ; kg per TJ x TJ / 1000 = t; 1 kg/kWh = 1 t/MWh;
t of gas x GWP100 = t CO2e; kg CO2e per t (or per tonne-km) x t (or tonne-km) / 1000 = t CO2e.
"""

from __future__ import annotations

import csv
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
from parkloop.climate.process import process_gwp, process_line
from parkloop.climate.results import Totals
from parkloop.climate.scope3 import freight_line, scope3_inventory, waste_line
from parkloop.domain.models import (
    Company,
    EnergyCarrier,
    EnergyUse,
    FreightTransport,
    ParkWorkbook,
    ProcessEmission,
    WasteArising,
)
from parkloop.errors import NotFound, ReferenceDataError
from parkloop.impact.factors import DisposalEntry, impact_reference
from parkloop.reference.factors import load_factors
from parkloop.services import inventory as inventory_service
from parkloop.services.database import Database
from parkloop.services.parks import demo_workbook_path, load_demo
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
# IPCC AR5 WG1 Ch. 8, Table 8.A.1 and AR6 WG1 Ch. 7, Table 7.SM.7, GWP100 of HFC-134a:
GWP_HFC134A_AR5, GWP_HFC134A_AR6 = 1300.0, 1530.0  # gwp100_hfc134a_ar5 / _ar6
# UK DESNZ and Defra, GHG reporting: conversion factors 2025, Waste disposal [kg CO2e per t]:
UK_LANDFILL_AGGREGATES = 1.26338  # waste_landfill_aggregates
UK_LANDFILL_FOOD = 700.30886  # waste_landfill_food
UK_COMPOSTING_GARDEN = 8.98311  # waste_composting_garden
UK_CLOSED_LOOP_PAPER = 4.68568  # waste_closed_loop_recycling_paper_board_mixed
UK_OPEN_LOOP_AGGREGATES = 1.00835  # waste_open_loop_recycling_aggregates (no closed loop)
# ... and Freighting goods [kg CO2e per tonne-km]:
UK_FREIGHT_ROAD = 0.078  # freight_road_all_articulated_hgv (HGV all artics, average laden)
UK_FREIGHT_RAIL = 0.02779  # freight_rail
UK_FREIGHT_SEA_BULK = 0.00353  # freight_sea_bulk_carrier
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
    "gwp100_hfc134a_ar5": GWP_HFC134A_AR5,
    "gwp100_hfc134a_ar6": GWP_HFC134A_AR6,
    "waste_landfill_aggregates": UK_LANDFILL_AGGREGATES,
    "waste_landfill_food": UK_LANDFILL_FOOD,
    "waste_composting_garden": UK_COMPOSTING_GARDEN,
    "waste_closed_loop_recycling_paper_board_mixed": UK_CLOSED_LOOP_PAPER,
    "waste_open_loop_recycling_aggregates": UK_OPEN_LOOP_AGGREGATES,
    "freight_road_all_articulated_hgv": UK_FREIGHT_ROAD,
    "freight_rail": UK_FREIGHT_RAIL,
    "freight_sea_bulk_carrier": UK_FREIGHT_SEA_BULK,
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
            sources = carriers + year.process.total_tco2e(method)
            assert year.totals.total_tco2e(method) == pytest.approx(companies, rel=1e-9)
            assert year.totals.total_tco2e(method) == pytest.approx(sources, rel=1e-9)
        biogenic = math.fsum(c.totals.biogenic_co2_t for c in year.companies)
        assert year.totals.biogenic_co2_t == pytest.approx(biogenic, rel=1e-9)
        assert year.process_gaps == ()  # every gas the workbook allows has both GWP sets
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


# --- Process emissions (scope 1) -----------------------------------------------------------

shipped = load_factors("emission_factors.yaml")


def f(name: str) -> float:
    """The value of a shipped factor, read from ``emission_factors.yaml``."""
    return shipped[name].value


def process(gas: str, tonnes: float, biogenic: bool = False, key: str = "C1") -> ProcessEmission:
    return ProcessEmission(key, 2024, f"{gas} source", gas, tonnes, biogenic)


PROCESS_ROWS = [
    process("N2O", 0.256),  # nitrification and denitrification
    process("CH4", 57.0, biogenic=True),  # digester losses
    process("CH4", 10.0),  # fossil methane vented
    process("HFC134A", 0.05),  # refrigerant leak
    process("CO2", 1000.0),  # calcination
    process("CO2", 7500.0, biogenic=True),  # vented from biogas upgrading
]


def test_process_lines_by_hand_with_ar5() -> None:
    lines = [process_line(row, default_table(), "ar5") for row in PROCESS_ROWS]
    # IPCC AR5 WG1 Ch. 8 (Tables 8.7 and 8.A.1): one GWP100 per gas, biogenic or not
    expected = [
        0.256 * f("gwp100_n2o_ar5"),  # 0.256 x 265 = 67.84
        57.0 * f("gwp100_ch4_ar5"),  # 57 x 28 = 1,596 (biogenic CH4 counts in scope 1)
        10.0 * f("gwp100_ch4_ar5"),  # 10 x 28 = 280
        0.05 * f("gwp100_hfc134a_ar5"),  # 0.05 x 1,300 = 65
        1000.0,  # CO2: GWP 1 by definition
    ]
    for line, value in zip(lines, expected, strict=False):
        assert line.scope == 1 and line.estimate is not None
        assert line.estimate.tco2e == pytest.approx(value, rel=1e-12)
    assert expected[:4] == pytest.approx([67.84, 1596.0, 280.0, 65.0], rel=1e-12)
    assert lines[3].estimate is not None
    assert lines[3].estimate.factors == ("gwp100_hfc134a_ar5",)
    assert lines[4].factor_names() == ()
    vented = lines[5]
    assert vented.scope is None and vented.estimate is None and vented.gap is None
    assert vented.biogenic_co2_t == 7500.0
    totals = Totals.of_process(lines)
    assert totals.scope1_tco2e == pytest.approx(math.fsum(expected), rel=1e-12)
    assert totals.biogenic_co2_t == 7500.0
    assert totals.scope2_location_tco2e == totals.scope2_market_tco2e == 0.0


def test_process_lines_by_hand_with_ar6_split_methane_by_origin() -> None:
    lines = [process_line(row, default_table(), "ar6") for row in PROCESS_ROWS]
    # IPCC AR6 WG1 Ch. 7 (Table 7.15 for CH4 and N2O, Table 7.SM.7 for HFC-134a)
    expected = [
        0.256 * f("gwp100_n2o_ar6"),  # 0.256 x 273 = 69.888
        57.0 * f("gwp100_ch4_non_fossil_ar6"),  # biogenic methane: 57 x 27.0 = 1,539
        10.0 * f("gwp100_ch4_fossil_ar6"),  # fossil methane: 10 x 29.8 = 298
        0.05 * f("gwp100_hfc134a_ar6"),  # 0.05 x 1,530 = 76.5
        1000.0,
    ]
    assert expected[:4] == pytest.approx([69.888, 1539.0, 298.0, 76.5], rel=1e-12)
    assert [line.estimate.tco2e if line.estimate else None for line in lines[:5]] == (
        pytest.approx(expected, rel=1e-12)
    )
    assert [line.factor_names() for line in lines[:4]] == [
        ("gwp100_n2o_ar6",),
        ("gwp100_ch4_non_fossil_ar6",),
        ("gwp100_ch4_fossil_ar6",),
        ("gwp100_hfc134a_ar6",),
    ]
    assert lines[5].biogenic_co2_t == 7500.0  # biogenic CO2 stays outside whatever the set


def test_process_emissions_join_scope_1_of_the_company_and_the_park() -> None:
    a, b = company("DK", 10, "A"), company("DK", 5, "B")
    energy = [EnergyUse("A", 2024, E.NATURAL_GAS, 1000.0)]
    rows = [
        ProcessEmission("A", 2024, "wastewater", "N2O", 0.256, False),
        ProcessEmission("B", 2025, "upgrading", "CO2", 500.0, True),
        ProcessEmission("B", 2025, "digester", "CH4", 2.0, True),
    ]
    workbook = ParkWorkbook(None, [a, b], [], energy, process_emissions=rows)
    result = park_inventory(workbook)
    # the years come from the energy and the process rows
    assert [y.year for y in result.years] == [2024, 2025] and result.baseline_year == 2024
    y2024, y2025 = result.years
    # A in 2024: 1,000 MWh natural gas = 3.6 TJ x (56,100 + 1 x 28 + 0.1 x 265) / 1000
    gas = (
        3.6
        * (
            f("fuel_natural_gas_co2")
            + f("fuel_natural_gas_ch4") * f("gwp100_ch4_ar5")
            + f("fuel_natural_gas_n2o") * f("gwp100_n2o_ar5")
        )
        / 1000.0
    )  # 202.1562 t
    n2o = 0.256 * f("gwp100_n2o_ar5")  # 67.84 t
    (only_a,) = y2024.companies
    assert only_a.totals.scope1_tco2e == pytest.approx(gas + n2o, rel=1e-12)
    assert only_a.totals.scope1_tco2e == pytest.approx(202.1562 + 67.84, rel=1e-12)
    assert y2024.by_carrier[E.NATURAL_GAS].scope1_tco2e == pytest.approx(gas, rel=1e-12)
    assert y2024.process.scope1_tco2e == pytest.approx(n2o, rel=1e-12)
    assert y2024.missing_companies == ("B",)
    assert any("1 of 2 companies have energy or process rows" in n for n in y2024.notes())
    # B in 2025 has process rows only: 2 t biogenic CH4 x 28 = 56 t; 500 t biogenic CO2 apart
    (only_b,) = y2025.companies
    assert only_b.lines == () and len(only_b.process_lines) == 2
    assert only_b.totals.scope1_tco2e == pytest.approx(2.0 * f("gwp100_ch4_ar5"), rel=1e-12)
    assert only_b.totals.biogenic_co2_t == 500.0
    assert y2025.totals.total_tco2e("market") == pytest.approx(56.0, rel=1e-12)
    assert result.change_from_baseline(y2025, "location") == pytest.approx(
        56.0 / (gas + n2o) - 1.0, rel=1e-12
    )
    assert {"gwp100_n2o_ar5", "gwp100_ch4_ar5"} <= set(result.factors_for("market"))
    assert any(n.startswith("process emissions:") for n in result.notes)
    document = json.loads(json.dumps(result.as_dict("location")))
    lines = document["years"][0]["companies"][0]["process_lines"]
    assert lines[0]["tco2e"] == pytest.approx(n2o) and lines[0]["factors"] == ["gwp100_n2o_ar5"]
    assert document["years"][1]["process"]["biogenic_co2_t"] == 500.0
    with pytest.raises(ValueError, match="energy or process rows of companies not in"):
        park_inventory(ParkWorkbook(None, [a], [], [], process_emissions=rows))


def test_a_gas_without_a_gwp_of_the_chosen_report_is_a_gap() -> None:
    factors = {k: v for k, v in default_table().factors.items() if k != "gwp100_hfc134a_ar6"}
    table = FactorTable.from_factors(factors)
    rows = [process("HFC134A", 0.05), process("N2O", 1.0)]
    workbook = ParkWorkbook(None, [company()], [], [], process_emissions=rows)
    result = park_inventory(workbook, gwp="ar6", table=table)
    (year,) = result.years
    (gap,) = year.process_gaps
    assert gap.gas == "HFC134A" and gap.estimate is None and gap.scope == 1
    assert gap.gap is not None and "no GWP100 of IPCC AR6" in gap.gap
    # only the N2O counts: 1 t x 273
    assert year.totals.scope1_tco2e == pytest.approx(1.0 * f("gwp100_n2o_ar6"), rel=1e-12)
    assert (
        json.loads(json.dumps(result.as_dict("location")))["years"][0]["process_gaps"][0]["gas"]
        == "HFC134A"
    )
    # the same row with AR5 has its factor
    assert park_inventory(workbook, table=table).years[0].process_gaps == ()


def test_process_gwp_refuses_co2_and_a_gwp_entry_in_another_unit() -> None:
    table = default_table()
    with pytest.raises(ValueError, match="reference gas"):
        process_gwp(table, "CO2")
    with pytest.raises(ValueError, match="unknown GWP set 'ar4'"):
        process_gwp(table, "N2O", "ar4")
    bad = replace(table.factors["gwp100_hfc32_ar5"], unit="kg CO2 per kg")
    broken = FactorTable.from_factors({**table.factors, bad.name: bad})
    with pytest.raises(ReferenceDataError, match="gwp100_hfc32_ar5 has unit 'kg CO2 per kg'"):
        process_gwp(broken, "HFC32")
    with pytest.raises(ValueError, match="finite number of t >= 0"):
        process_line(process("N2O", -1.0), table)


# --- Scope 3: waste (category 5) and freight (category 4) -----------------------------------


def waste(tonnes: float, treatment: str, ewc: str | None, key: str = "C1") -> WasteArising:
    return WasteArising(key, 2024, tonnes, treatment, ewc)


def test_waste_category_5_by_hand() -> None:
    rows = [
        waste(2500.0, "landfill", "17 09 04"),  # mixed C&D waste -> construction_demolition
        waste(300.0, "recycling", "15 01 01"),  # paper and cardboard packaging
        waste(40.0, "landfill", "20 01 08"),  # biodegradable kitchen waste -> food
        waste(12.0, "composting", "20 02 01"),  # biodegradable garden waste -> garden
    ]
    lines = [waste_line(row) for row in rows]
    # UK conversion factors 2025, Waste disposal, kg CO2e per t / 1000 = t CO2e per t
    expected = [
        2500.0 * f("waste_landfill_aggregates") / 1000.0,  # 2,500 x 1.26338 / 1000 = 3.15845
        300.0 * f("waste_closed_loop_recycling_paper_board_mixed") / 1000.0,  # 1.405704
        40.0 * f("waste_landfill_food") / 1000.0,  # 40 x 700.30886 / 1000 = 28.0123544
        12.0 * f("waste_composting_garden") / 1000.0,  # 12 x 8.98311 / 1000 = 0.10779732
    ]
    assert expected == pytest.approx([3.15845, 1.405704, 28.0123544, 0.10779732], rel=1e-12)
    assert [line.tco2e for line in lines] == pytest.approx(expected, rel=1e-12)
    assert [line.material for line in lines] == [
        "aggregates",
        "paper_board_mixed",
        "food",
        "garden",
    ]
    assert [line.factors for line in lines] == [
        ("waste_landfill_aggregates",),
        ("waste_closed_loop_recycling_paper_board_mixed",),
        ("waste_landfill_food",),
        ("waste_composting_garden",),
    ]
    assert all(line.category == 5 and line.gap is None and line.unit == "t" for line in lines)
    companies = [company("DK", key="C1")]
    result = scope3_inventory(ParkWorkbook(None, companies, [], [], waste=rows))
    assert result.year(2024).totals.category5_tco2e == pytest.approx(math.fsum(expected))
    assert result.year(2024).totals.category4_tco2e == 0.0
    assert set(result.factors) == {name for line in lines for name in line.factors}


def test_recycling_counts_only_what_the_uk_recycling_factor_covers() -> None:
    # Cut-off (recycled content) method: the sender counts collection and transport to the
    # recycler; the UK set has closed-loop recycling for paper and only open-loop for
    # aggregates, so the route found first among closed-loop, open-loop is used.
    rubble = waste_line(waste(100.0, "recycling", "17 01 01"))
    assert rubble.factors == ("waste_open_loop_recycling_aggregates",)
    assert rubble.tco2e == pytest.approx(100.0 * f("waste_open_loop_recycling_aggregates") / 1000)
    # food has no recycling factor in the UK set: a gap, not a guess
    food = waste_line(waste(5.0, "recycling", "20 01 08"))
    assert food.tco2e is None and food.gap is not None
    assert "no UK factor for recycling of food" in food.gap


def test_waste_rows_without_a_usable_material_are_gaps_not_guesses() -> None:
    cases = {
        None: "no List of Waste code",
        "19 01 07*": "in no resource class",  # hazardous flue gas residues
        "19 01 12": "bottom_ash",  # a class without a UK material
    }
    for ewc, reason in cases.items():
        line = waste_line(waste(10.0, "landfill", ewc))
        assert line.tco2e is None and line.factors == () and line.quantity == 10.0
        assert line.gap is not None and reason in line.gap, (ewc, line.gap)
    # a code in two classes with different UK materials (made up here) is not guessed
    reference = impact_reference()
    two = {
        **reference.disposal,
        "fish_by_products": DisposalEntry("food", "test"),
        "slaughter_by_products": DisposalEntry("garden", "test"),
    }
    ambiguous = waste_line(waste(1.0, "landfill", "02 02 02"), replace(reference, disposal=two))
    assert ambiguous.tco2e is None and ambiguous.gap is not None
    assert "different UK materials (food, garden)" in ambiguous.gap
    with pytest.raises(ValueError, match="unknown treatment 'burial'; choose one of"):
        waste_line(waste(1.0, "burial", "17 09 04"))


def test_freight_category_4_by_hand() -> None:
    rows = [
        FreightTransport("C1", 2024, "road", 9_000_000.0),
        FreightTransport("C1", 2024, "rail", 12_000_000.0),
        FreightTransport("C2", 2024, "sea_bulk", 288_000_000.0),
    ]
    # UK conversion factors 2025, Freighting goods, kg CO2e per tonne-km / 1000
    road = 9_000_000.0 * f("freight_road_all_articulated_hgv") / 1000.0  # 702
    rail = 12_000_000.0 * f("freight_rail") / 1000.0  # 333.48
    sea = 288_000_000.0 * f("freight_sea_bulk_carrier") / 1000.0  # 1,016.64
    assert [road, rail, sea] == pytest.approx([702.0, 333.48, 1016.64], rel=1e-12)
    lines = [freight_line(row) for row in rows]
    assert [line.tco2e for line in lines] == pytest.approx([road, rail, sea], rel=1e-12)
    assert all(line.category == 4 and line.unit == "tonne-km" for line in lines)
    companies = [company("DK", key="C1"), company("DK", key="C2")]
    result = scope3_inventory(ParkWorkbook(None, companies, [], [], freight=rows))
    c1, c2 = result.year(2024).companies
    assert c1.totals.category4_tco2e == pytest.approx(road + rail, rel=1e-12)
    assert c2.totals.total_tco2e == pytest.approx(sea, rel=1e-12)
    assert result.year(2024).totals.total_tco2e == pytest.approx(road + rail + sea, rel=1e-12)
    with pytest.raises(ValueError, match="unknown mode 'air'; choose one of"):
        freight_line(FreightTransport("C1", 2024, "air", 1.0))
    with pytest.raises(ValueError, match="waste or freight rows of companies not in"):
        scope3_inventory(ParkWorkbook(None, [], [], [], freight=rows))


def test_scope_3_is_reported_apart_and_never_added_to_scope_1_and_2() -> None:
    workbook = ParkWorkbook(
        None,
        [company("DK", key="C1")],
        [],
        [EnergyUse("C1", 2024, E.ELECTRICITY, 1000.0)],
        waste=[waste(2500.0, "landfill", "17 09 04"), waste(5.0, "landfill", None)],
        freight=[FreightTransport("C1", 2024, "road", 1_000_000.0)],
    )
    plain = park_inventory(workbook)
    with_scope3 = park_inventory(workbook, scope3=True)
    assert plain.scope3 is None and "scope3" not in plain.as_dict("location")
    assert with_scope3.years == plain.years and with_scope3.baseline == plain.baseline
    assert with_scope3.scope3 is not None
    (year,) = with_scope3.scope3.years
    # 2,500 x 1.26338 / 1000 + 1,000,000 x 0.078 / 1000; the row without a code is a gap
    cat5 = 2500.0 * f("waste_landfill_aggregates") / 1000.0
    cat4 = 1_000_000.0 * f("freight_road_all_articulated_hgv") / 1000.0
    assert year.totals.category5_tco2e == pytest.approx(cat5, rel=1e-12)
    assert year.totals.category4_tco2e == pytest.approx(cat4, rel=1e-12)
    assert len(year.gaps) == 1 and year.gaps[0].quantity == 5.0
    document = json.loads(json.dumps(with_scope3.as_dict("market")))
    assert document["scope3"]["years"][0]["total_tco2e"] == pytest.approx(cat4 + cat5)
    assert document["scope3"]["years"][0]["gaps"][0]["reason"].startswith("no List of Waste")
    assert set(document["scope3"]["factors"]) == {
        "waste_landfill_aggregates",
        "freight_road_all_articulated_hgv",
    }
    assert any("not added to scope 1 and 2" in n for n in document["scope3"]["notes"])
    assert document["years"] == json.loads(json.dumps(plain.as_dict("market")))["years"]
    # one year only: the scope 3 block follows the year asked for
    assert park_inventory(workbook, year=2023, scope3=True).scope3 == (
        scope3_inventory(workbook, years=[2023])
    )


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


def _demo_rows(sheet: str) -> list[dict[str, str]]:
    with (demo_workbook_path() / f"{sheet}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


#: The GWP100 entry of each gas of the demo's process sheet, by report and origin (AR6 splits
#: methane into fossil and non-fossil; AR5 does not).
DEMO_GWP = {
    ("ar5", "CH4", True): "gwp100_ch4_ar5",
    ("ar5", "N2O", False): "gwp100_n2o_ar5",
    ("ar6", "CH4", True): "gwp100_ch4_non_fossil_ar6",
    ("ar6", "N2O", False): "gwp100_n2o_ar6",
}
#: Demo waste rows with a factor: their List of Waste code, read as the UK material by hand
#: (15 01 01 paper and cardboard packaging; 17 09 04 mixed construction and demolition waste),
#: and the factor of their treatment. Every other demo waste row has no factor (hazardous
#: residues, sewage screenings and grit, bottom ash, animal by-products).
DEMO_WASTE_FACTORS = {
    ("recycling", "15 01 01"): "waste_closed_loop_recycling_paper_board_mixed",
    ("landfill", "17 09 04"): "waste_landfill_aggregates",
}
DEMO_FREIGHT_FACTORS = {
    "road": "freight_road_all_articulated_hgv",
    "rail": "freight_rail",
    "sea_bulk": "freight_sea_bulk_carrier",
}


@pytest.mark.db
@pytest.mark.parametrize("gwp", ["ar5", "ar6"])
def test_demo_park_process_and_scope3_totals_recomputed_from_its_csv_rows(
    database: Database, gwp: str
) -> None:
    park = load_demo(database).park
    result = inventory_service.park_inventory(database, park, gwp=gwp, scope3=True)
    y2024 = result.year(2024)
    # Process emissions, from the CSV rows and the shipped GWP100 values
    scope1: dict[str, float] = {}
    biogenic: dict[str, float] = {}
    for row in _demo_rows("process_emissions"):
        assert row["year"] == "2024"
        tonnes, is_biogenic = float(row["tonnes"]), row["biogenic"] == "true"
        if row["gas"] == "CO2":
            into = biogenic if is_biogenic else scope1
            into[row["company_id"]] = into.get(row["company_id"], 0.0) + tonnes
        else:
            value = tonnes * f(DEMO_GWP[(gwp, row["gas"], is_biogenic)])
            scope1[row["company_id"]] = scope1.get(row["company_id"], 0.0) + value
    # AR5: C04 0.256 x 265 + 57 x 28 = 1,663.84; C18 83 x 28 = 2,324; 7,500 t biogenic CO2
    if gwp == "ar5":
        assert scope1 == pytest.approx({"C04": 1663.84, "C18": 2324.0}, rel=1e-12)
    assert biogenic == {"C18": 7500.0}
    assert y2024.process.scope1_tco2e == pytest.approx(math.fsum(scope1.values()), rel=1e-12)
    assert y2024.process.biogenic_co2_t == pytest.approx(math.fsum(biogenic.values()))
    for c in y2024.companies:
        own = Totals.of_process(c.process_lines)
        assert own.scope1_tco2e == pytest.approx(scope1.get(c.company_id, 0.0), rel=1e-12)
    # the park's scope 1 is the carriers' plus the process emissions; scope 2 is unchanged
    carriers = math.fsum(t.scope1_tco2e for t in y2024.by_carrier.values())
    assert y2024.totals.scope1_tco2e == pytest.approx(
        carriers + math.fsum(scope1.values()), rel=1e-12
    )
    # Scope 3, category 5: tonnes x factor / 1000 for the rows with a factor, others are gaps
    waste_rows = _demo_rows("waste")
    cat5: dict[str, float] = {}
    for row in waste_rows:
        name = DEMO_WASTE_FACTORS.get((row["treatment"], row["ewc"]))
        if name is not None:
            cat5[row["company_id"]] = float(row["tonnes"]) * f(name) / 1000.0
    # C06: 300 x 4.68568 / 1000 = 1.405704 t; C29: 2,500 x 1.26338 / 1000 = 3.15845 t
    assert cat5 == pytest.approx({"C06": 1.405704, "C29": 3.15845}, rel=1e-12)
    # Scope 3, category 4: tonne-km x factor / 1000
    cat4: dict[str, float] = {}
    for row in _demo_rows("freight"):
        value = float(row["tonne_km"]) * f(DEMO_FREIGHT_FACTORS[row["mode"]]) / 1000.0
        cat4[row["company_id"]] = cat4.get(row["company_id"], 0.0) + value
    # C05 9e6 x 0.078 = 702; C11 288e6 x 0.00353 = 1,016.64; C25 6e6 x 0.078 + 12e6 x 0.02779
    assert cat4 == pytest.approx({"C05": 702.0, "C11": 1016.64, "C25": 801.48}, rel=1e-12)
    assert result.scope3 is not None
    scope3 = result.scope3.year(2024)
    assert scope3.totals.category5_tco2e == pytest.approx(math.fsum(cat5.values()), rel=1e-12)
    assert scope3.totals.category4_tco2e == pytest.approx(math.fsum(cat4.values()), rel=1e-12)
    for c in scope3.companies:
        assert c.totals.category4_tco2e == pytest.approx(cat4.get(c.company_id, 0.0))
        assert c.totals.category5_tco2e == pytest.approx(cat5.get(c.company_id, 0.0))
    assert len(scope3.gaps) == len(waste_rows) - len(cat5)
    assert all(line.kind == "waste" and line.gap for line in scope3.gaps)
    # scope 3 is not in the totals above, nor in the result without it
    without = inventory_service.park_inventory(database, park, gwp=gwp)
    assert without.scope3 is None and without.years == result.years


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
    assert "--scope3" in result.output


def test_cli_inventory_shows_process_lines_and_scope3_on_request(demo_park: str) -> None:
    table = runner.invoke(_cli(), ["inventory", demo_park, "--year", "2024", "--scope3"])
    assert table.exit_code == 0, table.output
    for words in ("process emissions", "methane slip", "scope 3, 2024", "cat. 5", "scope 3 gaps"):
        assert words in table.output
    assert "freight_rail = 0.02779" in table.output
    plain = runner.invoke(_cli(), ["inventory", demo_park, "--year", "2024"])
    assert "process emissions" in plain.output and "scope 3, 2024" not in plain.output
    document = json.loads(
        runner.invoke(
            _cli(), ["inventory", demo_park, "--year", "2024", "--scope3", "-f", "json"]
        ).output
    )
    (year,) = document["scope3"]["years"]
    assert year["year"] == 2024 and year["total_tco2e"] > 0
    assert year["total_tco2e"] == pytest.approx(
        math.fsum(c["total_tco2e"] for c in year["companies"]), rel=1e-12
    )
    assert "freight_sea_bulk_carrier" in document["scope3"]["factors"]
    processes = [p for c in document["years"][0]["companies"] for p in c["process_lines"]]
    assert {p["gas"] for p in processes} == {"CO2", "CH4", "N2O"}
    no_scope3 = json.loads(
        runner.invoke(_cli(), ["inventory", demo_park, "--year", "2024", "-f", "json"]).output
    )
    assert "scope3" not in no_scope3
    assert no_scope3["years"] == document["years"]
