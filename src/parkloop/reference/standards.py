"""Certification standards for green industrial areas: sourced YAML files, validated on load.

A standard groups criteria in topics and defines levels. Every criterion is either mandatory
(met or not met, required for any level) or scored with points; where the platform can compute
it from its own data a criterion names an indicator from :data:`INDICATORS` with a comparison
and a threshold, or with a points scale. Every criterion, threshold and level cites an entry of
the file's ``sources`` bibliography.

Standards are registered entries: :func:`default_registry` loads every YAML file shipped in
``data/standards/``, and :meth:`StandardRegistry.register_file` adds another file in the same
format without code changes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, NoReturn

import yaml

from parkloop.errors import NotFound, ReferenceDataError

IndicatorKind = Literal["share", "count", "non_negative", "percent_per_yr", "flag"]
StandardPath = str | os.PathLike[str] | Traversable


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator the platform computes from its own data, with the values it can take."""

    name: str
    kind: IndicatorKind
    unit: str
    description: str


#: The fixed vocabulary of computable indicators.
INDICATORS: Mapping[str, IndicatorSpec] = {
    spec.name: spec
    for spec in (
        IndicatorSpec("renewable_share", "share", "1", "renewable share of final energy use"),
        IndicatorSpec(
            "ghg_intensity_t_per_employee",
            "non_negative",
            "t CO2e per employee per year",
            "scope 1 and 2 GHG emissions of the park's companies per employee",
        ),
        IndicatorSpec(
            "ghg_trend_pct_per_yr",
            "percent_per_yr",
            "% per year",
            "average yearly change of the park's GHG emissions (negative when falling)",
        ),
        IndicatorSpec("waste_recovery_share", "share", "1", "share of waste sent to recovery"),
        IndicatorSpec("implemented_synergies", "count", "1", "synergies with status implemented"),
        IndicatorSpec(
            "energy_audit_share",
            "share",
            "1",
            "share of companies with an energy audit or an ISO 50001 energy management system",
        ),
        IndicatorSpec(
            "ems_share", "share", "1", "share of companies with ISO 14001 or EMAS registration"
        ),
        IndicatorSpec("area_manager", "flag", "-", "the park has an appointed area manager"),
    )
}

NUMERIC_COMPARISONS = (">=", "<=")
FLAG_COMPARISONS = ("==",)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Source:
    """A bibliography entry: full citation, URL and year (``None`` for an undated page)."""

    key: str
    citation: str
    url: str
    year: int | None
    note: str | None = None


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class ScaleStep:
    """``points`` are awarded when the value reaches ``threshold`` (in the rule's direction)."""

    threshold: float
    points: float


@dataclass(frozen=True)
class IndicatorRule:
    """How a computed indicator decides a criterion: a comparison with a threshold, or a scale.

    ``threshold`` is ``None`` where no sourced figure exists; ``note`` then says why, and an
    auditor decides from the evidence.
    """

    name: str
    comparison: str
    threshold: float | bool | None = None
    scale: tuple[ScaleStep, ...] = ()
    source: str | None = None
    section: str | None = None
    note: str | None = None

    @property
    def spec(self) -> IndicatorSpec:
        return INDICATORS[self.name]


@dataclass(frozen=True)
class Criterion:
    id: str
    topic: str
    title: str
    description: str
    mandatory: bool
    points: float
    evidence: tuple[str, ...]
    source: str
    section: str
    indicator: IndicatorRule | None = None
    allow_not_applicable: bool = True


@dataclass(frozen=True)
class Level:
    """A level: a minimum share of all scored points and a minimum share per topic."""

    id: str
    title: str
    min_total_share: float
    topic_minimums: Mapping[str, float] = field(default_factory=dict, hash=False)
    source: str = ""
    section: str = ""


@dataclass(frozen=True)
class Standard:
    id: str
    name: str
    version: str
    year: int
    licence: str
    sources: Mapping[str, Source] = field(hash=False)
    topics: tuple[Topic, ...]
    criteria: tuple[Criterion, ...]
    levels: tuple[Level, ...]
    origin: str = ""

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise NotFound(f"standard {self.id!r} has no topic {topic_id!r}")

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise NotFound(f"standard {self.id!r} has no criterion {criterion_id!r}")

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise NotFound(f"standard {self.id!r} has no level {level_id!r}")

    def criteria_in(self, topic_id: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.topic == topic_id)

    def cite(self, key: str) -> str:
        source = self.sources[key]
        return f"{source.citation} {source.url}"


