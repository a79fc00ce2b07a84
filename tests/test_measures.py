"""The toolbox catalogue: complete, every figure sourced, and strict about bad entries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from parkloop.domain.models import EnergyCarrier
from parkloop.errors import NotFound, ReferenceDataError
from parkloop.reference.measures import (
    CARRIERS,
    FIGURE_FIELDS,
    TOPICS,
    Catalogue,
    MeasureRegistry,
    default_registry,
    load_catalogue,
    saved_energy_reference,
)

# The measures the project's issue asks for by name, with the id each one has here.
ISSUE_MEASURES = {
    "compressed-air leaks": "compressed_air_leak_repair",
    "compressed-air pressure reduction": "compressed_air_pressure_reduction",
    "VSDs on pumps": "vsd_pumps",
    "VSDs on fans": "vsd_fans",
    "high-efficiency motors (IE3/IE4)": "high_efficiency_motors",
    "boiler economisers": "boiler_economiser",
    "condensate return": "condensate_return",
    "steam traps": "steam_trap_maintenance",
    "insulation of pipes": "steam_pipe_insulation",
    "insulation of valves": "valve_insulation_jackets",
    "heat recovery from air compressors": "compressed_air_heat_recovery",
    "heat recovery from refrigeration": "refrigeration_heat_recovery",
    "industrial heat pumps": "industrial_heat_pump",
    "electrification of process heat (e-boilers)": "electric_steam_boiler",
    "LED lighting": "led_lighting",
    "lighting controls": "lighting_controls",
    "on-site PV": "rooftop_pv",
    "energy management systems (ISO 50001)": "energy_management_system",
    "HVAC/ventilation": "ventilation_heat_recovery",
    "free cooling": "free_cooling",
    "waste-heat district heating": "park_waste_heat_district_heating",
    "shared PV": "park_shared_pv",
    "shared wind": "park_shared_wind",
    "PPAs": "park_renewable_ppa",
    "biogas from residues": "park_biogas_from_residues",
    "shared steam network": "park_shared_steam_network",
    "shared compressed-air network": "park_shared_compressed_air",
    "shared logistics and freight consolidation": "park_freight_consolidation",
    "area (energy) manager": "park_energy_manager",
    "shared water reuse": "park_water_reuse",
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def test_shipped_catalogue_loads_with_its_header(catalogue: Catalogue) -> None:
    assert catalogue.name == "parkloop toolbox catalogue"
    assert catalogue.version == "2026.1"
    assert "CC BY 4.0" in catalogue.licence


def test_catalogue_covers_both_levels_and_every_measure_the_issue_names(
    catalogue: Catalogue,
) -> None:
    assert len(catalogue.measures) >= 40
    assert {m.level for m in catalogue.measures} == {"company", "park"}
    ids = {m.id for m in catalogue.measures}
    assert {name for name, ident in ISSUE_MEASURES.items() if ident not in ids} == set()
    assert {m.topic for m in catalogue.measures} == set(TOPICS)


def test_every_figure_has_a_source_that_resolves(catalogue: Catalogue) -> None:
    used = set()
    for measure in catalogue.measures:
        sourced = [*measure.figures().values()]
        sourced += [x for x in (measure.applicability.temperature_c,) if x is not None]
        sourced += [x for x in (measure.applicability.min_size,) if x is not None]
        for item in sourced:
            assert catalogue.sources[item.source.key] is item.source, measure.id
            assert item.source.url.startswith(("http://", "https://"))
            used.add(item.source.key)
        used.update(source.key for source in measure.references)
        for name in FIGURE_FIELDS:
            figure = getattr(measure, name)
            assert figure is None or figure.unit, (measure.id, name)
        if measure.saving is not None:
            assert measure.saving.basis, measure.id
    assert set(catalogue.sources) == used, "every listed source is cited somewhere"


def test_carrier_vocabulary_follows_the_energy_sheet() -> None:
    assert set(CARRIERS) == {c.value for c in EnergyCarrier} - {"other"} | {"heat"}


# Spot checks against the cited publications (each expected value as printed there).
def test_economiser_saving_is_the_doe_tip_sheet_figure(catalogue: Catalogue) -> None:
    # US DOE Steam Tip Sheet #3 (2006): an economiser "can often reduce fuel requirements by
    # 5% to 10% and pay for itself in less than 2 years".
    measure = default_registry().get("boiler_economiser")
    assert measure.saving is not None and measure.payback_years is not None
    assert (measure.saving.low, measure.saving.high, measure.saving.unit) == (5, 10, "%")
    assert measure.payback_years.high == 2
    assert measure.saving.source.key == "doe_steam_tip3"


def test_insulation_saving_is_the_doe_tip_sheet_figure() -> None:
    # US DOE Steam Tip Sheet #2: "Insulation can typically reduce energy losses by 90%".
    saving = default_registry().get("steam_pipe_insulation").saving
    assert saving is not None and saving.value == 90 and saving.source.key == "doe_steam_tip2"


def test_industrial_heat_pump_figures_are_the_dea_catalogue_values() -> None:
    # Danish Energy Agency, technology data for industrial process heat, 302.a "High temp. hp
    # Up to 125 C", year 2025 as compiled in PyPSA technology-data costs_2025.csv: investment
    # 830.775 EUR(2019)/kW, COP 2.625, technical lifetime 20 years.
    measure = default_registry().get("industrial_heat_pump")
    assert measure.capex is not None and measure.performance is not None
    assert measure.lifetime_years is not None
    assert (measure.capex.value, measure.capex.year) == (830.775, 2019)
    assert measure.performance.value == 2.625
    assert measure.lifetime_years.value == 20


def test_onshore_wind_figures_are_the_dea_catalogue_values() -> None:
    # Danish Energy Agency, technology data for electricity and district heating, 20 "Onshore
    # turbines", year 2025 in PyPSA technology-data: 1139.8826 EUR(2015)/kW, 28.5 years.
    measure = default_registry().get("park_shared_wind")
    assert measure.capex is not None and measure.lifetime_years is not None
    assert (measure.capex.value, measure.capex.year) == (1139.8826, 2015)
    assert measure.lifetime_years.value == 28.5


def test_lighting_controls_saving_is_the_femp_range() -> None:
    # US DOE FEMP, Wireless Occupancy Sensors for Lighting Controls: "Lighting energy savings of
    # 10% to 90% are possible depending on room usage".
    saving = default_registry().get("lighting_controls").saving
    assert saving is not None and (saving.low, saving.high) == (10, 90)


def test_drive_measures_carry_the_documented_project_figures() -> None:
    # DairyReporter (2007), BESS handbook, first example: a dairy fitted frequency converters to
    # its 203 motors (1,216 kW) for EUR 311,000 and estimated 1,325 MWh and EUR 90,000 saved a
    # year, "pay-back time is about 3.4 years". Third example: a 30 kW combustion-air fan
    # (152,400 kWh/yr) saved about 86 % of its energy cost with a frequency converter.
    registry = default_registry()
    for ident in ("motor_system_optimisation", "vsd_pumps", "vsd_fans"):
        capex = registry.get(ident).capex
        assert capex is not None and capex.source.key == "dairyreporter_bess_2007"
        assert (capex.value, capex.unit, capex.year) == (311000, "EUR per 1325 MWh/yr saved", None)
        reference = saved_energy_reference(capex.unit)
        assert reference == 1325 and capex.value is not None
        # The project's cost per MWh saved a year: 311 000 / 1 325 = 234.72 EUR per MWh/yr.
        assert capex.value / reference == pytest.approx(234.717, abs=1e-3)
        lifetime = registry.get(ident).lifetime_years
        # NSW OEH (2015): equipment life 15 years for high-efficiency motors with VSDs.
        assert lifetime is not None and (lifetime.value, lifetime.source.key) == (
            15,
            "nsw_vsd_case",
        )
        assert registry.get(ident).opex is None
    fans = registry.get("vsd_fans").saving
    assert fans is not None and (fans.value, fans.unit) == (86, "%")
    # World Pumps (2007), Figure 1: the Unilever Mannheim pumps "use 37% less energy as before".
    pumps = registry.get("vsd_pumps").saving
    assert pumps is not None and (pumps.value, pumps.source.key) == (37, "world_pumps_2007")
    payback = registry.get("motor_system_optimisation").payback_years
    assert payback is not None and payback.value == 3.4


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("EUR per 1325 MWh/yr saved", 1325.0),
        ("EUR per 8.333 MWh/yr saved", 8.333),
        ("EUR per project", None),
        ("EUR per kW heat output", None),
        ("EUR per 0 MWh/yr saved", None),
        ("EUR per many MWh/yr saved", None),
    ],
)
def test_saved_energy_reference_reads_the_project_saving(unit: str, expected: float | None) -> None:
    assert saved_energy_reference(unit) == expected


@pytest.mark.parametrize("unit", ["EUR per 0 MWh/yr saved", "EUR per MWh/yr saved"])
def test_a_capex_per_saving_needs_a_positive_reference(tmp_path: Path, unit: str) -> None:
    capex = f'    capex: {{value: 1000, unit: "{unit}", source: handbook}}\n'
    path = _write(tmp_path, MEASURE + capex)
    with pytest.raises(ReferenceDataError, match=r"field 'capex.unit'.*number > 0"):
        load_catalogue(path)


# Registry ---------------------------------------------------------------------------------
def test_default_registry_holds_the_shipped_catalogue(catalogue: Catalogue) -> None:
    registry = default_registry()
    assert [m.id for m in registry.all()] == [m.id for m in catalogue.measures]
    assert "led_lighting" in registry and len(registry) == len(catalogue.measures)


def test_unknown_id_is_not_found_with_close_matches() -> None:
    with pytest.raises(NotFound, match="did you mean boiler_economiser"):
        default_registry().get("boiler_economizer")


def test_filter_by_level_topic_carrier_and_nace() -> None:
    registry = default_registry()
    park = registry.filter(level="park")
    assert park and all(m.level == "park" for m in park)
    steam = registry.filter(topic="steam", carrier="natural_gas")
    assert "boiler_economiser" in {m.id for m in steam}
    diesel = {m.id for m in registry.filter(carrier="diesel")}
    assert {"park_freight_consolidation", "energy_management_system"} <= diesel
    assert "led_lighting" not in diesel
    dairy = {m.id for m in registry.filter(nace="1051")}
    assert {"park_biogas_from_residues", "refrigeration_heat_recovery", "led_lighting"} <= dairy
    cement = {m.id for m in registry.filter(nace="23.51")}
    assert "park_biogas_from_residues" not in cement and "led_lighting" in cement
    with pytest.raises(ValueError, match="unknown topic 'steem'; choose one of"):
        registry.filter(topic="steem")


# User catalogues --------------------------------------------------------------------------
def _catalogue_text(measure: str) -> str:
    return f"""\
