"""The complaints listeners: messages in ticket places (hot path), members, deleted places.

Mixed into the cog (``self.bot`` and ``self.desk`` come from it). A failure here is logged
with its context and never stops the other listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord
from discord.ext import commands

from . import upkeep

log = logging.getLogger(__name__)


async def logged(what: str, guild_id: int | None, work: Awaitable[Any]) -> None:
    """Run a listener's work; a failure is logged with its guild and stays in the listener."""
    try:
        await work
    except Exception:
        log.exception("complaints: %s failed in guild %s", what, guild_id)


class TicketListeners:
    """Gateway events that matter to open tickets."""

    bot: Any
    desk: Any

    def watch_message(self, message: discord.Message) -> None:
        """The message hook: one dict lookup for every message; no awaited database call."""
        watched = self.desk.watched.get(message.channel.id)
        if watched is None or message.author.bot:
            return
        self.desk.queue_message(watched, message, "message")
        if watched.ticket_id in self.desk.answered or message.author.id in watched.parties:
            return
        if self.desk.is_staff(message.author, self.desk.config(watched.guild_id)):
            self.desk.answered.add(watched.ticket_id)
            self.desk.spawn(
                upkeep.first_response(
                    self.desk, watched.guild_id, watched.ticket_id, message.created_at
                )
            )

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        watched = self.desk.watched.get(payload.channel_id)
        if watched is None or payload.message.author.bot or "content" not in payload.data:
            return
        self.desk.queue_message(watched, payload.message, "edit")

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # A thread deleted while Vigie was offline sent no event: look for it once connected.
        try:
            closed = await upkeep.sweep_missing_places(self.desk)
        except Exception:
            log.exception("complaints: looking for deleted ticket places failed")
            return
        if closed:
            log.info("complaints: closed %d tickets whose place was deleted while offline", closed)

    @commands.Cog.listener()
    async def on_thread_member_remove(self, member: discord.ThreadMember) -> None:
        watched = self.desk.watched.get(member.thread_id)
        if watched is None:
            return
        if (member.thread_id, member.id) in self.desk.own_removals:
            self.desk.own_removals.discard((member.thread_id, member.id))
            return
        guild = self.bot.get_guild(watched.guild_id)
        person = guild.get_member(member.id) if guild is not None else None
        self.desk.queue_leave(watched, member.id, person.display_name if person else str(member.id))

    @commands.Cog.listener()
    async def on_config_changed(self, guild_id: int) -> None:
        await logged("re-arming deadlines", guild_id, self.desk.rearm_guild(guild_id))

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        if guild is not None and self.bot.feature_enabled(guild.id, "complaints"):
            work = upkeep.member_presence(self.desk, guild, payload.user.id, left=True)
            await logged("flagging a member leaving", guild.id, work)

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if self.bot.feature_enabled(member.guild.id, "complaints"):
            work = upkeep.member_presence(self.desk, member.guild, member.id, left=False)
            await logged("unflagging a member back", member.guild.id, work)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        if guild is not None and payload.thread_id in self.desk.watched:
            work = upkeep.place_deleted(self.desk, guild, payload.thread_id)
            await logged("closing a deleted thread's ticket", guild.id, work)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        if channel.id in self.desk.watched:
            work = upkeep.place_deleted(self.desk, channel.guild, channel.id)
            await logged("closing a deleted channel's ticket", channel.guild.id, work)
