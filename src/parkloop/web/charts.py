"""Chart geometry for the pages, drawn as inline SVG (no script, allowed by a strict CSP).

Pure functions: they take numbers and labels and return shapes in pixel coordinates; the
templates only place them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PALETTE = ("#0f5132", "#2a7f62", "#d17a22", "#3b6ea8", "#8a5a9e", "#b3261e", "#6b7f7c")


@dataclass(frozen=True)
class SankeyNode:
    label: str
    value: float
    x: float
    y: float
    height: float
    colour: str


@dataclass(frozen=True)
class SankeyLink:
    source: str
    target: str
    value: float
    path: str  # SVG path of the band's centre line
    thickness: float
    colour: str


@dataclass(frozen=True)
class Sankey:
    width: float
    height: float
    nodes: tuple[SankeyNode, ...]
    links: tuple[SankeyLink, ...]


def sankey(
    links: Sequence[tuple[str, str, float]],
    width: float = 760.0,
    height: float = 360.0,
    node_width: float = 14.0,
    gap: float = 10.0,
) -> Sankey:
    """Lay out a two-column Sankey diagram: sources on the left, targets on the right.

    Band thickness is proportional to the value; both columns use one scale, so a node is as
    tall as the sum of its bands.

    >>> s = sankey([("a", "x", 3.0), ("b", "x", 1.0)], width=100, height=100, gap=0)
    >>> [round(n.height) for n in s.nodes]
    [75, 25, 100]
    """
    kept = [(s, t, v) for s, t, v in links if v > 0]
    if not kept:
        return Sankey(width, height, (), ())
    sources: dict[str, float] = {}
    targets: dict[str, float] = {}
    for s, t, v in kept:
        sources[s] = sources.get(s, 0.0) + v
        targets[t] = targets.get(t, 0.0) + v
    total = sum(sources.values())
    spare = max(len(sources), len(targets)) - 1
    scale = (height - gap * spare) / total
    nodes: dict[tuple[str, str], SankeyNode] = {}
    for side, values, x in (("s", sources, 0.0), ("t", targets, width - node_width)):
        y = 0.0
        for i, (label, value) in enumerate(sorted(values.items(), key=lambda kv: -kv[1])):
            colour = PALETTE[i % len(PALETTE)] if side == "s" else "#6b7f7c"
            nodes[(side, label)] = SankeyNode(label, value, x, y, value * scale, colour)
            y += value * scale + gap
    offset_out = {label: 0.0 for label in sources}
    offset_in = {label: 0.0 for label in targets}
    bands = []
    order = sorted(kept, key=lambda link: (nodes[("s", link[0])].y, nodes[("t", link[1])].y))
    for s, t, v in order:
        a, b = nodes[("s", s)], nodes[("t", t)]
        thickness = v * scale
        y0 = a.y + offset_out[s] + thickness / 2
        y1 = b.y + offset_in[t] + thickness / 2
        offset_out[s] += thickness
        offset_in[t] += thickness
        x0, x1 = a.x + node_width, b.x
        middle = (x0 + x1) / 2
        path = f"M{x0:.1f},{y0:.1f} C{middle:.1f},{y0:.1f} {middle:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        bands.append(SankeyLink(s, t, v, path, max(thickness, 0.5), a.colour))
    return Sankey(width, height, tuple(nodes.values()), tuple(bands))


@dataclass(frozen=True)
class Series:
    label: str
    points: str  # SVG polyline points
    colour: str
    last: float


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    series: tuple[Series, ...]
    y_max: float
    x_labels: tuple[tuple[float, str], ...]


def step_chart(
    data: Mapping[str, Sequence[tuple[dt.date, float]]],
    width: float = 760.0,
    height: float = 220.0,
) -> LineChart:
    """Step lines of values over time (each series holds its value until the next point).

    >>> c = step_chart({"a": [(dt.date(2026, 1, 1), 1.0), (dt.date(2026, 3, 1), 2.0)]},
    ...                width=100, height=100)
    >>> c.series[0].points
    '0.0,50.0 100.0,50.0 100.0,0.0'
    """
    dates = sorted({d for points in data.values() for d, _ in points})
    if not dates:
        return LineChart(width, height, (), 0.0, ())
    start, end = dates[0], dates[-1]
    span = max((end - start).days, 1)
    y_max = max((v for points in data.values() for _, v in points), default=0.0) or 1.0

    def x(day: dt.date) -> float:
        return (day - start).days / span * width

    def y(value: float) -> float:
        return height - value / y_max * height

    out = []
    for i, (label, points) in enumerate(data.items()):
        ordered = sorted(points)
        coords: list[str] = []
        for j, (day, value) in enumerate(ordered):
            if j:
                coords.append(f"{x(day):.1f},{y(ordered[j - 1][1]):.1f}")
            coords.append(f"{x(day):.1f},{y(value):.1f}")
        if ordered and ordered[-1][0] < end:
            coords.append(f"{x(end):.1f},{y(ordered[-1][1]):.1f}")
        last = ordered[-1][1] if ordered else 0.0
        out.append(Series(label, " ".join(coords), PALETTE[i % len(PALETTE)], last))
    labels = ((0.0, start.isoformat()), (width, end.isoformat()))
    return LineChart(width, height, tuple(out), y_max, labels)
