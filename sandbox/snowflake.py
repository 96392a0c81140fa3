"""Snowflake ids that encode the current time, like Discord's."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1420070400000

_counter = itertools.count()
_lock = threading.Lock()
_last = 0


def new_id(at: float | None = None) -> int:
    """A fresh snowflake for `at` (epoch seconds, default now); strictly increasing."""
    global _last
    ms = int((time.time() if at is None else at) * 1000) - DISCORD_EPOCH_MS
    with _lock:
        candidate = (ms << 22) | (1 << 17) | (next(_counter) & 0xFFF)
        # Several ids in the same millisecond must still sort in creation order.
        if at is None and candidate <= _last:
            candidate = _last + 1
        if at is None:
            _last = candidate
        return candidate


def created_at(snowflake: int) -> datetime:
    """The creation time encoded in a snowflake."""
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def iso(dt: datetime | None) -> str | None:
    """Discord's ISO-8601 timestamp format (with +00:00)."""
    return None if dt is None else dt.astimezone(UTC).isoformat()


def now() -> datetime:
    return datetime.now(UTC)


def parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
