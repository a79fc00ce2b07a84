"""The demo park: the size DESIGN.md asks for, valid, and with its sources written down."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from parkloop.domain.models import Direction
from parkloop.io import read_workbook, validate_workbook
from parkloop.reference.nace import load_nace


def test_demo_park_is_valid_and_of_the_promised_size(demo_path: Path) -> None:
    workbook = validate_workbook(read_workbook(demo_path))
    assert workbook.park is not None and workbook.park.country == "DK"
    assert 25 <= len(workbook.companies) <= 40
    assert len(workbook.flows) >= 100
    directions = Counter(flow.direction for flow in workbook.flows)
    assert directions[Direction.SUPPLY] > 0 and directions[Direction.DEMAND] > 0
    with_energy = {use.company_id for use in workbook.energy}
    assert with_energy == {company.id for company in workbook.companies}


def test_demo_park_has_the_sectors_of_a_harbour_town(demo_path: Path) -> None:
    workbook = validate_workbook(read_workbook(demo_path))
    divisions = {load_nace().ancestors(c.nace)[-2].code for c in workbook.companies}
    # power/CHP, refinery or chemicals, food, drinks, wood or pulp, cement/concrete, sewerage,
    # crop growing (greenhouse), aquaculture, warehousing/logistics
    assert {"35", "20", "10", "11", "16", "23", "37", "01", "03", "52"} <= divisions


def test_every_demo_sector_figure_has_a_source_section(demo_path: Path) -> None:
    sources = (demo_path.parent / "SOURCES.md").read_text(encoding="utf-8")
    assert "fictional" in sources
    workbook = validate_workbook(read_workbook(demo_path))
    for company in workbook.companies:
        assert company.id in sources, f"{company.id} is not covered in SOURCES.md"
