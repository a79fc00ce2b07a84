"""A stored park's pathway to climate neutrality: scenarios built from its data, and files.

The default scenario holds what the park's own data support:

- implemented synergies, with their net t CO2e/yr (low, central, high) from the impact
  accounting (:func:`parkloop.services.impact.park_impact`); each starts, at full effect, in the
  year of its ``implemented`` event in the synergy's history, or in the current year when the
  history has none (a note says so). A synergy implemented before the baseline year is left
  out: its effect is already in the baseline inventory;
- recommended toolbox measures with an estimated abatement (t CO2e/yr) from
  :func:`parkloop.services.toolbox.recommend_for_park`, one action per measure (summed over the
  companies it was estimated for). The recommender gives no date: the scenario assumes each
  starts in the current year and reaches full effect in the target year, and says so;
- renewables only when the caller gives them (kind ``renewable``, with their source).

Further scenarios come from the caller or from a YAML or JSON file (see
:func:`parse_scenarios` and ``docs/ghg.md``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from parkloop.climate.factor_choice import METHODS
from parkloop.climate.pathway import (
    EU_CLIMATE_LAW_MILESTONES,
    KINDS,
    Action,
    Background,
    Comparison,
    PathwayError,
    Scenario,
    Target,
    compare,
    pathway_years,
)
from parkloop.domain.synergy import StatusChange, SynergyStatus
from parkloop.services import impact as impact_service
from parkloop.services import inventory as inventory_service
from parkloop.services import synergies as synergy_service
from parkloop.services import toolbox as toolbox_service
from parkloop.services.database import Database
from parkloop.toolbox.model import EndUseShare, Estimate

DEFAULT_NAME: Final = "default"
_ACTION_KEYS: Final = (
    "kind",
    "id",
    "label",
    "start_year",
    "full_year",
    "tco2e_per_yr",
    "low_tco2e_per_yr",
    "high_tco2e_per_yr",
    "source",
)
_REQUIRED_ACTION_KEYS: Final = ("kind", "id", "start_year", "tco2e_per_yr", "source")
_SCENARIO_KEYS: Final = ("name", "extends", "actions", "background", "notes")
_BACKGROUND_KEYS: Final = ("label", "source", "reduction_tco2e")


def implemented_year(history: Sequence[StatusChange]) -> int | None:
    """Year of the latest ``implemented`` event of a synergy's history, or ``None``."""
    years = [c.at.year for c in history if c.status is SynergyStatus.IMPLEMENTED]
    return years[-1] if years else None


def synergy_actions(
    database: Database, park: str, *, baseline_year: int | None, this_year: int
) -> tuple[list[Action], list[str]]:
    """Actions of the park's implemented synergies, and notes on how they were dated."""
    result = impact_service.park_impact(database, park, statuses=[SynergyStatus.IMPLEMENTED])
    actions: list[Action] = []
    notes: list[str] = []
    for item in result.synergies:
        synergy, _ = synergy_service.get(database, item.synergy_id)
        start = implemented_year(synergy.history)
        if start is None:
            start = this_year
            notes.append(
                f"synergy {item.synergy_id}: no 'implemented' event in its history; taken to "
                f"act from {this_year}, the current year"
            )
        if baseline_year is not None and start < baseline_year:
            notes.append(
                f"synergy {item.synergy_id}: implemented in {start}, before the baseline year "
                f"{baseline_year}; its effect is in the baseline inventory, so it is left out"
            )
            continue
        net = item.impact.co2e_net_t_per_yr
        factors = ", ".join(f.name for f in item.impact.factors_used) or "none"
        actions.append(
            Action(
                kind="synergy",
                id=str(item.synergy_id),
                label=f"synergy {item.synergy_id}: {synergy.supply_flow_id} of {item.company} "
                f"to {synergy.receiver_company_id} ({item.category})",
                start_year=start,
                full_year=start,
                tco2e_per_yr=net.central,
                low_tco2e_per_yr=net.low,
                high_tco2e_per_yr=net.high,
                source=f"impact accounting (parkloop.services.impact.park_impact): net t "
                f"CO2e/yr of synergy {item.synergy_id}, implemented {start}; factors: {factors}",
            )
        )
    if actions:
        notes.append(
            "synergy figures are consequential: they include emissions avoided outside the "
            "park's scope 1 and 2 (disposal, virgin material, fuel of another site), so against "
            "a scope 1 + 2 target they can overstate the park's own reduction"
        )
    return actions, notes


