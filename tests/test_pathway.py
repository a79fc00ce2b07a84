"""The pathway to climate neutrality: hand calculations, invariants, the service and the command.

Every number below is worked by hand beside the assertion. The common case: a park with a
baseline of 1,000 t CO2e in 2020 and a target of -55 % by 2030, so that

    target(y) = 1000 x (1 - 0.55 x (y - 2020) / 10)      for 2020 <= y <= 2030
    target(2025) = 1000 x (1 - 0.55 x 5/10) = 725 t
    target(2030) = 1000 x (1 - 0.55)         = 450 t
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from parkloop.cli_pathway import parse_milestone, pathway_app
from parkloop.climate.pathway import (
    EU_CLIMATE_LAW_MILESTONES,
    Action,
    ActionKind,
    Background,
    DuplicateActionError,
    PathwayError,
    Scenario,
    Target,
    compare,
    pathway,
    pathway_years,
    ramp_share,
)
from parkloop.climate.pathway_svg import _gap_area, pathway_svg
from parkloop.domain.synergy import SynergyStatus
from parkloop.errors import NotFound
from parkloop.services import impact as impact_service
from parkloop.services import inventory as inventory_service
from parkloop.services import pathway as pathway_service
from parkloop.services import synergies
from parkloop.services import toolbox as toolbox_service
from parkloop.services.database import Database
from parkloop.services.parks import load_demo
from parkloop.settings import get_settings
from parkloop.toolbox.model import EndUseShare

TARGET = Target(2020, 1000.0, ((2030, 0.55),))
YEARS = range(2020, 2031)


def action(
    kind: ActionKind = "measure",
    ident: str = "led",
    start: int = 2024,
    full: int = 2026,
    tonnes: float = 100.0,
    low: float | None = None,
    high: float | None = None,
) -> Action:
    return Action(kind, ident, f"{kind} {ident}", start, full, tonnes, "test input", low, high)


# --- Target trajectory ---------------------------------------------------------------------


def test_target_is_linear_between_milestones_and_held_after_the_last() -> None:
    assert TARGET.tco2e(2020) == 1000.0  # share 0 in the baseline year
    assert TARGET.tco2e(2025) == pytest.approx(725.0)  # 1000 x (1 - 0.55 x 5/10)
    assert TARGET.tco2e(2030) == pytest.approx(450.0)  # 1000 x (1 - 0.55)
    assert TARGET.tco2e(2040) == pytest.approx(450.0)  # held after the last milestone
    assert TARGET.net_zero_year is None

    net_zero = Target(2020, 1000.0, ((2030, 0.55), (2040, 1.0)))
    # 2035: share = 0.55 + (1.0 - 0.55) x 5/10 = 0.775 -> 1000 x 0.225 = 225 t
    assert net_zero.tco2e(2035) == pytest.approx(225.0)
    assert net_zero.tco2e(2040) == 0.0
    assert net_zero.tco2e(2045) == 0.0
    assert net_zero.net_zero_year == 2040
    assert list(pathway_years(net_zero)) == list(range(2020, 2041))
    assert list(pathway_years(net_zero, until=2042))[-1] == 2042


@pytest.mark.parametrize(
    ("milestones", "message"),
    [
        ((), "at least one milestone"),
        (((2030, 1.2),), "fraction in \\(0, 1\\]"),
        (((2030, 55.0),), "e.g. 0.55"),
        (((2019, 0.5),), "after the baseline year"),
        (((2040, 0.5), (2030, 0.8)), "increasing"),
        (((2030, 0.6), (2040, 0.5)), "may not loosen"),
    ],
)
def test_invalid_targets_say_how_to_fix_them(
    milestones: tuple[tuple[int, float], ...], message: str
) -> None:
    with pytest.raises(PathwayError, match=message):
        Target(2020, 1000.0, milestones)


def test_the_eu_default_is_its_two_goals() -> None:
    # Regulation (EU) 2021/1119: -55 % by 2030 (Art. 4(1)), climate neutrality by 2050 (Art. 2(1)).
    assert EU_CLIMATE_LAW_MILESTONES == ((2030, 0.55), (2050, 1.0))


# --- Actions and the pathway ---------------------------------------------------------------


def test_a_ramp_reaches_half_its_effect_halfway() -> None:
    # 100 t/yr ramping linearly from 2024 (0 %) to 2026 (100 %): 50 t in 2025.
    led = action()
    assert [led.abated_tco2e(y) for y in (2023, 2024, 2025, 2026, 2030)] == [
        0.0,
        0.0,
        50.0,
        100.0,
        100.0,
    ]
    assert ramp_share(2022, 2022, 2022) == 1.0  # start = full: a step


def test_pathway_by_hand_with_gap_sign_and_first_year_met() -> None:
    measure = action("measure", "led", 2024, 2026, 100.0)
    synergy = action("synergy", "7", 2022, 2022, 200.0)
    wind = action("renewable", "wind", 2025, 2030, 300.0)
    result = pathway(TARGET, Scenario("plan", (measure, synergy, wind)), YEARS)

    y2025 = result.year(2025)
    # measure 100 x 1/2 = 50; synergy 200; wind 300 x 0/5 = 0 -> 1000 - 250 = 750 t
    assert dict(y2025.abated_tco2e) == {"measure": 50.0, "synergy": 200.0, "renewable": 0.0}
    assert y2025.emissions_tco2e == pytest.approx(750.0)
    assert y2025.target_tco2e == pytest.approx(725.0)
    assert y2025.gap_tco2e == pytest.approx(25.0)  # 750 - 725 > 0: short of the target
    assert not y2025.met

    y2026 = result.year(2026)
    # 100 + 200 + 300 x 1/5 = 360 -> 640 t; target 1000 x (1 - 0.55 x 0.6) = 670 t
    assert y2026.emissions_tco2e == pytest.approx(640.0)
    assert y2026.gap_tco2e == pytest.approx(-30.0)  # below the target: met
    assert y2026.met

    # 2022: 1000 - 200 = 800 <= target 1000 x (1 - 0.055 x 2) = 890: met for the first time;
    # 2024: 800 > target 780: short again; from 2026 on it stays met (2030: 400 <= 450).
    assert result.year(2022).gap_tco2e == pytest.approx(-90.0)
    assert result.year(2024).gap_tco2e == pytest.approx(20.0)
    assert result.first_year_met == 2022
    assert result.met_from == 2026
    assert result.year(2030).emissions_tco2e == pytest.approx(400.0)
    assert result.net_zero_reached is None
    assert [m.year for m in result.milestones()] == [2030]


def test_emissions_never_go_below_zero_and_the_surplus_is_reported() -> None:
    big = action("renewable", "wind", 2021, 2021, 1500.0, low=1200.0, high=1800.0)
    result = pathway(TARGET, Scenario("big", (big,)), YEARS)
    y = result.year(2021)
    assert y.emissions_tco2e == 0.0
    assert y.surplus_tco2e == pytest.approx(500.0)  # 1500 - 1000, not negative emissions
    assert y.emissions_high_tco2e == 0.0  # even the low end (1200 t) covers the baseline
    assert y.gap_tco2e == pytest.approx(0.0 - 1000 * (1 - 0.055))
    assert result.net_zero_reached == 2021
    assert result.first_year_met == 2021


def test_ranges_background_and_negative_actions() -> None:
    ranged = action("measure", "m", 2020, 2020, 100.0, low=60.0, high=150.0)
    haul = action("synergy", "9", 2020, 2020, -20.0)  # adds 20 t CO2e/yr (a long haul)
    grid = Background(((2020, 0.0), (2030, 100.0)), "test input", "cleaner grid")
    y = pathway(TARGET, Scenario("s", (ranged, haul), grid), [2025]).year(2025)
    # background 2025: 100 x 5/10 = 50; abated 100 - 20 = 80 -> 1000 - 50 - 80 = 870 t
    assert y.background_tco2e == pytest.approx(50.0)
    assert y.emissions_tco2e == pytest.approx(870.0)
    # low emissions with the high ends: 1000 - 50 - (150 - 20) = 820; high: 1000 - 50 - 40
    assert y.emissions_low_tco2e == pytest.approx(820.0)
    assert y.emissions_high_tco2e == pytest.approx(910.0)
    assert grid.reduction_tco2e(2019) == 0.0 and grid.reduction_tco2e(2035) == 100.0


def test_the_same_measure_or_synergy_twice_is_refused() -> None:
    with pytest.raises(DuplicateActionError, match="measure:led appears twice") as caught:
        Scenario("twice", (action(), action(tonnes=50.0)))
    assert isinstance(caught.value, ValueError)
    assert "Keep one entry" in str(caught.value)
    with pytest.raises(DuplicateActionError, match="synergy:3"):
        Scenario("twice", (action("synergy", "3"), action("synergy", "3")))
    # The same id under two kinds is two different things.
    assert len(Scenario("ok", (action("measure", "x"), action("synergy", "x"))).actions) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"full": 2023}, "before the start year"),
        ({"low": 120.0}, "low <= value <= high"),
        ({"tonnes": math.nan}, "not a finite number"),
        ({"kind": "offset"}, "unknown kind"),
        ({"ident": " "}, "give an id"),
    ],
)
def test_invalid_actions_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(PathwayError, match=message):
        action(**kwargs)  # type: ignore[arg-type]


def test_years_before_the_baseline_are_refused() -> None:
    with pytest.raises(PathwayError, match="before the baseline year 2020"):
        pathway(TARGET, Scenario("s"), [2019, 2020])
    with pytest.raises(PathwayError, match="at least one year"):
        pathway(TARGET, Scenario("s"), [])


def test_scenarios_side_by_side() -> None:
    wind = action("renewable", "wind", 2022, 2022, 600.0)
    both = compare(TARGET, [Scenario("none"), Scenario("wind", (wind,))], [2030, 2020, 2025])
    assert both.years == (2020, 2025, 2030)
    rows = both.rows()
    assert rows[1]["target_tco2e"] == pytest.approx(725.0)
    assert rows[1]["none"] == {"emissions_tco2e": 1000.0, "gap_tco2e": pytest.approx(275.0)}
    assert rows[1]["wind"]["gap_tco2e"] == pytest.approx(400.0 - 725.0)
    assert [p.first_year_met for p in both.pathways] == [None, 2025]
    document = json.loads(json.dumps(both.as_dict()))
    assert [s["scenario"]["name"] for s in document["scenarios"]] == ["none", "wind"]
    with pytest.raises(PathwayError, match="used twice"):
        compare(TARGET, [Scenario("a"), Scenario("a")], YEARS)
    with pytest.raises(PathwayError, match="at least one scenario"):
        compare(TARGET, [], YEARS)


@given(
    baseline=st.floats(0.0, 1e6),
    values=st.lists(st.floats(-1e5, 1e6), max_size=6),
    starts=st.lists(st.integers(2020, 2040), min_size=6, max_size=6),
    year=st.integers(2020, 2050),
)
def test_emissions_are_never_negative_and_the_balance_closes(
    baseline: float, values: list[float], starts: list[int], year: int
) -> None:
    actions = tuple(
        Action("measure", str(i), "m", s, s + 2, v, "property test")
        for i, (v, s) in enumerate(zip(values, starts, strict=False))
    )
    target = Target(2020, baseline, ((2050, 1.0),))
    row = pathway(target, Scenario("p", actions), [year]).year(year)
    assert row.emissions_tco2e >= 0.0 and row.surplus_tco2e >= 0.0
    assert row.emissions_low_tco2e <= row.emissions_tco2e <= row.emissions_high_tco2e
    # baseline = emissions + abated + background - surplus
    balance = row.emissions_tco2e + row.total_abated_tco2e + row.background_tco2e
    assert balance - row.surplus_tco2e == pytest.approx(baseline, abs=1e-6 * (1 + baseline))
    assert row.gap_tco2e == pytest.approx(row.emissions_tco2e - row.target_tco2e)


# --- Scenario files ------------------------------------------------------------------------

SCENARIO_YAML = """
scenarios:
  - name: wind
    extends: default
    background:
      label: cleaner grid
      source: test input
      reduction_tco2e: {2024: 0, 2034: 1000}
    actions:
      - kind: renewable
        id: shared_wind
        label: Shared wind turbine
        start_year: 2027
        full_year: 2028
        tco2e_per_yr: 5000
        low_tco2e_per_yr: 4000
        high_tco2e_per_yr: 6000
        source: test input
  - name: solar only
    actions:
      - {kind: renewable, id: pv, start_year: 2026, tco2e_per_yr: 300, source: test input}
