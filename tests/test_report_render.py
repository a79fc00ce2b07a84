"""The park report PDF checked as a reader sees it: every page rendered to a bitmap.

pypdfium2 (the PDFium engine of Chromium) opens the PDF that fpdf2 wrote, renders each page at
a low scale (36 dpi, to keep the test fast) and extracts its text. The checks are about the
printed result, not about fpdf2's calls: the page count and size, ink on every page, the park
name on the title page, every section heading somewhere, and coloured pixels where the map,
the Sankey diagram and the MACC are drawn.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from numpy.typing import NDArray

from parkloop.domain.access import Viewer
from parkloop.domain.models import Confidentiality
from parkloop.domain.people import Membership, Role
from parkloop.guide.report import (
    MeasureRow,
    ReportData,
    assemble,
    render_pdf,
)
from parkloop.services import demo, guide, parks, toolbox
from parkloop.services.database import Database
from parkloop.services.views import park_view
from parkloop.settings import Settings
from parkloop.toolbox.model import CostInputs, EndUseShare

SCALE = 0.5  # pixels per PDF point: 36 dpi
A4_PT = (595.28, 841.89)  # 210 x 297 mm
INK_SHARE = 0.005  # every page prints at least this share of non-white pixels
FACILITATOR = "facilitator@havnestad.example"
MEMBER = "energy@chp.havnestad.example"
ON = dt.date(2026, 1, 1)


@dataclass(frozen=True)
class Rendered:
    """A PDF as rendered pages (RGB arrays) and their text, with the page sizes [pt]."""

    pdf: bytes
    pages: tuple[NDArray[np.uint8], ...]
    texts: tuple[str, ...]
    sizes: tuple[tuple[float, float], ...]

    def page_with(self, phrase: str) -> int:
        """Index of the first page whose text contains ``phrase`` (whitespace-insensitive)."""
        for i, text in enumerate(self.texts):
            if phrase in text:
                return i
        raise AssertionError(f"no page shows {phrase!r}")

    def below(self, phrase: str, height_pt: float) -> NDArray[np.uint8]:
        """The strip of the page under the line that shows ``phrase``, ``height_pt`` high."""
        index = self.page_with(phrase)
        document = pdfium.PdfDocument(self.pdf)
        try:
            textpage = document[index].get_textpage()
            found = textpage.search(phrase).get_next()
            assert found is not None, f"{phrase!r} not found by PDFium's search"
            _, bottom, _, _ = textpage.get_charbox(found[0])
        finally:
            document.close()
        top_px = int((self.sizes[index][1] - bottom) * SCALE)
        return self.pages[index][top_px : top_px + int(height_pt * SCALE)]


def _render(pdf: bytes) -> Rendered:
    document = pdfium.PdfDocument(pdf)
    pages, texts, sizes = [], [], []
    try:
        for page in document:
            image = page.render(scale=SCALE).to_pil().convert("RGB")
            pages.append(np.asarray(image))
            texts.append(" ".join(page.get_textpage().get_text_range().split()))
            sizes.append(page.get_size())
    finally:
        document.close()
    return Rendered(pdf, tuple(pages), tuple(texts), tuple(sizes))


def _ink(image: NDArray[np.uint8]) -> float:
    """Share of pixels that are not (nearly) white."""
    return float((image.min(axis=2) < 200).mean())


def _coloured(image: NDArray[np.uint8], rgb: tuple[int, int, int] | None = None) -> int:
    """Pixels with a clear hue (not white, grey or black), or close to ``rgb`` when given."""
    pixels = image.astype(int)
    if rgb is not None:
        return int((np.abs(pixels - np.array(rgb)).max(axis=2) < 40).sum())
    return int(((pixels.max(axis=2) - pixels.min(axis=2)) > 60).sum())


@dataclass(frozen=True)
class DemoPark:
    database: Database
    park: str
    facilitator: Viewer
    member: Viewer  # a member of C01, the CHP plant


@pytest.fixture(scope="module")
def demo_park(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoPark]:
    """The demo park with its demo activity (two synergies started by the CHP plant)."""
    folder = tmp_path_factory.mktemp("report")
    database = Database.from_url(f"sqlite:///{folder / 'report.sqlite3'}")
    park = parks.load_demo(database).park
    demo.load_demo_activity(database, park, Settings(data_dir=Path(folder)))
    facilitator = Viewer((Membership(FACILITATOR, Role.FACILITATOR, park, None),))
    member = Viewer((Membership(MEMBER, Role.COMPANY_MEMBER, park, "C01"),))
    yield DemoPark(database, park, facilitator, member)
    database.dispose()


@pytest.fixture(scope="module")
def demo_report(demo_park: DemoPark) -> tuple[ReportData, bytes]:
    """The demo park's report for its facilitator: data and PDF."""
    s = demo_park
    return (
        guide.report_data(s.database, s.facilitator, s.park, ON),
        guide.report_pdf(s.database, s.facilitator, s.park, ON),
    )


