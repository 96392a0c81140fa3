"""Analytics cog: counts activity off the message path, answers /stats and /report; the monthly
report and the reputation watch run on timers (``schedules.py``)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.errors import UserError

from . import embeds
from .collector import ActivityCollector
from .periods import Period, PeriodError, parse_period
from .reporting import DAILY_METRICS, Report, build_report, draw_charts
from .schedules import MONTHLY, WATCH, Schedules
from .schema import SECTION, AnalyticsConfig
from .store import AnalyticsStore
from .watcher import ReputationWatch

if TYPE_CHECKING:
    from bot.app import Vigie

log = logging.getLogger(__name__)

DISCORD_EPOCH_MS = discord.utils.DISCORD_EPOCH
FLUSH_SECONDS = 5.0
SNAPSHOT_EVERY = 120  # flushes between two snapshots of every server's size (10 minutes)


@dataclass(frozen=True)
class CachedSettings:
    config: AnalyticsConfig
    ignored: frozenset[int]  # channel ids, resolved once


def ignored_channel_ids(guild: discord.Guild, refs: Iterable[str | int]) -> frozenset[int]:
    """The ids ``analytics.ignored_channels`` names: by id as given (a thread or channel the
    cache lacks too), by name any channel people write in: text, voice, stage, forum or media.
    A forum post is a thread whose parent is the forum, and the message hook compares the
    parent's id, so a forum's id is what leaves its posts out."""
    ids: set[int] = set()
    for ref in refs:
        if isinstance(ref, int) or ref.strip().isdigit():
            ids.add(int(ref))
            continue
        name = ref.strip().lstrip("#").casefold()
        ids.update(
            channel.id
            for channel in guild.channels
            if not isinstance(channel, discord.CategoryChannel) and channel.name.casefold() == name
        )
    return frozenset(ids)


class AnalyticsCog(commands.Cog, name="analytics"):
    """Growth and engagement figures and reports (managers: Manage Server or a manager role)."""

    stats = app_commands.Group(
        name="stats",
        description="Growth and engagement figures of this server (managers).",
        guild_only=True,
        default_permissions=checks.MANAGER_PERMISSIONS,
    )
    report = app_commands.Group(
        name="report",
        description="Reports for the community's managers.",
        guild_only=True,
        default_permissions=checks.MANAGER_PERMISSIONS,
    )

    def __init__(self, bot: Vigie) -> None:
        self.bot = bot
        self.store = AnalyticsStore(bot.db)
        self.collector = ActivityCollector()
        # guild id -> (the config object it was parsed from, its settings or None when off)
        self._cache: dict[int, tuple[object, CachedSettings | None]] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.watcher = ReputationWatch(bot, self.store)
        self.schedules = Schedules(self)
        bot.register_store(self)

    # -- life cycle ------------------------------------------------------------------------
    async def cog_load(self) -> None:
        self.bot.timers.handler(MONTHLY, self.schedules.monthly_due)
        self.bot.timers.handler(WATCH, self.schedules.watch_due)
        self.bot.add_message_hook(self.count_message)
        self._flusher = asyncio.create_task(self._flush_forever(), name="vigie-analytics-flush")

    async def cog_unload(self) -> None:
        self.bot.timers.remove_handler(MONTHLY)
        self.bot.timers.remove_handler(WATCH)
        self.bot.remove_message_hook(self.count_message)
        # Stop the flusher between two flushes, never inside one: a write cancelled halfway
        # is rolled back and the batch it had drained would be lost.
        self._stopping.set()
        if self._flusher is not None:
            await self._flusher
        await self.flush()  # a clean stop loses nothing
        await self.watcher.close()

    # -- privacy: the cog answers for its store, because counts wait in memory first ----------
    privacy_name = "analytics"

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """What analytics holds about the member here, pending counts included."""
        await self.flush()
        return await self.store.export_user(guild_id, user_id)

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        """Drop the member's pending counts, then their stored rows: nothing comes back later."""
        dropped = self.collector.forget_user(guild_id, user_id)
        return dropped + await self.store.forget_user(guild_id, user_id)

    async def flush(self) -> None:
        """Write what the collector holds; on failure keep it for the next try."""
        batch = self.collector.drain()
        if not batch:
            return
        try:
            await self.store.write(batch)
        except Exception:
            self.collector.restore(batch)
            raise

    async def _flush_forever(self) -> None:
        rounds = 0
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=FLUSH_SECONDS)
            except TimeoutError:
                pass
            rounds += 1
            if rounds % SNAPSHOT_EVERY == 1:
                self._snapshot_sizes()
            try:
                await self.flush()
            except Exception:
                log.exception("analytics: flush failed; counts kept for the next one")

    def _snapshot_sizes(self) -> None:
        now = time.time()
        for guild in self.bot.guilds:
            if guild.member_count is not None:
                self.collector.record_member_count(guild.id, guild.member_count, now)

    # -- configuration -----------------------------------------------------------------------
    def guild_settings(self, guild: discord.Guild) -> CachedSettings | None:
        """The guild's analytics settings (None when off), parsed once per config object: every
        change or reload makes a new one (hot path)."""
        config = self.bot.configs.get(guild.id)
        cached = self._cache.get(guild.id)
        if cached is not None and cached[0] is config:
            return cached[1]
        parsed = AnalyticsConfig.from_section(config.section(SECTION))
        settings = None
        if parsed.enabled:
            settings = CachedSettings(parsed, ignored_channel_ids(guild, parsed.ignored_channels))
        self._cache[guild.id] = (config, settings)
        return settings

    def zone(self, guild_id: int) -> ZoneInfo:
        return ZoneInfo(self.bot.configs.get(guild_id).timezone or "UTC")

    def translator(self, target: Any) -> Any:
        return self.bot.i18n.bound(target)

    # -- collection (no awaited database call on these paths) ------------------------------------
    def count_message(self, message: discord.Message) -> None:
        """The message hook (core calls it inline for every message): counts only."""
        guild = message.guild
        if guild is None:
            return
        author = message.author
        if author.bot:
            return
        settings = self.guild_settings(guild)
        if settings is None:
            return
        channel = message.channel
        channel_id = getattr(channel, "parent_id", None) or channel.id
        if settings.ignored and (channel_id in settings.ignored or channel.id in settings.ignored):
            return
        # The snowflake holds the time: cheaper than building message.created_at.
        sent_ms = (message.id >> 22) + DISCORD_EPOCH_MS
        self.collector.record_message(guild.id, channel_id, author.id, sent_ms)

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id) if payload.guild_id else None
        if guild is None or (payload.member is not None and payload.member.bot):
            return
        if self.guild_settings(guild) is not None:
            self.collector.record_reaction(guild.id, payload.channel_id, time.time())

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if member.bot or self.guild_settings(member.guild) is None:
            return
        now = time.time()
        self.collector.record_member(member.guild.id, member.id, "join", now)
        if member.guild.member_count is not None:
            self.collector.record_member_count(member.guild.id, member.guild.member_count, now)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        if guild is None or payload.user.bot or self.guild_settings(guild) is None:
            return
        now = time.time()
        joined = getattr(payload.user, "joined_at", None)
        stayed = now - joined.timestamp() if joined else None
        self.collector.record_member(guild.id, payload.user.id, "leave", now, stayed)
        if guild.member_count is not None:
            self.collector.record_member_count(guild.id, guild.member_count, now)

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: app_commands.Command[Any, ..., Any]
    ) -> None:
        if interaction.guild is not None and self.guild_settings(interaction.guild) is not None:
            self.collector.record_command(interaction.guild.id, command.qualified_name, time.time())

    @commands.Cog.listener()
    async def on_analytics_event(
        self, guild_id: int, kind: str, user_id: int | None = None, value: float | None = None
    ) -> None:
        """The neutral event every feature dispatches for the reports (see the package doc)."""
        guild = self.bot.get_guild(guild_id)
        if guild is not None and self.guild_settings(guild) is not None:
            self.collector.record_event(guild_id, kind, time.time(), user_id, value)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.collector.forget_guild(guild.id)
        self._cache.pop(guild.id, None)

    # -- schedules -----------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_ready(self) -> None:
        for guild in self.bot.guilds:
            await self.schedules.ensure(guild.id)

    @commands.Cog.listener()
    async def on_config_changed(self, guild_id: int) -> None:
        self._cache.pop(guild_id, None)
        await self.schedules.ensure(guild_id)

    # -- reports (commands and the monthly post) ---------------------------------------------------
    def html_report(self, guild: discord.Guild, report: Report, t: Any) -> discord.File:
        return embeds.html_file(
            report,
            t,
            guild.name,
            self.bot.configs.get(guild.id).timezone or "UTC",
            self.bot.i18n.locale_for(guild),
        )

    async def report_for(
        self, guild: discord.Guild, period: Period, t: Any, charts: bool = True
    ) -> Report:
        await self.flush()  # figures include what happened up to now
        report = await build_report(
            self.store, guild.id, period, guild.member_count or 0, t, with_charts=False
        )
        if not charts:
            return report
        # Drawing takes a few hundred milliseconds: keep it off the event loop.
        drawn = await asyncio.to_thread(draw_charts, report, t)
        return Report(**{**report.__dict__, "charts": drawn})

    # -- commands -------------------------------------------------------------------------------------
    def _period(self, interaction: discord.Interaction, text: str | None) -> Period:
        assert interaction.guild_id is not None
        try:
            return parse_period(text, datetime.now(UTC), self.zone(interaction.guild_id))
        except PeriodError as exc:
            raise UserError(str(exc)) from None

    @stats.command(name="summary")
    @app_commands.describe(
        period="7d, 30d, week, month, last-month or YYYY-MM (default: last 30 days)"
    )
    async def stats_summary(
        self, interaction: discord.Interaction, period: str | None = None
    ) -> None:
        """Figures and charts for a period, against the period before (managers)."""
        await checks.require(interaction, checks.Privilege.MANAGER)
        chosen = self._period(interaction, period)
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert interaction.guild is not None
        t = self.translator(interaction)
        report = await self.report_for(interaction.guild, chosen, t)
        await interaction.followup.send(
            embeds=embeds.report_embeds(report, t, t("analytics.stats_title", period=chosen.label)),
            files=embeds.chart_files(report),
            ephemeral=True,
        )

    @stats.command(name="export")
    @app_commands.describe(
        metric="One figure, or all of them when omitted",
        period="7d, 30d, week, month, last-month or YYYY-MM (default: last 30 days)",
    )
    @app_commands.choices(metric=[app_commands.Choice(name=m, value=m) for m in DAILY_METRICS])
    async def stats_export(
        self, interaction: discord.Interaction, metric: str | None = None, period: str | None = None
    ) -> None:
        """Daily figures of a period as CSV (managers)."""
        await checks.require(interaction, checks.Privilege.MANAGER)
        if metric is not None and metric not in DAILY_METRICS:
            raise UserError(
                "analytics.metric_unknown", metric=metric, choices=", ".join(DAILY_METRICS)
            )
        chosen = self._period(interaction, period)
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert interaction.guild is not None
        t = self.translator(interaction)
        report = await self.report_for(interaction.guild, chosen, t, charts=False)
        await interaction.followup.send(
            t("analytics.export_done", period=chosen.label),
            file=embeds.csv_file(report, metric),
            ephemeral=True,
        )

    @report.command(name="month")
    @app_commands.describe(month="The month as YYYY-MM (default: last month)")
    async def report_month(
        self, interaction: discord.Interaction, month: str | None = None
    ) -> None:
        """The monthly report with charts, CSV and an HTML file, now (managers)."""
        await checks.require(interaction, checks.Privilege.MANAGER)
        chosen = self._period(interaction, month or "last-month")
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert interaction.guild is not None
        t = self.translator(interaction)
        report = await self.report_for(interaction.guild, chosen, t)
        await interaction.followup.send(
            embeds=embeds.report_embeds(
                report, t, t("analytics.report_title", period=chosen.label)
            ),
            files=[
                *embeds.chart_files(report),
                embeds.csv_file(report),
                self.html_report(interaction.guild, report, t),
            ],
            ephemeral=True,
        )
