"""Running HiGHS on a linopy model: options, MIP starts, values and bounds.

Kept apart from :mod:`parkloop.optimise.model` so that the model's ``define_*`` steps stay
free of solver details.
"""

from __future__ import annotations

from typing import Any

import highspy
import linopy
import numpy as np

from parkloop.optimise.prepare import FloatArray, Prepared
from parkloop.optimise.results import BUILT, Solution

VARIABLES = (
    ("flow", "Link-flow", "links"),
    ("build", "Link-build", "links"),
    ("capacity", "Asset-capacity", "assets"),
    ("asset_build", "Asset-build", "assets"),
    ("output", "Asset-output", "assets"),
)


def start_values(prepared: Prepared, start: Solution) -> dict[str, FloatArray]:
    """Variable values of a :class:`Solution`, in model order (unlisted links and assets 0)."""
    links = {lid: i for i, lid in enumerate(prepared.link_ids)}
    assets = {aid: i for i, aid in enumerate(prepared.asset_ids)}
    values = {
        name: np.zeros(len(links) if over == "links" else len(assets))
        for name, _, over in VARIABLES
    }
    for link in start.links:
        if link.id in links:
            values["flow"][links[link.id]] = link.flow
            values["build"][links[link.id]] = 1.0 if link.built else 0.0
    for asset in start.assets:
        if asset.id in assets:
            values["capacity"][assets[asset.id]] = asset.capacity
            values["output"][assets[asset.id]] = asset.output
            values["asset_build"][assets[asset.id]] = 1.0 if asset.built else 0.0
    # A link that is built needs its assets built (the Link-needs-* constraints).
    built = values["build"] > BUILT
    for position in (prepared.out_asset, prepared.in_asset, prepared.via_asset):
        used = position[(position >= 0) & built]
        values["asset_build"][used] = 1.0
    return values


def _column_values(model: linopy.Model, values: dict[str, FloatArray]) -> FloatArray:
    """The values in HiGHS column order (linopy's variable labels)."""
    vlabels = np.asarray(model.variables.label_index.vlabels)
    by_label = np.zeros(int(vlabels.max()) + 1 if vlabels.size else 0)
    for name, variable_name, _ in VARIABLES:
        if variable_name in model.variables and values[name].size:
            labels = np.asarray(model.variables[variable_name].labels.values).ravel()
            by_label[labels] = values[name]
    columns: FloatArray = by_label[vlabels]
    return columns


def run_highs(
    model: linopy.Model, options: dict[str, Any], start: dict[str, FloatArray] | None = None
) -> tuple[str, str]:
    """Solve ``model`` with HiGHS through linopy's direct interface; return status, condition.

    With ``start`` the values are handed to HiGHS as a MIP start (linopy's
    ``Solver.from_name(...).solve()`` path, then :meth:`linopy.Model.assign_result`).
    """
    if start is None:
        status, termination = model.solve(solver_name="highs", io_api="direct", **options)
        return str(status), str(termination)
    model.reset_solution()
    model.constraints.sanitize_zeros()
    model.constraints.sanitize_infinities()
    model.solver = None
    solver = linopy.solvers.Solver.from_name(
        "highs", model=model, io_api="direct", options=options, set_names=False
    )
    initial = highspy.HighsSolution()
    initial.col_value = _column_values(model, start).tolist()
    initial.value_valid = True
    solver.solver_model.setSolution(initial)
    status, termination = model.assign_result(solver.solve(), solver)
    return str(status), str(termination)


def solution_values(model: linopy.Model, prepared: Prepared) -> dict[str, FloatArray] | None:
    """The solved values in model order, or None when HiGHS returned no primal solution."""
    sizes = {"links": len(prepared.links), "assets": len(prepared.assets)}
    values: dict[str, FloatArray] = {}
    try:
        for name, variable_name, over in VARIABLES:
            if not sizes[over]:
                values[name] = np.zeros(0)
                continue
            solved = model.variables[variable_name].solution.values
            values[name] = np.asarray(solved, dtype=float)
    except AttributeError:  # linopy: "Underlying model not optimized" (no primal values)
        return None
    if any(np.isnan(v).any() for v in values.values()):
        return None
    return values


def _info(model: linopy.Model, name: str) -> float | None:
    highs: Any = model.solver_model
    try:
        value = float(getattr(highs.getInfo(), name))
    except (AttributeError, TypeError, ValueError):
        return None
    return value if np.isfinite(value) else None


def highs_gap(model: linopy.Model) -> float | None:
    """The relative MIP gap HiGHS reached, or None."""
    return _info(model, "mip_gap")


def objective_bound(model: linopy.Model) -> float | None:
    """A proven lower bound on the minimised objective: HiGHS's dual bound.

    For a problem HiGHS solved as an LP (no integer column left) the optimal objective itself.
    """
    bound = _info(model, "mip_dual_bound")
    if bound is not None:
        return bound
    if str(model.termination_condition) == "optimal":
        value = model.objective.value
        return None if value is None else float(value)
    return None
