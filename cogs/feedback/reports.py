"""Marketing digests (weekly and monthly timers, on-demand reports) and CSV exports."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord

from . import digest as digests
from . import render
from .digest import Digest
from .service import FeedbackService, category_name, now

log = logging.getLogger(__name__)

TIMER_KIND = "feedback_digest"
# Discord refuses a message with more than 10 attachments (a survey a month soon passes it)
FILES_PER_MESSAGE = 10


def batches(files: list[discord.File]) -> list[list[discord.File]]:
    """The files cut into groups Discord takes in one message (always at least one group)."""
    step = FILES_PER_MESSAGE
    return [files[i : i + step] for i in range(0, len(files), step)] or [[]]


class Reports:
    """Builds digests and exports; owns the ``feedback_digest`` timers."""

    def __init__(self, bot: Any, service: FeedbackService) -> None:
        self.bot = bot
        self.service = service
        self.store = service.store

    def _tz(self, guild_id: int) -> str:
        return self.bot.configs.get(guild_id).timezone or "UTC"

    def _nps_ids(self, guild_id: int) -> dict[str, set[str]]:
        surveys = self.service.settings(guild_id).surveys
        return {
            name: {q.id for q in survey.questions if q.kind == "nps"}
            for name, survey in surveys.items()
        }

    async def build(
        self, guild_id: int, period: str, end: datetime
    ) -> tuple[Digest, list[discord.File]]:
        """The digest of the period ending at ``end`` and its CSV attachments."""
        settings = self.service.settings(guild_id)
        tz = self._tz(guild_id)
        start, stop = digests.period_bounds(period, end, tz)
        before = digests.previous_bounds(period, start, tz)
        entries = await self.store.entries_between(guild_id, start, stop)
        previous = await self.store.entries_between(guild_id, *before)
        suggestions = await self.store.suggestions_active_between(guild_id, start, stop)
        responses = await self.store.responses_between(guild_id, start, stop)
        responses_before = await self.store.responses_between(guild_id, *before)
        nps_ids = self._nps_ids(guild_id)

        def assemble() -> tuple[Digest, list[tuple[str, bytes]]]:
            # pure CPU work (ten thousand entries take ~0.5 s): kept off the event loop
            digest = digests.build_digest(
                period,
                start,
                stop,
                entries,
                previous,
                suggestions,
                digests.nps_scores(responses, nps_ids),
                digests.nps_scores(responses_before, nps_ids),
                categories=settings.categories,
                top=settings.top_suggestions,
                comments=settings.notable_comments,
            )
            # the dates people read are the guild's: a Paris month starts at 22:00 UTC the day before
            zone = ZoneInfo(tz)
            stamp = f"{start.astimezone(zone):%Y%m%d}-{stop.astimezone(zone):%Y%m%d}"
            files = [
                (f"feedback-{stamp}.csv", digests.feedback_csv(entries)),
                (f"suggestions-{stamp}.csv", digests.suggestions_csv(suggestions)),
            ]
            for name, survey in settings.surveys.items():
                answered = [r for r in responses if r.survey == name]
                if answered:
                    ids = [q.id for q in survey.questions]
                    files.append((f"survey-{name}-{stamp}.csv", digests.survey_csv(ids, answered)))
            return digest, files

        digest, files = await asyncio.to_thread(assemble)
        return digest, [discord.File(io.BytesIO(data), name) for name, data in files]

    def embed(self, t: Callable[..., str], digest: Digest) -> discord.Embed:
        """The digest's embed, in the language of ``t`` (a bound translate function)."""
        return render.digest_embed(t, digest, lambda c: category_name(t, c))

    async def export_files(self, guild_id: int) -> list[discord.File]:
        """Every entry, suggestion and survey response of the guild, as CSV (no anonymous author)."""
        settings = self.service.settings(guild_id)
        entries = await self.store.all_entries(guild_id)
        suggestions = await self.store.list_suggestions(guild_id)
        responses = await self.store.all_responses(guild_id)

        def write() -> list[tuple[str, bytes]]:
            files = [
                ("feedback.csv", digests.feedback_csv(entries)),
                ("suggestions.csv", digests.suggestions_csv(suggestions)),
            ]
            for name in sorted({r.survey for r in responses}):
                survey = settings.surveys.get(name)
                answered = [r for r in responses if r.survey == name]
                if survey is not None:
                    ids = [q.id for q in survey.questions]
                else:  # a survey since removed from the config: its own answers name the columns
                    ids = sorted({k for r in answered for k in r.answers})
                files.append((f"survey-{name}.csv", digests.survey_csv(ids, answered)))
            return files

        return [
            discord.File(io.BytesIO(data), name) for name, data in await asyncio.to_thread(write)
        ]

    # -- scheduled digests ---------------------------------------------------------------------

    async def ensure_schedule(self, guild_id: int) -> None:
        """Arm (or disarm) the weekly and monthly digest timers to match the config.

        An overdue timer is left alone so that a digest missed while the bot was down still
        goes out when it comes back.
        """
        settings = self.service.settings(guild_id)
        pending = {t.key: t for t in await self.bot.timers.pending(guild_id, TIMER_KIND)}
        moment = now()
        for period, wanted in (("week", settings.weekly), ("month", settings.monthly)):
            if not settings.enabled or not wanted:
                if period in pending:
                    await self.bot.timers.cancel(guild_id, TIMER_KIND, period)
                continue
            due = digests.next_run(
                period, moment, self._tz(guild_id), settings.weekday, settings.hour
            )
            current = pending.get(period)
            if current is not None and (current.due_at <= moment or current.due_at == due):
                continue
            await self.bot.timers.schedule(
                guild_id, TIMER_KIND, due, {"period": period}, key=period
            )

    async def on_timer(self, timer: Any) -> None:
        """Post the digest that is due, then arm the next one (idempotent)."""
        period = timer.payload.get("period", "week")
        guild = self.bot.get_guild(timer.guild_id)
        if guild is not None and self.service.settings(guild.id).enabled:
            await self.post(guild, period, timer.due_at)
        if guild is not None:
            settings = self.service.settings(guild.id)
            due = digests.next_run(
                period,
                max(now(), timer.due_at),
                self._tz(guild.id),
                settings.weekday,
                settings.hour,
            )
            await self.bot.timers.schedule(
                guild.id, TIMER_KIND, due, {"period": period}, key=period
            )

    async def post(self, guild: discord.Guild, period: str, end: datetime) -> bool:
        """Post one digest to the reports channel, once per period."""
        start, stop = digests.period_bounds(period, end, self._tz(guild.id))
        if await self.store.digest_posted(guild.id, period, stop):
            return False
        channel = self.service.reports_channel(guild)
        if channel is None:
            await self.bot.modlog.write(guild, "feedback.modlog.reports_missing")
            return False
        digest, files = await self.build(guild.id, period, end)
        first, *rest = batches(files)
        try:
            message = await channel.send(
                embed=self.embed(self.bot.i18n.bound(guild), digest), files=first
            )
            for more in rest:
                await channel.send(files=more)
        except discord.HTTPException as error:
            log.warning("digest for guild %s not posted: %s", guild.id, error)
            # the channel exists: name it, rather than ask staff to set one
            await self.bot.modlog.write(
                guild, "feedback.modlog.reports_refused", channel=channel.mention
            )
            return False
        await self.store.record_digest(guild.id, period, stop, message.id, now())
        return True
