"""Arrays over the companies and demand flows of a park or region, built once per run.

Everything the engine needs per candidate is a column here, so a supply flow is scored against
all its neighbours with a few numpy operations instead of a Python loop per pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.neighbors import BallTree

from parkloop.domain.models import Company, Direction, Flow
from parkloop.matching.geo import EARTH_RADIUS_KM
from parkloop.matching.knowledge import Knowledge
from parkloop.matching.text import TextSimilarity
from parkloop.units import Category, Normalised

CATEGORIES = tuple(Category)
# Up to this many distinct demand texts, a supply text is compared with all of them at once.
DISTINCT_TEXTS_DENSE = 50_000


def flow_text(flow: Flow) -> str:
    return " ".join(part for part in (flow.name, flow.description or "") if part)


def waste_levels(ewc: str | None) -> tuple[int, int, int]:
    """Entry, sub-chapter and chapter of a code as integers (-1 where absent)."""
    if not ewc:
        return -1, -1, -1
    digits = ewc.rstrip("*").replace(" ", "")
    return int(digits[:6]), int(digits[:4]), int(digits[:2])


@dataclass
class DemandIndex:
    """Demand flows sorted by company, with their columns."""

    flows: list[Flow]
    company: NDArray[np.int64]
    offsets: NDArray[np.int64]  # demands of company c: order[offsets[c]:offsets[c + 1]]
    order: NDArray[np.int64]
    category: NDArray[np.int64]
    text: sparse.csr_matrix  # one row per distinct demand text
    text_id: NDArray[np.int64]  # row of ``text`` for each demand
    classes: NDArray[np.bool_]
    entry: NDArray[np.int64]
    subchapter: NDArray[np.int64]
    chapter: NDArray[np.int64]
    annual: NDArray[np.float64]
    unit: NDArray[np.object_]
    temperature: NDArray[np.float64]
    start: NDArray[np.int64]
    end: NDArray[np.int64]

    def of_companies(self, companies: NDArray[np.int64]) -> NDArray[np.int64]:
        """Indices of the demands of the given companies."""
        if len(self.flows) == 0 or len(companies) == 0:
            return np.zeros(0, dtype=np.int64)
        starts, ends = self.offsets[companies], self.offsets[companies + 1]
        lengths = ends - starts
        if lengths.sum() == 0:
            return np.zeros(0, dtype=np.int64)
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(
            lengths.sum()
        )
        return np.asarray(self.order[positions], dtype=np.int64)


class ParkIndex:
    """Companies (with a spatial index) and demand flows of one matching run."""

    def __init__(
        self,
        companies: Sequence[Company],
        flows: Sequence[Flow],
        knowledge: Knowledge,
        texts: TextSimilarity,
    ) -> None:
        self.companies = list(companies)
        self.position = {c.id: i for i, c in enumerate(self.companies)}
        self.sectors = sorted({c.nace for c in self.companies})
        sector_position = {s: i for i, s in enumerate(self.sectors)}
        self.sector = np.array([sector_position[c.nace] for c in self.companies], dtype=np.int64)
        coords = np.radians([[c.lat, c.lon] for c in self.companies]).reshape(-1, 2)
        self.tree = BallTree(coords, metric="haversine") if len(self.companies) else None
        self.class_ids = [c.id for c in knowledge.classes]
        self.class_position = {cid: i for i, cid in enumerate(self.class_ids)}
        self.texts = texts
        self._vectors: dict[str, sparse.csr_matrix] = {}
        self._dense: dict[str, NDArray[np.float64]] = {}
        self.demands = self._demands(flows, knowledge)
        self._last_key: tuple[int, float] | None = None
        self._last: tuple[NDArray[np.int64], NDArray[np.float64]] = (
            np.zeros(0, dtype=np.int64),
            np.zeros(0),
        )

    def text_vector(self, flow: Flow) -> sparse.csr_matrix:
        """The TF-IDF vector of a flow's text (cached per text)."""
        text = flow_text(flow)
        vector = self._vectors.get(text)
        if vector is None:
            vector = self.texts.vectorizer.transform([text])
            if len(self._vectors) > 100_000:
                self._vectors.clear()
            self._vectors[text] = vector
        return vector

    def text_similarity(self, flow: Flow, rows: NDArray[np.int64]) -> NDArray[np.float64]:
        """Cosine similarity of a flow's text to the texts of the demands ``rows``.

        Similarities are computed once per distinct (supply text, demand text) pair: against
        all distinct demand texts when there are few of them, else against the rows needed.
        """
        demands = self.demands
        if demands.text.shape[0] <= DISTINCT_TEXTS_DENSE:
            text = flow_text(flow)
            row = self._dense.get(text)
            if row is None:
                row = np.asarray((demands.text @ self.text_vector(flow).T).toarray()).ravel()
                if len(self._dense) > 10_000:
                    self._dense.clear()
                self._dense[text] = row
            return np.asarray(row[demands.text_id[rows]], dtype=float)
        ids = demands.text_id[rows]
        block = demands.text[ids] @ self.text_vector(flow).T
        return np.asarray(block.toarray(), dtype=float).ravel()

    def normalised(self, flow: Flow) -> Normalised | None:
        return flow.normalised()

    def class_mask(self, ids: set[str]) -> NDArray[np.bool_]:
        mask = np.zeros(len(self.class_ids), dtype=bool)
        for cid in ids:
            mask[self.class_position[cid]] = True
        return mask

    def _demands(self, flows: Sequence[Flow], knowledge: Knowledge) -> DemandIndex:
        demands = [f for f in flows if f.direction is Direction.DEMAND]
        company = np.array([self.position[f.company_id] for f in demands], dtype=np.int64)
        order = np.argsort(company, kind="stable")
        counts = np.bincount(company, minlength=len(self.companies))
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        classes = np.zeros((len(demands), len(self.class_ids)), dtype=bool)
        for row, flow in enumerate(demands):
            for rec in knowledge.recognise(flow_text(flow), flow.ewc, flow.temperature_c):
                classes[row, self.class_position[rec.resource.id]] = True
        levels = np.array([waste_levels(f.ewc) for f in demands], dtype=np.int64).reshape(-1, 3)
        annual = np.full(len(demands), np.nan)
        unit = np.empty(len(demands), dtype=object)
        for row, flow in enumerate(demands):
            normalised = flow.normalised()
            if normalised is not None and normalised.value is not None:
                annual[row], unit[row] = normalised.value, normalised.unit
        width = len(self.texts.vectorizer.vocabulary_)
        distinct: dict[str, int] = {}
        text_id = np.array(
            [distinct.setdefault(flow_text(f), len(distinct)) for f in demands], dtype=np.int64
        )
        text = (
            self.texts.vectorizer.transform(list(distinct))
            if distinct
            else sparse.csr_matrix((0, width))
        )
        return DemandIndex(
            flows=demands,
            company=company,
            offsets=offsets,
            order=order.astype(np.int64),
            category=np.array([CATEGORIES.index(f.category) for f in demands], dtype=np.int64),
            text=sparse.csr_matrix(text),
            text_id=text_id,
            classes=classes,
            entry=levels[:, 0],
            subchapter=levels[:, 1],
            chapter=levels[:, 2],
            annual=annual,
            unit=unit,
            temperature=np.array(
                [np.nan if f.temperature_c is None else f.temperature_c for f in demands]
            ),
            start=np.array(
                [(f.available_from or dt.date.min).toordinal() for f in demands], dtype=np.int64
            ),
            end=np.array(
                [(f.available_to or dt.date.max).toordinal() for f in demands], dtype=np.int64
            ),
        )

    def sorted_neighbours(
        self, company: int, radius_km: float
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """:meth:`neighbours` sorted by company position, cached for the last supplier."""
        key = (company, radius_km)
        if self._last_key != key:
            idx, dist = self.neighbours(company, radius_km)
            order = np.argsort(idx, kind="stable")
            self._last_key, self._last = key, (idx[order], dist[order])
        return self._last

    def neighbours(
        self, company: int, radius_km: float
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Companies within ``radius_km`` of ``company`` (itself excluded) and distances [km]."""
        assert self.tree is not None
        point = np.radians([[self.companies[company].lat, self.companies[company].lon]])
        idx, dist = self.tree.query_radius(
            point, r=radius_km / EARTH_RADIUS_KM, return_distance=True
        )
        keep = idx[0] != company
        return idx[0][keep].astype(np.int64), dist[0][keep] * EARTH_RADIUS_KM
