"""A park's pathway to climate neutrality: target trajectory, actions, emissions and the gap.

Everything here is arithmetic on figures the caller gives; nothing is estimated. The chain is

1. a :class:`Target`: the baseline (year and t CO2e of the park's scope 1 + 2 inventory) and
   milestones ``(year, reduction share vs baseline)``; a share of 1.0 is net zero;
2. a :class:`Scenario`: :class:`Action` items (toolbox measures, implemented synergies, shared
   renewables), each with a yearly abatement, a linear ramp and the source of its number, and
   an optional :class:`Background` change (e.g. grid decarbonisation) given explicitly;
3. :func:`pathway`: per year the baseline, the abatement by kind, the resulting emissions, the
   target and the gap; :func:`compare` runs several scenarios against one target.

Notes
-----
Target trajectory, linear between the baseline year (share 0) and each milestone, held at the
last milestone's share afterwards::

    share(y)  = s_i + (s_{i+1} - s_i) x (y - y_i) / (y_{i+1} - y_i)     for y_i <= y <= y_{i+1}
    target(y) = B x (1 - share(y))

Action ramp (start year a, full-effect year f; a step at a when f = a)::

    r(y) = 0 for y < a;  (y - a) / (f - a) for a <= y < f;  1 for y >= f
    abated(y) = r(y) x A        (A: the action's abatement [t CO2e/yr])

Emissions, never below zero; what the actions abate beyond the remaining emissions is reported
as ``surplus`` and is neither subtracted as negative emissions nor carried to another year::

    E(y)   = max(0, B - G(y) - sum abated(y))       (G: background reduction [t CO2e/yr])
    gap(y) = E(y) - target(y)                        (> 0: short of the target)

The baseline B is held constant: growth or decline of activity enters only through the
background change, which the caller states with its source.

Examples
--------
Baseline 1,000 t CO2e in 2020, -55 % by 2030; one 100 t/yr action ramping 2024 -> 2026:

>>> target = Target(2020, 1000.0, ((2030, 0.55),))
>>> target.tco2e(2025)
725.0
>>> action = Action("measure", "led", "LED lighting", 2024, 2026, 100.0, "user entry")
>>> result = pathway(target, Scenario("plan", (action,)), range(2020, 2031))
>>> result.year(2025).abated_tco2e["measure"], result.year(2025).emissions_tco2e
(50.0, 950.0)
>>> round(result.year(2025).gap_tco2e, 6)
225.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Final, Literal

from parkloop.errors import ParkloopError

ActionKind = Literal["measure", "synergy", "renewable"]
KINDS: tuple[ActionKind, ...] = ("measure", "synergy", "renewable")
Case = Literal["low", "central", "high"]
CASES: tuple[Case, ...] = ("low", "central", "high")
#: Rounding allowance when comparing emissions with the target [t CO2e].
TOLERANCE_T: Final = 1e-6

#: The EU's two climate goals, used when a park sets no milestones of its own: a net reduction
#: of at least 55 % by 2030 and climate neutrality by 2050. The EU measures the 2030 goal
#: against 1990; a park pathway measures every milestone against the park's own baseline year.
#: Regulation (EU) 2021/1119 ("European Climate Law"), Art. 2(1) and Art. 4(1), OJ L 243,
#: 9.7.2021, p. 1-17, http://data.europa.eu/eli/reg/2021/1119/oj
EU_CLIMATE_LAW_MILESTONES: Final[tuple[tuple[int, float], ...]] = ((2030, 0.55), (2050, 1.0))


class PathwayError(ParkloopError, ValueError):
    """A target, action, scenario or scenario file is invalid; the message says how to fix it."""

    code = "invalid_pathway"


class DuplicateActionError(PathwayError):
    """The same measure, synergy or renewable appears twice in one scenario."""

    code = "duplicate_action"


def _finite(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PathwayError(f"{what}: {value!r} is not a finite number")
    return float(value)


def _year(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PathwayError(f"{what}: {value!r} is not a year; give a whole number such as 2030")
    return value


def linear_share(points: Sequence[tuple[int, float]], year: int) -> float:
    """Piecewise-linear value of ``points`` ``(year, value)`` at ``year``, held past the ends.

    Examples
    --------
    >>> linear_share(((2020, 0.0), (2030, 0.55), (2045, 1.0)), 2025)
    0.275
    >>> linear_share(((2020, 0.0), (2030, 0.55)), 2040)
    0.55
    """
    if year <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in pairwise(points):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return points[-1][1]


def ramp_share(start_year: int, full_year: int, year: int) -> float:
    """Share [-] of an action's full effect reached in ``year`` (linear from start to full).

    Examples
    --------
    >>> [ramp_share(2024, 2026, y) for y in (2023, 2024, 2025, 2026, 2030)]
    [0.0, 0.0, 0.5, 1.0, 1.0]
    >>> ramp_share(2024, 2024, 2024)
    1.0
    """
    if year < start_year:
        return 0.0
    if year >= full_year:
        return 1.0
    return (year - start_year) / (full_year - start_year)


@dataclass(frozen=True)
class Target:
    """The park's baseline and its milestones ``(year, reduction share vs baseline)``.

    Parameters
    ----------
    baseline_year : int
        Year of the baseline inventory.
    baseline_tco2e : float
        Scope 1 + 2 of the park in the baseline year [t CO2e].
    milestones : sequence of (int, float)
        Years after the baseline year, strictly increasing, with the reduction share they
        require (0 < share <= 1, never falling); 1.0 is net zero.
    """

    baseline_year: int
    baseline_tco2e: float
    milestones: tuple[tuple[int, float], ...]

    def __post_init__(self) -> None:
        base = _year(self.baseline_year, "target: baseline year")
        if _finite(self.baseline_tco2e, "target: baseline t CO2e") < 0:
            raise PathwayError(f"target: baseline {self.baseline_tco2e!r} t CO2e is below zero")
        if not self.milestones:
            raise PathwayError("target: give at least one milestone (year, reduction share)")
        checked: list[tuple[int, float]] = []
        previous_year, previous_share = base, 0.0
        for year, share in self.milestones:
            what = f"target: milestone {year!r}"
            _year(year, what)
            value = _finite(share, f"{what}, share")
            if year <= previous_year:
                raise PathwayError(
                    f"{what}: years must be after the baseline year {base} and increasing"
                )
            if not 0.0 < value <= 1.0:
                raise PathwayError(
                    f"{what}: share {value!r} is not allowed; give a fraction in (0, 1], "
                    "e.g. 0.55 for -55 % (1.0 is net zero)"
                )
            if value < previous_share:
                raise PathwayError(
                    f"{what}: share {value} is below the earlier milestone's {previous_share}; "
                    "a target may not loosen over time"
                )
            checked.append((year, value))
            previous_year, previous_share = year, value
        object.__setattr__(self, "milestones", tuple(checked))
        object.__setattr__(self, "baseline_tco2e", float(self.baseline_tco2e))

    @property
    def net_zero_year(self) -> int | None:
        """The first milestone year with a reduction share of 1.0, or ``None``."""
        return next((year for year, share in self.milestones if share >= 1.0), None)

    @property
    def last_year(self) -> int:
        """The last milestone year."""
        return self.milestones[-1][0]

    def share(self, year: int) -> float:
        """Reduction share [-] the target requires in ``year`` (linear between milestones)."""
        if year < self.baseline_year:
            raise PathwayError(
                f"year {year} is before the baseline year {self.baseline_year}; "
                "a pathway starts at its baseline"
            )
        return linear_share(((self.baseline_year, 0.0), *self.milestones), year)

    def tco2e(self, year: int) -> float:
        """Emissions [t CO2e] the target allows in ``year``: baseline x (1 - share)."""
        return self.baseline_tco2e * (1.0 - self.share(year))


@dataclass(frozen=True)
class Action:
    """One measure, synergy or renewable with its yearly abatement and where it comes from.

    ``tco2e_per_yr`` is the full-effect abatement [t CO2e/yr] (negative when the action adds
    emissions, as a synergy with a long haul may); ``low_tco2e_per_yr`` and
    ``high_tco2e_per_yr`` are optional ends of its range. ``source`` says where the number
    came from (the recommender, the impact accounting, or a user entry and its basis).
    """

    kind: ActionKind
    id: str
    label: str
    start_year: int
    full_year: int
    tco2e_per_yr: float
    source: str
    low_tco2e_per_yr: float | None = None
    high_tco2e_per_yr: float | None = None

    def __post_init__(self) -> None:
        what = f"action {self.kind}:{self.id}"
        if self.kind not in KINDS:
            raise PathwayError(f"{what}: unknown kind {self.kind!r}; choose one of {KINDS}")
        if not self.id.strip():
            raise PathwayError(f"action {self.label!r}: give an id (the measure or synergy id)")
        _year(self.start_year, f"{what}: start year")
        _year(self.full_year, f"{what}: full-effect year")
        if self.full_year < self.start_year:
            raise PathwayError(
                f"{what}: full-effect year {self.full_year} is before the start year "
                f"{self.start_year}; use the start year for an action that acts at once"
            )
        value = _finite(self.tco2e_per_yr, f"{what}: t CO2e/yr")
        low = value if self.low_tco2e_per_yr is None else self.low_tco2e_per_yr
        high = value if self.high_tco2e_per_yr is None else self.high_tco2e_per_yr
        if not _finite(low, f"{what}: low") <= value <= _finite(high, f"{what}: high"):
            raise PathwayError(f"{what}: needs low <= value <= high, got {low}, {value}, {high}")
        if not self.source.strip():
            raise PathwayError(f"{what}: say where its number comes from (source)")

    @property
    def key(self) -> str:
        """``kind:id``, unique within a scenario."""
        return f"{self.kind}:{self.id}"

    def value(self, case: Case = "central") -> float:
        """The full-effect abatement [t CO2e/yr] of ``case``."""
        if case == "low" and self.low_tco2e_per_yr is not None:
            return self.low_tco2e_per_yr
        if case == "high" and self.high_tco2e_per_yr is not None:
            return self.high_tco2e_per_yr
        return self.tco2e_per_yr

    def abated_tco2e(self, year: int, case: Case = "central") -> float:
        """Abatement [t CO2e] in ``year``: the ramp share x the full-effect value."""
        return ramp_share(self.start_year, self.full_year, year) * self.value(case)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "label": self.label,
            "start_year": self.start_year,
            "full_year": self.full_year,
            "tco2e_per_yr": self.tco2e_per_yr,
            "low_tco2e_per_yr": self.low_tco2e_per_yr,
            "high_tco2e_per_yr": self.high_tco2e_per_yr,
            "source": self.source,
        }


@dataclass(frozen=True)
class Background:
    """A change of the park's emissions that no action causes, given explicitly with a source.

    ``points`` are ``(year, t CO2e/yr below the baseline)``, strictly increasing in year:
    positive lowers emissions (e.g. a cleaner grid), negative raises them (e.g. growth).
    The change is zero before the first point, linear between points and held after the last.
    """

    points: tuple[tuple[int, float], ...]
    source: str
    label: str = "background change"

    def __post_init__(self) -> None:
        if not self.points:
            raise PathwayError("background: give at least one (year, t CO2e) point")
        if not self.source.strip():
            raise PathwayError("background: say where the figures come from (source)")
        checked: list[tuple[int, float]] = []
        for year, tonnes in self.points:
            _year(year, "background: year")
            if checked and year <= checked[-1][0]:
                raise PathwayError(f"background: year {year} repeats or is out of order")
            checked.append((year, _finite(tonnes, f"background {year}: t CO2e")))
        object.__setattr__(self, "points", tuple(checked))

    def reduction_tco2e(self, year: int) -> float:
        """Reduction [t CO2e] below the baseline in ``year``."""
        if year < self.points[0][0]:
            return 0.0
        return linear_share(self.points, year)

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "source": self.source,
            "points": [{"year": y, "tco2e": t} for y, t in self.points],
        }


def check_unique(actions: Iterable[Action], scenario: str) -> None:
    """Refuse an action key (``kind:id``) that appears twice: it would be counted twice.

    Raises
    ------
    DuplicateActionError
        Naming the key and how to fix the scenario.
    """
    seen: dict[str, Action] = {}
    for action in actions:
        if action.key in seen:
            raise DuplicateActionError(
                f"scenario {scenario!r}: {action.key} appears twice ({seen[action.key].label!r} "
                f"and {action.label!r}); its abatement would be counted twice. Keep one entry "
                "(to change a figure of the default scenario, drop 'extends: default' and list "
                "the actions you want)"
            )
        seen[action.key] = action


@dataclass(frozen=True)
class Scenario:
    """A named set of actions, with an optional background change and notes."""

    name: str
    actions: tuple[Action, ...] = ()
    background: Background | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise PathwayError("scenario: give it a name")
        object.__setattr__(self, "actions", tuple(self.actions))
        check_unique(self.actions, self.name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "actions": [a.as_dict() for a in self.actions],
            "background": None if self.background is None else self.background.as_dict(),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class PathwayYear:
    """One year of a pathway [t CO2e]. ``gap`` > 0 means short of the target."""

    year: int
    baseline_tco2e: float
    background_tco2e: float
    abated_tco2e: Mapping[ActionKind, float]
    surplus_tco2e: float
    emissions_tco2e: float
    emissions_low_tco2e: float
    emissions_high_tco2e: float
    target_tco2e: float
    gap_tco2e: float

    @property
    def total_abated_tco2e(self) -> float:
        """Abatement of all actions together [t CO2e]."""
        return math.fsum(self.abated_tco2e.values())

    @property
    def met(self) -> bool:
        """Whether emissions are at or below the target (within :data:`TOLERANCE_T`)."""
        return self.gap_tco2e <= TOLERANCE_T

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "baseline_tco2e": self.baseline_tco2e,
            "background_tco2e": self.background_tco2e,
            "abated_tco2e": dict(self.abated_tco2e),
            "surplus_tco2e": self.surplus_tco2e,
            "emissions_tco2e": self.emissions_tco2e,
            "emissions_low_tco2e": self.emissions_low_tco2e,
            "emissions_high_tco2e": self.emissions_high_tco2e,
            "target_tco2e": self.target_tco2e,
            "gap_tco2e": self.gap_tco2e,
            "met": self.met,
        }


@dataclass(frozen=True)
class Pathway:
    """A scenario's emissions year by year against the target.

    ``first_year_met`` is the first year after the baseline year in which emissions are at or
    below the target (in the baseline year the target equals the baseline, so it is skipped);
    ``met_from`` the first year from which the target is met in every later year of the span;
    ``net_zero_reached`` the first year with zero emissions.
    """

    scenario: Scenario
    target: Target
    years: tuple[PathwayYear, ...]
    first_year_met: int | None
    met_from: int | None
    net_zero_reached: int | None

    def year(self, year: int) -> PathwayYear:
        """The result of ``year``; ``KeyError`` when the span does not cover it."""
        for item in self.years:
            if item.year == year:
                return item
        raise KeyError(year)

    def milestones(self) -> tuple[PathwayYear, ...]:
        """The results of the target's milestone years within the span."""
        wanted = {year for year, _ in self.target.milestones}
        return tuple(item for item in self.years if item.year in wanted)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.as_dict(),
            "first_year_met": self.first_year_met,
            "met_from": self.met_from,
            "net_zero_reached": self.net_zero_reached,
            "milestones": [
                {"year": m.year, "gap_tco2e": m.gap_tco2e, "met": m.met} for m in self.milestones()
            ],
            "years": [y.as_dict() for y in self.years],
        }


