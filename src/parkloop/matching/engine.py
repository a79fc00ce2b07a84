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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from parkloop.domain.models import Company, Direction, Flow
from parkloop.matching.cases import CaseLibrary, read_cases
from parkloop.matching.codes import waste_similarity
from parkloop.matching.features import heat_feasibility, periods_overlap, quantity_fit
from parkloop.matching.feedback import Feedback
from parkloop.matching.geo import haversine_km, road_transport
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


def flow_text(flow: Flow) -> str:
    return " ".join(part for part in (flow.name, flow.description or "") if part)


def _label(recognitions: Sequence[Recognition], flow: Flow) -> str:
    name = flow.name
    if flow.ewc:
        return f"{name} ({flow.ewc})"
    return name


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

    def match(
        self,
        companies: Sequence[Company],
        flows: Sequence[Flow],
        options: MatchOptions | None = None,
        supply_ids: Iterable[str] | None = None,
    ) -> list[MatchResult]:
        """Rank candidates for every supply flow (or those in ``supply_ids``)."""
        options = options or MatchOptions()
        by_id = {c.id: c for c in companies}
        wanted = set(supply_ids) if supply_ids is not None else None
        supplies = [
            f
            for f in flows
            if f.direction is Direction.SUPPLY and (wanted is None or f.id in wanted)
        ]
        demands: dict[str, list[Flow]] = {}
        for flow in flows:
            if flow.direction is Direction.DEMAND:
                demands.setdefault(flow.company_id, []).append(flow)
        texts = TextSimilarity([flow_text(f) for f in flows])
        lat = np.array([c.lat for c in companies])
        lon = np.array([c.lon for c in companies])
        return [
            self._rank(supply, by_id, companies, lat, lon, demands, texts, options)
            for supply in supplies
        ]

    def _rank(
        self,
        supply: Flow,
        by_id: dict[str, Company],
        companies: Sequence[Company],
        lat: np.ndarray,
        lon: np.ndarray,
        demands: dict[str, list[Flow]],
        texts: TextSimilarity,
        options: MatchOptions,
    ) -> MatchResult:
        weights = options.weights
        supplier = by_id[supply.company_id]
        distances = haversine_km(supplier.lat, supplier.lon, lat, lon)
        recognitions = self.knowledge.recognise(flow_text(supply), supply.ewc, supply.temperature_c)
        class_ids = {r.resource.id for r in recognitions}
        case_similarity = self.cases.resource_similarity(flow_text(supply), supply.ewc, class_ids)
        annual = supply.normalised()
        tonnes = annual.value if annual and annual.unit == "t" and annual.per_year else None
        label = _label(recognitions, supply)
        candidates: list[Candidate] = []
        for index, company in enumerate(companies):
            if company.id == supplier.id or distances[index] > options.radius_km:
                continue
            reasons: list[tuple[float, str]] = []
            signals: dict[str, float] = {}
            listed, demand, listed_reasons = self._listed(
                supply, demands.get(company.id, []), class_ids, texts
            )
            if listed > 0:
                signals["listed"] = listed
                reasons += [(weights.listed * listed, r) for r in listed_reasons]
            evidence = self.cases.evidence(supplier.nace, case_similarity, company.nace)
            if evidence.score > 0:
                signals["cases"] = evidence.score
                reasons.append(
                    (
                        weights.cases * evidence.score,
                        self._case_reason(label, company.nace, evidence.cases),
                    )
                )
            known, recognition, receiver = self.knowledge.receivers_for(recognitions, company.nace)
            if known > 0 and recognition is not None and receiver is not None:
                signals["knowledge"] = known
                reasons.append(
                    (
                        weights.knowledge * known,
                        f"{recognition.resource.label.lower()} (recognised by "
                        f"{recognition.evidence}): {receiver.use.rstrip('.').lower()} "
                        f"in {self.nace.get(receiver.nace).description} "
                        f"({receiver.nace}) [{receiver.source}]",
                    )
                )
            combined = 1.0 - (1 - weights.listed * listed) * (
                1 - weights.cases * evidence.score
            ) * (1 - weights.knowledge * known)
            if combined <= 0:
                continue
            distance = float(distances[index])
            combined *= 1.0 - weights.distance_penalty * min(distance / options.radius_km, 1.0)
            multiplier, feedback_reason = self.feedback.multiplier(
                class_ids, supply.ewc, company.nace
            )
            if feedback_reason:
                signals["feedback"] = multiplier
                reasons.append((0.0, feedback_reason))
            score = float(min(1.0, max(0.0, combined * multiplier)))
            if score < weights.min_score:
                continue
            transport = road_transport(distance, tonnes, options.road_circuity)
            reasons.append(
                (-1.0, f"{distance:.1f} km away (about {transport.road_km:.1f} km by road)")
            )
            if supply.ewc and load_waste_list().lookup(supply.ewc).hazardous:
                reasons.append(
                    (
                        -2.0,
                        f"hazardous waste ({supply.ewc}): the receiver needs a "
                        "permit to treat it (Directive 2008/98/EC, Art. 23)",
                    )
                )
            ordered = tuple(text for _, text in sorted(reasons, key=lambda r: -r[0]))
            candidates.append(
                Candidate(
                    company_id=company.id,
                    demand_flow_id=demand.id if demand and listed >= weights.min_listed else None,
                    score=score,
                    distance_km=distance,
                    reasons=ordered,
                    signals=signals,
                    transport_co2e_t_per_yr=transport.co2e_t_per_yr,
                    transport_cost_eur_per_yr=transport.cost_eur_per_yr,
                )
            )
        candidates.sort(key=lambda c: (-c.score, c.distance_km, c.company_id))
        return MatchResult(supply.id, supplier.id, tuple(candidates[: options.top_k]))

    def _listed(
        self,
        supply: Flow,
        demands: Sequence[Flow],
        class_ids: set[str],
        texts: TextSimilarity,
    ) -> tuple[float, Flow | None, list[str]]:
        """The best listed demand of one company for this supply, its score and reasons."""
        best: tuple[float, Flow | None, list[str]] = (0.0, None, [])
        for demand in demands:
            if demand.category is not supply.category:
                continue
            text_sim = float(texts.pairwise([flow_text(supply)], [flow_text(demand)])[0, 0])
            demand_classes = {
                r.resource.id
                for r in self.knowledge.recognise(
                    flow_text(demand), demand.ewc, demand.temperature_c
                )
            }
            shared = class_ids & demand_classes
            similarity = max(
                text_sim,
                0.9 if shared else 0.0,
                waste_similarity(supply.ewc, demand.ewc),
            )
            if similarity <= 0:
                continue
            reasons = [
                f'listed demand {demand.id} "{demand.name}" is similar '
                f"({'same kind of resource' if shared else f'text {text_sim:.2f}'})"
            ]
            factor = 1.0
            fit = quantity_fit(supply, demand)
            if fit is not None:
                factor *= 0.6 + 0.4 * fit
                reasons.append(f"quantities fit {fit:.0%} (smaller over larger, per year)")
            if (
                supply.category is Category.ENERGY
                and supply.temperature_c is not None
                and demand.temperature_c is not None
            ):
                heat = heat_feasibility(supply.temperature_c, demand.temperature_c)
                factor *= heat.score
                reasons.append(heat.explanation)
            if not periods_overlap(supply, demand):
                factor *= 0.5
                reasons.append("availability periods do not overlap")
            score = similarity * factor
            if score > best[0]:
                best = (score, demand, reasons)
        return best

    def _case_reason(self, label: str, nace: str, cases: Sequence[object]) -> str:
        from parkloop.matching.cases import Case

        typed = [c for c in cases if isinstance(c, Case)]
        names = sorted({c.case for c in typed})
        example = typed[0]
        sector = self.nace.get(nace).description
        count = len(typed)
        return (
            f"{label}: {count} documented exchange{'s' if count != 1 else ''} of similar "
            f"resources to sectors like {sector} ({nace}) in {len(names)} "
            f"case{'s' if len(names) != 1 else ''}, e.g. {example.resource.lower()} to "
            f"{example.receiver} in {example.case}"
        )
