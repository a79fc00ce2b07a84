"""The flows map of the park report: company sites as dots, exchanges between them as lines.

The report is read offline, so there are no map tiles: the sites are placed on a plain
projection of their coordinates, with a scale bar in km and a north arrow. The layout is plain
data in drawing units (SVG pixels); :func:`map_svg` writes it as SVG for the HTML report and
the PDF report draws the same geometry with fpdf2.

Projection
    Equirectangular around the park centre (lat0, lon0), the middle of the sites' bounding
    box, with angles in radians and R the mean Earth radius::

        x = R (lon - lon0) cos(lat0)    [km, east]
        y = R (lat - lat0)              [km, north]

    Across an industrial park (a few km) the distortion of lengths is far below the size of
    a dot; the scale bar holds for the whole map. Distances in the exchange table are great-
    circle distances (haversine) between the two sites.

Lines
    Exchanges with the same (source, target) pair are drawn as one line, solid when any of
    them is implemented and dashed otherwise; an arrowhead at the middle points to the
    receiver. Each line is moved a few units to its right-hand side, so that exchanges in both
    directions between two sites stay apart.

Examples
--------
>>> layout = map_layout(
...     [MapSite("C01", 55.700, 9.560), MapSite("C02", 55.710, 9.540)],
...     [MapLink("C01", "C02", "Steam", "implemented")],
... )
>>> [dot.id for dot in layout.dots], layout.lines[0].dashed, layout.scale_bar.label
(['C01', 'C02'], False, '0.5 km')
>>> map_svg(layout).startswith("<svg")
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from parkloop.guide.charts import format_number
from parkloop.matching.geo import EARTH_RADIUS_KM, haversine_km

__all__ = [
    "IMPLEMENTED",
    "MapDot",
    "MapLayout",
    "MapLine",
    "MapLink",
    "MapSite",
    "ScaleBar",
    "exchange_rows",
    "legend_items",
    "map_layout",
    "map_svg",
    "nice_length",
    "project_km",
]

IMPLEMENTED = "implemented"
DOT_COLOUR = "#E69F00"
DONE_COLOUR = "#009E73"  # implemented exchanges (Okabe-Ito green, as in charts.PALETTE)
OPEN_COLOUR = "#0072B2"  # exchanges still being worked on (Okabe-Ito blue)
FRAME_FILL = "#F4F7FA"
OFFSET = 3.0  # [drawing units] sideways shift of every line, to its right-hand side
MIN_EXTENT_KM = 1.0  # a single site, or sites on one line, still get a frame this wide
LABEL_ROOM = 24.0  # [drawing units] kept free at the right for the labels of the last dots


@dataclass(frozen=True)
class MapSite:
    """A company on the map: its workbook id (the label) and site [degrees, WGS 84]."""

    id: str
    lat: float
    lon: float


@dataclass(frozen=True)
class MapLink:
    """An exchange (a synergy) from the supplying company to the receiving one, by id.

    ``source_label`` and ``target_label`` are the companies as the report's reader may see
    them (the same labels as in the synergy table); empty: the id alone.
    """

    source: str
    target: str
    resource: str
    status: str
    source_label: str = ""
    target_label: str = ""


@dataclass(frozen=True)
class MapDot:
    id: str
    x: float
    y: float


@dataclass(frozen=True)
class MapLine:
    """One drawn line: its ends, the resources it carries, and its arrowhead (a triangle)."""

    source: str
    target: str
    resources: tuple[str, ...]
    implemented: bool
    x0: float
    y0: float
    x1: float
    y1: float
    arrow: tuple[tuple[float, float], ...]
    distance_km: float

    @property
    def colour(self) -> str:
        return DONE_COLOUR if self.implemented else OPEN_COLOUR

    @property
    def dashed(self) -> bool:
        return not self.implemented


@dataclass(frozen=True)
class ScaleBar:
    """A bar ``length`` drawing units long that stands for ``km`` kilometres."""

    x: float
    y: float
    length: float
    km: float
    label: str


@dataclass(frozen=True)
class MapLayout:
    """Everything the map draws; ``units_per_km`` is the scale of the projection."""

    width: float
    height: float
    margin: float
    units_per_km: float
    dots: tuple[MapDot, ...]
    lines: tuple[MapLine, ...]
    scale_bar: ScaleBar
    north: tuple[tuple[float, float], ...]  # arrow triangle, tip first
    north_label: tuple[float, float]  # where the "N" goes (its baseline centre)
    legend: tuple[tuple[str, bool, str], ...]  # (colour, dashed, text)


def project_km(lat: float, lon: float, lat0: float, lon0: float) -> tuple[float, float]:
    """(east, north) [km] of a point from (lat0, lon0), equirectangular (module notes).

    Examples
    --------
    >>> x, y = project_km(55.01, 9.0, 55.0, 9.0)
    >>> round(x, 6), round(y, 3)
    (0.0, 1.112)
    """
    x = EARTH_RADIUS_KM * math.radians(lon - lon0) * math.cos(math.radians(lat0))
    return x, EARTH_RADIUS_KM * math.radians(lat - lat0)


def nice_length(limit: float) -> float:
    """The largest 1, 2 or 5 times a power of ten that is at most ``limit`` (> 0).

    Examples
    --------
    >>> nice_length(0.73), nice_length(3.9), nice_length(20.0)
    (0.5, 2.0, 20.0)
    """
    power = 10.0 ** math.floor(math.log10(limit))
    return max(step * power for step in (1.0, 2.0, 5.0) if step * power <= limit * (1 + 1e-9))


def _arrow(x0: float, y0: float, x1: float, y1: float) -> tuple[tuple[float, float], ...]:
    length = math.hypot(x1 - x0, y1 - y0)
    if length < 1e-9:
        return ()
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    return (
        (mx + 6 * ux, my + 6 * uy),
        (mx - 4 * ux - 4 * uy, my - 4 * uy + 4 * ux),
        (mx - 4 * ux + 4 * uy, my - 4 * uy - 4 * ux),
    )


def map_layout(
    sites: Sequence[MapSite],
    links: Sequence[MapLink] = (),
    *,
    width: float = 720.0,
    max_height: float = 440.0,
    min_height: float = 240.0,
    margin: float = 28.0,
    footer: float = 30.0,
) -> MapLayout:
    """Place the sites and their exchanges on the map (see the module notes for the method).

    Parameters
    ----------
    sites : sequence of MapSite
        At least one; ids must be unique.
    links : sequence of MapLink
        Exchanges between listed sites; self-exchanges are not drawn.
    width, max_height, min_height, margin, footer : float
        Drawing sizes [drawing units]; ``footer`` is the strip under the sites for the scale
        bar and the legend.

    Returns
    -------
    MapLayout

    Raises
    ------
    ValueError
        When there is no site, an id repeats or a link names an unknown site.
    """
    if not sites:
        raise ValueError("the flows map needs at least one site")
    by_id = {site.id: site for site in sites}
    if len(by_id) != len(sites):
        raise ValueError("the flows map needs unique site ids")
    for link in links:
        for end in (link.source, link.target):
            if end not in by_id:
                raise ValueError(f"map link {link.source}->{link.target}: no site {end!r}")
    lats = [s.lat for s in sites]
    lons = [s.lon for s in sites]
    lat0, lon0 = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    km = {s.id: project_km(s.lat, s.lon, lat0, lon0) for s in sites}
    xs = [p[0] for p in km.values()]
    ys = [p[1] for p in km.values()]
    extent_x = max(max(xs) - min(xs), MIN_EXTENT_KM)
    extent_y = max(max(ys) - min(ys), MIN_EXTENT_KM)
    inner_w = width - 2 * margin - LABEL_ROOM
    scale = min(inner_w / extent_x, (max_height - 2 * margin - footer) / extent_y)
    height = max(min_height, extent_y * scale + 2 * margin + footer)
    cx, cy = (width - LABEL_ROOM) / 2, (height - footer) / 2
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def place(site_id: str) -> tuple[float, float]:
        x, y = km[site_id]
        return cx + (x - mid_x) * scale, cy - (y - mid_y) * scale

    dots = tuple(MapDot(s.id, *place(s.id)) for s in sites)
    grouped: dict[tuple[str, str], list[MapLink]] = {}
    for link in links:
        if link.source != link.target:
            grouped.setdefault((link.source, link.target), []).append(link)
    lines = []
    for (source, target), group in grouped.items():
        (x0, y0), (x1, y1) = place(source), place(target)
        length = math.hypot(x1 - x0, y1 - y0)
        if length > 1e-9:  # shift to the right-hand side of the direction of travel
            nx, ny = -(y1 - y0) / length * OFFSET, (x1 - x0) / length * OFFSET
            x0, y0, x1, y1 = x0 + nx, y0 + ny, x1 + nx, y1 + ny
        a, b = by_id[source], by_id[target]
        lines.append(
            MapLine(
                source=source,
                target=target,
                resources=tuple(dict.fromkeys(link.resource for link in group)),
                implemented=any(link.status == IMPLEMENTED for link in group),
                x0=x0,
                y0=y0,
                x1=x1,
                y1=y1,
                arrow=_arrow(x0, y0, x1, y1),
                distance_km=float(haversine_km(a.lat, a.lon, b.lat, b.lon)),
            )
        )
    bar_km = nice_length(inner_w / scale / 4)
    bar = ScaleBar(
        margin, height - footer / 2, bar_km * scale, bar_km, f"{format_number(bar_km)} km"
    )
    tip_x, tip_y = width - 14, 18.0
    north = ((tip_x, tip_y), (tip_x - 5, tip_y + 14), (tip_x + 5, tip_y + 14))
    legend = tuple(
        (colour, dashed, text)
        for colour, dashed, text, shown in (
            (DONE_COLOUR, False, "implemented", any(line.implemented for line in lines)),
            (OPEN_COLOUR, True, "in progress", any(not line.implemented for line in lines)),
        )
        if shown
    )
    return MapLayout(
        width=width,
        height=height,
        margin=margin,
        units_per_km=scale,
        dots=dots,
        lines=tuple(lines),
        scale_bar=bar,
        north=north,
        north_label=(tip_x, tip_y - 3),
        legend=legend,
    )


def _n(value: float) -> str:
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def legend_items(layout: MapLayout) -> list[tuple[float, float, str, bool, str]]:
    """(x, y, colour, dashed, text) of each legend entry, right-aligned in the footer."""
    y = layout.scale_bar.y
    out = []
    x = layout.width - layout.margin - 110 * len(layout.legend)
    for colour, dashed, text in layout.legend:
        out.append((x, y, colour, dashed, text))
        x += 110
    return out


def exchange_rows(
    layout: MapLayout, links: Sequence[MapLink]
) -> tuple[tuple[str, str, str, str, str], ...]:
    """Rows of the exchange table: from, to (id and label), resource, status, distance [km]."""

    def place(site: str, label: str) -> str:
        return site if not label or label == site else f"{site} {label}"

    distance = {(line.source, line.target): line.distance_km for line in layout.lines}
    return tuple(
        (
            place(k.source, k.source_label),
            place(k.target, k.target_label),
            k.resource,
            k.status,
            format_number(distance[k.source, k.target])
            if (k.source, k.target) in distance
            else "\u2013",
        )
        for k in links
    )


def map_svg(layout: MapLayout, title: str = "Flows map") -> str:
    """The map as an SVG element; every label is escaped."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(layout.width)} '
        f'{_n(layout.height)}" role="img" class="chart map"><title>{escape(title)}</title>',
        f'<rect x="0.50" y="0.50" width="{_n(layout.width - 1)}" height="{_n(layout.height - 1)}"'
        f' fill="{FRAME_FILL}" stroke="#999"/>',
    ]
    for line in layout.lines:
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        tip = (
            f"{line.source} \u2192 {line.target}: {', '.join(line.resources)} "
            f"({format_number(line.distance_km)} km)"
        )
        parts.append(
            f'<g><title>{escape(tip)}</title><line x1="{_n(line.x0)}" y1="{_n(line.y0)}" '
            f'x2="{_n(line.x1)}" y2="{_n(line.y1)}" stroke="{line.colour}" '
            f'stroke-width="2.5"{dash}/>'
            + (
                f'<polygon points="{_points(line.arrow)}" fill="{line.colour}"/>'
                if line.arrow
                else ""
            )
            + "</g>"
        )
    for dot in layout.dots:
        parts.append(
            f'<circle cx="{_n(dot.x)}" cy="{_n(dot.y)}" r="4.5" fill="{DOT_COLOUR}" '
            f'stroke="#333" stroke-width="0.8"/><text x="{_n(dot.x + 6)}" y="{_n(dot.y - 5)}" '
            f'font-size="10">{escape(dot.id)}</text>'
        )
    bar = layout.scale_bar
    parts.append(
        f'<rect x="{_n(bar.x)}" y="{_n(bar.y - 3)}" width="{_n(bar.length)}" height="6" '
        f'fill="#333"/><text x="{_n(bar.x + bar.length + 6)}" y="{_n(bar.y)}" dy="0.35em">'
        f"{escape(bar.label)}</text>"
    )
    for x, y, colour, dashed, text in legend_items(layout):
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 28)}" y2="{_n(y)}" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/><text x="{_n(x + 34)}" y="{_n(y)}" dy="0.35em">'
            f"{escape(text)}</text>"
        )
    nx, ny = layout.north_label
    parts.append(
        f'<polygon points="{_points(layout.north)}" fill="#333"/>'
        f'<text x="{_n(nx)}" y="{_n(ny)}" text-anchor="middle" font-weight="bold">N</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
