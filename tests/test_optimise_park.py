"""Park optimisation from stored data: the demo park's matches through `parkloop optimise`.

The checks do not trust the model or the service: supplies and demands are summed again from
the stored flows, the objective is recomputed from the chosen links' own figures, and the
optimality of each chosen link is checked against its marginal objective.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parkloop.cli import app
from parkloop.matching.engine import MatchOptions
from parkloop.optimise import CandidateLink, ParkProblem, Site, build_model, solve
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.services.matching import match_park
from parkloop.services.optimise import (
    DemandLimit,
    NoMatches,
    OptimiseOptions,
    ParkProblemData,
    optimise_park,
)
from parkloop.settings import get_settings
from parkloop.store import repo
from tests.workbooks import valid_sheets, write_sheets

runner = CliRunner()
PRICE = 80.0  # EUR/t CO2e; any price exercises the checks, none is implied by the tests
TOL = 1e-6


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo park with the matches of one matching run, stored once for the module."""
    path = tmp_path_factory.mktemp("optimise") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    database = Database.from_url(url)
    database.migrate()
    park = park_service.load_demo(database).park
    match_park(database, park, options=MatchOptions(top_k=5))
    database.dispose()
    yield url


@pytest.fixture
def demo(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The CLI's database is the stored demo park."""
    monkeypatch.setenv("PARKLOOP_DATABASE_URL", demo_url)
    get_settings.cache_clear()
    database = Database.from_url(demo_url)
    yield database
    database.dispose()


def _park(database: Database) -> str:
    return park_service.list_parks(database)[0].name


def _optimise(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["optimise", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def test_the_json_answer_holds_the_promised_parts(demo: Database) -> None:
    park = _park(demo)
    document = _optimise(park, "--carbon-price", str(PRICE))
    assert document["park"] == park and document["carbon_price_eur_per_t"] == PRICE
    assert document["solver"]["status"] == "ok"
    assert document["solver"]["termination"] == "optimal"
    assert document["solver"]["gap_requested"] == 0.01
    assert document["links"], "the demo park should have exchanges worth building"
    assert document["balance_check"]["ok"] and document["balance_check"]["checked"] > 0
    # every stored match is either a candidate or left out with a reason
    with demo.reader() as session:
        stored = repo.stored_matches(session, repo.get_park(session, park))
    assert document["candidates"] + len(document["left_out"]) == len(stored)
    pairs = {(supply, company) for supply, company, *_ in stored}
    for link in document["links"]:
        assert (link["supply_flow_id"], link["to_company"]) in pairs
    assert all(item["reason"] for item in document["left_out"])
    unlisted = [item for item in document["left_out"] if item["demand_flow_id"] is None]
    assert unlisted and all("lists no demand flow" in i["reason"] for i in unlisted)
    # factors carry their source; no asset is offered and the gaps are named
    assert document["factors"]
    for factor in document["factors"]:
        assert factor["source"].strip() and factor["unit"] and factor["year"]
    assert document["assets"] == []
    kinds = {item["kind"]: item for item in document["missing_asset_data"]}
    assert set(kinds) == {"heat_network_link", "heat_pump", "shared_pv", "biogas_plant"}
    assert all("discount rate" in item["missing"] for item in kinds.values())


def _annual(database: Database, park: str) -> dict[str, tuple[str, str, str, float]]:
    """Flow id -> (company, direction, unit, amount per year) of every flow with a yearly amount."""
    out = {}
    for flow in park_service.list_flows(database, park):
        normalised = flow.normalised()
        if normalised is not None and normalised.per_year and normalised.value is not None:
            out[flow.id] = (
                flow.company_id,
                flow.direction.value,
                normalised.unit,
                normalised.value,
            )
    return out


def test_supplies_and_demands_hold_when_summed_again(demo: Database) -> None:
    park = _park(demo)
    document = _optimise(park, "--carbon-price", str(PRICE), "--gap", "0")
    flows = _annual(demo, park)
    by_supply: dict[str, float] = defaultdict(float)
    by_demand: dict[str, float] = defaultdict(float)
    out_of: dict[tuple[str, str], float] = defaultdict(float)
    into: dict[tuple[str, str], float] = defaultdict(float)
    for link in document["links"]:
        assert 0.0 <= link["flow"] <= link["max_flow"] * (1 + TOL)
        supplier, direction, unit, _ = flows[link["supply_flow_id"]]
        receiver, wanted, wanted_unit, _ = flows[link["demand_flow_id"]]
        assert (direction, wanted) == ("supply", "demand")
        assert (supplier, receiver) == (link["from_company"], link["to_company"])
        assert unit == wanted_unit == link["unit"]
        by_supply[link["supply_flow_id"]] += link["flow"]
        by_demand[link["demand_flow_id"]] += link["flow"]
        out_of[(supplier, unit)] += link["flow"]
        into[(receiver, unit)] += link["flow"]
    for flow_id, total in {**by_supply, **by_demand}.items():
        assert total <= flows[flow_id][3] * (1 + TOL), flow_id
    # the same at site level: a company gives no more than all its supplies in that unit...
    listed: dict[tuple[str, str, str], float] = defaultdict(float)
    for company, direction, unit, amount in flows.values():
        listed[(company, direction, unit)] += amount
    for (company, unit), total in out_of.items():
        assert total <= listed[(company, "supply", unit)] * (1 + TOL)
    # ...and takes no more than all its demands
    for (company, unit), total in into.items():
        assert total <= listed[(company, "demand", unit)] * (1 + TOL)


def test_the_objective_is_cost_plus_price_times_co2e_of_the_chosen_links(demo: Database) -> None:
    document = _optimise(_park(demo), "--carbon-price", str(PRICE), "--gap", "0")
    cost = co2e = 0.0
    for link in document["links"]:
        link_cost = link["fixed_cost_eur_per_yr"] + link["cost_eur_per_unit"] * link["flow"]
        link_avoided = link["co2e_avoided_t_per_unit"] * link["flow"]
        assert _close(link["cost_eur_per_yr"], link_cost)
        assert _close(link["co2e_avoided_t_per_yr"], link_avoided)
        cost += link_cost
        co2e -= link_avoided
        # at the optimum no chosen link carries flow at a marginal loss
        if link["fixed_cost_eur_per_yr"] == 0 and link["flow"] > 0:
            marginal = link["cost_eur_per_unit"] - PRICE * link["co2e_avoided_t_per_unit"]
            assert marginal <= 1e-9 * max(1.0, abs(link["cost_eur_per_unit"]))
    assert _close(document["cost_eur_per_yr"], cost)
    assert _close(document["co2e_t_per_yr"], co2e)
    assert _close(document["objective_eur_per_yr"], cost + PRICE * co2e)
    # a dearer carbon never leaves the park with more emissions
    dearer = _optimise(_park(demo), "--carbon-price", str(10 * PRICE), "--gap", "0")
    assert dearer["co2e_t_per_yr"] <= document["co2e_t_per_yr"] + 1e-6 * abs(co2e)


def test_the_front_is_drawn_and_never_cheaper_for_less_co2e(demo: Database, tmp_path: Path) -> None:
    svg = tmp_path / "front.svg"
    document = _optimise(
        _park(demo), "--carbon-price", str(PRICE), "--pareto", "3", "--pareto-svg", str(svg)
    )
    points = document["pareto"]["points"]
    assert 2 <= len(points) <= 3
    for before, after in itertools.pairwise(points):
        assert after["co2e_t_per_yr"] <= before["co2e_t_per_yr"] + 1e-6
        assert after["cost_eur_per_yr"] >= before["cost_eur_per_yr"] - 1e-6 * max(
            1.0, abs(before["cost_eur_per_yr"])
        )
    assert svg.read_text(encoding="utf-8").startswith("<svg")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--carbon-price", "80", "--gap", "1.5"], "not a fraction in [0, 1)"),
        (["--carbon-price", "80", "--pareto", "1"], "at least 2 points"),
        (["--carbon-price", "80", "--pareto-svg", "f.svg"], "give --pareto N"),
        (["--carbon-price", "-5"], "greater than or equal to 0"),
        ([], "Missing option '--carbon-price'"),
    ],
)
def test_a_bad_option_exits_with_2_and_says_why(
    demo: Database, args: list[str], words: str
) -> None:
    result = runner.invoke(app, ["optimise", _park(demo), *args])
    assert result.exit_code == 2
    text = "".join(" " if c in "│╭╮╰╯─" else c for c in result.output)
    assert words in " ".join(text.split())


def test_a_park_without_matches_says_to_run_matching_first(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    park_service.import_workbook(database, write_sheets(tmp_path / "wb", valid_sheets()))
    with pytest.raises(NoMatches, match=r"run `parkloop match --park 'Test Harbour'` first"):
        optimise_park(database, "Test Harbour", carbon_price_eur_per_t=PRICE)
    monkeypatch.setenv("PARKLOOP_DATABASE_URL", database.engine.url.render_as_string(False))
    get_settings.cache_clear()
    result = runner.invoke(
        app, ["optimise", "Test Harbour", "--carbon-price", "80", "--format", "json"]
    )
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "no_matches" and "parkloop match --park" in error["message"]


def test_a_demand_flow_served_by_two_links_is_bounded_once() -> None:
    """Two supplies into one demand flow: each link alone fits, together they must share it."""
    sites = (
        Site("A", supply={"F1": 100.0}),
        Site("B", supply={"F2": 100.0}),
        Site("C", demand={"F1": 60.0, "F2": 60.0}),
    )
    links = (
        CandidateLink("F1->C", "A", "C", "F1", 60.0, -10.0, 0.0),
        CandidateLink("F2->C", "B", "C", "F2", 60.0, -5.0, 0.0),
    )
    data = ParkProblemData(
        "test",
        ParkProblem(sites, links),
        (),
        (),
        (DemandLimit("D1", ("F1->C", "F2->C"), 60.0),),
        (),
        (),
    )
    free = solve(build_model(data.problem), mip_gap=0.0)
    assert math.isclose(sum(free.flows().values()), 120.0)
    bounded = solve(build_model(data.problem, data.extra_constraints), mip_gap=0.0)
    assert bounded.flows() == {"F1->C": 60.0}
    assert data.groups() == {"demand flow 'D1'": (("F1->C", "F2->C"), 60.0)}


def test_unknown_assumptions_are_refused_with_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="unknown assumption colour; use any of"):
        OptimiseOptions(PRICE, {"colour": "green"})