def indicator_value_problem(spec: IndicatorSpec, value: object) -> str | None:
    """Why ``value`` cannot be a value of the indicator, or ``None`` when it can."""
    if spec.kind == "flag":
        return None if isinstance(value, bool) else "must be true or false"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    if value != value:
        return "must be a number, not NaN"
    if spec.kind == "share" and not 0.0 <= value <= 1.0:
        return "is a share and must lie in [0, 1]"
    if spec.kind == "count" and (value < 0 or value != int(value)):
        return "is a count and must be a whole number >= 0"
    if spec.kind == "non_negative" and value < 0:
        return "must be >= 0"
    if spec.kind == "percent_per_yr" and value < -100:
        return "is a yearly change in % and must be >= -100"
    return None


class _Where:
    """Where in a file a value was read, to name it in error messages."""

    def __init__(self, origin: str, entry: str) -> None:
        self.origin = origin
        self.entry = entry

    def fail(self, field_name: str, problem: str) -> NoReturn:
        raise ReferenceDataError(f"{self.origin}: {self.entry}, field {field_name!r}: {problem}")

    def mapping(self, value: object, field_name: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(field_name, f"must be a mapping, got {type(value).__name__}")
        return value

    def keys(
        self, entry: dict[str, Any], required: tuple[str, ...], optional: tuple[str, ...]
    ) -> None:
        for name in required:
            if name not in entry:
                self.fail(name, "is missing (required)")
        for name in entry:
            if name not in required + optional:
                allowed = ", ".join(required + optional)
                self.fail(str(name), f"is not a known field; allowed: {allowed}")

    def text(self, entry: dict[str, Any], name: str, default: str | None = None) -> str:
        value = entry.get(name, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            self.fail(name, "must be a non-empty text")
        return " ".join(value.split())

    def ident(self, entry: dict[str, Any], name: str) -> str:
        value = entry.get(name)
        if not isinstance(value, str) or not _ID.match(value):
            self.fail(name, f"{value!r} is not an id (letters, digits, '_', '.', '-')")
        return value

    def number(self, value: object, name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"{value!r} is not a number")
        return float(value)

    def share(self, value: object, name: str) -> float:
        number = self.number(value, name)
        if not 0.0 <= number <= 1.0:
            self.fail(name, f"{number:g} is a share and must lie in [0, 1]")
        return number

    def source(self, entry: dict[str, Any], name: str, sources: Mapping[str, Source]) -> str:
        key = entry.get(name)
        if not isinstance(key, str) or key not in sources:
            self.fail(name, f"{key!r} is not a key of 'sources'; allowed: {', '.join(sources)}")
        return key


def _parse_sources(origin: str, raw: object) -> dict[str, Source]:
    header = _Where(origin, "header")
    out: dict[str, Source] = {}
    for key, value in header.mapping(raw, "sources").items():
        where = _Where(origin, f"source {key!r}")
        entry = where.mapping(value, str(key))
        where.keys(entry, ("citation", "url", "year"), ("note",))
        url = where.text(entry, "url")
        if not url.startswith(("http://", "https://")):
            where.fail("url", f"{url!r} must start with http:// or https://")
        year = entry["year"]
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            where.fail("year", f"{year!r} must be a year or null")
        note = where.text(entry, "note") if "note" in entry else None
        if year is None and note is None:
            where.fail("year", "is null: add a 'note' saying why the source has no date")
        out[str(key)] = Source(str(key), where.text(entry, "citation"), url, year, note)
    return out


def _parse_scale(
    where: _Where, raw: object, comparison: str, max_points: float
) -> tuple[ScaleStep, ...]:
    if not isinstance(raw, list) or not raw:
        where.fail("indicator.scale", "must be a non-empty list of {threshold, points}")
    steps = []
    for i, item in enumerate(raw):
        step = where.mapping(item, f"indicator.scale[{i}]")
        if set(step) != {"threshold", "points"}:
            where.fail(f"indicator.scale[{i}]", "must have exactly 'threshold' and 'points'")
        steps.append(
            ScaleStep(
                where.number(step["threshold"], f"indicator.scale[{i}].threshold"),
                where.number(step["points"], f"indicator.scale[{i}].points"),
            )
        )
    sign = 1.0 if comparison == ">=" else -1.0
    for before, after in pairwise(steps):
        if sign * after.threshold <= sign * before.threshold or after.points <= before.points:
            where.fail(
                "indicator.scale",
                f"steps must go from easiest to hardest: thresholds strictly "
                f"{'increasing' if sign > 0 else 'decreasing'} for {comparison!r} and points "
                "strictly increasing",
            )
    if steps[0].points <= 0 or steps[-1].points > max_points:
        where.fail("indicator.scale", f"points must lie in (0, {max_points:g}] (the criterion's)")
    return tuple(steps)


def _parse_indicator(
    where: _Where, raw: object, mandatory: bool, points: float, sources: Mapping[str, Source]
) -> IndicatorRule:
    entry = where.mapping(raw, "indicator")
    where.keys(entry, ("name", "comparison"), ("threshold", "scale", "source", "section", "note"))
    name = entry["name"]
    if name not in INDICATORS:
        where.fail(
            "indicator.name", f"{name!r} is not an indicator; allowed: {', '.join(INDICATORS)}"
        )
    spec = INDICATORS[name]
    allowed = FLAG_COMPARISONS if spec.kind == "flag" else NUMERIC_COMPARISONS
    comparison = entry["comparison"]
    if comparison not in allowed:
        where.fail(
            "indicator.comparison",
            f"{comparison!r} is not allowed for {name}; allowed: {', '.join(allowed)}",
        )
    if "threshold" in entry and "scale" in entry:
        where.fail("indicator.scale", "give either a threshold or a points scale, not both")
    threshold: float | bool | None = None
    scale: tuple[ScaleStep, ...] = ()
    values: list[object]
    if "scale" in entry:
        if mandatory or spec.kind == "flag":
            where.fail(
                "indicator.scale", "a points scale needs a scored criterion and a numeric indicator"
            )
        scale = _parse_scale(where, entry["scale"], str(comparison), points)
        values = [step.threshold for step in scale]
    else:
        if "threshold" not in entry:
            where.fail(
                "indicator.threshold", "is missing: give a value, a scale, or null with a note"
            )
        threshold = entry["threshold"]
        values = [] if threshold is None else [threshold]
    for value in values:
        problem = indicator_value_problem(spec, value)
        if problem:
            where.fail("indicator.threshold", f"{value!r} {problem} (indicator {name})")
    if isinstance(threshold, int | float) and not isinstance(threshold, bool):
        threshold = float(threshold)
    note = where.text(entry, "note") if "note" in entry else None
    if not values:
        if note is None:
            where.fail("indicator.note", "is required when the threshold is null: say why")
        return IndicatorRule(str(name), str(comparison), None, (), None, None, note)
    source = where.source(entry, "source", sources) if "source" in entry else None
    if source is None:
        where.fail(
            "indicator.source", "is required for a threshold or scale: cite where it comes from"
        )
    return IndicatorRule(
        str(name), str(comparison), threshold, scale, source, where.text(entry, "section"), note
    )


_CRITERION_FIELDS = (
    "id",
    "topic",
    "title",
    "description",
    "mandatory",
    "evidence",
    "source",
    "section",
)
_CRITERION_OPTIONAL = ("points", "indicator", "allow_not_applicable", "note")


def _parse_criterion(
    origin: str, raw: object, topics: Mapping[str, Topic], sources: Mapping[str, Source]
) -> Criterion:
    entry = _Where(origin, "criteria").mapping(raw, "criteria")
    where = _Where(origin, f"criterion {entry.get('id')!r}")
    where.keys(entry, _CRITERION_FIELDS, _CRITERION_OPTIONAL)
    cid = where.ident(entry, "id")
    if entry["topic"] not in topics:
        where.fail(
            "topic",
            f"{entry['topic']!r} is not a topic of this standard; allowed: {', '.join(topics)}",
        )
    mandatory = entry["mandatory"]
    if not isinstance(mandatory, bool):
        where.fail("mandatory", f"{mandatory!r} must be true or false")
    points = 0.0
    if mandatory and entry.get("points") not in (None, 0):
        where.fail("points", "a mandatory criterion is met or not met and carries no points")
    if not mandatory:
        if "points" not in entry:
            where.fail("points", "is missing: a scored criterion needs points > 0")
        points = where.number(entry["points"], "points")
        if points <= 0:
            where.fail("points", f"{points:g} must be > 0")
    evidence = entry["evidence"]
    if (
        not isinstance(evidence, list)
        or not evidence
        or not all(isinstance(e, str) and e.strip() for e in evidence)
    ):
        where.fail("evidence", "must be a non-empty list of document kinds")
    allow_na = entry.get("allow_not_applicable", not mandatory)
    if not isinstance(allow_na, bool):
        where.fail("allow_not_applicable", f"{allow_na!r} must be true or false")
    indicator = None
    if entry.get("indicator") is not None:
        indicator = _parse_indicator(where, entry["indicator"], mandatory, points, sources)
    return Criterion(
        id=cid,
        topic=str(entry["topic"]),
        title=where.text(entry, "title"),
        description=where.text(entry, "description"),
        mandatory=mandatory,
        points=points,
        evidence=tuple(" ".join(e.split()) for e in evidence),
        source=where.source(entry, "source", sources),
        section=where.text(entry, "section"),
        indicator=indicator,
        allow_not_applicable=allow_na,
    )


def _parse_level(
    origin: str, raw: object, topics: Mapping[str, Topic], sources: Mapping[str, Source]
) -> Level:
    entry = _Where(origin, "levels").mapping(raw, "levels")
    where = _Where(origin, f"level {entry.get('id')!r}")
    where.keys(
        entry, ("id", "title", "min_total_share", "min_topic_share", "source", "section"), ("note",)
    )
    raw_minimum = entry["min_topic_share"]
    minimums: dict[str, float] = {}
    if isinstance(raw_minimum, dict):
        for topic_id, value in raw_minimum.items():
            if topic_id not in topics:
                where.fail(
                    "min_topic_share",
                    f"{topic_id!r} is not a topic of this standard; allowed: {', '.join(topics)}",
                )
            minimums[str(topic_id)] = where.share(value, f"min_topic_share.{topic_id}")
    elif raw_minimum is not None:
        share = where.share(raw_minimum, "min_topic_share")
        minimums = dict.fromkeys(topics, share)
    return Level(
        id=where.ident(entry, "id"),
        title=where.text(entry, "title"),
        min_total_share=where.share(entry["min_total_share"], "min_total_share"),
        topic_minimums=minimums,
        source=where.source(entry, "source", sources),
        section=where.text(entry, "section"),
    )


def _check_levels(origin: str, levels: list[Level], topics: Mapping[str, Topic]) -> None:
    if not levels:
        _Where(origin, "header").fail("levels", "must list at least one level")
    for before, after in pairwise(levels):
        where = _Where(origin, f"level {after.id!r}")
        if after.min_total_share < before.min_total_share:
            where.fail(
                "min_total_share",
                f"must be >= that of the level before ({before.id!r}); levels go from lowest "
                "to highest",
            )
        for topic_id in topics:
            low = before.topic_minimums.get(topic_id, 0.0)
            if after.topic_minimums.get(topic_id, 0.0) < low:
                where.fail(
                    "min_topic_share",
                    f"topic {topic_id!r} must be >= that of level {before.id!r} ({low:g})",
                )
        if after.min_total_share == before.min_total_share and all(
            after.topic_minimums.get(t, 0.0) == before.topic_minimums.get(t, 0.0) for t in topics
        ):
            where.fail("min_total_share", f"is no stricter than level {before.id!r}")


def _unique(origin: str, kind: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            _Where(origin, f"{kind} {ident!r}").fail("id", "is used twice; ids must be unique")
        seen.add(ident)


def parse_standard(document: object, origin: str) -> Standard:
    """Validate a parsed YAML document and build the :class:`Standard` it describes."""
    header = _Where(origin, "header")
    doc = header.mapping(document, "document")
    header.keys(
        doc,
        ("id", "name", "version", "year", "licence", "sources", "topics", "criteria", "levels"),
        ("description", "notes"),
    )
    year = doc["year"]
    if isinstance(year, bool) or not isinstance(year, int):
        header.fail("year", f"{year!r} must be a year")
    sources = _parse_sources(origin, doc["sources"])
    if not isinstance(doc["topics"], list) or not doc["topics"]:
        header.fail("topics", "must be a non-empty list")
    topics: dict[str, Topic] = {}
    for raw in doc["topics"]:
        entry = header.mapping(raw, "topics")
        where = _Where(origin, f"topic {entry.get('id')!r}")
        where.keys(entry, ("id", "title"), ("description",))
        tid = where.ident(entry, "id")
        if tid in topics:
            where.fail("id", "is used twice; ids must be unique")
        topics[tid] = Topic(tid, where.text(entry, "title"), where.text(entry, "description", ""))
    if not isinstance(doc["criteria"], list) or not doc["criteria"]:
        header.fail("criteria", "must be a non-empty list")
    criteria = [_parse_criterion(origin, raw, topics, sources) for raw in doc["criteria"]]
    _unique(origin, "criterion", (c.id for c in criteria))
    for topic_id in topics:
        if not any(c.topic == topic_id for c in criteria):
            _Where(origin, f"topic {topic_id!r}").fail("id", "has no criteria")
    if not isinstance(doc["levels"], list):
        header.fail("levels", "must be a list")
    levels = [_parse_level(origin, raw, topics, sources) for raw in doc["levels"]]
    _unique(origin, "level", (level.id for level in levels))
    _check_levels(origin, levels, topics)
    return Standard(
        id=header.ident(doc, "id"),
        name=header.text(doc, "name"),
        version=str(doc["version"]),
        year=year,
        licence=header.text(doc, "licence"),
        sources=sources,
        topics=tuple(topics.values()),
        criteria=tuple(criteria),
        levels=tuple(levels),
        origin=origin,
    )


def load_standard(path: StandardPath) -> Standard:
    """Read and validate a standard from a YAML file (a path or a package resource).

    Raises
    ------
    ReferenceDataError
        When the file is not valid YAML or breaks a rule of the format; the message names the
        file, the entry (criterion, level, source...) and the field, and says what is allowed.
    """
    if isinstance(path, str | os.PathLike):
        path = Path(path)
        origin = str(path)
    else:
        origin = f"parkloop/reference/data/standards/{path.name}"
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{origin}: not valid YAML: {exc}") from None
    return parse_standard(document, origin)


class StandardRegistry:
    """Standards by id; shipped and user standards are registered the same way."""

    def __init__(self, standards: Iterable[Standard] = ()) -> None:
        self._standards: dict[str, Standard] = {}
        for standard in standards:
            self.register(standard)

    def register(self, standard: Standard) -> None:
        known = self._standards.get(standard.id)
        if known is not None:
            raise ReferenceDataError(
                f"{standard.origin}: standard id {standard.id!r} is already registered from "
                f"{known.origin}; every standard needs its own id"
            )
        self._standards[standard.id] = standard

    def register_file(self, path: StandardPath) -> Standard:
        """Load a YAML file in the standard format and register it."""
        standard = load_standard(path)
        self.register(standard)
        return standard

    def get(self, standard_id: str) -> Standard:
        try:
            return self._standards[standard_id]
        except KeyError:
            known = ", ".join(sorted(self._standards)) or "none"
            raise NotFound(f"no standard {standard_id!r}; registered: {known}") from None

    def all(self) -> tuple[Standard, ...]:
        return tuple(self._standards[key] for key in sorted(self._standards))

    def __contains__(self, standard_id: object) -> bool:
        return standard_id in self._standards

    def __iter__(self) -> Iterator[Standard]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self._standards)


@lru_cache(maxsize=1)
def _shipped_standards() -> tuple[Standard, ...]:
    folder = resources.files("parkloop.reference") / "data" / "standards"
    if not folder.is_dir():
        raise ReferenceDataError(
            "parkloop/reference/data/standards/ is missing from the installed package: the "
            "package data must include reference/data/standards/*.yaml"
        )
    files = sorted(
        (f for f in folder.iterdir() if f.name.endswith((".yaml", ".yml"))), key=lambda f: f.name
    )
    return tuple(load_standard(f) for f in files)


def default_registry() -> StandardRegistry:
    """A new registry holding every standard shipped in ``data/standards/``.

    Examples
    --------
    >>> registry = default_registry()
    >>> registry.get("green_industrial_area").name
    'parkloop Green Industrial Area standard'
    """
    return StandardRegistry(_shipped_standards())
