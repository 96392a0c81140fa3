"""Level-ups: the announcement (channel, DM or off) and the reward roles (stacked or replacing).

Called off the message path, in a task of its own, for every level a member crosses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord

from bot.modlog import resolve_channel
from cogs.games.config import GamesSettings
from cogs.games.leveling import reward_roles
from cogs.games.xp_engine import LevelUp

log = logging.getLogger(__name__)


class LevelUps:
    """Announces level-ups and gives (or swaps) the reward roles, one member at a time."""

    def __init__(self, bot: Any, settings: Callable[[discord.Guild], GamesSettings | None]) -> None:
        self.bot = bot
        self._settings = settings
        self._reward_locks: dict[tuple[int, int], asyncio.Lock] = {}

    async def level_up(
        self, guild: discord.Guild, up: LevelUp, where: Any = None, member: Any = None
    ) -> None:
        """Announce the new level and give (or swap) the reward roles."""
        settings = self._settings(guild)
        if settings is None:
            return
        if not isinstance(member, discord.Member):
            member = await self._member(guild, up.user_id)
        if member is None:
            return
        await self._reward(guild, member, settings, up.new_level)
        levels = settings.levels
        if levels.announce == "off":
            return
        locale = self.bot.i18n.locale_for(guild)
        text = self.bot.i18n.t(locale, "games.level.up", member=member.mention, level=up.new_level)
        try:
            if levels.announce == "dm":
                await member.send(
                    self.bot.i18n.t(
                        locale, "games.level.up_dm", level=up.new_level, server=guild.name
                    )
                )
                return
            # The configured channel may be a thread: resolve_channel finds threads too.
            channel = (
                resolve_channel(guild, levels.announce_channel)
                if levels.announce_channel
                else where
            )
            if channel is not None:
                await channel.send(text, allowed_mentions=discord.AllowedMentions(users=[member]))
        except discord.HTTPException as exc:
            log.info("level-up announcement failed in guild %s: %s", guild.id, exc)

    async def _member(self, guild: discord.Guild, user_id: int) -> discord.Member | None:
        return guild.get_member(user_id) or await fetch_member(guild, user_id)

    async def _reward(
        self, guild: discord.Guild, member: discord.Member, settings: GamesSettings, level: int
    ) -> None:
        if not settings.levels.rewards:
            return
        # Two quick level-ups must not both work from the roles the member had before either:
        # one at a time per member, each reading the member's current roles.
        lock = self._reward_locks.setdefault((guild.id, member.id), asyncio.Lock())
        async with lock:
            fresh = await fetch_member(guild, member.id) or member
            await self._apply_reward(guild, fresh, settings, level)
        if not lock.locked():
            self._reward_locks.pop((guild.id, member.id), None)

    async def _apply_reward(
        self, guild: discord.Guild, member: discord.Member, settings: GamesSettings, level: int
    ) -> None:
        have = {r.id for r in member.roles}
        change = reward_roles(
            settings.levels.rewards, level, settings.levels.stack_rewards, held=have
        )
        add = [guild.get_role(r) for r in change.add if r not in have]
        remove = [guild.get_role(r) for r in change.remove if r in have]
        me = guild.me
        usable = [
            r
            for r in add + remove
            if r is not None and me is not None and r < me.top_role and not r.managed
        ]
        if len(usable) != len([r for r in add + remove if r is not None]):
            await self.bot.modlog.write(
                guild, "games.modlog.reward_unusable", member=member.mention, level=level
            )
        try:
            to_add = [r for r in add if r in usable]
            to_remove = [r for r in remove if r in usable]
            if to_add:
                await member.add_roles(*to_add, reason=f"Vigie: level {level} reward")
            if to_remove:
                await member.remove_roles(
                    *to_remove, reason=f"Vigie: level {level} reward replaces it"
                )
        except discord.HTTPException as exc:
            log.warning("level reward failed in guild %s: %s", guild.id, exc)
            await self.bot.modlog.write(
                guild, "games.modlog.reward_unusable", member=member.mention, level=level
            )


async def fetch_member(guild: discord.Guild, user_id: int) -> discord.Member | None:
    try:
        return await guild.fetch_member(user_id)
    except discord.HTTPException:
        return None  # left the server: no announcement, no role
