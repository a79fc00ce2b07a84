"""The cost/CO2e trade-off of a park by the epsilon-constraint method.

Notes
-----
With C(x) the annualised cost [EUR/yr] (no carbon price) and E(x) the park's emissions
[t CO2e/yr] over the feasible choices x of the model:

1. x_C = argmin C(x); E_hi = E(x_C), the emissions of the cheapest park.
2. x_E = argmin E(x); E_lo = E(x_E), the least emissions the candidates allow.
3. For eps_k = E_hi - k (E_hi - E_lo) / (N - 1), k = 1..N-1: P(eps_k) = min C(x) subject
   to E(x) <= eps_k. Point k is the solution found for P(eps_k); point 0 is x_C.

Each P(eps) is solved to the relative gap g in two stages.

*Lagrangian stage.* For a carbon weight lambda >= 0, HiGHS minimises C(x) + lambda E(x) and
proves a lower bound D(lambda) on it. For every x with E(x) <= eps,
C(x) >= D(lambda) - lambda eps, so LB(eps) = max over the weights tried of D(lambda) - lambda
eps bounds P(eps) from below, and UB(eps), the cheapest solution found so far with
E <= eps, from above. While UB - LB > g |UB|, the next weight is the slope between the nearest
solutions found on either side of eps, lambda = (C_right - C_left) / (E_left - E_right), which
finds the supported point between them if there is one (the dichotomic scheme of Aneja and
Nair 1979). These solves have no dense CO2e row and are several times faster than P(eps).

*Constrained stage.* If a few weights do not close the gap, P(eps) is solved as a MILP with
E(x) <= eps (``Park-co2e-cap``), started from UB's solution.

A solution feasible for a tighter bound is feasible for every looser one, so each point takes
the cheapest solution found anywhere with E <= eps_k: the reported costs never fall as the bound
tightens. ``ParetoPoint.gap`` is the proven relative gap of each point.

References
----------
Haimes, Y. Y., Lasdon, L. S., Wismer, D. A. (1971). On a bicriterion formulation of the
problems of integrated system identification and system optimization. IEEE Transactions on
Systems, Man, and Cybernetics SMC-1(3), 296-297. https://doi.org/10.1109/TSMC.1971.4308298

Mavrotas, G. (2009). Effective implementation of the epsilon-constraint method in
Multi-Objective Mathematical Programming problems. Applied Mathematics and Computation
213(2), 455-465. https://doi.org/10.1016/j.amc.2009.03.037

Aneja, Y. P., Nair, K. P. K. (1979). Bicriteria transportation problem. Management Science
25(1), 73-78. https://doi.org/10.1287/mnsc.25.1.73

Fisher, M. L. (1981). The Lagrangian relaxation method for solving integer programming
problems. Management Science 27(1), 1-18. https://doi.org/10.1287/mnsc.27.1.1

Examples
--------
>>> from parkloop.optimise.problem import CandidateLink, ParkProblem, Site
>>> problem = ParkProblem(
...     sites=(Site("A", supply={"ash": 100.0}), Site("B", demand={"ash": 100.0})),
...     links=(CandidateLink("A-B", "A", "B", "ash", 100.0, 5.0, 0.5, 100.0),),
... )
>>> front = pareto_front(problem, n_points=3, mip_gap=0.0)
>>> [(round(p.co2e_t_per_yr, 6), round(p.cost_eur_per_yr, 6)) for p in front.points]
[(0.0, 0.0), (-25.0, 350.0), (-50.0, 600.0)]
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass, field
from html import escape
from typing import Any

from parkloop.optimise.highs import objective_bound
from parkloop.optimise.model import ExtraConstraints, ParkModel, build_model, define_co2e_cap
from parkloop.optimise.model import solve as solve_model
from parkloop.optimise.problem import ParkProblem
from parkloop.optimise.results import Solution

CAP = "Park-co2e-cap"
WEIGHTS_PER_POINT = 4  # default: weighted solves tried per point before the constrained MILP


@dataclass(frozen=True)
class ParetoPoint:
    """One point of the front: the CO2e bound, the cost and emissions reached, and how.

    ``method`` is ``'cheapest'`` (point 0), ``'lagrangian'`` (closed by weighted solves) or
    ``'milp'`` (solved with the CO2e constraint); ``gap`` the proven relative gap [-].
    """

    co2e_cap_t_per_yr: float | None
    cost_eur_per_yr: float
    co2e_t_per_yr: float
    links_built: int
    assets_built: int
    termination: str
    solution: Solution
    gap: float | None = None
    method: str = "milp"


@dataclass(frozen=True)
class ParetoFront:
    """Points from the cheapest park (first) to the one with the least emissions (last)."""

    points: tuple[ParetoPoint, ...]
    message: str = ""
    solves: int = 0

    def rows(self) -> list[dict[str, float | int | str | None]]:
        """The points as plain rows, e.g. for a CSV or a JSON answer."""
        return [
            {
                "co2e_cap_t_per_yr": p.co2e_cap_t_per_yr,
                "cost_eur_per_yr": p.cost_eur_per_yr,
                "co2e_t_per_yr": p.co2e_t_per_yr,
                "links_built": p.links_built,
                "assets_built": p.assets_built,
                "gap": p.gap,
                "method": p.method,
            }
            for p in self.points
        ]

    def svg(self, width: int = 640, height: int = 400) -> str:
        """The front as a standalone SVG line chart (cost against CO2e)."""
        return pareto_svg(self.points, width=width, height=height)

    def figure(self) -> Any | None:
        """A plotly figure of the front, or None when plotly is not installed."""
        return pareto_figure(self.points)


def _cost(solution: Solution) -> float:
    assert solution.total_cost_eur_per_yr is not None
    return solution.total_cost_eur_per_yr


def _co2e(solution: Solution) -> float:
    assert solution.total_co2e_t_per_yr is not None
    return solution.total_co2e_t_per_yr


def _tolerance(value: float) -> float:
    return 1e-6 * max(1.0, abs(value))


@dataclass
class _Search:
    """The solutions and bounds found so far on one model."""

    park: ParkModel
    mip_gap: float
    threads: int
    time_limit_s: float | None
    known: list[Solution] = field(default_factory=list)
    weights: list[tuple[float, float]] = field(default_factory=list)  # (lambda, D(lambda))
    capped: list[tuple[float, float]] = field(default_factory=list)  # (eps, bound on P(eps))
    solves: int = 0

    @property
    def baseline(self) -> float:
        return self.park.prepared.problem.baseline_co2e_t_per_yr

    def _solve(self, gap: float, start: Solution | None = None) -> Solution:
        self.solves += 1
        solution = solve_model(
            self.park,
            mip_gap=gap,
            threads=self.threads,
            time_limit_s=self.time_limit_s,
            start=start,
        )
        if solution.has_solution:
            self.known.append(solution)
        return solution

    def weighted(self, weight: float) -> Solution:
        """Minimise C + weight x E (weight in EUR/t) and keep the proven bound."""
        assert self.park.cost is not None and self.park.co2e is not None
        model = self.park.model
        model.objective = self.park.cost + weight * self.park.co2e if weight else self.park.cost
        solution = self._solve(self.mip_gap / 10)
        bound = objective_bound(model) if solution.has_solution else None
        if bound is not None:
            self.weights.append((weight, bound))
        return solution

    def cleanest(self) -> Solution:
        assert self.park.co2e is not None
        self.park.model.objective = self.park.co2e
        return self._solve(self.mip_gap / 10)

    def best(self, eps: float) -> Solution | None:
        """The cheapest solution found with E <= eps."""
        feasible = [s for s in self.known if _co2e(s) <= eps + _tolerance(eps)]
        return min(feasible, key=_cost, default=None)

    def lower(self, eps: float) -> float:
        """The best proven lower bound on P(eps)."""
        change = eps - self.baseline
        bounds = [bound - weight * change for weight, bound in self.weights]
        bounds += [bound for cap, bound in self.capped if cap >= eps - _tolerance(eps)]
        return max(bounds, default=-math.inf)

    def gap(self, eps: float) -> float | None:
        best = self.best(eps)
        lower = self.lower(eps)
        if best is None or not math.isfinite(lower):
            return None
        return max(0.0, _cost(best) - lower) / max(abs(_cost(best)), 1e-9)

    def closed(self, eps: float) -> bool:
        gap = self.gap(eps)
        return gap is not None and gap <= max(self.mip_gap, 1e-7)

    def next_weight(self, eps: float) -> float | None:
        """The slope between the nearest solutions on either side of eps, if new and > 0."""
        above = [s for s in self.known if _co2e(s) > eps + _tolerance(eps)]
        below = [s for s in self.known if _co2e(s) <= eps + _tolerance(eps)]
        if not above or not below:
            return None
        left = min(above, key=lambda s: (_co2e(s), _cost(s)))
        right = max(below, key=lambda s: (_co2e(s), -_cost(s)))
        span = _co2e(left) - _co2e(right)
        weight = (_cost(right) - _cost(left)) / span if span > 0 else 0.0
        tried = any(abs(weight - w) <= 1e-9 * max(1.0, weight) for w, _ in self.weights)
        return weight if weight > 0 and not tried else None

    def constrained(self, eps: float) -> None:
        """Solve P(eps) with the CO2e constraint, starting from the best solution known."""
        assert self.park.cost is not None
        user_cap = self.park.prepared.problem.co2e_cap_t_per_yr
        cap = eps if user_cap is None else min(eps, user_cap)
        define_co2e_cap(self.park, cap)
        self.park.model.objective = self.park.cost
        solution = self._solve(self.mip_gap, start=self.best(eps))
        bound = objective_bound(self.park.model) if solution.has_solution else None
        if bound is not None:
            self.capped.append((cap, bound))
        if user_cap is None:
            self.park.model.remove_constraints(CAP)
        else:
            define_co2e_cap(self.park, user_cap)


def _point(cap: float | None, solution: Solution, gap: float | None, method: str) -> ParetoPoint:
    return ParetoPoint(
        co2e_cap_t_per_yr=cap,
        cost_eur_per_yr=_cost(solution),
        co2e_t_per_yr=_co2e(solution),
        links_built=sum(1 for link in solution.links if link.built),
        assets_built=sum(1 for asset in solution.assets if asset.built),
        termination=solution.termination,
        solution=solution,
        gap=gap,
        method=method,
    )


def pareto_front(
    problem: ParkProblem,
    n_points: int = 10,
    *,
    mip_gap: float = 0.01,
    threads: int = 2,
    time_limit_s: float | None = None,
    extra_constraints: ExtraConstraints | None = None,
    weights_per_point: int = WEIGHTS_PER_POINT,
) -> ParetoFront:
    """Cost against CO2e between the cheapest park and the one with the least emissions.

    Parameters
    ----------
    problem : ParkProblem
        Its carbon price is not used: the two objectives are kept apart. Its
        ``co2e_cap_t_per_yr``, if any, holds at every point.
    n_points : int
        Points on the front (at least 2), both ends included.
    mip_gap : float
        Relative gap to which each point is solved [-] (see the module notes).
    threads, time_limit_s
        Passed to each solve (see :func:`parkloop.optimise.model.solve`).
    extra_constraints : callable, optional
        The hook of :func:`parkloop.optimise.model.build_model`.
    weights_per_point : int
        Weighted solves tried per point before the constrained MILP; 0 solves every point as
        a MILP with the CO2e constraint (the plain epsilon-constraint method).

    Returns
    -------
    ParetoFront
        Empty, with a message, when the problem has no feasible solution.
    """
    if n_points < 2:
        raise ValueError(f"n_points must be at least 2, not {n_points}")
    park = build_model(problem, extra_constraints)
    if park.cost is None:
        return ParetoFront((), "nothing to choose: the problem has no link and no asset")
    search = _Search(park, mip_gap, threads, time_limit_s)
    cheapest = search.weighted(0.0)
    if not cheapest.has_solution:
        return ParetoFront((), cheapest.message, search.solves)
    cleanest = search.cleanest()
    e_hi = _co2e(cheapest)
    e_lo = _co2e(cleanest) if cleanest.has_solution else e_hi
    first = _point(None, cheapest, cheapest.mip_gap, "cheapest")
    if e_hi - e_lo <= _tolerance(e_hi):
        message = "the cheapest park already has the least emissions"
        return ParetoFront((first,), message, search.solves)
    caps = [e_hi - k * (e_hi - e_lo) / (n_points - 1) for k in range(1, n_points)]
    methods = {}
    for eps in caps:
        methods[eps] = "lagrangian"
        for _ in range(weights_per_point):
            weight = None if search.closed(eps) else search.next_weight(eps)
            if weight is None:
                break
            search.weighted(weight)
        if not search.closed(eps):
            search.constrained(eps)
            methods[eps] = "milp"
    points = [first]
    for eps in caps:
        best = search.best(eps)
        if best is not None:
            points.append(_point(eps, best, search.gap(eps), methods[eps]))
    return ParetoFront(tuple(points), "", search.solves)


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    if high - low <= 0:
        return (start + end) / 2
    return start + (value - low) / (high - low) * (end - start)


def pareto_svg(points: tuple[ParetoPoint, ...], width: int = 640, height: int = 400) -> str:
    """A dependency-free SVG chart of cost [EUR/yr] against CO2e [t/yr].

    Examples
    --------
    >>> pareto_svg(()).startswith("<svg")
    True
    """
    left, right, top, bottom = 90.0, 20.0, 20.0, 50.0
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Pareto front: cost against CO2e">'
    )
    parts = [head, '<rect width="100%" height="100%" fill="white"/>']
    x0, x1, y0, y1 = left, width - right, height - bottom, top
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="black"/>')
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="black"/>')
    parts.append(
        f'<text x="{(x0 + x1) / 2}" y="{height - 12}" text-anchor="middle" '
        'font-size="13">CO2e [t/yr]</text>'
    )
    parts.append(
        f'<text x="16" y="{(y0 + y1) / 2}" text-anchor="middle" font-size="13" '
        f'transform="rotate(-90 16 {(y0 + y1) / 2})">cost [EUR/yr]</text>'
    )
    if points:
        xs = [p.co2e_t_per_yr for p in points]
        ys = [p.cost_eur_per_yr for p in points]
        coords = [
            (_scale(x, min(xs), max(xs), x0, x1), _scale(y, min(ys), max(ys), y0, y1))
            for x, y in zip(xs, ys, strict=True)
        ]
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f77b4" stroke-width="2"/>')
        for (cx, cy), x, y in zip(coords, xs, ys, strict=True):
            label = escape(f"{x:,.1f} t/yr, {y:,.0f} EUR/yr")
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="#1f77b4">'
                f"<title>{label}</title></circle>"
            )
        for value, cx in ((min(xs), x0), (max(xs), x1)):
            parts.append(
                f'<text x="{cx}" y="{y0 + 16}" text-anchor="middle" font-size="11">'
                f"{value:,.0f}</text>"
            )
        for value, cy in ((min(ys), y0), (max(ys), y1)):
            parts.append(
                f'<text x="{x0 - 6}" y="{cy + 4}" text-anchor="end" font-size="11">'
                f"{value:,.0f}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def pareto_figure(points: tuple[ParetoPoint, ...]) -> Any | None:
    """A plotly figure of the front when plotly is installed, else None (use the SVG)."""
    try:
        go = importlib.import_module("plotly.graph_objects")
    except ImportError:
        return None
    figure = go.Figure(
        go.Scatter(
            x=[p.co2e_t_per_yr for p in points],
            y=[p.cost_eur_per_yr for p in points],
            mode="lines+markers",
        )
    )
    figure.update_layout(xaxis_title="CO2e [t/yr]", yaxis_title="cost [EUR/yr]")
    return figure
