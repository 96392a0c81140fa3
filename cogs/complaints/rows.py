"""Rows of the complaints tables as dataclasses, and back (no SQL, no discord import)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .tickets import Kind, Status, Ticket
from .transcript import Entry


def ts(value: datetime | None) -> float | None:
    """A timezone-aware datetime as unix seconds (None stays None)."""
    return None if value is None else value.timestamp()


def dt(value: float | None) -> datetime | None:
    """Unix seconds as an aware UTC datetime (None stays None)."""
    return None if value is None else datetime.fromtimestamp(float(value), UTC)


def ticket_from_row(row: Any) -> Ticket:
    """Build a :class:`Ticket` from a ``complaints_tickets`` row."""
    opened_at = dt(row["opened_at"])
    assert opened_at is not None
    return Ticket(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        number=int(row["number"]),
        kind=Kind(row["kind"]),
        member_id=int(row["member_id"]),
        other_party_id=row["other_party_id"],
        opened_by=int(row["opened_by"]),
        subject=row["subject"],
        category=row["category"],
        priority=row["priority"],
        status=Status(row["status"]),
        tier=int(row["tier"]),
        claimant_id=row["claimant_id"],
        channel_id=row["channel_id"],
        opened_at=opened_at,
        first_response_at=dt(row["first_response_at"]),
        tier_started_at=dt(row["tier_started_at"]),
        tier_responded_at=dt(row["tier_responded_at"]),
        closed_at=dt(row["closed_at"]),
        closed_by=row["closed_by"],
        resolution=row["resolution"],
        member_left=bool(row["member_left"]),
        epoch=int(row["epoch"]),
        version=int(row["version"]),
    )


def event_row(guild_id: int, ticket_id: int, entry: Entry) -> tuple[Any, ...]:
    """The parameters of :data:`EVENT_INSERT` for one history entry."""
    return (
        guild_id,
        ticket_id,
        entry.at.timestamp(),
        entry.kind,
        entry.author_id,
        entry.author_name,
        entry.text,
        json.dumps(list(entry.attachments), ensure_ascii=False),
        int(entry.internal),
        entry.message_id,
        json.dumps(dict(entry.fields), ensure_ascii=False),
        guild_id,
        ticket_id,
    )


@dataclass(frozen=True)
class Rating:
    """A member's satisfaction with a closed ticket."""

    ticket_id: int
    member_id: int
    score: int
    comment: str
    at: datetime


@dataclass(frozen=True)
class Statement:
    """One party's view in a dispute."""

    ticket_id: int
    member_id: int
    text: str
    at: datetime
