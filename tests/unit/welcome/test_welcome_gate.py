"""The rules gate state machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cogs.welcome import gate
from cogs.welcome.gate import (
    REMIND_KIND,
    REMOVE_KIND,
    Cancel,
    GatePolicy,
    GateState,
    GrantAccess,
    RemoveMember,
    Schedule,
    SendReminder,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = GatePolicy(enabled=True, remind_after=timedelta(hours=1), remove_after=timedelta(days=1))


def test_join_schedules_reminder_then_removal() -> None:
    state, actions = gate.on_join(POLICY, T0, is_bot=False, accepted_before=False)
    assert state is GateState.PENDING
    assert actions == [
        Schedule(REMIND_KIND, T0 + timedelta(hours=1)),
        Schedule(REMOVE_KIND, T0 + timedelta(days=1)),
    ]


def test_gate_off_or_bot_is_not_gated() -> None:
    off = GatePolicy(enabled=False, remind_after=None, remove_after=None)
    assert gate.on_join(off, T0, is_bot=False, accepted_before=False) == (GateState.UNGATED, [])
    assert gate.on_join(POLICY, T0, is_bot=True, accepted_before=False) == (GateState.UNGATED, [])


def test_rejoin_of_accepted_member_is_not_gated_unless_config_says() -> None:
    assert gate.on_join(POLICY, T0, is_bot=False, accepted_before=True) == (
        GateState.ACCEPTED,
        [GrantAccess()],
    )
    strict = GatePolicy(True, timedelta(hours=1), timedelta(days=1), gate_rejoin=True)
    state, actions = gate.on_join(strict, T0, is_bot=False, accepted_before=True)
    assert state is GateState.PENDING and len(actions) == 2


def test_null_timers_are_not_scheduled() -> None:
    policy = GatePolicy(enabled=True, remind_after=None, remove_after=timedelta(days=1))
    _, actions = gate.on_join(policy, T0, is_bot=False, accepted_before=False)
    assert actions == [Schedule(REMOVE_KIND, T0 + timedelta(days=1))]


def test_reminder_then_removal() -> None:
    state, _ = gate.on_join(POLICY, T0, is_bot=False, accepted_before=False)
    state, actions = gate.on_remind_due(state)
    assert state is GateState.REMINDED and actions == [SendReminder()]
    # The reminder timer firing twice (crash before its row was deleted) reminds once.
    assert gate.on_remind_due(state) == (GateState.REMINDED, [])
    state, actions = gate.on_remove_due(state, still_member=True)
    assert state is GateState.REMOVED and actions == [RemoveMember()]
    assert gate.on_remove_due(state, still_member=True) == (GateState.REMOVED, [])


def test_removal_of_someone_who_already_left_does_nothing() -> None:
    assert gate.on_remove_due(GateState.PENDING, still_member=False) == (GateState.LEFT, [])


def test_accept_cancels_timers_and_grants() -> None:
    state, actions = gate.on_accept(GateState.REMINDED)
    assert state is GateState.ACCEPTED
    assert actions == [Cancel(REMIND_KIND), Cancel(REMOVE_KIND), GrantAccess()]
    # Pressing again only grants again (roles lost by hand come back), timers untouched.
    assert gate.on_accept(state) == (GateState.ACCEPTED, [GrantAccess()])
    # A member back while the bot was offline still has the ended journey: access all the same.
    for ended in (GateState.LEFT, GateState.REMOVED):
        assert gate.on_accept(ended) == (ended, [GrantAccess()])


def test_timers_after_acceptance_do_nothing() -> None:
    assert gate.on_remind_due(GateState.ACCEPTED) == (GateState.ACCEPTED, [])
    assert gate.on_remove_due(GateState.ACCEPTED, still_member=True) == (GateState.ACCEPTED, [])


def test_leave_cancels_timers() -> None:
    assert gate.on_leave(GateState.PENDING) == (
        GateState.LEFT,
        [Cancel(REMIND_KIND), Cancel(REMOVE_KIND)],
    )
    assert gate.on_leave(GateState.ACCEPTED) == (GateState.ACCEPTED, [])


EVENTS = st.sampled_from(["remind", "remove", "accept", "leave", "remove_gone"])


@given(st.lists(EVENTS, max_size=12))
def test_never_removed_after_accepting_and_never_reminded_twice(events: list[str]) -> None:
    state, _ = gate.on_join(POLICY, T0, is_bot=False, accepted_before=False)
    accepted = False
    reminders = 0
    for event in events:
        if event == "remind":
            state, actions = gate.on_remind_due(state)
        elif event == "remove":
            state, actions = gate.on_remove_due(state, still_member=True)
        elif event == "remove_gone":
            state, actions = gate.on_remove_due(state, still_member=False)
        elif event == "accept":
            state, actions = gate.on_accept(state)
        else:
            state, actions = gate.on_leave(state)
        reminders += sum(isinstance(a, SendReminder) for a in actions)
        if accepted:
            assert not any(isinstance(a, RemoveMember | SendReminder) for a in actions)
        if state is GateState.ACCEPTED:
            accepted = True
    assert reminders <= 1
