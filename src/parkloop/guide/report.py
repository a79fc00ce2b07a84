"""The park report: typed inputs, a pure assembly into sections, and HTML and PDF renderings.

:class:`ReportData` (defined in :mod:`parkloop.guide.report_data`, re-exported here) holds
everything a report shows, as plain values that a service gathers from the store and the
calculation packages: the park, key figures, the GHG inventory per year, resource flows per
unit, synergies with their net CO2e, recommended measures, an optional pathway, the
certification status, the park's progress through the municipal guide and the factors and
sources used. :func:`assemble` turns it into an ordered tuple of :class:`Section` objects
(tables of formatted text and chart geometry); :func:`render_html` writes them with a Jinja2
template and inline SVG, :func:`render_pdf` with fpdf2.

The flows section opens with a map of the companies and the exchanges between them
(:mod:`parkloop.guide.map_chart`); the measures section carries the marginal abatement cost
curve of the costed measures, built by :func:`parkloop.toolbox.macc.macc_curve`, or says
which inputs the costing lacks when no measure is costed.

Reproducibility: the report date is part of the data (``generated_for``) and nothing reads the
clock, so the same data give the same report, byte for byte, in both formats.

Examples
--------
>>> from datetime import date
>>> data = ReportData(park_name="Harbour Park", country="SE", municipality="Norrhamn",
...                   generated_for=date(2026, 3, 31))
>>> [s.id for s in assemble(data)][:3]
['summary', 'inventory', 'flows']
>>> "<h1>Park report: Harbour Park</h1>" in render_html(data)
True
"""

from __future__ import annotations

import math
from functools import lru_cache

import jinja2

from parkloop.guide.charts import (
    BarItem,
    SankeyLink,
    bar_layout,
    bar_svg,
    format_number,
    sankey_layout,
    sankey_svg,
)
from parkloop.guide.fonts import FontFiles
from parkloop.guide.map_chart import exchange_rows, map_layout, map_svg
from parkloop.guide.report_data import (
    Block,
    CertificationStatus,
    Chart,
    FactorUsed,
    FlowChart,
    InventoryYear,
    KeyFigure,
    MeasureRow,
    Paragraph,
    PathwayPoint,
    ReportData,
    Section,
    SynergyRow,
    Table,
)
from parkloop.guide.steps import StepProgress
from parkloop.toolbox.macc import MaccItem, macc_curve, macc_svg

__all__ = [
    "CertificationStatus",
    "Chart",
    "FactorUsed",
    "FlowChart",
    "InventoryYear",
    "KeyFigure",
    "MeasureRow",
    "Paragraph",
    "PathwayPoint",
    "ReportData",
    "SankeyLink",
    "Section",
    "SynergyRow",
    "Table",
    "assemble",
    "render_html",
    "render_pdf",
]

CO2E_PER_YR = "t CO2e/yr"
DASH = "\u2013"


# --- assembly ------------------------------------------------------------------------------


def _num(value: float | None) -> str:
    return DASH if value is None else format_number(value)


def _percent(share: float) -> str:
    text = f"{share * 100:.0f} %"
    return "0 %" if text == "-0 %" else text


def _summary(data: ReportData) -> Section:
    title = "Key figures"
    if not data.key_figures:
        return Section("summary", title, (Paragraph("No key figures were given."),))
    rows = tuple((f.label, format_number(f.value), f.unit) for f in data.key_figures)
    return Section(
        "summary", title, (Table(("Figure", "Value", "Unit"), rows, (False, True, False)),)
    )