"""


def test_scenario_files_in_yaml_and_json(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.yaml"
    path.write_text(SCENARIO_YAML, encoding="utf-8")
    wind, solar = pathway_service.read_scenarios(path)
    assert wind.extends_default and not solar.extends_default
    assert wind.scenario.actions[0].value("low") == 4000.0
    assert wind.scenario.background is not None
    assert wind.scenario.background.reduction_tco2e(2029) == pytest.approx(500.0)
    assert solar.scenario.actions[0].full_year == 2026  # full_year defaults to start_year
    assert solar.scenario.actions[0].label == "pv"

    as_json = tmp_path / "scenarios.json"
    background = {"source": "test input", "reduction_tco2e": {"2030": 10}}  # JSON keys: text
    pv = solar.scenario.actions[0].as_dict()
    entry = {"name": "pv", "actions": [pv], "background": background}
    as_json.write_text(json.dumps({"scenarios": [entry]}), encoding="utf-8")
    (spec,) = pathway_service.read_scenarios(as_json)
    assert spec.scenario.actions == solar.scenario.actions
    assert spec.scenario.background is not None
    assert spec.scenario.background.points == ((2030, 10.0),)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "a", "actions": [{"kind": "wind"}]}, "action 1: missing id"),
        (
            {
                "name": "a",
                "actions": [
                    {
                        "kind": "offset",
                        "id": "x",
                        "start_year": 2026,
                        "tco2e_per_yr": 1,
                        "source": "s",
                    }
                ],
            },
            "scenario 1 \\(a\\), action 1, field 'kind'",
        ),
        (
            {
                "name": "a",
                "actions": [
                    {
                        "kind": "renewable",
                        "id": "x",
                        "start_year": "soon",
                        "tco2e_per_yr": 1,
                        "source": "s",
                    }
                ],
            },
            "field 'start_year': 'soon' is not a year",
        ),
        ({"name": "a", "colour": "green"}, "unknown key colour"),
        ({"name": "a", "extends": "other"}, "only 'default'"),
        ({"name": "a", "background": {"source": "s"}}, "give reduction_tco2e"),
    ],
)
def test_scenario_file_errors_name_the_entry_and_field(
    entry: dict[str, object], message: str
) -> None:
    with pytest.raises(PathwayError, match=message):
        pathway_service.parse_scenarios({"scenarios": [entry]}, "f.yaml")


def test_unreadable_scenario_files(tmp_path: Path) -> None:
    with pytest.raises(PathwayError, match=r"give a \.yaml, \.yml or \.json"):
        pathway_service.read_scenarios(tmp_path / "plan.txt")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(PathwayError, match="not valid JSON"):
        pathway_service.read_scenarios(broken)
    with pytest.raises(PathwayError, match="non-empty list"):
        pathway_service.parse_scenarios({"scenarios": []})


# --- The service on the demo park ----------------------------------------------------------

TODAY = dt.date(2026, 6, 1)
SHARES = [EndUseShare("electricity", "compressed_air", 0.1, "test input")]


def _implement(database: Database, park: str, supply: str, receiver: str, year: int) -> int:
    """Take a synergy through the pipeline to ``implemented`` in ``year``."""
    at = dt.datetime(year, 2, 1, tzinfo=dt.UTC)
    ident = synergies.identify(database, park, supply, receiver, by="f@example.org", at=at)
    steps = (SynergyStatus.CONTACTED, SynergyStatus.NEGOTIATING, SynergyStatus.IMPLEMENTED)
    for version, status in enumerate(steps, start=1):
        synergies.advance(
            database,
            ident,
            status,
            by="f@example.org",
            expected_version=version,
            at=at + dt.timedelta(days=30 * version),
        )
    return ident


@pytest.mark.db
def test_the_demo_park_pathway_through_the_service(database: Database, tmp_path: Path) -> None:
    park = load_demo(database).park
    steam = _implement(database, park, "F006", "C02", 2024)  # steam to district heating
    early = _implement(database, park, "F001", "C11", 2022)  # before the 2023 baseline
    synergies.identify(database, park, "F003", "C11", by="f@example.org")  # not implemented

    scenario = pathway_service.default_scenario(
        database, park, 2030, baseline_year=2023, end_use_shares=SHARES, today=TODAY
    )
    (synergy,) = [a for a in scenario.actions if a.kind == "synergy"]
    impact = impact_service.synergy_impact(database, steam)
    assert synergy.id == str(steam)
    assert (synergy.start_year, synergy.full_year) == (2024, 2024)  # the implemented event
    assert synergy.tco2e_per_yr == pytest.approx(impact.co2e_net_t_per_yr.central)
    assert synergy.value("low") == pytest.approx(impact.co2e_net_t_per_yr.low)
    assert "impact accounting" in synergy.source
    assert any(f"synergy {early}: implemented in 2022" in n for n in scenario.notes)

    recommended = toolbox_service.recommend_for_park(database, park, end_use_shares=SHARES)
    estimated = {t.measure_id: t.co2e_t for t in recommended.totals if t.co2e_t is not None}
    central = {k: v.central for k, v in estimated.items() if v.central is not None}
    measures = {a.id: a for a in scenario.actions if a.kind == "measure"}
    assert central and set(measures) == set(central)
    # A range without a central value is named in a note, not put in the pathway.
    for ident in set(estimated) - set(central):
        assert any(n.startswith(f"{ident}: estimated at") for n in scenario.notes)
    for ident, action_ in measures.items():
        assert action_.tco2e_per_yr == pytest.approx(central[ident])
        assert (action_.start_year, action_.full_year) == (2026, 2030)
        assert "toolbox recommender" in action_.source
    assert not [a for a in scenario.actions if a.kind == "renewable"]

    path = tmp_path / "scenarios.yaml"
    path.write_text(SCENARIO_YAML, encoding="utf-8")
    result = pathway_service.park_pathway(
        database,
        park,
        [(2030, 0.55), (2045, 1.0)],
        scenario_files=[path],
        end_use_shares=SHARES,
        today=TODAY,
    )
    inventory = inventory_service.park_inventory(database, park)
    baseline = inventory.baseline
    assert baseline is not None
    target = result.comparison.target
    assert target.baseline_year == inventory.baseline_year == 2023
    assert target.baseline_tco2e == pytest.approx(baseline.totals.total_tco2e("location"))
    assert result.comparison.years == tuple(range(2023, 2046))
    names = [p.scenario.name for p in result.comparison.pathways]
    assert names == ["default", "wind", "solar only"]
    default, wind, solar = result.comparison.pathways
    assert len(wind.scenario.actions) == len(default.scenario.actions) + 1
    # In 2030 the wind scenario abates 5000 t more than the default one, and its background
    # is 1000 x 6/10 = 600 t lower: 5600 t less emissions (no emissions reach zero here).
    gap = default.year(2030).emissions_tco2e - wind.year(2030).emissions_tco2e
    assert gap == pytest.approx(5600.0)
    assert solar.year(2026).emissions_tco2e == pytest.approx(target.baseline_tco2e - 300.0)
    assert any("energy rows for 9 companies" in n for n in result.notes)
    document = json.loads(json.dumps(result.as_dict()))
    assert document["target"]["net_zero_year"] == 2045
    assert document["inventory_tco2e"]["2024"] == pytest.approx(
        inventory.year(2024).totals.total_tco2e("location")
    )

    market = pathway_service.park_pathway(
        database,
        park,
        [(2030, 0.5)],
        include_default=False,
        scenario_files=[path],
        method="market",
        today=TODAY,
    )
    assert market.comparison.target.baseline_tco2e == pytest.approx(
        baseline.totals.total_tco2e("market")
    )
    assert market.comparison.years[-1] == 2030

    twice = tmp_path / "twice.yaml"
    twice.write_text(
        "scenarios:\n  - name: again\n    extends: default\n    actions:\n"
        f"      - {{kind: synergy, id: '{steam}', start_year: 2025, tco2e_per_yr: 1, "
        "source: test input}\n",
        encoding="utf-8",
    )
    with pytest.raises(DuplicateActionError, match=f"synergy:{steam} appears twice"):
        pathway_service.park_pathway(database, park, scenario_files=[twice], today=TODAY)
    with pytest.raises(PathwayError, match="unknown method"):
        pathway_service.park_pathway(database, park, method="average")
    with pytest.raises(NotFound):
        pathway_service.park_pathway(database, "No Such Park")


@pytest.mark.db
def test_the_default_target_is_the_eu_one(database: Database) -> None:
    park = load_demo(database).park
    result = pathway_service.park_pathway(database, park, today=TODAY)
    assert result.comparison.target.milestones == EU_CLIMATE_LAW_MILESTONES
    assert result.comparison.years[-1] == 2050
    assert any("Regulation (EU) 2021/1119" in n for n in result.notes)
    (default,) = result.comparison.pathways
    assert default.scenario.actions == ()  # no implemented synergy, no estimated measure
    assert default.year(2030).emissions_tco2e == result.comparison.target.baseline_tco2e


# --- The command ---------------------------------------------------------------------------

runner = CliRunner()


def _cli() -> typer.Typer:
    """The main app's registration, ``app.add_typer(pathway_app)``, on a stand-in app."""
    app = typer.Typer()
    app.add_typer(pathway_app)

    @app.command("parks")
    def parks() -> None:
        """A second command, so that ``pathway`` is a subcommand as in ``parkloop``."""

    return app


