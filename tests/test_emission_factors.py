"""Emission factors: published values, grid coverage, ordered ranges, units and labels."""

from __future__ import annotations

import re

import pytest

from parkloop.errors import ReferenceDataError
from parkloop.reference.factors import BASES, GASES, Factor, _basis, _gas, load_factors
from parkloop.units import parse_unit, ureg

#: The grid countries parkloop covers (Baltic Sea region).
GRID_COUNTRIES = ("dk", "se", "fi", "no", "ee", "lv", "lt", "pl", "de")
#: The EU members among them, the countries of the EEA electricity series.
EEA_COUNTRIES = tuple(cc for cc in GRID_COUNTRIES if cc != "no")

#: Every unit string the file may use, with the pint expressions of its physical numerator and
#: denominator (the gas or material named in the string is a label, not a unit).
ALLOWED_UNITS: dict[str, tuple[str, str]] = {
    "kg CO2 per kWh": ("kg", "kWh"),
    "kg CO2e per kWh": ("kg", "kWh"),
    "kg CO2 per TJ": ("kg", "TJ"),
    "kg CH4 per TJ": ("kg", "TJ"),
    "kg N2O per TJ": ("kg", "TJ"),
    "TJ per Gg": ("TJ", "Gg"),
    "kg CO2e per kg CH4": ("kg", "kg"),
    "kg CO2e per kg N2O": ("kg", "kg"),
    "kg CO2e per kg HFC-32": ("kg", "kg"),
    "kg CO2e per kg HFC-125": ("kg", "kg"),
    "kg CO2e per kg HFC-134a": ("kg", "kg"),
    "kg CO2e per kg HFC-143a": ("kg", "kg"),
    "kg CO2e per tonne-km": ("kg", "t * km"),
    "kg CO2e per tonne": ("kg", "t"),
    "t CO2 per t clinker": ("t", "t"),
    "t CO2 per t crude steel": ("t", "t"),
    "t per t cement": ("t", "t"),
}


@pytest.fixture(scope="module")
def factors() -> dict[str, Factor]:
    return load_factors("emission_factors.yaml")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # IPCC 2006 GL Vol. 2 Ch. 2 Table 2.2 (p. 2.16): natural gas 56 100 kg CO2/TJ.
        ("fuel_natural_gas_co2", 56_100),
        # IPCC 2006 GL Vol. 2 Ch. 2 Table 2.2: other bituminous coal 94 600 kg CO2/TJ.
        ("fuel_other_bituminous_coal_co2", 94_600),
        # IPCC 2006 GL Vol. 2 Ch. 2 Table 2.2: natural gas 1 kg CH4/TJ and 0.1 kg N2O/TJ.
        ("fuel_natural_gas_ch4", 1),
        ("fuel_natural_gas_n2o", 0.1),
        # IPCC 2006 GL Vol. 2 Ch. 2 Table 2.2: wood/wood waste 30 kg CH4/TJ and 4 kg N2O/TJ.
        ("fuel_wood_ch4", 30),
        ("fuel_wood_n2o", 4),
        # IPCC 2006 GL Vol. 2 Ch. 1 Table 1.2: natural gas NCV 48.0 TJ/Gg, gas/diesel oil 43.0.
        ("ncv_natural_gas", 48.0),
        ("ncv_gas_diesel_oil", 43.0),
        # IPCC AR5 WG1 Ch. 8 Table 8.7: GWP100 of CH4 28 and of N2O 265.
        ("gwp100_ch4_ar5", 28),
        ("gwp100_n2o_ar5", 265),
        # IPCC AR6 WG1 Ch. 7 Table 7.15: GWP100 of fossil CH4 29.8 and of N2O 273.
        ("gwp100_ch4_fossil_ar6", 29.8),
        ("gwp100_n2o_ar6", 273),
        # IPCC AR5 WG1 Ch. 8 Table 8.A.1: GWP100 of HFC-32 677, HFC-125 3170, HFC-134a 1300,
        # HFC-143a 4800.
        ("gwp100_hfc32_ar5", 677),
        ("gwp100_hfc125_ar5", 3170),
        ("gwp100_hfc134a_ar5", 1300),
        ("gwp100_hfc143a_ar5", 4800),
        # IPCC AR6 WG1 Ch. 7 Table 7.SM.7: GWP100 of HFC-32 771, HFC-125 3740, HFC-134a 1530,
        # HFC-143a 5810.
        ("gwp100_hfc32_ar6", 771),
        ("gwp100_hfc125_ar6", 3740),
        ("gwp100_hfc134a_ar6", 1530),
        ("gwp100_hfc143a_ar6", 5810),
        # IPCC 2006 GL Vol. 3 Ch. 2 Sect. 2.2: Tier 1 clinker factor 0.52 t CO2/t clinker.
        ("substitution_clinker_calcination", 0.52),
        # UK DESNZ GHG conversion factors 2025: HGV articulated >33 t, average laden,
        # 0.07703 kg CO2e per tonne-km.
        ("freight_road_articulated_hgv", 0.07703),
        # Green Power Denmark (2024): 96 g CO2 per kWh consumed in Denmark in 2023.
        ("grid_average_dk_2023", 0.096),
        # UBA (2025): German electricity mix 2024, 363 g CO2/kWh.
        ("grid_average_de_2024", 0.363),
    ],
)
def test_published_values(factors: dict[str, Factor], name: str, expected: float) -> None:
    assert factors[name].value == pytest.approx(expected)


