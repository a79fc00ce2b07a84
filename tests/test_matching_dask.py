"""Region matching on a local Dask cluster gives exactly the in-process results."""

from __future__ import annotations

import distributed
from benchmarks.matching_region import region

from parkloop.matching.cases import Case, CaseLibrary
from parkloop.matching.distributed import match_in_parts, match_on_dask, partitions
from parkloop.matching.engine import Matcher, MatchOptions
from tests.test_matching import CASES, KNOWLEDGE


def test_partitions_cover_every_supply_once() -> None:
    companies, flows = region(3000, seed=5)
    parts = partitions(companies, flows, max_size=50)
    ids = [i for part in parts for i in part]
    supplies = [f.id for f in flows if f.direction.value == "supply"]
    assert sorted(ids) == sorted(supplies)
    assert max(len(p) for p in parts) <= 50


def _matcher() -> Matcher:
    cases: list[Case] = list(CASES)
    return Matcher(cases=CaseLibrary(cases, KNOWLEDGE), knowledge=KNOWLEDGE)


def test_dask_results_equal_in_process_results_and_progress_reaches_the_total() -> None:
    matcher = _matcher()
    companies, flows = region(3000, seed=5)
    options = MatchOptions(top_k=10, radius_km=150.0)
    local = [r.as_dict() for r in matcher.match(companies, flows, options)]
    seen: list[tuple[int, int]] = []
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = [
            r.as_dict()
            for r in match_on_dask(
                client, matcher, companies, flows, options, lambda d, t: seen.append((d, t))
            )
        ]
    assert remote == local
    assert sum(len(r["candidates"]) for r in local) > 0
    supplies = len(local)
    assert seen[0] == (0, supplies) and seen[-1] == (supplies, supplies)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_matching_in_parts_with_progress_equals_matching_at_once() -> None:
    matcher = _matcher()
    companies, flows = region(800, seed=11)
    options = MatchOptions(top_k=5, radius_km=100.0)
    seen: list[tuple[int, int]] = []
    parts = match_in_parts(matcher, companies, flows, options, lambda d, t: seen.append((d, t)))
    at_once = matcher.match(companies, flows, options)
    assert [r.as_dict() for r in parts] == [r.as_dict() for r in at_once]
    assert len(seen) == len(partitions(companies, flows)) + 1
    assert seen[-1] == (len(at_once), len(at_once))
