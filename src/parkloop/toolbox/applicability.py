"""Whether a measure of the catalogue fits a company or a park, and why.

Each rule of a measure's ``applicability`` is checked against what is known about the site:

- sector: the company's NACE Rev. 2 code falls under a listed section or division (or the
  measure applies to any sector); for a park, at least one company does;
- carriers: the site used at least one carrier the measure changes in the year;
- temperature: at least one of the site's flow temperatures lies in the measure's range;
- size: the site's size in the threshold's unit reaches the threshold.

A rule the site clearly fails rules the measure out. A rule that cannot be checked because the
data are missing (no energy rows for the year, no flow temperatures, a size in a unit the
workbook does not hold) leaves the measure in, with a sentence on what to check. Sizes are never
converted between units: that would need operating hours or boiler data nobody gave.

Examples
--------
>>> from parkloop.reference.measures import default_registry
>>> site = Site("C1", ("10.51",), {"electricity": 2400.0}, 2023)
>>> result = assess(default_registry().get("compressed_air_leak_repair"), site)
>>> result.applies, result.reasons
(True, ('uses 2,400 MWh electricity in 2023', 'compressed air measures apply to any sector'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from parkloop.reference.measures import Measure, SizeThreshold, TemperatureRange
from parkloop.reference.nace import load_nace


@dataclass(frozen=True)
class FlowTemperature:
    """A temperature a site works at [degC], e.g. of a listed heat flow."""

    label: str
    temperature_c: float


@dataclass(frozen=True)
class Site:
    """What the recommender knows about a company, or about a park as a whole.

    ``nace`` holds one code for a company and every company's code for a park; ``energy_mwh``
    is the final energy used per carrier in ``year`` [MWh] (on-site generation left out);
    ``sizes`` maps a unit (``'boiler hp'``, ``'employees'``...) to the site's size in it.
    """

    label: str
    nace: tuple[str, ...]
    energy_mwh: Mapping[str, float]
    year: int | None
    temperatures: tuple[FlowTemperature, ...] = ()
    sizes: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    """The outcome for one measure: ``applies`` and why, what to check, or why not."""

    measure_id: str
    applies: bool
    reasons: tuple[str, ...]
    to_check: tuple[str, ...]
    rejections: tuple[str, ...]


def fmt_quantity(value: float) -> str:
    """A quantity for a sentence: thousands separated, no spurious digits.

    Examples
    --------
    >>> fmt_quantity(2400.0), fmt_quantity(12.345), fmt_quantity(0.5)
    ('2,400', '12.3', '0.5')
    """
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


_TOPIC_WORDS = {"motors_drives": "motor and drive", "hvac": "HVAC"}


def _topic_words(measure: Measure) -> str:
    return _TOPIC_WORDS.get(measure.topic, measure.topic.replace("_", " "))


def join_words(items: list[str]) -> str:
    """``'a'``, ``'a and b'``, ``'a, b and c'``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _sector(measure: Measure, site: Site) -> tuple[list[str], list[str]]:
    """(reasons, rejections) of the NACE rule."""
    listed = measure.applicability.nace
    if listed is None:
        return [f"{_topic_words(measure)} measures apply to any sector"], []
    codes = ", ".join(listed)
    hits = [code for code in site.nace if measure.applicability.applies_to_nace(code)]
    if not hits:
        activity = " or ".join(site.nace) if site.nace else "no NACE code"
        return [], [f"NACE {activity} is outside the sectors listed for this measure ({codes})"]
    if len(site.nace) == 1:
        item = load_nace().get(hits[0])
        return [f"NACE {hits[0]} ({item.description}) is in a listed sector ({codes})"], []
    return [f"{len(hits)} companies are in a listed sector ({codes})"], []


def used_carriers(measure: Measure, site: Site) -> tuple[str, ...]:
    """The carriers the site used in the year that the measure changes, in the site's order."""
    return tuple(
        carrier
        for carrier, mwh in site.energy_mwh.items()
        if mwh > 0 and measure.applicability.affects(carrier)
    )


