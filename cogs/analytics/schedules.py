"""The analytics timers: the monthly report on the 1st (local time) and the reputation watch.

One pending monthly timer per server while reports are on, one watch timer while the watch is
on; each handler checks the current settings first, because a timer also fires after a
restart. The cog registers :meth:`Schedules.monthly_due` and :meth:`Schedules.watch_due`.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord

from bot.modlog import resolve_channel
from bot.timers import Timer

from . import embeds
from .periods import Period, month_period, next_month_start
from .schema import AnalyticsConfig

if TYPE_CHECKING:
    from .cog import AnalyticsCog

MONTHLY = "analytics_monthly"
WATCH = "analytics_watch"


class Schedules:
    """Arms and handles the analytics timers of every server."""

    def __init__(self, cog: AnalyticsCog) -> None:
        self.cog = cog
        self.bot = cog.bot
        # Two config changes close together must not both find no timer and both arm one:
        # the second would replace the first while it runs, and the feeds would be read twice.
        self._arming = asyncio.Lock()

    async def ensure(self, guild_id: int) -> None:
        """One pending monthly timer while reports are on; one watch timer while it is on.
        A timer that fell due while the bot was down is left alone: it fires at start."""
        async with self._arming:
            await self._ensure(guild_id)

    async def _ensure(self, guild_id: int) -> None:
        guild = self.bot.get_guild(guild_id)
        settings = self.cog.guild_settings(guild) if guild is not None else None
        timers = self.bot.timers
        monthly = await timers.pending(guild_id, MONTHLY)
        if settings is None or not settings.config.monthly_report:
            for timer in monthly:
                await timers.cancel_id(timer.id)
        elif not monthly:
            due = next_month_start(datetime.now(UTC), self.cog.zone(guild_id))
            await timers.schedule(guild_id, MONTHLY, due, key=due.strftime("%Y-%m"))
        watch_on = settings is not None and settings.config.watch.enabled
        if not watch_on:
            await timers.cancel(guild_id, WATCH, "watch")
        elif not await timers.pending(guild_id, WATCH):
            await timers.schedule(guild_id, WATCH, datetime.now(UTC), key="watch")

    async def monthly_due(self, timer: Timer) -> None:
        guild = self.bot.get_guild(timer.guild_id)
        settings = self.cog.guild_settings(guild) if guild is not None else None
        if guild is None or settings is None or not settings.config.monthly_report:
            return
        zone = self.cog.zone(guild.id)
        due = timer.due_at.astimezone(zone)
        period = month_period(due.year, due.month, zone).previous()
        await self.post_monthly(guild, settings.config, period)
        following = next_month_start(
            max(datetime.now(UTC), timer.due_at + timedelta(hours=1)), zone
        )
        await self.bot.timers.schedule(
            guild.id, MONTHLY, following, key=following.strftime("%Y-%m")
        )

    async def post_monthly(
        self, guild: discord.Guild, config: AnalyticsConfig, period: Period
    ) -> None:
        """Post ``period``'s report once, even across restarts and retries."""
        if not await self.cog.store.claim_monthly_report(guild.id, period.label, time.time()):
            return
        channel = resolve_channel(guild, config.reports_channel) or self.bot.modlog.channel_for(
            guild, "reports"
        )
        if channel is None:
            await self.bot.modlog.write(guild, "analytics.no_reports_channel")
            return
        try:
            t = self.cog.translator(guild)
            report = await self.cog.report_for(guild, period, t)
            title = t("analytics.report_title", period=period.label)
            await channel.send(
                embeds=embeds.report_embeds(report, t, title),
                files=[
                    *embeds.chart_files(report),
                    embeds.csv_file(report),
                    self.cog.html_report(guild, report, t),
                ],
            )
        except BaseException:
            await self.cog.store.release_monthly_report(guild.id, period.label)
            raise

    async def watch_due(self, timer: Timer) -> None:
        guild = self.bot.get_guild(timer.guild_id)
        settings = self.cog.guild_settings(guild) if guild is not None else None
        if guild is None or settings is None or not settings.config.watch.enabled:
            return
        watch = settings.config.watch
        try:
            for url in watch.feeds:
                await self.cog.watcher.poll(guild, settings.config, url)
        finally:
            due = datetime.now(UTC) + watch.interval
            await self.bot.timers.schedule(guild.id, WATCH, due, key="watch")
