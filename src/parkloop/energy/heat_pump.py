"""Heat pumps lifting low-grade heat to a sink temperature.

COP from a Carnot fraction: COP = eta x T_sink / (T_sink - T_source), temperatures in kelvin,
with the source evaporating ``approach/2`` below its temperature and the sink condensing
``approach/2`` above its own (both factors sourced in ``matching_factors.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from parkloop.reference.factors import Factor, matching_factors

KELVIN = 273.15


@dataclass(frozen=True)
class HeatPumpResult:
    """A heat pump delivering heat to a sink from a low-grade source."""

    cop: float
    heat_delivered_mwh: float
    source_heat_mwh: float
    electricity_mwh: float
    co2e_t: float | None
    factors: tuple[Factor, ...]


def cop_from_carnot_fraction(
    source_c: ArrayLike, sink_c: ArrayLike, eta: float, approach_k: float
) -> NDArray[np.float64]:
    """COP = eta x T_sink / (T_sink - T_source) [K], element-wise; inf where there is no lift."""
    sink_k = np.asarray(sink_c, dtype=float) + KELVIN + approach_k / 2
    source_k = np.asarray(source_c, dtype=float) + KELVIN - approach_k / 2
    lift = sink_k - source_k
    with np.errstate(divide="ignore"):
        return np.where(lift > 0, eta * sink_k / np.where(lift > 0, lift, 1.0), np.inf)


def carnot_cop(
    source_c: float, sink_c: float, *, eta: float | None = None, approach_k: float | None = None
) -> float:
    """COP of a heat pump lifting heat from ``source_c`` to ``sink_c`` [degC].

    Examples
    --------
    >>> round(carnot_cop(30.0, 70.0), 2)
    3.48
    """
    factors = matching_factors()
    eta = eta if eta is not None else factors["heat_pump_carnot_fraction"].value
    approach = (
        approach_k if approach_k is not None else factors["heat_exchanger_min_approach"].value
    )
    if sink_c + approach / 2 <= source_c - approach / 2:
        raise ValueError(
            f"the sink ({sink_c:g} C) is not above the source ({source_c:g} C) by more than the "
            f"approach ({approach:g} K): exchange the heat directly, no heat pump is needed"
        )
    return float(cop_from_carnot_fraction(source_c, sink_c, eta, approach))


def heat_pump(
    heat_delivered_mwh: float,
    source_c: float,
    sink_c: float,
    *,
    grid_kg_co2e_per_kwh: float | None = None,
) -> HeatPumpResult:
    """Electricity, source heat and CO2e of delivering ``heat_delivered_mwh`` at ``sink_c``.

    Notes
    -----
    W = Q / COP; Q_source = Q - W; CO2e [t] = W [MWh] x grid factor [kg/kWh] (1 MWh x 1 kg/kWh =
    1 t). The grid factor is the caller's (country and year), so the result says which it used.

    Examples
    --------
    >>> r = heat_pump(1000.0, 30.0, 70.0, grid_kg_co2e_per_kwh=0.1)
    >>> round(r.electricity_mwh, 1), round(r.source_heat_mwh, 1), round(r.co2e_t, 1)
    (287.2, 712.8, 28.7)
    """
    if heat_delivered_mwh < 0:
        raise ValueError("heat_delivered_mwh must be >= 0")
    cop = carnot_cop(source_c, sink_c)
    electricity = heat_delivered_mwh / cop
    factors = matching_factors()
    return HeatPumpResult(
        cop=cop,
        heat_delivered_mwh=heat_delivered_mwh,
        source_heat_mwh=heat_delivered_mwh - electricity,
        electricity_mwh=electricity,
        co2e_t=None if grid_kg_co2e_per_kwh is None else electricity * grid_kg_co2e_per_kwh,
        factors=(factors["heat_pump_carnot_fraction"], factors["heat_exchanger_min_approach"]),
    )
