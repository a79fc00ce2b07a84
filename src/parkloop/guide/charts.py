"""Chart geometry for the park report, and the same charts as self-contained SVG.

The layouts are plain data in abstract drawing units (SVG pixels); the HTML report writes them
as SVG here and the PDF report draws the same geometry with fpdf2's primitives, so both show
the same picture. Everything is deterministic: order follows the input, never a set or a hash.

Sankey layout
    Links with the same (source, target) are added up. When the links form no cycle, a node's
    column is the length of the longest path reaching it (sources at the left); otherwise the
    chart is drawn in two columns, suppliers at the left and receivers at the right, so a node
    that both gives and receives appears on both sides. Within a column nodes keep the order
    of their first appearance. One scale k [units per value] serves every column:
    k = min over columns of (height - gaps) / column total, and a node's height is
    k * max(inflow, outflow); a band's thickness is k * link value.

Bar chart
    One row per item; the bar runs from zero to the central value, a whisker from low to high.
    The axis spans min(0, all values) to max(0, all values).

Examples
--------
>>> layout = sankey_layout([SankeyLink("A", "B", 2.0), SankeyLink("B", "C", 1.0)])
>>> [(n.label, n.column) for n in layout.nodes]
[('A', 0), ('B', 1), ('C', 2)]
>>> sankey_svg(layout, "MWh").startswith("<svg")
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: Fixed colours (colour-blind safe palette of Okabe and Ito, 2008), cycled by node order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
POSITIVE = "#009E73"
NEGATIVE = "#D55E00"


@dataclass(frozen=True)
class SankeyLink:
    """A flow from ``source`` to ``target`` of ``value`` (in the unit of its chart, >= 0)."""

    source: str
    target: str
    value: float


@dataclass(frozen=True)
class SankeyNode:
    label: str
    column: int
    x: float
    y: float
    width: float
    height: float
    value: float
    colour: str


@dataclass(frozen=True)
class SankeyBand:
    """A link drawn from the right edge of its source to the left edge of its target."""

    source: str
    target: str
    value: float
    x0: float
    y0: float
    x1: float
    y1: float
    thickness: float
    colour: str


@dataclass(frozen=True)
class SankeyLayout:
    width: float
    height: float
    nodes: tuple[SankeyNode, ...]
    bands: tuple[SankeyBand, ...]
    cyclic: bool


def _merge(links: Sequence[SankeyLink]) -> list[tuple[str, str, float]]:
    """Add up links with the same ends; drop zero values and self-loops (not drawable)."""
    totals: dict[tuple[str, str], float] = {}
    for link in links:
        if link.value > 0 and link.source != link.target:
            key = (link.source, link.target)
            totals[key] = totals.get(key, 0.0) + link.value
    return [(s, t, v) for (s, t), v in totals.items()]


def _columns(merged: list[tuple[str, str, float]]) -> dict[str, int] | None:
    """Longest-path column of every node, or ``None`` when the links contain a cycle."""
    order = list(dict.fromkeys(name for s, t, _ in merged for name in (s, t)))
    incoming = {name: 0 for name in order}
    for _, target, _ in merged:
        incoming[target] += 1
    column = dict.fromkeys(order, 0)
    ready = [name for name in order if incoming[name] == 0]
    seen = 0
    while ready:
        name = ready.pop(0)
        seen += 1
        for source, target, _ in merged:
            if source == name:
                column[target] = max(column[target], column[name] + 1)
                incoming[target] -= 1
                if incoming[target] == 0:
                    ready.append(target)
    return column if seen == len(order) else None


def sankey_layout(
    links: Sequence[SankeyLink],
    *,
    width: float = 720.0,
    node_width: float = 14.0,
    gap: float = 12.0,
    row_height: float = 34.0,
    min_height: float = 180.0,
    margin: float = 8.0,
) -> SankeyLayout:
    """Place nodes and bands of a Sankey diagram (see the module notes for the method).

    Parameters
    ----------
    links : sequence of SankeyLink
        Flows in one unit; zero values and self-loops are not drawn.
    width, node_width, gap, row_height, min_height, margin : float
        Drawing sizes [drawing units]; the height is ``max(min_height, row_height * n)`` for
        the column with the most nodes ``n``, plus margins.

    Returns
    -------
    SankeyLayout
    """
    merged = _merge(links)
    columns = _columns(merged)
    cyclic = columns is None
    if columns is None:  # two columns: suppliers left (key "<"), receivers right (key ">")
        merged = [("<" + s, ">" + t, v) for s, t, v in merged]
        columns = {name: (0 if name[0] == "<" else 1) for s, t, _ in merged for name in (s, t)}
    names = list(columns)
    out_total = dict.fromkeys(names, 0.0)
    in_total = dict.fromkeys(names, 0.0)
    for source, target, value in merged:
        out_total[source] += value
        in_total[target] += value
    value_of = {name: max(out_total[name], in_total[name]) for name in names}
    n_columns = max(columns.values(), default=0) + 1
    by_column = [[name for name in names if columns[name] == c] for c in range(n_columns)]
    inner = max(min_height, row_height * max((len(c) for c in by_column), default=1))
    height = inner + 2 * margin
    scale = min(
        (
            (inner - gap * (len(col) - 1)) / math.fsum(value_of[n] for n in col)
            for col in by_column
            if col
        ),
        default=0.0,
    )
    step = (width - 2 * margin - node_width) / max(n_columns - 1, 1)
    nodes: dict[str, SankeyNode] = {}
    for c, col in enumerate(by_column):
        used = math.fsum(value_of[n] * scale for n in col) + gap * (len(col) - 1)
        y = margin + (inner - used) / 2
        for name in col:
            index = len(nodes)
            nodes[name] = SankeyNode(
                label=name[1:] if cyclic else name,
                column=c,
                x=margin + c * step,
                y=y,
                width=node_width,
                height=value_of[name] * scale,
                value=value_of[name],
                colour=PALETTE[index % len(PALETTE)],
            )
            y += value_of[name] * scale + gap
    out_offset = dict.fromkeys(names, 0.0)
    in_offset = dict.fromkeys(names, 0.0)
    bands: list[SankeyBand] = []
    for source, target, value in merged:
        src, tgt = nodes[source], nodes[target]
        thickness = value * scale
        bands.append(
            SankeyBand(
                source=src.label,
                target=tgt.label,
                value=value,
                x0=src.x + src.width,
                y0=src.y + out_offset[source],
                x1=tgt.x,
                y1=tgt.y + in_offset[target],
                thickness=thickness,
                colour=src.colour,
            )
        )
        out_offset[source] += thickness
        in_offset[target] += thickness
    return SankeyLayout(width, height, tuple(nodes.values()), tuple(bands), cyclic)


def band_outline(band: SankeyBand, samples: int = 16) -> list[tuple[float, float]]:
    """The band as a polygon: its upper cubic Bezier edge, then the lower one back.

    Both edges are the curve B(t) with control points (x0, y), (xm, y), (xm, y'), (x1, y')
    and xm = (x0 + x1) / 2, sampled at ``samples + 1`` points.
    """
    xm = (band.x0 + band.x1) / 2

    def edge(y_start: float, y_end: float) -> list[tuple[float, float]]:
        points = []
        for i in range(samples + 1):
            t = i / samples
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
            x = a * band.x0 + b * xm + c * xm + d * band.x1
            y = (a + b) * y_start + (c + d) * y_end
            points.append((x, y))
        return points

    top = edge(band.y0, band.y1)
    bottom = edge(band.y0 + band.thickness, band.y1 + band.thickness)
    return top + bottom[::-1]


def _n(value: float) -> str:
    """A coordinate with two decimals and no negative zero."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def shorten(text: str, limit: int = 36) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for chart labels.

    Examples
    --------
    >>> shorten("Waste heat from the brewery to the greenhouse", 20)
    'Waste heat from the…'
    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def format_number(value: float) -> str:
    """A figure for the report: thousands separated by commas, fewer decimals when large.

    Examples
    --------
    >>> format_number(12345.678), format_number(12.345), format_number(0.0123), format_number(-0.0)
    ('12,346', '12.3', '0.012', '0')
    """
    magnitude = abs(value)
    if magnitude >= 100 or value == int(value):
        text = f"{value:,.0f}"
    elif magnitude >= 1:
        text = f"{value:,.1f}"
    else:
        text = f"{value:.2g}"
    return "0" if text in ("-0", "-0.0") else text


