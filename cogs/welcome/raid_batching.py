"""Batching of greetings during a raid or a burst of joins.

Pure logic, no discord import, no clock of its own (times are passed in, in seconds).

When raid mode is on for a guild (the policies cog dispatches ``raid_mode_changed(guild_id, on)``),
or when more than ``burst_joins`` members joined within ``window`` seconds, greetings are not sent
one by one: the first batched joiner opens a batch, the cog flushes it ``window`` seconds later as
one message. A welcome channel then gets at most one batch message per window, far under
Discord's 5 messages per 5 seconds per channel, so a raid of 500 joins causes no 429.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

RAID_EVENT = "raid_mode_changed"


class Decision(StrEnum):
    """What the cog does with one greeting."""

    SEND = "send"  # greet this member on their own
    OPEN_BATCH = "open_batch"  # batched; the caller arms the flush at ``window`` from now
    BATCHED = "batched"  # batched into the batch already open


@dataclass
class _GuildState:
    recent: deque[float] = field(default_factory=deque)
    pending: list[int] = field(default_factory=list)
    open: bool = False


class GreetingBatcher:
    """Per guild: recent joins, raid mode and the open batch of member ids."""

    # A raid of this size is already absurd; beyond it joiners are counted, not stored.
    MAX_PENDING = 10_000

    def __init__(self, window: float, burst_joins: int) -> None:
        self.window = window
        self.burst_joins = burst_joins
        self._guilds: dict[int, _GuildState] = {}
        self._raid: set[int] = set()
        self._overflow: dict[int, int] = {}

    def set_raid_mode(self, guild_id: int, on: bool) -> None:
        if on:
            self._raid.add(guild_id)
        else:
            self._raid.discard(guild_id)

    def raid_mode(self, guild_id: int) -> bool:
        return guild_id in self._raid

    def offer(
        self,
        guild_id: int,
        user_id: int,
        now: float,
        *,
        window: float | None = None,
        burst_joins: int | None = None,
    ) -> Decision:
        """Record a join at ``now`` and decide how its greeting goes out."""
        window = self.window if window is None else window
        burst = self.burst_joins if burst_joins is None else burst_joins
        state = self._guilds.setdefault(guild_id, _GuildState())
        state.recent.append(now)
        while state.recent and state.recent[0] <= now - window:
            state.recent.popleft()
        if not state.open and guild_id not in self._raid and len(state.recent) <= burst:
            return Decision.SEND
        if len(state.pending) < self.MAX_PENDING:
            state.pending.append(user_id)
        else:
            self._overflow[guild_id] = self._overflow.get(guild_id, 0) + 1
        if state.open:
            return Decision.BATCHED
        state.open = True
        return Decision.OPEN_BATCH

    def drain(self, guild_id: int) -> tuple[list[int], int]:
        """Close the guild's batch: the member ids and how many more were only counted."""
        state = self._guilds.get(guild_id)
        if state is None:
            return [], 0
        members, state.pending, state.open = state.pending, [], False
        return members, self._overflow.pop(guild_id, 0)

    def discard(self, guild_id: int, user_id: int) -> None:
        """A batched member left before the flush: do not greet them."""
        state = self._guilds.get(guild_id)
        if state is not None and user_id in state.pending:
            state.pending.remove(user_id)


def split_mentions(user_ids: Sequence[int], max_mentions: int) -> tuple[list[str], int]:
    """Mentions to show (at most ``max_mentions``) and how many members are only counted."""
    shown = [f"<@{user_id}>" for user_id in user_ids[:max_mentions]]
    return shown, max(0, len(user_ids) - len(shown))
