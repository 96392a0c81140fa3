"""The feedback form, a member's own entries, and staff replies that reach authors by DM."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.checks import Privilege
from bot.errors import UserError

from . import render
from .reports import TIMER_KIND, Reports, batches
from .service import FeedbackPart, FeedbackService, category_name, now
from .surveys import AnswerError, FieldSpec, clip, parse_category, parse_rating
from .views import EntryButton, FormModal, RetryView

log = logging.getLogger(__name__)

TEXT_MAX = 4000  # a modal paragraph input holds at most 4000 characters
REPLY_MAX = 1800  # a DM is 2000 characters, and the reply comes with a short header
MINE_LISTED = 10


class FeedbackCog(FeedbackPart, name="feedback"):
    """Tell the team what you think: /feedback (everyone), replies and reports for staff."""

    staff = app_commands.Group(
        name="feedback-admin",
        description="Feedback replies, reports and exports (moderators and managers).",
        guild_only=True,
        default_permissions=discord.Permissions(moderate_members=True),
    )

    def __init__(self, bot: Any, service: FeedbackService) -> None:
        super().__init__(bot, service)
        self.reports = Reports(bot, service)
        # set once the digest timers of every guild are armed after start-up (tests wait on it)
        self.digests_armed = asyncio.Event()

    async def cog_load(self) -> None:
        self.bot.timers.handler(TIMER_KIND, self.reports.on_timer)
        self._arming = asyncio.create_task(self._arm_digests(), name="feedback-digests")

    async def cog_unload(self) -> None:
        self.bot.timers.remove_handler(TIMER_KIND)
        self._arming.cancel()

    async def _arm_digests(self) -> None:
        """Once connected, make sure every guild has its digest timers (set ``digests_armed``)."""
        await self.bot.wait_until_ready()
        for guild in list(self.bot.guilds):
            await self._schedule(guild.id)
        self.digests_armed.set()

    async def _schedule(self, guild_id: int) -> None:
        """Arm the guild's digests; a failure is logged with the guild, never raised."""
        try:
            await self.reports.ensure_schedule(guild_id)
        except Exception:
            log.exception("digest timers of guild %s not armed", guild_id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._schedule(guild.id)

    @commands.Cog.listener()
    async def on_config_changed(self, guild_id: int) -> None:
        await self._schedule(guild_id)

    # -- the form -----------------------------------------------------------------------------

    def _form_fields(self, t: Callable[..., str], categories: tuple[str, ...]) -> list[FieldSpec]:
        listed = " · ".join(f"{i}. {category_name(t, c)}" for i, c in enumerate(categories, 1))
        return [
            FieldSpec(
                "category",
                clip(t("feedback.form.category"), 45),
                clip(listed, 100),
                False,
                True,
                None,
                100,
            ),
            FieldSpec("rating", clip(t("feedback.form.rating"), 45), "1–5", False, True, None, 3),
            FieldSpec(
                "text",
                clip(t("feedback.form.text"), 45),
                clip(t("feedback.form.text_hint"), 100),
                True,
                True,
                None,
                TEXT_MAX,
            ),
        ]

    async def _open_form(
        self,
        interaction: discord.Interaction,
        anonymous: bool,
        defaults: dict[str, str] | None = None,
    ) -> None:
        settings = self.service.ensure_enabled(interaction.guild_id)
        t = self.bot.i18n.bound(interaction)
        title_key = "feedback.form.title_anonymous" if anonymous else "feedback.form.title"

        async def submitted(modal_interaction: discord.Interaction, values: dict[str, str]) -> None:
            await self.submit_form(modal_interaction, values, anonymous)

        await interaction.response.send_modal(
            FormModal(
                title=clip(t(title_key), 45),
                custom_id=f"vigie:feedback:form:{int(anonymous)}",
                fields=self._form_fields(t, settings.categories),
                on_submit=submitted,
                defaults=defaults,
            )
        )

    @app_commands.command(name="feedback")
    @app_commands.guild_only()
    @app_commands.describe(
        anonymous="Hide your name from the team (you can still see and delete it)"
    )
    async def feedback(self, interaction: discord.Interaction, anonymous: bool = False) -> None:
        """Send feedback to the team: category, rating and text, optionally anonymous (everyone)."""
        settings = self.service.ensure_enabled(interaction.guild_id)
        if anonymous and not settings.anonymous_allowed:
            raise UserError("feedback.form.anonymous_off")
        await self._open_form(interaction, anonymous)

    async def submit_form(
        self, interaction: discord.Interaction, values: dict[str, str], anonymous: bool
    ) -> None:
        """Validate the form; on a mistake, offer to reopen it with everything typed kept."""
        assert interaction.guild is not None
        guild = interaction.guild
        settings = self.service.ensure_enabled(guild.id)
        t = self.bot.i18n.bound(interaction)
        names = {c: category_name(t, c) for c in settings.categories}
        text = (values.get("text") or "").strip()
        try:
            category = parse_category(values.get("category", ""), settings.categories, names)
            rating = parse_rating(values.get("rating", ""))
            if not text:
                raise AnswerError("form.empty_text")
        except AnswerError as error:
            message = t(f"feedback.{error.key}", **error.fields)

            async def reopen(retry: discord.Interaction) -> None:
                await self._open_form(retry, anonymous, defaults=values)

            await interaction.response.send_message(
                message,
                view=RetryView(t("feedback.form.retry"), reopen),
                ephemeral=True,
            )
            return
        entry = await self.store.add_entry(
            guild.id, interaction.user.id, category, rating, text[:TEXT_MAX], anonymous, now()
        )
        await interaction.response.send_message(
            t(
                "feedback.form.thanks_anonymous" if anonymous else "feedback.form.thanks",
                id=entry.id,
            ),
            ephemeral=True,
        )
        self.service.emit(
            "feedback_entry",
            guild_id=guild.id,
            entry_id=entry.id,
            category=category,
            rating=rating,
            anonymous=anonymous,
            length=len(text),
        )
        # Analytics reads ratings from its neutral event: a value, never an author.
        self.bot.dispatch("analytics_event", guild.id, "feedback_rating", value=rating)
        await self._post_to_inbox(guild, entry)

    async def _post_to_inbox(self, guild: discord.Guild, entry: Any) -> None:
        ref = self.service.settings(guild.id).inbox_channel
        if ref in (None, ""):
            return
        channel = self.service.channel(guild, ref)
        if channel is None:
            await self.bot.modlog.write(guild, "feedback.modlog.inbox_missing", channel=str(ref))
            return
        t = self.bot.i18n.bound(guild)
        view = discord.ui.View(timeout=None)
        view.add_item(EntryButton(entry.id, "reply", t("feedback.inbox.reply")))
        try:
            message = await channel.send(
                embed=render.entry_embed(t, entry, category_name(t, entry.category)),
                view=view,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as error:
            log.warning("feedback inbox of guild %s: %s", guild.id, error)
            await self.bot.modlog.write(guild, "feedback.modlog.inbox_missing", channel=str(ref))
            return
        await self.store.set_inbox_message(guild.id, entry.id, message.channel.id, message.id)

    # -- a member's own entries ----------------------------------------------------------------

    @app_commands.command(name="my-feedback")
    @app_commands.guild_only()
    async def my_feedback(self, interaction: discord.Interaction) -> None:
        """See your own feedback here (anonymous ones too) and the team's replies (everyone)."""
        assert interaction.guild_id is not None
        self.service.ensure_enabled(interaction.guild_id)
        t = self.bot.i18n.bound(interaction)
        entries = (await self.store.entries_of(interaction.guild_id, interaction.user.id))[
            :MINE_LISTED
        ]
        if not entries:
            await interaction.response.send_message(t("feedback.mine.none"), ephemeral=True)
            return
        replies = await self.store.replies_to(interaction.guild_id, [e.id for e in entries])
        text = t("feedback.mine.header")
        view = discord.ui.View(timeout=900)
        for entry in entries:
            flag = " 🕶️" if entry.anonymous else ""
            lines = [
                f"**#{entry.id}**{flag} · {category_name(t, entry.category)} · "
                f"{render.stars(entry.rating)} · {render.timestamp(entry.created_at, 'd')}\n> "
                + clip(entry.text, 150)
            ]
            for reply in replies.get(entry.id, []):
                lines.append("  ↳ " + t("feedback.mine.reply", text=clip(reply.text, 200)))
            block = "\n" + "\n".join(lines)
            if len(text) + len(block) > 2000 and len(view.children) > 0:
                break  # whole entries only, each with its button; the oldest wait their turn
            text += block
            view.add_item(EntryButton(entry.id, "delete", t("feedback.mine.delete", id=entry.id)))
        await interaction.response.send_message(text[:2000], view=view, ephemeral=True)

    async def on_delete_button(self, interaction: discord.Interaction, entry_id: int) -> None:
        """A member deletes one of their own entries (anyone else's click does nothing)."""
        assert interaction.guild is not None
        deleted = await self.store.delete_own_entry(
            interaction.guild.id, interaction.user.id, entry_id
        )
        if deleted is None:
            if await self.store.get_entry(interaction.guild.id, entry_id) is None:
                # a second click on the list still on screen: it is gone, and it was theirs
                raise UserError("feedback.mine.already_deleted", id=entry_id)
            raise UserError("feedback.mine.not_yours")
        await interaction.response.send_message(
            self.bot.i18n.bound(interaction)("feedback.mine.deleted", id=entry_id), ephemeral=True
        )
        if deleted.inbox_channel_id and deleted.inbox_message_id:
            channel = interaction.guild.get_channel_or_thread(deleted.inbox_channel_id)
            if isinstance(channel, discord.abc.Messageable):
                try:
                    await channel.get_partial_message(deleted.inbox_message_id).delete()  # type: ignore[attr-defined]
                except discord.HTTPException:
                    pass  # already gone: nothing left to hide

    # -- staff replies --------------------------------------------------------------------------

    async def on_reply_button(self, interaction: discord.Interaction, entry_id: int) -> None:
        """Open the reply form on an inbox entry (moderators)."""
        await checks.require(interaction, Privilege.MODERATOR)
        t = self.bot.i18n.bound(interaction)

        async def submitted(modal_interaction: discord.Interaction, values: dict[str, str]) -> None:
            await self.deliver_reply(modal_interaction, entry_id, values.get("text", ""))

        field = FieldSpec(
            "text",
            clip(t("feedback.reply.label"), 45),
            None,
            True,
            True,
            None,
            REPLY_MAX,
        )
        await interaction.response.send_modal(
            FormModal(
                title=clip(t("feedback.reply.title", id=entry_id), 45),
                custom_id=f"vigie:feedback:reply-form:{entry_id}",
                fields=[field],
                on_submit=submitted,
            )
        )

    @staff.command(name="reply")
    @app_commands.describe(entry="Number of the feedback entry", text="Your answer (sent by DM)")
    @checks.moderator_only()
    async def reply(
        self,
        interaction: discord.Interaction,
        entry: int,
        text: app_commands.Range[str, 1, REPLY_MAX],
    ) -> None:
        """Answer a feedback entry; the author gets it by DM, even when anonymous (moderators)."""
        await self.deliver_reply(interaction, entry, text)

    async def deliver_reply(
        self, interaction: discord.Interaction, entry_id: int, text: str
    ) -> None:
        """DM the author without ever telling staff who it is; keep the reply either way."""
        assert interaction.guild is not None
        guild = interaction.guild
        text = text.strip()
        if not text:
            raise UserError("feedback.reply.empty")
        entry = await self.store.get_entry(guild.id, entry_id)
        if entry is None:
            raise UserError("feedback.reply.no_entry", id=entry_id)
        # The DM may be slow or rate limited: answer within Discord's 3 seconds, report after.
        await interaction.response.defer(ephemeral=True, thinking=True)
        recipient = await self.store.entry_recipient(guild.id, entry_id)
        delivered = False
        if recipient is not None:
            t = self.bot.i18n.bound(guild)
            excerpt = clip(entry.text, 120)
            message = t(
                "feedback.reply.dm", guild=guild.name, id=entry.id, excerpt=excerpt, text=text
            )
            # a long server name leaves less room in the 2000 characters of a DM: the excerpt
            # of the entry shrinks so that the reply itself is never cut
            overflow = len(message) - 2000
            if overflow > 0:
                excerpt = clip(entry.text, max(1, len(excerpt) - overflow))
                message = t(
                    "feedback.reply.dm", guild=guild.name, id=entry.id, excerpt=excerpt, text=text
                )
            # closed DMs, a deleted account: the reply stays visible in /my-feedback
            delivered = await self.service.dm(recipient, message)
        await self.store.add_reply(guild.id, entry_id, interaction.user.id, text, delivered, now())
        key = "feedback.reply.sent" if delivered else "feedback.reply.kept"
        await interaction.followup.send(
            self.bot.i18n.bound(interaction)(key, id=entry_id), ephemeral=True
        )

    # -- reports for managers --------------------------------------------------------------------

    @staff.command(name="report")
    @app_commands.describe(period="week: the last 7 days; month: the last complete month")
    @app_commands.choices(
        period=[
            app_commands.Choice(name="week", value="week"),
            app_commands.Choice(name="month", value="month"),
        ]
    )
    @checks.manager_only()
    async def report(self, interaction: discord.Interaction, period: str = "week") -> None:
        """The marketing digest of a period, with CSV files, just for you (managers)."""
        assert interaction.guild_id is not None
        self.service.ensure_enabled(interaction.guild_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        digest, files = await self.reports.build(interaction.guild_id, period, now())
        embed = self.reports.embed(self.bot.i18n.bound(interaction), digest)
        first, *rest = batches(files)
        await interaction.followup.send(embed=embed, files=first, ephemeral=True)
        for more in rest:
            await interaction.followup.send(files=more, ephemeral=True)

    @staff.command(name="export")
    @checks.manager_only()
    async def export(self, interaction: discord.Interaction) -> None:
        """Download every entry, suggestion and survey answer as CSV; no anonymous author (managers)."""
        assert interaction.guild_id is not None
        self.service.ensure_enabled(interaction.guild_id)
        # reading every row and writing the CSV can outlast Discord's 3 seconds
        await interaction.response.defer(ephemeral=True, thinking=True)
        files = await self.reports.export_files(interaction.guild_id)
        first, *rest = batches(files)
        await interaction.followup.send(
            self.bot.i18n.bound(interaction)("feedback.export.done", count=len(files)),
            files=first,
            ephemeral=True,
        )
        for more in rest:
            await interaction.followup.send(files=more, ephemeral=True)
