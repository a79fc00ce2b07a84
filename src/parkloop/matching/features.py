"""Feasibility of one exchange: quantity fit, temperature, availability."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from parkloop.domain.models import Flow
from parkloop.energy.heat_pump import cop_from_carnot_fraction
from parkloop.reference.factors import matching_factors


def quantity_fit(supply: Flow, demand: Flow) -> float | None:
    """min/max of the two per-year amounts in a shared canonical unit; ``None`` if unknown.

    Examples
    --------
    >>> from parkloop.domain.models import Direction
    >>> from parkloop.units import Category, Period
    >>> s = Flow("S", "A", Direction.SUPPLY, Category.MATERIAL, "ash", quantity=1000, unit="t")
    >>> d = Flow("D", "B", Direction.DEMAND, Category.MATERIAL, "ash", quantity=10, unit="t",
    ...          per=Period.WEEK)
    >>> round(quantity_fit(s, d), 3)
    0.521
    """
    a, b = supply.normalised(), demand.normalised()
    if a is None or b is None or a.value is None or b.value is None or a.unit != b.unit:
        return None
    if a.value <= 0 or b.value <= 0:
        return None
    return min(a.value, b.value) / max(a.value, b.value)


@dataclass(frozen=True)
class HeatFeasibility:
    """Whether heat at a source temperature can serve a sink, directly or with a heat pump."""

    direct: bool
    cop: float | None
    score: float
    explanation: str


def heat_feasibility(source_c: float, sink_c: float) -> HeatFeasibility:
    """Direct exchange if source >= sink + dT_min; else a heat pump with a Carnot-fraction COP.

    Notes
    -----
    COP = eta x T_sink / (T_sink - T_source), temperatures in K, eta the Carnot fraction
    (``matching_factors.yaml``). The score of a heat-pump case is 1 - 1/COP, the share of the
    delivered heat that comes from the source.

    Examples
    --------
    >>> heat_feasibility(90, 70).direct
    True
    >>> round(heat_feasibility(30, 70).cop, 2)
    3.48
    """
    direct, cop, score = heat_scores(source_c, np.array([sink_c], dtype=float))
    if direct[0]:
        return HeatFeasibility(True, None, 1.0, f"{source_c:g} C source covers a {sink_c:g} C sink")
    if score[0] <= 0.0:
        return HeatFeasibility(False, float(cop[0]), 0.0, "too large a lift for a heat pump")
    return HeatFeasibility(
        False,
        float(cop[0]),
        float(score[0]),
        f"{source_c:g} C -> {sink_c:g} C needs a heat pump (COP about {cop[0]:.1f})",
    )


def heat_scores(
    source_c: float, sink_c: NDArray[np.float64]
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
    """Vector form of :func:`heat_feasibility`: direct?, COP and score for many sinks [degC]."""
    factors = matching_factors()
    approach = factors["heat_exchanger_min_approach"].value
    eta = factors["heat_pump_carnot_fraction"].value
    direct = source_c >= sink_c + approach
    cop = cop_from_carnot_fraction(source_c, sink_c, eta, approach)
    pumped = np.where(cop > 1.0, 1.0 - 1.0 / np.maximum(cop, 1e-9), 0.0)
    return direct, cop, np.where(direct, 1.0, pumped)


def periods_overlap(supply: Flow, demand: Flow) -> bool:
    """Whether the availability periods of two flows overlap (open ends always overlap)."""
    start = max(supply.available_from or dt.date.min, demand.available_from or dt.date.min)
    end = min(supply.available_to or dt.date.max, demand.available_to or dt.date.max)
    return start <= end
