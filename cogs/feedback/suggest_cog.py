"""Suggestions: /suggest with vote buttons and a thread, statuses set by staff, the list."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.errors import UserError

from . import render
from . import suggestions as rules
from .models import Suggestion
from .schema import STATUSES
from .service import FeedbackPart, FeedbackService, now, status_name, user_error_from
from .surveys import clip
from .views import SuggestionVoteButton

log = logging.getLogger(__name__)

VOTABLE = frozenset({"open", "under_review", "approved"})
LISTED = 15


class SuggestionsCog(FeedbackPart, name="feedback_suggestions"):
    """Ideas from the community, voted on by members and answered by staff."""

    group = app_commands.Group(
        name="suggestions",
        description="List suggestions, or set their status (moderators).",
        guild_only=True,
    )

    def __init__(self, bot: Any, service: FeedbackService) -> None:
        super().__init__(bot, service)
        # (guild, suggestion) -> lock; one small lock per suggestion voted on since start
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}

    def _lock(self, guild_id: int, suggestion_id: int) -> asyncio.Lock:
        """The lock that orders the updates of one suggestion's message."""
        return self._locks.setdefault((guild_id, suggestion_id), asyncio.Lock())

    def _message(
        self, t: Callable[..., str], s: Suggestion
    ) -> tuple[discord.Embed, discord.ui.View]:
        embed = render.suggestion_embed(t, s, status_name(t, s.status))
        view = discord.ui.View(timeout=None)
        if s.status in VOTABLE:
            view.add_item(SuggestionVoteButton(s.id, "up", t("feedback.suggest.vote_for")))
            view.add_item(SuggestionVoteButton(s.id, "down", t("feedback.suggest.vote_against")))
        return embed, view

    @app_commands.command(name="suggest")
    @app_commands.guild_only()
    @app_commands.describe(idea="Your suggestion (up to 2000 characters)")
    async def suggest(
        self, interaction: discord.Interaction, idea: app_commands.Range[str, 1, 2000]
    ) -> None:
        """Post a suggestion that members can vote on and discuss (everyone)."""
        assert interaction.guild is not None
        guild = interaction.guild
        settings = self.service.ensure_enabled(guild.id)
        try:
            text = rules.validate_text(idea)
        except rules.SuggestionError as error:
            raise user_error_from(error) from None
        # Posting and opening the thread are several requests (thread creation is rate limited),
        # and a missing channel is reported in the mod log first: answer Discord now.
        await interaction.response.defer(ephemeral=True, thinking=True)
        ref = settings.suggestions_channel
        channel = interaction.channel if ref in (None, "") else self.service.channel(guild, ref)
        if channel is None or not isinstance(channel, discord.abc.Messageable):
            await self.bot.modlog.write(
                guild, "feedback.modlog.suggestions_missing", channel=str(ref)
            )
            raise UserError("feedback.suggest.no_channel")
        suggestion = await self.store.add_suggestion(guild.id, interaction.user.id, text, now())
        t = self.bot.i18n.bound(guild)
        embed, view = self._message(t, suggestion)
        try:
            message = await channel.send(
                embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none()
            )
        except (discord.NotFound, discord.Forbidden) as error:
            # the channel was deleted or closed to the bot: say so where staff look, keep nothing
            await self.store.delete_suggestion(guild.id, suggestion.id)
            log.warning("suggestions channel of guild %s unusable: %s", guild.id, error)
            await self.bot.modlog.write(
                guild, "feedback.modlog.suggestions_missing", channel=str(ref)
            )
            raise UserError("feedback.suggest.no_channel") from None
        thread_id = None
        if settings.suggestion_thread:
            try:
                thread = await message.create_thread(
                    name=clip(t("feedback.suggest.thread", id=suggestion.id, text=text), 100)
                )
                thread_id = thread.id
            except discord.HTTPException as error:
                log.info("no thread for suggestion %s: %s", suggestion.id, error)
        await self.store.set_suggestion_message(
            guild.id, suggestion.id, message.channel.id, message.id, thread_id
        )
        await interaction.followup.send(
            self.bot.i18n.bound(interaction)(
                "feedback.suggest.posted", id=suggestion.id, link=message.jump_url
            ),
            ephemeral=True,
        )
        self.service.emit(
            "feedback_suggestion",
            guild_id=guild.id,
            suggestion_id=suggestion.id,
            author_id=interaction.user.id,
        )

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """The configured suggestions channel was deleted: say so clearly in the mod log."""
        ref = self.service.settings(channel.guild.id).suggestions_channel
        if ref in (None, ""):
            return
        named = str(ref).strip().lstrip("#").casefold()
        if str(channel.id) == str(ref).strip() or channel.name.casefold() == named:
            await self.bot.modlog.write(
                channel.guild, "feedback.modlog.suggestions_deleted", channel=channel.name
            )

    async def on_vote(
        self, interaction: discord.Interaction, suggestion_id: int, value: int
    ) -> None:
        """A click on for/against: record it, refresh the counts on the message."""
        assert interaction.guild_id is not None
        suggestion = await self.store.get_suggestion(interaction.guild_id, suggestion_id)
        if suggestion is None:
            raise UserError("feedback.suggest.unknown", id=suggestion_id)
        if suggestion.status not in VOTABLE:
            raise UserError("feedback.suggest.closed")
        # Votes of one suggestion update its message one after the other, so the last update
        # shows every vote (two answers racing to Discord could land in either order).
        await interaction.response.defer()
        async with self._lock(interaction.guild_id, suggestion_id):
            current = await self.store.get_suggestion(interaction.guild_id, suggestion_id)
            if current is None or current.status not in VOTABLE:
                raise UserError("feedback.suggest.closed")  # closed while this click waited
            vote = await self.store.vote_suggestion(
                interaction.guild_id, suggestion_id, interaction.user.id, value, now()
            )
            suggestion = await self.store.get_suggestion(interaction.guild_id, suggestion_id)
            assert suggestion is not None
            embed, view = self._message(self.bot.i18n.bound(interaction.guild_id), suggestion)
            await interaction.edit_original_response(embed=embed, view=view)
        key = {1: "feedback.suggest.voted_for", -1: "feedback.suggest.voted_against"}.get(
            vote or 0, "feedback.suggest.vote_withdrawn"
        )
        await interaction.followup.send(self.bot.i18n.bound(interaction)(key), ephemeral=True)
        self.service.emit(
            "feedback_suggestion_vote",
            guild_id=interaction.guild_id,
            suggestion_id=suggestion_id,
            user_id=interaction.user.id,
            vote=vote,
        )

    @group.command(name="status")
    @app_commands.describe(
        suggestion="Number of the suggestion", status="New status", reason="Why (members see it)"
    )
    @app_commands.choices(
        status=[app_commands.Choice(name=s.replace("_", " "), value=s) for s in STATUSES]
    )
    @checks.moderator_only()
    async def status(
        self,
        interaction: discord.Interaction,
        suggestion: int,
        status: str,
        reason: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        """Set a suggestion's status with a reason; its author is told (moderators)."""
        assert interaction.guild is not None
        guild = interaction.guild
        settings = self.service.ensure_enabled(guild.id)
        current = await self.store.get_suggestion(guild.id, suggestion)
        if current is None:
            raise UserError("feedback.suggest.unknown", id=suggestion)
        try:
            cleaned = rules.check_status_change(
                current.status, status, reason, settings.reason_required
            )
        except rules.SuggestionError as error:
            raise user_error_from(error) from None
        # Editing the post and the author's DM are REST calls that may be slow or rate
        # limited: answer within Discord's 3 seconds, then tell staff how it went.
        await interaction.response.defer(ephemeral=True, thinking=True)
        # one at a time with the votes: a vote's update never lands after the new status
        async with self._lock(guild.id, suggestion):
            changed = await self.store.set_status(
                guild.id, suggestion, status, cleaned, interaction.user.id, now(), current.status
            )
            updated = await self.store.get_suggestion(guild.id, suggestion)
            edited = changed and updated is not None and await self._refresh(guild, updated)
        if updated is None:
            raise UserError("feedback.suggest.unknown", id=suggestion)
        if not changed:
            if updated.status == status:
                raise UserError("feedback.suggest.same_status")
            raise UserError(
                "feedback.suggest.changed_meanwhile",
                status=status_name(self.bot.i18n.bound(interaction), updated.status),
            )
        tg, ti = self.bot.i18n.bound(guild), self.bot.i18n.bound(interaction)
        told = await self._tell_author(guild, updated)
        lines = [ti("feedback.suggest.status_set", id=suggestion, status=status_name(tg, status))]
        if not edited:
            lines.append(ti("feedback.suggest.message_gone"))
        if not told:
            lines.append(ti("feedback.suggest.author_not_told"))
        await interaction.followup.send("\n".join(lines), ephemeral=True)
        await self.bot.modlog.write(
            guild,
            "feedback.modlog.status",
            id=suggestion,
            status=status_name(tg, status),
            staff=interaction.user.mention,
            reason=cleaned or "—",
        )
        self.service.emit(
            "feedback_suggestion_status",
            guild_id=guild.id,
            suggestion_id=suggestion,
            status=status,
            staff_id=interaction.user.id,
        )

    async def _refresh(self, guild: discord.Guild, s: Suggestion) -> bool:
        """Edit the suggestion's message to its new colour and text; False if it is gone."""
        if not s.channel_id or not s.message_id:
            return False
        channel = guild.get_channel_or_thread(s.channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return False
        embed, view = self._message(self.bot.i18n.bound(guild), s)
        try:
            await channel.get_partial_message(s.message_id).edit(embed=embed, view=view)
        except discord.HTTPException:
            return False
        return True

    async def _tell_author(self, guild: discord.Guild, s: Suggestion) -> bool:
        if s.author_id is None:
            return False
        t = self.bot.i18n.bound(guild)
        text = t(
            "feedback.suggest.dm_status",
            guild=guild.name,
            id=s.id,
            excerpt=clip(s.text, 120),
            status=status_name(t, s.status),
            reason=s.reason or "—",
        )
        return await self.service.dm(s.author_id, text)

    @group.command(name="list")
    @app_commands.describe(status="Only this status", sort="top, new, old or controversial")
    @app_commands.choices(
        status=[app_commands.Choice(name=s.replace("_", " "), value=s) for s in STATUSES],
        sort=[app_commands.Choice(name=s, value=s) for s in rules.SORTS],
    )
    async def list_(
        self, interaction: discord.Interaction, status: str | None = None, sort: str = "top"
    ) -> None:
        """List suggestions, filtered by status and sorted by votes or date (everyone)."""
        assert interaction.guild_id is not None
        self.service.ensure_enabled(interaction.guild_id)
        t = self.bot.i18n.bound(interaction)
        found = await self.store.list_suggestions(interaction.guild_id, status)
        by_id = {s.id: s for s in found}
        ranked = rules.sort_suggestions(
            (rules.Ranked(s.id, s.up, s.down, s.created_at) for s in found), sort
        )
        if not ranked:
            await interaction.response.send_message(
                t("feedback.suggest.list_empty"), ephemeral=True
            )
            return
        lines = [
            t(
                "feedback.suggest.list_header",
                count=len(ranked),
                sort=t(f"feedback.suggest.sorts.{sort}"),
            )
        ]
        for item in ranked[:LISTED]:
            s = by_id[item.id]
            lines.append(
                f"{rules.STATUS_EMOJI[s.status]} **#{s.id}** · 👍 {s.up} 👎 {s.down} · "
                f"{status_name(t, s.status)} — {clip(s.text, 90)}"
            )
        if len(ranked) > LISTED:
            lines.append(t("feedback.suggest.list_more", count=len(ranked) - LISTED))
        await interaction.response.send_message("\n".join(lines)[:2000], ephemeral=True)
