"""The per-message side of analytics: O(1) counters in memory, drained in batches.

Pure logic: no discord import and no I/O. The cog feeds it from listeners and a background
task drains it into the store with ``executemany``; message content never reaches it, only
counts and identifiers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

HourKey = tuple[int, int, int]  # guild_id, hour (unix seconds), channel_id
DayUserKey = tuple[int, str, int]  # guild_id, ISO day (UTC), user_id
CommandKey = tuple[int, str, str]  # guild_id, ISO day (UTC), command name


@dataclass
class Batch:
    """What accumulated since the last drain, ready for ``executemany``."""

    messages: Counter[HourKey] = field(default_factory=Counter)
    reactions: Counter[HourKey] = field(default_factory=Counter)
    active: Counter[DayUserKey] = field(default_factory=Counter)
    commands: Counter[CommandKey] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.messages or self.reactions or self.active or self.commands)

    def hourly_rows(self) -> list[tuple[int, int, int, int, int]]:
        """(guild_id, hour, channel_id, messages, reactions) for an additive upsert."""
        keys = self.messages.keys() | self.reactions.keys()
        return [(g, h, c, self.messages[(g, h, c)], self.reactions[(g, h, c)]) for g, h, c in keys]

    def active_rows(self) -> list[tuple[int, str, int, int]]:
        """(guild_id, day, user_id, messages) for an additive upsert."""
        return [(g, d, u, n) for (g, d, u), n in self.active.items()]

    def command_rows(self) -> list[tuple[int, str, str, int]]:
        return [(g, d, name, n) for (g, d, name), n in self.commands.items()]

    def merge(self, other: Batch) -> None:
        """Put back a batch whose write failed, so a retry loses nothing."""
        self.messages.update(other.messages)
        self.reactions.update(other.reactions)
        self.active.update(other.active)
        self.commands.update(other.commands)


def _hour(timestamp: float) -> int:
    seconds = int(timestamp)
    return seconds - seconds % 3600


def _day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


class ActivityCollector:
    """Counters for messages, active members, reactions and command use."""

    def __init__(self) -> None:
        self._batch = Batch()

    def record_message(self, guild_id: int, channel_id: int, user_id: int, at: float) -> None:
        self._batch.messages[(guild_id, _hour(at), channel_id)] += 1
        self._batch.active[(guild_id, _day(at), user_id)] += 1

    def record_reaction(self, guild_id: int, channel_id: int, at: float) -> None:
        self._batch.reactions[(guild_id, _hour(at), channel_id)] += 1

    def record_command(self, guild_id: int, name: str, at: float) -> None:
        self._batch.commands[(guild_id, _day(at), name)] += 1

    def drain(self) -> Batch:
        """Hand over everything counted so far and start afresh."""
        batch, self._batch = self._batch, Batch()
        return batch

    def restore(self, batch: Batch) -> None:
        """Give back a batch that could not be written."""
        self._batch.merge(batch)

    def forget_guild(self, guild_id: int) -> None:
        """Drop pending counts of a server that removed the bot."""
        for counter in (
            self._batch.messages,
            self._batch.reactions,
            self._batch.active,
            self._batch.commands,
        ):
            for key in [key for key in counter if key[0] == guild_id]:
                del counter[key]