@pytest.fixture(scope="module")
def rendered(demo_report: tuple[ReportData, bytes]) -> Rendered:
    return _render(demo_report[1])


def test_page_count_matches_the_printed_page_numbers(rendered: Rendered) -> None:
    count = len(rendered.pages)
    assert count >= 3, "title page, then at least the sections"
    assert f"Page {count} of {count}" in rendered.texts[-1]
    assert all(f"Page {i} of {count}" in t for i, t in enumerate(rendered.texts, start=1))


def test_every_page_is_a4_with_ink(rendered: Rendered) -> None:
    for i, (width, height) in enumerate(rendered.sizes, start=1):
        assert width == pytest.approx(A4_PT[0], abs=1.0), f"page {i} width"
        assert height == pytest.approx(A4_PT[1], abs=1.0), f"page {i} height"
    shares = [_ink(page) for page in rendered.pages]
    assert min(shares) > INK_SHARE, f"a blank page: ink shares {shares}"


def test_the_title_page_names_the_park(
    rendered: Rendered, demo_report: tuple[ReportData, bytes]
) -> None:
    data = demo_report[0]
    assert f"Park report: {data.park_name}" in rendered.texts[0]
    assert f"Report date: {ON.isoformat()}" in rendered.texts[0]


def test_every_section_heading_is_printed(
    rendered: Rendered, demo_report: tuple[ReportData, bytes]
) -> None:
    titles = [section.title for section in assemble(demo_report[0])]
    assert len(titles) == 9
    for title in titles:
        assert any(title in text for text in rendered.texts[1:]), f"heading {title!r} missing"


def test_the_flows_map_is_drawn_in_colour(
    rendered: Rendered, demo_report: tuple[ReportData, bytes]
) -> None:
    data = demo_report[0]
    assert data.map_sites and data.map_links, "the demo activity starts two synergies"
    strip = rendered.below("Flows map", 320.0)  # the map is at most 110 mm high
    assert _coloured(strip, (0xE6, 0x9F, 0x00)) >= len(data.map_sites), "a dot per company"
    assert _coloured(strip, (0x00, 0x72, 0xB2)) > 0, "the exchanges in progress, in blue"
    page = rendered.texts[rendered.page_with("Flows map")]
    assert re.search(r"\b\d+(\.\d+)? km\b", page), "the scale bar is labelled in km"
    assert re.search(r"\bN\b", page), "the north arrow is labelled"
    assert all(site.id in page for site in data.map_sites), "every dot carries its id"


def test_the_sankey_diagrams_are_drawn_in_colour(rendered: Rendered) -> None:
    strip = rendered.below("Supplies per year in", 150.0)
    assert _coloured(strip) > 200


def test_the_demo_report_costs_measures_with_the_parks_own_sourced_inputs(
    rendered: Rendered, demo_report: tuple[ReportData, bytes]
) -> None:
    """The demo workbook gives an electricity price, a discount rate and end-use shares, each
    with its source; the one measure they cost gives its saving as a range only, so the report
    draws the curve at the range's low end and says so."""
    data = demo_report[0]
    costed = [m for m in data.measures if m.cost_eur_per_t_co2e is not None]
    assert [m.id for m in costed] == ["motor_system_optimisation"]
    assert data.estimate_case == "low"
    assert any("low end of the published ranges" in text for text in rendered.texts)
    page = rendered.page_with("Marginal abatement cost curve [")
    strip = rendered.below("Marginal abatement cost curve [", 290.0)
    assert _coloured(strip, (0x2E, 0x7D, 0x32)) > 20, "it saves money: a green bar"
    assert "motor_system_optimisation" in rendered.texts[page]


