"""The per-message side of analytics: counters in memory, drained in batches.

Pure logic: no discord import and no I/O. The cog feeds it from listeners and a background
task drains it into the store with ``executemany``; message content never reaches it, only
counts and identifiers.

A message is the one event that comes for every line typed, so ``record_message`` only appends
its four numbers to a flat list: no tuple, no dictionary update, nothing for the garbage
collector to track. They are folded into the hourly and daily counters (by ``Counter.update``,
counted in C) when the batch is drained, every few seconds, or before anything reads or edits
the counters (privacy requests, a removed server).
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .periods import hour_bucket

HourKey = tuple[int, int, int]  # guild_id, hour (unix seconds), channel_id
DayUserKey = tuple[int, str, int]  # guild_id, ISO day (UTC), user_id
CommandKey = tuple[int, str, str]  # guild_id, ISO day (UTC), command name
MemberRow = tuple[int, int, str, float, float | None]  # guild, user, join|leave, at, stayed
EventRow = tuple[int, str, int | None, float | None, float]  # guild, kind, user, value, at


HOUR_MS = 3_600_000  # messages come with their time in milliseconds (see record_message)


@dataclass
class Batch:
    """What accumulated since the last drain, ready for ``executemany``."""

    messages: Counter[HourKey] = field(default_factory=Counter)
    reactions: Counter[HourKey] = field(default_factory=Counter)
    active: Counter[DayUserKey] = field(default_factory=Counter)
    commands: Counter[CommandKey] = field(default_factory=Counter)
    members: list[MemberRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    member_counts: dict[tuple[int, str], int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(
            self.messages
            or self.reactions
            or self.active
            or self.commands
            or self.members
            or self.events
            or self.member_counts
        )

    def hourly_rows(self) -> list[tuple[int, int, int, int, int]]:
        """(guild_id, hour, channel_id, messages, reactions) for an additive upsert."""
        keys = self.messages.keys() | self.reactions.keys()
        return [(g, h, c, self.messages[(g, h, c)], self.reactions[(g, h, c)]) for g, h, c in keys]

    def active_rows(self) -> list[tuple[int, str, int, int]]:
        """(guild_id, day, user_id, messages) for an additive upsert."""
        return [(g, d, u, n) for (g, d, u), n in self.active.items()]

    def command_rows(self) -> list[tuple[int, str, str, int]]:
        return [(g, d, name, n) for (g, d, name), n in self.commands.items()]

    def member_count_rows(self) -> list[tuple[int, str, int]]:
        return [(g, d, n) for (g, d), n in self.member_counts.items()]

    def merge(self, other: Batch) -> None:
        """Put back a batch whose write failed, so a retry loses nothing."""
        self.messages.update(other.messages)
        self.reactions.update(other.reactions)
        self.active.update(other.active)
        self.commands.update(other.commands)
        self.members[:0] = other.members
        self.events[:0] = other.events
        self.member_counts = {**other.member_counts, **self.member_counts}


@functools.lru_cache(maxsize=64)
def _day_of_hour(hour: int) -> str:
    return datetime.fromtimestamp(hour, UTC).date().isoformat()


def _day(timestamp: float) -> str:
    # Cached per hour: formatting a date costs more than all the counting of a message.
    return _day_of_hour(hour_bucket(timestamp))


class ActivityCollector:
    """Counters for messages, active members, reactions and command use."""

    def __init__(self) -> None:
        self._batch = Batch()
        # guild_id, channel_id, user_id, at_ms: four ints per message not yet folded (the time
        # in milliseconds, as the snowflake gives it: no division on the hot path).
        self._messages: list[int] = []

    def record_message(self, guild_id: int, channel_id: int, user_id: int, at_ms: int) -> None:
        """One message at Unix time ``at_ms`` (milliseconds). The hot path: appends only; see
        the module's doc."""
        self._messages += (guild_id, channel_id, user_id, at_ms)

    def _fold_messages(self) -> None:
        """Count the pending messages into the batch's hourly and daily counters."""
        pending, self._messages = self._messages, []
        if not pending:
            return
        guilds, channels, users = pending[0::4], pending[1::4], pending[2::4]
        hours = [at_ms // HOUR_MS * 3600 for at_ms in pending[3::4]]
        self._batch.messages.update(zip(guilds, hours, channels, strict=True))
        self._batch.active.update(zip(guilds, map(_day_of_hour, hours), users, strict=True))

    def record_reaction(self, guild_id: int, channel_id: int, at: float) -> None:
        self._batch.reactions[(guild_id, hour_bucket(at), channel_id)] += 1

    def record_command(self, guild_id: int, name: str, at: float) -> None:
        self._batch.commands[(guild_id, _day(at), name)] += 1

    def record_member(
        self, guild_id: int, user_id: int, kind: str, at: float, stayed: float | None = None
    ) -> None:
        """A join or a leave (with how long the member stayed, when known)."""
        self._batch.members.append((guild_id, user_id, kind, at, stayed))

    def record_member_count(self, guild_id: int, members: int, at: float) -> None:
        """The server's size on that day (the last value of a day wins)."""
        self._batch.member_counts[(guild_id, _day(at))] = members

    def record_event(
        self,
        guild_id: int,
        kind: str,
        at: float,
        user_id: int | None = None,
        value: float | None = None,
    ) -> None:
        """An event of another feature: a case, a ticket deadline, a rating, a step..."""
        self._batch.events.append((guild_id, kind, user_id, value, at))

    def drain(self) -> Batch:
        """Hand over everything counted so far and start afresh."""
        self._fold_messages()
        batch, self._batch = self._batch, Batch()
        return batch

    def restore(self, batch: Batch) -> None:
        """Give back a batch that could not be written."""
        self._fold_messages()
        self._batch.merge(batch)

    def forget_guild(self, guild_id: int) -> None:
        """Drop pending counts of a server that removed the bot."""
        self._fold_messages()
        batch = self._batch
        for counter in (batch.messages, batch.reactions, batch.active, batch.commands):
            for key in [key for key in counter if key[0] == guild_id]:
                del counter[key]
        batch.members = [row for row in batch.members if row[0] != guild_id]
        batch.events = [row for row in batch.events if row[0] != guild_id]
        batch.member_counts = {k: v for k, v in batch.member_counts.items() if k[0] != guild_id}

    def forget_user(self, guild_id: int, user_id: int) -> int:
        """Drop what is pending about one member of one server; return how many rows went."""
        self._fold_messages()
        batch = self._batch
        keys = [key for key in batch.active if key[0] == guild_id and key[2] == user_id]
        for key in keys:
            del batch.active[key]
        members = [row for row in batch.members if (row[0], row[1]) == (guild_id, user_id)]
        events = [row for row in batch.events if (row[0], row[2]) == (guild_id, user_id)]
        batch.members = [row for row in batch.members if row not in members]
        batch.events = [row for row in batch.events if row not in events]
        return len(keys) + len(members) + len(events)