name: my park's measures
version: "1"
licence: "CC BY 4.0"
sources:
  handbook:
    citation: "A handbook (2020)."
    url: "https://example.org/handbook"
    year: 2020
measures:
{measure}"""


MEASURE = """\
  - id: kiln_seal_repair
    name: "Repair kiln seals"
    level: company
    topic: heat_recovery
    description: "Replace worn inlet and outlet seals of a rotary kiln."
    applicability:
      nace: ["23"]
      carriers: [natural_gas, coal]
      end_use: process heat
      temperature_c: null
      min_size: null
    saving: {low: 1, high: 3, unit: "%", basis: "kiln fuel use", source: handbook, page: "p. 4"}
    evidence: medium
    co2: "avoided kiln fuel x fuel emission factor"
"""


def _write(tmp_path: Path, measure: str) -> Path:
    path = tmp_path / "my-measures.yaml"
    path.write_text(_catalogue_text(measure), encoding="utf-8")
    return path


def test_a_user_file_adds_a_measure(tmp_path: Path) -> None:
    registry = default_registry()
    before = len(registry)
    registry.load(_write(tmp_path, MEASURE))
    assert len(registry) == before + 1
    measure = registry.get("kiln_seal_repair")
    assert measure.saving is not None and measure.saving.describe() == "1-3 %"
    assert measure.capex is None
    assert measure.applicability.applies_to_nace("23.51")
    assert not measure.applicability.applies_to_nace("10.51")


def test_a_user_measure_cannot_reuse_a_built_in_id(tmp_path: Path) -> None:
    registry = default_registry()
    before = len(registry)
    clash = MEASURE + MEASURE.replace("kiln_seal_repair", "led_lighting")
    with pytest.raises(ReferenceDataError, match=r"measure 'led_lighting', field 'id'"):
        registry.load(_write(tmp_path, clash))
    assert len(registry) == before, "nothing of the file is registered"


def test_registering_the_same_measure_twice_is_refused() -> None:
    registry = MeasureRegistry()
    measure = default_registry().get("free_cooling")
    registry.register(measure)
    with pytest.raises(ReferenceDataError, match="already registered"):
        registry.register(measure)


@pytest.mark.parametrize(
    ("edit", "field", "allowed"),
    [
        (lambda m: m + m, "id", "duplicate id"),
        (lambda m: m.replace("natural_gas, coal", "natural_gas, town_gas"), "carriers", "coal"),
        (lambda m: m.replace('["23"]', '["34"]'), "applicability.nace", "section letters"),
        (lambda m: m.replace("low: 1, high: 3", "low: 3, high: 1"), "saving", "low <= value"),
        (lambda m: m.replace("source: handbook", "source: manual"), "saving.source", "known"),
        (lambda m: m.replace("level: company", "level: site"), "level", "company, park"),
        (lambda m: m.replace("low: 1,", "low: -1,"), "saving.low", "negative"),
    ],
    ids=["duplicate", "carrier", "nace", "low-above-high", "source", "level", "negative"],
)
def test_bad_entries_name_the_file_measure_field_and_what_is_allowed(
    tmp_path: Path, edit: Callable[[str], str], field: str, allowed: str
) -> None:
    path = _write(tmp_path, edit(MEASURE))
    with pytest.raises(ReferenceDataError) as caught:
        load_catalogue(path)
    message = str(caught.value)
    assert str(path) in message
    assert "measure 'kiln_seal_repair'" in message
    assert field in message
    assert allowed in message


def test_unreadable_or_malformed_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="cannot read"):
        load_catalogue(tmp_path / "missing.yaml")
    path = tmp_path / "broken.yaml"
    path.write_text("measures: [", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="not valid YAML"):
        load_catalogue(path)
