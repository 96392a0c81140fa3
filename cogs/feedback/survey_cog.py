"""Surveys from the config: /survey send posts one; answers go through chained modals.

Between pages the answers so far live in memory only (a member mid-survey during a restart
starts again; nothing half-answered is ever stored). The complete response is stored once,
and a second one from the same member is refused by the database itself.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot import checks
from bot.errors import UserError

from . import render
from .schema import SurveyDef
from .service import FeedbackPart, FeedbackService, now
from .surveys import AnswerError, SurveyProgress
from .views import FormModal, SurveyButton

log = logging.getLogger(__name__)

# Drafts older than this are dropped: a member who walked away does not hold memory forever.
DRAFT_SECONDS = 3600


class SurveysCog(FeedbackPart, name="feedback_surveys"):
    """Surveys defined in the config, answered once per member."""

    group = app_commands.Group(
        name="survey",
        description="Send a survey from the config (managers).",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: Any, service: FeedbackService) -> None:
        super().__init__(bot, service)
        # (guild, member, survey) -> (progress, monotonic time of the last page)
        self.drafts: dict[tuple[int, int, str], tuple[SurveyProgress, float]] = {}

    def _survey(self, guild_id: int, name: str) -> SurveyDef:
        settings = self.service.ensure_enabled(guild_id)
        survey = settings.surveys.get(name)
        if survey is None:
            known = ", ".join(sorted(settings.surveys)) or "—"
            raise UserError("feedback.survey.unknown", name=name[:32], known=known)
        return survey

    @group.command(name="send")
    @app_commands.describe(
        name="The survey's name in the config", channel="Where to post it (default: here)"
    )
    @checks.manager_only()
    async def send(
        self,
        interaction: discord.Interaction,
        name: str,
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Post a survey with an Answer button; each member answers once (managers)."""
        assert interaction.guild is not None
        survey = self._survey(interaction.guild.id, name)
        target = channel or interaction.channel
        if not isinstance(target, discord.abc.Messageable):
            raise UserError("feedback.survey.no_channel")
        # posting is a REST call that may be slow or rate limited: answer Discord first
        await interaction.response.defer(ephemeral=True, thinking=True)
        t = self.bot.i18n.bound(interaction.guild)
        view = discord.ui.View(timeout=None)
        view.add_item(SurveyButton(survey.name, "start", t("feedback.survey.answer")))
        message = await target.send(embed=render.survey_embed(t, survey), view=view)
        await interaction.followup.send(
            self.bot.i18n.bound(interaction)(
                "feedback.survey.sent", name=survey.title, link=message.jump_url
            ),
            ephemeral=True,
        )

    @send.autocomplete("name")
    async def _names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        surveys = self.service.settings(interaction.guild_id).surveys
        return [
            app_commands.Choice(name=f"{name} — {s.title}"[:100], value=name)
            for name, s in sorted(surveys.items())
            if current.casefold() in name.casefold() or current.casefold() in s.title.casefold()
        ][:25]

    def _draft(self, key: tuple[int, int, str], survey: SurveyDef, restart: bool) -> SurveyProgress:
        loop_now = self.bot.loop.time()
        for stale in [k for k, (_, at) in self.drafts.items() if loop_now - at > DRAFT_SECONDS]:
            del self.drafts[stale]
        found = self.drafts.get(key)
        if restart or found is None or found[0].survey != survey:
            progress = SurveyProgress(survey)
        else:
            progress = found[0]
        self.drafts[key] = (progress, loop_now)
        return progress

    async def on_button(self, interaction: discord.Interaction, name: str, start: bool) -> None:
        """Answer (start) or Continue (next page): open the modal of the current page."""
        assert interaction.guild_id is not None
        survey = self._survey(interaction.guild_id, name)
        if await self.store.has_answered(interaction.guild_id, name, interaction.user.id):
            raise UserError("feedback.survey.already")
        key = (interaction.guild_id, interaction.user.id, name)
        progress = self._draft(key, survey, restart=start)
        await self._open(interaction, key, progress)

    async def _open(
        self, interaction: discord.Interaction, key: tuple[int, int, str], progress: SurveyProgress
    ) -> None:
        async def submitted(modal_interaction: discord.Interaction, values: dict[str, str]) -> None:
            await self._submit(modal_interaction, key, progress, values)

        await interaction.response.send_modal(
            FormModal(
                title=progress.title(),
                custom_id=f"vigie:feedback:survey-page:{progress.survey.name}:{progress.page}",
                fields=progress.current_fields(),
                on_submit=submitted,
            )
        )

    def _button(self, name: str, label: str) -> discord.ui.View:
        view = discord.ui.View(timeout=900)
        view.add_item(SurveyButton(name, "next", label))
        return view

    async def _submit(
        self,
        interaction: discord.Interaction,
        key: tuple[int, int, str],
        progress: SurveyProgress,
        values: dict[str, str],
    ) -> None:
        guild_id, user_id, name = key
        t = self.bot.i18n.bound(interaction)
        try:
            advanced = progress.submit(values)
        except AnswerError as error:
            await interaction.response.send_message(
                t(f"feedback.{error.key}", **error.fields),
                view=self._button(name, t("feedback.survey.retry")),
                ephemeral=True,
            )
            return
        if not advanced.done:
            self.drafts[key] = (advanced, self.bot.loop.time())
            await interaction.response.send_message(
                t("feedback.survey.page_saved", page=advanced.page, total=advanced.total_pages),
                view=self._button(
                    name,
                    t(
                        "feedback.survey.continue",
                        page=advanced.page + 1,
                        total=advanced.total_pages,
                    ),
                ),
                ephemeral=True,
            )
            return
        self.drafts.pop(key, None)
        response = await self.store.add_response(
            guild_id, name, user_id, dict(advanced.answers), now()
        )
        if response is None:
            raise UserError("feedback.survey.already")
        await interaction.response.send_message(
            t("feedback.survey.thanks", title=progress.survey.title),
            ephemeral=True,
        )
        self.service.emit(
            "feedback_survey_answer",
            guild_id=guild_id,
            survey=name,
            response_id=response.id,
            answers=response.answers,
        )
        for question in progress.survey.questions:
            score = response.answers.get(question.id)
            if question.kind == "nps" and isinstance(score, int):
                # Analytics reads NPS from its neutral event: a score, no member.
                self.bot.dispatch("analytics_event", guild_id, "nps", value=score)
