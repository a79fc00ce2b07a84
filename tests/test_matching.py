"""The matching engine on small, hand-made parks whose right answers are known."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkloop.domain.models import Company, Direction, Flow
from parkloop.matching.cases import Case, CaseLibrary
from parkloop.matching.engine import Matcher, MatchOptions, MatchResult
from parkloop.matching.feedback import Decision, Feedback
from parkloop.matching.knowledge import Knowledge
from parkloop.reference.resource_classes import Receiver, ResourceClass
from parkloop.units import Category

FLY_ASH = ResourceClass(
    id="fly_ash",
    label="Fly ash",
    category="material",
    ewc=("10 01 02",),
    temperature_c=None,
    keywords={"en": ("fly ash",), "sv": ("flygaska",), "pl": ("popiół lotny",)},
    receivers=(Receiver("23.51", "Pozzolanic addition to cement", "EN 197-1"),),
)
LOW_HEAT = ResourceClass(
    id="low_grade_heat",
    label="Low-grade heat",
    category="energy",
    ewc=(),
    temperature_c=(25.0, 60.0),
    keywords={"en": ("waste heat",), "de": ("abwärme",)},
    receivers=(Receiver("01.13", "Greenhouse heating", "a handbook"),),
)
HOT_WATER = replace(
    LOW_HEAT,
    id="hot_water",
    label="Hot water",
    temperature_c=(60.0, 100.0),
    receivers=(Receiver("35.30", "District heating supply", "a report"),),
)
KNOWLEDGE = Knowledge([FLY_ASH, LOW_HEAT, HOT_WATER])
CASES = [
    Case("Case A", "35.11", "23.51", "coal fly ash", "10 01 02", "Raw material", "DK", "Ref A"),
    Case(
        "Case B",
        "35.11",
        "23.51",
        "fly ash from a power plant",
        None,
        "Raw material",
        "SE",
        "Ref B",
    ),
    Case("Case C", "10.51", "01.46", "whey", "02 05 01", "Animal feed", "FI", "Ref C"),
]


def _matcher(feedback: Feedback | None = None) -> Matcher:
    return Matcher(cases=CaseLibrary(CASES, KNOWLEDGE), knowledge=KNOWLEDGE, feedback=feedback)


def _company(key: str, nace: str, km_east: float = 1.0) -> Company:
    # 1 degree of longitude at 55.7 N is about 62.7 km
    return Company(key, f"Company {key}", nace, "DK", 55.7, 9.5 + km_east / 62.7)


PARK = [
    _company("POWER", "35.11", 0.0),
    _company("CEMENT", "23.51", 3.0),
    _company("DAIRY", "10.51", 2.0),
    _company("GREENHOUSE", "01.13", 4.0),
    _company("DH", "35.30", 1.0),
    _company("FAR", "23.51", 120.0),
]


def _supply(name: str, category: Category = Category.MATERIAL, **kw: object) -> Flow:
    return Flow("S1", "POWER", Direction.SUPPLY, category, name, **kw)  # type: ignore[arg-type]


def _run(
    flows: list[Flow], companies: list[Company] | None = None, **options: object
) -> MatchResult:
    results = _matcher().match(companies or PARK, flows, MatchOptions(**options))  # type: ignore[arg-type]
    return results[0]


def test_a_resource_seen_going_to_cement_ranks_a_cement_plant_in_a_new_park() -> None:
    result = _run([_supply("Fly ash", ewc="10 01 02", quantity=5000, unit="t")])
    top = result.candidates[0]
    assert (top.company_id, top.demand_flow_id) == ("CEMENT", None)
    assert any("2 documented exchanges" in r and "this company's sector" in r for r in top.reasons)
    assert any("EN 197-1" in r for r in top.reasons)


def test_the_supplier_is_never_a_candidate_and_far_companies_are_dropped() -> None:
    result = _run([_supply("Fly ash", ewc="10 01 02")], radius_km=50.0)
    ids = [c.company_id for c in result.candidates]
    assert "POWER" not in ids and "FAR" not in ids
    wide = _run([_supply("Fly ash", ewc="10 01 02")], radius_km=500.0)
    ranked = [c.company_id for c in wide.candidates]
    assert ranked.index("CEMENT") < ranked.index("FAR")


def test_candidates_are_sorted_with_scores_in_the_unit_interval() -> None:
    result = _run([_supply("Fly ash", ewc="10 01 02")])
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_a_listed_demand_is_named_with_quantity_fit() -> None:
    demand = Flow(
        "D1",
        "CEMENT",
        Direction.DEMAND,
        Category.MATERIAL,
        "flygaska till cement",
        quantity=2500,
        unit="t",
    )
    result = _run([_supply("Fly ash", ewc="10 01 02", quantity=5000, unit="t"), demand])
    top = result.candidates[0]
    assert (top.company_id, top.demand_flow_id) == ("CEMENT", "D1")
    assert "quantities fit 50% (smaller over larger, per year)" in top.reasons


def test_keywords_recognise_the_resource_across_languages() -> None:
    for name in ("Flygaska från pannan", "Popiół lotny z kotła", "FLY ASH, dry"):
        recognised = KNOWLEDGE.recognise(name)
        assert [r.resource.id for r in recognised] == ["fly_ash"], name


def test_heat_is_classed_by_temperature() -> None:
    assert [r.resource.id for r in KNOWLEDGE.recognise("Abwärme", None, 45.0)] == ["low_grade_heat"]
    assert [r.resource.id for r in KNOWLEDGE.recognise("waste heat", None, 80.0)] == ["hot_water"]


def _heat_pair() -> tuple[Flow, Flow]:
    """35 C waste heat, 10 GWh/yr, and a greenhouse asking 8 GWh/yr at 60 C."""
    supply = _supply("Waste heat", Category.ENERGY, quantity=10, unit="GWh", temperature_c=35.0)
    demand = Flow(
        "D2",
        "GREENHOUSE",
        Direction.DEMAND,
        Category.ENERGY,
        "waste heat wanted",
        quantity=8,
        unit="GWh",
        temperature_c=60.0,
    )
    return supply, demand


def test_heat_to_a_hotter_demand_needs_a_heat_pump() -> None:
    supply, demand = _heat_pair()
    result = _run([supply, demand])
    greenhouse = next(c for c in result.candidates if c.company_id == "GREENHOUSE")
    assert greenhouse.demand_flow_id == "D2"
    assert any("needs a heat pump (COP about" in r for r in greenhouse.reasons)
    hot = replace(supply, temperature_c=90.0)
    direct = next(c for c in _run([hot, demand]).candidates if c.company_id == "GREENHOUSE")
    assert any("90 C source covers a 60 C sink" in r for r in direct.reasons)
    assert direct.signals["listed"] > greenhouse.signals["listed"]


def test_rejections_push_similar_pairs_down() -> None:
    supply = _supply("Fly ash", ewc="10 01 02")
    before = _matcher().match(PARK, [supply])[0].candidates[0]
    feedback = Feedback.from_decisions(
        [Decision(frozenset({"fly_ash"}), "23.51", accepted=False) for _ in range(3)]
    )
    after = _matcher(feedback).match(PARK, [supply])[0].candidates[0]
    assert after.company_id == before.company_id == "CEMENT"
    assert after.score < before.score
    assert any("rejected 3 similar matches" in r for r in after.reasons)


def test_case_reasons_are_backed_by_the_cases_that_produced_them() -> None:
    library = CaseLibrary(CASES, KNOWLEDGE)
    result = _run([_supply("Fly ash", ewc="10 01 02")])
    cement = next(c for c in result.candidates if c.company_id == "CEMENT")
    reason = next(r for r in cement.reasons if "documented exchange" in r)
    similarity = library.resource_similarity("Fly ash", "10 01 02", {"fly_ash"})
    evidence = library.evidence("35.11", similarity, "23.51")
    assert f"{len(evidence.cases)} documented exchanges" in reason
    assert {c.case for c in evidence.cases} == {"Case A", "Case B"}
    assert cement.signals["cases"] == pytest.approx(evidence.score)


def test_a_hazardous_supply_is_flagged() -> None:
    result = _run([_supply("Waste oil", ewc="13 02 05*")], radius_km=500.0)
    for candidate in result.candidates:
        assert any("hazardous waste (13 02 05*)" in r for r in candidate.reasons)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_the_order_of_companies_does_not_change_the_ranking(seed: int) -> None:
    shuffled = list(PARK)
    random.Random(seed).shuffle(shuffled)
    flows = [
        _supply("Fly ash", ewc="10 01 02"),
        _supply("waste heat 45 C", Category.ENERGY, temperature_c=45.0),
    ]
    flows[1] = replace(flows[1], id="S2")
    first = [r.as_dict() for r in _matcher().match(PARK, flows)]
    second = [r.as_dict() for r in _matcher().match(shuffled, flows)]
    assert first == second


def test_the_listed_signal_is_the_product_of_its_explained_parts() -> None:
    from parkloop.matching.features import heat_feasibility, quantity_fit

    supply, demand = _heat_pair()
    greenhouse = next(c for c in _run([supply, demand]).candidates if c.company_id == "GREENHOUSE")
    fit = quantity_fit(supply, demand)
    assert fit == pytest.approx(0.8)
    expected = 0.9 * (0.6 + 0.4 * fit) * heat_feasibility(35.0, 60.0).score  # same class: 0.9
    assert greenhouse.signals["listed"] == pytest.approx(expected)


def test_both_text_paths_give_the_same_ranking(monkeypatch: pytest.MonkeyPatch) -> None:
    import parkloop.matching.index as index_module

    demand = Flow(
        "D1",
        "CEMENT",
        Direction.DEMAND,
        Category.MATERIAL,
        "flygaska till cement",
        quantity=2500,
        unit="t",
    )
    flows = [_supply("Fly ash from the boiler", ewc="10 01 02", quantity=5000, unit="t"), demand]
    dense = [r.as_dict() for r in _matcher().match(PARK, flows)]
    monkeypatch.setattr(index_module, "DISTINCT_TEXTS_DENSE", 0)
    sliced = [r.as_dict() for r in _matcher().match(PARK, flows)]
    assert sliced == dense
