"""Leave-one-case-out evaluation of the matching engine on a case file.

For every case study in the file: build the case library from the *other* case studies, make a
park of the case's companies (one per sector) plus distractor companies from sectors typical of
industrial parks, and for each documented exchange rank the companies for the provider's
resource. A hit at k means the documented receiver is among the first k. Baselines: random order,
sector prior (how often a sector receives anything in the other cases), and text only (case
evidence from text similarity alone).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from parkloop.domain.models import Company, Direction, Flow
from parkloop.matching.cases import Case, CaseLibrary
from parkloop.matching.codes import nace_similarity
from parkloop.matching.engine import Matcher, MatchOptions, Weights
from parkloop.matching.knowledge import Knowledge
from parkloop.units import Category

# Sectors found in most industrial parks of the region (energy, chemicals, food, wood, minerals,
# utilities, agriculture, logistics, metals, plastics, construction).
DISTRACTOR_SECTORS = (
    "35.11",
    "35.30",
    "35.21",
    "19.20",
    "20.11",
    "20.14",
    "20.15",
    "10.11",
    "10.51",
    "10.91",
    "11.05",
    "16.10",
    "17.12",
    "23.51",
    "23.63",
    "24.10",
    "22.22",
    "37.00",
    "38.21",
    "01.13",
    "03.22",
    "52.10",
    "41.20",
    "42.11",
    "46.77",
)
KS = (1, 5, 10)


@dataclass(frozen=True)
class Scores:
    """Recall at k and mean reciprocal rank of one method."""

    method: str
    recall: dict[int, float]
    mrr: float
    queries: int


def _rank(scores: dict[str, float], truth: str) -> float:
    """Rank of ``truth`` with ties shared: higher + (ties + 1) / 2."""
    mine = scores[truth]
    higher = sum(1 for v in scores.values() if v > mine + 1e-12)
    ties = sum(1 for v in scores.values() if abs(v - mine) <= 1e-12)
    return higher + (ties + 1) / 2


def _summarise(method: str, ranks: Sequence[float]) -> Scores:
    array = np.array(ranks, dtype=float)
    return Scores(
        method,
        {k: float(np.mean(array <= k)) if len(array) else 0.0 for k in KS},
        float(np.mean(1.0 / array)) if len(array) else 0.0,
        len(array),
    )


def _park(cases: Sequence[Case], rng: random.Random, n_distractors: int) -> list[Company]:
    sectors = sorted(
        {c.receiver for c in cases if c.receiver} | {c.provider for c in cases if c.provider}
    )
    pool = [s for s in DISTRACTOR_SECTORS if s not in sectors]
    chosen = rng.sample(pool, min(n_distractors, len(pool)))
    return [
        Company(f"S{n}", code, code, "DK", 55.0, 10.0)
        for n, code in enumerate(sectors + sorted(chosen))
    ]


def evaluate(
    cases: Sequence[Case],
    *,
    knowledge: Knowledge | None = None,
    extra_cases: Sequence[Case] = (),
    n_distractors: int = 10,
    seed: int = 20261124,
    progress: Callable[[int, int], None] | None = None,
) -> list[Scores]:
    """Leave-one-case-out recall@1/5/10 and MRR of the engine and three baselines."""
    knowledge = knowledge or Knowledge()
    groups: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        groups[case.case].append(case)
    rng = random.Random(seed)
    ranks: dict[str, list[float]] = defaultdict(list)
    sizes: list[int] = []
    options = MatchOptions(top_k=1000, radius_km=1.0, weights=Weights(min_score=0.0))
    for done, (name, held_out) in enumerate(sorted(groups.items()), start=1):
        training = [c for c in cases if c.case != name] + list(extra_cases)
        library = CaseLibrary(training, knowledge)
        matcher = Matcher(cases=library, knowledge=knowledge)
        companies = _park(held_out, rng, n_distractors)
        by_sector = {c.nace: c for c in companies}
        for case in held_out:
            if case.provider is None or case.receiver is None:
                continue
            supplier = by_sector[case.provider]
            park = list(companies)
            truth = by_sector[case.receiver].id
            if case.receiver == case.provider:  # an exchange between two firms of one sector
                peer = Company("PEER", "peer", case.receiver, "DK", 55.0, 10.0)
                park.append(peer)
                truth = peer.id
            supply = Flow(
                "Q", supplier.id, Direction.SUPPLY, Category.MATERIAL, case.resource, ewc=case.ewc
            )
            [result] = matcher.match(park, [supply], options)
            full = {c.id: 0.0 for c in park if c.id != supplier.id}
            full.update({c.company_id: c.score for c in result.candidates})
            ranks["parkloop"].append(_rank(full, truth))
            prior = {
                c.id: sum(nace_similarity(c.nace, t.receiver) for t in training)
                for c in park
                if c.id != supplier.id
            }
            ranks["sector prior"].append(_rank(prior, truth))
            text = library.text.against_corpus([case.resource])[0]
            text_only = {
                c.id: float(
                    sum(
                        text[i] ** 2 * nace_similarity(c.nace, t.receiver)
                        for i, t in enumerate(training)
                        if text[i] >= 0.3
                    )
                )
                for c in park
                if c.id != supplier.id
            }
            ranks["text only"].append(_rank(text_only, truth))
            sizes.append(len(full))
        if progress:
            progress(done, len(groups))
    methods = [_summarise(m, ranks[m]) for m in ("parkloop", "text only", "sector prior")]
    return [*methods, _random(sizes)]


def _random(sizes: Sequence[int]) -> Scores:
    """Expected scores of a uniformly random order: recall@k = k/N, MRR = H_N / N."""
    n = np.array(sizes, dtype=float)
    if not len(n):
        return Scores("random", dict.fromkeys(KS, 0.0), 0.0, 0)
    recall = {k: float(np.mean(np.minimum(k, n) / n)) for k in KS}
    mrr = float(np.mean([sum(1.0 / r for r in range(1, int(m) + 1)) / m for m in n]))
    return Scores("random", recall, mrr, len(n))