@pytest.fixture
def demo_park() -> Iterator[str]:
    database = Database.from_settings(get_settings())
    report = load_demo(database)
    database.dispose()
    yield report.park


def test_cli_pathway_json_and_chart(demo_park: str, tmp_path: Path) -> None:
    path = tmp_path / "scenarios.yaml"
    path.write_text(SCENARIO_YAML, encoding="utf-8")
    svg = tmp_path / "pathway.svg"
    args = ["pathway", demo_park, "-t", "2030:0.55", "-t", "2045:1.0", "-s", str(path)]
    result = runner.invoke(_cli(), [*args, "-f", "json", "--svg", str(svg)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["target"]["milestones"] == [
        {"year": 2030, "share": 0.55},
        {"year": 2045, "share": 1.0},
    ]
    assert [s["scenario"]["name"] for s in document["scenarios"]] == [
        "default",
        "wind",
        "solar only",
    ]
    first = document["side_by_side"][0]
    assert first["year"] == 2023 and first["target_tco2e"] == document["target"]["baseline_tco2e"]
    chart = svg.read_text(encoding="utf-8")
    assert chart.startswith("<svg") and chart.rstrip().endswith("</svg>")
    assert "<title>target</title>" in chart and "<title>wind</title>" in chart
    assert "gap of wind" in chart  # the wind scenario stays above the target: shaded


def test_cli_pathway_table(demo_park: str) -> None:
    result = runner.invoke(_cli(), ["pathway", demo_park, "--until", "2032"])
    assert result.exit_code == 0, result.output
    for words in ("Pathway of", "baseline 2023", "gap", "scenario default", "notes", "2032"):
        assert words in result.output


def test_cli_pathway_errors(demo_park: str, tmp_path: Path) -> None:
    bad = runner.invoke(_cli(), ["pathway", demo_park, "--target", "2030=55%"])
    assert bad.exit_code == 2
    missing = runner.invoke(_cli(), ["pathway", "Atlantis", "-f", "json"])
    assert missing.exit_code == 1
    assert json.loads(missing.output)["error"]["code"] == "not_found"
    loose = runner.invoke(_cli(), ["pathway", demo_park, "-t", "2030:0.6", "-t", "2040:0.5"])
    assert loose.exit_code == 1 and "may not loosen" in loose.output
    twice = tmp_path / "twice.json"
    pv = {"kind": "renewable", "id": "pv", "start_year": 2026, "tco2e_per_yr": 1, "source": "s"}
    twice.write_text(json.dumps({"scenarios": [{"name": "x", "actions": [pv, pv]}]}))
    dup = runner.invoke(_cli(), ["pathway", demo_park, "-s", str(twice), "-f", "json"])
    assert dup.exit_code == 1
    assert json.loads(dup.output)["error"]["code"] == "duplicate_action"


def test_cli_pathway_help() -> None:
    result = runner.invoke(_cli(), ["pathway", "--help"])
    assert result.exit_code == 0
    assert "--target" in result.output and "--scenario" in result.output


# --- The chart ------------------------------------------------------------------------------


def test_gap_shading_stops_where_the_lines_cross() -> None:
    # Emissions fall 10 -> 0 while the target rises 0 -> 10: they cross at x = 0.5, y = 5.
    (polygon,) = _gap_area([0.0, 1.0], [10.0, 0.0], [0.0, 10.0])
    assert polygon == [(0.0, 10.0, 0.0), (0.5, 5.0, 5.0)]
    assert _gap_area([0.0, 1.0], [0.0, 0.0], [1.0, 1.0]) == []  # below the target: no gap


def test_svg_of_a_comparison_and_milestone_parsing() -> None:
    both = compare(TARGET, [Scenario("none")], YEARS)
    chart = pathway_svg(both, inventory_tco2e={2020: 1000.0, 2019: 5.0})
    assert chart.count("<circle") == 2  # the 2020 inventory dot and its legend (2019: out)
    assert "2030" in chart
    assert parse_milestone("2030:0.55") == (2030, 0.55)
    with pytest.raises(typer.BadParameter):
        parse_milestone("2030")
