"""Polls: /poll with buttons, closed by a persistent timer, results with a bar chart."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands

from bot import checks
from bot.durations import Duration, DurationError, parse_seconds
from bot.errors import UserError

from . import polls as rules
from . import render
from .models import Poll
from .service import FeedbackPart, FeedbackService, now, user_error_from

log = logging.getLogger(__name__)

TIMER_KIND = "feedback_poll_close"


class PollsCog(FeedbackPart, name="feedback_polls"):
    """Quick polls with buttons; results are posted when the poll closes."""

    def __init__(self, bot: Any, service: FeedbackService) -> None:
        super().__init__(bot, service)
        # polls whose results Discord refused for permissions, already reported in this run
        self._refusal_told: set[int] = set()

    async def cog_load(self) -> None:
        self.bot.timers.handler(TIMER_KIND, self.on_close_timer)

    async def cog_unload(self) -> None:
        self.bot.timers.remove_handler(TIMER_KIND)

    def _view(self, poll: Poll) -> discord.ui.View:
        from .views import PollOptionButton

        view = discord.ui.View(timeout=None)
        for index, label in enumerate(poll.options):
            view.add_item(PollOptionButton(poll.id, index, f"{index + 1}. {label}"[:80]))
        return view

    @app_commands.command(name="poll")
    @app_commands.describe(
        question="The question",
        options="2 to 10 options separated by ; or |",
        duration="How long it stays open, like 30m, 2h, 1d (default from config)",
        multiple="Members may pick several options",
        anonymous="Results do not show who voted what",
    )
    @checks.moderator_only()
    async def poll(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, 256],
        options: app_commands.Range[str, 3, 1000],
        duration: str | None = None,
        multiple: bool = False,
        anonymous: bool = False,
    ) -> None:
        """Start a poll in this channel with 2 to 10 options and a closing time (moderators)."""
        assert interaction.guild is not None and interaction.channel is not None
        guild = interaction.guild
        settings = self.service.ensure_enabled(guild.id)
        try:
            cleaned_question = rules.validate_question(question)
            choices = rules.parse_options(options)
        except rules.PollError as error:
            raise user_error_from(error) from None
        text = duration or settings.poll_default_duration
        try:
            seconds = parse_seconds(text)
        except DurationError:
            raise UserError("feedback.poll.bad_duration", value=text[:40]) from None
        longest = parse_seconds(settings.poll_max_duration)
        if seconds > longest:
            raise UserError("feedback.poll.too_long", max=Duration(longest))
        closes_at = now() + timedelta(seconds=seconds)
        poll = await self.store.add_poll(
            guild.id,
            interaction.channel.id,
            interaction.user.id,
            cleaned_question,
            choices,
            multiple,
            anonymous,
            closes_at,
        )
        # armed first: whatever happens next, the poll closes on time, even across a restart
        await self.bot.timers.schedule(
            guild.id, TIMER_KIND, closes_at, {"poll_id": poll.id}, key=str(poll.id)
        )
        try:
            await interaction.response.send_message(
                embed=render.poll_embed(self.bot.i18n.bound(guild), poll),
                view=self._view(poll),
            )
        except discord.HTTPException:
            await self.bot.timers.cancel(guild.id, TIMER_KIND, str(poll.id))
            await self.store.delete_poll(guild.id, poll.id)
            raise
        message = await interaction.original_response()
        await self.store.set_poll_message(guild.id, poll.id, message.id)

    async def on_vote(self, interaction: discord.Interaction, poll_id: int, option: int) -> None:
        """A click on an option: toggle it in the member's ballot and say what they chose."""
        assert interaction.guild_id is not None
        poll = await self.store.get_poll(interaction.guild_id, poll_id)
        if poll is None:
            raise UserError("feedback.poll.unknown")
        if poll.closed_at is not None or poll.closes_at <= now():
            raise UserError("feedback.poll.closed")
        try:
            ballot = await self.store.vote_poll(
                interaction.guild_id, poll, interaction.user.id, option, now()
            )
        except rules.PollError as error:
            raise user_error_from(error) from None
        t = self.bot.i18n.bound(interaction)
        if ballot:
            chosen = ", ".join(poll.options[i] for i in sorted(ballot))
            text = t("feedback.poll.voted", options=chosen)
        else:
            text = t("feedback.poll.vote_withdrawn")
        await interaction.response.send_message(text[:2000], ephemeral=True)
        self.service.emit(
            "feedback_poll_vote",
            guild_id=interaction.guild_id,
            poll_id=poll_id,
            user_id=None if poll.anonymous else interaction.user.id,
            options=sorted(ballot),
        )

    async def on_close_timer(self, timer: Any) -> None:
        """Close the poll once (idempotent: a closed or deleted poll is left alone)."""
        poll = await self.store.get_poll(timer.guild_id, int(timer.payload["poll_id"]))
        if poll is None or poll.closed_at is not None:
            return
        guild = self.bot.get_guild(poll.guild_id)
        if guild is None:
            return  # the bot left the server; nothing to post to
        await self.close(guild, poll)

    async def close(self, guild: discord.Guild, poll: Poll) -> None:
        """Post the results (embed + chart) under the poll and disable its buttons."""
        ballots = await self.store.ballots(guild.id, poll.id)
        results = rules.results(list(poll.options), ballots)
        voters: dict[int, list[int]] = {}
        for user_id, chosen in ballots.items():
            for option in chosen:
                if user_id > 0:
                    voters.setdefault(option, []).append(user_id)
        t = self.bot.i18n.bound(guild)
        # matplotlib is imported on the first chart, not when the bot starts (see analytics').
        from .charts import poll_chart

        chart = await asyncio.to_thread(
            poll_chart,
            poll.question,
            [o.label for o in results.options],
            [o.votes for o in results.options],
            subtitle=t("feedback.poll.chart_subtitle", voters=results.voters),
            percents=[o.percent for o in results.options],
        )
        channel = guild.get_channel_or_thread(poll.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            if await self.store.close_poll(guild.id, poll.id, now()):
                await self.bot.modlog.write(
                    guild, "feedback.modlog.poll_channel_missing", id=poll.id
                )
            return
        original = channel.get_partial_message(poll.message_id) if poll.message_id else None  # type: ignore[attr-defined]
        embed = render.results_embed(t, poll, results, voters)
        file = discord.File(io.BytesIO(chart), "poll.png")
        # claimed before posting, so a second firing never posts the results twice
        if not await self.store.close_poll(guild.id, poll.id, now()):
            return
        reference = original.to_reference(fail_if_not_exists=False) if original else None  # type: ignore[union-attr]
        try:
            await channel.send(
                embed=embed,
                file=file,
                reference=reference if reference is not None else discord.utils.MISSING,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as error:
            log.warning("results of poll %s not posted: %s", poll.id, error)
            await self.store.reopen_poll(guild.id, poll.id)
            if isinstance(error, discord.Forbidden) and poll.id not in self._refusal_told:
                # only staff can fix a channel's permissions: tell them once, keep retrying
                self._refusal_told.add(poll.id)
                await self.bot.modlog.write(
                    guild,
                    "feedback.modlog.poll_forbidden",
                    id=poll.id,
                    channel=f"<#{poll.channel_id}>",
                )
            raise  # the timer keeps its row and retries later
        if original is not None:
            try:
                await original.edit(view=None)
            except discord.NotFound:
                pass  # the poll message was deleted: the results stand on their own
            except discord.HTTPException as error:
                log.info("could not disable buttons of poll %s: %s", poll.id, error)
        self.service.emit(
            "feedback_poll_closed",
            guild_id=guild.id,
            poll_id=poll.id,
            voters=results.voters,
            counts=[o.votes for o in results.options],
        )
