"""The toolbox catalogue: technical measures with a source for every figure, and their registry.

The built-in catalogue lives in ``data/measures.yaml``; a user's own catalogue uses the same
format (see ``docs/data-formats.md``) and is registered the same way. Loading validates the whole
file and raises :class:`~parkloop.errors.ReferenceDataError` naming the file, the measure and the
field, and what is allowed.

Examples
--------
>>> registry = default_registry()
>>> economiser = registry.get("boiler_economiser")
>>> economiser.saving.describe()
'5-10 %'
>>> economiser.saving.source.key
'doe_steam_tip3'
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from parkloop.errors import NotFound, ReferenceDataError
from parkloop.reference.nace import NaceCodeError, load_nace, normalise_code

FILENAME = "measures.yaml"
ANY = "any"
LEVELS = ("company", "park")
EVIDENCE = ("high", "medium", "low")
TOPICS = (
    "compressed_air",
    "motors_drives",
    "steam",
    "heat_recovery",
    "heat_pumps",
    "electrification",
    "renewable_heat",
    "renewable_power",
    "lighting",
    "hvac",
    "cooling",
    "energy_management",
    "district_heating",
    "storage",
    "bioenergy",
    "logistics",
    "water",
    "shared_utilities",
)
# The carriers of the workbook's ``energy`` sheet (without ``other``), plus ``heat`` for heat
# generated and used on a site; a test keeps them in step with the domain model.
CARRIERS = (
    "electricity",
    "natural_gas",
    "lpg",
    "fuel_oil",
    "diesel",
    "gasoline",
    "coal",
    "peat",
    "biomass",
    "biogas",
    "hydrogen",
    "waste",
    "district_heat",
    "steam",
    "heat",
)
FIGURE_FIELDS = ("saving", "performance", "capex", "opex", "lifetime_years", "payback_years")
_YEAR_FIELDS = ("lifetime_years", "payback_years")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_MEASURE_KEYS = frozenset(
    {"id", "name", "level", "topic", "description", "applicability", "evidence", "co2"}
    | {"references", *FIGURE_FIELDS}
)
_FIGURE_KEYS = frozenset({"low", "high", "value", "unit", "basis", "source", "page", "year"})
# A capex figure may be given for a documented project together with the energy that project
# saved each year: "EUR per 1325 MWh/yr saved". The recommender scales it to the saving it
# estimates for a site (see parkloop.toolbox.recommend).
_PER_SAVED = re.compile(r"^EUR per (?P<size>\S+) MWh/yr saved$")


def _fmt(number: float) -> str:
    """A number as written in the source, without a trailing ``.0``."""
    return f"{number:.12g}"


@dataclass(frozen=True)
class Source:
    """A publication that figures are read from."""

    key: str
    citation: str
    url: str
    year: int | None = None


@dataclass(frozen=True)
class Figure:
    """A sourced number or range; ``year`` is the price year of money figures."""

    unit: str
    source: Source
    low: float | None = None
    high: float | None = None
    value: float | None = None
    basis: str | None = None
    page: str | None = None
    year: int | None = None

    def describe(self) -> str:
        """The figure as text, e.g. ``'5-10 %'`` or ``'20 years'``."""
        if self.low is not None and self.high is not None:
            span = f"{_fmt(self.low)}-{_fmt(self.high)}"
        elif self.low is not None:
            span = f"at least {_fmt(self.low)}"
        elif self.high is not None:
            span = f"up to {_fmt(self.high)}"
        else:
            span = ""
        if self.value is not None:
            span = f"{_fmt(self.value)} ({span})" if span else _fmt(self.value)
        return f"{span} {self.unit}"


@dataclass(frozen=True)
class TemperatureRange:
    """Temperatures [degC] a heat measure works at; either bound may be open."""

    source: Source
    min_c: float | None = None
    max_c: float | None = None
    page: str | None = None


@dataclass(frozen=True)
class SizeThreshold:
    """A size above which a measure is worth considering, e.g. 100 boiler hp."""

    quantity: float
    unit: str
    of: str
    source: Source
    page: str | None = None


@dataclass(frozen=True)
class Applicability:
    """Where a measure applies; ``nace`` and ``carriers`` are ``None`` for any."""

    nace: tuple[str, ...] | None
    carriers: tuple[str, ...] | None
    end_use: str
    temperature_c: TemperatureRange | None = None
    min_size: SizeThreshold | None = None

    def applies_to_nace(self, code: str) -> bool:
        """Whether a company with NACE ``code`` (any level) falls under the measure."""
        if self.nace is None:
            return True
        chain = {item.code for item in load_nace().ancestors(code)}
        return any(listed in chain for listed in self.nace)

    def affects(self, carrier: str) -> bool:
        """Whether the measure changes the use of ``carrier``."""
        return self.carriers is None or carrier in self.carriers


@dataclass(frozen=True)
class Measure:
    """One technical measure of the toolbox with its sourced figures (``None``: no figure)."""

    id: str
    name: str
    level: str
    topic: str
    description: str
    applicability: Applicability
    evidence: str
    co2: str
    saving: Figure | None = None
    performance: Figure | None = None
    capex: Figure | None = None
    opex: Figure | None = None
    lifetime_years: Figure | None = None
    payback_years: Figure | None = None
    references: tuple[Source, ...] = ()

    def figures(self) -> dict[str, Figure]:
        """The figures that have a sourced value, by field name."""
        found = {name: getattr(self, name) for name in FIGURE_FIELDS}
        return {name: figure for name, figure in found.items() if figure is not None}


@dataclass(frozen=True)
class Catalogue:
    """A whole catalogue file: header, bibliography and measures."""

    name: str
    version: str
    licence: str
    origin: str
    sources: Mapping[str, Source]
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class _Where:
    """Where in a file a value sits, for error messages."""

    origin: str
    measure: str | None = None

    def error(self, field: str, problem: str) -> ReferenceDataError:
        place = f"measure {self.measure!r}, " if self.measure else ""
        return ReferenceDataError(f"{self.origin}: {place}field {field!r}: {problem}")


def _text(raw: Any, field: str, where: _Where) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise where.error(field, f"{raw!r} is not a non-empty text")
    return " ".join(raw.split())


def _optional_text(raw: Any, field: str, where: _Where) -> str | None:
    return None if raw is None else _text(raw, field, where)


def _number(raw: Any, field: str, where: _Where, *, signed: bool = False) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise where.error(field, f"{raw!r} is not a number")
    if raw < 0 and not signed:
        raise where.error(field, f"{raw!r} is negative; figures must be >= 0")
    return float(raw)


def _mapping(raw: Any, field: str, where: _Where, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise where.error(field, f"expected a mapping, got {raw!r}")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise where.error(field, f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    return raw


def _choice(raw: Any, field: str, where: _Where, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise where.error(field, f"{raw!r} is not allowed; choose one of {', '.join(allowed)}")
    return str(raw)


def _source(raw: Any, field: str, where: _Where, sources: Mapping[str, Source]) -> Source:
    if raw not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise where.error(field, f"source {raw!r} is not in 'sources' (known: {known})")
    return sources[raw]


def _basis(raw: Any, field: str, where: _Where) -> str | None:
    """What a figure is a share or amount of; required for savings."""
    if field == "saving":
        return _text(raw, f"{field}.basis", where)
    return _optional_text(raw, f"{field}.basis", where)


def parse_figure(
    raw: Any, field: str, where: _Where, sources: Mapping[str, Source]
) -> Figure | None:
    """Validate one figure mapping (or ``None``) of a measure."""
    if raw is None:
        return None
    entry = _mapping(raw, field, where, _FIGURE_KEYS)
    low, high, value = (
        _number(entry.get(k), f"{field}.{k}", where) for k in ("low", "high", "value")
    )
    if low is None and high is None and value is None:
        raise where.error(field, "give at least one of low, value, high (or null for no figure)")
    bounds = [b for b in (low, value, high) if b is not None]
    if bounds != sorted(bounds):
        raise where.error(field, f"low <= value <= high is required, got {low}, {value}, {high}")
    default_unit = "years" if field in _YEAR_FIELDS else None
    unit = _text(entry.get("unit", default_unit), f"{field}.unit", where)
    if field in _YEAR_FIELDS and unit != "years":
        raise where.error(f"{field}.unit", f"{unit!r} is not allowed; use 'years'")
    if field == "capex":
        _check_capex_unit(unit, where)
    year = entry.get("year")
    if year is not None and (not isinstance(year, int) or not 1900 <= year <= 2100):
        raise where.error(f"{field}.year", f"{year!r} is not a year between 1900 and 2100")
    return Figure(
        unit=unit,
        source=_source(entry.get("source"), f"{field}.source", where, sources),
        low=low,
        high=high,
        value=value,
        basis=_basis(entry.get("basis"), field, where),
        page=_optional_text(entry.get("page"), f"{field}.page", where),
        year=year,
    )


def saved_energy_reference(unit: str) -> float | None:
    """The annual saving [MWh/yr] a capex unit of the form ``EUR per N MWh/yr saved`` refers to.

    Returns ``None`` for any other unit, and for a reference that is not a number > 0 (the
    loader refuses those; see :func:`parse_figure`).

    Examples
    --------
    >>> saved_energy_reference("EUR per 1325 MWh/yr saved")
    1325.0
    >>> saved_energy_reference("EUR per project") is None
    True
    """
    found = _PER_SAVED.match(unit)
    if found is None:
        return None
    try:
        size = float(found["size"])
    except ValueError:
        return None
    return size if math.isfinite(size) and size > 0 else None


def _check_capex_unit(unit: str, where: _Where) -> None:
    if unit.endswith("MWh/yr saved") and saved_energy_reference(unit) is None:
        raise where.error(
            "capex.unit",
            f"{unit!r} is not allowed; write the project's annual saving as a number > 0, "
            "e.g. 'EUR per 1325 MWh/yr saved'",
        )


def _nace(raw: Any, where: _Where) -> tuple[str, ...] | None:
    allowed = "'any' or a list of NACE Rev. 2 section letters (A-U) and 2-digit divisions"
    if raw == ANY:
        return None
    if not isinstance(raw, list) or not raw:
        raise where.error("applicability.nace", f"{raw!r} is not allowed; use {allowed}")
    codes = []
    for item in raw:
        try:
            code = normalise_code(item) if isinstance(item, str) else None
        except NaceCodeError:
            code = None
        if code is None or code not in load_nace() or load_nace().get(code).level > 2:
            raise where.error("applicability.nace", f"unknown NACE code {item!r}; use {allowed}")
        codes.append(code)
    return tuple(codes)


def _carriers(raw: Any, where: _Where) -> tuple[str, ...] | None:
    if raw == ANY:
        return None
    if not isinstance(raw, list) or not raw:
        raise where.error("applicability.carriers", f"{raw!r} is not 'any' or a list")
    for item in raw:
        _choice(item, "applicability.carriers", where, CARRIERS)
    return tuple(raw)


def _temperature(raw: Any, where: _Where, sources: Mapping[str, Source]) -> TemperatureRange | None:
    field = "applicability.temperature_c"
    if raw is None:
        return None
    entry = _mapping(raw, field, where, frozenset({"min", "max", "source", "page"}))
    low = _number(entry.get("min"), f"{field}.min", where, signed=True)
    high = _number(entry.get("max"), f"{field}.max", where, signed=True)
    if low is None and high is None:
        raise where.error(field, "give min, max or both (or null)")
    if low is not None and high is not None and low > high:
        raise where.error(field, f"min {low:g} is above max {high:g}")
    return TemperatureRange(
        source=_source(entry.get("source"), f"{field}.source", where, sources),
        min_c=low,
        max_c=high,
        page=_optional_text(entry.get("page"), f"{field}.page", where),
    )


def _size(raw: Any, where: _Where, sources: Mapping[str, Source]) -> SizeThreshold | None:
    field = "applicability.min_size"
    if raw is None:
        return None
    entry = _mapping(raw, field, where, frozenset({"quantity", "unit", "of", "source", "page"}))
    quantity = _number(entry.get("quantity"), f"{field}.quantity", where)
    if quantity is None:
        raise where.error(f"{field}.quantity", "a number >= 0 is required")
    return SizeThreshold(
        quantity=quantity,
        unit=_text(entry.get("unit"), f"{field}.unit", where),
        of=_text(entry.get("of"), f"{field}.of", where),
        source=_source(entry.get("source"), f"{field}.source", where, sources),
        page=_optional_text(entry.get("page"), f"{field}.page", where),
    )


def parse_applicability(raw: Any, where: _Where, sources: Mapping[str, Source]) -> Applicability:
    """Validate the ``applicability`` mapping of a measure."""
    keys = frozenset({"nace", "carriers", "end_use", "temperature_c", "min_size"})
    entry = _mapping(raw, "applicability", where, keys)
    return Applicability(
        nace=_nace(entry.get("nace"), where),
        carriers=_carriers(entry.get("carriers"), where),
        end_use=_text(entry.get("end_use"), "applicability.end_use", where),
        temperature_c=_temperature(entry.get("temperature_c"), where, sources),
        min_size=_size(entry.get("min_size"), where, sources),
    )


def parse_measure(raw: Any, position: int, origin: str, sources: Mapping[str, Source]) -> Measure:
    """Validate one entry of ``measures`` (``position`` is 1-based, for messages)."""
    ident = raw.get("id") if isinstance(raw, dict) else None
    where = _Where(origin, ident if isinstance(ident, str) else f"#{position}")
    entry = _mapping(raw, "measure", where, _MEASURE_KEYS)
    if not isinstance(ident, str) or not _ID.match(ident):
        raise where.error("id", f"{ident!r} is not allowed; use snake_case such as 'led_lighting'")
    references = entry.get("references") or []
    if not isinstance(references, list):
        raise where.error("references", f"{references!r} is not a list of source keys")

    def figure(name: str) -> Figure | None:
        return parse_figure(entry.get(name), name, where, sources)

    return Measure(
        id=ident,
        name=_text(entry.get("name"), "name", where),
        level=_choice(entry.get("level"), "level", where, LEVELS),
        topic=_choice(entry.get("topic"), "topic", where, TOPICS),
        description=_text(entry.get("description"), "description", where),
        applicability=parse_applicability(entry.get("applicability"), where, sources),
        evidence=_choice(entry.get("evidence"), "evidence", where, EVIDENCE),
        co2=_text(entry.get("co2"), "co2", where),
        references=tuple(_source(key, "references", where, sources) for key in references),
        saving=figure("saving"),
        performance=figure("performance"),
        capex=figure("capex"),
        opex=figure("opex"),
        lifetime_years=figure("lifetime_years"),
        payback_years=figure("payback_years"),
    )


def parse_sources(raw: Any, origin: str) -> dict[str, Source]:
    """Validate the ``sources`` bibliography of a catalogue."""
    where = _Where(origin)
    if not isinstance(raw, dict):
        raise where.error("sources", f"expected a mapping of source keys, got {raw!r}")
    out = {}
    for key, value in raw.items():
        entry = _mapping(value, f"sources.{key}", where, frozenset({"citation", "url", "year"}))
        url = _text(entry.get("url"), f"sources.{key}.url", where)
        if not str(url).startswith(("http://", "https://")):
            raise where.error(f"sources.{key}.url", f"{url!r} is not an http(s) address")
        year = entry.get("year")
        if year is not None and (not isinstance(year, int) or not 1900 <= year <= 2100):
            raise where.error(f"sources.{key}.year", f"{year!r} is not a year")
        citation = _text(entry.get("citation"), f"sources.{key}.citation", where)
        out[str(key)] = Source(key=str(key), citation=citation, url=str(url), year=year)
    return out


def parse_catalogue(document: Any, origin: str) -> Catalogue:
    """Validate a whole catalogue document (already read from YAML)."""
    keys = frozenset({"name", "version", "licence", "sources", "measures"})
    where = _Where(origin)
    entry = _mapping(document, "catalogue", where, keys)
    sources = parse_sources(entry.get("sources"), origin)
    raw_measures = entry.get("measures")
    if not isinstance(raw_measures, list) or not raw_measures:
        raise where.error("measures", "expected a non-empty list of measures")
    measures: list[Measure] = []
    for position, raw in enumerate(raw_measures, start=1):
        measure = parse_measure(raw, position, origin, sources)
        if any(seen.id == measure.id for seen in measures):
            raise _Where(origin, measure.id).error("id", "duplicate id; ids must be unique")
        measures.append(measure)
    return Catalogue(
        name=_text(entry.get("name"), "name", where),
        version=_text(entry.get("version"), "version", where),
        licence=_text(entry.get("licence"), "licence", where),
        origin=origin,
        sources=sources,
        measures=tuple(measures),
    )


def read_catalogue_text(text: str, origin: str) -> Catalogue:
    """Parse and validate catalogue YAML ``text``; ``origin`` names it in error messages."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{origin}: not valid YAML: {exc}") from exc
    return parse_catalogue(document, origin)


