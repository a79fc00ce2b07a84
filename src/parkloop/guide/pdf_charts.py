"""The report's charts drawn in the PDF with fpdf2, from the same geometry as their SVG.

Chart layouts are in drawing units laid out 720 wide; on the page they take the 180 mm
between the margins (:data:`CHART_UNIT_MM`). The Sankey diagram, the bar chart and the flows
map come with their layouts from :mod:`parkloop.guide.charts` and
:mod:`parkloop.guide.map_chart`; the MACC comes as the curve itself
(:class:`parkloop.toolbox.macc.Macc`) and is placed here by :func:`macc_layout`, with the
same plot area, colours and axes as :func:`parkloop.toolbox.macc.macc_svg`, so that the PDF and
the HTML report show the same picture. The bars keep the order and extent that
:func:`~parkloop.toolbox.macc.macc_curve` gave them: nothing is sorted or summed again here.

Examples
--------
>>> from parkloop.toolbox.macc import MaccItem, macc_curve
>>> curve = macc_curve([MaccItem("a", "A", 10.0, -20.0), MaccItem("b", "B", 30.0, 50.0)])
>>> layout = macc_layout(curve)
>>> [(bar.key, round(bar.x), round(bar.width)) for bar in layout.bars]
[('a', 70, 158), ('b', 228, 472)]
>>> [bar.colour for bar in layout.bars]
['#2e7d32', '#ef6c00']
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from parkloop.guide.charts import (
    BarLayout,
    SankeyLayout,
    axis_labels,
    band_outline,
    format_number,
    shorten,
)
from parkloop.guide.map_chart import DOT_COLOUR, FRAME_FILL, MapLayout, legend_items
from parkloop.toolbox.macc import Macc

__all__ = [
    "CHART_UNIT_MM",
    "FAMILY",
    "ChartLayout",
    "MaccBox",
    "MaccLayout",
    "chart_height",
    "draw_chart",
    "macc_layout",
    "rgb",
]

FAMILY = "ReportSans"
CHART_UNIT_MM = 180.0 / 720.0  # chart drawing units are laid out 720 wide for 180 mm of page
SAVES = "#2e7d32"  # as in parkloop.toolbox.macc.macc_svg: bars of measures that save money
COSTS = "#ef6c00"  # ... and of measures that cost money

ChartLayout = SankeyLayout | BarLayout | MapLayout | Macc


def rgb(colour: str) -> tuple[int, int, int]:
    """``'#RRGGBB'`` as a (red, green, blue) triple of 0-255."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@dataclass(frozen=True)
class MaccBox:
    """One bar of the MACC in drawing units; ``label_y`` is None when the bar is too narrow."""

    key: str
    label: str
    x: float
    y: float
    width: float
    height: float
    colour: str
    label_y: float | None


@dataclass(frozen=True)
class MaccLayout:
    """The MACC placed in a ``width`` x ``height`` drawing: plot area, bars, axis labels."""

    width: float
    height: float
    left: float
    top: float
    plot_width: float
    plot_height: float
    zero_y: float
    bars: tuple[MaccBox, ...]
    y_ticks: tuple[tuple[float, str], ...]  # (y, text) at the cost axis
    total_label: str


def macc_layout(macc: Macc, *, width: float = 720.0, height: float = 400.0) -> MaccLayout:
    """Place the bars of ``macc`` on the plot area of :func:`parkloop.toolbox.macc.macc_svg`.

    Widths are abatement [t CO2e/yr] on a common x scale, heights cost [EUR/t CO2e] on a y
    scale from min(0, costs) to max(0, costs), as in the SVG.

    Raises
    ------
    ValueError
        For a curve without bars (there is nothing to place).
    """
    if not macc.bars:
        raise ValueError("a MACC without costed measures has no bars to place")
    left, right, top, bottom = 70.0, 20.0, 40.0, 50.0
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = max(0.0, *(bar.eur_per_t for bar in macc.bars))
    y_min = min(0.0, *(bar.eur_per_t for bar in macc.bars))
    span = (y_max - y_min) or 1.0
    scale_x = plot_w / macc.total_co2e_t_per_yr

    def y_of(value: float) -> float:
        return top + (y_max - value) / span * plot_h

    zero = y_of(0.0)
    boxes = []
    for bar in macc.bars:
        w = max(bar.co2e_t_per_yr * scale_x, 1.0)
        y = min(zero, y_of(bar.eur_per_t))
        h = max(abs(y_of(bar.eur_per_t) - zero), 1.0)
        label_y = (y - 4 if bar.eur_per_t >= 0 else y + h + 12) if w >= 40 else None
        boxes.append(
            MaccBox(
                key=bar.key,
                label=bar.label,
                x=left + bar.x_start_t * scale_x,
                y=y,
                width=w,
                height=h,
                colour=SAVES if bar.eur_per_t < 0 else COSTS,
                label_y=label_y,
            )
        )
    ticks = tuple((y_of(v), format_number(v)) for v in sorted({y_min, 0.0, y_max}))
    return MaccLayout(
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_w,
        plot_height=plot_h,
        zero_y=zero,
        bars=tuple(boxes),
        y_ticks=ticks,
        total_label=format_number(macc.total_co2e_t_per_yr),
    )


