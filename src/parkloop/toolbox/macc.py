"""Marginal abatement cost curve (MACC): measures sorted by cost per tonne, as data and SVG.

Each costed measure is a bar: its width is the emissions it avoids [t CO2e/yr], its height the
abatement cost [EUR/t CO2e]; bars run from the cheapest (often negative: the measure saves
money) to the dearest, so the x axis reads as cumulative abatement. A measure that could not be
costed has no bar and is listed in ``omitted`` with the reason.

The chart is a small self-contained SVG string built here, so that no plotting library is
needed; an interactive chart (plotly, for instance) could draw the same :class:`Macc` data.

Notes
-----
For bars sorted by cost c_1 <= c_2 <= ... with widths w_i: x_start_i = sum_{j<i} w_j and
x_end_i = x_start_i + w_i; the area w_i x c_i is the measure's net annual cost [EUR/yr].

References
----------
Kesicki, F. and Ekins, P. (2012). Marginal abatement cost curves: a call for caution. Climate
Policy 12(2), 219-236. https://doi.org/10.1080/14693062.2011.582347

Examples
--------
>>> curve = macc_curve([MaccItem("b", "B", 30.0, 50.0), MaccItem("a", "A", 10.0, -20.0)])
>>> [(bar.key, bar.x_start_t, bar.x_end_t) for bar in curve.bars]
[('a', 0.0, 10.0), ('b', 10.0, 40.0)]
>>> macc_svg(curve).startswith("<svg")
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class MaccItem:
    """A costed measure: the emissions it avoids [t CO2e/yr] at a cost [EUR/t CO2e]."""

    key: str
    label: str
    co2e_t_per_yr: float
    eur_per_t: float


@dataclass(frozen=True)
class MaccBar:
    """One bar of the curve, placed on the cumulative abatement axis [t CO2e/yr]."""

    key: str
    label: str
    co2e_t_per_yr: float
    eur_per_t: float
    x_start_t: float
    x_end_t: float
    net_annual_cost_eur: float


@dataclass(frozen=True)
class Macc:
    """The curve's bars, cheapest first, and the measures left out (``'id: reason'``)."""

    case: str
    bars: tuple[MaccBar, ...]
    total_co2e_t_per_yr: float
    omitted: tuple[str, ...] = ()


def macc_curve(
    items: Iterable[MaccItem], *, case: str = "central", omitted: Sequence[str] = ()
) -> Macc:
    """Sort costed measures by abatement cost and place them along the abatement axis.

    Parameters
    ----------
    items : iterable of MaccItem
        Measures with emissions avoided > 0 [t CO2e/yr] and a finite cost [EUR/t CO2e].
    case : str
        Which case of the estimates the items come from (``'low'``, ``'central'``, ``'high'``).
    omitted : sequence of str
        Measures without a bar, each as ``'id: reason'``.

    Returns
    -------
    Macc
        Bars sorted by cost (ties by key), with their cumulative extent.

    Raises
    ------
    ValueError
        For an item with no positive width or a cost that is not finite.
    """
    ordered = sorted(items, key=lambda item: (item.eur_per_t, item.key))
    bars: list[MaccBar] = []
    position = 0.0
    for item in ordered:
        if not (math.isfinite(item.co2e_t_per_yr) and item.co2e_t_per_yr > 0):
            raise ValueError(
                f"MACC item {item.key!r}: emissions avoided {item.co2e_t_per_yr!r} t/yr; "
                "a bar needs a width > 0"
            )
        if not math.isfinite(item.eur_per_t):
            raise ValueError(f"MACC item {item.key!r}: cost {item.eur_per_t!r} is not finite")
        end = position + item.co2e_t_per_yr
        bars.append(
            MaccBar(
                key=item.key,
                label=item.label,
                co2e_t_per_yr=item.co2e_t_per_yr,
                eur_per_t=item.eur_per_t,
                x_start_t=position,
                x_end_t=end,
                net_annual_cost_eur=item.co2e_t_per_yr * item.eur_per_t,
            )
        )
        position = end
    return Macc(case=case, bars=tuple(bars), total_co2e_t_per_yr=position, omitted=tuple(omitted))


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _text(x: float, y: float, body: str, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="11"{extra}>'
        f"{escape(body)}</text>"
    )


def macc_svg(
    macc: Macc,
    *,
    width_px: int = 720,
    height_px: int = 400,
    title: str = "Marginal abatement cost curve",
) -> str:
    """The curve as a standalone SVG document (bars with tooltips, axes with units).

    Parameters
    ----------
    macc : Macc
        The curve from :func:`macc_curve`.
    width_px, height_px : int
        Size of the drawing [px].
    title : str
        Heading drawn above the chart.

    Returns
    -------
    str
        An ``<svg>`` element; bars saving money are drawn in green, costly ones in orange.
    """
    left, right, top, bottom = 70.0, 20.0, 40.0, 50.0
    plot_w = width_px - left - right
    plot_h = height_px - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}" '
        f'viewBox="0 0 {width_px} {height_px}" font-family="sans-serif" role="img">',
        f"<title>{escape(title)} ({escape(macc.case)} case)</title>",
        _text(width_px / 2, 20, f"{title} ({macc.case} case)", extra=' font-weight="bold"'),
    ]
    if not macc.bars:
        parts.append(_text(width_px / 2, height_px / 2, "no costed measures: nothing to draw"))
        parts.append("</svg>")
        return "\n".join(parts)
    y_max = max(0.0, *(bar.eur_per_t for bar in macc.bars))
    y_min = min(0.0, *(bar.eur_per_t for bar in macc.bars))
    span = (y_max - y_min) or 1.0
    scale_x = plot_w / macc.total_co2e_t_per_yr

    def y_of(value: float) -> float:
        return top + (y_max - value) / span * plot_h

    zero = y_of(0.0)
    for bar in macc.bars:
        x = left + bar.x_start_t * scale_x
        w = max(bar.co2e_t_per_yr * scale_x, 1.0)
        y = min(zero, y_of(bar.eur_per_t))
        h = max(abs(y_of(bar.eur_per_t) - zero), 1.0)
        colour = "#2e7d32" if bar.eur_per_t < 0 else "#ef6c00"
        tip = (
            f"{bar.label}: {_number(bar.co2e_t_per_yr)} t CO2e/yr at "
            f"{_number(bar.eur_per_t)} EUR/t CO2e"
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}" '
            f'stroke="#ffffff" stroke-width="0.5"><title>{escape(tip)}</title></rect>'
        )
        if w >= 40:
            label_y = y - 4 if bar.eur_per_t >= 0 else y + h + 12
            parts.append(_text(x + w / 2, label_y, bar.label[:24]))
    axis = 'stroke="#333333" stroke-width="1"'
    parts.append(f'<line x1="{left}" y1="{zero:.1f}" x2="{left + plot_w}" y2="{zero:.1f}" {axis}/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" {axis}/>')
    for value in sorted({y_min, 0.0, y_max}):
        parts.append(_text(left - 6, y_of(value) + 4, _number(value), anchor="end"))
    parts.append(_text(left, top + plot_h + 16, "0"))
    parts.append(_text(left + plot_w, top + plot_h + 16, _number(macc.total_co2e_t_per_yr)))
    parts.append(_text(left + plot_w / 2, height_px - 12, "abatement [t CO2e/yr]"))
    parts.append(
        _text(
            16,
            top + plot_h / 2,
            "cost [EUR/t CO2e]",
            extra=f' transform="rotate(-90 16 {top + plot_h / 2:.1f})"',
        )
    )
    parts.append("</svg>")
    return "\n".join(parts)
