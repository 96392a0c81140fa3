"""Confirmation buttons for the admin commands that change or erase data.

They are not persistent on purpose: a confirmation is only meaningful for the few minutes
after the manager looked at the diff (or at the member to forget). After a restart the buttons
simply stop working and the manager runs the command again.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

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
        self.add_item(
            _Choice(
                self._confirm,
                label=confirm_label,
                style=discord.ButtonStyle.danger if danger else discord.ButtonStyle.success,
                custom_id=f"vigie:admin:confirm:{nonce}",
            )
        )
        self.add_item(
            _Choice(
                self._cancel,
                label=cancel_label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"vigie:admin:cancel:{nonce}",
            )
        )

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


class _Choice(discord.ui.Button[ConfirmView]):
    """A button that runs the view's handler it was made with (Apply or Cancel)."""

    def __init__(
        self, action: Action, *, label: str, style: discord.ButtonStyle, custom_id: str
    ) -> None:
        super().__init__(label=label, style=style, custom_id=custom_id)
        self._action = action

    async def callback(self, interaction: discord.Interaction) -> None:
        await self._action(interaction)
