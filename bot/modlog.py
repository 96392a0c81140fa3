"""One way to write an audit line to a guild's mod log channel (``channels.modlog``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import discord

log = logging.getLogger(__name__)

# Where the bot can post in a guild: a text (or announcement) channel, a thread, a voice
# channel's chat. Each has an ``id`` and ``send``.
PostableChannel = discord.TextChannel | discord.Thread | discord.VoiceChannel


def resolve_channel(guild: discord.Guild, ref: Any) -> PostableChannel | None:
    """A text channel or thread of ``guild`` named by id (int or digits) or by name."""
    if ref is None or ref == "":
        return None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        found = guild.get_channel_or_thread(int(ref))
    else:
        name = str(ref).strip().lstrip("#").casefold()
        found = next((c for c in guild.text_channels if c.name.casefold() == name), None)
    if isinstance(found, PostableChannel):
        return found
    return None


class ModLog:
    """Posts translated audit lines; never raises, logs each kind of problem once per guild."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        self._warned: set[tuple[int, str]] = set()

    def _warn_once(self, guild: discord.Guild, reason: str, detail: str) -> None:
        if (guild.id, reason) not in self._warned:
            self._warned.add((guild.id, reason))
            log.warning("mod log of guild %s: %s", guild.id, detail)

    def channel_for(
        self, guild: discord.Guild, which: str = "modlog"
    ) -> discord.abc.Messageable | None:
        """The configured ``channels.<which>`` of the guild, if it exists."""
        ref = self.bot.configs.get(guild.id).get(f"channels.{which}")
        channel = resolve_channel(guild, ref)
        if ref not in (None, "") and channel is None:
            self._warn_once(guild, f"missing-{which}", f"channels.{which} {ref!r} not found")
        return channel

    async def write(
        self,
        guild: discord.Guild,
        key: str,
        /,
        *,
        embed_fields: Iterable[tuple[str, str]] | None = None,
        **fields: Any,
    ) -> discord.Message | None:
        """Post ``key`` (translated, placeholders from ``fields``) to the mod log channel."""
        channel = self.channel_for(guild)
        if channel is None:
            return None
        i18n = self.bot.i18n
        locale = i18n.locale_for(guild)
        text = i18n.t(locale, key, **fields)
        embed = None
        if embed_fields:
            embed = discord.Embed(colour=discord.Colour.dark_grey())
            for name, value in list(embed_fields)[:25]:
                embed.add_field(name=str(name)[:256], value=str(value)[:1024] or "-", inline=False)
        try:
            return await channel.send(
                text[:2000],
                embed=embed if embed is not None else discord.utils.MISSING,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.Forbidden:
            self._warn_once(guild, "forbidden", "missing permission to send in the mod log channel")
        except discord.HTTPException as exc:
            log.warning("mod log of guild %s: send failed: %s", guild.id, exc)
        return None