def _measure_action(
    measure_id: str, name: str, co2e: Estimate, start: int, full: int, basis: str
) -> Action:
    if co2e.central is None:
        raise PathwayError(f"{measure_id}: no central estimate to put in a pathway")
    return Action(
        kind="measure",
        id=measure_id,
        label=name,
        start_year=start,
        full_year=full,
        tco2e_per_yr=co2e.central,
        low_tco2e_per_yr=co2e.low,
        high_tco2e_per_yr=co2e.high,
        source=f"toolbox recommender (parkloop.services.toolbox.recommend_for_park), {basis}; "
        f"start in {start} and full effect in {full} assumed by the default scenario",
    )


def measure_actions(
    database: Database,
    park: str,
    target_year: int,
    *,
    this_year: int,
    end_use_shares: Sequence[EndUseShare] = (),
) -> tuple[list[Action], list[str]]:
    """Actions of the recommended measures with an estimated abatement, and notes."""
    found = toolbox_service.recommend_for_park(database, park, end_use_shares=end_use_shares)
    full = max(target_year, this_year)
    candidates: list[tuple[str, str, Estimate | None, str]] = [
        (
            t.measure_id,
            t.name,
            t.co2e_t,
            f"{found.year} energy use, t CO2e/yr summed over the {len(t.estimated)} of "
            f"{len(t.companies)} companies it was estimated for",
        )
        for t in found.totals
    ]
    candidates += [
        (r.measure_id, f"{r.name} (park)", r.co2e_t, f"{found.year} energy use of the park")
        for r in found.park_measures
    ]
    actions: list[Action] = []
    unestimated: list[str] = []
    notes: list[str] = []
    for measure_id, name, co2e, basis in candidates:
        if co2e is None or co2e.is_empty():
            unestimated.append(measure_id)
        elif co2e.central is None:
            notes.append(
                f"{measure_id}: estimated at {co2e.describe()} t CO2e/yr, a range without a "
                "central value; not in the pathway (add it to a scenario file with the value "
                "the park chooses and its basis)"
            )
        else:
            actions.append(_measure_action(measure_id, name, co2e, this_year, full, basis))
    if unestimated:
        notes.append(
            f"{len(unestimated)} recommended measures have no estimated t CO2e/yr and are not "
            f"in the pathway ({', '.join(unestimated)}); `parkloop toolbox recommend` names "
            "what each lacks (often a sourced end-use share)"
        )
    if actions:
        notes.append(
            "measure totals are not corrected for overlaps between measures acting on the same "
            "end use, nor with synergies replacing the same fuel"
        )
    return actions, notes


