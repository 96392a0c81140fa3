"""The onboarding journey of a newcomer, and the funnel statistics drawn from it.

Pure logic, no discord import. Each newcomer has one journey per join (a rejoin starts a new
one). Steps, in funnel order:

- ``joined``         the member joined the server
- ``accepted_rules`` the member pressed "I accept the rules" (only when the rules gate is on)
- ``picked_roles``   the member took a role from a self-assign menu for the first time
- ``first_message``  the member posted their first message in the server
- ``active_7d``      seven days after joining, the member is still here and has posted

Each step is recorded once, the first time it happens; the cog dispatches
``onboarding_step(guild_id, user_id, step, at)`` when a step is newly recorded.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import assert_never

EVENT = "onboarding_step"
ACTIVE_AFTER = timedelta(days=7)


class Step(StrEnum):
    """A step of the onboarding funnel (values are stored and dispatched as is)."""

    JOINED = "joined"
    ACCEPTED_RULES = "accepted_rules"
    PICKED_ROLES = "picked_roles"
    FIRST_MESSAGE = "first_message"
    ACTIVE_7D = "active_7d"


STEPS: tuple[Step, ...] = tuple(Step)

_FIELD: dict[Step, str] = {
    Step.JOINED: "joined_at",
    Step.ACCEPTED_RULES: "accepted_at",
    Step.PICKED_ROLES: "picked_roles_at",
    Step.FIRST_MESSAGE: "first_message_at",
    Step.ACTIVE_7D: "active_7d_at",
}


@dataclass(frozen=True)
class Journey:
    """One newcomer's journey; a step's time is ``None`` until it happens."""

    guild_id: int
    user_id: int
    joined_at: datetime
    accepted_at: datetime | None = None
    picked_roles_at: datetime | None = None
    first_message_at: datetime | None = None
    active_7d_at: datetime | None = None
    left_at: datetime | None = None

    def at(self, step: Step) -> datetime | None:
        """When ``step`` happened, or ``None``."""
        return getattr(self, _FIELD[step])

    @property
    def steps(self) -> tuple[Step, ...]:
        """Steps reached, in funnel order."""
        return tuple(step for step in STEPS if self.at(step) is not None)


def start(guild_id: int, user_id: int, at: datetime) -> Journey:
    """A new journey that has reached ``joined``."""
    return Journey(guild_id=guild_id, user_id=user_id, joined_at=at)


def advance(journey: Journey, step: Step, at: datetime) -> tuple[Journey, bool]:
    """Record ``step`` at ``at``; returns the journey and whether the step is new.

    A step already reached keeps its first time, so replays and double clicks are harmless.
    ``joined`` cannot be advanced (a rejoin is a new journey).
    """
    if step is Step.JOINED or journey.at(step) is not None:
        return journey, False
    # One field per step, named so the checker sees each is a datetime (a ``**{name: at}``
    # could be any field, ``guild_id`` included).
    match step:
        case Step.ACCEPTED_RULES:
            return replace(journey, accepted_at=at), True
        case Step.PICKED_ROLES:
            return replace(journey, picked_roles_at=at), True
        case Step.FIRST_MESSAGE:
            return replace(journey, first_message_at=at), True
        case Step.ACTIVE_7D:
            return replace(journey, active_7d_at=at), True
    assert_never(step)


def is_active(journey: Journey, now: datetime, still_member: bool) -> bool:
    """Whether ``active_7d`` is reached at ``now``: 7 days in, still a member, has posted."""
    return (
        still_member
        and journey.left_at is None
        and now - journey.joined_at >= ACTIVE_AFTER
        and journey.first_message_at is not None
    )


@dataclass(frozen=True)
class FunnelStats:
    """What ``/welcome stats`` shows for a period."""

    joins: int
    counts: dict[str, int]
    acceptance_rate: float | None  # accepted / joins, None without joins
    median_time_to_accept: timedelta | None


def funnel(journeys: Iterable[Journey]) -> FunnelStats:
    """Counts per step, acceptance rate and median time from join to acceptance."""
    counts = {step.value: 0 for step in STEPS}
    delays: list[float] = []
    joins = 0
    for journey in journeys:
        joins += 1
        for step in journey.steps:
            counts[step.value] += 1
        if journey.accepted_at is not None:
            delays.append(max(0.0, (journey.accepted_at - journey.joined_at).total_seconds()))
    rate = counts[Step.ACCEPTED_RULES.value] / joins if joins else None
    median = timedelta(seconds=statistics.median(delays)) if delays else None
    return FunnelStats(
        joins=joins, counts=counts, acceptance_rate=rate, median_time_to_accept=median
    )
