"""Municipal guide (shipped file, loader checks, progress) and the park report (HTML and PDF)."""

from __future__ import annotations

import copy
import math
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from parkloop.errors import ConfigurationError, NotFound, ReferenceDataError
from parkloop.guide import FEATURES, load_guide, progress
from parkloop.guide.charts import BarItem, bar_layout, format_number, sankey_layout
from parkloop.guide.fonts import SHIPPED, FontFiles, find_unicode_font
from parkloop.guide.map_chart import (
    MapLink,
    MapSite,
    exchange_rows,
    map_layout,
    map_svg,
    nice_length,
)
from parkloop.guide.pdf_charts import macc_layout
from parkloop.guide.report import (
    CertificationStatus,
    Chart,
    FactorUsed,
    FlowChart,
    InventoryYear,
    KeyFigure,
    MeasureRow,
    PathwayPoint,
    ReportData,
    SankeyLink,
    SynergyRow,
    assemble,
    render_html,
    render_pdf,
)
from parkloop.guide.steps import all_ticks
from parkloop.matching.geo import haversine_km
from parkloop.toolbox.macc import Macc, MaccItem, macc_curve, macc_svg

GUIDE_FILE = Path(__file__).resolve().parent.parent / "src/parkloop/reference/data/guide.yaml"
TOPICS = [
    "governance",
    "baseline",
    "engagement",
    "measures",
    "funding",
    "targets",
    "certification",
    "network",
]
SECTIONS = [
    "summary",
    "inventory",
    "flows",
    "synergies",
    "measures",
    "pathway",
    "certification",
    "guide",
    "sources",
]
POLISH = "Zakład Łódź Żółć Sp. z o.o."
# Three sites about 1-2 km apart near Gdańsk harbour (fictional companies).
SITES = (
    MapSite("C01", 54.3950, 18.6600),
    MapSite("C02", 54.4030, 18.6800),
    MapSite("C03", 54.3900, 18.6900),
)


# --- the shipped guide ---------------------------------------------------------------------


def test_guide_loads_with_the_required_topics_in_order() -> None:
    guide = load_guide()
    assert [step.id for step in guide.steps] == TOPICS
    assert 8 <= len(guide.steps) <= 10
    assert guide.version and guide.year >= 2025


def test_every_step_is_complete_and_within_bounds() -> None:
    for step in load_guide().steps:
        sentences = re.split(r"(?<=[.!?])\s+", step.purpose.strip())
        assert 2 <= len(sentences) <= 4, step.id
        assert 3 <= len(step.actions) <= 6, step.id
        assert 2 <= len(step.done_when) <= 5, step.id
        assert step.outputs, step.id
        assert step.title_sv and step.title_pl, step.id
        assert step.title_sv != step.title and step.title_pl != step.title, step.id
        assert step.title_in("sv") == step.title_sv and step.title_in("pl") == step.title_pl
        assert set(step.features) <= set(FEATURES), step.id
        assert len({item.id for item in step.done_when}) == len(step.done_when), step.id


def test_every_platform_feature_helps_somewhere() -> None:
    used = {feature for step in load_guide().steps for feature in step.features}
    assert used == set(FEATURES)


def test_every_step_cites_sources_that_resolve() -> None:
    guide = load_guide()
    cited = set()
    for step in guide.steps:
        assert step.sources, step.id
        for ref in step.sources:
            assert ref.key in guide.sources, (step.id, ref.key)
            assert ref.section
            cited.add(ref.key)
    assert cited == set(guide.sources), "every bibliography entry is cited by a step"
    for source in guide.sources.values():
        assert source.url.startswith(("http://", "https://")), source.key
        assert source.year is not None or source.note, f"{source.key}: undated needs a note"


def test_the_guide_cites_each_family_of_guidance() -> None:
    keys = set(load_guide().sources)
    families = {
        "International EIP Framework": {"eip_framework_2021"},
        "UNIDO implementation handbook": {"unido_handbook_2017"},
        "Interreg Baltic Sea Region projects": {"gia_project", "bis_project"},
        "Mecklenburg-Vorpommern label": {"g3_criteria", "g3_requirements"},
        "NISP facilitation practice": {"nisp_good_practice", "nisp_lessons"},
        "Kalundborg Symbiosis": {"kalundborg_strategy", "kalundborg_governance"},
    }
    for family, needed in families.items():
        assert needed <= keys, family


def test_step_lookup() -> None:
    guide = load_guide()
    assert guide.step("funding").title_pl.startswith("Uzgodnienie")
    with pytest.raises(NotFound, match="no step 'nope'"):
        guide.step("nope")


