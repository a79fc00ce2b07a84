"""Running a region's matching on a Dask cluster, with the same results as in-process.

Supplies are partitioned by (resource signature, geographic cell): flows of one kind in one
area share their case and knowledge scores and their neighbours, so a partition's work stays
local. The indexes are built once and broadcast to the workers; every partition runs the same
:meth:`Matcher.match_prepared` on them, so results are identical to the in-process engine.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from parkloop.domain.models import Company, Direction, Flow
from parkloop.matching.engine import Matcher, MatchOptions, MatchResult, Prepared
from parkloop.matching.index import flow_text

CELL_DEGREES = 1.0  # geographic cells of 1 x 1 degree (about 111 x 60 km at 57 N)


def partitions(
    companies: Sequence[Company], flows: Sequence[Flow], max_size: int = 20_000
) -> list[list[str]]:
    """Supply flow ids grouped by resource signature and 1-degree cell, split at ``max_size``."""
    where = {c.id: c for c in companies}
    groups: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for flow in flows:
        if flow.direction is not Direction.SUPPLY:
            continue
        company = where[flow.company_id]
        cell = (math.floor(company.lat / CELL_DEGREES), math.floor(company.lon / CELL_DEGREES))
        groups[(flow.ewc or flow_text(flow).lower(), *cell)].append(flow.id)
    out: list[list[str]] = []
    for key in sorted(groups):
        ids = groups[key]
        out.extend(ids[i : i + max_size] for i in range(0, len(ids), max_size))
    return out


def _run_partition(
    matcher: Matcher, prepared: Prepared, options: MatchOptions, ids: list[str]
) -> list[MatchResult]:
    return matcher.match_prepared(prepared, options, supply_ids=ids)


Progress = Callable[[int, int], None]
"""Called with (supplies ranked so far, supplies in all) after each partition."""


def _in_flow_order(
    flows: Sequence[Flow], batches: Sequence[list[MatchResult]]
) -> list[MatchResult]:
    by_id = {r.supply_flow_id: r for batch in batches for r in batch}
    return [by_id[f.id] for f in flows if f.direction is Direction.SUPPLY]


def match_in_parts(
    matcher: Matcher,
    companies: Sequence[Company],
    flows: Sequence[Flow],
    options: MatchOptions | None = None,
    progress: Progress | None = None,
) -> list[MatchResult]:
    """Match in-process, partition by partition, reporting progress after each one.

    The results equal :meth:`Matcher.match` (each supply is ranked against the same prepared
    indexes whichever partition it is in); only the order of the work differs.
    """
    options = options or MatchOptions()
    prepared = matcher.prepare(companies, flows)
    parts = partitions(companies, flows)
    total = sum(len(ids) for ids in parts)
    done = 0
    batches: list[list[MatchResult]] = []
    if progress:
        progress(0, total)
    for ids in parts:
        batches.append(matcher.match_prepared(prepared, options, supply_ids=ids))
        done += len(ids)
        if progress:
            progress(done, total)
    return _in_flow_order(flows, batches)


def match_on_dask(
    client: Any,
    matcher: Matcher,
    companies: Sequence[Company],
    flows: Sequence[Flow],
    options: MatchOptions | None = None,
    progress: Progress | None = None,
) -> list[MatchResult]:
    """Match every supply on the Dask cluster behind ``client``; results in flow order.

    ``progress`` is called as partitions come back from the cluster, in whatever order they
    finish.
    """
    from distributed import as_completed

    options = options or MatchOptions()
    prepared = matcher.prepare(companies, flows)
    shared_matcher, shared_index = client.scatter([matcher, prepared], broadcast=True)
    parts = partitions(companies, flows)
    total = sum(len(ids) for ids in parts)
    sizes = {}
    futures = []
    for ids in parts:
        future = client.submit(
            _run_partition, shared_matcher, shared_index, options, ids, pure=False
        )
        sizes[future.key] = len(ids)
        futures.append(future)
    if progress:
        progress(0, total)
    done = 0
    batches: list[list[MatchResult]] = []
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        batches.append(future.result())
        done += sizes[future.key]
        if progress:
            progress(done, total)
    return _in_flow_order(flows, batches)
