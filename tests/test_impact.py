"""Impact of synergies: hand calculations with cited factors, ranges, notes and park totals."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkloop.domain.models import Direction, Flow
from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import NotFound, ReferenceDataError
from parkloop.impact import (
    Assumptions,
    Impact,
    ParkImpact,
    Range,
    SynergyImpact,
    Term,
    park_totals,
    synergy_impact,
)
from parkloop.impact.factors import _parse_rule, impact_reference
from parkloop.impact.synergy import (
    co2e_avoided_disposal,
    co2e_avoided_heat_fuel,
    co2e_avoided_virgin_material,
    co2e_transport,
    fuel_co2e_kg_per_mwh,
)
from parkloop.reference.factors import load_factors
from parkloop.services import synergies
from parkloop.services.database import Database
from parkloop.services.impact import park_impact
from parkloop.services.impact import synergy_impact as stored_impact
from parkloop.services.parks import load_demo
from parkloop.units import Category

# Factors the hand calculations use, as published (value and source in the shipped files):
# UK DESNZ/Defra GHG conversion factors 2025, freighting goods, HGV all artics, average laden.
ROAD_KG_PER_TKM = 0.078
ROAD_LOW, ROAD_HIGH = 0.06021, 0.09675  # 100 % laden, 50 % laden
# Newell (1980): road km per great-circle km.
CIRCUITY = 1.2
# UK DESNZ/Defra 2025, waste disposal, plasterboard, landfill [kg CO2e/t].
LANDFILL_PLASTERBOARD = 71.95
# UK DESNZ/Defra 2025, waste disposal, aggregates, landfill [kg CO2e/t].
LANDFILL_AGGREGATES = 1.26338
# UK DESNZ/Defra 2025, material use, aggregates: primary 7.79306, closed-loop source 3.21835.
AGGREGATES_PRIMARY, AGGREGATES_RECYCLED = 7.79306, 3.21835
# IPCC 2006 GL Vol. 3 Ch. 2: Tier 1 clinker factor [t CO2/t clinker].
CLINKER = 0.52
# IPCC 2006 GL Vol. 2 Ch. 2 Table 2.2: natural gas 56 100 (54 300-58 300) kg CO2/TJ, 1 kg CH4/TJ,
# 0.1 kg N2O/TJ; IPCC AR5 GWP100: CH4 28, N2O 265.
GAS_CO2, GAS_CO2_LOW, GAS_CO2_HIGH, GAS_CH4, GAS_N2O = 56_100, 54_300, 58_300, 1, 0.1
GWP_CH4, GWP_N2O = 28, 265
# Danish Energy Agency, Technology Data for Industrial Process Heat, 311.1c gas steam boiler.
BOILER_GAS_INDUSTRIAL = 0.925
# IFI harmonised grid factors 2021, Denmark, combined margin [kg CO2/kWh].
GRID_DK_COMBINED = 0.155
# UK DESNZ/Defra 2025, water supply [kg CO2e/m3].
WATER_SUPPLY = 0.1913
# Defra/DECC 2012 payload 11.31 t per truck; co3.io (2026) EUR 1.50 (1.10-1.90) per vehicle-km.
PAYLOAD, TRUCK_EUR, TRUCK_EUR_LOW, TRUCK_EUR_HIGH = 11.31, 1.50, 1.10, 1.90


def flow(
    category: Category = Category.MATERIAL,
    quantity: float | None = 1000.0,
    unit: str | None = "t",
    *,
    direction: Direction = Direction.SUPPLY,
    name: str = "residue",
    temperature_c: float | None = None,
    price: float | None = None,
) -> Flow:
    return Flow(
        "F1" if direction is Direction.SUPPLY else "F2",
        "C1" if direction is Direction.SUPPLY else "C2",
        direction,
        category,
        name,
        quantity=quantity,
        unit=unit,
        temperature_c=temperature_c,
        price_eur_per_unit=price,
    )


def term(impact: Impact, name: str) -> Term:
    return next(t for t in impact.terms if t.name == name)


def test_equations_by_hand() -> None:
    assert co2e_avoided_disposal(1000, 520.5327) == pytest.approx(520.5327)
    assert co2e_avoided_virgin_material(2000, CLINKER) == pytest.approx(1040)
    assert co2e_transport(1000, 12 * CIRCUITY, ROAD_KG_PER_TKM) == pytest.approx(1.1232)
    # (56 100 + 1 x 28 + 0.1 x 265) kg/TJ x 0.0036 TJ/MWh = 202.1562 kg CO2e per MWh of gas.
    natural_gas = fuel_co2e_kg_per_mwh(GAS_CO2, GAS_CH4, GAS_N2O, GWP_CH4, GWP_N2O)
    assert natural_gas == pytest.approx(202.1562)
    # 1000 MWh of heat / 0.925 x 202.1562 kg/MWh = 218.547 t.
    assert co2e_avoided_heat_fuel(1000, BOILER_GAS_INDUSTRIAL, natural_gas) == pytest.approx(
        218.5472, abs=1e-4
    )
    # Biogenic CO2 is not counted: only CH4 and N2O remain.
    assert fuel_co2e_kg_per_mwh(
        GAS_CO2, GAS_CH4, GAS_N2O, GWP_CH4, GWP_N2O, biogenic=True
    ) == pytest.approx((28 + 26.5) * 0.0036)


def test_fgd_gypsum_12_km_by_road_to_landfill_baseline() -> None:
    gypsum = flow(name="FGD gypsum")
    result = synergy_impact(
        gypsum,
        receiver_nace="23.62",
        country="DK",
        distance_km=12.0,
        resource_class="gypsum",
        assumptions=Assumptions(baseline="landfill"),
    )
    # transport = 1000 t x 12 km x 1.2 x 0.078 kg/t-km = 1.1232 t CO2e (0.8670 - 1.3932)
    transport = term(result, "transport").co2e_t_per_yr
    assert transport.central == pytest.approx(1000 * 12 * CIRCUITY * ROAD_KG_PER_TKM / 1000)
    assert transport.low == pytest.approx(1000 * 12 * CIRCUITY * ROAD_LOW / 1000)
    assert transport.high == pytest.approx(1000 * 12 * CIRCUITY * ROAD_HIGH / 1000)
    # avoided landfill = 1000 t x 71.95 kg/t = 71.95 t CO2e
    avoided = result.co2e_avoided_t_per_yr
    assert avoided.low == avoided.central == avoided.high == pytest.approx(71.95)
    assert result.co2e_net_t_per_yr.central == pytest.approx(71.95 - 1.1232)
    assert result.co2e_net_t_per_yr.low == pytest.approx(71.95 - 1.3932)
    assert result.co2e_net_t_per_yr.high == pytest.approx(71.95 - 0.867024)
    # No natural-gypsum factor is shipped: no virgin credit, and a note says so.
    assert term(result, "avoided_virgin_material").co2e_t_per_yr == Range.zero()
    assert any("no sourced substitution for resource class gypsum" in n for n in result.notes)
    # cost = -(1000 t / 11.31 t per truck x 14.4 km x 1.50 EUR/km) = -1909.81 EUR
    assert result.cost_eur_per_yr.central == pytest.approx(-1000 / PAYLOAD * 14.4 * TRUCK_EUR)
    assert result.cost_eur_per_yr.low == pytest.approx(-1000 / PAYLOAD * 14.4 * TRUCK_EUR_HIGH)
    assert result.tonnes_diverted_per_yr == 1000
    names = {f.name for f in result.factors_used}
    assert {"waste_landfill_plasterboard", "freight_road_all_articulated_hgv"} <= names
    assert {"road_circuity", "truck_payload", "truck_cost_per_vehicle_km"} <= names


def test_fly_ash_replaces_clinker_at_a_cement_works() -> None:
    result = synergy_impact(
        flow(quantity=2000),
        receiver_nace="23.51",
        country="DK",
        distance_km=0.0,
        resource_class="fly_ash",
    )
    # 2000 t fly ash x 1 t clinker per t x 0.52 t CO2 per t clinker = 1040 t CO2
    assert term(result, "avoided_virgin_material").co2e_t_per_yr.central == pytest.approx(1040)
    assert result.co2e_added_t_per_yr == Range.zero()
    assert "substitution_clinker_calcination" in {f.name for f in result.factors_used}


def test_a_long_haul_of_a_low_value_residue_has_a_negative_net() -> None:
    rubble = flow(name="crushed concrete")
    result = synergy_impact(
        rubble,
        receiver_nace="42.11",
        country="DK",
        distance_km=800.0,
        resource_class="construction_demolition",
        assumptions=Assumptions(baseline="landfill"),
    )
    # avoided: landfill 1.26338 t + virgin aggregates 7.79306 t
    # added: recycled-aggregate processing 3.21835 t + transport 1000 x 960 km x 0.078 / 1000
    avoided = 1000 * (LANDFILL_AGGREGATES + AGGREGATES_PRIMARY) / 1000
    added = 1000 * AGGREGATES_RECYCLED / 1000 + 1000 * 800 * CIRCUITY * ROAD_KG_PER_TKM / 1000
    assert result.co2e_avoided_t_per_yr.central == pytest.approx(avoided)
    assert result.co2e_added_t_per_yr.central == pytest.approx(added)
    assert result.co2e_net_t_per_yr.central == pytest.approx(avoided - added)
    assert result.co2e_net_t_per_yr.high < 0


def test_an_unknown_baseline_gives_zero_avoided_disposal_with_a_note() -> None:
    result = synergy_impact(
        flow(), receiver_nace="23.62", country="DK", distance_km=5.0, resource_class="gypsum"
    )
    disposal = term(result, "avoided_disposal")
    assert disposal.co2e_t_per_yr == Range.zero()
    assert "baseline unknown" in disposal.note
    assert disposal.note in result.notes


def test_a_recovered_residue_earns_no_virgin_credit_and_is_not_diverted() -> None:
    result = synergy_impact(
        flow(),
        receiver_nace="23.51",
        country="DK",
        distance_km=1.0,
        resource_class="fly_ash",
        assumptions=Assumptions(baseline="recycling"),
    )
    assert term(result, "avoided_virgin_material").co2e_t_per_yr == Range.zero()
    assert result.tonnes_diverted_per_yr == 0
    assert any("already recovered" in n for n in result.notes)


def test_hot_water_replaces_gas_in_an_industrial_boiler() -> None:
    heat = flow(Category.ENERGY, 1000, "MWh", temperature_c=90)
    demand = flow(Category.ENERGY, 5000, "MWh", direction=Direction.DEMAND, temperature_c=60)
    result = synergy_impact(
        heat,
        receiver_nace="01.13",
        country="DK",
        distance_km=2.0,
        resource_class="hot_water_heat",
        demand=demand,
        assumptions=Assumptions(heat_fuel="natural_gas"),
    )
    # 90 C >= 60 C + 10 K approach: direct exchange, 1000 MWh / 0.925 x 202.1562 kg/MWh
    fuel = term(result, "avoided_heat_fuel").co2e_t_per_yr
    per_mwh = (GAS_CO2 + GAS_CH4 * GWP_CH4 + GAS_N2O * GWP_N2O) * 0.0036
    assert fuel.central == pytest.approx(1000 / BOILER_GAS_INDUSTRIAL * per_mwh / 1000)
    low_per_mwh = (GAS_CO2_LOW + GAS_CH4 * GWP_CH4 + GAS_N2O * GWP_N2O) * 0.0036
    high_per_mwh = (GAS_CO2_HIGH + GAS_CH4 * GWP_CH4 + GAS_N2O * GWP_N2O) * 0.0036
    assert fuel.low == pytest.approx(1000 / BOILER_GAS_INDUSTRIAL * low_per_mwh / 1000)
    assert fuel.high == pytest.approx(1000 / BOILER_GAS_INDUSTRIAL * high_per_mwh / 1000)
    assert result.energy_mwh_per_yr == 1000
    assert term(result, "heat_pump_electricity").co2e_t_per_yr == Range.zero()
    assert any("pumping electricity not given" in n for n in result.notes)


def test_low_grade_heat_needs_a_heat_pump_whose_electricity_is_added() -> None:
    heat = flow(Category.ENERGY, 1000, "MWh", temperature_c=30)
    demand = flow(Category.ENERGY, 5000, "MWh", direction=Direction.DEMAND, temperature_c=70)
    result = synergy_impact(
        heat,
        receiver_nace="01.13",
        country="DK",
        distance_km=2.0,
        resource_class="low_grade_heat",
        demand=demand,
        assumptions=Assumptions(heat_fuel="natural_gas"),
    )
    # COP = 0.5 x 348.15 K / 50 K = 3.4815 (tests/test_heat_pump.py); delivered heat
    # Q = 1000 x 3.4815 / 2.4815 MWh and electricity W = Q / 3.4815, at 0.155 kg/kWh.
    cop = 0.5 * 348.15 / 50
    delivered = 1000 * cop / (cop - 1)
    assert result.energy_mwh_per_yr == pytest.approx(delivered)
    hp = term(result, "heat_pump_electricity").co2e_t_per_yr.central
    assert hp == pytest.approx(delivered / cop * GRID_DK_COMBINED)
    assert "grid_margin_combined_dk_2021" in {f.name for f in result.factors_used}


def test_the_avoided_fuel_cannot_exceed_what_the_receiver_buys() -> None:
    heat = flow(Category.ENERGY, 10_000, "MWh", temperature_c=120)
    result = synergy_impact(
        heat,
        receiver_nace="10.51",
        country="DK",
        distance_km=1.0,
        resource_class="steam",
        assumptions=Assumptions(heat_fuel="natural_gas", fuel_use_mwh_per_yr=2000),
    )
    per_mwh = (GAS_CO2 + GAS_CH4 * GWP_CH4 + GAS_N2O * GWP_N2O) * 0.0036
    assert result.co2e_avoided_t_per_yr.central == pytest.approx(2000 * per_mwh / 1000)
    assert any("limited to the 2000 MWh/yr" in n for n in result.notes)


def test_water_saves_public_supply() -> None:
    water = flow(Category.WATER, 10_000, "m3")
    result = synergy_impact(
        water, receiver_nace="01.13", country="DK", distance_km=1.0, resource_class=None
    )
    # 10 000 m3 x 0.1913 kg CO2e/m3 = 1.913 t
    assert result.co2e_avoided_t_per_yr.central == pytest.approx(10_000 * WATER_SUPPLY / 1000)
    assert result.water_saved_m3_per_yr == 10_000


def test_the_receivers_price_gives_the_avoided_purchase() -> None:
    # 0.025 EUR/kg is 25 EUR/t
    demand = flow(quantity=4e7, unit="kg", direction=Direction.DEMAND, price=0.025)
    result = synergy_impact(
        flow(),
        receiver_nace="23.51",
        country="DK",
        distance_km=0.0,
        resource_class="fly_ash",
        demand=demand,
        assumptions=Assumptions(disposal_fee_eur_per_t=30.0, handling_eur_per_yr=5000.0),
    )
    # 1000 t x 25 EUR/t + 1000 t x 30 EUR/t - 5000 EUR (0 km: no transport)
    assert result.cost_eur_per_yr.central == pytest.approx(25_000 + 30_000 - 5000)


def test_rates_and_services_are_not_evaluated_but_say_why() -> None:
    rate = synergy_impact(
        flow(Category.ENERGY, 5, "MW"), receiver_nace="35.30", country="DK", distance_km=1.0
    )
    assert rate.co2e_net_t_per_yr == Range.zero() and rate.terms == ()
    assert any("no yearly amount" in n for n in rate.notes)


def test_bad_assumptions_are_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown baseline 'dump'; choose one of landfill"):
        Assumptions(baseline="dump")
    with pytest.raises(ValueError, match="heat_fuel"):
        Assumptions(heat_fuel="unobtainium")
    with pytest.raises(ValueError, match="must be >= 0"):
        Assumptions(route_km=-1.0)
    with pytest.raises(ValueError, match="choose one of clinker, aggregates, none"):
        synergy_impact(
            flow(),
            receiver_nace="23.51",
            country="DK",
            distance_km=1.0,
            resource_class="fly_ash",
            assumptions=Assumptions(virgin_material="gold"),
        )


MATERIAL_CLASSES = sorted(impact_reference().substitutes)
NACE = ["23.51", "23.63", "42.11", "24.10", "17.12", "22.22", "01.13", "35.30", "10.91"]


@settings(max_examples=80, deadline=None)
@given(
    tonnes=st.floats(0, 1e6),
    km=st.floats(0, 2000),
    resource_class=st.sampled_from(MATERIAL_CLASSES),
    nace=st.sampled_from(NACE),
    baseline=st.sampled_from(["landfill", "incineration", "recycling", "unknown"]),
    mode=st.sampled_from(["road", "rail", "sea", "sea_bulk", "roro"]),
)
def test_ranges_are_ordered_and_every_term_lists_its_factors(
    tonnes: float, km: float, resource_class: str, nace: str, baseline: str, mode: str
) -> None:
    result = synergy_impact(
        flow(quantity=tonnes),
        receiver_nace=nace,
        country="DK",
        distance_km=km,
        resource_class=resource_class,
        assumptions=Assumptions(baseline=baseline, transport_mode=mode),
    )
    for r in (
        result.co2e_avoided_t_per_yr,
        result.co2e_added_t_per_yr,
        result.co2e_net_t_per_yr,
        result.cost_eur_per_yr,
    ):
        assert r.low <= r.central <= r.high
    used = {f.name for f in result.factors_used}
    for t in result.terms:
        if t.co2e_t_per_yr != Range.zero():
            assert t.factors, f"term {t.name} has a value but lists no factor"
        assert {f.name for f in t.factors} <= used
    for factor in result.factors_used:
        assert factor.source and factor.unit
    assert result.co2e_net_t_per_yr.central == pytest.approx(
        result.co2e_avoided_t_per_yr.central - result.co2e_added_t_per_yr.central, abs=1e-6
    )


def test_impact_factors_are_sourced_and_as_published() -> None:
    own = load_factors("impact_factors.yaml")
    for factor in own.values():
        assert re.search(r"https?://", factor.source), factor.name
        assert 2000 <= factor.year <= 2026
    # DEA technology data, 2025 values: gas steam boiler 0.925, wood steam boiler 0.89,
    # gas district-heating boiler 1.035 (flue gas condensation), building gas boiler 0.975.
    assert own["boiler_efficiency_industrial_natural_gas"].value == 0.925
    assert own["boiler_efficiency_industrial_wood"].value == 0.89
    assert own["boiler_efficiency_district_heating_natural_gas"].value == 1.035
    assert own["boiler_efficiency_building_natural_gas"].value == 0.975
    # UK DESNZ/Defra 2025: water supply 0.1913 kg CO2e/m3; scrap metal closed-loop 1706.42359.
    assert own["water_supply"].value == WATER_SUPPLY
    assert own["substitution_scrap_metal_closed_loop_source"].value == 1706.42359
    reference = impact_reference()
    for rules in reference.substitutes.values():
        for rule in rules:
            virgin = reference.factor(rule.virgin).value
            if rule.secondary is not None:
                # making the product from the residue must emit less than from virgin input
                assert reference.factor(rule.secondary).value < virgin


def test_a_broken_substitution_rule_names_entry_and_field() -> None:
    factors = impact_reference().factors
    entry: dict[str, Any] = {
        "receivers": ["23.51"],
        "replaces": "clinker",
        "virgin": "substitution_unobtainium",
        "ratio": 1.0,
        "basis": "none",
    }
    with pytest.raises(ReferenceDataError, match="substitutes of class fly_ash, rule 1 has virgin"):
        _parse_rule("fly_ash", 0, entry, factors)
    entry |= {"virgin": "substitution_clinker_calcination", "ratio": 0}
    with pytest.raises(ReferenceDataError, match="ratio 0; give a number > 0"):
        _parse_rule("fly_ash", 0, entry, factors)


# --- Park totals -----------------------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False)


@st.composite
def ranges(draw: st.DrawFn) -> Range:
    values = sorted(draw(st.lists(finite, min_size=3, max_size=3)))
    return Range(*values)


@st.composite
def impacts(draw: st.DrawFn) -> Impact:
    avoided, added, cost = draw(ranges()), draw(ranges()), draw(ranges())
    return Impact(
        avoided,
        added,
        avoided - added,
        cost,
        draw(st.floats(0, 1e6)),
        draw(st.floats(0, 1e6)),
        draw(st.floats(0, 1e6)),
    )


rows = st.lists(
    st.builds(
        SynergyImpact,
        synergy_id=st.integers(1, 10_000),
        category=st.sampled_from(["material", "energy", "water"]),
        company=st.sampled_from(["C01", "C02", "C03", "C04"]),
        status=st.sampled_from([s.value for s in SynergyStatus]),
        impact=impacts(),
    ),
    max_size=25,
)


def _assert_breakdowns_add_up(park: ParkImpact) -> None:
    total = park.total
    for breakdown in (park.by_category, park.by_company, park.by_status):
        assert sum(t.synergies for t in breakdown.values()) == total.synergies
        for field in ("co2e_avoided_t_per_yr", "co2e_added_t_per_yr", "co2e_net_t_per_yr"):
            for end in ("low", "central", "high"):
                parts = sum(getattr(getattr(t, field), end) for t in breakdown.values())
                assert parts == pytest.approx(getattr(getattr(total, field), end), abs=1e-3)
        for field in ("tonnes_diverted_per_yr", "water_saved_m3_per_yr", "energy_mwh_per_yr"):
            parts = sum(getattr(t, field) for t in breakdown.values())
            assert parts == pytest.approx(getattr(total, field), abs=1e-3)
        cost = sum(t.cost_eur_per_yr.central for t in breakdown.values())
        assert cost == pytest.approx(total.cost_eur_per_yr.central, abs=1e-3)


@given(rows)
def test_park_totals_equal_the_sum_of_synergies_by_every_breakdown(
    items: list[SynergyImpact],
) -> None:
    park = park_totals("P", items)
    assert park.total.synergies == len(items)
    net = sum(i.impact.co2e_net_t_per_yr.central for i in items)
    assert park.total.co2e_net_t_per_yr.central == pytest.approx(net, abs=1e-3)
    assert park.total.co2e_net_t_per_yr.low <= park.total.co2e_net_t_per_yr.high
    _assert_breakdowns_add_up(park)


# --- Through the service, on the demo park ------------------------------------------------------

PAIRS = [
    ("F003", "C11", None),  # FGD gypsum to the cement mill
    ("F001", "C11", "F070"),  # fly ash to the cement mill's CEM II/B-V demand
    ("F006", "C02", "F013"),  # steam to district heating
    ("F010", "C13", "F083"),  # cooling water to the greenhouse's irrigation demand
    ("F078", "C28", None),  # crushed concrete to the asphalt works
]


@pytest.mark.db
def test_the_demo_park_works_through_the_service(database: Database) -> None:
    park = load_demo(database).park
    ids = [
        synergies.identify(database, park, s, c, by="f@example.org", demand_flow=d)
        for s, c, d in PAIRS
    ]
    synergies.advance(
        database, ids[1], SynergyStatus.CONTACTED, by="f@example.org", expected_version=1
    )

    fly_ash = stored_impact(database, ids[1])
    # 2640 t/yr of fly ash (F001) x 1 t clinker/t x 0.52 t CO2/t = 1372.8 t CO2/yr
    assert term(fly_ash, "avoided_virgin_material").co2e_t_per_yr.central == pytest.approx(1372.8)
    # The cement mill asks 25 EUR/t for fly ash in its demand F070.
    assert term_cost(fly_ash, "avoided_purchase") == pytest.approx(2640 * 25)

    heat = stored_impact(database, ids[2])
    assert heat.energy_mwh_per_yr == 60_000
    assert any(
        "heat fuel natural_gas taken from the receiver's energy data" in n for n in heat.notes
    )
    assert heat.co2e_avoided_t_per_yr.central > 0

    gypsum = stored_impact(database, ids[0], baseline="landfill")
    assert term(gypsum, "avoided_disposal").co2e_t_per_yr.central == pytest.approx(
        930 * LANDFILL_PLASTERBOARD / 1000
    )

    result = park_impact(database, park)
    assert result.total.synergies == len(PAIRS)
    assert set(result.by_status) == {"identified", "contacted"}
    assert set(result.by_category) == {"material", "energy", "water"}
    assert set(result.by_company) == {"C01", "C12"}
    _assert_breakdowns_add_up(result)
    net = sum(s.impact.co2e_net_t_per_yr.central for s in result.synergies)
    assert result.total.co2e_net_t_per_yr.central == pytest.approx(net)
    assert result.total.water_saved_m3_per_yr == 90_000  # capped by the greenhouse's demand
    only = park_impact(database, park, statuses=[SynergyStatus.CONTACTED])
    assert only.total.synergies == 1

    with pytest.raises(NotFound):
        stored_impact(database, 999_999)
    with pytest.raises(ValueError, match="unknown assumption colour"):
        stored_impact(database, ids[0], colour="green")


def term_cost(impact: Impact, name: str) -> float:
    return next(c.eur_per_yr.central for c in impact.cost_terms if c.name == name)
