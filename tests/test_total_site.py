"""Total Site heat integration: published company targets, hand-checked sites, a second
formulation, the first law, and properties of the loop and the pairwise exchange."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parkloop.cli_heat_site import heat_site_command
from parkloop.energy.pinch import Stream, problem_table
from parkloop.energy.total_site import (
    Loop,
    Segment,
    TotalSiteError,
    TotalSiteResult,
    _cascade,
    company_profile,
    total_site,
)
from parkloop.errors import ValidationError
from parkloop.io.streams import read_company_streams

# Kemp I.C. (2007), Pinch Analysis and Process Integration, 2nd ed., chapter 2, four-stream
# example: 20 kW hot and 60 kW cold utility at dT_min = 10 K (the oracle of tests/test_pinch.py).
KEMP = [
    Stream("C1", 20, 135, 2.0),
    Stream("H1", 170, 60, 3.0),
    Stream("C2", 80, 140, 4.0),
    Stream("H2", 150, 30, 1.5),
]
KEMP_HOT_KW, KEMP_COLD_KW = 20.0, 60.0
# Smith R. (2005), Chemical Process Design and Integration, chapter 16, four-stream problem:
# 7.5 MW hot and 10.0 MW cold utility at dT_min = 10 K; CP given here in kW/K (MW/K x 1000).
SMITH = [
    Stream("H1", 250, 40, 150.0),
    Stream("H2", 200, 80, 250.0),
    Stream("C1", 20, 180, 200.0),
    Stream("C2", 140, 230, 300.0),
]
SMITH_HOT_KW, SMITH_COLD_KW = 7500.0, 10000.0

# A hand-checked site. Company A: hot 150 -> 60 C (CP 2), cold 40 -> 70 C (CP 1); at dT_min 10 K
# it needs no hot utility and rejects 150 kW: 140 kW between 150 and 80 C, 10 kW between 80 and
# 60 C (the 10 kW pocket between 60 and 50 C stays inside A). Company B: cold 50 -> 100 C (CP 1.5),
# a 75 kW sink.
A = [Stream("A-hot", 150, 60, 2.0), Stream("A-cold", 40, 70, 1.0)]
B = [Stream("B-cold", 50, 100, 1.5)]


def test_each_company_keeps_its_published_pinch_targets() -> None:
    result = total_site({"kemp": KEMP, "smith": SMITH}, 10.0)
    kemp, smith = result.companies
    assert (kemp.sink_kw, kemp.source_kw) == pytest.approx((KEMP_HOT_KW, KEMP_COLD_KW))
    assert (smith.sink_kw, smith.source_kw) == pytest.approx((SMITH_HOT_KW, SMITH_COLD_KW))
    assert kemp.pinch.pinch_shifted_c == 85.0 and smith.pinch.pinch_shifted_c == 145.0
    # sinks sit above each company's pinch (cold side, 80 C / 140 C), sources below it (hot side)
    assert min(s.lower_c for s in kemp.sinks) == pytest.approx(80.0)
    assert max(s.upper_c for s in kemp.sources) == pytest.approx(90.0)
    assert min(s.lower_c for s in smith.sinks) == pytest.approx(140.0)
    assert max(s.upper_c for s in smith.sources) == pytest.approx(150.0)
    assert result.total_sink_kw == pytest.approx(KEMP_HOT_KW + SMITH_HOT_KW)
    assert result.total_source_kw == pytest.approx(KEMP_COLD_KW + SMITH_COLD_KW)
    # Smith's surplus (below 150 C) cannot reach its own deficit but can heat Kemp's sinks (80 to
    # 145 C, cold side) where it is 2 x 10 K hotter; a second formulation says how much
    assert result.heat_recovery_kw == pytest.approx(_ideal_by_problem_table(result), abs=1e-6)
    assert 0 < result.heat_recovery_kw <= KEMP_HOT_KW


def test_a_hand_checked_site_through_each_kind_of_loop() -> None:
    site = {"A": A, "B": B}
    ideal = total_site(site, 10.0, Loop("ideal", 10.0))
    assert ideal.heat_recovery_kw == pytest.approx(75.0)
    assert ideal.companies[0].source_kw == pytest.approx(150.0)
    # steam at 120 C and 90 C: A raises 40 kW at 120 C (its heat above 130 C) and 60 kW at
    # 90 C; B takes 30 kW at 120 C (its need between 80 and 100 C) and 45 kW at 90 C
    steam = total_site(site, 10.0, Loop("steam", 10.0, levels_c=(90.0, 120.0)))
    rows = [(b.upper_c, b.source_kw, b.sink_kw) for b in steam.bins]
    assert np.allclose(rows, [(120.0, 40.0, 30.0), (90.0, 60.0, 45.0)])
    assert steam.heat_recovery_kw == pytest.approx(75.0)
    # hot water 100 -> 70 C: B's need below 90 C on the cold side is 60 kW, so CP <= 60/30 = 2
    # kW/K on the sink side (A could give 140/30 kW/K): 60 kW
    water = total_site(site, 10.0, Loop("hot_water", 10.0, supply_c=100.0, return_c=70.0))
    assert water.heat_recovery_kw == pytest.approx(60.0)
    (a_to_b, b_to_a) = water.pairs
    assert (a_to_b.potential_kw, a_to_b.allocated_kw) == pytest.approx((60.0, 60.0))
    assert (a_to_b.loop_upper_c, a_to_b.loop_lower_c) == (100.0, 70.0)
    assert b_to_a.potential_kw == 0.0 and b_to_a.loop_upper_c is None
    a, b = water.balances
    assert a.cold_utility_after_kw == pytest.approx(90.0)
    assert b.hot_utility_after_kw == pytest.approx(15.0)


# Klemes J., Friedler F., Bulatov I., Varbanov P. (2011), Sustainability in the Process Industry:
# Integration and Optimization, McGraw-Hill, section 4.6.3, p. 100 (Figures 4.67 and 4.68), copy
# read at https://digilib.universitaspertamina.ac.id/ebook/Sustainability%20:%20in%20the%20Process
# %20Industry%20Integration%20and%20Optimization/files/basic-html/page123.html (the procedure is
# on p. 99, .../page122.html). The book gives the site's loads per steam level, not the stream
# data behind its Total Site Profiles, so only the level cascade can be checked against it.
BOOK_LEVELS_C = (
    250.0,  # VHP saturation temperature, "generated by the steam boilers" (p. 100)
    200.0,  # HP saturation temperature (p. 100)
    170.0,  # MP saturation temperature (p. 100)
    115.0,  # LP saturation temperature (p. 100)
)
BOOK_RAISED_MW = (
    0.0,  # VHP: raised by the boilers only; the Site Source Profile raises HP and below (p. 100)
    2.0,  # "can generate at most 2 MW of HP steam" (p. 100)
    2.0,  # "another 2 MW of MP steam" (p. 100)
    15.0,  # "and 15 MW of LP steam" (p. 100)
)
BOOK_USED_MW = (
    5.0,  # "the remaining 5 MW demand to be satisfied by VHP steam" (p. 100)
    2.5,  # "2.5 MW HP steam" (p. 100)
    6.5,  # "6.5 MW of MP steam" (p. 100)
    1.0,  # "needs for 1 MW of LP steam" (p. 100)
)


def test_the_steam_cascade_puts_the_published_site_pinch_between_mp_and_lp() -> None:
    """Klemes et al. (2011), p. 100: the Site Composite Curves touch between the MP and LP
    levels; the main above the Site Pinch is a net steam user, the one below a net generator."""
    raised, used = np.array(BOOK_RAISED_MW), np.array(BOOK_USED_MW)
    # one party per level, as the steam loop's bins hold them (hottest level first):
    # flows[i, j] is steam raised at level i and condensed at level j
    flows = _cascade(np.diag(raised), np.diag(used))
    assert np.allclose(np.tril(flows, -1), 0.0)  # steam is only let down, never raised a level
    # HP and MP each use more than they raise, so each keeps its own steam; LP uses 1 of its 15
    assert np.allclose(flows, np.diag([0.0, 2.0, 2.0, 1.0]))
    mp, lp = BOOK_LEVELS_C.index(170.0), BOOK_LEVELS_C.index(115.0)
    # nothing raised at MP or above reaches LP: no heat crosses the Site Pinch
    assert np.allclose(flows[:lp, lp:], 0.0)
    assert raised[mp] - flows[mp].sum() == pytest.approx(0.0)  # MP: all it raises, it uses
    assert used[mp] > raised[mp] and raised[lp] > used[lp]  # MP a net user, LP a net generator
    # the Total Site Problem Table on the same loads (Liew et al. 2012): boiler steam enters at
    # the top and the cascade falls to zero just below MP, the published Site Pinch
    boiler = max(0.0, float(np.max(np.cumsum(used - raised))))
    cascade = boiler + np.cumsum(raised - used)
    assert cascade[mp] == pytest.approx(0.0)
    assert (cascade[:mp] > 0).all() and cascade[lp] > 0
    # hence, by arithmetic on the published loads (the book prints no total): 2 + 2 + 1 MW of
    # steam recovered, 15 - 5 = 10 MW of boiler steam and 14 MW of LP capacity left to CW
    assert flows.sum() == pytest.approx(sum(BOOK_USED_MW) - boiler)
    assert (flows.sum(), boiler, cascade[lp]) == pytest.approx((5.0, 10.0, 14.0))


def test_pocket_heat_stays_inside_its_company() -> None:
    profile = company_profile("A", A, 10.0)
    rows = [(s.upper_c, s.lower_c, s.heat_kw) for s in profile.sources]
    assert np.allclose(rows, [(150.0, 80.0, 140.0), (80.0, 60.0, 10.0)])
    assert profile.sources[0].shifted_c == (145.0, 75.0)
    assert profile.source_kw == pytest.approx(profile.pinch.cold_utility_kw)


def test_ambient_leaves_out_low_grade_sources() -> None:
    profile = company_profile("A", A, 10.0, ambient_c=70.0)
    assert profile.source_kw == pytest.approx(145.0)
    assert min(s.lower_c for s in profile.sources) == 70.0


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Loop("district", 10.0), "choose one of ideal, steam, hot_water"),
        (lambda: Loop("steam", 10.0), "at least one level"),
        (lambda: Loop("steam", 10.0, levels_c=(120.0, 120.0)), "repeat"),
        (lambda: Loop("hot_water", 10.0, supply_c=60.0, return_c=80.0), "above its return"),
        (lambda: Loop("ideal", -1.0), ">= 0"),
        (lambda: Loop("ideal", float("nan")), "finite"),
        (lambda: total_site({}, 10.0), "no companies"),
        (lambda: total_site({" ": A}, 10.0), "blank"),
        (lambda: total_site({"A": A, "B": B}, {"A": 10.0}), "no dt_min_k for 'B'"),
        (lambda: total_site({"A": A}, -5.0), ">= 0"),
        (lambda: total_site({"A": []}, 10.0), "company 'A': no streams"),
        (lambda: total_site({"A": A}, 20.0, Loop("ideal", 5.0)), "at least 10 K"),
    ],
)
def test_bad_input_is_refused_with_a_fix(make: Callable[[], object], words: str) -> None:
    with pytest.raises(TotalSiteError, match=words):
        make()


def _ideal_by_problem_table(result: TotalSiteResult) -> float:
    """The ideal loop again: source segments as hot streams, sink segments as cold streams,
    dT_min = 2 x dT_loop; recovery = sink heat - the hot utility this pinch analysis needs."""
    sources = [s for c in result.companies for s in c.sources]
    sinks = [s for c in result.companies for s in c.sinks]
    if not sources or not sinks:
        return 0.0
    streams = [Stream("s", s.upper_c, s.lower_c, s.cp_kw_per_k) for s in sources]
    streams += [Stream("k", s.lower_c, s.upper_c, s.cp_kw_per_k) for s in sinks]
    pinch = problem_table(streams, 2 * result.loop.loop_dt_k)
    return result.total_sink_kw - pinch.hot_utility_kw


stream = (
    st.tuples(st.integers(0, 300), st.integers(0, 300), st.integers(1, 40))
    .filter(lambda t: t[0] != t[1])
    .map(lambda t: Stream("S", float(t[0]), float(t[1]), t[2] / 4))
)
sites = st.dictionaries(
    st.sampled_from(["north", "east", "south", "west"]),
    st.lists(stream, min_size=1, max_size=5),
    min_size=1,
    max_size=4,
)
loops = st.one_of(
    st.just(("ideal", ())),
    st.lists(st.integers(20, 250), min_size=1, max_size=3, unique=True).map(
        lambda levels: ("steam", tuple(float(x) for x in levels))
    ),
    st.tuples(st.integers(20, 200), st.integers(5, 80)).map(
        lambda t: ("hot_water", (float(t[0] + t[1]), float(t[0])))
    ),
)


def _loop(kind: tuple[str, tuple[float, ...]], loop_dt_k: float) -> Loop:
    method, values = kind
    if method == "steam":
        return Loop("steam", loop_dt_k, levels_c=values)
    if method == "hot_water":
        return Loop("hot_water", loop_dt_k, supply_c=values[0], return_c=values[1])
    return Loop("ideal", loop_dt_k)


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, scale)


@settings(max_examples=150, deadline=None)
@given(site=sites, dt=st.integers(0, 20), extra=st.integers(0, 15), kind=loops)
def test_the_first_law_holds_for_every_company_and_the_site(
    site: dict[str, list[Stream]], dt: int, extra: int, kind: tuple[str, tuple[float, ...]]
) -> None:
    result = total_site(site, float(dt), _loop(kind, dt / 2 + extra))
    scale = result.total_source_kw + result.total_sink_kw
    assert result.heat_recovery_kw >= 0
    assert result.heat_recovery_kw <= min(result.total_source_kw, result.total_sink_kw) + 1e-6 * (
        1 + scale
    )
    given_kw = sum(b.heat_given_kw for b in result.balances)
    received_kw = sum(b.heat_received_kw for b in result.balances)
    assert _close(given_kw, result.heat_recovery_kw, scale)
    assert _close(received_kw, result.heat_recovery_kw, scale)
    for profile, balance in zip(result.companies, result.balances, strict=True):
        # pocket removal keeps each company's own targets: its sinks are its hot utility
        assert _close(profile.sink_kw, balance.hot_utility_kw, scale)
        assert _close(profile.source_kw, balance.cold_utility_kw, scale)
        assert balance.hot_utility_after_kw >= -1e-6 * (1 + scale)
        assert balance.cold_utility_after_kw >= -1e-6 * (1 + scale)
    before = sum(b.hot_utility_kw - b.cold_utility_kw for b in result.balances)
    after = sum(b.hot_utility_after_kw - b.cold_utility_after_kw for b in result.balances)
    assert _close(before, after, scale)
    if kind[0] != "ideal":
        ideal = total_site(site, float(dt), Loop("ideal", dt / 2 + extra))
        assert result.heat_recovery_kw <= ideal.heat_recovery_kw + 1e-6 * (1 + scale)
    else:
        assert _close(result.heat_recovery_kw, _ideal_by_problem_table(result), scale)


@settings(max_examples=100, deadline=None)
@given(
    site=sites, dt=st.integers(0, 20), extra=st.integers(0, 15), more=st.integers(1, 30), kind=loops
)
def test_a_larger_loop_approach_never_recovers_more(
    site: dict[str, list[Stream]],
    dt: int,
    extra: int,
    more: int,
    kind: tuple[str, tuple[float, ...]],
) -> None:
    closer = total_site(site, float(dt), _loop(kind, dt / 2 + extra))
    wider = total_site(site, float(dt), _loop(kind, dt / 2 + extra + more))
    assert wider.heat_recovery_kw <= closer.heat_recovery_kw + 1e-6 * (
        1 + closer.total_source_kw + closer.total_sink_kw
    )


@settings(max_examples=100, deadline=None)
@given(site=sites, dt=st.integers(0, 20), kind=loops)
def test_the_order_of_companies_changes_nothing(
    site: dict[str, list[Stream]], dt: int, kind: tuple[str, tuple[float, ...]]
) -> None:
    forward = total_site(site, float(dt), _loop(kind, float(dt)))
    backward = total_site(dict(reversed(site.items())), float(dt), _loop(kind, float(dt)))
    scale = forward.total_source_kw + forward.total_sink_kw
    assert _close(forward.heat_recovery_kw, backward.heat_recovery_kw, scale)
    mine = {b.company: b for b in backward.balances}
    for b in forward.balances:
        assert _close(b.heat_given_kw, mine[b.company].heat_given_kw, scale)
        assert _close(b.heat_received_kw, mine[b.company].heat_received_kw, scale)
    pairs = {(p.source_company, p.sink_company): p for p in backward.pairs}
    for p in forward.pairs:
        other = pairs[(p.source_company, p.sink_company)]
        assert _close(p.potential_kw, other.potential_kw, scale)
        assert _close(p.allocated_kw, other.allocated_kw, scale)


@settings(max_examples=150, deadline=None)
@given(site=sites, dt=st.integers(0, 20), extra=st.integers(0, 15), kind=loops)
def test_the_pairwise_matrix_sums_consistently(
    site: dict[str, list[Stream]], dt: int, extra: int, kind: tuple[str, tuple[float, ...]]
) -> None:
    result = total_site(site, float(dt), _loop(kind, dt / 2 + extra))
    scale = result.total_source_kw + result.total_sink_kw
    names = [c.company for c in result.companies]
    assert len(result.pairs) == len(names) * (len(names) - 1)
    allocated = {(p.source_company, p.sink_company): p.allocated_kw for p in result.pairs}
    for balance in result.balances:
        row = sum(v for (i, _), v in allocated.items() if i == balance.company)
        column = sum(v for (_, j), v in allocated.items() if j == balance.company)
        assert _close(row, balance.heat_given_kw, scale)
        assert _close(column, balance.heat_received_kw, scale)
    assert _close(sum(allocated.values()), result.heat_recovery_kw, scale)
    profiles = {c.company: c for c in result.companies}
    potentials = [p.potential_kw for p in result.pairs]
    for p in result.pairs:
        cap = min(profiles[p.source_company].source_kw, profiles[p.sink_company].sink_kw)
        assert 0 <= p.potential_kw <= cap + 1e-6 * (1 + scale)
        assert (p.loop_upper_c is None) == (p.potential_kw == 0)
        if p.loop_upper_c is not None and p.loop_lower_c is not None:
            assert p.loop_upper_c >= p.loop_lower_c
        if kind[0] != "hot_water":  # a shared hot-water loop mixes pairs; see docs/methods.md
            assert p.allocated_kw <= p.potential_kw + 1e-6 * (1 + scale)
    if potentials:
        assert max(potentials) <= result.heat_recovery_kw + 1e-6 * (1 + scale)
        if kind[0] != "hot_water":
            assert result.heat_recovery_kw <= sum(potentials) + 1e-6 * (1 + scale)


@settings(max_examples=60, deadline=None)
@given(site=sites, dt=st.integers(0, 20), kind=loops.filter(lambda k: k[0] == "hot_water"))
def test_the_hot_water_loop_is_feasible_everywhere_along_it(
    site: dict[str, list[Stream]], dt: int, kind: tuple[str, tuple[float, ...]]
) -> None:
    loop = _loop(kind, float(dt))
    result = total_site(site, float(dt), loop)
    assert loop.supply_c is not None and loop.return_c is not None
    cp = result.heat_recovery_kw / (loop.supply_c - loop.return_c)
    sources = [s for c in result.companies for s in c.sources]
    sinks = [s for c in result.companies for s in c.sinks]
    for t in np.linspace(loop.return_c, loop.supply_c, 301):
        above = sum(_heat_between(s, t + dt, np.inf) for s in sources)
        below = sum(_heat_between(s, -np.inf, t - dt) for s in sinks)
        slack = 1e-6 * (1 + result.total_source_kw + result.total_sink_kw)
        assert cp * (loop.supply_c - t) <= above + slack
        assert cp * (t - loop.return_c) <= below + slack


def _heat_between(segment: Segment, low: float, high: float) -> float:
    inside = max(0.0, min(segment.upper_c, high) - max(segment.lower_c, low))
    return segment.heat_kw * inside / (segment.upper_c - segment.lower_c)


CSV = (
    "company,name,supply_c,target_c,cp_kw_per_k,heat_kw,dt_min_k\n"
    "A,A-hot,150,60,2,,10\n"
    "A,A-cold,40,70,,30,\n"
    "B,B-cold,50,100,1.5,,\n"
)


def test_streams_are_read_per_company(tmp_path: Path) -> None:
    path = tmp_path / "site.csv"
    path.write_text(CSV, encoding="utf-8")
    companies, dts = read_company_streams(path)
    assert list(companies) == ["A", "B"]
    assert [s.name for s in companies["A"]] == ["A-hot", "A-cold"]
    assert companies["A"][1].cp_kw_per_k == pytest.approx(1.0)
    assert dts == {"A": 10.0}


def test_bad_company_rows_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "site.csv"
    path.write_text(
        "company,name,supply_c,target_c,cp_kw_per_k,dt_min_k\n"
        "A,A-hot,150,60,2,10\n,B-cold,50,100,1.5,\nA,A-cold,40,70,1,5\nC,C-hot,90,90,1,x\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        read_company_streams(path)
    text = str(caught.value)
    for words in (
        "row 3, column 'company'",
        "row 4, column 'dt_min_k'",
        "one value per company",
        "row 5, column 'dt_min_k'",
        "'x' is not a number",
        "row 5: stream 'C-hot': supply and target",
    ):
        assert words in text
    path.write_text("name,supply_c,target_c,cp_kw_per_k\nH,90,40,1\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="name the company"):
        read_company_streams(path)


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test harness for the heat site command."""

    app.command("site")(heat_site_command)
    return app


