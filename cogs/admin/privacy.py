"""/privacy: what Vigie stores about a member in this server, exported or forgotten.

Every feature store registered with ``bot.register_store`` answers ``export_user`` and
``forget_user``; ``bot.privacy`` walks them, always for the current server only.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks

from . import render
from .views import ConfirmView

if TYPE_CHECKING:
    from bot.app import Vigie

log = logging.getLogger(__name__)


class PrivacyCog(commands.Cog, name="privacy"):
    """Members' data: export or erase it (managers), or see your own (everyone)."""

    # Discord only honours default permissions on top-level commands, and `/privacy mine` is
    # for every member, so this group stays visible; export and forget re-check at run time.
    privacy = app_commands.Group(
        name="privacy",
        description="What Vigie stores about members of this server.",
        guild_only=True,
    )

    def __init__(self, bot: Vigie) -> None:
        self.bot = bot

    def t(self, interaction: discord.Interaction, key: str, **fields: Any) -> str:
        return self.bot.i18n.t(self.bot.i18n.locale_for(interaction), key, **fields)

    async def forget(self, guild_id: int, user_id: int) -> int:
        """Erase ``user_id``'s rows in ``guild_id`` from every store; returns rows removed.

        Then dispatches ``member_data_forgotten(guild_id, user_id)``: a feature that keeps
        rows in memory before a batched write must drop that member's share, or its next
        flush would write back what was just erased.
        """
        counts = await self.bot.privacy.forget_user(guild_id, user_id)
        self.bot.dispatch("member_data_forgotten", guild_id, user_id)
        return sum(int(n or 0) for n in counts.values())

    async def _export_file(self, guild_id: int, user_id: int) -> discord.File:
        payload = await self.bot.privacy.export_user(guild_id, user_id)
        return discord.File(io.BytesIO(render.json_dump(payload)), filename=f"vigie-{user_id}.json")

    @privacy.command(name="mine")
    async def privacy_mine(self, interaction: discord.Interaction) -> None:
        """See what Vigie stores about you in this server, as a JSON file (every member)."""
        assert interaction.guild_id is not None
        file = await self._export_file(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(
            self.t(interaction, "admin.privacy_mine"),
            file=file,
            ephemeral=True,
        )

    @privacy.command(name="export")
    @app_commands.describe(member="The member whose data to export")
    @checks.manager_only()
    async def privacy_export(self, interaction: discord.Interaction, member: discord.User) -> None:
        """Export what Vigie stores about a member here, as JSON (Manage Server or manager role)."""
        assert interaction.guild_id is not None
        file = await self._export_file(interaction.guild_id, member.id)
        await interaction.response.send_message(
            self.t(interaction, "admin.privacy_exported", member=member.mention),
            file=file,
            ephemeral=True,
        )

    @privacy.command(name="forget")
    @app_commands.describe(member="The member whose data to erase from this server")
    @checks.manager_only()
    async def privacy_forget(self, interaction: discord.Interaction, member: discord.User) -> None:
        """Erase what Vigie stores about a member here, after confirmation (Manage Server)."""
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id

        async def erase(click: discord.Interaction) -> None:
            removed = await self.forget(guild_id, member.id)
            await click.response.edit_message(
                content=self.t(
                    click, "admin.privacy_forgotten", member=member.mention, count=removed
                ),
                view=None,
            )
            if click.guild is not None:
                # Who asked and how much, never what: the data is gone on purpose.
                await self.bot.modlog.write(
                    click.guild,
                    "admin.modlog_forgot",
                    user=click.user.mention,
                    member=f"{member} ({member.id})",
                    count=removed,
                )

        view = ConfirmView(
            author_id=interaction.user.id,
            confirm_label=self.t(interaction, "admin.button_forget"),
            cancel_label=self.t(interaction, "admin.button_cancel"),
            cancelled_text=self.t(interaction, "admin.cancelled"),
            not_yours_text=self.t(interaction, "admin.not_yours"),
            on_confirm=erase,
            danger=True,
        )
        await interaction.response.send_message(
            self.t(interaction, "admin.privacy_confirm", member=member.mention),
            view=view,
            ephemeral=True,
        )
