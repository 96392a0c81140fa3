"""Onboarding journey steps and funnel statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.welcome import journey
from cogs.welcome.journey import Step

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_steps_are_in_funnel_order() -> None:
    assert [s.value for s in journey.STEPS] == [
        "joined",
        "accepted_rules",
        "picked_roles",
        "first_message",
        "active_7d",
    ]
    assert journey.EVENT == "onboarding_step"


def test_advance_records_once() -> None:
    j = journey.start(1, 2, T0)
    assert j.steps == (Step.JOINED,)
    j, new = journey.advance(j, Step.ACCEPTED_RULES, T0 + timedelta(minutes=5))
    assert new and j.accepted_at == T0 + timedelta(minutes=5)
    j2, new = journey.advance(j, Step.ACCEPTED_RULES, T0 + timedelta(hours=1))
    assert not new and j2 == j


@pytest.mark.parametrize("step", journey.STEPS[1:])
def test_advance_sets_only_its_own_step(step: Step) -> None:
    at = T0 + timedelta(days=8)
    j, new = journey.advance(journey.start(1, 2, T0), step, at)
    assert new and j.at(step) == at
    assert j.steps == (Step.JOINED, step)
    assert (j.guild_id, j.user_id, j.joined_at) == (1, 2, T0)


def test_joined_cannot_be_advanced() -> None:
    j = journey.start(1, 2, T0)
    assert journey.advance(j, Step.JOINED, T0 + timedelta(days=1)) == (j, False)


def test_is_active() -> None:
    j = journey.start(1, 2, T0)
    later = T0 + timedelta(days=7)
    assert not journey.is_active(j, later, still_member=True)  # never posted
    j, _ = journey.advance(j, Step.FIRST_MESSAGE, T0 + timedelta(days=1))
    assert journey.is_active(j, later, still_member=True)
    assert not journey.is_active(j, later, still_member=False)
    assert not journey.is_active(j, T0 + timedelta(days=6), still_member=True)


def test_funnel() -> None:
    a = journey.start(1, 1, T0)
    a, _ = journey.advance(a, Step.ACCEPTED_RULES, T0 + timedelta(minutes=10))
    b = journey.start(1, 2, T0)
    b, _ = journey.advance(b, Step.ACCEPTED_RULES, T0 + timedelta(minutes=30))
    b, _ = journey.advance(b, Step.FIRST_MESSAGE, T0 + timedelta(minutes=31))
    c = journey.start(1, 3, T0)
    d = journey.start(1, 4, T0)
    d, _ = journey.advance(d, Step.ACCEPTED_RULES, T0 + timedelta(hours=2))
    stats = journey.funnel([a, b, c, d])
    assert stats.joins == 4
    assert stats.counts["accepted_rules"] == 3
    assert stats.counts["first_message"] == 1
    assert stats.acceptance_rate == 0.75
    assert stats.median_time_to_accept == timedelta(minutes=30)


def test_funnel_empty() -> None:
    stats = journey.funnel([])
    assert stats.joins == 0 and stats.acceptance_rate is None
    assert stats.median_time_to_accept is None


@given(st.lists(st.sampled_from(list(Step)), max_size=20))
def test_funnel_counts_never_grow_past_joins(steps: list[Step]) -> None:
    j = journey.start(1, 1, T0)
    for offset, step in enumerate(steps):
        j, _ = journey.advance(j, step, T0 + timedelta(minutes=offset))
    stats = journey.funnel([j])
    assert stats.counts["joined"] == 1
    assert all(0 <= count <= 1 for count in stats.counts.values())
    assert set(j.steps) == {Step.JOINED, *steps}
