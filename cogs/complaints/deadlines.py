"""Deadlines of a ticket: when to remind, when a breach happens, and what to do then.

Pure logic (no discord import). A ticket's current tier has two clocks that start when the
tier got the ticket (``Ticket.clock_start``): the first response (met by a staff message in
the ticket) and the resolution (met by closing it). Each clock has a reminder
``reminder_before`` its deadline, or half-way when the whole window is shorter than that.

Each checkpoint has a *mark* (``remind_first``, ``breach_first``, ``remind_resolution``,
``breach_resolution``); the store records the marks done per ticket and epoch, and that record
is what makes a deadline act at most once, across restarts and duplicate timers.

A breach escalates the ticket to the next tier exactly once, even when both clocks breached
(say, while the bot was down): :func:`plan` folds every due breach of the epoch into one
step. The new tier's clocks start when the escalation happens, not at the old breach time, so
a long downtime moves a ticket up one tier at start, not to the top in a cascade. Reminders
whose deadline has passed too are dropped silently: the breach says it all. At the top tier a
breach cannot escalate; the tier is pinged once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .config import ComplaintsConfig
from .tickets import Ticket

FIRST = "first_response"
RESOLUTION = "resolution"
MARKS: dict[str, tuple[str, str]] = {
    "remind_first": ("remind", FIRST),
    "breach_first": ("breach", FIRST),
    "remind_resolution": ("remind", RESOLUTION),
    "breach_resolution": ("breach", RESOLUTION),
}


@dataclass(frozen=True)
class Checkpoint:
    """A moment something must happen: ``mark`` at ``at`` for the clock due at ``deadline``."""

    at: datetime
    mark: str
    deadline: datetime

    @property
    def action(self) -> str:
        """``remind`` or ``breach``."""
        return MARKS[self.mark][0]

    @property
    def clock(self) -> str:
        """``first_response`` or ``resolution``."""
        return MARKS[self.mark][1]


@dataclass(frozen=True)
class Deadlines:
    """The current tier's deadlines; ``first_response`` is None once a staff member answered."""

    first_response: datetime | None
    resolution: datetime | None


@dataclass(frozen=True)
class Plan:
    """What a deadline timer must do at ``now``.

    ``marks`` are recorded before acting (that is the at-most-once guard); ``escalate`` is
    true at most once per plan; ``next_due`` is when to look again (None when the ticket moves
    tier: the caller computes it on the moved ticket).
    """

    reminders: tuple[str, ...] = ()
    breaches: tuple[str, ...] = ()
    escalate: bool = False
    ping_top_tier: bool = False
    marks: tuple[str, ...] = ()
    late_by: timedelta = timedelta(0)
    next_due: datetime | None = None

    @property
    def idle(self) -> bool:
        """Nothing to do now."""
        return not self.marks


def deadlines_for(ticket: Ticket, config: ComplaintsConfig) -> Deadlines:
    """The current tier's deadlines (both None for a closed ticket)."""
    if not ticket.is_open:
        return Deadlines(None, None)
    clocks = config.clocks(ticket.priority, ticket.tier)
    start = ticket.clock_start
    first = None if ticket.tier_responded_at is not None else start + clocks.first_response
    return Deadlines(first, start + clocks.resolution)


def reminder_time(start: datetime, deadline: datetime, lead: timedelta) -> datetime:
    """``lead`` before the deadline, or half-way when the window is shorter than ``lead``."""
    at = deadline - lead
    if at <= start:
        return start + (deadline - start) / 2
    return at


def checkpoints(ticket: Ticket, config: ComplaintsConfig) -> list[Checkpoint]:
    """Every checkpoint of the current epoch, in time order."""
    due = deadlines_for(ticket, config)
    start = ticket.clock_start
    points: list[Checkpoint] = []
    if due.first_response is not None:
        at = reminder_time(start, due.first_response, config.reminder_before)
        points.append(Checkpoint(at, "remind_first", due.first_response))
        points.append(Checkpoint(due.first_response, "breach_first", due.first_response))
    if due.resolution is not None:
        at = reminder_time(start, due.resolution, config.reminder_before)
        points.append(Checkpoint(at, "remind_resolution", due.resolution))
        points.append(Checkpoint(due.resolution, "breach_resolution", due.resolution))
    points.sort(key=lambda p: (p.at, p.action == "remind"))
    return points


def next_due(ticket: Ticket, config: ComplaintsConfig, done: frozenset[str]) -> datetime | None:
    """When the next checkpoint not yet done falls, or None."""
    pending = [p.at for p in checkpoints(ticket, config) if p.mark not in done]
    return min(pending) if pending else None


def plan(ticket: Ticket, config: ComplaintsConfig, now: datetime, done: frozenset[str]) -> Plan:
    """Decide what to do at ``now`` given the marks already ``done`` in this epoch."""
    points = [p for p in checkpoints(ticket, config) if p.mark not in done]
    due_now = [p for p in points if p.at <= now]
    if not due_now:
        return Plan(next_due=min((p.at for p in points), default=None))
    reminders: list[str] = []
    breaches: list[str] = []
    marks: list[str] = []
    for point in due_now:
        marks.append(point.mark)
        if point.action == "breach":
            breaches.append(point.clock)
        elif point.deadline > now:
            reminders.append(point.clock)
        # else: a reminder whose deadline is gone too (downtime): recorded, not sent.
    can_escalate = ticket.tier < config.top_tier
    escalate = bool(breaches) and can_escalate
    late_by = timedelta(0)
    if breaches:
        first_breach = min(p.at for p in due_now if p.action == "breach")
        late_by = max(timedelta(0), now - first_breach)
    remaining = [p.at for p in points if p.mark not in marks]
    return Plan(
        reminders=tuple(reminders),
        breaches=tuple(breaches),
        escalate=escalate,
        ping_top_tier=bool(breaches) and not can_escalate,
        marks=tuple(marks),
        late_by=late_by,
        next_due=None if escalate else min(remaining, default=None),
    )


def deadline_status(
    ticket: Ticket, config: ComplaintsConfig, now: datetime
) -> tuple[str, datetime | None]:
    """For the queue: (``breached`` | ``due_soon`` | ``ok`` | ``closed``, nearest deadline)."""
    due = deadlines_for(ticket, config)
    pending = [d for d in (due.first_response, due.resolution) if d is not None]
    if not pending:
        return "closed", None
    nearest = min(pending)
    if nearest <= now:
        return "breached", nearest
    if nearest - now <= config.reminder_before:
        return "due_soon", nearest
    return "ok", nearest
