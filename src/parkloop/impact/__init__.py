"""Impact accounting: CO2e avoided and added, cost, tonnes diverted, water and energy.

Pure functions (:mod:`~parkloop.impact.equations`), terms that pick sourced factors
(:mod:`~parkloop.impact.terms`), the chain for one synergy or match
(:func:`~parkloop.impact.synergy.synergy_impact`) and park totals
(:func:`~parkloop.impact.park.park_totals`). Factors come from ``emission_factors.yaml``,
``matching_factors.yaml`` and ``impact_factors.yaml``; every result lists those it used.
"""

from parkloop.impact.assumptions import Assumptions
from parkloop.impact.park import ParkImpact, SynergyImpact, Totals, park_totals
from parkloop.impact.result import CostTerm, Impact, Range, Term
from parkloop.impact.synergy import synergy_impact

__all__ = [
    "Assumptions",
    "CostTerm",
    "Impact",
    "ParkImpact",
    "Range",
    "SynergyImpact",
    "Term",
    "Totals",
    "park_totals",
    "synergy_impact",
]
