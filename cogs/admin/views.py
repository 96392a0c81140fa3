"""Confirmation buttons for the admin commands that change or erase data.

They are not persistent on purpose: a confirmation is only meaningful for the few minutes
after the manager looked at the diff (or at the member to forget). After a restart the buttons
simply stop working and the manager runs the command again.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.views import VigieView

Action = Callable[[discord.Interaction], Awaitable[None]]

CONFIRM_TIMEOUT = 300.0


class ConfirmView(VigieView):
    """Apply / Cancel, usable only by the person who ran the command, once."""

    def __init__(
        self,
        *,
        author_id: int,
        confirm_label: str,
        cancel_label: str,
        cancelled_text: str,
        not_yours_text: str,
        on_confirm: Action,
        danger: bool = False,
    ) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.author_id = author_id
        self.cancelled_text = cancelled_text
        self.not_yours_text = not_yours_text
        self._on_confirm = on_confirm
        self.done = False
        nonce = secrets.token_hex(4)
        confirm: discord.ui.Button[Any] = discord.ui.Button(
            label=confirm_label,
            style=discord.ButtonStyle.danger if danger else discord.ButtonStyle.success,
            custom_id=f"vigie:admin:confirm:{nonce}",
        )
        cancel: discord.ui.Button[Any] = discord.ui.Button(
            label=cancel_label,
            style=discord.ButtonStyle.secondary,
            custom_id=f"vigie:admin:cancel:{nonce}",
        )
        confirm.callback = self._confirm
        cancel.callback = self._cancel
        self.add_item(confirm)
        self.add_item(cancel)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.author_id:
            await interaction.response.send_message(self.not_yours_text, ephemeral=True)
            return False
        return True

    async def _confirm(self, interaction: discord.Interaction) -> None:
        if self.done:
            return
        # Marked first so that a double click never applies the change twice.
        self.done = True
        self.stop()
        await self._on_confirm(interaction)

    async def _cancel(self, interaction: discord.Interaction) -> None:
        self.done = True
        self.stop()
        await interaction.response.edit_message(content=self.cancelled_text, view=None, embed=None)
