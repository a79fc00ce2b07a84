"""The matching engine: rank the companies that could use each supply flow.

Signals (each becomes a reason when it contributes):

- listed demand: a company lists a need similar to the supply (text, class or List of Waste code),
  weighed by quantity fit, temperature feasibility and overlapping availability;
- case library: documented exchanges of this resource to the candidate's sector;
- resource knowledge: sourced engineering knowledge of which sectors use this kind of resource;
- distance: candidates beyond the radius are dropped, nearer ones rank higher;
- facilitator feedback: accepted or rejected matches of similar pairs.

The signals combine as a weighted noisy-OR, ``1 - prod(1 - w_i s_i)``, so any strong signal
lifts a candidate and agreeing signals add up without passing 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from parkloop.domain.models import Company, Direction, Flow
from parkloop.matching.cases import SHARED_CLASS_SIMILARITY, Case, CaseLibrary, read_cases
from parkloop.matching.codes import nace_similarity, waste_similarity
from parkloop.matching.features import (
    heat_feasibility,
    heat_scores,
    periods_overlap,
    quantity_fit,
)
from parkloop.matching.feedback import Feedback
from parkloop.matching.geo import road_transport
from parkloop.matching.index import CATEGORIES, ParkIndex, flow_text, waste_levels
from parkloop.matching.knowledge import Knowledge, Recognition
from parkloop.matching.text import TextSimilarity
from parkloop.reference.nace import load_nace
from parkloop.reference.waste import load_waste_list
from parkloop.units import Category


@dataclass(frozen=True)
class Weights:
    """Model parameters of the ranking (a priori choices, see docs/matching.md)."""

    listed: float = 0.95
    cases: float = 0.85
    knowledge: float = 0.75
    distance_penalty: float = 0.5  # score x (1 - penalty x distance / radius)
    min_listed: float = 0.35  # below this a demand is not named as the matched demand
    min_score: float = 0.05  # candidates below this are not proposed


@dataclass(frozen=True)
class MatchOptions:
    top_k: int = 10
    radius_km: float = 50.0
    road_circuity: float | None = None  # None: the sourced default
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True)
class Candidate:
    company_id: str
    demand_flow_id: str | None
    score: float
    distance_km: float
    reasons: tuple[str, ...]
    signals: dict[str, float]
    transport_co2e_t_per_yr: float | None = None
    transport_cost_eur_per_yr: float | None = None
    # What each reason rests on, in the order of ``reasons``: "listed" (the receiver's listed
    # demand), "cases", "knowledge", "feedback", "distance" or "hazard". Pages hide "listed"
    # reasons from viewers who may not see that demand flow.
    reason_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchResult:
    supply_flow_id: str
    supply_company_id: str
    candidates: tuple[Candidate, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "supply_flow_id": self.supply_flow_id,
            "supply_company_id": self.supply_company_id,
            "candidates": [
                {
                    "company_id": c.company_id,
                    "demand_flow_id": c.demand_flow_id,
                    "score": round(c.score, 4),
                    "distance_km": round(c.distance_km, 2),
                    "reasons": list(c.reasons),
                    "signals": {k: round(v, 4) for k, v in c.signals.items()},
                    "transport_co2e_t_per_yr": c.transport_co2e_t_per_yr,
                    "transport_cost_eur_per_yr": c.transport_cost_eur_per_yr,
                }
                for c in self.candidates
            ],
        }


def _label(flow: Flow) -> str:
    return f"{flow.name} ({flow.ewc})" if flow.ewc else flow.name


@dataclass(frozen=True)
class _SectorScores:
    """Case, knowledge and feedback scores of one resource signature for every sector."""

    cases: NDArray[np.float64]
    knowledge: NDArray[np.float64]
    feedback: NDArray[np.float64]
    case_similarity: NDArray[np.float64]
    reasons: dict[tuple[str, str], tuple[float, str] | None] = field(default_factory=dict)


@dataclass
class Prepared:
    """Indexes of one park or region, and the per-resource scores computed so far."""

    index: ParkIndex
    flows: Sequence[Flow]
    cache: dict[tuple[object, ...], _SectorScores] = field(default_factory=dict)


class Matcher:
    """Ranks receivers for supply flows; holds the knowledge, the cases and the feedback."""

    def __init__(
        self,
        cases: CaseLibrary | None = None,
        knowledge: Knowledge | None = None,
        feedback: Feedback | None = None,
    ) -> None:
        self.knowledge = knowledge or Knowledge()
        self.cases = cases or CaseLibrary(read_cases(), self.knowledge)
        self.feedback = feedback or Feedback()
        self.nace = load_nace()
        self.waste = load_waste_list()

    def prepare(self, companies: Sequence[Company], flows: Sequence[Flow]) -> Prepared:
        """Build the indexes of a park or region once, for batches and single new flows."""
        texts = TextSimilarity([flow_text(f) for f in flows])
        return Prepared(ParkIndex(companies, flows, self.knowledge, texts), flows)

    def match(
        self,
        companies: Sequence[Company],
        flows: Sequence[Flow],
        options: MatchOptions | None = None,
        supply_ids: Iterable[str] | None = None,
    ) -> list[MatchResult]:
        """Rank candidates for every supply flow (or those in ``supply_ids``), in flow order."""
        return self.match_prepared(self.prepare(companies, flows), options, supply_ids)

    def match_prepared(
        self,
        prepared: Prepared,
        options: MatchOptions | None = None,
        supply_ids: Iterable[str] | None = None,
    ) -> list[MatchResult]:
        """:meth:`match` on indexes built by :meth:`prepare`."""
        options = options or MatchOptions()
        wanted = set(supply_ids) if supply_ids is not None else None
        supplies = [
            f
            for f in prepared.flows
            if f.direction is Direction.SUPPLY and (wanted is None or f.id in wanted)
        ]
        index = prepared.index
        # Supplies of one company share their neighbours: visit them together.
        visit = sorted(range(len(supplies)), key=lambda i: index.position[supplies[i].company_id])
        results: list[MatchResult | None] = [None] * len(supplies)
        for i in visit:
            results[i] = self._rank(supplies[i], index, prepared.cache, options)
        return [r for r in results if r is not None]

    def rank_flow(
        self, prepared: Prepared, supply: Flow, options: MatchOptions | None = None
    ) -> MatchResult:
        """Rank receivers for one new supply flow of a company already in the indexes."""
        if supply.direction is not Direction.SUPPLY:
            raise ValueError(f"flow {supply.id} is a {supply.direction.value}, not a supply")
        return self._rank(supply, prepared.index, prepared.cache, options or MatchOptions())

    def _sector_scores(
        self,
        index: ParkIndex,
        provider: str,
        supply: Flow,
        classes: set[str],
        recognitions: Sequence[Recognition],
    ) -> _SectorScores:
        similarity = self.cases.resource_similarity(flow_text(supply), supply.ewc, classes)
        cases = self.cases.sector_scores(provider, similarity, index.sectors)
        knowledge = np.array(
            [self.knowledge.receivers_for(recognitions, sector)[0] for sector in index.sectors]
        )
        feedback = np.array(
            [self.feedback.multiplier(classes, supply.ewc, sector)[0] for sector in index.sectors]
        )
        return _SectorScores(cases, knowledge, feedback, similarity)

    def _listed_vector(
        self,
        supply: Flow,
        supply_mask: NDArray[np.bool_],
        index: ParkIndex,
        neighbours: NDArray[np.int64],
    ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """Best listed-demand score per neighbour, and the index of that demand (-1 if none)."""
        best = np.zeros(len(neighbours))
        best_demand = np.full(len(neighbours), -1, dtype=np.int64)
        demands = index.demands
        rows = demands.of_companies(neighbours)
        if len(rows) == 0:
            return best, best_demand
        rows = rows[demands.category[rows] == CATEGORIES.index(supply.category)]
        if len(rows) == 0:
            return best, best_demand
        text = index.text_similarity(supply, rows)
        shared = (demands.classes[rows] & supply_mask).any(axis=1)
        similarity = np.maximum(text, np.where(shared, SHARED_CLASS_SIMILARITY, 0.0))
        entry, sub, chapter = waste_levels(supply.ewc)
        if entry >= 0:
            waste = np.where(
                demands.entry[rows] == entry,
                1.0,
                np.where(
                    demands.subchapter[rows] == sub,
                    0.6,
                    np.where(demands.chapter[rows] == chapter, 0.3, 0.0),
                ),
            )
            similarity = np.maximum(similarity, np.where(demands.entry[rows] >= 0, waste, 0.0))
        factor = np.ones(len(rows))
        normalised = index.normalised(supply)
        if normalised is not None and normalised.value is not None and normalised.value > 0:
            other = demands.annual[rows]
            same = (demands.unit[rows] == normalised.unit) & (other > 0)
            fit = np.where(
                same,
                np.minimum(other, normalised.value)
                / np.maximum(np.where(same, other, 1.0), normalised.value),
                1.0,
            )
            factor *= np.where(same, 0.6 + 0.4 * fit, 1.0)
        if supply.category is Category.ENERGY and supply.temperature_c is not None:
            sink = demands.temperature[rows]
            factor *= np.where(
                np.isnan(sink), 1.0, self._heat_score(supply.temperature_c, np.nan_to_num(sink))
            )
        start = (supply.available_from or dt.date.min).toordinal()
        end = (supply.available_to or dt.date.max).toordinal()
        overlap = np.maximum(demands.start[rows], start) <= np.minimum(demands.end[rows], end)
        factor *= np.where(overlap, 1.0, 0.5)
        score = similarity * factor
        owner = np.searchsorted(neighbours, demands.company[rows])
        positive = score > 0
        owner, score, rows = owner[positive], score[positive], rows[positive]
        order = np.lexsort((rows, -score, owner))  # per owner: best score, then first listed
        first = order[np.unique(owner[order], return_index=True)[1]]
        best[owner[first]] = score[first]
        best_demand[owner[first]] = rows[first]
        return best, best_demand

    def _heat_score(self, source_c: float, sink_c: NDArray[np.float64]) -> NDArray[np.float64]:
        return heat_scores(source_c, sink_c)[2]

    def _rank(
        self,
        supply: Flow,
        index: ParkIndex,
        cache: dict[tuple[object, ...], _SectorScores],
        options: MatchOptions,
    ) -> MatchResult:
        weights = options.weights
        supplier_position = index.position[supply.company_id]
        supplier = index.companies[supplier_position]
        neighbours, distances = index.sorted_neighbours(supplier_position, options.radius_km)
        recognitions = self.knowledge.recognise(flow_text(supply), supply.ewc, supply.temperature_c)
        classes = {r.resource.id for r in recognitions}
        key = (supplier.nace, supply.ewc, frozenset(classes), flow_text(supply))
        if key not in cache:
            cache[key] = self._sector_scores(index, supplier.nace, supply, classes, recognitions)
        sectors = cache[key]
        listed, demand_rows = self._listed_vector(
            supply, index.class_mask(classes), index, neighbours
        )
        sector = index.sector[neighbours]
        combined = 1.0 - (1 - weights.listed * listed) * (
            1 - weights.cases * sectors.cases[sector]
        ) * (1 - weights.knowledge * sectors.knowledge[sector])
        combined *= 1.0 - weights.distance_penalty * np.minimum(
            distances / max(options.radius_km, 1e-9), 1.0
        )
        score = np.clip(combined * sectors.feedback[sector], 0.0, 1.0)
        keep = np.flatnonzero((score >= weights.min_score) & (combined > 0))
        ids = np.array([index.companies[i].id for i in neighbours[keep]], dtype=object)
        ranked = keep[np.lexsort((ids.astype(str), distances[keep], -score[keep]))]
        candidates = [
            self._explain(
                supply,
                supplier,
                index,
                int(neighbours[i]),
                float(distances[i]),
                float(score[i]),
                float(listed[i]),
                int(demand_rows[i]),
                sectors,
                recognitions,
                classes,
                options,
            )
            for i in ranked[: options.top_k]
        ]
        return MatchResult(supply.id, supplier.id, tuple(candidates))

    def _explain(
        self,
        supply: Flow,
        supplier: Company,
        index: ParkIndex,
        company_position: int,
        distance: float,
        score: float,
        listed: float,
        demand_row: int,
        sectors: _SectorScores,
        recognitions: Sequence[Recognition],
        classes: set[str],
        options: MatchOptions,
    ) -> Candidate:
        """The reasons behind one candidate's score, strongest contribution first."""
        weights = options.weights
        company = index.companies[company_position]
        sector = index.sector[company_position]
        reasons: list[tuple[float, str]] = []
        kinds: dict[str, str] = {}
        signals: dict[str, float] = {}
        demand = index.demands.flows[demand_row] if demand_row >= 0 else None
        if listed > 0 and demand is not None:
            signals["listed"] = listed
            listed_reasons = self._listed_reasons(supply, demand)
            kinds.update(dict.fromkeys(listed_reasons, "listed"))
            reasons += [(weights.listed * listed, r) for r in listed_reasons]
        case_score = float(sectors.cases[sector])
        if case_score > 0:
            signals["cases"] = case_score
            if ("cases", company.nace) not in sectors.reasons:
                evidence = self.cases.evidence(supplier.nace, sectors.case_similarity, company.nace)
                sectors.reasons[("cases", company.nace)] = (
                    weights.cases * case_score,
                    self._case_reason(_label(supply), company.nace, evidence.cases),
                )
            cached = sectors.reasons[("cases", company.nace)]
            assert cached is not None
            kinds[cached[1]] = "cases"
            reasons.append(cached)
        known = float(sectors.knowledge[sector])
        if known > 0:
            signals["knowledge"] = known
            if ("knowledge", company.nace) not in sectors.reasons:
                sectors.reasons[("knowledge", company.nace)] = self._knowledge_reason(
                    recognitions, company.nace, weights
                )
            cached = sectors.reasons[("knowledge", company.nace)]
            if cached is not None:
                kinds[cached[1]] = "knowledge"
                reasons.append(cached)
        multiplier, feedback_reason = self.feedback.multiplier(classes, supply.ewc, company.nace)
        if feedback_reason:
            signals["feedback"] = multiplier
            kinds[feedback_reason] = "feedback"
            reasons.append((0.0, feedback_reason))
        annual = index.normalised(supply)
        tonnes = annual.value if annual and annual.unit == "t" and annual.per_year else None
        transport = road_transport(distance, tonnes, options.road_circuity)
        away = f"{distance:.1f} km away (about {transport.road_km:.1f} km by road)"
        kinds[away] = "distance"
        reasons.append((-1.0, away))
        if supply.ewc and self.waste.lookup(supply.ewc).hazardous:
            reasons.append(
                (
                    -2.0,
                    f"hazardous waste ({supply.ewc}): the receiver needs a permit "
                    "to treat it (Directive 2008/98/EC, Art. 23)",
                )
            )
        ordered = sorted(reasons, key=lambda r: -r[0])
        return Candidate(
            company_id=company.id,
            demand_flow_id=demand.id
            if demand is not None and listed >= weights.min_listed
            else None,
            score=score,
            distance_km=distance,
            reasons=tuple(text for _, text in ordered),
            reason_kinds=tuple(kinds.get(text, "hazard") for _, text in ordered),
            signals=signals,
            transport_co2e_t_per_yr=transport.co2e_t_per_yr,
            transport_cost_eur_per_yr=transport.cost_eur_per_yr,
        )

    def _knowledge_reason(
        self, recognitions: Sequence[Recognition], nace: str, weights: Weights
    ) -> tuple[float, str] | None:
        known, recognition, receiver = self.knowledge.receivers_for(recognitions, nace)
        if recognition is None or receiver is None:
            return None
        return (
            weights.knowledge * known,
            f"{recognition.resource.label.lower()} (recognised by {recognition.evidence}): "
            f"{receiver.use.rstrip('.').lower()} in "
            f"{self.nace.get(receiver.nace).description} ({receiver.nace}) "
            f"[{receiver.source}]",
        )

    def _listed_reasons(self, supply: Flow, demand: Flow) -> list[str]:
        """Why a listed demand fits: similarity, quantities, temperature, availability."""
        shared = {
            r.resource.id
            for r in self.knowledge.recognise(flow_text(supply), supply.ewc, supply.temperature_c)
        } & {
            r.resource.id
            for r in self.knowledge.recognise(flow_text(demand), demand.ewc, demand.temperature_c)
        }
        how = "same kind of resource" if shared else "similar wording"
        if supply.ewc and demand.ewc and waste_similarity(supply.ewc, demand.ewc) == 1.0:
            how = f"same List of Waste entry {demand.ewc.rstrip('*')}"
        reasons = [f'listed demand {demand.id} "{demand.name}" ({how})']
        fit = quantity_fit(supply, demand)
        if fit is not None:
            reasons.append(f"quantities fit {fit:.0%} (smaller over larger, per year)")
        if (
            supply.category is Category.ENERGY
            and supply.temperature_c is not None
            and demand.temperature_c is not None
        ):
            reasons.append(heat_feasibility(supply.temperature_c, demand.temperature_c).explanation)
        if not periods_overlap(supply, demand):
            reasons.append("availability periods do not overlap")
        return reasons

    def _case_reason(self, label: str, nace: str, cases: Sequence[Case]) -> str:
        """Name the strongest supporting case and how close its receiver is to ``nace``."""
        names = sorted({c.case for c in cases})
        example = cases[0]
        receiver = example.receiver or ""
        similarity = nace_similarity(nace, receiver)
        closeness = {
            1.0: "this company's sector",
            0.75: "the same NACE group as this company",
            0.5: "the same NACE division as this company",
            0.2: "the same NACE section as this company",
        }[similarity]
        count = len(cases)
        return (
            f"{label}: {count} documented exchange{'s' if count != 1 else ''} of similar "
            f"resources in {len(names)} case{'s' if len(names) != 1 else ''}; strongest: "
            f"{example.resource.lower()} to {self.nace.get(receiver).description} ({receiver}), "
            f"{closeness}, in {example.case}"
        )
