"""Pinch analysis: textbook oracles, the first law, and the shape of the curves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parkloop.cli import app
from parkloop.energy.pinch import Stream, problem_table


def test_four_stream_problem_with_dt_min_10_k() -> None:
    # Smith R. (2005), Chemical Process Design and Integration, Wiley, chapter 16, four-stream
    # problem: 7.5 MW hot, 10.0 MW cold, pinch 150/140 C (145 C shifted), as the energy issue
    # states it. CP in MW/K gives utilities in MW.
    streams = [
        Stream("H1", 250, 40, 0.15),
        Stream("H2", 200, 80, 0.25),
        Stream("C1", 20, 180, 0.20),
        Stream("C2", 140, 230, 0.30),
    ]
    result = problem_table(streams, 10.0)
    assert result.hot_utility_kw == pytest.approx(7.5)
    assert result.cold_utility_kw == pytest.approx(10.0)
    assert result.pinch_shifted_c == 145.0
    assert (result.pinch_hot_c, result.pinch_cold_c) == (150.0, 140.0)


def test_kemp_four_stream_problem() -> None:
    # Kemp I.C. (2007), Pinch Analysis and Process Integration, 2nd ed., chapter 2, four-stream
    # example: 20 kW hot, 60 kW cold, pinch at 85 C shifted (90/80 C), as the issue states it.
    streams = [
        Stream("C1", 20, 135, 2.0),
        Stream("H1", 170, 60, 3.0),
        Stream("C2", 80, 140, 4.0),
        Stream("H2", 150, 30, 1.5),
    ]
    result = problem_table(streams, 10.0)
    assert (result.hot_utility_kw, result.cold_utility_kw) == pytest.approx((20.0, 60.0))
    assert result.pinch_shifted_c == 85.0
    # grand composite curve: zero at the pinch, never negative, ends at the cold utility
    assert min(result.cascade_kw) == pytest.approx(0.0)
    assert result.cascade_kw[0] == pytest.approx(20.0)
    assert result.cascade_kw[-1] == pytest.approx(60.0)


def test_streams_given_by_heat_load_equal_those_given_by_cp() -> None:
    assert Stream.from_heat("H", 170, 60, 330.0).cp_kw_per_k == pytest.approx(3.0)


def test_bad_streams_are_refused() -> None:
    with pytest.raises(ValueError, match="equal"):
        Stream("X", 80, 80, 1.0)
    with pytest.raises(ValueError, match="CP must be positive"):
        Stream("X", 80, 60, 0.0)
    with pytest.raises(ValueError, match="no streams"):
        problem_table([], 10)


def test_a_threshold_problem_has_no_pinch() -> None:
    result = problem_table([Stream("H", 200, 100, 2.0), Stream("C", 20, 60, 1.0)], 10)
    assert result.hot_utility_kw == 0.0 and result.cold_utility_kw == pytest.approx(160.0)
    assert result.pinch_shifted_c is None


stream = (
    st.tuples(st.integers(0, 400), st.integers(0, 400), st.floats(0.1, 50))
    .filter(lambda t: t[0] != t[1])
    .map(lambda t: Stream("S", float(t[0]), float(t[1]), t[2]))
)


@settings(max_examples=200, deadline=None)
@given(streams=st.lists(stream, min_size=1, max_size=12), dt=st.floats(0, 40))
def test_utilities_obey_the_first_law(streams: list[Stream], dt: float) -> None:
    result = problem_table(streams, dt)
    heat_hot = sum(s.heat_kw for s in streams if s.hot)
    heat_cold = sum(s.heat_kw for s in streams if not s.hot)
    assert result.hot_utility_kw >= 0 and result.cold_utility_kw >= -1e-6
    assert result.hot_utility_kw - result.cold_utility_kw == pytest.approx(
        heat_cold - heat_hot, abs=1e-6 * (heat_hot + heat_cold)
    )
    assert min(result.cascade_kw) >= -1e-6 * (heat_hot + heat_cold)
    assert result.hot_composite[0][-1] == pytest.approx(heat_hot)
    assert result.cold_composite[0][-1] == pytest.approx(heat_cold)


@settings(max_examples=100, deadline=None)
@given(streams=st.lists(stream, min_size=2, max_size=10), dt=st.floats(0, 30))
def test_a_larger_approach_never_needs_less_utility(streams: list[Stream], dt: float) -> None:
    smaller, larger = problem_table(streams, dt), problem_table(streams, dt + 10)
    assert larger.hot_utility_kw >= smaller.hot_utility_kw - 1e-6


def test_the_heat_pinch_command_prints_targets_and_curves(tmp_path: Path) -> None:
    streams = tmp_path / "streams.csv"
    streams.write_text(
        "name,supply_c,target_c,cp_kw_per_k,heat_kw\n"
        "C1,20,135,2,\nH1,170,60,3,\nC2,80,140,,240\nH2,150,30,1.5,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["heat", "pinch", str(streams), "--dt-min", "10", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["hot_utility_kw"] == pytest.approx(20.0)
    assert document["cold_utility_kw"] == pytest.approx(60.0)
    assert document["pinch_shifted_c"] == 85.0
    assert document["grand_composite"]["heat_kw"][0] == pytest.approx(20.0)


def test_bad_stream_rows_are_reported_together(tmp_path: Path) -> None:
    streams = tmp_path / "streams.csv"
    streams.write_text(
        "name,supply_c,target_c,cp_kw_per_k\nA,hot,60,3\nB,80,80,1\nC,90,40,-2\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["heat", "pinch", str(streams)])
    assert result.exit_code == 2
    for words in ("row 2, column 'supply_c'", "row 3", "equal", "row 4", "CP must be positive"):
        assert words in result.output
