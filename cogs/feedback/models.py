"""Rows of the feedback feature as frozen dataclasses. Pure, no discord import.

``author_id`` of a :class:`FeedbackEntry` is ``None`` whenever the entry is anonymous: the store
never puts an anonymous author in a row, so no staff-facing code path can show one by mistake.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

RowT = TypeVar("RowT", bound="DataclassInstance")


class Row(Protocol):
    """What a row builder reads: columns by name. ``sqlite3.Row`` (the store's rows) and a
    plain ``dict`` (tests, hand-made rows) both fit; ``Mapping`` does not fit ``sqlite3.Row``."""

    def __getitem__(self, key: str, /) -> Any: ...


class KeyedError(ValueError):
    """Refused input: ``key`` is the locale key (under ``feedback.``) explaining it, ``fields``
    its placeholders. The cogs turn it into a translated answer."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


def parse_time(value: str | None) -> datetime | None:
    """ISO text from SQLite to an aware UTC datetime."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_time(moment: datetime) -> str:
    """Aware datetime to the ISO text stored in SQLite (UTC, fixed width so it sorts as text;
    microseconds so that "created before the end of the period" is exact)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_columns(cls: type[RowT], row: Row, **converted: Any) -> RowT:
    """``cls`` from a row: each field from the column of its name, unless given ``converted``."""
    taken = {f.name: row[f.name] for f in fields(cls) if f.name not in converted}
    return cls(**taken, **converted)


@dataclass(frozen=True)
class FeedbackEntry:
    """One answer to the feedback form."""

    id: int
    guild_id: int
    category: str
    rating: int
    text: str
    anonymous: bool
    author_id: int | None
    created_at: datetime
    inbox_channel_id: int | None = None
    inbox_message_id: int | None = None

    @classmethod
    def from_row(cls, row: Row) -> FeedbackEntry:
        anonymous = bool(row["anonymous"])
        return from_columns(
            cls,
            row,
            anonymous=anonymous,
            author_id=None if anonymous else row["author_id"],
            created_at=parse_time(row["created_at"]),
        )


@dataclass(frozen=True)
class Suggestion:
    """A suggestion and its live vote counts."""

    id: int
    guild_id: int
    author_id: int | None
    text: str
    status: str
    reason: str | None
    channel_id: int | None
    message_id: int | None
    thread_id: int | None
    up: int
    down: int
    created_at: datetime
    updated_at: datetime

    @property
    def score(self) -> int:
        return self.up - self.down

    @classmethod
    def from_row(cls, row: Row) -> Suggestion:
        return from_columns(
            cls,
            row,
            up=row["up"] or 0,
            down=row["down"] or 0,
            created_at=parse_time(row["created_at"]),
            updated_at=parse_time(row["updated_at"]),
        )


@dataclass(frozen=True)
class Poll:
    """A poll; ``closed_at`` is set once results were posted."""

    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    author_id: int | None
    question: str
    options: tuple[str, ...]
    multiple: bool
    anonymous: bool
    closes_at: datetime
    closed_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> Poll:
        return from_columns(
            cls,
            row,
            options=tuple(json.loads(row["options"])),
            multiple=bool(row["multiple"]),
            anonymous=bool(row["anonymous"]),
            closes_at=parse_time(row["closes_at"]),
            closed_at=parse_time(row["closed_at"]),
        )


@dataclass(frozen=True)
class SurveyResponse:
    """One member's complete answers to a survey (``user_id`` is ``None`` once forgotten)."""

    id: int
    guild_id: int
    survey: str
    user_id: int | None
    answers: dict[str, str | int | None]
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> SurveyResponse:
        return from_columns(
            cls, row, answers=json.loads(row["answers"]), created_at=parse_time(row["created_at"])
        )


@dataclass(frozen=True)
class Reply:
    """A staff reply to a feedback entry (``staff_id`` is ``None`` once forgotten)."""

    id: int
    guild_id: int
    entry_id: int
    staff_id: int | None
    text: str
    delivered: bool
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> Reply:
        return from_columns(
            cls, row, delivered=bool(row["delivered"]), created_at=parse_time(row["created_at"])
        )
