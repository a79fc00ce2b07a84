"""Synergy status: the allowed path and the kept history."""

from __future__ import annotations

import datetime as dt

import pytest

from parkloop.domain.synergy import Synergy, SynergyStatus, TransitionError

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def _day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def test_a_synergy_walks_from_identified_to_ended_keeping_each_step() -> None:
    synergy = Synergy.identify("F001", "C07", by="facilitator@park.example", at=T0)
    for n, status in enumerate(
        [
            SynergyStatus.CONTACTED,
            SynergyStatus.NEGOTIATING,
            SynergyStatus.IMPLEMENTED,
            SynergyStatus.ENDED,
        ],
        start=1,
    ):
        synergy = synergy.advance(status, by="facilitator@park.example", at=_day(n))
    assert synergy.status is SynergyStatus.ENDED
    assert [c.status.value for c in synergy.history] == [
        "identified",
        "contacted",
        "negotiating",
        "implemented",
        "ended",
    ]


def test_skipping_a_step_is_refused_with_the_allowed_next_steps() -> None:
    synergy = Synergy.identify("F001", "C07", by="f@x.example", at=T0)
    with pytest.raises(TransitionError, match="allowed next: contacted, rejected"):
        synergy.advance(SynergyStatus.IMPLEMENTED, by="f@x.example", at=_day(1))


def test_a_closed_synergy_cannot_move() -> None:
    synergy = Synergy.identify("F001", "C07", by="f@x.example", at=T0).advance(
        SynergyStatus.REJECTED, by="f@x.example", at=_day(1), note="too far"
    )
    with pytest.raises(TransitionError, match="it is closed"):
        synergy.advance(SynergyStatus.CONTACTED, by="f@x.example", at=_day(2))


def test_history_cannot_go_back_in_time() -> None:
    synergy = Synergy.identify("F001", "C07", by="f@x.example", at=T0)
    with pytest.raises(TransitionError, match="before the previous one"):
        synergy.advance(SynergyStatus.CONTACTED, by="f@x.example", at=T0 - dt.timedelta(1))


def test_advancing_returns_a_new_synergy_and_leaves_the_old_one_alone() -> None:
    first = Synergy.identify("F001", "C07", by="f@x.example", at=T0)
    second = first.advance(SynergyStatus.CONTACTED, by="f@x.example", at=_day(1))
    assert first.status is SynergyStatus.IDENTIFIED and len(first.history) == 1
    assert second.status is SynergyStatus.CONTACTED and len(second.history) == 2
