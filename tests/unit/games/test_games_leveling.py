"""Level curve, XP gate (cooldown, duplicates, ignores, multipliers), role rewards, seasons."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.games.leveling import (
    LevelCurve,
    SeasonRules,
    XpGate,
    XpRules,
    reward_roles,
    season_id,
)

curves = st.builds(
    LevelCurve,
    a=st.integers(min_value=0, max_value=50),
    b=st.integers(min_value=0, max_value=500),
    c=st.integers(min_value=1, max_value=1000),
)


def test_default_curve_matches_the_documented_formula():
    curve = LevelCurve()
    assert [curve.step(n) for n in range(4)] == [100, 155, 220, 295]
    assert [curve.total_for(n) for n in range(5)] == [0, 100, 255, 475, 770]
    assert curve.level_for(0) == 0
    assert curve.level_for(99) == 0
    assert curve.level_for(100) == 1
    assert curve.level_for(254) == 1
    assert curve.level_for(255) == 2
    assert curve.progress(300) == (2, 45, 220)


def test_curve_rejects_flat_or_negative_parameters():
    with pytest.raises(ValueError):
        LevelCurve(5, 50, 0)
    with pytest.raises(ValueError):
        LevelCurve(-1, 50, 100)


@given(curves, st.integers(min_value=0, max_value=500))
def test_total_is_the_sum_of_steps_and_strictly_increasing(curve, level):
    assert curve.total_for(level) == sum(curve.step(k) for k in range(level))
    assert curve.total_for(level + 1) > curve.total_for(level)


@given(curves, st.integers(min_value=0, max_value=300))
def test_level_for_is_the_inverse_of_total_for(curve, level):
    total = curve.total_for(level)
    assert curve.level_for(total) == level
    assert curve.level_for(total + curve.step(level) - 1) == level
    if level:
        assert curve.level_for(total - 1) == level - 1


@given(curves, st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**6))
def test_level_is_monotonic_in_xp(curve, xp, more):
    assert curve.level_for(xp + more) >= curve.level_for(xp)
    level, into, needed = curve.progress(xp)
    assert 0 <= into < needed


def gate() -> XpGate:
    return XpGate(random.Random(7))


def test_cooldown_and_range():
    rules = XpRules(min_xp=15, max_xp=25, cooldown_seconds=60)
    g = gate()
    first = g.award(rules, 1, 10, 100, [], "hello", now=1000.0)
    assert 15 <= first <= 25
    assert g.award(rules, 1, 10, 100, [], "again", now=1059.9) == 0
    assert 15 <= g.award(rules, 1, 10, 100, [], "later", now=1060.0) <= 25
    # Cooldowns are per member and per guild.
    assert g.award(rules, 1, 11, 100, [], "hello", now=1000.0) > 0
    assert g.award(rules, 2, 10, 100, [], "hello", now=1000.0) > 0


def test_duplicates_earn_nothing_even_after_the_cooldown():
    rules = XpRules(cooldown_seconds=60)
    g = gate()
    assert g.award(rules, 1, 10, 100, [], "Same thing", now=0) > 0
    assert g.award(rules, 1, 10, 100, [], "  same   THING ", now=120) == 0
    assert g.award(rules, 1, 10, 100, [], "something new", now=240) > 0
    lenient = XpRules(cooldown_seconds=60, ignore_duplicates=False)
    assert g.award(lenient, 1, 10, 100, [], "something new", now=400) > 0


def test_ignored_channels_threads_and_roles():
    rules = XpRules(
        ignored_channels=frozenset({100}), ignored_roles=frozenset({7}), cooldown_seconds=0
    )
    g = gate()
    assert g.award(rules, 1, 10, 100, [], "a", now=0) == 0
    assert (
        g.award(rules, 1, 10, 555, [], "b", now=1, parent_id=100) == 0
    )  # thread of an ignored channel
    assert g.award(rules, 1, 10, 200, [3, 7], "c", now=2) == 0
    assert g.award(rules, 1, 10, 200, [3], "d", now=3) > 0


def test_multipliers_channel_times_best_role():
    rules = XpRules(
        min_xp=10,
        max_xp=10,
        cooldown_seconds=0,
        channel_multipliers={100: 2.0},
        role_multipliers={5: 1.5, 6: 3.0},
    )
    g = gate()
    assert g.award(rules, 1, 10, 100, [], "a", now=0) == 20
    assert g.award(rules, 1, 10, 100, [5, 6], "b", now=1) == 60
    assert g.award(rules, 1, 10, 200, [5], "c", now=2) == 15
    assert g.award(rules, 1, 10, 999, [], "d", now=3, parent_id=100) == 20
    zero = XpRules(min_xp=10, max_xp=10, cooldown_seconds=0, channel_multipliers={100: 0.0})
    assert g.award(zero, 1, 10, 100, [], "e", now=4) == 0


def test_forget_and_prune():
    rules = XpRules(cooldown_seconds=60)
    g = gate()
    g.award(rules, 1, 10, 100, [], "a", now=0)
    g.forget(1, 10)
    assert g.award(rules, 1, 10, 100, [], "b", now=1) > 0
    g.award(rules, 1, 11, 100, [], "b", now=500)
    assert g.prune(now=600, older_than=120) == 1
    assert len(g) == 1


def test_rules_validate():
    with pytest.raises(ValueError):
        XpRules(min_xp=30, max_xp=20)
    with pytest.raises(ValueError):
        XpRules(cooldown_seconds=-1)


REWARDS = {5: 500, 10: 1000, 20: 2000}


@pytest.mark.parametrize(
    "level,stack,add,remove",
    [
        (0, True, set(), set()),
        (4, False, set(), set()),
        (5, True, {500}, set()),
        (12, True, {500, 1000}, set()),
        (25, True, {500, 1000, 2000}, set()),
        (5, False, {500}, set()),
        (12, False, {1000}, {500}),
        (25, False, {2000}, {500, 1000}),
    ],
)
def test_role_rewards(level, stack, add, remove):
    change = reward_roles(REWARDS, level, stack)
    assert change.add == add and change.remove == remove


def test_replacing_rewards_never_hand_a_lower_role_to_who_holds_a_higher_one():
    # Last season (or a manager) gave the level-10 role; level 5 again in the new season
    # must not add the level-5 role beside it, nor take the level-10 role away.
    change = reward_roles(REWARDS, 5, False, held={1000})
    assert change.add == frozenset() and change.remove == frozenset()
    # Reaching a level above the held one replaces it as usual.
    assert reward_roles(REWARDS, 20, False, held={1000}).remove == {500, 1000}
    # Stacked rewards are unaffected: the member holds them all.
    assert reward_roles(REWARDS, 5, True, held={1000}).add == {500}


def test_seasons():
    at = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
    assert season_id(SeasonRules(), at) == "all"
    assert season_id(SeasonRules(mode="monthly"), at) == "2026-11"
    assert season_id(SeasonRules(mode="monthly"), datetime(2026, 12, 1)) == "2026-12"
    custom = SeasonRules(mode="custom", start=date(2026, 11, 1), length_days=7)
    assert season_id(custom, datetime(2026, 11, 1, tzinfo=UTC)) == "s0000"
    assert season_id(custom, datetime(2026, 11, 7, 23, 59, tzinfo=UTC)) == "s0000"
    assert season_id(custom, datetime(2026, 11, 8, tzinfo=UTC)) == "s0001"
    assert season_id(custom, datetime(2026, 10, 1, tzinfo=UTC)) == "s0000"
    with pytest.raises(ValueError):
        SeasonRules(mode="weekly")


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.timedeltas(
        min_value=datetime.min - datetime.min, max_value=datetime(2001, 1, 1) - datetime(2000, 1, 1)
    ),
)
def test_season_ids_sort_in_time_order(moment, delta):
    for rules in (
        SeasonRules(mode="monthly"),
        SeasonRules(mode="custom", start=date(2000, 1, 1), length_days=10),
    ):
        assert season_id(rules, moment) <= season_id(rules, moment + delta)


def test_fingerprint_ignores_case_and_runs_of_whitespace():
    from cogs.games.leveling import content_fingerprint

    same = content_fingerprint("Salut à tous")
    for variant in ("SALUT À TOUS", "salut  à tous", " salut à tous ", "salut\nà\ttous"):
        assert content_fingerprint(variant) == same
    assert content_fingerprint("salut à toi") != same