def _inventory(data: ReportData) -> Section:
    title = "Baseline inventory"
    note = Paragraph(
        "Scope 1 and scope 2 emissions of the park's companies following the GHG Protocol "
        "Corporate Standard [t CO2e]; scope 2 location-based and market-based side by side. "
        "Biogenic CO2 [t CO2] is shown separately and is not part of the totals."
    )
    years = sorted(data.inventory, key=lambda y: y.year)
    if not years:
        return Section("inventory", title, (note, Paragraph("No inventory data were given.")))
    rows = tuple(
        (
            str(y.year),
            format_number(y.scope1_t_co2e),
            format_number(y.scope2_location_t_co2e),
            _num(y.scope2_market_t_co2e),
            format_number(y.scope1_t_co2e + y.scope2_location_t_co2e),
            _num(
                None if y.scope2_market_t_co2e is None else y.scope1_t_co2e + y.scope2_market_t_co2e
            ),
            _num(y.biogenic_t_co2),
        )
        for y in years
    )
    headers = (
        "Year",
        "Scope 1",
        "Scope 2 (location)",
        "Scope 2 (market)",
        "Total (location)",
        "Total (market)",
        "Biogenic CO2",
    )
    return Section("inventory", title, (note, Table(headers, rows, (False, *([True] * 6)))))


def _flows_map(data: ReportData) -> list[Block]:
    if not data.map_sites:
        return [Paragraph("No company sites were given, so there is no flows map.")]
    layout = map_layout(data.map_sites, data.map_links)
    blocks: list[Block] = [
        Paragraph(
            "Companies are dots labelled by their id, placed from their coordinates on a flat "
            "projection around the park centre (no background map). Lines are exchanges between "
            "them, solid when implemented and dashed while in progress; the arrowhead points to "
            "the receiver."
        ),
        Chart("Flows map", "km", layout, map_svg(layout, "Flows map")),
    ]
    if not data.map_links:
        blocks.append(Paragraph("No exchange between the companies on the map is under way yet."))
        return blocks
    headers = ("From", "To", "Resource", "Status", "Distance [km]")
    rows = exchange_rows(layout, data.map_links)
    blocks.append(Table(headers, rows, (False, False, False, False, True)))
    return blocks


def _flows(data: ReportData) -> Section:
    title = "Resource flows"
    blocks = _flows_map(data)
    if not data.flows:
        blocks.append(Paragraph("No resource flows were given."))
        return Section("flows", title, tuple(blocks))
    blocks.append(
        Paragraph(
            "One diagram per unit; band widths are proportional to the flows. Flows that "
            "return to their source cannot be drawn in one direction, so such a diagram shows "
            "suppliers on the left and receivers on the right."
        )
    )
    for chart in data.flows:
        chart_title = chart.title or f"Flows in {chart.unit}"
        layout = sankey_layout(chart.links)
        blocks.append(
            Chart(chart_title, chart.unit, layout, sankey_svg(layout, chart.unit, chart_title))
        )
        rows = tuple((k.source, k.target, format_number(k.value)) for k in chart.links)
        blocks.append(Table(("From", "To", f"Value [{chart.unit}]"), rows, (False, False, True)))
    return Section("flows", title, tuple(blocks))


def _synergies(data: ReportData) -> Section:
    title = "Synergies and their impact"
    if not data.synergies:
        return Section("synergies", title, (Paragraph("No synergies were given."),))
    note = Paragraph(
        "Net CO2e is what a synergy avoids minus what it adds, per year; the line across a bar "
        "runs from the low to the high estimate. Negative values mean more emissions."
    )
    items = [
        BarItem(s.name, s.net_t_co2e_per_yr, s.low_t_co2e_per_yr, s.high_t_co2e_per_yr)
        for s in data.synergies
    ]
    layout = bar_layout(items)
    chart_title = f"Net CO2e of each synergy [{CO2E_PER_YR}]"
    chart = Chart(chart_title, CO2E_PER_YR, layout, bar_svg(layout, CO2E_PER_YR, chart_title))
    rows = tuple(
        (
            s.name,
            s.from_label,
            s.to_label,
            s.status,
            format_number(s.net_t_co2e_per_yr),
            _num(s.low_t_co2e_per_yr),
            _num(s.high_t_co2e_per_yr),
        )
        for s in data.synergies
    )
    total = math.fsum(s.net_t_co2e_per_yr for s in data.synergies)
    footer = ("Total (all statuses)", "", "", "", format_number(total), "", "")
    headers = ("Synergy", "From", "To", "Status", "Net", "Low", "High")
    table = Table(headers, rows, (False, False, False, False, True, True, True), footer)
    return Section("synergies", title, (note, chart, table))