def test_the_heat_site_command_prints_targets_and_pairs(tmp_path: Path) -> None:
    path = tmp_path / "site.csv"
    path.write_text(CSV, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(_app(), ["site", str(path), "--dt-min", "10", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["heat_recovery_kw"] == pytest.approx(75.0)
    assert document["loop"]["method"] == "ideal" and document["loop"]["loop_dt_k"] == 10.0
    a_to_b = next(p for p in document["pairs"] if p["source_company"] == "A")
    assert a_to_b["potential_kw"] == pytest.approx(75.0)
    result = runner.invoke(
        _app(),
        ["site", str(path), "--hot-water-supply", "100", "--hot-water-return", "70", "-f", "json"],
    )
    assert json.loads(result.stdout)["heat_recovery_kw"] == pytest.approx(60.0)
    result = runner.invoke(
        _app(), ["site", str(path), "--steam-level", "120", "--steam-level", "90"]
    )
    assert result.exit_code == 0 and "(steam loop, 10 K approach each side)" in result.output
    result = runner.invoke(
        _app(),
        ["site", str(path), "--steam-level", "120", "--hot-water-supply", "90", "-f", "json"],
    )
    assert result.exit_code == 1 and "not both" in json.loads(result.stdout)["error"]["message"]


def test_a_csv_without_companies_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "streams.csv"
    path.write_text("name,supply_c,target_c,cp_kw_per_k\nH,90,40,1\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["site", str(path), "--format", "json"])
    assert result.exit_code == 2
    details = json.loads(result.stdout)["error"]["details"]
    assert details[0]["column"] == "company" and details[0]["row"] == 1
