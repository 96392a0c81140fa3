"""Owner tools reached by mentioning the bot: ``@Vigie sync [global|guild|clear]``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from bot.app import Vigie


class OwnerCommands(commands.Cog, name="Owner"):
    """Commands for the bot's owners only (BOT_OWNER_IDS, else the application owner)."""

    def __init__(self, bot: Vigie) -> None:
        self.bot = bot

    @commands.command(name="sync")
    @commands.is_owner()
    async def sync(self, ctx: commands.Context[Any], scope: str = "global") -> None:
        """Sync slash commands: ``global`` (every guild, slow to spread), ``guild`` (here), ``clear`` (here). Owner only."""
        tree = self.bot.tree
        locale = self.bot.i18n.locale_for(ctx.guild)
        if scope == "global":
            synced = await tree.sync()
        elif scope in ("guild", "clear") and ctx.guild is not None:
            target = discord.Object(ctx.guild.id)
            if scope == "clear":
                tree.clear_commands(guild=target)
            else:
                tree.copy_global_to(guild=target)
            synced = await tree.sync(guild=target)
        else:
            await ctx.reply(self.bot.i18n.t(locale, "core.sync_usage"))
            return
        await ctx.reply(self.bot.i18n.t(locale, "core.sync_done", count=len(synced), scope=scope))
