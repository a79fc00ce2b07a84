"""The municipal guide: sourced steps loaded from YAML, and a park's progress through them.

The guide is shipped as ``reference/data/guide.yaml``. Each step has a purpose, concrete
actions, outputs, the platform features that help, a "done when" checklist of yes/no items and
the sources it draws on. :func:`load_guide` validates the file and raises
:class:`~parkloop.errors.ReferenceDataError` naming the step and field at fault;
:func:`progress` turns the ticked checklist items of a park into shares and the current step.

Examples
--------
>>> guide = load_guide()
>>> [step.id for step in guide.steps][:3]
['governance', 'baseline', 'engagement']
>>> p = progress(guide, {"governance": {"steering_group", "area_manager"}})
>>> p.current_step, p.steps[0].done_count, p.steps[0].total
('governance', 2, 4)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import yaml

from parkloop.errors import NotFound, ReferenceDataError

GuidePath = str | os.PathLike[str] | Traversable
Language = Literal["en", "sv", "pl"]

#: Platform features a step may name, with the label shown to users.
FEATURES: Mapping[str, str] = {
    "workbook_import": "park workbook import",
    "matching": "matching and match inbox",
    "workshop_mode": "workshop mode",
    "synergy_pipeline": "synergy pipeline",
    "ghg_inventory": "GHG inventory",
    "toolbox_recommender": "toolbox recommender",
    "impact_accounting": "impact accounting",
    "certification_self_assessment": "certification self-assessment",
    "park_report": "park report",
}

#: Allowed number of entries (inclusive) in the list fields of a step.
ACTIONS_RANGE = (3, 6)
DONE_WHEN_RANGE = (2, 5)

_STEP_TEXT_FIELDS = ("id", "title", "title_sv", "title_pl", "purpose")


@dataclass(frozen=True)
class GuideSource:
    """A bibliography entry: citation, URL and year (``None`` for an undated page)."""

    key: str
    citation: str
    url: str
    year: int | None
    note: str | None = None


@dataclass(frozen=True)
class SourceRef:
    """A step's reference to a source and the part of it the step draws on."""

    key: str
    section: str


@dataclass(frozen=True)
class CheckItem:
    """One "done when" item, answered yes or no; ``id`` is unique within its step."""

    id: str
    text: str


@dataclass(frozen=True)
class Step:
    """One step of the guide."""

    id: str
    title: str
    title_sv: str
    title_pl: str
    purpose: str
    actions: tuple[str, ...]
    outputs: tuple[str, ...]
    features: tuple[str, ...]
    done_when: tuple[CheckItem, ...]
    sources: tuple[SourceRef, ...]

    def title_in(self, language: Language) -> str:
        """The step title in English (``en``), Swedish (``sv``) or Polish (``pl``)."""
        return {"en": self.title, "sv": self.title_sv, "pl": self.title_pl}[language]

    @property
    def feature_labels(self) -> tuple[str, ...]:
        return tuple(FEATURES[f] for f in self.features)


