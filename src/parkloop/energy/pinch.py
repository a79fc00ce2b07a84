"""Pinch analysis with the Problem Table Algorithm.

References
----------
Linnhoff B., Flower J.R. (1978), Synthesis of heat exchanger networks: I. Systematic generation
of energy optimal networks, AIChE Journal 24(4), 633-642, doi:10.1002/aic.690240411.
Kemp I.C. (2007), Pinch Analysis and Process Integration, 2nd ed., Butterworth-Heinemann,
chapter 2 (problem table, composite and grand composite curves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Stream:
    """A process stream to be heated or cooled.

    ``cp_kw_per_k`` is the heat capacity flow rate CP [kW/K]; a stream is hot (to be cooled) when
    ``supply_c > target_c``.
    """

    name: str
    supply_c: float
    target_c: float
    cp_kw_per_k: float

    def __post_init__(self) -> None:
        if self.supply_c == self.target_c:
            raise ValueError(f"stream {self.name!r}: supply and target temperature are equal")
        if not self.cp_kw_per_k > 0:
            raise ValueError(f"stream {self.name!r}: CP must be positive [kW/K]")

    @property
    def hot(self) -> bool:
        return self.supply_c > self.target_c

    @property
    def heat_kw(self) -> float:
        return self.cp_kw_per_k * abs(self.supply_c - self.target_c)

    @classmethod
    def from_heat(cls, name: str, supply_c: float, target_c: float, heat_kw: float) -> Stream:
        """A stream given by its heat load [kW] instead of its CP."""
        return cls(name, supply_c, target_c, heat_kw / abs(supply_c - target_c))


@dataclass(frozen=True)
class PinchResult:
    """Energy targets and curves of a set of streams at a minimum approach ``dt_min_k``."""

    dt_min_k: float
    hot_utility_kw: float
    cold_utility_kw: float
    pinch_shifted_c: float | None
    shifted_c: NDArray[np.float64]  # interval boundaries, descending [degC]
    cascade_kw: NDArray[np.float64]  # feasible heat cascade at each boundary = the GCC [kW]
    hot_composite: tuple[NDArray[np.float64], NDArray[np.float64]]  # (enthalpy kW, T degC)
    cold_composite: tuple[NDArray[np.float64], NDArray[np.float64]]

    @property
    def pinch_hot_c(self) -> float | None:
        return None if self.pinch_shifted_c is None else self.pinch_shifted_c + self.dt_min_k / 2

    @property
    def pinch_cold_c(self) -> float | None:
        return None if self.pinch_shifted_c is None else self.pinch_shifted_c - self.dt_min_k / 2


def _span_sum(
    boundaries: NDArray[np.float64],
    upper: NDArray[np.float64],
    lower: NDArray[np.float64],
    weight: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Sum of ``weight`` over the streams spanning each interval between descending boundaries."""
    order = -boundaries  # ascending for searchsorted
    start = np.searchsorted(order, -upper)  # first interval below the stream's top
    stop = np.searchsorted(order, -lower)  # the boundary at the stream's bottom
    diff = np.zeros(len(boundaries) + 1)
    np.add.at(diff, start, weight)
    np.add.at(diff, stop, -weight)
    return np.cumsum(diff)[: len(boundaries) - 1]


def _composite(
    supply: NDArray[np.float64], target: NDArray[np.float64], cp: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Composite curve of streams: enthalpy [kW] (from 0 at the coldest point) and T [degC]."""
    if len(cp) == 0:
        return np.zeros(1), np.zeros(1)
    upper, lower = np.maximum(supply, target), np.minimum(supply, target)
    temps = np.unique(np.concatenate([upper, lower]))[::-1]
    cp_sum = _span_sum(temps, upper, lower, cp)
    heat = cp_sum * -np.diff(temps)
    enthalpy = np.concatenate([[0.0], np.cumsum(heat[::-1])])
    return enthalpy, temps[::-1]


def problem_table(streams: Sequence[Stream], dt_min_k: float) -> PinchResult:
    """Minimum hot and cold utility, pinch and curves by the Problem Table Algorithm.

    Parameters
    ----------
    streams : sequence of Stream
        Hot and cold process streams, CP in [kW/K].
    dt_min_k : float
        Minimum approach temperature [K]; hot streams shift down by dt/2, cold up by dt/2.

    Returns
    -------
    PinchResult
        ``hot_utility_kw`` and ``cold_utility_kw`` [kW], the shifted pinch temperature [degC],
        the grand composite curve (``shifted_c``, ``cascade_kw``) and both composite curves.

    Notes
    -----
    For each shifted-temperature interval k, dH_k = (sum CP_hot - sum CP_cold) x (T_k - T_k+1).
    The cascade R_k = sum_{j<=k} dH_j; Q_H,min = max(0, -min R); the feasible cascade
    F = Q_H,min + R is the grand composite curve, Q_C,min its last value, and the pinch lies where
    F = 0 (Linnhoff and Flower 1978; Kemp 2007, chapter 2).

    Examples
    --------
    >>> s = [Stream("H1", 170, 60, 3), Stream("H2", 150, 30, 1.5),
    ...      Stream("C1", 20, 135, 2), Stream("C2", 80, 140, 4)]
    >>> r = problem_table(s, 10)
    >>> r.hot_utility_kw, r.cold_utility_kw, r.pinch_shifted_c
    (20.0, 60.0, 85.0)
    """
    if dt_min_k < 0:
        raise ValueError(f"dt_min_k must be >= 0, got {dt_min_k}")
    if not streams:
        raise ValueError("no streams: give at least one hot or cold stream")
    supply = np.array([s.supply_c for s in streams], dtype=float)
    target = np.array([s.target_c for s in streams], dtype=float)
    cp = np.array([s.cp_kw_per_k for s in streams], dtype=float)
    hot = supply > target
    shift = np.where(hot, -dt_min_k / 2, dt_min_k / 2)
    upper = np.maximum(supply, target) + shift
    lower = np.minimum(supply, target) + shift
    boundaries = np.unique(np.concatenate([upper, lower]))[::-1]
    net_cp = _span_sum(boundaries, upper, lower, np.where(hot, cp, -cp))
    surplus = net_cp * -np.diff(boundaries)
    cascade = np.concatenate([[0.0], np.cumsum(surplus)])
    hot_utility = max(0.0, -float(cascade.min()))
    feasible = cascade + hot_utility
    cold_utility = float(feasible[-1])
    tolerance = 1e-9 * max(1.0, float(np.abs(surplus).sum()))
    zero = np.flatnonzero(np.abs(feasible) <= tolerance)
    # A zero at the top (no hot utility) or bottom (no cold utility) is a threshold, not a pinch.
    interior = [
        i
        for i in zero
        if 0 < i < len(boundaries) - 1
        or (i == 0 and hot_utility > tolerance)
        or (i == len(boundaries) - 1 and cold_utility > tolerance)
    ]
    pinch = float(boundaries[interior[0]]) if interior else None
    return PinchResult(
        dt_min_k=dt_min_k,
        hot_utility_kw=round(hot_utility, 9),
        cold_utility_kw=round(cold_utility, 9),
        pinch_shifted_c=pinch,
        shifted_c=boundaries,
        cascade_kw=feasible,
        hot_composite=_composite(supply[hot], target[hot], cp[hot]),
        cold_composite=_composite(supply[~hot], target[~hot], cp[~hot]),
    )
