"""XpEngine: the cog's per-message accounting, level-ups, loads and automod removals."""

from __future__ import annotations

import random

from cogs.games.leveling import LevelCurve, XpGate, XpRules
from cogs.games.xp_engine import GuildXp, LevelUp, XpEngine
from cogs.games.xp_ledger import XpLedger

FIXED = XpRules(min_xp=50, max_xp=50, cooldown_seconds=60)


def engine(requests: list | None = None) -> XpEngine:
    e = XpEngine(
        XpLedger(),
        XpGate(random.Random(3)),
        request_load=None if requests is None else (lambda g, s: requests.append((g, s))),
    )
    e.configure(1, GuildXp(rules=FIXED, curve=LevelCurve()))
    return e


def test_unconfigured_guild_earns_nothing():
    e = engine()
    assert e.on_message(2, 10, 100, [], "hi", 1, now=0.0) is None
    assert e.ledger.pending_count() == 0


def test_level_up_is_reported_once_when_crossed():
    e = engine()
    e.loaded(1, "all", [])
    assert e.on_message(1, 10, 100, [], "one", 1, now=0.0) is None  # 50
    assert e.on_message(1, 10, 100, [], "two", 2, now=30.0) is None  # cooldown
    up = e.on_message(1, 10, 100, [], "three", 3, now=61.0)  # 100: level 1
    assert up == LevelUp(1, 10, "all", 0, 1, 100)
    assert e.on_message(1, 10, 100, [], "four", 4, now=122.0) is None  # 150
    assert e.ledger.total(1, "all", 10) == 150


def test_load_is_requested_once_and_level_ups_during_the_load_are_not_lost():
    requests: list = []
    e = engine(requests)
    assert e.on_message(1, 10, 100, [], "a", 1, now=0.0) is None
    assert e.on_message(1, 10, 100, [], "b", 2, now=61.0) is None
    assert requests == [(1, "all")]
    ups = e.loaded(1, "all", [(10, 200)])  # 200 stored + 100 pending = 300: level 2
    assert ups == [LevelUp(1, 10, "all", 1, 2, 300)]


def test_a_failed_load_is_asked_again_by_the_next_xp():
    requests: list = []
    e = engine(requests)
    e.on_message(1, 10, 100, [], "a", 1, now=0.0)
    e.on_message(1, 11, 100, [], "b", 2, now=0.0)
    assert requests == [(1, "all")]  # one load in flight for the guild's season
    e.load_failed(1, "all")  # the database did not answer
    e.on_message(1, 12, 100, [], "c", 3, now=0.0)
    assert requests == [(1, "all"), (1, "all")]
    ups = e.loaded(1, "all", [(10, 60)])  # nothing pending was lost meanwhile
    assert [(u.user_id, u.total_xp) for u in ups] == [(10, 110)]


def test_removed_message_loses_its_xp_and_reopens_the_cooldown():
    e = engine()
    e.loaded(1, "all", [])
    e.on_message(1, 10, 100, [], "spam link", 99, now=0.0)
    e.on_removed(99, now=1.0)
    assert e.ledger.total(1, "all", 10) == 0
    assert e.on_message(1, 10, 100, [], "a real message", 100, now=2.0) is None
    assert e.ledger.total(1, "all", 10) == 50
    e.on_removed(12345, now=3.0)  # never earned anything: nothing happens
    assert e.ledger.total(1, "all", 10) == 50


def test_reconfigure_and_reset_recompute_levels():
    e = engine()
    e.loaded(1, "all", [])
    e.on_message(1, 10, 100, [], "a", 1, now=0.0)
    # A flatter curve makes the next message cross several levels at once.
    e.configure(1, GuildXp(rules=FIXED, curve=LevelCurve(0, 0, 10)))
    up = e.on_message(1, 10, 100, [], "b", 2, now=61.0)
    assert up is not None and (up.old_level, up.new_level) == (5, 10)
    e.reset_loads(1)
    assert e.ledger.total(1, "all", 10) is None
    e.forget_member(1, 10)
    e.configure(1, None)
    assert e.on_message(1, 10, 100, [], "c", 3, now=200.0) is None


def test_ready_at_agrees_with_on_message():
    """The hook leaves when ``ready_at`` is still ahead: exactly when on_message gives no XP
    for time, also after a guild's cooldown changes."""
    e = engine()
    e.loaded(1, "all", [])
    ready = e.gate.ready_at
    assert (1, 10) not in ready  # never awarded yet
    e.on_message(1, 10, 100, [], "one", 1, now=0.0)
    assert ready[(1, 10)] == 60.0
    assert e.on_message(1, 10, 100, [], "two", 2, now=59.9) is None and e.last_xp == 0
    e.on_message(1, 10, 100, [], "three", 3, now=60.0)
    assert e.last_xp == 50 and ready[(1, 10)] == 120.0
    assert (1, 11) not in ready  # per member
    e.on_message(1, 11, 100, [], "four", 4, now=61.0)
    e.configure(1, GuildXp(rules=XpRules(min_xp=50, max_xp=50, cooldown_seconds=10)))
    assert ready[(1, 10)] == 70.0 and ready[(1, 11)] == 71.0  # retimed to the new cooldown
    e.on_message(1, 10, 100, [], "five", 5, now=70.0)
    assert e.last_xp == 50
    e.gate.forget(1, 11)
    assert (1, 11) not in ready
    # Levels off, then on again with a long cooldown: the gate decides from the rules in force.
    e.configure(1, None)
    assert ready[(1, 10)] == 70.0  # "ready": the hook goes on to the gate
    e.configure(1, GuildXp(rules=XpRules(min_xp=50, max_xp=50, cooldown_seconds=600)))
    e.on_message(1, 10, 100, [], "six", 6, now=80.0)
    assert e.last_xp == 0  # 10 s after the last award, under a 600 s cooldown