def sankey_svg(layout: SankeyLayout, unit: str, title: str = "") -> str:
    """The layout as an SVG element; every label is escaped."""
    heading = escape(title or f"Flows [{unit}]")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(layout.width)} '
        f'{_n(layout.height)}" role="img" class="chart sankey"><title>{heading}</title>'
    ]
    for band in layout.bands:
        xm = (band.x0 + band.x1) / 2
        y0b, y1b = band.y0 + band.thickness, band.y1 + band.thickness
        path = (
            f"M{_n(band.x0)},{_n(band.y0)} C{_n(xm)},{_n(band.y0)} {_n(xm)},{_n(band.y1)} "
            f"{_n(band.x1)},{_n(band.y1)} L{_n(band.x1)},{_n(y1b)} C{_n(xm)},{_n(y1b)} "
            f"{_n(xm)},{_n(y0b)} {_n(band.x0)},{_n(y0b)} Z"
        )
        tip = f"{band.source} \u2192 {band.target}: {format_number(band.value)} {unit}"
        parts.append(
            f'<path d="{path}" fill="{band.colour}" fill-opacity="0.35">'
            f"<title>{escape(tip)}</title></path>"
        )
    last = max((node.column for node in layout.nodes), default=0)
    for node in layout.nodes:
        tip = f"{node.label}: {format_number(node.value)} {unit}"
        parts.append(
            f'<rect x="{_n(node.x)}" y="{_n(node.y)}" width="{_n(node.width)}" '
            f'height="{_n(max(node.height, 1.0))}" fill="{node.colour}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        right = node.column < last or last == 0
        x = node.x + node.width + 4 if right else node.x - 4
        parts.append(
            f'<text x="{_n(x)}" y="{_n(node.y + node.height / 2)}" dy="0.35em" '
            f'text-anchor="{"start" if right else "end"}">{escape(shorten(node.label, 28))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class BarItem:
    """A row of the bar chart: a central value and an optional low-high range."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class BarRow:
    label: str
    value: float
    y: float
    x_zero: float
    x_value: float
    x_low: float | None
    x_high: float | None
    colour: str


@dataclass(frozen=True)
class BarLayout:
    width: float
    height: float
    label_width: float
    bar_height: float
    axis_min: float
    axis_max: float
    x_min: float
    x_max: float
    x_zero: float
    axis_y: float
    rows: tuple[BarRow, ...]


def bar_layout(
    items: Sequence[BarItem],
    *,
    width: float = 720.0,
    label_width: float = 240.0,
    row_height: float = 26.0,
    bar_height: float = 14.0,
    axis_height: float = 24.0,
    margin: float = 8.0,
) -> BarLayout:
    """Place one horizontal bar per item on a common axis through zero.

    Parameters
    ----------
    items : sequence of BarItem
        Rows in the order to draw them.
    width, label_width, row_height, bar_height, axis_height, margin : float
        Drawing sizes [drawing units].

    Returns
    -------
    BarLayout
    """
    ends = [0.0]
    for item in items:
        ends.extend(v for v in (item.value, item.low, item.high) if v is not None)
    lo, hi = min(ends), max(ends)
    if hi == lo:
        hi = lo + 1.0
    left = margin + label_width
    span = width - left - margin

    def x(value: float) -> float:
        return left + (value - lo) / (hi - lo) * span

    rows = tuple(
        BarRow(
            label=item.label,
            value=item.value,
            y=margin + i * row_height + (row_height - bar_height) / 2,
            x_zero=x(0.0),
            x_value=x(item.value),
            x_low=x(item.low) if item.low is not None else None,
            x_high=x(item.high) if item.high is not None else None,
            colour=POSITIVE if item.value >= 0 else NEGATIVE,
        )
        for i, item in enumerate(items)
    )
    axis_y = margin + row_height * len(items)
    return BarLayout(
        width=width,
        height=axis_y + axis_height + margin,
        label_width=label_width,
        bar_height=bar_height,
        axis_min=lo,
        axis_max=hi,
        x_min=left,
        x_max=left + span,
        x_zero=x(0.0),
        axis_y=axis_y,
        rows=rows,
    )


def axis_labels(layout: BarLayout, unit: str) -> list[tuple[float, str, str]]:
    """Labels under the axis: (x, text, anchor) for its ends, the unit at the right end, and
    zero when it lies inside the axis and at least 60 units from both ends."""
    labels = [
        (layout.x_min, format_number(layout.axis_min), "start"),
        (layout.x_max, f"{format_number(layout.axis_max)} {unit}", "end"),
    ]
    clear = min(layout.x_zero - layout.x_min, layout.x_max - layout.x_zero) >= 60
    if layout.axis_min < 0 < layout.axis_max and clear:
        labels.append((layout.x_zero, "0", "middle"))
    return labels


def bar_svg(layout: BarLayout, unit: str, title: str = "") -> str:
    """The bar chart as an SVG element, with the axis ends and zero labelled."""
    heading = escape(title or f"Values [{unit}]")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(layout.width)} '
        f'{_n(layout.height)}" role="img" class="chart bars"><title>{heading}</title>'
    ]
    for row in layout.rows:
        x0, x1 = sorted((row.x_zero, row.x_value))
        mid = row.y + layout.bar_height / 2
        tip = f"{row.label}: {format_number(row.value)} {unit}"
        parts.append(
            f'<text x="{_n(layout.label_width)}" y="{_n(mid)}" dy="0.35em" '
            f'text-anchor="end">{escape(shorten(row.label))}</text>'
            f'<rect x="{_n(x0)}" y="{_n(row.y)}" width="{_n(max(x1 - x0, 0.5))}" '
            f'height="{_n(layout.bar_height)}" fill="{row.colour}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        if row.x_low is not None and row.x_high is not None:
            parts.append(
                f'<line x1="{_n(row.x_low)}" y1="{_n(mid)}" x2="{_n(row.x_high)}" '
                f'y2="{_n(mid)}" stroke="#333" stroke-width="1.5"/>'
            )
    parts.append(
        f'<line x1="{_n(layout.x_min)}" y1="{_n(layout.axis_y)}" x2="{_n(layout.x_max)}" '
        f'y2="{_n(layout.axis_y)}" stroke="#333" stroke-width="1"/>'
        f'<line x1="{_n(layout.x_zero)}" y1="4" x2="{_n(layout.x_zero)}" '
        f'y2="{_n(layout.axis_y)}" stroke="#333" stroke-width="1"/>'
    )
    for x, text, anchor in axis_labels(layout, unit):
        parts.append(
            f'<text x="{_n(x)}" y="{_n(layout.axis_y + 16)}" text-anchor="{anchor}">'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
