"""The ticket state machine (pure logic, no discord import).

States: ``open`` (new, waiting for staff), ``claimed`` (one staff member owns it),
``escalated`` (moved to tier n > 0, waiting for that tier), ``closed`` (resolved) and
``reopened`` (closed then reopened within the window, waiting for staff).

Each transition returns a new :class:`Ticket` with ``version + 1``; the store saves it with a
compare-and-set on the old version, so when two staff members press *claim* at once exactly
one write succeeds and the loser re-reads the ticket and gets :class:`IllegalTransition`
``already_claimed`` naming the winner.

Every change of tier (escalate, de-escalate) and a reopen restarts the tier clock
(``tier_started_at``, ``tier_responded_at``) and bumps ``epoch``: deadlines belong to one
epoch, so a deadline timer from an older epoch does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    """Where a ticket is in its life."""

    OPEN = "open"
    CLAIMED = "claimed"
    ESCALATED = "escalated"
    CLOSED = "closed"
    REOPENED = "reopened"


class Kind(StrEnum):
    """A member's complaint, or a mediation between two members."""

    COMPLAINT = "complaint"
    DISPUTE = "dispute"


PRIORITY_ORDER: tuple[str, ...] = ("low", "normal", "high", "urgent")

# Statuses in which nobody owns the ticket and the current tier is expected to pick it up.
WAITING: frozenset[Status] = frozenset({Status.OPEN, Status.ESCALATED, Status.REOPENED})


class IllegalTransition(Exception):
    """A transition that the ticket's state forbids; ``key`` is a locale key for the user."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


@dataclass(frozen=True)
class Ticket:
    """One ticket as stored; ``number`` is per guild, ``id`` is the database row id."""

    guild_id: int
    number: int
    member_id: int
    opened_by: int
    subject: str
    category: str
    priority: str
    opened_at: datetime
    kind: Kind = Kind.COMPLAINT
    status: Status = Status.OPEN
    tier: int = 0
    claimant_id: int | None = None
    channel_id: int | None = None
    other_party_id: int | None = None
    first_response_at: datetime | None = None
    tier_started_at: datetime | None = None
    tier_responded_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: int | None = None
    resolution: str | None = None
    member_left: bool = False
    epoch: int = 0
    version: int = 0
    id: int | None = None

    @property
    def is_open(self) -> bool:
        """True until closed (a reopened ticket is open again)."""
        return self.status is not Status.CLOSED

    @property
    def clock_start(self) -> datetime:
        """When the current tier's clock started."""
        return self.tier_started_at or self.opened_at

    def parties(self) -> tuple[int, ...]:
        """The members the ticket is about (one for a complaint, two for a dispute)."""
        if self.other_party_id is None:
            return (self.member_id,)
        return (self.member_id, self.other_party_id)


def new_ticket(
    *,
    guild_id: int,
    number: int,
    member_id: int,
    opened_by: int,
    subject: str,
    category: str,
    priority: str,
    now: datetime,
    kind: Kind = Kind.COMPLAINT,
    other_party_id: int | None = None,
) -> Ticket:
    """A fresh ticket at tier 0 whose clock starts ``now``."""
    if priority not in PRIORITY_ORDER:
        raise IllegalTransition("complaints.errors.bad_priority", priority=priority)
    return Ticket(
        guild_id=guild_id,
        number=number,
        member_id=member_id,
        opened_by=opened_by,
        subject=subject,
        category=category,
        priority=priority,
        opened_at=now,
        kind=kind,
        other_party_id=other_party_id,
        tier_started_at=now,
    )


@dataclass(frozen=True)
class OpenLimits:
    """What a member may open on their own: tickets open at once, time between two openings."""

    max_open: int
    cooldown: timedelta | None = None


def check_may_open(
    open_count: int, last_opened: datetime | None, limits: OpenLimits, now: datetime
) -> None:
    """Refuse a member's new ticket past the open limit or within the cooldown.

    The store calls it inside the transaction that inserts the ticket, so two openings at
    the same instant are counted one after the other. Raises :class:`IllegalTransition`
    ``too_many`` (``max``) or ``cooldown`` (``until``: when the member may open again).
    """
    if open_count >= limits.max_open:
        raise IllegalTransition("complaints.errors.too_many", max=limits.max_open)
    if limits.cooldown is not None and last_opened is not None:
        until = last_opened + limits.cooldown
        if now < until:
            raise IllegalTransition("complaints.errors.cooldown", until=until)


def _bump(ticket: Ticket, **changes: object) -> Ticket:
    return replace(ticket, version=ticket.version + 1, **changes)  # type: ignore[arg-type]


def _require_open(ticket: Ticket) -> None:
    if not ticket.is_open:
        raise IllegalTransition("complaints.errors.closed", number=ticket.number)


def _waiting_status(tier: int) -> Status:
    return Status.ESCALATED if tier > 0 else Status.OPEN


def claim(ticket: Ticket, actor_id: int) -> Ticket:
    """``actor_id`` takes ownership; a claimed ticket cannot be claimed again."""
    _require_open(ticket)
    if ticket.status is Status.CLAIMED:
        if ticket.claimant_id == actor_id:
            raise IllegalTransition("complaints.errors.already_yours", number=ticket.number)
        raise IllegalTransition(
            "complaints.errors.already_claimed", number=ticket.number, by=ticket.claimant_id
        )
    return _bump(ticket, status=Status.CLAIMED, claimant_id=actor_id)