def test_natural_gas_carries_the_ipcc_confidence_interval(factors: dict[str, Factor]) -> None:
    # IPCC 2006 GL Vol. 2 Ch. 1 Table 1.4: natural gas lower 54 300, upper 58 300 kg CO2/TJ.
    gas = factors["fuel_natural_gas_co2"]
    assert (gas.low, gas.high) == (54_300, 58_300)


def test_the_clinker_factor_follows_from_the_lime_content() -> None:
    # IPCC 2006 GL Vol. 3 Ch. 2 Eq. 2.4: 65 % CaO times 44.01/56.08 (molar masses of CO2 and
    # CaO) gives 0.5101 t CO2/t clinker; with 2 % kiln dust correction 0.52.
    clinker = load_factors("emission_factors.yaml")["substitution_clinker_calcination"]
    assert clinker.value == pytest.approx(0.65 * 44.01 / 56.08 * 1.02, abs=1e-3)


def test_natural_gas_per_tonne_combines_factor_and_calorific_value(
    factors: dict[str, Factor],
) -> None:
    # 56 100 kg CO2/TJ x 48.0 TJ/Gg = 2.693 kg CO2 per kg of natural gas.
    co2 = ureg.Quantity(factors["fuel_natural_gas_co2"].value, "kg / TJ")
    ncv = ureg.Quantity(factors["ncv_natural_gas"].value, "TJ / Gg")
    assert (co2 * ncv).to("kg / kg").magnitude == pytest.approx(2.6928)


@pytest.mark.parametrize("country", GRID_COUNTRIES)
def test_every_grid_country_has_a_location_based_average(
    factors: dict[str, Factor], country: str
) -> None:
    found = [
        f
        for name, f in factors.items()
        if name.startswith(f"grid_average_{country}_") and f.basis == "location"
    ]
    assert found, f"no location-based grid_average_{country}_* entry"


@pytest.mark.parametrize("country", EEA_COUNTRIES)
def test_the_eea_series_covers_the_same_years_for_every_eu_country(
    factors: dict[str, Factor], country: str
) -> None:
    years = {
        f.year
        for name, f in factors.items()
        if re.fullmatch(rf"grid_average_{country}_\d{{4}}_eea", name)
    }
    assert years == {2019, 2020, 2021, 2023, 2024}