def _carriers(measure: Measure, site: Site) -> tuple[list[str], list[str], list[str]]:
    """(reasons, to_check, rejections) of the carrier rule."""
    listed = measure.applicability.carriers
    year = f"in {site.year}" if site.year is not None else "in any year"
    if not any(mwh > 0 for mwh in site.energy_mwh.values()):
        if listed is None:
            return [], [], []
        return [], [f"no energy use recorded {year}: check the use of {', '.join(listed)}"], []
    used = used_carriers(measure, site)
    if not used:
        assert listed is not None  # any carrier would have matched a recorded use
        return [], [], [f"uses none of {', '.join(listed)} {year}"]
    parts = [f"{fmt_quantity(site.energy_mwh[c])} MWh {c}" for c in used]
    return [f"uses {join_words(parts)} {year}"], [], []


def _range_text(limits: TemperatureRange) -> str:
    if limits.min_c is not None and limits.max_c is not None:
        return f"{limits.min_c:g}-{limits.max_c:g} °C"
    if limits.min_c is not None:
        return f"at least {limits.min_c:g} °C"
    return f"up to {limits.max_c:g} °C"


def _inside(value: float, limits: TemperatureRange) -> bool:
    above = limits.min_c is None or value >= limits.min_c
    below = limits.max_c is None or value <= limits.max_c
    return above and below


def _temperature(measure: Measure, site: Site) -> tuple[list[str], list[str], list[str]]:
    """(reasons, to_check, rejections) of the temperature rule."""
    limits = measure.applicability.temperature_c
    if limits is None:
        return [], [], []
    span = _range_text(limits)
    if not site.temperatures:
        return [], [f"no flow temperatures known: the measure works at {span}"], []
    inside = [t for t in site.temperatures if _inside(t.temperature_c, limits)]
    if not inside:
        listed = ", ".join(f"{t.temperature_c:g} °C" for t in site.temperatures)
        return [], [], [f"no flow temperature ({listed}) is in the measure's range {span}"]
    names = ", ".join(f"{t.label} at {t.temperature_c:g} °C" for t in inside)
    return [f"{names} in the measure's range {span}"], [], []


def _size(measure: Measure, site: Site) -> tuple[list[str], list[str], list[str]]:
    """(reasons, to_check, rejections) of the size rule."""
    threshold: SizeThreshold | None = measure.applicability.min_size
    if threshold is None:
        return [], [], []
    wanted = f"{threshold.quantity:g} {threshold.unit} ({threshold.of})"
    if threshold.unit not in site.sizes:
        return [], [f"worth it from {wanted}; the size in {threshold.unit} is not known"], []
    size = site.sizes[threshold.unit]
    if size < threshold.quantity:
        return [], [], [f"{size:g} {threshold.unit} is below {wanted}"]
    return [f"{size:g} {threshold.unit} reaches {wanted}"], [], []


def assess(measure: Measure, site: Site) -> Assessment:
    """Check every applicability rule of ``measure`` against ``site``.

    Parameters
    ----------
    measure : Measure
        A measure of the catalogue.
    site : Site
        A company, or a park as a whole.

    Returns
    -------
    Assessment
        ``applies`` is False when any rule is clearly failed (``rejections`` say which);
        ``to_check`` lists the rules the data could not decide.
    """
    sector_reasons, sector_rejections = _sector(measure, site)
    carrier_reasons, carrier_checks, carrier_rejections = _carriers(measure, site)
    temp_reasons, temp_checks, temp_rejections = _temperature(measure, site)
    size_reasons, size_checks, size_rejections = _size(measure, site)
    rejections = sector_rejections + carrier_rejections + temp_rejections + size_rejections
    return Assessment(
        measure_id=measure.id,
        applies=not rejections,
        reasons=tuple(carrier_reasons + sector_reasons + temp_reasons + size_reasons),
        to_check=tuple(carrier_checks + temp_checks + size_checks),
        rejections=tuple(rejections),
    )
