"""Deadlines: checkpoints, reminders, breaches that escalate exactly once, downtime."""

from __future__ import annotations

from datetime import timedelta

from helpers_complaints import T0, config, ticket
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.complaints import deadlines as dl
from cogs.complaints import tickets as tk

CFG = config()  # normal: first response 8h, resolution 3d; reminder 30m before; 2 tiers
H = timedelta(hours=1)


def test_checkpoints_of_a_fresh_normal_ticket() -> None:
    points = dl.checkpoints(ticket(), CFG)
    assert [(p.mark, p.at - T0) for p in points] == [
        ("remind_first", timedelta(hours=7, minutes=30)),
        ("breach_first", 8 * H),
        ("remind_resolution", timedelta(days=3) - timedelta(minutes=30)),
        ("breach_resolution", timedelta(days=3)),
    ]
    assert dl.next_due(ticket(), CFG, frozenset()) == T0 + timedelta(hours=7, minutes=30)
    assert dl.next_due(ticket(), CFG, frozenset({"remind_first"})) == T0 + 8 * H


def test_short_window_reminds_half_way() -> None:
    cfg = config(reminder_before="2h")
    urgent = ticket("urgent")  # first response 30m: shorter than the 2h lead
    first = dl.checkpoints(urgent, cfg)[0]
    assert (first.mark, first.at) == ("remind_first", T0 + timedelta(minutes=15))


def test_nothing_before_the_first_checkpoint() -> None:
    p = dl.plan(ticket(), CFG, T0 + H, frozenset())
    assert p.idle and not p.escalate
    assert p.next_due == T0 + timedelta(hours=7, minutes=30)


def test_reminder_then_breach_escalates_once() -> None:
    t = ticket()
    remind = dl.plan(t, CFG, T0 + timedelta(hours=7, minutes=31), frozenset())
    assert (remind.reminders, remind.breaches, remind.marks) == (
        ("first_response",),
        (),
        ("remind_first",),
    )
    assert remind.next_due == T0 + 8 * H
    breach = dl.plan(t, CFG, T0 + 8 * H, frozenset(remind.marks))
    assert breach.breaches == ("first_response",) and breach.escalate
    assert breach.marks == ("breach_first",) and breach.next_due is None
    assert breach.late_by == timedelta(0)
    # The same timer firing again (duplicate, or re-armed after a crash) finds it done.
    again = dl.plan(t, CFG, T0 + 8 * H, frozenset(remind.marks + breach.marks))
    assert not again.escalate and not again.reminders and not again.breaches


def test_a_staff_answer_stops_the_first_response_clock() -> None:
    answered = tk.record_staff_message(ticket(), T0 + H)
    assert answered is not None
    assert dl.deadlines_for(answered, CFG).first_response is None
    assert [p.mark for p in dl.checkpoints(answered, CFG)] == [
        "remind_resolution",
        "breach_resolution",
    ]
    assert dl.plan(answered, CFG, T0 + 9 * H, frozenset()).idle


def test_breach_during_downtime_escalates_exactly_once_at_start() -> None:
    """The bot was down for 5 days: both clocks breached, both reminders are stale."""
    t = ticket()
    start = T0 + timedelta(days=5)
    p = dl.plan(t, CFG, start, frozenset())
    assert set(p.marks) == set(dl.MARKS)
    assert p.reminders == ()  # too late to remind, the breach says it
    assert set(p.breaches) == {"first_response", "resolution"}
    assert p.escalate and not p.ping_top_tier
    assert p.late_by == timedelta(days=5) - 8 * H
    # After the one escalation the new tier's clocks start now: nothing is due yet.
    moved = tk.escalate(t, start, top_tier=CFG.top_tier)
    after = dl.plan(moved, CFG, start, frozenset())
    assert after.idle
    assert after.next_due == start + timedelta(hours=7, minutes=30)


def test_top_tier_breach_pings_instead_of_escalating() -> None:
    top = tk.escalate(ticket("high"), T0, top_tier=CFG.top_tier)
    p = dl.plan(top, CFG, T0 + 3 * H, frozenset())
    assert p.breaches == ("first_response",)
    assert not p.escalate and p.ping_top_tier
    assert p.next_due == T0 + timedelta(days=1) - timedelta(minutes=30)


def test_closed_ticket_has_no_deadline() -> None:
    closed = tk.close(ticket(), 20, T0 + H, "ok")
    assert dl.checkpoints(closed, CFG) == []
    assert dl.plan(closed, CFG, T0 + timedelta(days=9), frozenset()).idle
    assert dl.deadline_status(closed, CFG, T0) == ("closed", None)


def test_priority_change_moves_deadlines_from_the_same_start() -> None:
    urgent = tk.set_priority(ticket(), "urgent")
    assert dl.deadlines_for(urgent, CFG).first_response == T0 + timedelta(minutes=30)
    # Already late under the new priority: the breach is due at once.
    p = dl.plan(urgent, CFG, T0 + H, frozenset())
    assert p.escalate and p.breaches == ("first_response",)


def test_deadline_status_for_the_queue() -> None:
    t = ticket()
    assert dl.deadline_status(t, CFG, T0) == ("ok", T0 + 8 * H)
    assert dl.deadline_status(t, CFG, T0 + timedelta(hours=7, minutes=45))[0] == "due_soon"
    assert dl.deadline_status(t, CFG, T0 + 8 * H)[0] == "breached"


@settings(max_examples=200, deadline=None)
@given(
    priority=st.sampled_from(["low", "normal", "high", "urgent"]),
    fires=st.lists(st.integers(min_value=0, max_value=20 * 86400), min_size=1, max_size=30),
    answer_after=st.one_of(st.none(), st.integers(min_value=0, max_value=20 * 86400)),
)
def test_any_firing_schedule_acts_at_most_once(priority, fires, answer_after) -> None:
    """Timers firing at any times, duplicated or late, never repeat a mark in an epoch,
    never remind after a deadline, and escalate at most once per epoch."""
    t = ticket(priority)
    done: dict[int, set[str]] = {}
    escalations: dict[int, int] = {}
    answered = False
    for offset in sorted(fires):
        now = T0 + timedelta(seconds=offset)
        if answer_after is not None and not answered and offset >= answer_after:
            answered = True
            moved = tk.record_staff_message(t, now)
            t = moved or t
        marks = done.setdefault(t.epoch, set())
        p = dl.plan(t, CFG, now, frozenset(marks))
        assert not marks.intersection(p.marks)
        marks.update(p.marks)
        due = dl.deadlines_for(t, CFG)
        for clock in p.reminders:
            deadline = due.first_response if clock == "first_response" else due.resolution
            assert deadline is not None and deadline > now
        if p.escalate:
            escalations[t.epoch] = escalations.get(t.epoch, 0) + 1
            t = tk.escalate(t, now, top_tier=CFG.top_tier)
            assert dl.plan(t, CFG, now, frozenset()).idle  # no cascade at the same instant
        assert p.escalate <= bool(p.breaches)
    assert all(count == 1 for count in escalations.values())
    assert sum(escalations.values()) <= CFG.top_tier
    assert t.tier <= CFG.top_tier