def _macc(data: ReportData) -> list[Block]:
    items: list[MaccItem] = []
    omitted: list[str] = []
    for m in data.measures:
        if m.cost_eur_per_t_co2e is None:
            omitted.append(f"{m.id}: not costed")
        elif not m.has_bar:
            omitted.append(f"{m.id}: no emissions avoided to draw")
        else:
            width = m.bar_width_t_co2e_per_yr
            assert width is not None  # has_bar
            items.append(MaccItem(m.id, m.name, width, m.cost_eur_per_t_co2e))
    if not items:
        missing = "; ".join(data.costing_missing) or (
            "none of the measures has both the emissions it avoids and a cost estimate"
        )
        return [
            Paragraph(
                "No measure is costed yet, so there is no marginal abatement cost curve (MACC). "
                f"What the costing lacks: {missing}."
            )
        ]
    curve = macc_curve(items, omitted=omitted)
    title = "Marginal abatement cost curve [EUR/t CO2e against t CO2e/yr]"
    svg = macc_svg(curve, title="Cost per tonne against cumulative abatement")
    note = (
        "Each bar is a costed measure: its width is the emissions it avoids per year, its "
        "height the cost per tonne; bars below zero save money. Measures are not made "
        "additive: two acting on the same end use overlap."
    )
    if omitted:
        note += f" {len(omitted)} of {len(data.measures)} measures have no bar (not costed)."
    return [Paragraph(note), Chart(title, "EUR/t CO2e", curve, svg)]


def _measures(data: ReportData) -> Section:
    title = "Recommended measures"
    if not data.measures:
        return Section("measures", title, (Paragraph("No measures were recommended."),))
    rows = tuple(
        (
            m.id,
            m.name,
            m.applies_to or DASH,
            _num(m.abatement_t_co2e_per_yr),
            _num(m.cost_eur_per_t_co2e),
        )
        for m in data.measures
    )
    total = math.fsum(
        m.abatement_t_co2e_per_yr for m in data.measures if m.abatement_t_co2e_per_yr is not None
    )
    headers = ("ID", "Measure", "Applies to", f"Abatement [{CO2E_PER_YR}]", "Cost [EUR/t CO2e]")
    footer = ("", "Sum of the estimates (overlaps not removed)", "", format_number(total), "")
    note = Paragraph(f"{DASH} marks a figure that could not be estimated from the park's data.")
    table = Table(headers, rows, (False, False, False, True, True), footer)
    case: tuple[Paragraph, ...] = ()
    if data.estimate_case != "central":
        case = (
            Paragraph(
                f"The figures below are the {data.estimate_case} end of the published ranges: "
                "the costed measures' sources give a range and no central value."
            ),
        )
    return Section("measures", title, (*case, *_macc(data), note, table))


def _change(value: float, first: float) -> str:
    if first == 0:
        return DASH
    text = f"{(value - first) / first * 100:+.0f} %"
    return "0 %" if text in ("+0 %", "-0 %") else text


def _pathway(data: ReportData) -> Section:
    title = "Pathway"
    points = sorted(data.pathway, key=lambda p: p.year)
    if not points:
        return Section("pathway", title, (Paragraph("No pathway was given."),))
    first = points[0]
    if any(p.target_t_co2e is not None for p in points):
        rows = tuple(
            (
                str(p.year),
                format_number(p.t_co2e),
                "" if p.target_t_co2e is None else format_number(p.target_t_co2e),
                "" if p.target_t_co2e is None else format_number(p.t_co2e - p.target_t_co2e),
            )
            for p in points
        )
        note = Paragraph(
            "Emissions of the park per year along its pathway against its target; a positive "
            "gap means the park is short of the target."
        )
        headers = ("Year", "Emissions [t CO2e]", "Target [t CO2e]", "Gap [t CO2e]")
        return Section("pathway", title, (note, Table(headers, rows, (False, True, True, True))))
    changes = tuple(
        (str(p.year), format_number(p.t_co2e), _change(p.t_co2e, first.t_co2e)) for p in points
    )
    note = Paragraph(
        f"Emissions of the park per year along its pathway, and the change from {first.year}."
    )
    table = Table(("Year", "Emissions [t CO2e]", "Change"), changes, (False, True, True))
    return Section("pathway", title, (note, table))


