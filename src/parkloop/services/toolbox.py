"""Toolbox use cases: the measures catalogue, and recommendations for a stored park.

The catalogue is the built-in ``measures.yaml``, plus a user's own catalogue file in the same
format when one is given (its ids must not clash with the built-in ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from parkloop.errors import NotFound, ParkloopError
from parkloop.reference.measures import Measure, MeasureRegistry, default_registry
from parkloop.services.database import Database
from parkloop.services.parks import park_workbook
from parkloop.toolbox.park import recommend_park
from parkloop.toolbox.recommend import (
    CompanyRecommendations,
    CostInputs,
    EndUseShare,
    ParkRecommendations,
    flow_temperatures,
    latest_year,
    recommend_company,
)
from parkloop.toolbox.stored import stored_cost_inputs, stored_end_use_shares


def registry(catalogue: Path | None = None) -> MeasureRegistry:
    """The built-in measures, and those of ``catalogue`` when given."""
    found = default_registry()
    if catalogue is not None:
        found.load(catalogue)
    return found


def list_measures(
    *, level: str | None = None, topic: str | None = None, catalogue: Path | None = None
) -> tuple[Measure, ...]:
    """The measures of the catalogue, filtered by level and topic.

    Raises
    ------
    ParkloopError
        For an unknown level or topic; the message lists the allowed values.
    """
    try:
        return registry(catalogue).filter(level=level, topic=topic)
    except ValueError as exc:
        raise ParkloopError(str(exc)) from None


def get_measure(measure_id: str, *, catalogue: Path | None = None) -> Measure:
    """One measure by id; :class:`NotFound` names close matches."""
    return registry(catalogue).get(measure_id)


def recommend_for_company(
    database: Database,
    park: str,
    company_id: str,
    *,
    year: int | None = None,
    costs: CostInputs | None = None,
    end_use_shares: Sequence[EndUseShare] = (),
    catalogue: Path | None = None,
    case: str = "central",
) -> CompanyRecommendations:
    """Ranked measures for one company of a stored park.

    ``year`` defaults to the company's latest year with energy use; the company's flow
    temperatures come from its listed flows. Without ``costs`` or ``end_use_shares`` the park's
    own, sourced figures from its workbook are used (see :func:`park_cost_inputs`).
    """
    workbook = park_workbook(database, park)
    company = next((c for c in workbook.companies if c.id == company_id), None)
    if company is None:
        known = ", ".join(c.id for c in workbook.companies) or "none"
        raise NotFound(f"no company {company_id!r} in park {park!r}; companies: {known}")
    chosen = year if year is not None else latest_year(workbook.energy, company.id)
    return recommend_company(
        company,
        workbook.energy,
        registry(catalogue),
        year=chosen,
        temperatures=flow_temperatures(workbook.flows, company.id),
        end_use_shares=end_use_shares or stored_end_use_shares(workbook),
        costs=costs or stored_cost_inputs(workbook, chosen),
        case=case,
    )


def recommend_for_park(
    database: Database,
    park: str,
    *,
    year: int | None = None,
    costs: CostInputs | None = None,
    end_use_shares: Sequence[EndUseShare] = (),
    catalogue: Path | None = None,
    case: str = "central",
) -> ParkRecommendations:
    """Recommendations for every company of a stored park, park-level measures and the MACC.

    ``year`` defaults to the park's latest year with energy use. Without ``costs`` or
    ``end_use_shares`` the park's own, sourced figures from its workbook are used (see
    :func:`park_cost_inputs`).
    """
    workbook = park_workbook(database, park)
    return recommend_park(
        workbook,
        registry(catalogue),
        name=park,
        year=year,
        end_use_shares=end_use_shares or stored_end_use_shares(workbook),
        costs=costs or stored_cost_inputs(workbook, year),
        case=case,
    )


def park_cost_inputs(
    database: Database, park: str, year: int | None = None
) -> tuple[CostInputs | None, tuple[EndUseShare, ...]]:
    """The prices and discount rate (``None`` unless the park gives both) and the end-use
    shares that the park's workbook holds, each with its source there."""
    workbook = park_workbook(database, park)
    return stored_cost_inputs(workbook, year), stored_end_use_shares(workbook)