# --- the loader's checks -------------------------------------------------------------------


def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(GUIDE_FILE.read_text(encoding="utf-8"))
    return copy.deepcopy(loaded)


def _step(document: dict[str, Any], step_id: str) -> dict[str, Any]:
    step: dict[str, Any] = next(s for s in document["steps"] if s["id"] == step_id)
    return step


def _load(tmp_path: Path, document: dict[str, Any]) -> None:
    path = tmp_path / "guide.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    load_guide(path)


def test_a_copy_of_the_shipped_file_loads_from_a_path(tmp_path: Path) -> None:
    _load(tmp_path, _document())


@pytest.mark.parametrize(
    ("step_id", "field", "change", "message"),
    [
        ("baseline", "features", lambda s: s["features"].append("teleporter"), "teleporter"),
        (
            "funding",
            "sources[0].key",
            lambda s: s["sources"][0].update(key="no_such_source"),
            "no_such_source",
        ),
        ("targets", "actions", lambda s: s.update(actions=s["actions"][:2]), "between 3 and 6"),
        ("network", "done_when", lambda s: s.update(done_when=s["done_when"][:1]), "2 to 5"),
        ("engagement", "title_pl", lambda s: s.pop("title_pl"), "non-empty text"),
        ("measures", "purpose", lambda s: s.update(purpose="  "), "non-empty text"),
        (
            "certification",
            "done_when[1].id",
            lambda s: s["done_when"][1].update(id=s["done_when"][0]["id"]),
            "duplicate checklist id",
        ),
        ("governance", "sources", lambda s: s.update(sources=[]), "at least one source"),
    ],
)
def test_bad_steps_name_the_step_and_field(
    tmp_path: Path, step_id: str, field: str, change: Any, message: str
) -> None:
    document = _document()
    change(_step(document, step_id))
    with pytest.raises(ReferenceDataError) as caught:
        _load(tmp_path, document)
    text = str(caught.value)
    assert f"step {step_id!r}" in text
    assert f"field {field!r}" in text
    assert message in text


def test_duplicate_step_ids_are_refused(tmp_path: Path) -> None:
    document = _document()
    document["steps"][1]["id"] = "governance"
    with pytest.raises(ReferenceDataError, match="step 'governance', field 'id': duplicate"):
        _load(tmp_path, document)


def test_unknown_feature_message_lists_the_allowed_ones(tmp_path: Path) -> None:
    document = _document()
    _step(document, "baseline")["features"] = ["ghg_inventry"]
    with pytest.raises(ReferenceDataError, match="use one of workbook_import, matching"):
        _load(tmp_path, document)


def test_a_source_without_url_is_refused(tmp_path: Path) -> None:
    document = _document()
    del document["sources"]["isrs_2006"]["url"]
    with pytest.raises(ReferenceDataError, match="source 'isrs_2006', field 'url'"):
        _load(tmp_path, document)


