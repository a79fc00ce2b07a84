"""Distances and transport estimates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from parkloop.reference.factors import matching_factors

# IUGG mean Earth radius R1 [km]: Moritz H. (2000), Geodetic Reference System 1980,
# Journal of Geodesy 74, 128-133.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Great-circle distance [km] between points given in degrees (broadcasts like numpy).

    Notes
    -----
    d = 2 R asin( sqrt( sin^2(dphi/2) + cos(phi1) cos(phi2) sin^2(dlambda/2) ) )

    Examples
    --------
    >>> round(float(haversine_km(55.6761, 12.5683, 59.3293, 18.0686)), 1)  # Copenhagen-Stockholm
    522.1
    """
    p1, l1, p2, l2 = (np.radians(np.asarray(a, dtype=float)) for a in (lat1, lon1, lat2, lon2))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


@dataclass(frozen=True)
class TransportEstimate:
    """Road transport of a yearly tonnage over a distance."""

    road_km: float
    co2e_t_per_yr: float | None
    cost_eur_per_yr: float | None


def road_km(great_circle_km: float, circuity: float | None = None) -> float:
    """Road distance [km] from a great-circle distance and a circuity (road) factor."""
    factor = circuity if circuity is not None else matching_factors()["road_circuity"].value
    return great_circle_km * factor


def road_transport(
    great_circle_km: float, tonnes_per_yr: float | None, circuity: float | None = None
) -> TransportEstimate:
    """CO2e [t/yr] and cost [EUR/yr] of trucking ``tonnes_per_yr`` over the road distance.

    Notes
    -----
    CO2e = t x km_road x EF_tkm / 1000; cost = t / payload x km_road x cost_vkm (loaded trips;
    empty returns are not counted). Factors: ``matching_factors.yaml``.
    """
    factors = matching_factors()
    km = road_km(great_circle_km, circuity)
    if tonnes_per_yr is None:
        return TransportEstimate(km, None, None)
    tkm = tonnes_per_yr * km
    co2e_t = tkm * factors["road_freight_co2e"].value / 1000.0
    cost = tonnes_per_yr / factors["truck_payload"].value * km
    cost *= factors["truck_cost_per_vehicle_km"].value
    return TransportEstimate(km, co2e_t, cost)
