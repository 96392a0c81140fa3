"""XpEngine: the cog's per-message accounting, level-ups, loads and automod removals."""

from __future__ import annotations

import random

from hypothesis import example, given, settings
from hypothesis import strategies as st

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


def test_ready_at_follows_awards_and_cooldown_changes():
    """The hook leaves when ``ready_at`` is still ahead; the hint follows awards, a guild's
    cooldown change, levels turned off and on."""
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
    assert ready[(1, 10)] == 670.0  # the refusal set the hint right again


_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("message"), st.integers(0, 1), st.integers(0, 3)),
        st.tuples(st.just("cooldown"), st.sampled_from([None, 1.0, 10.0, 60.0, 600.0])),
        st.tuples(st.just("forget"), st.integers(0, 1)),
        st.tuples(st.just("prune"), st.sampled_from([0.0, 30.0, 3600.0])),
        # Waits around the cooldowns above, where a stale hint would show.
        st.tuples(st.just("wait"), st.sampled_from([0.5, 5.0, 30.0, 59.0, 90.0, 700.0])),
    ),
    max_size=60,
)


@settings(max_examples=300)
@given(_OPS)
# A shorter cooldown; levels off, then on with a shorter one.
@example([("message", 0, 0), ("cooldown", 1.0), ("wait", 5.0), ("message", 0, 1)])
@example(
    [("message", 0, 0), ("cooldown", None), ("cooldown", 1.0), ("wait", 5.0), ("message", 0, 1)]
)
def test_the_hint_never_holds_back_a_message_the_rules_would_reward(ops):
    """Whatever happens (cooldown changes, levels off and on, forgets, prunes), when the hook
    would leave on ``ready_at`` the gate would have refused the message for its cooldown."""
    e = XpEngine(XpLedger(), XpGate(random.Random(3)))
    e.configure(1, GuildXp(rules=FIXED))
    e.loaded(1, "all", [])
    now, message_id = 1_000.0, 0
    for op in ops:
        if op[0] == "wait":
            now += op[1]
        elif op[0] == "cooldown":
            rules = None if op[1] is None else XpRules(min_xp=5, max_xp=5, cooldown_seconds=op[1])
            e.configure(1, None if rules is None else GuildXp(rules=rules))
        elif op[0] == "forget":
            e.gate.forget(1, op[1])
        elif op[0] == "prune":
            e.gate.prune(now, older_than=op[1])
        else:
            _, user, text = op
            message_id += 1
            hint_says_wait = e.gate.ready_at.get((1, user), 0.0) > now
            in_force = e._settings.get(1)
            last = e.gate.last_award_at(1, user)
            e.on_message(1, user, 100, [], f"text {text}", message_id, now)
            if hint_says_wait:
                assert in_force is None or (
                    last is not None and now - last < in_force.rules.cooldown_seconds
                )