def test_without_costs_the_measures_say_what_is_missing() -> None:
    data = ReportData(
        park_name="Uncosted park",
        country="DK",
        generated_for=dt.date(2026, 1, 1),
        measures=(MeasureRow("led", "LED lighting", None, None, "8 companies"),),
        costing_missing=("energy prices per carrier [EUR/MWh] and a discount rate [1/yr]",),
    )
    rendered = _render(render_pdf(data))
    assert not any("Marginal abatement cost curve [" in text for text in rendered.texts)
    assert any("No measure is costed yet" in text for text in rendered.texts)
    assert any("energy prices per carrier" in text for text in rendered.texts)


def test_costed_measures_draw_a_macc_in_colour() -> None:
    data = ReportData(
        park_name="Costed park",
        country="DK",
        generated_for=dt.date(2026, 1, 1),
        measures=(
            MeasureRow("led", "LED lighting", 120.0, -60.0, "8 companies"),
            MeasureRow("hp", "Heat pump", 900.0, 45.0, "park"),
            MeasureRow("pv", "Rooftop PV", 300.0, None, "12 companies"),
        ),
    )
    rendered = _render(render_pdf(data))
    strip = rendered.below("Marginal abatement cost curve [", 290.0)  # 100 mm
    assert _coloured(strip, (0x2E, 0x7D, 0x32)) > 20, "a measure that saves money, in green"
    assert _coloured(strip, (0xEF, 0x6C, 0x00)) > 100, "a costly measure, in orange"
    page = rendered.texts[rendered.page_with("Marginal abatement cost curve [")]
    assert "abatement [t CO2e/yr]" in page and "cost [EUR/t CO2e]" in page
    assert "1 of 3 measures have no bar" in page


def test_the_map_shows_only_companies_the_reader_may_know(demo_park: DemoPark) -> None:
    s = demo_park
    workbook = parks.park_workbook(s.database, s.park)
    hidden = [c for c in workbook.companies if c.visibility is Confidentiality.PRIVATE]
    assert hidden, "the demo park has a private company"
    data = guide.report_data(s.database, s.member, s.park, ON)
    on_map = {site.id for site in data.map_sites}
    assert on_map == {c.id for c, _ in park_view(s.database, s.park, s.member).companies}
    html = guide.report_html(s.database, s.member, s.park, ON)
    for company in hidden:
        assert company.id not in on_map
        assert f">{company.id}<" not in html, "no dot labelled with a hidden company's id"
        assert company.name not in html
    labels = {row.from_label for row in data.synergies} | {row.to_label for row in data.synergies}
    for link in data.map_links:
        assert {link.source_label, link.target_label} <= labels, "names as in the synergy table"


def test_costs_and_end_use_shares_reach_the_recommender(demo_park: DemoPark) -> None:
    s = demo_park
    costs = CostInputs({"electricity": 150.0, "natural_gas": 45.0}, 0.05)
    share = EndUseShare("electricity", "compressed_air", 0.1, "energy audit 2024 (example)")
    _, stored_shares = toolbox.park_cost_inputs(s.database, s.park)
    plain = guide.report_data(s.database, s.facilitator, s.park, ON)
    given = guide.report_data(
        s.database, s.facilitator, s.park, ON, costs=costs, end_use_shares=(*stored_shares, share)
    )
    # the demo's own stored inputs (electricity 98 EUR/MWh, 3.5 %/yr) or the given ones
    for data in (plain, given):
        assert not any("energy prices per carrier" in m for m in data.costing_missing)
        assert not any("end-use shares per carrier" in m for m in data.costing_missing)
    assert sorted(m.id for m in given.measures) == sorted(m.id for m in plain.measures)

    def cost(data: ReportData) -> float | None:
        return next(
            m.cost_eur_per_t_co2e for m in data.measures if m.id == "motor_system_optimisation"
        )

    stored_cost, given_cost = cost(plain), cost(given)
    assert stored_cost is not None and given_cost is not None
    assert given_cost < stored_cost < 0, "a dearer electricity price saves more per tonne"