def chart_height(layout: ChartLayout) -> float:
    """Height of a chart [drawing units]."""
    if isinstance(layout, Macc):
        return macc_layout(layout).height
    return layout.height


def _text(pdf: FPDF, x: float, y: float, text: str, anchor: str = "start") -> None:
    width = pdf.get_string_width(text)
    shift = {"start": 0.0, "middle": width / 2, "end": width}[anchor]
    pdf.text(x - shift, y, text)


def _sankey(pdf: FPDF, layout: SankeyLayout, x0: float, y0: float) -> None:
    k = CHART_UNIT_MM
    for band in layout.bands:
        points = [(x0 + x * k, y0 + y * k) for x, y in band_outline(band)]
        with pdf.local_context(fill_opacity=0.35):
            pdf.set_fill_color(*rgb(band.colour))
            pdf.polygon(points, style="F")
    last = max((node.column for node in layout.nodes), default=0)
    pdf.set_font(FAMILY, "", 7)
    for node in layout.nodes:
        pdf.set_fill_color(*rgb(node.colour))
        pdf.rect(x0 + node.x * k, y0 + node.y * k, node.width * k, max(node.height, 1.0) * k, "F")
        label = shorten(node.label, 28)
        mid = y0 + (node.y + node.height / 2) * k + 1.0
        if node.column < last or last == 0:
            pdf.text(x0 + (node.x + node.width + 4) * k, mid, label)
        else:
            pdf.text(x0 + (node.x - 4) * k - pdf.get_string_width(label), mid, label)


def _bars(pdf: FPDF, layout: BarLayout, unit: str, x0: float, y0: float) -> None:
    k = CHART_UNIT_MM
    pdf.set_font(FAMILY, "", 7)
    for row in layout.rows:
        left, right = sorted((row.x_zero, row.x_value))
        label = shorten(row.label)
        mid = y0 + (row.y + layout.bar_height / 2) * k + 1.0
        pdf.text(x0 + layout.label_width * k - pdf.get_string_width(label), mid, label)
        pdf.set_fill_color(*rgb(row.colour))
        width = max(right - left, 0.5) * k
        pdf.rect(x0 + left * k, y0 + row.y * k, width, layout.bar_height * k, "F")
        if row.x_low is not None and row.x_high is not None:
            pdf.line(x0 + row.x_low * k, mid - 1.0, x0 + row.x_high * k, mid - 1.0)
    axis = y0 + layout.axis_y * k
    pdf.line(x0 + layout.x_min * k, axis, x0 + layout.x_max * k, axis)
    pdf.line(x0 + layout.x_zero * k, y0 + 4 * k, x0 + layout.x_zero * k, axis)
    for x, text, anchor in axis_labels(layout, unit):
        _text(pdf, x0 + x * k, axis + 4.0, text, anchor)


def _dashed_line(
    pdf: FPDF, colour: str, dashed: bool, ends: tuple[float, float, float, float]
) -> None:
    pdf.set_draw_color(*rgb(colour))
    pdf.set_line_width(0.6)
    pdf.set_dash_pattern(dash=1.5, gap=1.0) if dashed else pdf.set_dash_pattern()
    pdf.line(*ends)
    pdf.set_dash_pattern()