def default_scenario(
    database: Database,
    park: str,
    target_year: int,
    *,
    baseline_year: int | None = None,
    end_use_shares: Sequence[EndUseShare] = (),
    renewables: Sequence[Action] = (),
    today: dt.date | None = None,
    name: str = DEFAULT_NAME,
) -> Scenario:
    """Implemented synergies + recommended measures with an estimated abatement + renewables.

    Parameters
    ----------
    database : Database
        The store.
    park : str
        Name of the park.
    target_year : int
        Year by which recommended measures reach full effect (they start this year).
    baseline_year : int, optional
        Synergies implemented before it are left out (already in the baseline).
    end_use_shares : sequence of EndUseShare
        Sourced end-use shares for the recommender; without them most measures have no MWh
        and so no t CO2e.
    renewables : sequence of Action
        Shared renewables the park plans (kind ``renewable``), with their sources.
    today : datetime.date, optional
        The current date (for tests); today by default.
    name : str
        The scenario's name.

    Raises
    ------
    NotFound
        When the park does not exist.
    PathwayError
        For a renewable of another kind, or a repeated id.
    """
    this_year = (today or dt.date.today()).year
    for action in renewables:
        if action.kind != "renewable":
            raise PathwayError(
                f"{action.key}: renewables must have kind 'renewable'; add measures and "
                "synergies through the toolbox and the synergy pipeline"
            )
    synergies, synergy_notes = synergy_actions(
        database, park, baseline_year=baseline_year, this_year=this_year
    )
    measures, measure_notes = measure_actions(
        database, park, target_year, this_year=this_year, end_use_shares=end_use_shares
    )
    notes = [*synergy_notes, *measure_notes]
    if not renewables:
        notes.append("no renewables: give them in a scenario file (kind: renewable)")
    return Scenario(name, (*synergies, *measures, *renewables), notes=tuple(notes))


# --- Scenario files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioSpec:
    """A scenario read from a file; ``extends_default`` adds the default scenario's actions."""

    scenario: Scenario
    extends_default: bool = False