def test_invalid_yaml_is_a_reference_data_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("steps: [\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"broken\.yaml: not valid YAML"):
        load_guide(path)


# --- progress ------------------------------------------------------------------------------


def test_progress_worked_by_hand() -> None:
    guide = load_guide()
    # checklists: 4 + 4 + 3 + 3 + 3 + 3 + 4 + 3 = 27 items
    assert [len(s.done_when) for s in guide.steps] == [4, 4, 3, 3, 3, 3, 4, 3]
    ticks = {
        "governance": {"steering_group", "area_manager", "data_rules", "registered"},
        "baseline": {"inventory"},
        "funding": {"business_cases", "agreement_signed"},
    }
    p = progress(guide, ticks)
    assert p.total_items == 27
    assert p.done_items == 4 + 1 + 2
    assert p.share == pytest.approx(7 / 27)
    assert p.current_step == "baseline"
    assert p.complete_steps == 1
    by_id = {s.step_id: s for s in p.steps}
    assert by_id["governance"].share == 1.0 and by_id["governance"].complete
    assert by_id["baseline"].share == pytest.approx(1 / 4)
    assert by_id["funding"].done == ("business_cases", "agreement_signed")  # guide order
    assert by_id["funding"].share == pytest.approx(2 / 3)
    assert by_id["network"].share == 0.0


def test_progress_at_the_start_and_the_end() -> None:
    guide = load_guide()
    start = progress(guide, {})
    assert (start.current_step, start.share, start.done_items) == ("governance", 0.0, 0)
    end = progress(guide, all_ticks(guide))
    assert (end.current_step, end.share, end.complete_steps) == (None, 1.0, 8)


def test_a_later_step_done_does_not_move_the_current_step() -> None:
    guide = load_guide()
    p = progress(guide, {"network": {"lasting_form", "meetings_planned", "newcomers_screened"}})
    assert p.current_step == "governance"
    assert p.share == pytest.approx(3 / 27)


def test_unknown_ticks_raise_or_are_listed() -> None:
    guide = load_guide()
    ticks = {"governance": {"steering_group", "old_item"}, "retired_step": {"x"}}
    with pytest.raises(ValueError, match="governance/old_item, retired_step/x"):
        progress(guide, ticks)
    p = progress(guide, ticks, strict=False)
    assert p.ignored == (("governance", "old_item"), ("retired_step", "x"))
    assert p.done_items == 1


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_progress_properties(data: st.DataObject) -> None:
    guide = load_guide()
    ticks = {
        step.id: data.draw(st.sets(st.sampled_from([i.id for i in step.done_when])))
        for step in guide.steps
    }
    p = progress(guide, ticks)
    assert 0.0 <= p.share <= 1.0
    assert p.done_items == sum(len(v) for v in ticks.values())
    incomplete = [s.id for s in guide.steps if len(ticks[s.id]) < len(s.done_when)]
    assert p.current_step == (incomplete[0] if incomplete else None)
    reordered = dict(reversed(list(ticks.items())))
    assert progress(guide, reordered) == p


# --- charts --------------------------------------------------------------------------------


def test_sankey_layout_conserves_flows() -> None:
    links = [
        SankeyLink("CHP", "Brewery", 30.0),
        SankeyLink("CHP", "Greenhouse", 20.0),
        SankeyLink("Data centre", "Greenhouse", 10.0),
        SankeyLink("Greenhouse", "Fish farm", 5.0),
        SankeyLink("CHP", "Brewery", 10.0),  # added to the first
    ]
    layout = sankey_layout(links)
    assert not layout.cyclic
    nodes = {n.label: n for n in layout.nodes}
    assert [nodes[n].column for n in ("CHP", "Data centre", "Brewery", "Fish farm")] == [0, 0, 1, 2]
    assert nodes["CHP"].value == 60.0 and nodes["Greenhouse"].value == 30.0
    scale = nodes["CHP"].height / 60.0
    for node in layout.nodes:
        out = sum(b.thickness for b in layout.bands if b.source == node.label)
        into = sum(b.thickness for b in layout.bands if b.target == node.label)
        assert max(out, into) == pytest.approx(node.height)
        assert node.height == pytest.approx(node.value * scale)


def test_sankey_with_a_cycle_falls_back_to_two_columns() -> None:
    layout = sankey_layout([SankeyLink("A", "B", 3.0), SankeyLink("B", "A", 1.0)])
    assert layout.cyclic
    assert sorted((n.label, n.column) for n in layout.nodes) == [
        ("A", 0),
        ("A", 1),
        ("B", 0),
        ("B", 1),
    ]


def test_bar_layout_puts_zero_between_negative_and_positive_bars() -> None:
    layout = bar_layout([BarItem("gain", 100.0, 50.0, 150.0), BarItem("loss", -50.0)])
    gain, loss = layout.rows
    assert layout.axis_min == -50.0 and layout.axis_max == 150.0
    assert loss.x_value < gain.x_zero < gain.x_value
    assert gain.x_low is not None and gain.x_high is not None
    assert gain.x_low < gain.x_value < gain.x_high


def test_format_number() -> None:
    assert format_number(1234567.8) == "1,234,568"
    assert format_number(-15.0) == "-15"
    assert format_number(0.66) == "0.66"


# --- the report ----------------------------------------------------------------------------


def _data(park_name: str = "Hamnparken", **changes: Any) -> ReportData:
    guide = load_guide()
    ticks = {"governance": {"steering_group", "area_manager"}}
    data = ReportData(
        park_name=park_name,
        country="PL",
        municipality="Gdańsk",
        generated_for=date(2026, 3, 31),
        key_figures=(KeyFigure("Companies", 32), KeyFigure("Flows", 118)),
        inventory=(
            InventoryYear(2024, 41234.5, 20345.2, 18000.0, 5123.0),
            InventoryYear(2023, 43000.0, 21000.0),
        ),
        flows=(
            FlowChart(
                "MWh",
                (
                    SankeyLink("CHP plant", "Brewery", 12000.0),
                    SankeyLink("Data centre", "Greenhouse", 3000.0),
                    SankeyLink("Greenhouse", "Fish farm", 500.0),
                ),
            ),
            FlowChart("t", (SankeyLink("Brewery", POLISH, 300.0),)),
        ),
        synergies=(
            SynergyRow(
                "Waste heat to greenhouse",
                "Data centre",
                "Greenhouse",
                "implemented",
                812.0,
                600.0,
                1000.0,
            ),
            SynergyRow("Spent grain to feed", "Brewery", POLISH, "negotiating", -15.0),
        ),
        measures=(
            MeasureRow("HP-01", "Industrial heat pump", 1200.0, -35.0),
            MeasureRow("PV-01", "Rooftop PV", None, None),
        ),
        pathway=(PathwayPoint(2024, 61579.7), PathwayPoint(2030, 35000.0)),
        certification=CertificationStatus("silver", date(2028, 12, 31), "Green Industrial Area"),
        guide_progress=progress(guide, ticks),
        factors=(FactorUsed("grid electricity", 0.66, "t CO2e/MWh", "EEA (2024), table 2"),),
        map_sites=SITES,
        map_links=(
            MapLink("C01", "C02", "Waste heat", "implemented", "CHP plant", "Greenhouse"),
            MapLink("C02", "C03", "CO2", "negotiating"),
        ),
    )
    return replace(data, **changes)


@pytest.fixture(scope="module")
def font() -> FontFiles:
    found = find_unicode_font()  # the package ships DejaVu Sans: always found
    assert found.regular.parent == SHIPPED
    return found


def test_assembly_has_every_section_in_order() -> None:
    assert [s.id for s in assemble(_data())] == SECTIONS
    empty = ReportData("Empty park", "SE", date(2026, 1, 1))
    sections = assemble(empty)
    assert [s.id for s in sections] == SECTIONS
    assert all(s.blocks for s in sections), "a section without data says so"


def test_html_contains_each_section() -> None:
    html = render_html(_data())
    assert html.startswith("<!DOCTYPE html>")
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    assert "Report date: 2026-03-31" in html
    # the flows map, two Sankey diagrams, the synergy bars and the MACC
    assert html.count("<svg") == 5
    assert 'class="chart map"' in html and "Marginal abatement cost curve" in html
    assert "Gdańsk" in html and POLISH in html
    assert "<link" not in html and "<script" not in html  # self-contained, no scripts


def test_html_escapes_text_everywhere() -> None:
    evil = "<script>alert('x')</script>"
    data = _data(
        evil,
        synergies=(SynergyRow(evil, evil, "B", "identified", 1.0),),
        flows=(FlowChart("MWh", (SankeyLink(evil, "B", 1.0),)),),
        key_figures=(KeyFigure(evil, 1.0, evil),),
    )
    html = render_html(data)
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_html_is_reproducible() -> None:
    assert render_html(_data()) == render_html(_data())
    assert render_html(_data()) != render_html(_data(generated_for=date(2026, 4, 1)))


def test_invalid_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match=r"ReportData.inventory\[0\].scope1_t_co2e"):
        _data(inventory=(InventoryYear(2024, float("nan"), 1.0),))
    with pytest.raises(ValueError, match=r"flows\[0\].links\[0\].value must be >= 0"):
        _data(flows=(FlowChart("t", (SankeyLink("A", "B", -1.0),)),))
    with pytest.raises(ValueError, match=r"low 5\.0 > high 1\.0"):
        _data(synergies=(SynergyRow("s", "a", "b", "identified", 2.0, 5.0, 1.0),))
    with pytest.raises(ValueError, match="park_name must not be empty"):
        _data(" ")


