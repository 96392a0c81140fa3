"""XP accounting for one message, end to end, without discord and without awaiting.

The cog's ``on_message`` pulls plain ids out of the ``discord.Message`` and calls
``XpEngine.on_message``; everything it does is in memory (gate, ledger, season cache). When a
guild's season totals are not in memory yet, ``request_load`` is called once so the cog can
load them in the background; level-ups that happen meanwhile are reported by ``loaded``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cogs.games.leveling import LevelCurve, SeasonRules, XpGate, XpRules, season_id
from cogs.games.xp_ledger import XpLedger


@dataclass(frozen=True)
class GuildXp:
    """A guild's XP settings, built from its config section by the cog."""

    rules: XpRules = field(default_factory=XpRules)
    curve: LevelCurve = field(default_factory=LevelCurve)
    seasons: SeasonRules = field(default_factory=SeasonRules)


@dataclass(frozen=True)
class LevelUp:
    guild_id: int
    user_id: int
    season: str
    old_level: int
    new_level: int
    total_xp: int


class XpEngine:
    """Per-guild settings + cooldown gate + ledger, glued for the hot path."""

    def __init__(
        self,
        ledger: XpLedger,
        gate: XpGate | None = None,
        request_load: Callable[[int, str], None] | None = None,
    ) -> None:
        self.ledger = ledger
        self.gate = gate or XpGate()
        self._settings: dict[int, GuildXp] = {}
        self._season_cache: dict[int, tuple[float, str]] = {}  # guild -> (minute, season)
        self._requested: set[tuple[int, str]] = set()
        self._request_load = request_load
        # XP total at which each member reaches their next level: most credits stay below it,
        # so the level is only recomputed when it may have changed.
        self._next_at: dict[tuple[int, str, int], int] = {}
        # XP the last on_message call gave (0: none); read right after the call by the cog.
        self.last_xp = 0
        # True when that XP went to totals still loading: a level-up is then reported later,
        # by ``loaded``, and the cog must remember where the message was.
        self.last_awaits_load = False

    def configure(self, guild_id: int, settings: GuildXp | None) -> None:
        """Install (or, with None, disable) a guild's settings; called on config changes."""
        before = self._settings.get(guild_id)
        # The gate's ready_at must never say "cooling down" longer than the rules in force (when
        # it says "ready", the gate checks the rules anyway): retime it when the cooldown
        # changes, and when levels go off, so that turning them on again starts from the truth.
        if settings is None:
            self._settings.pop(guild_id, None)
            if before is not None:
                self.gate.retime(guild_id, 0.0)
        else:
            self._settings[guild_id] = settings
            cooldown = settings.rules.cooldown_seconds
            if before is not None and before.rules.cooldown_seconds != cooldown:
                self.gate.retime(guild_id, cooldown)
        self._season_cache.pop(guild_id, None)
        self._forget_thresholds(guild_id)

    def season(self, guild_id: int, now: float) -> str:
        """The current season id, recomputed at most once a minute per guild."""
        minute = now // 60
        cached = self._season_cache.get(guild_id)
        if cached is not None and cached[0] == minute:
            return cached[1]
        settings = self._settings.get(guild_id) or GuildXp()
        current = season_id(settings.seasons, datetime.fromtimestamp(now, UTC))
        self._season_cache[guild_id] = (minute, current)
        return current

    def on_message(
        self,
        guild_id: int,
        user_id: int,
        channel_id: int,
        role_ids: Iterable[int],
        content: str,
        message_id: int,
        now: float,
        parent_id: int | None = None,
    ) -> LevelUp | None:
        """Account one message; returns a level-up when this message crossed a level."""
        self.last_xp = 0
        self.last_awaits_load = False
        settings = self._settings.get(guild_id)
        if settings is None:
            return None
        # The gate checks the cooldown first; the cog's hook has already left on it for most
        # messages of an active member (on the gate's ready_at).
        xp = self.gate.award(
            settings.rules, guild_id, user_id, channel_id, role_ids, content, now, parent_id
        )
        if xp <= 0:
            return None
        self.last_xp = xp
        # season() inlined for its cache hit (every award but one a minute): a call costs more.
        cached = self._season_cache.get(guild_id)
        if cached is not None and cached[0] == now // 60:
            season = cached[1]
        else:
            season = self.season(guild_id, now)
        after = self.ledger.add(guild_id, season, user_id, xp, now, message_id)
        if after is None:
            self.last_awaits_load = True
            self._ask_load(guild_id, season)
            return None
        key = (guild_id, season, user_id)
        threshold = self._next_at.get(key)
        if threshold is not None and after < threshold:
            return None  # the common case: no level crossed, nothing else to compute
        return self._level_up(settings, key, after - xp, after)

    def grant(self, guild_id: int, user_id: int, xp: int, now: float) -> LevelUp | None:
        """XP from a game or a challenge: no cooldown, no message counted."""
        settings = self._settings.get(guild_id)
        if settings is None or xp == 0:
            return None
        season = self.season(guild_id, now)
        after = self.ledger.add(guild_id, season, user_id, xp, now, messages=0)
        if after is None:
            self._ask_load(guild_id, season)
            return None
        key = (guild_id, season, user_id)
        return self._level_up(settings, key, after - xp, after)

    def on_removed(self, message_id: int, now: float) -> None:
        """Automod (or a moderator) removed a message: take its XP back and reopen the cooldown."""
        credit = self.ledger.revoke(message_id, now)
        if credit is not None:
            self.gate.forget(credit.key[0], credit.key[2])

    def loaded(
        self, guild_id: int, season: str, stored: Iterable[tuple[int, int]]
    ) -> list[LevelUp]:
        """Install totals read from the database; returns level-ups earned while loading."""
        self._requested.discard((guild_id, season))
        credits = self.ledger.load(guild_id, season, stored)
        settings = self._settings.get(guild_id) or GuildXp()
        ups = [self._level_up(settings, c.key, c.before, c.after) for c in credits]
        return [u for u in ups if u is not None]

    def load_failed(self, guild_id: int, season: str) -> None:
        """Reading the totals failed: the next XP asks again (else the guild would never load)."""
        self._requested.discard((guild_id, season))

    def reset_loads(self, guild_id: int) -> None:
        """Forget totals so they are read again (XP reset, import, season rollover)."""
        self.ledger.unload(guild_id)
        self._requested = {r for r in self._requested if r[0] != guild_id}
        self._forget_thresholds(guild_id)

    def forget_member(self, guild_id: int, user_id: int) -> None:
        """A manager changed a member's XP by hand: recompute their level next time."""
        for key in [k for k in self._next_at if k[0] == guild_id and k[2] == user_id]:
            del self._next_at[key]

    def _forget_thresholds(self, guild_id: int) -> None:
        for key in [k for k in self._next_at if k[0] == guild_id]:
            del self._next_at[key]

    def _ask_load(self, guild_id: int, season: str) -> None:
        if (guild_id, season) in self._requested:
            return
        self._requested.add((guild_id, season))
        if self._request_load is not None:
            self._request_load(guild_id, season)

    def _level_up(
        self, settings: GuildXp, key: tuple[int, str, int], before: int | None, after: int | None
    ) -> LevelUp | None:
        """The level-up of a member whose total went from ``before`` to ``after``, if any.

        Plain arguments, not a ``Credit``: this runs for every XP award of a member whose next
        threshold is not known yet, and building a NamedTuple costs more than the check.
        """
        assert before is not None and after is not None
        threshold = self._next_at.get(key)
        if threshold is not None and after < threshold:
            return None
        curve = settings.curve
        new = curve.level_for(after)
        self._next_at[key] = curve.total_for(new + 1)
        if new == 0 or before >= curve.total_for(new):
            return None  # no level crossed (the common case for a first award)
        old = curve.level_for(before)
        guild_id, season, user_id = key
        return LevelUp(guild_id, user_id, season, old, new, after)
