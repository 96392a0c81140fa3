"""Building and sending greetings, goodbyes and batched raid greetings.

A failing channel (deleted, or the bot without permission) is reported once to the mod log and
never retried in a loop; a member whose DMs are closed is noted once. Nothing here raises on a
Discord error: the caller's flow (journey, gate, roles) goes on.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.modlog import resolve_channel
from cogs.welcome import templates
from cogs.welcome.config import ChannelRef, WelcomeConfig
from cogs.welcome.raid_batching import split_mentions
from cogs.welcome.views import accept_view

if TYPE_CHECKING:
    from bot.app import Vigie

log = logging.getLogger(__name__)

DEFAULT_GREETINGS: tuple[str, ...] = (
    "welcome.greeting_1",
    "welcome.greeting_2",
    "welcome.greeting_3",
)
DEFAULT_GOODBYES: tuple[str, ...] = ("welcome.goodbye_1", "welcome.goodbye_2")
EMBED_COLOUR = discord.Colour.blurple()


@dataclass(frozen=True)
class Greeting:
    """One greeting ready to send."""

    content: str | None
    embed: discord.Embed | None
    view: discord.ui.View | None


class Greeter:
    """Renders templates for a member and sends them where the config says."""

    def __init__(self, bot: Vigie) -> None:
        self.bot = bot
        self.rng = random.Random()
        self._last_variant: dict[tuple[int, str], str] = {}
        # (guild_id, problem) already written to the mod log since the last config change.
        self.noted: set[tuple[int, str]] = set()

    # -- placeholders -------------------------------------------------------------------------
    def values(self, member: discord.Member, config: WelcomeConfig) -> dict[str, object]:
        guild = member.guild
        rules = resolve_channel(guild, config.rules_channel)
        if rules is not None:
            rules_text = getattr(rules, "mention", f"#{config.rules_channel}")
        elif config.rules_channel is not None:
            rules_text = f"#{config.rules_channel}"
        else:
            rules_text = "#rules"
        name = discord.utils.escape_mentions(discord.utils.escape_markdown(member.display_name))
        return {
            "member": member.mention,
            "member_name": name,
            "member_id": member.id,
            "server": discord.utils.escape_markdown(guild.name),
            "member_count": guild.member_count or len(guild.members),
            "rules_channel": rules_text,
        }

    def _pick(self, guild_id: int, kind: str, sources: tuple[str, ...]) -> str:
        chosen = templates.pick_variant(sources, self.rng, self._last_variant.get((guild_id, kind)))
        self._last_variant[(guild_id, kind)] = chosen
        return chosen

    def render(self, member: discord.Member, config: WelcomeConfig, kind: str, locale: str) -> str:
        """A greeting (``kind`` "greeting" or "dm") or goodbye ("goodbye") text for ``member``."""
        values = self.values(member, config)
        custom = {
            "greeting": config.greetings,
            "dm": config.dm_greetings or config.greetings,
            "goodbye": config.goodbye_messages,
        }[kind]
        if custom:
            return templates.render(self._pick(member.guild.id, kind, custom), values)
        keys = DEFAULT_GOODBYES if kind == "goodbye" else DEFAULT_GREETINGS
        if kind != "goodbye" and config.rules_channel is None:
            keys = tuple(k for k in keys if k != "welcome.greeting_2")  # it points to the rules
        return self.bot.i18n.t(locale, self._pick(member.guild.id, kind, keys), **values)

    def build(
        self, member: discord.Member, config: WelcomeConfig, locale: str, *, kind: str, gated: bool
    ) -> Greeting:
        """The message a newcomer sees (embed with avatar, or text), plus the accept button."""
        t = self.bot.i18n.t
        values = self.values(member, config)
        text = self.render(member, config, kind, locale)
        if gated:
            text = f"{text}\n\n{t(locale, 'welcome.gate_hint', **values)}"
        view = accept_view(member.guild.id, t(locale, "welcome.accept_button")) if gated else None
        if not config.embed:
            return Greeting(templates.truncate(text, 2000), None, view)
        embed = discord.Embed(
            title=templates.truncate(t(locale, "welcome.embed_title", **values), 256),
            description=templates.truncate(text, 4096),
            colour=EMBED_COLOUR,
        )
        embed.set_thumbnail(url=member.display_avatar.url)
        embed.set_footer(text=t(locale, "welcome.embed_footer", **values))
        # The mention goes in the content: mentions inside an embed do not notify.
        return Greeting(member.mention if kind != "dm" else None, embed, view)

    # -- sending --------------------------------------------------------------------------------
    async def note_once(
        self, guild: discord.Guild, problem: str, message_key: str, /, **fields: Any
    ) -> None:
        """Write ``message_key`` to the mod log unless ``problem`` was already reported."""
        if (guild.id, problem) in self.noted:
            return
        self.noted.add((guild.id, problem))
        await self.bot.modlog.write(guild, message_key, **fields)

    def channel(self, guild: discord.Guild, ref: ChannelRef) -> discord.abc.Messageable | None:
        return resolve_channel(guild, ref)

    async def send_to_channel(
        self,
        guild: discord.Guild,
        ref: ChannelRef,
        config_key: str,
        greeting: Greeting,
        mentions: discord.AllowedMentions,
    ) -> bool:
        """Post in the configured channel; a missing or forbidden channel is reported once."""
        if ref is None:
            return False
        channel = self.channel(guild, ref)
        if channel is None:
            await self._note_missing(guild, ref, config_key)
            return False
        try:
            await channel.send(
                content=greeting.content,
                embed=greeting.embed or discord.utils.MISSING,
                view=greeting.view or discord.utils.MISSING,
                allowed_mentions=mentions,
            )
        except discord.Forbidden:
            await self.note_once(
                guild,
                f"forbidden:{config_key}",
                "welcome.log.channel_forbidden",
                channel=getattr(channel, "mention", ref),
                setting=config_key,
            )
            return False
        except discord.NotFound:
            await self._note_missing(guild, ref, config_key)
            return False
        except discord.HTTPException as exc:
            log.warning("welcome: guild %s: sending in %s failed: %s", guild.id, ref, exc)
            return False
        # Working again: a later failure deserves a new line.
        self.noted.discard((guild.id, f"missing:{config_key}"))
        self.noted.discard((guild.id, f"forbidden:{config_key}"))
        return True

    async def _note_missing(self, guild: discord.Guild, ref: ChannelRef, config_key: str) -> None:
        await self.note_once(
            guild,
            f"missing:{config_key}",
            "welcome.log.channel_missing",
            channel=ref,
            setting=config_key,
        )

    async def send_dm(self, member: discord.Member, greeting: Greeting) -> bool | None:
        """DM the member: True sent, False refused (DMs closed), None other failure."""
        try:
            await member.send(
                content=greeting.content,
                embed=greeting.embed or discord.utils.MISSING,
                view=greeting.view or discord.utils.MISSING,
            )
        except discord.Forbidden:
            return False
        except discord.HTTPException as exc:
            log.warning("welcome: DM to %s failed: %s", member.id, exc)
            return None
        return True

    async def send_batch(
        self, guild: discord.Guild, config: WelcomeConfig, user_ids: list[int], overflow: int
    ) -> bool:
        """One message greeting every batched newcomer (mentions shown, nobody pinged)."""
        if config.channel is None or not (user_ids or overflow):
            return False
        locale = self.bot.i18n.locale_for(guild)
        shown, more = split_mentions(user_ids, config.max_mentions)
        more += overflow
        count = len(user_ids) + overflow
        t = self.bot.i18n.t
        if not shown:
            text = t(locale, "welcome.raid_batch_only_count", count=count)
        elif more:
            text = t(
                locale, "welcome.raid_batch_more", count=count, mentions=", ".join(shown), more=more
            )
        else:
            text = t(locale, "welcome.raid_batch", count=count, mentions=", ".join(shown))
        # Gated newcomers greeted in a batch still get the button (each press accepts for the presser).
        view = (
            accept_view(guild.id, t(locale, "welcome.accept_button"))
            if config.rules_enabled
            else None
        )
        greeting = Greeting(templates.truncate(text, 2000), None, view)
        return await self.send_to_channel(
            guild, config.channel, "welcome.channel", greeting, discord.AllowedMentions.none()
        )