def _literal(data: bytes, start: int) -> bytes:
    """The bytes of a PDF literal string whose opening parenthesis is at ``start``."""
    out = bytearray()
    i = start + 1
    while data[i : i + 1] != b")":
        if data[i : i + 1] == b"\\":
            i += 1
            out += b"\r" if data[i : i + 1] == b"r" else data[i : i + 1]
        else:
            out += data[i : i + 1]
        i += 1
    return bytes(out)


def _pdf_texts(pdf: bytes) -> list[str]:
    """Text shown in an uncompressed fpdf2 PDF, decoded with each font's ToUnicode map.

    fpdf2 writes embedded TrueType text as 2-byte glyph codes in literal strings; each font's
    ToUnicode CMap (``bfchar`` pairs) maps the codes back to characters. Every string is
    decoded with every map, which is enough to look for a known phrase.
    """
    maps = []
    for block in re.findall(rb"beginbfchar\s*(.*?)\s*endbfchar", pdf, re.S):
        pairs = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block)
        maps.append({int(a, 16): bytes.fromhex(b.decode()).decode("utf-16-be") for a, b in pairs})
    texts = []
    for match in re.finditer(rb"Td (?:[0-9. ]+ rg )?\(", pdf):  # coloured text sets rg first
        raw = _literal(pdf, match.end() - 1)
        codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]
        for mapping in maps:
            if all(code in mapping for code in codes):
                texts.append("".join(mapping[code] for code in codes))
    return texts


