"""Recent history per member, for rate, duplicate and mention-window triggers.

Pure logic, no discord import, in memory only. Bounded: at most ``max_members`` members per
guild (least recently active forgotten first) and ``max_events`` events per member, so a raid
of fresh accounts cannot grow memory without limit.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Event:
    """One message as the windows remember it."""

    at: float
    channel_id: int
    message_id: int
    digest: int  # hash of the normalized content; 0 for empty messages
    mentions: int


class MemberWindows:
    """Per guild, per member, the last events (newest last)."""

    def __init__(self, max_members: int = 5000, max_events: int = 50) -> None:
        self.max_members = max_members
        self.max_events = max_events
        self._guilds: dict[int, OrderedDict[int, deque[Event]]] = {}

    def record(self, guild_id: int, member_id: int, event: Event) -> deque[Event]:
        """Remember ``event`` and return the member's history including it."""
        members = self._guilds.get(guild_id)
        if members is None:
            members = self._guilds[guild_id] = OrderedDict()
        history = members.get(member_id)
        if history is None:
            history = members[member_id] = deque(maxlen=self.max_events)
            if len(members) > self.max_members:
                members.popitem(last=False)
        else:
            members.move_to_end(member_id)
        history.append(event)
        return history

    def forget(self, guild_id: int, member_id: int | None = None) -> None:
        """Drop one member's history, or a whole guild's."""
        if member_id is None:
            self._guilds.pop(guild_id, None)
        else:
            self._guilds.get(guild_id, OrderedDict()).pop(member_id, None)

    def size(self, guild_id: int) -> int:
        """Members remembered in a guild (for tests of the bound)."""
        return len(self._guilds.get(guild_id, ()))


def recent(history: deque[Event], since: float) -> list[Event]:
    """Events at or after ``since``, oldest first."""
    out = []
    for event in reversed(history):
        if event.at < since:
            break
        out.append(event)
    out.reverse()
    return out


def rate_hit(history: deque[Event], now: float, amount: int, window: int) -> list[Event]:
    """The events in the window when there are at least ``amount`` of them, else []."""
    if len(history) < amount:
        return []
    events = recent(history, now - window)
    return events if len(events) >= amount else []


def duplicate_hit(
    history: deque[Event], now: float, amount: int, window: int, across_channels: bool
) -> list[Event]:
    """The copies of the newest message in the window, when there are ``amount`` or more."""
    if len(history) < amount:
        return []
    newest = history[-1]
    if not newest.digest:
        return []
    copies = [
        e
        for e in recent(history, now - window)
        if e.digest == newest.digest and (across_channels or e.channel_id == newest.channel_id)
    ]
    return copies if len(copies) >= amount else []


def mention_hit(history: deque[Event], now: float, maximum: int, window: int) -> list[Event]:
    """The events of the window when their mentions add up to more than ``maximum``."""
    events = recent(history, now - window)
    return events if sum(e.mentions for e in events) > maximum else []