@pytest.mark.parametrize("country", GRID_COUNTRIES)
def test_the_ember_series_covers_2019_to_2023(factors: dict[str, Factor], country: str) -> None:
    years = {
        f.year
        for name, f in factors.items()
        if re.fullmatch(rf"grid_average_{country}_\d{{4}}_ember", name)
    }
    assert years == set(range(2019, 2024))


def test_low_value_high_are_ordered(factors: dict[str, Factor]) -> None:
    for factor in factors.values():
        if factor.low is not None:
            assert factor.low <= factor.value, factor.name
        if factor.high is not None:
            assert factor.value <= factor.high, factor.name


def test_grid_intensities_are_physically_plausible(factors: dict[str, Factor]) -> None:
    # Even lignite plants emit about 1 kg CO2 per kWh, so no grid mix may exceed that much.
    for factor in factors.values():
        if factor.unit.endswith("per kWh") and factor.name.startswith("grid_"):
            assert 0 < factor.value < 1.2, factor.name


def test_every_unit_is_in_the_allowed_set_and_its_parts_parse(factors: dict[str, Factor]) -> None:
    for factor in factors.values():
        assert factor.unit in ALLOWED_UNITS, f"{factor.name}: unit {factor.unit!r}"
    for numerator, denominator in ALLOWED_UNITS.values():
        ratio = ureg.Quantity(1, parse_unit(numerator)) / ureg.Quantity(1, parse_unit(denominator))
        assert ratio.magnitude > 0


def test_basis_labels_follow_the_naming_scheme(factors: dict[str, Factor]) -> None:
    expected = {
        "grid_average_": "location",
        "grid_residual_mix_": "market",
        "grid_margin_": "margin",
    }
    for name, factor in factors.items():
        for prefix, basis in expected.items():
            if name.startswith(prefix):
                assert factor.basis == basis, name
        if not name.startswith("grid_"):
            assert factor.basis is None, name


def test_gas_labels_agree_with_the_unit(factors: dict[str, Factor]) -> None:
    for factor in factors.values():
        if factor.gas is not None and factor.unit.startswith(("kg ", "t ")):
            assert factor.unit.split()[1] == factor.gas, factor.name


def test_every_factor_names_a_web_source(factors: dict[str, Factor]) -> None:
    for factor in factors.values():
        assert "https://" in factor.source, factor.name


def test_unknown_labels_are_refused_with_the_allowed_values() -> None:
    assert _basis("f.yaml", "x", "market") == "market"
    assert _gas("f.yaml", "x", None) is None
    with pytest.raises(ReferenceDataError, match=r"factor x has basis 'average'; use one of"):
        _basis("f.yaml", "x", "average")
    with pytest.raises(ReferenceDataError, match="location, market, margin"):
        _basis("f.yaml", "x", "Location")
    with pytest.raises(
        ReferenceDataError, match=r"factor y has gas 'CO2-eq'; use one of CO2, CO2e"
    ):
        _gas("f.yaml", "y", "CO2-eq")
    assert set(BASES) == {"location", "market", "margin"}
    assert set(GASES) == {"CO2", "CO2e", "CH4", "N2O"}


def test_every_gwp_entry_is_per_kg_of_its_gas_and_exists_in_both_reports(
    factors: dict[str, Factor],
) -> None:
    # A gas the workbook accepts must have a GWP100 in AR5 and in AR6, so that the inventory can
    # be run with either set; every entry is kg CO2e per kg of its gas.
    reports: dict[str, set[str]] = {}
    for name, factor in factors.items():
        found = re.fullmatch(r"gwp100_([a-z0-9]+)(?:_[a-z_]+)?_(ar\d)", name)
        if found:
            assert factor.unit.startswith("kg CO2e per kg "), name
            assert factor.value > 0, name
            reports.setdefault(found[1], set()).add(found[2])
    assert {"ch4", "n2o", "hfc32", "hfc125", "hfc134a", "hfc143a"} <= set(reports)
    assert all(found == {"ar5", "ar6"} for found in reports.values()), reports