def test_pdf_starts_with_the_header_and_is_reproducible(font: FontFiles) -> None:
    first = render_pdf(_data(), font=font)
    assert first.startswith(b"%PDF-")
    assert render_pdf(_data(), font=font) == first
    assert b"/CreationDate (D:20260331000000Z)" in render_pdf(_data(), font=font, compress=False)
    assert render_pdf(_data(generated_for=date(2026, 4, 1)), font=font) != first


def test_pdf_contains_the_park_name_and_polish_letters(font: FontFiles) -> None:
    pdf = render_pdf(_data("Hamnparken Åkersberga"), font=font, compress=False)
    texts = _pdf_texts(pdf)
    assert any("Park report: Hamnparken Åkersberga" in t for t in texts)
    assert any(POLISH in t for t in texts), "Polish company name in the tables"
    assert any("Gdańsk, PL" in t for t in texts)
    assert any(t.startswith("Page 2 of") for t in texts), "page numbers"


def test_pdf_of_an_empty_report(font: FontFiles) -> None:
    pdf = render_pdf(ReportData("Ø-parken", "DK", date(2026, 1, 1)), font=font, compress=False)
    assert any("Park report: Ø-parken" in t for t in _pdf_texts(pdf))


def test_missing_font_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="install fonts-dejavu-core"):
        find_unicode_font([tmp_path])


def test_font_lookup_prefers_dejavu(tmp_path: Path) -> None:
    for name in ("LiberationSans-Regular.ttf", "DejaVuSans.ttf"):
        (tmp_path / name).write_bytes(b"")
    found = find_unicode_font([tmp_path])
    assert found.family == "DejaVuSans" and found.bold is None
    assert "Bitstream Vera" in found.licence


# --- the flows map -------------------------------------------------------------------------


def test_map_projection_keeps_distances_north_up_and_east_right() -> None:
    layout = map_layout(SITES)
    dots = {dot.id: dot for dot in layout.dots}
    by_id = {site.id: site for site in SITES}
    for a, b in (("C01", "C02"), ("C01", "C03"), ("C02", "C03")):
        drawn_km = math.dist((dots[a].x, dots[a].y), (dots[b].x, dots[b].y)) / layout.units_per_km
        great_circle = float(haversine_km(by_id[a].lat, by_id[a].lon, by_id[b].lat, by_id[b].lon))
        assert drawn_km == pytest.approx(great_circle, rel=2e-3), (a, b)
    assert dots["C02"].y < dots["C01"].y, "north is up"
    assert dots["C03"].x > dots["C01"].x, "east is right"
    for dot in layout.dots:
        assert layout.margin <= dot.x <= layout.width - layout.margin
        assert layout.margin <= dot.y <= layout.height - layout.margin
    bar = layout.scale_bar
    assert bar.length == pytest.approx(bar.km * layout.units_per_km)
    assert bar.label == f"{format_number(bar.km)} km"


def test_map_lines_arrows_and_legend() -> None:
    links = (
        MapLink("C01", "C02", "Heat", "implemented"),
        MapLink("C01", "C02", "Steam", "contacted"),
        MapLink("C02", "C01", "Water", "identified"),
        MapLink("C03", "C03", "Self", "identified"),  # not drawable
    )
    layout = map_layout(SITES, links)
    assert [(line.source, line.target) for line in layout.lines] == [("C01", "C02"), ("C02", "C01")]
    there, back = layout.lines
    assert there.resources == ("Heat", "Steam") and not there.dashed, "one implemented: solid"
    assert back.dashed and back.colour != there.colour
    assert math.dist((there.x0, there.y0), (back.x1, back.y1)) == pytest.approx(6.0), "apart"
    tip = there.arrow[0]
    assert math.dist(tip, (there.x1, there.y1)) < math.dist(tip, (there.x0, there.y0))
    assert [text for _, _, text in layout.legend] == ["implemented", "in progress"]
    rows = exchange_rows(layout, links[:1])
    assert rows == (("C01", "C02", "Heat", "implemented", format_number(there.distance_km)),)