def _map(pdf: FPDF, layout: MapLayout, x0: float, y0: float) -> None:
    k = CHART_UNIT_MM
    pdf.set_fill_color(*rgb(FRAME_FILL))
    pdf.set_draw_color(153, 153, 153)
    pdf.rect(x0, y0, layout.width * k, layout.height * k, "DF")
    for line in layout.lines:
        ends = (x0 + line.x0 * k, y0 + line.y0 * k, x0 + line.x1 * k, y0 + line.y1 * k)
        _dashed_line(pdf, line.colour, line.dashed, ends)
        if line.arrow:
            pdf.set_fill_color(*rgb(line.colour))
            pdf.polygon([(x0 + x * k, y0 + y * k) for x, y in line.arrow], style="F")
    pdf.set_font(FAMILY, "", 6.5)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(51, 51, 51)
    for dot in layout.dots:
        pdf.set_fill_color(*rgb(DOT_COLOUR))
        pdf.circle(x0 + dot.x * k, y0 + dot.y * k, 4.5 * k, style="DF")
        pdf.text(x0 + (dot.x + 6) * k, y0 + (dot.y - 5) * k, dot.id)
    bar = layout.scale_bar
    pdf.set_fill_color(51, 51, 51)
    pdf.rect(x0 + bar.x * k, y0 + (bar.y - 3) * k, bar.length * k, 6 * k, "F")
    pdf.set_font(FAMILY, "", 7)
    pdf.text(x0 + (bar.x + bar.length + 6) * k, y0 + bar.y * k + 1.0, bar.label)
    for x, y, colour, dashed, text in legend_items(layout):
        ends = (x0 + x * k, y0 + y * k, x0 + (x + 28) * k, y0 + y * k)
        _dashed_line(pdf, colour, dashed, ends)
        pdf.text(x0 + (x + 34) * k, y0 + y * k + 1.0, text)
    pdf.polygon([(x0 + x * k, y0 + y * k) for x, y in layout.north], style="F")
    nx, ny = layout.north_label
    _text(pdf, x0 + nx * k, y0 + ny * k, "N", "middle")


def _macc(pdf: FPDF, macc: Macc, x0: float, y0: float) -> None:
    k = CHART_UNIT_MM
    layout = macc_layout(macc)
    pdf.set_font(FAMILY, "", 7)
    for box in layout.bars:
        pdf.set_fill_color(*rgb(box.colour))
        pdf.rect(x0 + box.x * k, y0 + box.y * k, box.width * k, box.height * k, "F")
        if box.label_y is not None:
            label = shorten(box.label, 24)
            _text(pdf, x0 + (box.x + box.width / 2) * k, y0 + box.label_y * k, label, "middle")
    pdf.set_draw_color(51, 51, 51)
    pdf.set_line_width(0.25)
    left, zero = x0 + layout.left * k, y0 + layout.zero_y * k
    bottom = y0 + (layout.top + layout.plot_height) * k
    pdf.line(left, zero, left + layout.plot_width * k, zero)
    pdf.line(left, y0 + layout.top * k, left, bottom)
    for y, text in layout.y_ticks:
        _text(pdf, left - 1.5, y0 + y * k + 1.0, text, "end")
    _text(pdf, left, bottom + 4.0, "0", "middle")
    _text(pdf, left + layout.plot_width * k, bottom + 4.0, layout.total_label, "middle")
    middle = left + layout.plot_width * k / 2
    _text(pdf, middle, y0 + (layout.height - 12) * k, "abatement [t CO2e/yr]", "middle")
    axis_x, axis_y = x0 + 16 * k, y0 + (layout.top + layout.plot_height / 2) * k
    with pdf.rotation(90, axis_x, axis_y):
        _text(pdf, axis_x, axis_y, "cost [EUR/t CO2e]", "middle")


def draw_chart(pdf: FPDF, layout: ChartLayout, unit: str, x0: float, y0: float) -> None:
    """Draw one chart with its top-left corner at (x0, y0) [mm]."""
    with pdf.local_context():  # colours, line widths and dashes stay inside the chart
        if isinstance(layout, SankeyLayout):
            _sankey(pdf, layout, x0, y0)
        elif isinstance(layout, BarLayout):
            _bars(pdf, layout, unit, x0, y0)
        elif isinstance(layout, MapLayout):
            _map(pdf, layout, x0, y0)
        else:
            _macc(pdf, layout, x0, y0)
