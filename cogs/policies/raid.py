"""Anti-raid and spam-wave detection. Pure logic, no discord import, bounded memory.

A raid is N joins within T, or M accounts younger than A joining within T. Raid mode ends
after a quiet period without a suspicious join. A spam wave is one text (normalized) posted
many times by anyone within a window; once detected, every copy is marked for deletion.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from bot.durations import parse_seconds


@dataclass(frozen=True, slots=True)
class RaidConfig:
    """The ``policies.raid`` section."""

    enabled: bool = True
    joins: int = 10
    window: int = 30
    new_accounts: int = 5
    new_account_age: int = 7 * 86400
    action: str = "timeout"
    quarantine_role: str | None = None
    timeout: int = 3600
    quiet_period: int = 600

    @classmethod
    def from_section(cls, raw: dict[str, Any] | None) -> RaidConfig:
        """Build from a (schema-valid) mapping, defaults for what is missing."""
        raw = raw or {}
        d = cls()
        return cls(
            enabled=bool(raw.get("enabled", d.enabled)),
            joins=int(raw.get("joins", d.joins)),
            window=parse_seconds(raw["window"]) if raw.get("window") else d.window,
            new_accounts=int(raw.get("new_accounts", d.new_accounts)),
            new_account_age=parse_seconds(raw["new_account_age"])
            if raw.get("new_account_age")
            else d.new_account_age,
            action=str(raw.get("action", d.action)),
            quarantine_role=None
            if raw.get("quarantine_role") in (None, "")
            else str(raw["quarantine_role"]),
            timeout=parse_seconds(raw["timeout"]) if raw.get("timeout") else d.timeout,
            quiet_period=parse_seconds(raw["quiet_period"])
            if raw.get("quiet_period")
            else d.quiet_period,
        )


@dataclass
class _GuildJoins:
    joins: deque[tuple[float, bool]] = field(default_factory=lambda: deque(maxlen=1000))
    last_suspicious: float = 0.0


class RaidDetector:
    """Join history per guild (at most 1,000 joins each) and the quiet-period clock."""

    def __init__(self) -> None:
        self._guilds: dict[int, _GuildJoins] = {}

    def join(self, guild_id: int, at: float, account_age: float, cfg: RaidConfig) -> str | None:
        """Record a join; return why a raid is detected (``joins`` or ``new_accounts``), or None."""
        state = self._guilds.setdefault(guild_id, _GuildJoins())
        new = account_age < cfg.new_account_age
        state.joins.append((at, new))
        since = at - cfg.window
        recent = [is_new for when, is_new in state.joins if when >= since]
        reason = None
        if len(recent) >= cfg.joins:
            reason = "joins"
        elif sum(recent) >= cfg.new_accounts:
            reason = "new_accounts"
        if reason or new:
            state.last_suspicious = at
        return reason

    def suspicious(self, guild_id: int, at: float) -> None:
        """Note a suspicious event (a join during raid mode) that keeps raid mode on."""
        self._guilds.setdefault(guild_id, _GuildJoins()).last_suspicious = at

    def quiet_since(self, guild_id: int) -> float:
        """When the last suspicious join happened (0: never)."""
        state = self._guilds.get(guild_id)
        return state.last_suspicious if state else 0.0

    def reset(self, guild_id: int) -> None:
        """Forget a guild's joins (raid mode turned off by hand)."""
        self._guilds.pop(guild_id, None)


class SpamWave:
    """Copies of one text across members; beyond ``threshold`` within ``window`` it is a wave.

    ``observe`` returns the (channel_id, message_id) pairs to delete now: every copy seen so far
    when the wave is detected, then each new copy. Memory: at most ``max_texts`` texts per guild.
    """

    def __init__(self, max_texts: int = 2000, max_copies: int = 5000) -> None:
        self.max_texts = max_texts
        self.max_copies = max_copies
        self._guilds: dict[int, OrderedDict[int, deque[tuple[float, int, int, int]]]] = {}
        self._waves: dict[tuple[int, int], float] = {}

    def observe(
        self,
        guild_id: int,
        digest: int,
        at: float,
        channel_id: int,
        message_id: int,
        author_id: int,
        threshold: int,
        window: int,
    ) -> list[tuple[int, int]]:
        """Record one message; the messages to delete because of a wave (often none)."""
        if not digest:
            return []
        key = (guild_id, digest)
        wave_until = self._waves.get(key)
        if wave_until is not None and at <= wave_until:
            self._waves[key] = at + window  # a live wave stays live while copies keep coming
            return [(channel_id, message_id)]
        texts = self._guilds.setdefault(guild_id, OrderedDict())
        copies = texts.get(digest)
        if copies is None:
            copies = texts[digest] = deque(maxlen=self.max_copies)
            if len(texts) > self.max_texts:
                texts.popitem(last=False)
        else:
            texts.move_to_end(digest)
        copies.append((at, channel_id, message_id, author_id))
        while copies and copies[0][0] < at - window:
            copies.popleft()
        authors = {c[3] for c in copies}
        # One member repeating himself is the duplicates rule's business; a wave is several.
        if len(copies) >= threshold and len(authors) >= 2:
            if len(self._waves) >= self.max_texts:
                # Forget finished waves before remembering a new one (bounded memory).
                self._waves = {k: until for k, until in self._waves.items() if until >= at}
            self._waves[key] = at + window
            found = [(c[1], c[2]) for c in copies]
            copies.clear()
            return found
        return []

    def active(self, guild_id: int, now: float) -> int:
        """How many waves are live in the guild."""
        return sum(1 for (g, _), until in self._waves.items() if g == guild_id and until >= now)