def test_map_of_one_site_and_bad_input() -> None:
    single = map_layout([MapSite("X", 60.0, 25.0)])
    assert single.dots[0].x == pytest.approx((single.width - 24.0) / 2)
    assert single.lines == () and single.legend == ()
    with pytest.raises(ValueError, match="at least one site"):
        map_layout([])
    with pytest.raises(ValueError, match="unique site ids"):
        map_layout([SITES[0], SITES[0]])
    with pytest.raises(ValueError, match="no site 'C09'"):
        map_layout(SITES, [MapLink("C01", "C09", "Heat", "identified")])
    assert [nice_length(x) for x in (0.73, 1.0, 9.99, 250.0)] == [0.5, 1.0, 5.0, 200.0]


def test_map_svg_escapes_ids_and_report_data_checks_the_map() -> None:
    evil = "<b>C9</b>"
    svg = map_svg(map_layout([MapSite(evil, 54.0, 18.0)]))
    assert "<b>" not in svg and "&lt;b&gt;C9&lt;/b&gt;" in svg
    with pytest.raises(ValueError, match=r"map_sites\[0\] \(C01\): lat 91\.0"):
        _data(map_sites=(MapSite("C01", 91.0, 18.0),), map_links=())
    with pytest.raises(ValueError, match=r"map_sites\[1\]: site id 'C01' is repeated"):
        _data(map_sites=(SITES[0], SITES[0]), map_links=())
    with pytest.raises(ValueError, match=r"map_links\[0\] names 'C07'"):
        _data(map_links=(MapLink("C01", "C07", "Heat", "identified"),))
    flows = next(s for s in assemble(_data(map_sites=(), map_links=())) if s.id == "flows")
    assert "no flows map" in flows.blocks[0].text  # type: ignore[union-attr]


# --- the MACC in the measures section ------------------------------------------------------


def _macc_chart(data: ReportData) -> Chart | None:
    section = next(s for s in assemble(data) if s.id == "measures")
    return next((b for b in section.blocks if isinstance(b, Chart)), None)


def test_costed_measures_give_a_macc_built_by_macc_curve() -> None:
    measures = (
        MeasureRow("HP-01", "Industrial heat pump", 1200.0, 35.0, "4 companies", 800.0),
        MeasureRow("LED", "LED lighting", 50.0, -40.0, "park"),
        MeasureRow("PV-01", "Rooftop PV", None, None),
        MeasureRow("EB", "Electric boiler", -10.0, 20.0),  # adds emissions: no bar
    )
    chart = _macc_chart(_data(measures=measures))
    assert chart is not None and isinstance(chart.layout, Macc)
    expected = macc_curve(
        [
            MaccItem("HP-01", "Industrial heat pump", 800.0, 35.0),
            MaccItem("LED", "LED lighting", 50.0, -40.0),
        ],
        omitted=["PV-01: not costed", "EB: no emissions avoided to draw"],
    )
    assert chart.layout == expected, "the costed part of HP-01 is its bar's width"
    assert chart.svg == macc_svg(expected, title="Cost per tonne against cumulative abatement")


def test_without_costed_measures_the_section_says_what_is_missing() -> None:
    data = _data(
        measures=(MeasureRow("PV-01", "Rooftop PV", None, None, "park"),),
        costing_missing=("energy prices per carrier", "a discount rate"),
    )
    assert _macc_chart(data) is None
    section = next(s for s in assemble(data) if s.id == "measures")
    text = section.blocks[0].text  # type: ignore[union-attr]
    assert text.startswith("No measure is costed yet")
    assert "energy prices per carrier; a discount rate" in text
    html = render_html(data)
    assert html.count("<svg") == 4 and "No measure is costed yet" in html


def test_the_pdf_macc_layout_matches_the_svg() -> None:
    curve = macc_curve([MaccItem("a", "A", 10.0, -20.0), MaccItem("b", "B", 30.0, 50.0)])
    layout = macc_layout(curve)
    rects = re.findall(
        r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', macc_svg(curve)
    )
    assert len(rects) == len(layout.bars) == 2
    for box, rect in zip(layout.bars, rects, strict=True):
        assert (box.x, box.y, box.width, box.height) == pytest.approx(
            tuple(float(v) for v in rect), abs=0.06
        )
    with pytest.raises(ValueError, match="no bars"):
        macc_layout(macc_curve([]))