def unclaim(ticket: Ticket, actor_id: int, *, force: bool = False) -> Ticket:
    """Give the ticket back to its tier; only the claimant, unless ``force`` (a manager)."""
    _require_open(ticket)
    if ticket.status is not Status.CLAIMED:
        raise IllegalTransition("complaints.errors.not_claimed", number=ticket.number)
    if ticket.claimant_id != actor_id and not force:
        raise IllegalTransition(
            "complaints.errors.not_claimant", number=ticket.number, by=ticket.claimant_id
        )
    return _bump(ticket, status=_waiting_status(ticket.tier), claimant_id=None)


def _move_tier(ticket: Ticket, tier: int, now: datetime) -> Ticket:
    # A new tier gets its own clock and must answer on its own: the claim is released.
    return _bump(
        ticket,
        tier=tier,
        status=_waiting_status(tier),
        claimant_id=None,
        tier_started_at=now,
        tier_responded_at=None,
        epoch=ticket.epoch + 1,
    )


def escalate(ticket: Ticket, now: datetime, *, top_tier: int) -> Ticket:
    """Move to the next tier (``top_tier`` is the index of the last configured tier)."""
    _require_open(ticket)
    if ticket.tier >= top_tier:
        raise IllegalTransition("complaints.errors.top_tier", number=ticket.number)
    return _move_tier(ticket, ticket.tier + 1, now)


def deescalate(ticket: Ticket, now: datetime) -> Ticket:
    """Move back to the previous tier."""
    _require_open(ticket)
    if ticket.tier <= 0:
        raise IllegalTransition("complaints.errors.bottom_tier", number=ticket.number)
    return _move_tier(ticket, ticket.tier - 1, now)


def set_priority(ticket: Ticket, priority: str) -> Ticket:
    """Change the priority; deadlines are recomputed from the same clock start."""
    _require_open(ticket)
    if priority not in PRIORITY_ORDER:
        raise IllegalTransition("complaints.errors.bad_priority", priority=priority)
    if priority == ticket.priority:
        raise IllegalTransition("complaints.errors.same_priority", priority=priority)
    # The epoch changes so that pending deadline timers of the old priority are ignored.
    return _bump(ticket, priority=priority, epoch=ticket.epoch + 1)


def close(ticket: Ticket, actor_id: int, now: datetime, resolution: str) -> Ticket:
    """Close with a resolution text (required: the member deserves an answer).

    The claimant stays recorded on the closed ticket: it says who handled it.
    """
    _require_open(ticket)
    text = resolution.strip()
    if not text:
        raise IllegalTransition("complaints.errors.resolution_required")
    return _bump(
        ticket,
        status=Status.CLOSED,
        closed_at=now,
        closed_by=actor_id,
        resolution=text,
        epoch=ticket.epoch + 1,
    )


def can_reopen(ticket: Ticket, now: datetime, window: timedelta | None) -> bool:
    """True when closed and ``now`` is within ``window`` of the close."""
    if ticket.is_open or ticket.closed_at is None or window is None:
        return False
    return now - ticket.closed_at <= window


def reopen(ticket: Ticket, now: datetime, window: timedelta | None) -> Ticket:
    """Reopen a closed ticket within the window; it waits for its tier again."""
    if ticket.is_open:
        raise IllegalTransition("complaints.errors.not_closed", number=ticket.number)
    if not can_reopen(ticket, now, window):
        raise IllegalTransition("complaints.errors.reopen_expired", number=ticket.number)
    return _bump(
        ticket,
        status=Status.REOPENED,
        claimant_id=None,
        closed_at=None,
        closed_by=None,
        resolution=None,
        tier_started_at=now,
        tier_responded_at=None,
        epoch=ticket.epoch + 1,
    )


def record_staff_message(ticket: Ticket, now: datetime) -> Ticket | None:
    """A staff message in the ticket: the first response (of the ticket and of the tier).

    Returns None when nothing changes, so the hot path writes nothing for later messages.
    """
    if not ticket.is_open:
        return None
    if ticket.first_response_at is not None and ticket.tier_responded_at is not None:
        return None
    # A message written just before an escalation may be processed just after it: it cannot
    # have answered the new tier earlier than that tier got the ticket.
    at = max(now, ticket.clock_start)
    return _bump(
        ticket,
        first_response_at=ticket.first_response_at or at,
        tier_responded_at=ticket.tier_responded_at or at,
    )


def attach(ticket: Ticket, channel_id: int) -> Ticket:
    """Record the thread or channel where the ticket lives."""
    return _bump(ticket, channel_id=channel_id)


def mark_member_left(ticket: Ticket, left: bool = True) -> Ticket | None:
    """Flag (or unflag, on rejoin) that the member left the server; the ticket stays."""
    if ticket.member_left == left:
        return None
    return _bump(ticket, member_left=left)


def allowed_actions(
    ticket: Ticket, *, top_tier: int, now: datetime, window: timedelta | None
) -> frozenset[str]:
    """Names of the transitions possible now, for buttons and help text."""
    if not ticket.is_open:
        return frozenset({"reopen"}) if can_reopen(ticket, now, window) else frozenset()
    actions = {"close", "priority", "note"}
    actions.add("unclaim" if ticket.status is Status.CLAIMED else "claim")
    if ticket.tier < top_tier:
        actions.add("escalate")
    if ticket.tier > 0:
        actions.add("deescalate")
    return frozenset(actions)
