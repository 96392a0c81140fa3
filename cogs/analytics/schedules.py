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
from zoneinfo import ZoneInfo

import discord

from bot.modlog import resolve_channel
from bot.timers import Timer

from . import embeds
from .periods import Period, month_period, next_month_start, parse_month
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
        """One pending monthly timer while reports are on, due at midnight on the 1st in the
        server's current timezone (moved when the zone changed); one watch timer while it is
        on. A timer that fell due while the bot was down is left alone: it fires at start."""
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
        else:
            await self._follow_timezone(guild_id, monthly)
        watch_on = settings is not None and settings.config.watch.enabled
        if not watch_on:
            await timers.cancel(guild_id, WATCH, "watch")
        elif not await timers.pending(guild_id, WATCH):
            await timers.schedule(guild_id, WATCH, datetime.now(UTC), key="watch")

    async def _follow_timezone(self, guild_id: int, monthly: list[Timer]) -> None:
        """Move each pending monthly timer to its month's first midnight in the current zone
        (the zone may have changed since it was armed). Scheduling again under the same key
        replaces the row in one transaction: one timer before, one after, even across a crash.
        A timer already due is left to fire: its handler reads the zone then."""
        zone = self.cog.zone(guild_id)
        now = datetime.now(UTC)
        for timer in monthly:
            if timer.due_at <= now or parse_month(timer.key or "") is None:
                continue  # due (or not one of ours): left to fire as it is
            due = _month_start(timer, zone)
            if due.timestamp() != timer.due_at.timestamp():
                await self.bot.timers.schedule(guild_id, MONTHLY, due, timer.payload, key=timer.key)

    async def monthly_due(self, timer: Timer) -> None:
        guild = self.bot.get_guild(timer.guild_id)
        settings = self.cog.guild_settings(guild) if guild is not None else None
        if guild is None or settings is None or not settings.config.monthly_report:
            return
        zone = self.cog.zone(guild.id)
        start = _month_start(timer, zone)
        if start > datetime.now(UTC):
            # Armed under a zone ahead of the current one (changed while the bot was down, or
            # just before the timer fired): the month has not begun here yet, wait for it.
            await self.bot.timers.schedule(guild.id, MONTHLY, start, timer.payload, key=timer.key)
            return
        local = start.astimezone(zone)
        period = month_period(local.year, local.month, zone).previous()
        await self.post_monthly(guild, settings.config, period)
        following = next_month_start(max(datetime.now(UTC), start + timedelta(hours=1)), zone)
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


def _month_start(timer: Timer, zone: ZoneInfo) -> datetime:
    """Midnight of the 1st in ``zone`` nearest the timer's due time: the start of the month it
    was armed to open, whatever the zone was then (offsets differ by hours, months by weeks)."""
    local = timer.due_at.astimezone(zone)
    month = month_period(local.year, local.month, zone)
    nearer_end = month.end - timer.due_at < timer.due_at - month.start
    return month.end if nearer_end else month.start
