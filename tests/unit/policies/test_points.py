"""Points decay over time; the ladder fires once per upward crossing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.policies.points import Balance, PointsPolicy, Step, add, current

DAY = 86400.0
POLICY = PointsPolicy.from_section(
    {
        "warn": 1,
        "decay": {"points": 1, "every": "7d"},
        "ladder": [
            {"at": 5, "action": "kick"},
            {"at": 3, "action": "timeout", "duration": "1h"},
            {"at": 8, "action": "ban"},
        ],
    }
)


def test_ladder_sorted_and_parsed() -> None:
    assert POLICY.ladder == (Step(3, "timeout", 3600), Step(5, "kick"), Step(8, "ban"))
    assert POLICY.decay.every == 7 * DAY


def test_decay_one_point_per_period_keeps_partial_progress() -> None:
    b = Balance(4, 0.0)
    assert current(b, 6 * DAY, POLICY.decay) == b
    assert current(b, 7 * DAY, POLICY.decay) == Balance(3, 7 * DAY)
    assert current(b, 15 * DAY, POLICY.decay) == Balance(2, 14 * DAY)
    assert current(b, 100 * DAY, POLICY.decay).points == 0


def test_ladder_fires_once_per_crossing() -> None:
    b = Balance()
    fired = []
    for day in range(4):  # four warnings on four days: 1, 2, 3, 4 points
        b, step = add(b, 1, day * DAY, POLICY)
        fired.append(step)
    assert fired == [None, None, Step(3, "timeout", 3600), None]
    assert b.points == 4
    # Decays below 3, then crosses again: fires again (a new crossing).
    b, step = add(b, 0, 20 * DAY, POLICY)
    assert b.points == 2 and step is None
    b, step = add(b, 1, 20 * DAY, POLICY)
    assert step == Step(3, "timeout", 3600)


def test_jump_over_several_steps_applies_only_the_harshest() -> None:
    b, step = add(Balance(), 9, 0.0, POLICY)
    assert step == Step(8, "ban")


def test_pardon_lowers_without_firing() -> None:
    b, _ = add(Balance(), 4, 0.0, POLICY)
    b, step = add(b, -3, DAY, POLICY)
    assert b.points == 1 and step is None


def test_no_decay_configured() -> None:
    policy = PointsPolicy.from_section({"decay": {"points": 0, "every": "1d"}})
    assert current(Balance(5, 0.0), 1000 * DAY, policy.decay).points == 5


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 4), st.floats(0, 30 * DAY)), max_size=30))
def test_each_step_fires_only_on_upward_crossings(events) -> None:
    b = Balance()
    now = 0.0
    for amount, gap in events:
        now += gap
        before = current(b, now, POLICY.decay).points
        b, step = add(b, amount, now, POLICY)
        assert b.points >= 0
        if step is not None:
            assert before < step.at <= b.points
            assert all(not (before < s.at <= b.points) for s in POLICY.ladder if s.at > step.at)
        else:
            assert not any(before < s.at <= b.points for s in POLICY.ladder)
