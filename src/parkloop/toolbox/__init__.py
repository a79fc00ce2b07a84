"""The toolbox recommender: which catalogue measures fit a company or a park, and at what cost.

Modules
-------
applicability
    Whether a measure fits a company or a park (sector, carriers, temperatures, size), with the
    reasons as sentences.
emissions
    Emission factors of final energy carriers [t CO2e/MWh] from the shipped factor file.
costs
    Capital recovery factor, abatement cost [EUR/t CO2e] and simple payback [years].
recommend
    The chain for one company: savings [MWh/yr], emissions avoided [t CO2e/yr], money [EUR/yr],
    costs and the ranking.
park
    The same for every company of a park, park-level measures, totals and the MACC.
macc
    The marginal abatement cost curve of a park, as data and as a self-contained SVG chart.

Nothing here invents a figure: where the catalogue or the caller gives no number, the result
names what is missing instead.
"""

from __future__ import annotations

from parkloop.toolbox.park import recommend_park
from parkloop.toolbox.recommend import (
    CASES,
    CompanyRecommendations,
    CostInputs,
    EndUseShare,
    Estimate,
    FlowTemperature,
    ParkRecommendations,
    Recommendation,
    ToolboxInputError,
    recommend_company,
)

__all__ = [
    "CASES",
    "CompanyRecommendations",
    "CostInputs",
    "EndUseShare",
    "Estimate",
    "FlowTemperature",
    "ParkRecommendations",
    "Recommendation",
    "ToolboxInputError",
    "recommend_company",
    "recommend_park",
]