def _years(target: Target, years: Iterable[int]) -> tuple[int, ...]:
    chosen = tuple(sorted(set(years)))
    if not chosen:
        raise PathwayError("give at least one year for the pathway")
    if chosen[0] < target.baseline_year:
        raise PathwayError(
            f"year {chosen[0]} is before the baseline year {target.baseline_year}; "
            "start the pathway at its baseline or later"
        )
    return chosen


def _emissions(baseline: float, background: float, abated: float) -> tuple[float, float]:
    """(emissions, surplus) [t CO2e]: never below zero; the rest of the abatement is surplus."""
    left = baseline - background - abated
    return max(0.0, left), max(0.0, -left)


def pathway_year(target: Target, scenario: Scenario, year: int) -> PathwayYear:
    """The pathway of ``scenario`` in one ``year`` (see the module notes for the equations)."""
    base = target.baseline_tco2e
    background = 0.0 if scenario.background is None else scenario.background.reduction_tco2e(year)
    by_kind = {
        kind: math.fsum(a.abated_tco2e(year) for a in scenario.actions if a.kind == kind)
        for kind in KINDS
    }
    emissions, surplus = _emissions(base, background, math.fsum(by_kind.values()))
    # Low emissions come with the high ends of the abatement ranges, and the other way round.
    low, _ = _emissions(
        base, background, math.fsum(a.abated_tco2e(year, "high") for a in scenario.actions)
    )
    high, _ = _emissions(
        base, background, math.fsum(a.abated_tco2e(year, "low") for a in scenario.actions)
    )
    allowed = target.tco2e(year)
    return PathwayYear(
        year=year,
        baseline_tco2e=base,
        background_tco2e=background,
        abated_tco2e=by_kind,
        surplus_tco2e=surplus,
        emissions_tco2e=emissions,
        emissions_low_tco2e=low,
        emissions_high_tco2e=high,
        target_tco2e=allowed,
        gap_tco2e=emissions - allowed,
    )


