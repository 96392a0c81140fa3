"""Buttons and modals of the feedback feature.

Buttons that live on public messages (suggestion votes, poll options, the survey's "Answer",
the inbox's "Reply", a member's "Delete") are :class:`discord.ui.DynamicItem`: their custom id
``vigie:feedback:<action>:<args>`` carries the state, so they keep working after a restart
without keeping a view per message in memory. Their callbacks hand over to the cogs.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.views import VigieModal, cog_or_fail, guarded

from .surveys import FieldSpec

Submit = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]


class SuggestionVoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"vigie:feedback:sv:(?P<sid>\d+):(?P<vote>up|down)",
):
    """For / against on a suggestion: one vote per member, click again to withdraw."""

    def __init__(self, suggestion_id: int, vote: str, label: str = "") -> None:
        up = vote == "up"
        super().__init__(
            discord.ui.Button(
                label=label or None,
                emoji="👍" if up else "👎",
                style=discord.ButtonStyle.success if up else discord.ButtonStyle.danger,
                custom_id=f"vigie:feedback:sv:{suggestion_id}:{vote}",
            )
        )
        self.suggestion_id = suggestion_id
        self.vote = vote

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SuggestionVoteButton:
        return cls(int(match["sid"]), match["vote"], getattr(item, "label", "") or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = cog_or_fail(interaction, "feedback_suggestions")
        value = 1 if self.vote == "up" else -1
        await guarded(
            interaction, "suggestion vote", cog.on_vote(interaction, self.suggestion_id, value)
        )


class PollOptionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"vigie:feedback:pv:(?P<pid>\d+):(?P<option>\d+)",
):
    """One option of a poll."""

    def __init__(self, poll_id: int, option: int, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or str(option + 1),
                style=discord.ButtonStyle.primary,
                custom_id=f"vigie:feedback:pv:{poll_id}:{option}",
            )
        )
        self.poll_id = poll_id
        self.option = option

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PollOptionButton:
        return cls(int(match["pid"]), int(match["option"]), getattr(item, "label", "") or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = cog_or_fail(interaction, "feedback_polls")
        await guarded(interaction, "poll vote", cog.on_vote(interaction, self.poll_id, self.option))


class SurveyButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"vigie:feedback:survey:(?P<step>start|next):(?P<name>[a-z0-9_-]{1,32})",
):
    """ "Answer" under a posted survey (start) and "Continue" between its pages (next)."""

    def __init__(self, name: str, step: str, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or name,
                style=discord.ButtonStyle.primary,
                custom_id=f"vigie:feedback:survey:{step}:{name}",
            )
        )
        self.name = name
        self.step = step

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SurveyButton:
        return cls(match["name"], match["step"], getattr(item, "label", "") or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = cog_or_fail(interaction, "feedback_surveys")
        await guarded(
            interaction,
            "survey button",
            cog.on_button(interaction, self.name, self.step == "start"),
        )


class EntryButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"vigie:feedback:entry:(?P<action>reply|delete):(?P<eid>\d+)",
):
    """ "Reply" on an entry in the staff inbox; "Delete" on a member's own entry."""

    def __init__(self, entry_id: int, action: str, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=discord.ButtonStyle.danger
                if action == "delete"
                else discord.ButtonStyle.primary,
                custom_id=f"vigie:feedback:entry:{action}:{entry_id}",
            )
        )
        self.entry_id = entry_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> EntryButton:
        return cls(int(match["eid"]), match["action"], getattr(item, "label", "") or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = cog_or_fail(interaction, "feedback")
        if self.action == "reply":
            work = cog.on_reply_button(interaction, self.entry_id)
        else:
            work = cog.on_delete_button(interaction, self.entry_id)
        await guarded(interaction, f"entry {self.action}", work)


DYNAMIC_ITEMS = (SuggestionVoteButton, PollOptionButton, SurveyButton, EntryButton)


class FormModal(VigieModal):
    """A modal built from :class:`FieldSpec` inputs; ``on_submit`` hands the texts over."""

    def __init__(
        self,
        *,
        title: str,
        custom_id: str,
        fields: list[FieldSpec],
        on_submit: Submit,
        defaults: dict[str, str] | None = None,
    ) -> None:
        super().__init__(title=title, custom_id=custom_id, timeout=900)
        self._submit = on_submit
        self._inputs: dict[str, discord.ui.TextInput[Any]] = {}
        for spec in fields[:5]:
            text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
                label=spec.label,
                custom_id=spec.custom_id,
                placeholder=spec.placeholder,
                style=discord.TextStyle.paragraph if spec.paragraph else discord.TextStyle.short,
                required=spec.required,
                min_length=spec.min_length,
                max_length=spec.max_length,
                default=(defaults or {}).get(spec.custom_id),
            )
            self._inputs[spec.custom_id] = text_input
            self.add_item(text_input)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        values = {custom_id: item.value for custom_id, item in self._inputs.items()}
        await self._submit(interaction, values)


Reopen = Callable[[discord.Interaction], Awaitable[None]]


class RetryButton(discord.ui.Button["RetryView"]):
    """The "Try again" button: its callback reopens the form."""

    def __init__(self, label: str, reopen: Reopen) -> None:
        super().__init__(label=label, style=discord.ButtonStyle.primary)
        self._reopen = reopen

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "retry", self._reopen(interaction))


class RetryView(discord.ui.View):
    """A short-lived "Try again" button that reopens a form with what the member typed."""

    def __init__(self, label: str, reopen: Reopen) -> None:
        super().__init__(timeout=900)
        self.add_item(RetryButton(label, reopen))
