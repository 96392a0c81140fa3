"""XP and levels: the curve, who earns what per message, role rewards, seasons.

Pure logic, no discord import, no I/O: the cog feeds it ids and times, the tests feed it numbers.

The curve: going from level ``n`` to ``n + 1`` costs ``a*n^2 + b*n + c`` XP (default 5, 50, 100,
MEE6's curve), so level 1 needs 100 XP in total, level 2 needs 255, level 3 needs 475...
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class LevelCurve:
    """XP to go from level n to n+1 is ``a*n^2 + b*n + c`` (all >= 0, c > 0: strictly rising)."""

    a: int = 5
    b: int = 50
    c: int = 100

    def __post_init__(self) -> None:
        if self.a < 0 or self.b < 0 or self.c <= 0:
            raise ValueError("curve needs a >= 0, b >= 0 and c > 0")

    def step(self, level: int) -> int:
        """XP needed to go from ``level`` to ``level + 1``."""
        return self.a * level * level + self.b * level + self.c

    def total_for(self, level: int) -> int:
        """Total XP needed to reach ``level`` from zero (closed form of the sum of steps)."""
        if level <= 0:
            return 0
        n = level  # sum over k = 0..n-1
        squares = (n - 1) * n * (2 * n - 1) // 6
        linear = (n - 1) * n // 2
        return self.a * squares + self.b * linear + self.c * n

    def level_for(self, total_xp: int) -> int:
        """The level reached with ``total_xp`` (the largest L with total_for(L) <= total_xp)."""
        if total_xp <= 0:
            return 0
        # Gallop to an upper bound, then bisect: O(log level), no arbitrary cap.
        hi = 1
        while self.total_for(hi) <= total_xp:
            hi *= 2
        lo = hi // 2
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.total_for(mid) <= total_xp:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def progress(self, total_xp: int) -> tuple[int, int, int]:
        """``(level, xp into this level, xp this level needs)`` for a progress bar."""
        level = self.level_for(total_xp)
        return level, max(0, total_xp) - self.total_for(level), self.step(level)


@dataclass(frozen=True)
class XpRules:
    """The ``games.xp`` section, parsed: how much a message earns and where."""

    min_xp: int = 15
    max_xp: int = 25
    cooldown_seconds: float = 60.0
    ignored_channels: frozenset[int] = frozenset()
    ignored_roles: frozenset[int] = frozenset()
    channel_multipliers: Mapping[int, float] = field(default_factory=dict)
    role_multipliers: Mapping[int, float] = field(default_factory=dict)
    # A message equal to the member's previous one (after trimming and case) earns nothing.
    ignore_duplicates: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.min_xp <= self.max_xp:
            raise ValueError("xp range needs 0 <= min_xp <= max_xp")
        if self.cooldown_seconds < 0:
            raise ValueError("cooldown must not be negative")

    def multiplier(
        self, channel_id: int, role_ids: Iterable[int], parent_id: int | None = None
    ) -> float:
        """Channel multiplier (a thread inherits its parent's) times the best role multiplier.

        Roles do not stack with each other: a member with two boosted roles gets the larger one,
        so adding roles cannot inflate XP without bound.
        """
        channel = self.channel_multipliers.get(channel_id)
        if channel is None and parent_id is not None:
            channel = self.channel_multipliers.get(parent_id)
        role_values = [self.role_multipliers[r] for r in role_ids if r in self.role_multipliers]
        return (1.0 if channel is None else channel) * (max(role_values) if role_values else 1.0)

    def is_ignored(
        self, channel_id: int, role_ids: Iterable[int], parent_id: int | None = None
    ) -> bool:
        if channel_id in self.ignored_channels:
            return True
        if parent_id is not None and parent_id in self.ignored_channels:
            return True
        return any(r in self.ignored_roles for r in role_ids)


def content_fingerprint(content: str) -> int:
    """A cheap digest of a message, so duplicates are spotted without keeping the text: case
    and runs of spaces, tabs and line breaks do not make a message new.

    Python's string hash is salted per process, which is fine: the gate lives in memory only.
    Splitting into words costs more than the rest of an XP award, so it is done only when the
    text has something to collapse (Discord already trims what members send).
    """
    folded = content.casefold()
    if "  " in folded or "\n" in folded or "\t" in folded or folded != folded.strip():
        folded = " ".join(folded.split())
    return hash(folded)


class XpGate:
    """Cooldown and duplicate memory per (guild, member), in memory: the hot path's only state.

    ``award`` is synchronous and O(1), and checks the cooldown first because most messages of
    an active member arrive while it runs. ``ready_at`` tells, without any rules at hand, when
    a member's cooldown ends: the message hook leaves on one lookup in it for those messages
    (``ready_at.get(key, 0.0) > now``), and ``retime`` keeps it true when a guild's cooldown
    changes. ``prune`` drops members idle for longer than the cooldown so the dictionaries
    stay the size of the recently active crowd.
    """

    def __init__(self, rng: random.Random | None = None) -> None:
        self._last: dict[tuple[int, int], tuple[float, int]] = {}  # -> (award time, fingerprint)
        self._ready: dict[tuple[int, int], float] = {}
        # (guild, member) -> when their cooldown ends: read-only for the message hook.
        self.ready_at: Mapping[tuple[int, int], float] = self._ready
        self._random = (rng or random.Random()).random

    def award(
        self,
        rules: XpRules,
        guild_id: int,
        user_id: int,
        channel_id: int,
        role_ids: Iterable[int],
        content: str,
        now: float,
        parent_id: int | None = None,
    ) -> int:
        """XP this message earns (0 when ignored, cooling down or a duplicate)."""
        key = (guild_id, user_id)
        previous = self._last.get(key)
        if previous is not None and now - previous[0] < rules.cooldown_seconds:
            # The hint said "ready" too early (levels were off, then on): it is right again.
            self._ready[key] = previous[0] + rules.cooldown_seconds
            return 0
        if (rules.ignored_channels or rules.ignored_roles) and rules.is_ignored(
            channel_id, role_ids, parent_id
        ):
            return 0
        fingerprint = content_fingerprint(content) if rules.ignore_duplicates else 0
        if previous is not None and rules.ignore_duplicates and fingerprint == previous[1]:
            return 0
        self._last[key] = (now, fingerprint)
        self._ready[key] = now + rules.cooldown_seconds
        base = rules.min_xp + int(self._random() * (rules.max_xp - rules.min_xp + 1))
        if not (rules.channel_multipliers or rules.role_multipliers):
            return base
        return max(0, round(base * rules.multiplier(channel_id, role_ids, parent_id)))

    def retime(self, guild_id: int, cooldown_seconds: float) -> None:
        """A guild's cooldown changed: its members' cooldowns now end by the new length."""
        for key, (at, _) in self._last.items():
            if key[0] == guild_id:
                self._ready[key] = at + cooldown_seconds

    def last_award_at(self, guild_id: int, user_id: int) -> float | None:
        previous = self._last.get((guild_id, user_id))
        return None if previous is None else previous[0]

    def forget(self, guild_id: int, user_id: int) -> None:
        """Reset the cooldown (an awarded message was removed by automod)."""
        self._last.pop((guild_id, user_id), None)
        self._ready.pop((guild_id, user_id), None)

    def prune(self, now: float, older_than: float) -> int:
        stale = [k for k, (at, _) in self._last.items() if now - at > older_than]
        for key in stale:
            del self._last[key]
            self._ready.pop(key, None)
        return len(stale)

    def __len__(self) -> int:
        return len(self._last)


@dataclass(frozen=True)
class RoleChange:
    add: frozenset[int]
    remove: frozenset[int]


def reward_roles(
    rewards: Mapping[int, int], level: int, stack: bool, held: Iterable[int] = ()
) -> RoleChange:
    """Roles a member at ``level`` should have and lose, given ``{level: role_id}`` rewards.

    Stacked: every reward at or below the level. Replacing: only the highest one reached; the
    lower ones are removed. Rewards above the level are never removed here: a manager may have
    given such a role by hand, and losing XP is not a punishment we automate. So reward roles
    also outlive a season rollover: levels restart from 0, earned roles stay. In replacing
    mode a member who already ``held`` a higher reward (last season's, or given by hand) is
    not handed a lower one on top of it: they keep one reward role, the highest.
    """
    reached = sorted((lvl, role) for lvl, role in rewards.items() if lvl <= level)
    if not reached:
        return RoleChange(frozenset(), frozenset())
    if stack:
        return RoleChange(frozenset(role for _, role in reached), frozenset())
    held = set(held)
    if any(role in held for lvl, role in rewards.items() if lvl > level):
        return RoleChange(frozenset(), frozenset())
    top = reached[-1][1]
    return RoleChange(frozenset({top}), frozenset(role for _, role in reached if role != top))


@dataclass(frozen=True)
class SeasonRules:
    """``mode``: ``none`` (one endless season), ``monthly``, or ``custom`` (``length_days``
    long seasons counted from ``start``)."""

    mode: str = "none"
    start: date = date(2026, 1, 1)
    length_days: int = 30

    def __post_init__(self) -> None:
        if self.mode not in ("none", "monthly", "custom"):
            raise ValueError("season mode must be none, monthly or custom")
        if self.length_days < 1:
            raise ValueError("season length must be at least one day")


def season_id(rules: SeasonRules, now: datetime) -> str:
    """A stable, sortable name of the season ``now`` falls in: ``all``, ``2026-11``, ``s0003``."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    today = now.astimezone(UTC).date()
    if rules.mode == "none":
        return "all"
    if rules.mode == "monthly":
        return f"{today.year:04d}-{today.month:02d}"
    days = (today - rules.start).days
    # Before the first season's start, everything is season 0 (a manager set a future start).
    return f"s{max(0, days // rules.length_days):04d}"