def pathway(target: Target, scenario: Scenario, years: Iterable[int]) -> Pathway:
    """Emissions of ``scenario`` year by year against ``target``, with the gap [t CO2e].

    Parameters
    ----------
    target : Target
        Baseline and milestones.
    scenario : Scenario
        Actions and background change; its actions are unique by ``kind:id``.
    years : iterable of int
        Years to compute (from the baseline year on; order and repeats do not matter).

    Returns
    -------
    Pathway
        Per year baseline, background, abatement by kind, surplus, emissions (with the range
        from the actions' low and high figures), target and gap; the first year the target is
        met, the year from which it stays met, and the first year of zero emissions.

    Raises
    ------
    PathwayError
        For no years, or a year before the baseline year.
    """
    check_unique(scenario.actions, scenario.name)
    rows = tuple(pathway_year(target, scenario, y) for y in _years(target, years))
    after = [r for r in rows if r.year > target.baseline_year]
    first = next((r.year for r in after if r.met), None)
    met_from = None
    for row in reversed(after):
        if not row.met:
            break
        met_from = row.year
    zero = next((r.year for r in rows if r.emissions_tco2e <= TOLERANCE_T), None)
    return Pathway(scenario, target, rows, first, met_from, zero)


@dataclass(frozen=True)
class Comparison:
    """Several scenarios' pathways against one target, over the same years."""

    target: Target
    pathways: tuple[Pathway, ...]
    years: tuple[int, ...] = field(default=())

    def rows(self) -> list[dict[str, Any]]:
        """Side by side per year: the target, and each scenario's emissions and gap."""
        out = []
        for index, year in enumerate(self.years):
            row: dict[str, Any] = {"year": year, "target_tco2e": self.target.tco2e(year)}
            for item in self.pathways:
                result = item.years[index]
                row[item.scenario.name] = {
                    "emissions_tco2e": result.emissions_tco2e,
                    "gap_tco2e": result.gap_tco2e,
                }
            out.append(row)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": {
                "baseline_year": self.target.baseline_year,
                "baseline_tco2e": self.target.baseline_tco2e,
                "milestones": [{"year": y, "share": s} for y, s in self.target.milestones],
                "net_zero_year": self.target.net_zero_year,
                "method": "linear between the baseline (share 0) and each milestone; "
                "held after the last",
            },
            "years": list(self.years),
            "side_by_side": self.rows(),
            "scenarios": [p.as_dict() for p in self.pathways],
        }


