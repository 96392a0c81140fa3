"""XP and levels, seasons and weekly challenges: the listeners and the background flush.

The message listener makes no awaited database call: ``XpEngine`` counts in memory and the
``Flusher`` writes every ``FLUSH_INTERVAL`` seconds (and on unload). Level-ups and reward roles
are in ``level_ups.py``, commands in ``commands.py``, trivia in ``trivia_cog.py``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

import discord
from discord.ext import commands

from bot.checks import role_matches
from bot.modlog import resolve_channel
from cogs.games.challenges import ProgressCounter, next_streak, streak_bonus, week_id
from cogs.games.config import GamesSettings, parse_settings
from cogs.games.level_ups import LevelUps
from cogs.games.schema import SECTION
from cogs.games.store import GamesStore
from cogs.games.xp_engine import XpEngine
from cogs.games.xp_ledger import Flusher, XpLedger

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 5.0  # seconds: the most XP a crash can lose
# The event other cogs dispatch when they remove a message: bot.dispatch("automod_removed", message).
AUTOMOD_EVENT = "automod_removed"


class GamesCog(commands.Cog, name="games"):
    """XP for messages, levels with role rewards, seasons and weekly challenges."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        self.store = GamesStore(bot.db)
        self.ledger = XpLedger()
        # The clock of XP cooldowns on the message path (bench/message_path_instructions sets
        # a simulated one, so that cooldowns expire at chat pace under valgrind's slowness).
        self.clock = time.time
        self.engine = XpEngine(self.ledger, request_load=self._request_load)
        self._ready_at = self.engine.gate.ready_at  # the hook's first and often only lookup
        self.progress = ProgressCounter()
        self.flusher = Flusher(self.ledger, self.store.write_xp, FLUSH_INTERVAL, on_tick=self._tick)
        self._settings: dict[int, tuple[Any, GamesSettings | None]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._open_seasons: dict[int, str] = {}
        self._loading = 0
        self._where: dict[tuple[int, int], Any] = {}
        # Suggestions and tickets already counted toward a challenge this week (memory only).
        self._counted_week = ""
        self._week_day, self._week = -1.0, ""  # the last day bump_challenges saw, and its week
        self._counted: set[tuple[str, int, int, Any]] = set()
        # level_up(guild, up, where=None, member=None): announce, give the reward roles.
        self.level_up = LevelUps(bot, self.settings).level_up

    # -- life cycle -----------------------------------------------------------------------
    async def cog_load(self) -> None:
        self.bot.register_store(_MemberData(self))
        self.bot.add_message_hook(self.earn_xp)
        self.flusher.start()

    async def cog_unload(self) -> None:
        self.bot.remove_message_hook(self.earn_xp)
        # Clean shutdown: what is still in memory goes to the database now.
        await self.flusher.close()
        for task in list(self._tasks):
            task.cancel()

    def spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- settings -------------------------------------------------------------------------
    def settings(self, guild: discord.Guild) -> GamesSettings | None:
        """The guild's parsed settings (None when the games are off), cached per config object."""
        raw = self.bot.configs.get(guild.id)
        cached = self._settings.get(guild.id)
        if cached is not None and cached[0] is raw:
            return cached[1]
        section = raw.section(SECTION)
        parsed: GamesSettings | None = None
        if section.get("enabled", True):
            parsed = parse_settings(
                section,
                channel=lambda ref: getattr(resolve_channel(guild, ref), "id", None),
                role=lambda ref: _role_id(guild, ref),
            )
        self._settings[guild.id] = (raw, parsed)
        self.engine.configure(guild.id, parsed.xp if parsed and parsed.levels.enabled else None)
        return parsed

    @commands.Cog.listener()
    async def on_config_changed(self, guild_id: int) -> None:
        guild = self.bot.get_guild(guild_id)
        if guild is not None:
            self.settings(guild)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        self.settings(guild)

    # -- the hot path ---------------------------------------------------------------------
    def earn_xp(self, message: discord.Message) -> None:
        """The message hook: XP accounting in memory, flushed in batches; a level-up is spawned.

        Every message passes here, so each step is the cheapest that is still right:
        - most messages of an active member arrive during their cooldown: they leave on one
          lookup in the gate's ``ready_at``, before the settings or the text is read;
        - ``Member.roles`` builds sorted Role objects: the member's ``_roles`` holds their ids.
        """
        guild = message.guild
        if guild is None:
            return
        author = message.author
        now = self.clock()
        if self._ready_at.get((guild.id, author.id), 0.0) > now:
            return
        settings = None if author.bot else self.settings(guild)
        if settings is None or not settings.levels.enabled:
            return
        channel = message.channel
        up = self.engine.on_message(
            guild.id,
            author.id,
            channel.id,
            getattr(author, "_roles", ()),
            message.content,
            message.id,
            now,
            getattr(channel, "parent_id", None),
        )
        if self.engine.last_xp:
            if "messages" in settings.challenges.kinds:  # saves a call in most guilds
                self.bump_challenges(guild.id, settings, "messages", author.id, now, channel.id)
            if self.engine.last_awaits_load or self._loading:
                # Totals are still being read: remember where to announce a level-up found then.
                self._where[(guild.id, author.id)] = channel
        if up is not None:
            self.spawn(self.level_up(guild, up, channel, author))

    def bump_challenges(
        self,
        guild_id: int,
        settings: GamesSettings,
        kind: str,
        user_id: int,
        now: float,
        channel_id: int | None = None,
    ) -> None:
        """Count one step of every challenge of ``kind`` (in memory; written with the XP)."""
        if kind not in settings.challenges.kinds:
            return
        week = self._week_of(now)
        for challenge in settings.challenges.challenges:
            # A challenge without a channel counts everywhere.
            if challenge.kind == kind and challenge.channel in (None, channel_id):
                self.progress.bump(guild_id, week, challenge.id, user_id)

    def _week_of(self, now: float) -> str:
        """The ISO week of ``now``, recomputed once a (UTC) day: weeks start at a day's start."""
        day = now // 86400
        if day != self._week_day:
            self._week_day, self._week = day, week_id(datetime.fromtimestamp(now, UTC))
        return self._week

    # -- messages removed: their XP goes back ----------------------------------------------
    @commands.Cog.listener(f"on_{AUTOMOD_EVENT}")
    async def on_automod_removed(self, message: discord.Message) -> None:
        self.engine.on_removed(message.id, time.time())

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        self.engine.on_removed(payload.message_id, time.time())

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        now = time.time()
        for message_id in payload.message_ids:
            self.engine.on_removed(message_id, now)

    # -- challenge events from other features ----------------------------------------------
    @commands.Cog.listener()
    async def on_feedback_suggestion_vote(self, payload: dict[str, Any]) -> None:
        guild = self.bot.get_guild(int(payload.get("guild_id") or 0))
        if guild is None or payload.get("vote") is None or payload.get("user_id") is None:
            return
        settings = self.settings(guild)
        if settings is None:
            return
        user_id = int(payload["user_id"])
        self._bump_once(
            guild.id, settings, "suggestion_votes", user_id, payload.get("suggestion_id")
        )

    @commands.Cog.listener()
    async def on_complaint_closed(self, ticket: Any) -> None:
        guild = self.bot.get_guild(getattr(ticket, "guild_id", 0))
        helper = getattr(ticket, "claimant_id", None)
        if guild is None or helper is None:
            return
        settings = self.settings(guild)
        if settings is not None:
            self._bump_once(
                guild.id, settings, "ticket_help", int(helper), getattr(ticket, "id", None)
            )

    def _bump_once(
        self, guild_id: int, settings: GamesSettings, kind: str, user_id: int, thing: Any
    ) -> None:
        """Count ``thing`` (a suggestion, a ticket) once a week per member: a vote changed,
        or withdrawn and cast again, a ticket closed again after a reopening, must not farm
        the challenge. Remembered in memory: a restart forgets this week's list."""
        now = time.time()
        week = self._week_of(now)
        if self._counted_week != week:
            self._counted_week, self._counted = week, set()
        key = (kind, guild_id, user_id, thing)
        if thing is not None and key in self._counted:
            return
        self._counted.add(key)
        self.bump_challenges(guild_id, settings, kind, user_id, now)

    # -- background work: loads, the tick ---------------------------------------------------
    def _request_load(self, guild_id: int, season: str) -> None:
        self.spawn(self._load(guild_id, season))

    async def _load(self, guild_id: int, season: str) -> None:
        self._loading += 1
        try:
            async with self.flusher.paused():
                stored = await self.store.season_totals(guild_id, season)
                ups = self.engine.loaded(guild_id, season, stored)
        except Exception:
            self.engine.load_failed(guild_id, season)
            raise
        finally:
            self._loading -= 1
        where = self._where
        self._where = {} if not self._loading else where
        guild = self.bot.get_guild(guild_id)
        for up in ups:
            if guild is not None:
                await self.level_up(guild, up, where.get((guild_id, up.user_id)))

    async def _tick(self) -> None:
        """After each XP flush: challenge progress, completions, season rollovers."""
        # Members quiet for an hour leave the cooldown memory (cooldowns are shorter than that).
        self.engine.gate.prune(time.time(), older_than=max(3600.0, self._longest_cooldown()))
        rows = self.progress.take()
        if rows:
            try:
                await self.store.write_progress(rows)
            except Exception:
                self.progress.restore(rows)
                raise
            for guild_id, week, challenge_id in self.progress.touched(rows):
                await self._complete(guild_id, week, challenge_id)
        for guild in list(self.bot.guilds):
            await self.check_season(guild)

    def _longest_cooldown(self) -> float:
        cooldowns = [
            c[1].xp.rules.cooldown_seconds for c in self._settings.values() if c[1] is not None
        ]
        return max(cooldowns, default=0.0)

    async def _complete(self, guild_id: int, week: str, challenge_id: str) -> None:
        guild = self.bot.get_guild(guild_id)
        settings = self.settings(guild) if guild is not None else None
        if guild is None or settings is None:
            return
        challenge = next((c for c in settings.challenges.challenges if c.id == challenge_id), None)
        if challenge is None:
            return
        now = time.time()
        for user_id in await self.store.newly_completed(
            guild_id, week, challenge.id, challenge.target
        ):
            up = self.engine.grant(guild_id, user_id, challenge.xp, now)
            done = {
                p.challenge_id
                for p in await self.store.progress_of(guild_id, week, user_id)
                if p.completed
            }
            if all(c.id in done for c in settings.challenges.challenges):
                streak = next_streak(await self.store.streak_of(guild_id, user_id), week)
                await self.store.set_streak(guild_id, user_id, week, streak)
                bonus = streak_bonus(streak, settings.challenges.streak_bonus)
                up = self.engine.grant(guild_id, user_id, bonus, now) or up
            if up is not None:
                # In a task: this runs inside a flush, and the role calls and announcement of
                # a level-up must not hold back the next flush (nor /rank, which flushes).
                self.spawn(self.level_up(guild, up))

    async def check_season(self, guild: discord.Guild) -> None:
        """Archive the previous season when the current one changed (posts its final top)."""
        settings = self.settings(guild)
        if settings is None:
            return
        current = self.engine.season(guild.id, time.time())
        if self._open_seasons.get(guild.id) == current:
            return
        closed = await self.store.roll_season(guild.id, current, time.time())
        self._open_seasons[guild.id] = current
        if closed is None:
            return
        self.engine.reset_loads(guild.id)
        log.info("guild %s: season %s archived, %s begins", guild.id, closed, current)
        channel = resolve_channel(guild, settings.season_channel)  # a text channel or thread
        if channel is None:
            return
        top = await self.store.leaderboard(guild.id, closed, 0, 10)
        locale = self.bot.i18n.locale_for(guild)
        lines = [self.bot.i18n.t(locale, "games.season.ended", season=closed, next=current)]
        lines += [
            self.bot.i18n.t(
                locale, "games.leaderboard.line", rank=i, user=f"<@{row.user_id}>", xp=row.xp
            )
            for i, row in enumerate(top, 1)
        ]
        try:
            await channel.send("\n".join(lines), allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.info("season announcement failed in guild %s: %s", guild.id, exc)


class _MemberData:
    """What /privacy sees: the store, plus the XP and challenge progress still in memory
    (flushed for an export, dropped for a forget, so a later flush cannot write the member
    back)."""

    privacy_name = "games"

    def __init__(self, games: GamesCog) -> None:
        self.games = games

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        await self.games.flusher.flush_now()
        return await self.games.store.export_user(guild_id, user_id)

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        self.games.ledger.discard_pending(guild_id, user_id)
        self.games.progress.discard(guild_id, user_id)
        self.games.engine.gate.forget(guild_id, user_id)
        self.games.engine.reset_loads(guild_id)
        return await self.games.store.forget_user(guild_id, user_id)


def _role_id(guild: discord.Guild, ref: Any) -> int | None:
    if ref is None:
        return None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        role = guild.get_role(int(ref))
        return None if role is None else role.id
    for role in guild.roles:
        if role_matches(role, [ref]):
            return role.id
    return None
