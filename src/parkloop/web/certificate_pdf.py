"""A one-page PDF certificate (fpdf2, the shipped Unicode font); same record, same bytes."""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF

from parkloop.guide.fonts import find_unicode_font
from parkloop.services.certification import Certificate


def certificate_pdf(record: Certificate, base_url: str = "") -> bytes:
    """The certificate of ``record`` as PDF bytes, with its verification code and address."""
    font = find_unicode_font()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_creation_date(dt.datetime.combine(record.decided_at.date(), dt.time(), dt.UTC))
    pdf.add_font(font.family, "", str(font.regular))
    pdf.add_font(font.family, "B", str(font.bold or font.regular))
    pdf.set_title(f"Certificate {record.code}")
    pdf.add_page()
    pdf.set_draw_color(15, 81, 50)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_font(font.family, "B", 30)
    pdf.set_y(35)
    pdf.cell(0, 14, "Certificate", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font.family, "", 14)
    pdf.cell(
        0,
        10,
        record.standard + " " + record.standard_version,
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(8)
    pdf.set_font(font.family, "B", 24)
    place = ", ".join(p for p in (record.municipality, record.country) if p)
    pdf.cell(0, 14, record.park, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font.family, "", 13)
    pdf.cell(0, 8, place, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(font.family, "B", 20)
    pdf.cell(0, 12, f"Level: {record.level}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font.family, "", 12)
    pdf.ln(6)
    decided = record.decided_at.date().isoformat()
    pdf.cell(
        0,
        8,
        f"Decided {decided} · valid until {record.valid_until.isoformat()}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.cell(
        0,
        8,
        f"Verification code {record.code}: {base_url}/certificates/{record.code}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