@dataclass(frozen=True)
class Guide:
    """The whole guide: metadata, bibliography and steps in order."""

    id: str
    name: str
    version: str
    year: int
    licence: str
    description: str
    sources: Mapping[str, GuideSource]
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step:
        """The step with this id; :class:`~parkloop.errors.NotFound` if there is none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        known = ", ".join(s.id for s in self.steps)
        raise NotFound(f"the guide has no step {step_id!r}; steps are {known}")


# --- loading -------------------------------------------------------------------------------


def _fail(filename: str, where: str, field: str, problem: str) -> ReferenceDataError:
    return ReferenceDataError(f"{filename}: {where}, field {field!r}: {problem}")


def _text(filename: str, where: str, field: str, raw: Any) -> str:
    """A non-empty string, whitespace folded (YAML ``>-`` blocks may keep line breaks)."""
    if not isinstance(raw, str) or not raw.strip():
        raise _fail(filename, where, field, f"expected non-empty text, got {raw!r}")
    return " ".join(raw.split())


def _texts(
    filename: str, where: str, field: str, raw: Any, bounds: tuple[int, int] | None = None
) -> tuple[str, ...]:
    """A list of non-empty strings, optionally with a length in ``bounds`` (inclusive)."""
    if not isinstance(raw, list) or not raw:
        raise _fail(filename, where, field, f"expected a non-empty list, got {raw!r}")
    items = tuple(_text(filename, where, f"{field}[{i}]", item) for i, item in enumerate(raw))
    if bounds is not None and not bounds[0] <= len(items) <= bounds[1]:
        raise _fail(
            filename,
            where,
            field,
            f"has {len(items)} entries; between {bounds[0]} and {bounds[1]} are allowed",
        )
    return items


def _year(filename: str, where: str, raw: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _fail(filename, where, "year", f"expected a year or null, got {raw!r}")
    return raw


def _source(filename: str, key: str, raw: Any) -> GuideSource:
    where = f"source {key!r}"
    if not isinstance(raw, dict):
        raise _fail(filename, where, "citation", "the entry must be a mapping")
    note = raw.get("note")
    return GuideSource(
        key=key,
        citation=_text(filename, where, "citation", raw.get("citation")),
        url=_text(filename, where, "url", raw.get("url")),
        year=_year(filename, where, raw.get("year")),
        note=_text(filename, where, "note", note) if note is not None else None,
    )


def _features(filename: str, where: str, raw: Any) -> tuple[str, ...]:
    names = _texts(filename, where, "features", raw)
    for name in names:
        if name not in FEATURES:
            raise _fail(
                filename,
                where,
                "features",
                f"unknown platform feature {name!r}; use one of {', '.join(FEATURES)}",
            )
    if len(set(names)) != len(names):
        raise _fail(filename, where, "features", "lists a feature twice")
    return names


def _done_when(filename: str, where: str, raw: Any) -> tuple[CheckItem, ...]:
    low, high = DONE_WHEN_RANGE
    if not isinstance(raw, list) or not low <= len(raw) <= high:
        count = len(raw) if isinstance(raw, list) else raw
        raise _fail(
            filename,
            where,
            "done_when",
            f"expected a list of {low} to {high} checklist items, got {count!r}",
        )
    items: list[CheckItem] = []
    for i, entry in enumerate(raw):
        field = f"done_when[{i}]"
        if not isinstance(entry, dict):
            raise _fail(filename, where, field, "each item needs an id and a text")
        item_id = _text(filename, where, f"{field}.id", entry.get("id"))
        if any(item.id == item_id for item in items):
            raise _fail(filename, where, f"{field}.id", f"duplicate checklist id {item_id!r}")
        items.append(CheckItem(item_id, _text(filename, where, f"{field}.text", entry.get("text"))))
    return tuple(items)


def _source_refs(
    filename: str, where: str, raw: Any, sources: Mapping[str, GuideSource]
) -> tuple[SourceRef, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(filename, where, "sources", "every step must cite at least one source")
    refs: list[SourceRef] = []
    for i, entry in enumerate(raw):
        field = f"sources[{i}]"
        if not isinstance(entry, dict):
            raise _fail(filename, where, field, "each reference needs a key and a section")
        key = _text(filename, where, f"{field}.key", entry.get("key"))
        if key not in sources:
            raise _fail(
                filename,
                where,
                f"{field}.key",
                f"source {key!r} is not in the file's sources; known: {', '.join(sources)}",
            )
        refs.append(
            SourceRef(key, _text(filename, where, f"{field}.section", entry.get("section")))
        )
    return tuple(refs)


def _step(filename: str, index: int, raw: Any, sources: Mapping[str, GuideSource]) -> Step:
    if not isinstance(raw, dict):
        raise _fail(filename, f"step #{index + 1}", "id", "each step must be a mapping")
    step_id = _text(filename, f"step #{index + 1}", "id", raw.get("id"))
    where = f"step {step_id!r}"
    texts = {name: _text(filename, where, name, raw.get(name)) for name in _STEP_TEXT_FIELDS}
    return Step(
        id=texts["id"],
        title=texts["title"],
        title_sv=texts["title_sv"],
        title_pl=texts["title_pl"],
        purpose=texts["purpose"],
        actions=_texts(filename, where, "actions", raw.get("actions"), ACTIONS_RANGE),
        outputs=_texts(filename, where, "outputs", raw.get("outputs")),
        features=_features(filename, where, raw.get("features")),
        done_when=_done_when(filename, where, raw.get("done_when")),
        sources=_source_refs(filename, where, raw.get("sources"), sources),
    )


def parse_guide(document: Any, filename: str = "guide.yaml") -> Guide:
    """Validate a parsed guide document and build the :class:`Guide`.

    Parameters
    ----------
    document : Any
        The YAML document as loaded by ``yaml.safe_load``.
    filename : str
        Name used in error messages.

    Raises
    ------
    ReferenceDataError
        With the step (or source) and field at fault and what is allowed.
    """
    if not isinstance(document, dict):
        raise ReferenceDataError(f"{filename}: expected a mapping at the top level")
    head = "guide"
    raw_sources = document.get("sources")
    if not isinstance(raw_sources, dict) or not raw_sources:
        raise _fail(filename, head, "sources", "expected a non-empty mapping of sources")
    sources = {str(key): _source(filename, str(key), raw) for key, raw in raw_sources.items()}
    raw_steps = document.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise _fail(filename, head, "steps", "expected a non-empty list of steps")
    steps = tuple(_step(filename, i, raw, sources) for i, raw in enumerate(raw_steps))
    seen: set[str] = set()
    for step in steps:
        if step.id in seen:
            raise _fail(filename, f"step {step.id!r}", "id", "duplicate step id")
        seen.add(step.id)
    year = document.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise _fail(filename, head, "year", f"expected the year of this version, got {year!r}")
    return Guide(
        id=_text(filename, head, "id", document.get("id")),
        name=_text(filename, head, "name", document.get("name")),
        version=_text(filename, head, "version", document.get("version")),
        year=year,
        licence=_text(filename, head, "licence", document.get("licence")),
        description=_text(filename, head, "description", document.get("description")),
        sources=sources,
        steps=steps,
    )


@lru_cache(maxsize=1)
def _shipped_guide() -> Guide:
    path = resources.files("parkloop.reference") / "data" / "guide.yaml"
    return parse_guide(yaml.safe_load(path.read_text(encoding="utf-8")), "guide.yaml")


def load_guide(path: GuidePath | None = None) -> Guide:
    """Load and validate the shipped guide, or another file in the same format.

    Parameters
    ----------
    path : str, os.PathLike or Traversable, optional
        A guide YAML file; the shipped ``reference/data/guide.yaml`` when omitted (cached).

    Returns
    -------
    Guide

    Raises
    ------
    ReferenceDataError
        When the file is malformed; the message names the step and field.
    """
    if path is None:
        return _shipped_guide()
    file = path if isinstance(path, Traversable) else Path(path)
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{file.name}: not valid YAML ({exc})") from exc
    return parse_guide(document, file.name)


# --- progress ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepProgress:
    """How far a park is through one step: the checklist ids ticked, in guide order."""

    step_id: str
    title: str
    done: tuple[str, ...]
    total: int

    @property
    def done_count(self) -> int:
        return len(self.done)

    @property
    def share(self) -> float:
        """Share of the step's checklist that is ticked [0-1]."""
        return len(self.done) / self.total

    @property
    def complete(self) -> bool:
        return len(self.done) == self.total


