"""The ticket state machine: legal transitions, errors, invariants, the claim race."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers_complaints import T0, ticket
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.complaints import tickets as tk
from cogs.complaints.tickets import IllegalTransition, Status

TOP = 2
WINDOW = timedelta(days=7)


def test_new_ticket_waits_at_tier_zero() -> None:
    t = ticket()
    assert (t.status, t.tier, t.claimant_id, t.version, t.epoch) == (Status.OPEN, 0, None, 0, 0)
    assert t.clock_start == T0
    assert t.parties() == (10,)
    with pytest.raises(IllegalTransition) as err:
        ticket(priority="whenever")
    assert err.value.key == "complaints.errors.bad_priority"


def test_claim_then_unclaim() -> None:
    claimed = tk.claim(ticket(), 20)
    assert (claimed.status, claimed.claimant_id, claimed.version) == (Status.CLAIMED, 20, 1)
    with pytest.raises(IllegalTransition) as err:
        tk.claim(claimed, 20)
    assert err.value.key == "complaints.errors.already_yours"
    with pytest.raises(IllegalTransition) as err:
        tk.unclaim(claimed, 30)
    assert err.value.key == "complaints.errors.not_claimant"
    assert err.value.fields["by"] == 20
    back = tk.unclaim(claimed, 20)
    assert (back.status, back.claimant_id) == (Status.OPEN, None)
    assert tk.unclaim(claimed, 30, force=True).claimant_id is None


def test_claim_race_has_one_winner_and_the_loser_is_told_who() -> None:
    """Both presses start from the same version; the store's compare-and-set keeps the first.

    The loser's retry runs on the stored ticket and fails with the winner's id.
    """
    base = ticket()
    first = tk.claim(base, 20)
    second = tk.claim(base, 30)
    assert first.version == second.version == base.version + 1
    stored = first  # the compare-and-set on version 0 succeeded for the first write only
    with pytest.raises(IllegalTransition) as err:
        tk.claim(stored, 30)
    assert err.value.key == "complaints.errors.already_claimed"
    assert err.value.fields == {"number": 1, "by": 20}


def test_escalate_restarts_the_clock_and_releases_the_claim() -> None:
    claimed = tk.claim(tk.record_staff_message(ticket(), T0 + timedelta(minutes=5)), 20)
    later = T0 + timedelta(hours=1)
    up = tk.escalate(claimed, later, top_tier=TOP)
    assert (up.status, up.tier, up.claimant_id) == (Status.ESCALATED, 1, None)
    assert up.tier_started_at == later and up.tier_responded_at is None
    assert up.first_response_at == T0 + timedelta(minutes=5)  # the ticket's answer stays
    assert up.epoch == claimed.epoch + 1
    top = tk.escalate(up, later, top_tier=TOP)
    with pytest.raises(IllegalTransition) as err:
        tk.escalate(top, later, top_tier=TOP)
    assert err.value.key == "complaints.errors.top_tier"
    down = tk.deescalate(tk.deescalate(top, later), later)
    assert (down.tier, down.status) == (0, Status.OPEN)
    with pytest.raises(IllegalTransition) as err:
        tk.deescalate(down, later)
    assert err.value.key == "complaints.errors.bottom_tier"


def test_close_needs_a_resolution_and_reopen_a_window() -> None:
    t = tk.claim(ticket(), 20)
    with pytest.raises(IllegalTransition) as err:
        tk.close(t, 20, T0, "   ")
    assert err.value.key == "complaints.errors.resolution_required"
    closed = tk.close(t, 20, T0 + timedelta(hours=2), "  apologised  ")
    assert (closed.status, closed.resolution, closed.closed_by) == (Status.CLOSED, "apologised", 20)
    for action in (
        lambda: tk.claim(closed, 30),
        lambda: tk.close(closed, 30, T0, "again"),
        lambda: tk.escalate(closed, T0, top_tier=TOP),
        lambda: tk.set_priority(closed, "high"),
    ):
        with pytest.raises(IllegalTransition) as err:
            action()
        assert err.value.key == "complaints.errors.closed"
    assert tk.record_staff_message(closed, T0) is None
    inside = closed.closed_at + WINDOW
    assert tk.allowed_actions(closed, top_tier=TOP, now=inside, window=WINDOW) == {"reopen"}
    again = tk.reopen(closed, inside, WINDOW)
    assert (again.status, again.closed_at, again.resolution) == (Status.REOPENED, None, None)
    assert again.tier_started_at == inside
    with pytest.raises(IllegalTransition) as err:
        tk.reopen(closed, inside + timedelta(seconds=1), WINDOW)
    assert err.value.key == "complaints.errors.reopen_expired"
    with pytest.raises(IllegalTransition):
        tk.reopen(closed, inside, None)
    with pytest.raises(IllegalTransition) as err:
        tk.reopen(again, inside, WINDOW)
    assert err.value.key == "complaints.errors.not_closed"
    # Once claimed and given back, a reopened ticket waits like any other at its tier.
    assert tk.unclaim(tk.claim(again, 20), 20).status is Status.OPEN


def test_first_staff_message_counts_once() -> None:
    t = ticket()
    answered = tk.record_staff_message(t, T0 + timedelta(minutes=3))
    assert answered is not None
    assert answered.first_response_at == answered.tier_responded_at == T0 + timedelta(minutes=3)
    assert tk.record_staff_message(answered, T0 + timedelta(minutes=9)) is None
    # A message processed after an escalation it preceded answers the new tier at its start.
    moved = tk.escalate(answered, T0 + timedelta(hours=1), top_tier=TOP)
    late = tk.record_staff_message(moved, T0 + timedelta(minutes=59))
    assert late is not None and late.tier_responded_at == T0 + timedelta(hours=1)
    assert late.first_response_at == T0 + timedelta(minutes=3)


def test_priority_and_member_left() -> None:
    t = tk.set_priority(ticket(), "urgent")
    assert (t.priority, t.epoch) == ("urgent", 1)
    with pytest.raises(IllegalTransition) as err:
        tk.set_priority(t, "urgent")
    assert err.value.key == "complaints.errors.same_priority"
    with pytest.raises(IllegalTransition):
        tk.set_priority(t, "asap")
    left = tk.mark_member_left(t)
    assert left is not None and left.member_left
    assert tk.mark_member_left(left) is None
    assert tk.mark_member_left(left, False) is not None


ACTIONS = ["claim", "unclaim", "escalate", "deescalate", "close", "reopen", "message", "priority"]


def apply(t: tk.Ticket, action: str, actor: int, now, priority: str) -> tk.Ticket | None:
    if action == "claim":
        return tk.claim(t, actor)
    if action == "unclaim":
        return tk.unclaim(t, actor)
    if action == "escalate":
        return tk.escalate(t, now, top_tier=TOP)
    if action == "deescalate":
        return tk.deescalate(t, now)
    if action == "close":
        return tk.close(t, actor, now, "done")
    if action == "reopen":
        return tk.reopen(t, now, WINDOW)
    if action == "message":
        return tk.record_staff_message(t, now)
    return tk.set_priority(t, priority)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ACTIONS),
            st.sampled_from([20, 30]),
            st.integers(min_value=0, max_value=3 * 86400),
            st.sampled_from(["low", "normal", "high", "urgent"]),
        ),
        max_size=40,
    )
)
def test_invariants_hold_over_any_sequence(steps) -> None:
    t = ticket()
    now = T0
    for action, actor, gap, priority in steps:
        now = now + timedelta(seconds=gap)
        allowed = tk.allowed_actions(t, top_tier=TOP, now=now, window=WINDOW)
        try:
            nxt = apply(t, action, actor, now, priority)
        except IllegalTransition:
            # Everything the machine refuses is absent from the offered actions (bar wrong actor
            # or same priority, which depend on who presses and what they pick).
            if action in allowed:
                assert action in ("unclaim", "claim", "priority")
            continue
        if nxt is None:
            continue
        if action != "message":
            assert action in allowed
        assert nxt.version == t.version + 1
        assert nxt.epoch >= t.epoch
        t = nxt
        assert 0 <= t.tier <= TOP
        if t.status is Status.CLAIMED:
            assert t.claimant_id is not None
        if t.status in tk.WAITING:
            assert t.claimant_id is None
        assert (
            (t.status is Status.CLOSED) == (t.closed_at is not None) == (t.resolution is not None)
        )
        if t.status is Status.ESCALATED:
            assert t.tier > 0
        if t.status is Status.OPEN:
            assert t.tier == 0
        if t.tier_responded_at is not None:
            assert t.first_response_at is not None
            assert t.tier_responded_at >= t.clock_start


def test_check_may_open_counts_the_limit_then_the_cooldown() -> None:
    limits = tk.OpenLimits(max_open=2, cooldown=timedelta(minutes=10))
    tk.check_may_open(1, None, limits, T0)
    tk.check_may_open(1, T0 - timedelta(minutes=10), limits, T0)  # exactly at the end: allowed
    with pytest.raises(tk.IllegalTransition) as err:
        tk.check_may_open(2, None, limits, T0)
    assert (err.value.key, err.value.fields) == ("complaints.errors.too_many", {"max": 2})
    with pytest.raises(tk.IllegalTransition) as err:
        tk.check_may_open(0, T0 - timedelta(minutes=3), limits, T0)
    assert err.value.key == "complaints.errors.cooldown"
    assert err.value.fields == {"until": T0 + timedelta(minutes=7)}
    tk.check_may_open(0, T0, tk.OpenLimits(max_open=1), T0)  # no cooldown configured
