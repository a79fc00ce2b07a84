"""Park-level optimisation: which exchanges and shared assets to build, and the flows.

A mixed-integer linear programme on linopy, solved with HiGHS (:mod:`.model`); the cost/CO2e
trade-off by the epsilon-constraint method (:mod:`.pareto`); the same model in PuLP with CBC
for comparison (:mod:`.pulp_model`). Equations in ``docs/methods.md``.
"""

from parkloop.optimise.model import ParkModel, build_model, solve
from parkloop.optimise.pareto import ParetoFront, ParetoPoint, pareto_front
from parkloop.optimise.prepare import ExcludedLink, Prepared, prepare
from parkloop.optimise.problem import (
    ASSET_KINDS,
    CandidateLink,
    ParkProblem,
    ProblemError,
    SharedAsset,
    Site,
    validate_problem,
)
from parkloop.optimise.results import AssetResult, LinkResult, Solution

__all__ = [
    "ASSET_KINDS",
    "AssetResult",
    "CandidateLink",
    "ExcludedLink",
    "LinkResult",
    "ParetoFront",
    "ParetoPoint",
    "ParkModel",
    "ParkProblem",
    "Prepared",
    "ProblemError",
    "SharedAsset",
    "Site",
    "Solution",
    "build_model",
    "pareto_front",
    "prepare",
    "solve",
    "validate_problem",
]
