"""The pathway chart as a self-contained SVG (target, scenarios, gaps, inventory totals).

Pure: numbers in, an escaped SVG string out; used by the ``parkloop pathway`` command and the
park's pathway page. Presentation attributes only (no ``style``), so a strict
Content-Security-Policy allows it inline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from parkloop.climate.pathway import Comparison

COLOURS = ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f")
Polygon = list[tuple[float, float, float]]


def _gap_area(
    xs: Sequence[float], emissions: Sequence[float], target: Sequence[float]
) -> list[Polygon]:
    """Points of the area between emissions and target where emissions are above it.

    Returns a list of polygons, each a list of ``(x, upper, lower)`` in data units; where the
    two lines cross between years, the crossing point is added so that the fill stops there.
    """
    polygons: list[Polygon] = []
    current: Polygon = []
    for i, x in enumerate(xs):
        gap = emissions[i] - target[i]
        if i > 0:
            before = emissions[i - 1] - target[i - 1]
            if (before > 0) != (gap > 0) and before != gap:
                t = before / (before - gap)
                cross_x = xs[i - 1] + t * (x - xs[i - 1])
                cross_y = target[i - 1] + t * (target[i] - target[i - 1])
                current.append((cross_x, cross_y, cross_y))
                if gap <= 0:
                    polygons.append(current)
                    current = []
        if gap > 0:
            current.append((x, emissions[i], target[i]))
    if current:
        polygons.append(current)
    return [p for p in polygons if len(p) > 1]


def pathway_svg(
    comparison: Comparison,
    *,
    inventory_tco2e: Mapping[int, float] | None = None,
    title: str = "Pathway to climate neutrality",
    width_px: int = 760,
    height_px: int = 420,
) -> str:
    """Target and each scenario's emissions as a standalone SVG line chart, gaps shaded.

    Parameters
    ----------
    comparison : Comparison
        The pathways of :func:`parkloop.climate.pathway.compare`.
    inventory_tco2e : mapping of year to t CO2e, optional
        The park's inventory totals, drawn as dots.
    title : str
        Heading above the chart.
    width_px, height_px : int
        Size of the drawing [px].

    Returns
    -------
    str
        An ``<svg>`` element: the target in black (dashed), scenarios in colour, the area where
        a scenario is above the target shaded in its colour.
    """
    left, right, top, bottom = 80.0, 170.0, 40.0, 45.0
    plot_w, plot_h = width_px - left - right, height_px - top - bottom
    years = comparison.years
    target = [comparison.target.tco2e(y) for y in years]
    inventory = {y: t for y, t in (inventory_tco2e or {}).items() if years[0] <= y <= years[-1]}
    values = [*target, *inventory.values()]
    values += [r.emissions_tco2e for p in comparison.pathways for r in p.years]
    y_max = max(values) or 1.0
    x_span = (years[-1] - years[0]) or 1

    def x_of(year: float) -> float:
        return left + (year - years[0]) / x_span * plot_w

    def y_of(tonnes: float) -> float:
        return top + (1.0 - tonnes / y_max) * plot_h

    def line(points: Sequence[tuple[float, float]]) -> str:
        return " ".join(f"{x_of(x):.1f},{y_of(y):.1f}" for x, y in points)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}" '
        f'viewBox="0 0 {width_px} {height_px}" font-family="sans-serif" font-size="11" '
        'role="img">',
        f"<title>{escape(title)}</title>",
        f'<text x="{width_px / 2:.1f}" y="20" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    axis = 'stroke="#333333" stroke-width="1"'
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" {axis}/>'
    )
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" {axis}/>')
    for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = y_of(y_max * fraction)
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{y_max * fraction:,.0f}</text>'
        )
    step = max(1, round(x_span / 8))
    ticks = sorted({*range(years[0], years[-1] + 1, step), years[-1]})
    for year in ticks:
        if year != years[-1] and years[-1] - year < step / 2:
            continue
        parts.append(
            f'<text x="{x_of(year):.1f}" y="{top + plot_h + 16:.1f}" text-anchor="middle">'
            f"{year}</text>"
        )
    parts.append(
        f'<text x="16" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + plot_h / 2:.1f})">emissions [t CO2e/yr]</text>'
    )
    legend_y = top
    for index, item in enumerate(comparison.pathways):
        colour = COLOURS[index % len(COLOURS)]
        emissions = [r.emissions_tco2e for r in item.years]
        for polygon in _gap_area(years, emissions, target):
            upper = [(x, u) for x, u, _ in polygon]
            lower = [(x, lo) for x, _, lo in reversed(polygon)]
            parts.append(
                f'<polygon points="{line([*upper, *lower])}" fill="{colour}" '
                f'fill-opacity="0.15" stroke="none"><title>gap of '
                f"{escape(item.scenario.name)}</title></polygon>"
            )
        parts.append(
            f'<polyline points="{line(list(zip(years, emissions, strict=True)))}" fill="none" '
            f'stroke="{colour}" stroke-width="2"><title>{escape(item.scenario.name)}</title>'
            "</polyline>"
        )
        parts.append(
            f'<line x1="{left + plot_w + 12}" y1="{legend_y}" x2="{left + plot_w + 32}" '
            f'y2="{legend_y}" stroke="{colour}" stroke-width="2"/>'
            f'<text x="{left + plot_w + 36}" y="{legend_y + 4}">'
            f"{escape(item.scenario.name[:22])}</text>"
        )
        legend_y += 18
    parts.append(
        f'<polyline points="{line(list(zip(years, target, strict=True)))}" fill="none" '
        'stroke="#000000" stroke-width="2" stroke-dasharray="6 4"><title>target</title>'
        "</polyline>"
    )
    parts.append(
        f'<line x1="{left + plot_w + 12}" y1="{legend_y}" x2="{left + plot_w + 32}" '
        f'y2="{legend_y}" stroke="#000000" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{left + plot_w + 36}" y="{legend_y + 4}">target</text>'
    )
    legend_y += 18
    for year, tonnes in sorted(inventory.items()):
        parts.append(
            f'<circle cx="{x_of(year):.1f}" cy="{y_of(tonnes):.1f}" r="3.5" fill="#616161">'
            f"<title>inventory {year}: {tonnes:,.0f} t CO2e</title></circle>"
        )
    if inventory:
        parts.append(
            f'<circle cx="{left + plot_w + 22}" cy="{legend_y}" r="3.5" fill="#616161"/>'
            f'<text x="{left + plot_w + 36}" y="{legend_y + 4}">inventory</text>'
        )
        legend_y += 18
    parts.append(
        f'<rect x="{left + plot_w + 12}" y="{legend_y - 6}" width="20" height="12" '
        f'fill="{COLOURS[0]}" fill-opacity="0.15"/>'
        f'<text x="{left + plot_w + 36}" y="{legend_y + 4}">gap (shaded in the</text>'
        f'<text x="{left + plot_w + 36}" y="{legend_y + 18}">scenario\'s colour)</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


# --- The command -------------------------------------------------------------------------------
