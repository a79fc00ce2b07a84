"""Cost inputs a park keeps in its workbook: energy prices, the discount rate, end-use shares.

The workbook's ``energy_prices`` and ``end_use_shares`` sheets and the park sheet's
``discount_rate`` carry a source on every row; these functions turn them into the
recommender's :class:`~parkloop.toolbox.model.CostInputs` and
:class:`~parkloop.toolbox.model.EndUseShare` so that a stored park is costed with its own,
sourced figures. Nothing is filled in: without a discount rate or without a single price there
are no cost inputs.
"""

from __future__ import annotations

from parkloop.domain.models import EnergyPrice, ParkWorkbook
from parkloop.toolbox.model import CostInputs, EndUseShare


def price_for_year(prices: list[EnergyPrice], year: int | None) -> dict[str, float]:
    """One price per carrier [EUR/MWh]: the year's own, else the latest before it, else the
    earliest after it (no ``year``: the latest of all).

    >>> from parkloop.domain.models import EnergyCarrier
    >>> rows = [EnergyPrice(EnergyCarrier.ELECTRICITY, p, y, "s") for p, y in
    ...         [(90.0, 2022), (98.0, 2024), (110.0, 2026)]]
    >>> price_for_year(rows, 2025), price_for_year(rows, 2020), price_for_year(rows, None)
    ({'electricity': 98.0}, {'electricity': 90.0}, {'electricity': 110.0})
    """
    chosen: dict[str, EnergyPrice] = {}
    for price in prices:
        carrier = price.carrier.value
        best = chosen.get(carrier)
        if best is None or _rank(price.year, year) < _rank(best.year, year):
            chosen[carrier] = price
    return {carrier: price.eur_per_mwh for carrier, price in chosen.items()}


def _rank(candidate: int, year: int | None) -> tuple[int, int]:
    if year is None:
        return (0, -candidate)
    if candidate <= year:
        return (0, year - candidate)
    return (1, candidate - year)


def stored_cost_inputs(workbook: ParkWorkbook, year: int | None = None) -> CostInputs | None:
    """The park's own prices and discount rate, or ``None`` when either is missing."""
    park = workbook.park
    if park is None or park.discount_rate is None or not workbook.energy_prices:
        return None
    return CostInputs(price_for_year(workbook.energy_prices, year), park.discount_rate)


def stored_end_use_shares(workbook: ParkWorkbook) -> tuple[EndUseShare, ...]:
    """The park's end-use shares, one per company, carrier and end use, with their sources."""
    return tuple(
        EndUseShare(s.carrier.value, s.end_use, s.share, s.source, s.company_id)
        for s in workbook.end_use_shares
    )
