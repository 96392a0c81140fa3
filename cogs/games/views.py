"""Buttons of the games: leaderboard pages and multiple-choice trivia answers.

Neither view is persistent: a leaderboard page is a snapshot (its buttons stop after 10
minutes), and a trivia question lives only as long as the game that asked it (a restart
ends games, and a press on an old question is answered "no game in progress").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.views import VigieView

PageRenderer = Callable[[int], Awaitable[tuple[str, int]]]  # page -> (text, page count)
ChoiceHandler = Callable[
    [discord.Interaction, int, int], Awaitable[None]
]  # (interaction, question, choice)

CHOICE_LETTERS = "ABCDE"


class LeaderboardView(VigieView):
    """Previous / next page of a leaderboard; anyone may turn the pages."""

    def __init__(
        self, render: PageRenderer, page: int, pages: int, labels: tuple[str, str]
    ) -> None:
        super().__init__(timeout=600)
        self.render = render
        self.page = page
        self.pages = pages
        self.previous_page.label = labels[0]
        self.next_page.label = labels[1]
        self._sync()

    def _sync(self) -> None:
        self.previous_page.disabled = self.page <= 0
        self.next_page.disabled = self.page >= self.pages - 1

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        text, self.pages = await self.render(page)
        self.page = max(0, min(page, self.pages - 1))
        self._sync()
        await interaction.response.edit_message(content=text, view=self)

    @discord.ui.button(
        label="◀", style=discord.ButtonStyle.secondary, custom_id="vigie:games:lb:prev"
    )
    async def previous_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await self._show(interaction, self.page - 1)

    @discord.ui.button(
        label="▶", style=discord.ButtonStyle.secondary, custom_id="vigie:games:lb:next"
    )
    async def next_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await self._show(interaction, self.page + 1)


class _ChoiceButton(discord.ui.Button["ChoiceView"]):
    def __init__(self, question: int, index: int, text: str, row_id: int) -> None:
        super().__init__(
            label=f"{CHOICE_LETTERS[index]}. {text}"[:80],
            style=discord.ButtonStyle.primary,
            custom_id=f"vigie:games:choice:{row_id}:{question}:{index}",
        )
        self.question = question
        self.index = index

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        await self.view.on_choice(interaction, self.question, self.index)


class ChoiceView(VigieView):
    """One button per choice of a multiple-choice question."""

    def __init__(
        self,
        choices: tuple[str, ...],
        question: int,
        row_id: int,
        on_choice: ChoiceHandler,
        timeout: float,
    ) -> None:
        super().__init__(timeout=timeout)
        self.on_choice = on_choice
        for index, text in enumerate(choices):
            self.add_item(_ChoiceButton(question, index, text, row_id))
