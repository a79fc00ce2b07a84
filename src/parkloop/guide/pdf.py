"""The park report as PDF, written with fpdf2 (pure Python) and an embedded Unicode font.

Layout: an A4 title page, then every section of :func:`parkloop.guide.report.assemble` with
its paragraphs, charts (drawn by :mod:`parkloop.guide.pdf_charts` with fpdf2's rectangles,
lines, polygons and text from the same geometry as the SVG charts) and tables; each page
after the first carries the park name at the top and every page a page number at the bottom.

Deterministic output: the document's creation date is the report date (midnight UTC), the
font subset and the file identifier depend only on the content, so the same data and font give
the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from parkloop.guide.fonts import FontFiles, find_unicode_font
from parkloop.guide.pdf_charts import CHART_UNIT_MM, FAMILY, chart_height, draw_chart
from parkloop.guide.report import Chart, Paragraph, ReportData, Section, Table

MARGIN_MM = 15.0
GREY = (90, 90, 90)


class _ReportPDF(FPDF):
    """FPDF with the report's running header (from page 2) and page numbers."""

    def __init__(self, running_title: str, bold: bool) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.running_title = running_title
        self.bold_style = "B" if bold else ""

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FAMILY, "", 8)
            self.set_text_color(*GREY)
            self.cell(0, 6, self.running_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0, 0, 0)
            self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _new_document(data: ReportData, font: FontFiles, title: str, compress: bool) -> _ReportPDF:
    pdf = _ReportPDF(f"{title} \u2013 {data.generated_for.isoformat()}", font.bold is not None)
    pdf.set_compression(compress)
    d = data.generated_for
    pdf.set_creation_date(datetime(d.year, d.month, d.day, tzinfo=UTC))
    pdf.add_font(FAMILY, "", str(font.regular))
    if font.bold is not None:
        pdf.add_font(FAMILY, "B", str(font.bold))
    pdf.set_title(title)
    pdf.set_creator("parkloop")
    pdf.set_lang("en")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=18)
    return pdf


def _title_page(pdf: _ReportPDF, title: str, place: str, date_line: str) -> None:
    pdf.add_page()
    pdf.set_y(80)
    pdf.set_font(FAMILY, pdf.bold_style, 24)
    pdf.multi_cell(0, 11, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 14)
    if place:
        pdf.multi_cell(0, 8, place, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(0, 8, date_line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(12)
    pdf.set_font(FAMILY, "", 10)
    pdf.set_text_color(*GREY)
    note = (
        "Assembled from the park's data in parkloop; the same data give the same report. "
        "Figures carry their units; factors and their sources are listed in the last section."
    )
    pdf.multi_cell(0, 5, note, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)


def _chart(pdf: _ReportPDF, chart: Chart) -> None:
    height = chart_height(chart.layout) * CHART_UNIT_MM
    if pdf.will_page_break(height + 8):
        pdf.add_page()
    pdf.set_font(FAMILY, pdf.bold_style, 9)
    pdf.cell(0, 6, chart.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    x0, y0 = pdf.l_margin, pdf.get_y()
    draw_chart(pdf, chart.layout, chart.unit, x0, y0)
    pdf.set_y(y0 + height + 3)


def _column_widths(table: Table) -> tuple[float, ...]:
    """Relative column widths from the longest text in each column (4 to 28 characters)."""
    lines = [table.headers, *table.rows, *((table.footer,) if table.footer else ())]
    return tuple(
        float(min(max(max(len(line[j]) for line in lines), 4), 28) + 2)
        for j in range(len(table.headers))
    )


def _table(pdf: _ReportPDF, table: Table) -> None:
    size = 8 if len(table.headers) > 4 else 9
    pdf.set_font(FAMILY, "", size)
    headed = any(table.headers)
    bold = FontFace(emphasis="BOLD" if pdf.bold_style else None)
    with pdf.table(
        first_row_as_headings=headed,
        headings_style=FontFace(emphasis=bold.emphasis, fill_color=(235, 235, 235)),
        col_widths=_column_widths(table),
        line_height=size * 0.5,
        padding=1,
    ) as grid:
        lines = [*((table.headers,) if headed else ()), *table.rows]
        for cells in lines:
            row = grid.row()
            for j, text in enumerate(cells):
                row.cell(text, align="RIGHT" if table.numeric[j] else "LEFT")
        if table.footer is not None:
            row = grid.row(style=bold)
            for j, text in enumerate(table.footer):
                row.cell(text, align="RIGHT" if table.numeric[j] else "LEFT")
    pdf.ln(3)


def _section(pdf: _ReportPDF, section: Section) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.start_section(section.title)
    pdf.set_font(FAMILY, pdf.bold_style, 14)
    pdf.cell(0, 9, section.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for block in section.blocks:
        if isinstance(block, Paragraph):
            pdf.set_font(FAMILY, "", 9)
            pdf.multi_cell(0, 4.5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif isinstance(block, Chart):
            _chart(pdf, block)
        else:
            _table(pdf, block)
    pdf.ln(4)


def write_pdf(
    data: ReportData,
    sections: Sequence[Section],
    lines: tuple[str, str, str],
    *,
    font: FontFiles | None = None,
    compress: bool = True,
) -> bytes:
    """Write the assembled report as PDF bytes (see :func:`parkloop.guide.report.render_pdf`).

    ``lines`` are the title, place and date lines of :func:`parkloop.guide.report.heading`.
    """
    title, place, date_line = lines
    pdf = _new_document(data, font or find_unicode_font(), title, compress)
    _title_page(pdf, title, place, date_line)
    pdf.add_page()
    for section in sections:
        _section(pdf, section)
    return bytes(pdf.output())
