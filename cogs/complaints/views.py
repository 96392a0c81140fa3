"""Buttons and modals of the complaints feature.

Buttons in a ticket are :class:`discord.ui.DynamicItem`: their custom id
``vigie:complaints:<action>:<ticket id>[:<score>]`` carries the state, so they keep working
after a restart with no view kept per message. Callbacks hand over to the cog, which checks
who presses (staff for claim/unclaim/escalate/close, parties for state/rate/reopen).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.views import VigieModal, cog_or_fail, guarded

Submit = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]

TICKET_ACTIONS = ("claim", "unclaim", "escalate", "close", "reopen", "state")
_STYLES = {
    "claim": discord.ButtonStyle.success,
    "unclaim": discord.ButtonStyle.secondary,
    "escalate": discord.ButtonStyle.primary,
    "close": discord.ButtonStyle.danger,
    "reopen": discord.ButtonStyle.secondary,
    "state": discord.ButtonStyle.primary,
}


def _cog(interaction: discord.Interaction) -> Any:
    return cog_or_fail(interaction, "complaints")


class TicketButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"vigie:complaints:(?P<action>claim|unclaim|escalate|close|reopen|state):(?P<tid>\d+)",
):
    """One handling button of a ticket (the action and the ticket are in the custom id)."""

    def __init__(self, action: str, ticket_id: int, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=_STYLES[action],
                custom_id=f"vigie:complaints:{action}:{ticket_id}",
            )
        )
        self.action = action
        self.ticket_id = ticket_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> TicketButton:
        return cls(match["action"], int(match["tid"]), getattr(item, "label", "") or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        work = _cog(interaction).on_ticket_button(interaction, self.action, self.ticket_id)
        await guarded(interaction, f"ticket button {self.action}", work)


class RateButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"vigie:complaints:rate:(?P<tid>\d+):(?P<score>[1-5])",
):
    """One star of the satisfaction rating (1 to 5) offered when a ticket closes."""

    def __init__(self, ticket_id: int, score: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=str(score),
                emoji="⭐",
                style=discord.ButtonStyle.secondary,
                custom_id=f"vigie:complaints:rate:{ticket_id}:{score}",
            )
        )
        self.ticket_id = ticket_id
        self.score = score

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RateButton:
        return cls(int(match["tid"]), int(match["score"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        work = _cog(interaction).on_rate_button(interaction, self.ticket_id, self.score)
        await guarded(interaction, "rating button", work)


def ticket_view(ticket_id: int, labels: dict[str, str], actions: Sequence[str]) -> discord.ui.View:
    """A persistent view with the given handling buttons (labels already translated)."""
    view = discord.ui.View(timeout=None)
    for action in actions:
        view.add_item(TicketButton(action, ticket_id, labels.get(action, action)))
    return view


def rating_view(ticket_id: int, reopen_label: str | None) -> discord.ui.View:
    """Five rating buttons, and Reopen when the window allows it."""
    view = discord.ui.View(timeout=None)
    for score in range(1, 6):
        view.add_item(RateButton(ticket_id, score))
    if reopen_label:
        view.add_item(TicketButton("reopen", ticket_id, reopen_label))
    return view


@dataclass(frozen=True)
class Field:
    """One field of a :class:`FormModal`: a text input, or a select when ``options`` is set."""

    key: str
    label: str
    long: bool = False
    required: bool = True
    max_length: int = 1000
    placeholder: str | None = None
    options: tuple[tuple[str, str], ...] = ()  # (value, label) for a select


class FormModal(VigieModal):
    """A modal built from :class:`Field` s; ``submit(interaction, values)`` gets the answers."""

    def __init__(self, title: str, fields: Sequence[Field], submit: Submit) -> None:
        super().__init__(title=title[:45], timeout=900)
        self._submit = submit
        self._inputs: dict[str, discord.ui.TextInput[Any] | discord.ui.Select[Any]] = {}
        for spec in fields:
            component: discord.ui.TextInput[Any] | discord.ui.Select[Any]
            if spec.options:
                component = discord.ui.Select(
                    custom_id=spec.key,
                    options=[
                        discord.SelectOption(label=label[:100], value=value)
                        for value, label in spec.options[:25]
                    ],
                    min_values=1,
                    max_values=1,
                    required=spec.required,
                )
            else:
                component = discord.ui.TextInput(
                    custom_id=spec.key,
                    style=discord.TextStyle.paragraph if spec.long else discord.TextStyle.short,
                    required=spec.required,
                    max_length=spec.max_length,
                    placeholder=spec.placeholder,
                )
            self._inputs[spec.key] = component
            self.add_item(discord.ui.Label(text=spec.label[:45], component=component))

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        values: dict[str, str] = {}
        for key, component in self._inputs.items():
            if isinstance(component, discord.ui.Select):
                values[key] = component.values[0] if component.values else ""
            else:
                values[key] = (component.value or "").strip()
        await self._submit(interaction, values)
