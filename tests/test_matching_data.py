"""The shipped matching data and the matching faces (CLI, services) on the demo park."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner, Result

from parkloop.cli import app
from parkloop.domain.models import Direction, Flow
from parkloop.matching.cases import read_cases
from parkloop.matching.engine import MatchOptions
from parkloop.matching.evaluate import evaluate
from parkloop.reference.factors import matching_factors
from parkloop.reference.resource_classes import LANGUAGES, load_resource_classes
from parkloop.services import matching as matching_service
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.store import repo
from parkloop.units import Category

runner = CliRunner()


def test_every_case_row_has_a_reference_and_known_codes() -> None:
    cases = read_cases()
    assert len(cases) >= 100
    assert len({c.case for c in cases}) >= 25
    for case in cases:
        assert case.reference and case.receiver and case.resource, case


def test_every_resource_class_speaks_nine_languages_and_cites_its_uses() -> None:
    classes = load_resource_classes()
    assert len(classes) >= 35
    for cls in classes:
        assert all(cls.keywords[lang] for lang in LANGUAGES), cls.id
        assert cls.receivers, cls.id
        assert all(r.source.strip() for r in cls.receivers), cls.id


def test_every_matching_factor_names_source_unit_and_year() -> None:
    for factor in matching_factors().values():
        assert factor.source and factor.unit and 1900 < factor.year <= 2026
        if factor.low is not None and factor.high is not None:
            assert factor.low <= factor.value <= factor.high


def _match_demo(demo_path: Path, *extra: str) -> Result:
    """Run `parkloop match` on the demo workbook's CSV files with extra arguments."""
    files = [
        "--companies",
        str(demo_path / "companies.csv"),
        "--flows",
        str(demo_path / "flows.csv"),
    ]
    return runner.invoke(app, ["match", *files, *extra])


def test_match_on_workbook_files_prints_the_documented_json(demo_path: Path) -> None:
    result = _match_demo(demo_path, "--top", "5", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    with (demo_path / "flows.csv").open(encoding="utf-8") as handle:
        flows = {row["id"]: row for row in csv.DictReader(handle)}
    supplies = [k for k, v in flows.items() if v["direction"] == "supply"]
    assert [r["supply_flow_id"] for r in document["results"]] == supplies
    proposed = 0
    for entry in document["results"]:
        assert entry["supply_company_id"] == flows[entry["supply_flow_id"]]["company_id"]
        scores = [c["score"] for c in entry["candidates"]]
        assert scores == sorted(scores, reverse=True) and len(scores) <= 5
        for candidate in entry["candidates"]:
            proposed += 1
            assert candidate["company_id"] != entry["supply_company_id"]
            assert 0.0 <= candidate["score"] <= 1.0 and candidate["reasons"]
            demand = candidate["demand_flow_id"]
            if demand is not None:
                assert flows[demand]["direction"] == "demand"
                assert flows[demand]["company_id"] == candidate["company_id"]
    assert proposed > len(supplies)


def test_a_custom_case_file_replaces_the_built_in_library(tmp_path: Path, demo_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "provider_nace,receiver_nace,resource,resource_detail,ewc,final_use,country,reference\n"
        "3511,2351,Fly ash,,100102,Raw material,Denmark,Test reference 2026\n",
        encoding="utf-8",
    )
    result = _match_demo(demo_path, "--cases", str(cases), "--format", "json")
    assert result.exit_code == 0, result.output
    reasons = [
        r
        for e in json.loads(result.stdout)["results"]
        for c in e["candidates"]
        for r in c["reasons"]
        if "documented exchange" in r
    ]
    assert reasons
    assert all("1 documented exchange" in r and "in Test reference 2026" in r for r in reasons)


def test_a_bad_case_file_is_refused_with_its_row(tmp_path: Path, demo_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("provider_nace,receiver_nace,resource\n3511,2351,ash\n", encoding="utf-8")
    result = _match_demo(demo_path, "--cases", str(cases))
    assert result.exit_code == 2
    assert "required column of a case file is missing" in result.output


def test_matching_a_stored_park_stores_its_matches(database: Database) -> None:
    report = park_service.load_demo(database)
    run = matching_service.match_park(database, report.park, options=MatchOptions(top_k=3))
    with database.reader() as session:
        stored = repo.stored_matches(session, repo.get_park(session, report.park))
    expected = [
        (r.supply_flow_id, c.company_id, c.demand_flow_id, rank)
        for r in run.results
        for rank, c in enumerate(r.candidates, start=1)
    ]
    assert [s[:4] for s in stored] == expected and run.stored == len(expected) > 0
    again = matching_service.match_park(database, report.park, options=MatchOptions(top_k=1))
    with database.reader() as session:
        assert (
            len(repo.stored_matches(session, repo.get_park(session, report.park))) == again.stored
        )


def test_a_new_flow_is_ranked_against_the_park(database: Database) -> None:
    report = park_service.load_demo(database)
    workbook = park_service.park_workbook(database, report.park)
    supplier = workbook.companies[0]
    flow = Flow(
        "NEW",
        supplier.id,
        Direction.SUPPLY,
        Category.MATERIAL,
        "Flygaska",
        ewc="10 01 02",
        quantity=800,
        unit="t",
    )
    result = matching_service.rank_new_flow(database, report.park, flow)
    assert result.candidates and all(c.company_id != supplier.id for c in result.candidates)
    cement = [c for c in workbook.companies if c.nace.startswith("23.5")]
    assert cement and result.candidates[0].company_id in {c.id for c in cement}


def test_leave_one_case_out_beats_every_baseline(shared_data: Path) -> None:
    scores = {s.method: s for s in evaluate(read_cases(shared_data / "maestri_exchanges.csv"))}
    ours = scores["parkloop"]
    for baseline in ("text only", "sector prior", "random"):
        assert ours.recall[5] > scores[baseline].recall[5], baseline
        assert ours.mrr > scores[baseline].mrr, baseline
    assert ours.queries == 270