def _certification(data: ReportData) -> Section:
    title = "Certification status"
    status = data.certification
    if status.level is None:
        return Section("certification", title, (Paragraph("The park holds no certificate."),))
    rows = (
        ("Standard", status.standard or DASH),
        ("Level", status.level),
        ("Valid until", status.valid_until.isoformat() if status.valid_until else DASH),
    )
    return Section("certification", title, (Table(("", ""), rows, (False, False)),))


def _status(step: StepProgress, current: str | None) -> str:
    if step.complete:
        return "complete"
    return "current" if step.step_id == current else "open"


def _guide(data: ReportData) -> Section:
    title = "Progress through the municipal guide"
    progress = data.guide_progress
    if progress is None:
        return Section("guide", title, (Paragraph("No guide progress was recorded."),))
    current = next((s.title for s in progress.steps if s.step_id == progress.current_step), None)
    summary = Paragraph(
        f"{progress.done_items} of {progress.total_items} checklist items done "
        f"({_percent(progress.share)}), {progress.complete_steps} of {len(progress.steps)} "
        f"steps complete (guide version {progress.guide_version}). "
        + (f"Current step: {current}." if current else "Every step is complete.")
    )
    rows = tuple(
        (
            f"{i}. {s.title}",
            f"{s.done_count} / {s.total}",
            _percent(s.share),
            _status(s, progress.current_step),
        )
        for i, s in enumerate(progress.steps, start=1)
    )
    table = Table(("Step", "Items done", "Share", "Status"), rows, (False, True, True, False))
    return Section("guide", title, (summary, table))


def _sources(data: ReportData) -> Section:
    title = "Sources and factors"
    if not data.factors:
        return Section("sources", title, (Paragraph("No factors were listed."),))
    rows = tuple(
        (f.name, format_number(f.value), f.unit, " ".join(f.source.split())) for f in data.factors
    )
    table = Table(("Factor", "Value", "Unit", "Source"), rows, (False, True, False, False))
    return Section("sources", title, (table,))


def assemble(data: ReportData) -> tuple[Section, ...]:
    """The report's sections in print order, every number formatted and every chart placed.

    The sections are always the same nine (``summary``, ``inventory``, ``flows``,
    ``synergies``, ``measures``, ``pathway``, ``certification``, ``guide``, ``sources``); a
    section without data says so in a paragraph.
    """
    return tuple(
        build(data)
        for build in (
            _summary,
            _inventory,
            _flows,
            _synergies,
            _measures,
            _pathway,
            _certification,
            _guide,
            _sources,
        )
    )


def heading(data: ReportData) -> tuple[str, str, str]:
    """Title, place line and date line of the report."""
    place = ", ".join(p for p in (data.municipality, data.country) if p)
    return (
        f"Park report: {data.park_name}",
        place,
        f"Report date: {data.generated_for.isoformat()}",
    )


# --- rendering -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("parkloop.guide", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(data: ReportData) -> str:
    """The report as one self-contained HTML document (inline CSS and SVG, text escaped)."""
    title, place, date_line = heading(data)
    template = _environment().get_template("report.html")
    return template.render(title=title, place=place, date_line=date_line, sections=assemble(data))


def render_pdf(data: ReportData, *, font: FontFiles | None = None, compress: bool = True) -> bytes:
    """The report as a PDF: title page, the sections as tables and charts, page numbers.

    Parameters
    ----------
    data : ReportData
    font : FontFiles, optional
        A Unicode TrueType font; by default one installed on the system is looked up with
        :func:`parkloop.guide.fonts.find_unicode_font`.
    compress : bool
        Compress page streams (default); turn off to inspect the PDF as text.

    Returns
    -------
    bytes
        The same bytes for the same data and font: the PDF creation date is the report date.
    """
    from parkloop.guide.pdf import write_pdf

    return write_pdf(data, assemble(data), heading(data), font=font, compress=compress)