@dataclass(frozen=True)
class Progress:
    """A park's progress through the guide.

    ``current_step`` is the first step (in guide order) whose checklist is not complete, or
    ``None`` when every step is complete. ``share`` counts every checklist item of the guide
    equally: ticked items / all items. ``ignored`` lists ticks that do not name a step or item
    of this guide (only in non-strict mode) as ``(step_id, item_id)`` pairs.
    """

    guide_version: str
    steps: tuple[StepProgress, ...]
    current_step: str | None
    done_items: int
    total_items: int
    ignored: tuple[tuple[str, str], ...] = ()

    @property
    def share(self) -> float:
        """Share of all checklist items that are ticked [0-1]."""
        return self.done_items / self.total_items if self.total_items else 0.0

    @property
    def complete_steps(self) -> int:
        return sum(1 for step in self.steps if step.complete)


def _unknown_ticks(guide: Guide, ticks: Mapping[str, AbstractSet[str]]) -> list[tuple[str, str]]:
    items = {step.id: {item.id for item in step.done_when} for step in guide.steps}
    unknown: list[tuple[str, str]] = []
    for step_id in sorted(ticks):
        known = items.get(step_id)
        for item_id in sorted(ticks[step_id]):
            if known is None or item_id not in known:
                unknown.append((step_id, item_id))
    return unknown


def progress(
    guide: Guide, ticks: Mapping[str, AbstractSet[str]], *, strict: bool = True
) -> Progress:
    """Checklist items done per step, their shares, the current step and the overall share.

    Parameters
    ----------
    guide : Guide
        The guide the ticks refer to.
    ticks : mapping of str to set of str
        Step id -> ids of the step's "done when" items that are ticked.
    strict : bool
        Raise on ticks that name no step or item of ``guide`` (default); when False they are
        left out and listed in :attr:`Progress.ignored` (for ticks stored under an older guide
        version).

    Returns
    -------
    Progress

    Raises
    ------
    ValueError
        In strict mode, for ticks naming an unknown step or checklist item.

    Notes
    -----
    Step share = ticked items of the step / items of the step; overall share = ticked items /
    all items of the guide; the current step is the first step with share < 1.

    Examples
    --------
    >>> guide = load_guide()
    >>> p = progress(guide, {step.id: {i.id for i in step.done_when} for step in guide.steps})
    >>> p.current_step is None, p.share
    (True, 1.0)
    """
    unknown = _unknown_ticks(guide, ticks)
    if unknown and strict:
        listed = ", ".join(f"{s}/{i}" for s, i in unknown)
        raise ValueError(
            f"ticks name no step or checklist item of guide version {guide.version}: {listed}; "
            "tick only ids from the guide, or pass strict=False to leave them out"
        )
    steps = tuple(
        StepProgress(
            step_id=step.id,
            title=step.title,
            done=tuple(item.id for item in step.done_when if item.id in ticks.get(step.id, ())),
            total=len(step.done_when),
        )
        for step in guide.steps
    )
    current = next((s.step_id for s in steps if not s.complete), None)
    return Progress(
        guide_version=guide.version,
        steps=steps,
        current_step=current,
        done_items=sum(s.done_count for s in steps),
        total_items=sum(s.total for s in steps),
        ignored=tuple(unknown),
    )


def all_ticks(guide: Guide) -> dict[str, frozenset[str]]:
    """Every checklist item of every step ticked (a complete guide), for tests and demos."""
    return {step.id: frozenset(item.id for item in step.done_when) for step in guide.steps}
