"""The rules gate as a pure state machine: join, reminder, removal, acceptance, leave.

No discord import. The cog feeds events in and performs the returned actions (schedule or
cancel a timer, send a reminder, remove the member, grant roles). Timers fire through
``bot.timers`` and survive restarts, so every handler is checked against the current state:
a reminder for a member who accepted meanwhile does nothing.

States: ``pending`` (joined, must accept) -> ``reminded`` -> ``removed``; ``pending`` or
``reminded`` -> ``accepted`` on the button; any -> ``left`` when the member leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

REMIND_KIND = "welcome_gate_remind"
REMOVE_KIND = "welcome_gate_remove"


class GateState(StrEnum):
    """Where a member stands in the rules gate."""

    UNGATED = "ungated"  # the gate did not apply (gate off, a bot, or a returning member)
    PENDING = "pending"
    REMINDED = "reminded"
    ACCEPTED = "accepted"
    REMOVED = "removed"
    LEFT = "left"


OPEN_STATES = frozenset({GateState.PENDING, GateState.REMINDED})


@dataclass(frozen=True)
class GatePolicy:
    """The ``welcome.rules`` settings that drive the machine."""

    enabled: bool
    remind_after: timedelta | None
    remove_after: timedelta | None
    gate_rejoin: bool = False


@dataclass(frozen=True)
class Schedule:
    """Arm a timer of ``kind`` for this member at ``due_at``."""

    kind: str
    due_at: datetime


@dataclass(frozen=True)
class Cancel:
    """Cancel the pending timer of ``kind`` for this member."""

    kind: str


@dataclass(frozen=True)
class SendReminder:
    """Remind the member to accept the rules."""


@dataclass(frozen=True)
class RemoveMember:
    """Remove the member, with a DM explaining how to come back."""


@dataclass(frozen=True)
class GrantAccess:
    """Give the accepted roles and take the newcomer role away."""


Action = Schedule | Cancel | SendReminder | RemoveMember | GrantAccess


def on_join(
    policy: GatePolicy, at: datetime, *, is_bot: bool, accepted_before: bool
) -> tuple[GateState, list[Action]]:
    """Gate a member who just joined, or let them through."""
    if not policy.enabled or is_bot:
        return GateState.UNGATED, []
    if accepted_before and not policy.gate_rejoin:
        # A returning member who already accepted gets their access back without a new gate.
        return GateState.ACCEPTED, [GrantAccess()]
    actions: list[Action] = []
    if policy.remind_after is not None:
        actions.append(Schedule(REMIND_KIND, at + policy.remind_after))
    if policy.remove_after is not None:
        actions.append(Schedule(REMOVE_KIND, at + policy.remove_after))
    return GateState.PENDING, actions


def on_remind_due(state: GateState) -> tuple[GateState, list[Action]]:
    """The reminder timer fired: remind only a member who is still pending."""
    if state is GateState.PENDING:
        return GateState.REMINDED, [SendReminder()]
    return state, []


def on_remove_due(state: GateState, *, still_member: bool) -> tuple[GateState, list[Action]]:
    """The removal timer fired: remove only a member who is still here and has not accepted."""
    if state in OPEN_STATES and still_member:
        return GateState.REMOVED, [RemoveMember()]
    if state in OPEN_STATES:
        return GateState.LEFT, []
    return state, []


def on_accept(state: GateState) -> tuple[GateState, list[Action]]:
    """The member pressed the accept button.

    Granting is repeated for an accepted member too (idempotent on Discord's side), so a member
    whose roles were lost can press again; timers are cancelled only when they could be armed.
    """
    if state in OPEN_STATES:
        return GateState.ACCEPTED, [Cancel(REMIND_KIND), Cancel(REMOVE_KIND), GrantAccess()]
    if state in (GateState.ACCEPTED, GateState.UNGATED):
        return GateState.ACCEPTED, [GrantAccess()]
    # Left or removed, yet pressing (so a member again): the bot missed their return while it
    # was offline. They get access like anyone; the journey that ended is not reopened.
    return state, [GrantAccess()]


def on_leave(state: GateState) -> tuple[GateState, list[Action]]:
    """The member left: nothing left to remind or remove."""
    if state in OPEN_STATES:
        return GateState.LEFT, [Cancel(REMIND_KIND), Cancel(REMOVE_KIND)]
    return state, []