def _mapping(value: Any, where: str, allowed: Sequence[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PathwayError(f"{where}: expected a mapping with keys {', '.join(allowed)}")
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise PathwayError(
            f"{where}: unknown key {', '.join(unknown)}; allowed: {', '.join(allowed)}"
        )
    return value


def _int(value: Any, where: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PathwayError(f"{where}: {value!r} is not a year; write a whole number such as 2030")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PathwayError(f"{where}: {value!r} is not a number of t CO2e")
    return float(value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PathwayError(f"{where}: give a non-empty text")
    return value


def _action(entry: Any, where: str) -> Action:
    item = _mapping(entry, where, _ACTION_KEYS)
    missing = [k for k in _REQUIRED_ACTION_KEYS if k not in item]
    if missing:
        raise PathwayError(f"{where}: missing {', '.join(missing)}")
    kind = item["kind"]
    if kind not in KINDS:
        raise PathwayError(f"{where}, field 'kind': {kind!r}; choose one of {', '.join(KINDS)}")
    start = _int(item["start_year"], f"{where}, field 'start_year'")
    optional = {
        key: _number(item[key], f"{where}, field {key!r}")
        for key in ("low_tco2e_per_yr", "high_tco2e_per_yr")
        if item.get(key) is not None
    }
    ident = str(item["id"])
    try:
        return Action(
            kind=kind,
            id=ident,
            label=_text(item.get("label", ident), f"{where}, field 'label'"),
            start_year=start,
            full_year=_int(item.get("full_year", start), f"{where}, field 'full_year'"),
            tco2e_per_yr=_number(item["tco2e_per_yr"], f"{where}, field 'tco2e_per_yr'"),
            source=_text(item["source"], f"{where}, field 'source'"),
            **optional,
        )
    except PathwayError as exc:
        raise PathwayError(f"{where}: {exc}") from None


def _background(entry: Any, where: str) -> Background:
    item = _mapping(entry, where, _BACKGROUND_KEYS)
    points = item.get("reduction_tco2e")
    if not isinstance(points, Mapping) or not points:
        raise PathwayError(f"{where}: give reduction_tco2e as year: t CO2e below the baseline")
    pairs = sorted(
        (_int(year, f"{where}, year {year!r}"), _number(t, f"{where}, year {year!r}"))
        for year, t in points.items()
    )
    try:
        return Background(
            tuple(pairs),
            _text(item.get("source"), f"{where}, field 'source'"),
            str(item.get("label", "background change")),
        )
    except PathwayError as exc:
        raise PathwayError(f"{where}: {exc}") from None


def _spec(entry: Any, where: str) -> ScenarioSpec:
    item = _mapping(entry, where, _SCENARIO_KEYS)
    name = _text(item.get("name"), f"{where}, field 'name'")
    where = f"{where} ({name})"
    extends = item.get("extends")
    if extends not in (None, DEFAULT_NAME):
        raise PathwayError(f"{where}, field 'extends': {extends!r}; only 'default' is known")
    actions = item.get("actions") or []
    if not isinstance(actions, list):
        raise PathwayError(f"{where}, field 'actions': expected a list")
    notes = item.get("notes") or []
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise PathwayError(f"{where}, field 'notes': expected a list of texts")
    background = item.get("background")
    return ScenarioSpec(
        Scenario(
            name,
            tuple(_action(a, f"{where}, action {i}") for i, a in enumerate(actions, start=1)),
            None if background is None else _background(background, f"{where}, background"),
            tuple(notes),
        ),
        extends_default=extends == DEFAULT_NAME,
    )


def parse_scenarios(document: Any, where: str = "scenario file") -> tuple[ScenarioSpec, ...]:
    """Scenarios of a parsed YAML or JSON document ``{"scenarios": [...]}``.

    Raises
    ------
    PathwayError
        Naming the scenario, action and field that is wrong and what is allowed.

    Examples
    --------
    >>> doc = {"scenarios": [{"name": "wind", "actions": [{"kind": "renewable", "id": "w1",
    ...     "start_year": 2027, "tco2e_per_yr": 500, "source": "feasibility study 2025"}]}]}
    >>> (spec,) = parse_scenarios(doc)
    >>> spec.scenario.actions[0].key, spec.scenario.actions[0].full_year
    ('renewable:w1', 2027)
    """
    top = _mapping(document, where, ("scenarios",))
    entries = top.get("scenarios")
    if not isinstance(entries, list) or not entries:
        raise PathwayError(f"{where}: 'scenarios' must be a non-empty list")
    return tuple(_spec(e, f"{where}, scenario {i}") for i, e in enumerate(entries, start=1))


def read_scenarios(path: Path) -> tuple[ScenarioSpec, ...]:
    """Scenarios of a ``.yaml``, ``.yml`` or ``.json`` file (see :func:`parse_scenarios`)."""
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise PathwayError(f"{path}: give a .yaml, .yml or .json scenario file")
    try:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except OSError as exc:
        raise PathwayError(f"{path}: cannot read it ({exc.strerror})") from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PathwayError(f"{path}: not valid {suffix[1:].upper()}: {exc}") from None
    return parse_scenarios(document, str(path))


def _merge(spec: ScenarioSpec, default: Scenario) -> Scenario:
    if not spec.extends_default:
        return spec.scenario
    own = spec.scenario
    return Scenario(
        own.name,
        (*default.actions, *own.actions),
        own.background or default.background,
        (*default.notes, *own.notes),
    )


# --- The park's pathway ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParkPathway:
    """A park's target and scenarios side by side, with its inventory totals and notes."""

    park: str
    method: str
    comparison: Comparison
    inventory_tco2e: Mapping[int, float]
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "park": self.park,
            "method": self.method,
            **self.comparison.as_dict(),
            "inventory_tco2e": {str(y): t for y, t in self.inventory_tco2e.items()},
            "notes": list(self.notes),
        }


def _target_year(milestones: Sequence[tuple[int, float]], this_year: int) -> int:
    later = [year for year, _ in milestones if year >= this_year]
    return later[0] if later else milestones[-1][0]


def park_pathway(
    database: Database,
    park: str,
    milestones: Sequence[tuple[int, float]] | None = None,
    scenarios: Sequence[Scenario] | None = None,
    *,
    scenario_files: Sequence[Path] = (),
    include_default: bool = True,
    method: str = "location",
    baseline_year: int | None = None,
    until: int | None = None,
    end_use_shares: Sequence[EndUseShare] = (),
    today: dt.date | None = None,
) -> ParkPathway:
    """The park's pathway: target from its inventory, and scenarios compared year by year.

    Parameters
    ----------
    database : Database
        The store.
    park : str
        Name of the park.
    milestones : sequence of (year, reduction share), optional
        The park's target; the EU's 2030 and 2050 goals
        (:data:`~parkloop.climate.pathway.EU_CLIMATE_LAW_MILESTONES`) when not given.
    scenarios : sequence of Scenario, optional
        Scenarios of the caller, compared after the default one.
    scenario_files : sequence of Path
        YAML or JSON scenario files (:func:`parse_scenarios`).
    include_default : bool
        Whether the default scenario (:func:`default_scenario`) comes first.
    method : {"location", "market"}
        Scope 2 method of the baseline inventory.
    baseline_year : int, optional
        Year of the baseline; the inventory's earliest year by default.
    until : int, optional
        Last year of the pathway; the last milestone year by default.
    end_use_shares : sequence of EndUseShare
        Passed to the recommender for the default scenario.
    today : datetime.date, optional
        The current date (for tests).

    Raises
    ------
    NotFound
        When the park does not exist.
    PathwayError
        Without energy data (no baseline), for an unknown method, an invalid target, scenario
        or file, or no scenario at all.
    """
    if method not in METHODS:
        raise PathwayError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    this_year = (today or dt.date.today()).year
    inventory = inventory_service.park_inventory(database, park, baseline_year=baseline_year)
    base = inventory.baseline
    if base is None or inventory.baseline_year is None:
        raise PathwayError(
            f"park {park!r} has no energy use to take a baseline from; import an energy sheet "
            "(see `parkloop inventory`)"
        )
    target = Target(
        inventory.baseline_year,
        base.totals.total_tco2e(method),
        tuple(milestones or EU_CLIMATE_LAW_MILESTONES),
    )
    notes = [
        f"baseline: scope 1 + 2 of {inventory.baseline_year} from the GHG inventory, scope 2 "
        f"{method}-based, GWP100 {inventory.gwp.upper()}; held constant in later years",
        *base.coverage_notes,
    ]
    if milestones is None:
        notes.append(
            "no milestones given: the EU's goals (-55 % by 2030, net zero by 2050; Regulation "
            "(EU) 2021/1119) applied to the park's own baseline; give the park's own targets"
        )
    gaps = [g for g in base.gaps if method in g.methods]
    if gaps:
        notes.append(
            f"the baseline leaves out {len(gaps)} energy rows without a factor "
            f"({sum(g.mwh for g in gaps):,.0f} MWh); see `parkloop inventory`"
        )
    latest = inventory.years[-1] if inventory.years else base
    if len(latest.companies) != len(base.companies):
        notes.append(
            f"the baseline year {inventory.baseline_year} has energy rows for "
            f"{len(base.companies)} companies, {latest.year} for {len(latest.companies)}: "
            "choose a baseline year that covers the park"
        )
    chosen: list[Scenario] = []
    default: Scenario | None = None
    specs = [spec for path in scenario_files for spec in read_scenarios(path)]
    if include_default or any(s.extends_default for s in specs):
        default = default_scenario(
            database,
            park,
            _target_year(target.milestones, this_year),
            baseline_year=inventory.baseline_year,
            end_use_shares=end_use_shares,
            today=today,
        )
    if include_default and default is not None:
        chosen.append(default)
    chosen.extend(scenarios or ())
    for spec in specs:
        chosen.append(_merge(spec, default) if default is not None else spec.scenario)
    if not chosen:
        raise PathwayError("no scenario to compute: keep the default one or give a scenario")
    comparison = compare(target, chosen, pathway_years(target, until))
    totals = {y.year: y.totals.total_tco2e(method) for y in inventory.years}
    name = inventory.park or park
    return ParkPathway(name, method, comparison, totals, tuple(dict.fromkeys(notes)))
