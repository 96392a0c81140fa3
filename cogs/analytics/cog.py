"""Analytics cog: counts activity off the message path, answers /stats and /report, posts the
monthly report on the 1st and the reputation watch's finds."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.errors import UserError
from bot.modlog import resolve_channel
from bot.timers import Timer

from . import embeds
from .collector import ActivityCollector
from .periods import Period, PeriodError, month_period, next_month_start, parse_period
from .reporting import DAILY_METRICS, Report, build_report, draw_charts
from .schema import SECTION, AnalyticsConfig
from .store import AnalyticsStore
from .watcher import ReputationWatch

if TYPE_CHECKING:
    from bot.app import Vigie

log = logging.getLogger(__name__)

MONTHLY = "analytics_monthly"
WATCH = "analytics_watch"
FLUSH_SECONDS = 5.0
SNAPSHOT_EVERY = 120  # flushes between two snapshots of every server's size (10 minutes)


@dataclass(frozen=True)
class _Cached:
    version: int
    config: AnalyticsConfig
    ignored: frozenset[int]


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
        self._cache: dict[int, _Cached] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.watcher = ReputationWatch(bot, self.store)
        bot.register_store(self)

    # -- life cycle ------------------------------------------------------------------------
    async def cog_load(self) -> None:
        self.bot.timers.handler(MONTHLY, self._on_monthly_timer)
        self.bot.timers.handler(WATCH, self._on_watch_timer)
        self._flusher = asyncio.create_task(self._flush_forever(), name="vigie-analytics-flush")

    async def cog_unload(self) -> None:
        self.bot.timers.remove_handler(MONTHLY)
        self.bot.timers.remove_handler(WATCH)
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
    def _settings(self, guild: discord.Guild) -> _Cached | None:
        """The guild's analytics settings, parsed once per config version (hot path)."""
        config = self.bot.configs.get(guild.id)
        cached = self._cache.get(guild.id)
        if cached is None or cached.version != config.version:
            parsed = AnalyticsConfig.from_section(config.section(SECTION))
            ignored = frozenset(
                channel.id
                for ref in parsed.ignored_channels
                if (channel := resolve_channel(guild, ref)) is not None
            )
            cached = _Cached(config.version, parsed, ignored)
            self._cache[guild.id] = cached
        return cached if cached.config.enabled else None

    def _zone(self, guild_id: int) -> ZoneInfo:
        return ZoneInfo(self.bot.configs.get(guild_id).timezone or "UTC")

    def _t(self, target: Any) -> Any:
        locale = self.bot.i18n.locale_for(target)
        return lambda key, **fields: self.bot.i18n.t(locale, key, **fields)

    # -- collection (no awaited database call on these paths) ------------------------------------
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot:
            return
        settings = self._settings(message.guild)
        channel_id = getattr(message.channel, "parent_id", None) or message.channel.id
        if (
            settings is None
            or channel_id in settings.ignored
            or message.channel.id in settings.ignored
        ):
            return
        self.collector.record_message(
            message.guild.id, channel_id, message.author.id, message.created_at.timestamp()
        )

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id) if payload.guild_id else None
        if guild is None or (payload.member is not None and payload.member.bot):
            return
        if self._settings(guild) is not None:
            self.collector.record_reaction(guild.id, payload.channel_id, time.time())

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if member.bot or self._settings(member.guild) is None:
            return
        now = time.time()
        self.collector.record_member(member.guild.id, member.id, "join", now)
        if member.guild.member_count is not None:
            self.collector.record_member_count(member.guild.id, member.guild.member_count, now)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        if guild is None or payload.user.bot or self._settings(guild) is None:
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
        if interaction.guild is not None and self._settings(interaction.guild) is not None:
            self.collector.record_command(interaction.guild.id, command.qualified_name, time.time())

    @commands.Cog.listener()
    async def on_analytics_event(
        self, guild_id: int, kind: str, user_id: int | None = None, value: float | None = None
    ) -> None:
        """The neutral event every feature dispatches for the reports (see the package doc)."""
        guild = self.bot.get_guild(guild_id)
        if guild is not None and self._settings(guild) is not None:
            self.collector.record_event(guild_id, kind, time.time(), user_id, value)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.collector.forget_guild(guild.id)
        self._cache.pop(guild.id, None)

    # -- schedules -----------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_ready(self) -> None:
        for guild in self.bot.guilds:
            await self._ensure_schedules(guild.id)

    @commands.Cog.listener()
    async def on_config_changed(self, guild_id: int) -> None:
        self._cache.pop(guild_id, None)
        await self._ensure_schedules(guild_id)

    async def _ensure_schedules(self, guild_id: int) -> None:
        """One pending monthly timer while reports are on; one watch timer while it is on.
        A timer that fell due while the bot was down is left alone: it fires at start."""
        guild = self.bot.get_guild(guild_id)
        settings = self._settings(guild) if guild is not None else None
        timers = self.bot.timers
        monthly = await timers.pending(guild_id, MONTHLY)
        if settings is None or not settings.config.monthly_report:
            for timer in monthly:
                await timers.cancel_id(timer.id)
        elif not monthly:
            due = next_month_start(datetime.now(UTC), self._zone(guild_id))
            await timers.schedule(guild_id, MONTHLY, due, key=due.strftime("%Y-%m"))
        watch_on = settings is not None and settings.config.watch.enabled
        if not watch_on:
            await timers.cancel(guild_id, WATCH, "watch")
        elif not await timers.pending(guild_id, WATCH):
            await timers.schedule(guild_id, WATCH, datetime.now(UTC), key="watch")

    # -- monthly report ----------------------------------------------------------------------------
    async def _on_monthly_timer(self, timer: Timer) -> None:
        guild = self.bot.get_guild(timer.guild_id)
        settings = self._settings(guild) if guild is not None else None
        if guild is None or settings is None or not settings.config.monthly_report:
            return
        zone = self._zone(guild.id)
        due = timer.due_at.astimezone(zone)
        period = month_period(due.year, due.month, zone).previous()
        await self._post_monthly(guild, settings.config, period)
        following = next_month_start(
            max(datetime.now(UTC), timer.due_at + timedelta(hours=1)), zone
        )
        await self.bot.timers.schedule(
            guild.id, MONTHLY, following, key=following.strftime("%Y-%m")
        )

    async def _post_monthly(
        self, guild: discord.Guild, config: AnalyticsConfig, period: Period
    ) -> None:
        """Post ``period``'s report once, even across restarts and retries."""
        if not await self.store.claim_monthly_report(guild.id, period.label, time.time()):
            return
        channel = resolve_channel(guild, config.reports_channel) or self.bot.modlog.channel_for(
            guild, "reports"
        )
        if channel is None:
            await self.bot.modlog.write(guild, "analytics.no_reports_channel")
            return
        try:
            t = self._t(guild)
            report = await self._report(guild, period, t)
            title = t("analytics.report_title", period=period.label)
            await channel.send(
                embeds=embeds.report_embeds(report, t, title),
                files=[
                    *embeds.chart_files(report),
                    embeds.csv_file(report),
                    self._html(guild, report, t),
                ],
            )
        except BaseException:
            await self.store.release_monthly_report(guild.id, period.label)
            raise

    def _html(self, guild: discord.Guild, report: Report, t: Any) -> discord.File:
        return embeds.html_file(
            report,
            t,
            guild.name,
            self.bot.configs.get(guild.id).timezone or "UTC",
            self.bot.i18n.locale_for(guild),
        )

    async def _report(
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

    # -- reputation watch ---------------------------------------------------------------------------
    async def _on_watch_timer(self, timer: Timer) -> None:
        guild = self.bot.get_guild(timer.guild_id)
        settings = self._settings(guild) if guild is not None else None
        if guild is None or settings is None or not settings.config.watch.enabled:
            return
        watch = settings.config.watch
        try:
            for url in watch.feeds:
                await self.watcher.poll(guild, settings.config, url)
        finally:
            due = datetime.now(UTC) + watch.interval
            await self.bot.timers.schedule(guild.id, WATCH, due, key="watch")

    # -- commands -------------------------------------------------------------------------------------
    def _period(self, interaction: discord.Interaction, text: str | None) -> Period:
        assert interaction.guild_id is not None
        try:
            return parse_period(text, datetime.now(UTC), self._zone(interaction.guild_id))
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
        t = self._t(interaction)
        report = await self._report(interaction.guild, chosen, t)
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
        t = self._t(interaction)
        report = await self._report(interaction.guild, chosen, t, charts=False)
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
        t = self._t(interaction)
        report = await self._report(interaction.guild, chosen, t)
        await interaction.followup.send(
            embeds=embeds.report_embeds(
                report, t, t("analytics.report_title", period=chosen.label)
            ),
            files=[
                *embeds.chart_files(report),
                embeds.csv_file(report),
                self._html(interaction.guild, report, t),
            ],
            ephemeral=True,
        )
