"""Dashboard charts: Sankey layout and the numbers behind it, per viewer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkloop.domain.access import ANONYMOUS, Viewer, can_see_flow
from parkloop.domain.models import Direction
from parkloop.domain.people import Membership, Role
from parkloop.domain.synergy import SynergyStatus
from parkloop.services import dashboard, synergies
from parkloop.services import parks as park_service
from parkloop.services.database import Database
from parkloop.web import charts

LINKS = st.lists(
    st.tuples(st.sampled_from("abcde"), st.sampled_from("vwxyz"), st.floats(0.01, 1e6)),
    min_size=1,
    max_size=20,
)


@given(LINKS)
def test_sankey_bands_fill_their_nodes_exactly(links: list[tuple[str, str, float]]) -> None:
    diagram = charts.sankey(links, width=500, height=300, gap=5)
    out: dict[str, float] = defaultdict(float)
    into: dict[str, float] = defaultdict(float)
    for band in diagram.links:
        out[band.source] += band.value
        into[band.target] += band.value
    for node in diagram.nodes:
        side = out if node.x == 0 else into
        assert side[node.label] == pytest.approx(node.value)
    left = sum(n.height for n in diagram.nodes if n.x == 0)
    right = sum(n.height for n in diagram.nodes if n.x != 0)
    assert left == pytest.approx(right)
    assert max(n.y + n.height for n in diagram.nodes) <= 300 + 1e-6


def test_step_chart_holds_each_value_until_the_next_point() -> None:
    chart = charts.step_chart(
        {
            "a": [(dt.date(2026, 1, 1), 2.0), (dt.date(2026, 1, 11), 4.0)],
            "b": [(dt.date(2026, 1, 6), 1.0)],
        },
        width=100,
        height=100,
    )
    a, b = chart.series
    assert a.points == "0.0,50.0 100.0,50.0 100.0,0.0"
    assert b.points == "50.0,75.0 100.0,75.0" and chart.y_max == 4.0


@pytest.mark.parametrize("persona", ["anonymous", "facilitator"])
def test_sankey_totals_are_the_visible_supplies_per_unit(database: Database, persona: str) -> None:
    park = park_service.load_demo(database).park
    workbook = park_service.park_workbook(database, park)
    companies = {c.id: c for c in workbook.companies}
    viewer = (
        ANONYMOUS
        if persona == "anonymous"
        else Viewer((Membership("f@x.example", Role.FACILITATOR, park),))
    )
    supply = next(
        f
        for f in workbook.flows
        if f.direction is Direction.SUPPLY
        and (n := f.normalised()) is not None
        and n.unit == "t"
        and can_see_flow(viewer, park, companies[f.company_id], f)
    )
    receiver = next(c for c in workbook.companies if c.id != supply.company_id)
    synergy = synergies.identify(database, park, supply.id, receiver.id, by="f")
    for version, status in enumerate(("contacted", "negotiating", "implemented"), start=1):
        synergies.advance(
            database, synergy, SynergyStatus(status), by="f", expected_version=version
        )
    expected: dict[str, float] = defaultdict(float)
    for f in workbook.flows:
        n = f.normalised()
        if (
            f.direction is Direction.SUPPLY
            and can_see_flow(viewer, park, companies[f.company_id], f)
            and n is not None
            and n.value is not None
            and n.per_year
        ):
            expected[n.unit] += n.value
    got = dashboard.flow_sankeys(database, viewer, park)
    assert {u: sum(v for _, _, v in links) for u, links in got.items()} == pytest.approx(
        dict(expected)
    )
    targets = {t for _, t, _ in got["t"]}
    assert dashboard.NOT_EXCHANGED in targets
    assert any(t.startswith("to ") for t in targets)
    timeline = dashboard.synergy_timeline(database, park)
    assert timeline["identified"][-1][1] == 1 and timeline["implemented"][-1][1] == 1