def compare(target: Target, scenarios: Sequence[Scenario], years: Iterable[int]) -> Comparison:
    """Pathways of several scenarios against one target, side by side.

    Raises
    ------
    PathwayError
        Without scenarios, or when two share a name.

    Examples
    --------
    >>> target = Target(2020, 1000.0, ((2030, 0.55),))
    >>> wind = Action("renewable", "wind", "Shared wind", 2022, 2022, 600.0, "user entry")
    >>> both = compare(target, [Scenario("none"), Scenario("wind", (wind,))], [2020, 2030])
    >>> [(p.scenario.name, p.first_year_met) for p in both.pathways]
    [('none', None), ('wind', 2030)]
    """
    if not scenarios:
        raise PathwayError("give at least one scenario to compare")
    names = [s.name for s in scenarios]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise PathwayError(
            f"scenario names must differ; {', '.join(map(repr, repeated))} is used twice: "
            "rename one"
        )
    chosen = _years(target, years)
    return Comparison(target, tuple(pathway(target, s, chosen) for s in scenarios), chosen)


def pathway_years(target: Target, until: int | None = None) -> range:
    """Every year from the baseline year to ``until`` (default: the last milestone year).

    Examples
    --------
    >>> list(pathway_years(Target(2020, 1.0, ((2023, 1.0),))))
    [2020, 2021, 2022, 2023]
    """
    end = target.last_year if until is None else until
    if end < target.baseline_year:
        raise PathwayError(
            f"the pathway would end in {end}, before its baseline year {target.baseline_year}"
        )
    return range(target.baseline_year, end + 1)