@lru_cache(maxsize=1)
def _builtin_catalogue() -> Catalogue:
    path = resources.files("parkloop.reference") / "data" / FILENAME
    return read_catalogue_text(path.read_text(encoding="utf-8"), FILENAME)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load the built-in catalogue, or a user's catalogue file in the same format.

    Parameters
    ----------
    path : str or Path, optional
        A YAML catalogue file; ``None`` loads the shipped ``measures.yaml``.

    Returns
    -------
    Catalogue
        The validated header, bibliography and measures.

    Raises
    ------
    ReferenceDataError
        When the file cannot be read or any entry is invalid; the message names the file,
        the measure and the field, and what is allowed.
    """
    if path is None:
        return _builtin_catalogue()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReferenceDataError(f"{path}: cannot read the catalogue file: {exc}") from exc
    return read_catalogue_text(text, str(path))


class MeasureRegistry:
    """The measures known to parkloop: the built-in ones and any a user registers.

    Examples
    --------
    >>> registry = MeasureRegistry()
    >>> _ = registry.load()
    >>> [m.id for m in registry.filter(topic="compressed_air", level="company")][:2]
    ['compressed_air_leak_repair', 'compressed_air_pressure_reduction']
    """

    def __init__(self) -> None:
        self._measures: dict[str, Measure] = {}
        self._origins: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._measures)

    def __contains__(self, measure_id: object) -> bool:
        return measure_id in self._measures

    def __iter__(self) -> Iterator[Measure]:
        return iter(self._measures.values())

    def register(self, measure: Measure, origin: str = "code") -> None:
        """Add one measure; an id that is already registered is refused."""
        if measure.id in self._measures:
            raise ReferenceDataError(
                f"{origin}: measure {measure.id!r}, field 'id': already registered from "
                f"{self._origins[measure.id]}; choose another id"
            )
        self._measures[measure.id] = measure
        self._origins[measure.id] = origin

    def load(self, path: str | Path | None = None) -> Catalogue:
        """Register every measure of a catalogue file (the built-in one if ``path`` is None).

        Nothing is registered unless every measure of the file can be.
        """
        catalogue = load_catalogue(path)
        clashes = [m for m in catalogue.measures if m.id in self._measures]
        if clashes:
            self.register(clashes[0], catalogue.origin)  # raises, naming the clash
        for measure in catalogue.measures:
            self.register(measure, catalogue.origin)
        return catalogue

    def get(self, measure_id: str) -> Measure:
        """The measure with ``measure_id``; :class:`NotFound` names close matches."""
        try:
            return self._measures[measure_id]
        except KeyError:
            close = difflib.get_close_matches(measure_id, list(self._measures), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise NotFound(f"no measure {measure_id!r} in the toolbox{hint}") from None

    def all(self) -> tuple[Measure, ...]:
        """Every registered measure, in registration order."""
        return tuple(self._measures.values())

    def filter(
        self,
        *,
        level: str | None = None,
        topic: str | None = None,
        carrier: str | None = None,
        nace: str | None = None,
    ) -> tuple[Measure, ...]:
        """Measures matching every given criterion.

        Parameters
        ----------
        level : {'company', 'park'}, optional
        topic : str, optional
            One of :data:`TOPICS`.
        carrier : str, optional
            One of :data:`CARRIERS`; measures affecting it (or any carrier).
        nace : str, optional
            A company's NACE Rev. 2 code at any level (``23.51``, ``2351``, ``23``, ``C``);
            measures listing it, one of its parents, or any activity.
        """
        for name, given, allowed in (
            ("level", level, LEVELS),
            ("topic", topic, TOPICS),
            ("carrier", carrier, CARRIERS),
        ):
            if given is not None and given not in allowed:
                raise ValueError(f"unknown {name} {given!r}; choose one of {', '.join(allowed)}")
        code = normalise_code(nace) if nace is not None else None
        return tuple(
            m
            for m in self._measures.values()
            if (level is None or m.level == level)
            and (topic is None or m.topic == topic)
            and (carrier is None or m.applicability.affects(carrier))
            and (code is None or m.applicability.applies_to_nace(code))
        )


def default_registry() -> MeasureRegistry:
    """A new registry holding the built-in catalogue, loaded as a user's file would be."""
    registry = MeasureRegistry()
    registry.load()
    return registry
