"""Keeping tickets true to the world: first responses, members leaving, places deleted."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.user_error import UserError

from . import deadlines as dl
from . import effects, places
from . import tickets as tk
from .actions import finish
from .desk import Desk, now
from .tickets import Ticket

log = logging.getLogger(__name__)


async def first_response(desk: Desk, guild_id: int, ticket_id: int, at: Any) -> None:
    """A staff message in the place: stop the first-response clock (background task)."""
    try:
        old, new = await desk.transition(
            guild_id, ticket_id, lambda t: tk.record_staff_message(t, at)
        )
    except UserError:
        return  # the ticket was deleted meanwhile (forget_user): nothing to time any more
    if new is not None:
        effects.report_deadline_met(desk, old, dl.FIRST, at)
        await desk.arm(new)
        desk.bot.dispatch("complaint_first_response", new)


async def member_presence(desk: Desk, guild: discord.Guild, user_id: int, left: bool) -> None:
    """The member left (flag their open tickets) or came back (clear the flag)."""
    for ticket in await desk.store.open_tickets_of(guild.id, user_id):
        assert ticket.id is not None
        _, new = await desk.transition(guild.id, ticket.id, lambda t: tk.mark_member_left(t, left))
        if new is None:
            continue
        key = "complaints.member_left" if left else "complaints.member_back"
        await effects.say(
            await places.fetch_place(guild, new), desk.t(guild, key, who=f"<@{user_id}>")
        )
        await desk.record(new, "member_left" if left else "member_back", None, who=str(user_id))
    if left:
        await release_claims(desk, guild, user_id)


async def release_claims(desk: Desk, guild: discord.Guild, user_id: int) -> None:
    """A claimant left the server: their tickets go back to their tier, which is told."""
    config = desk.config(guild.id)
    for ticket in await desk.store.claimed_by(guild.id, user_id):
        assert ticket.id is not None
        try:
            _, new = await desk.transition(guild.id, ticket.id, lambda t: tk.unclaim(t, user_id))
        except UserError:
            continue  # someone else took it or closed it meanwhile
        assert new is not None
        role = places.tier_role(guild, config, new.tier)
        text = desk.t(
            guild,
            "complaints.claimant_left",
            who=f"<@{user_id}>",
            number=new.number,
            role=effects.role_mention(role, effects.tier_name(config, new.tier)),
        )
        await effects.say(await places.fetch_place(guild, new), text, roles=[role])
        await desk.record(new, "unclaim", None)


async def place_deleted(desk: Desk, guild: discord.Guild, channel_id: int) -> Ticket | None:
    """The thread or channel was deleted by hand: close the ticket with a note."""
    watched = desk.watched.get(channel_id)
    if watched is None:
        return None
    resolution = desk.t(guild, "complaints.place_deleted_resolution")
    me = guild.me.id if guild.me else 0
    try:
        _, new = await desk.transition(
            guild.id, watched.ticket_id, lambda t: tk.close(t, me, now(), resolution)
        )
    except UserError:
        # The ticket is gone (/privacy forget deleted it) or already closed: nothing to close,
        # only a place no longer worth following.
        desk.watched.pop(channel_id, None)
        return None
    if new is None:
        return None
    await desk.record(new, "place_deleted", None, resolution, internal=True)
    await finish(desk, guild, new, None, place_gone=True)
    return new


async def sweep_missing_places(desk: Desk) -> int:
    """After a (re)connection: close tickets whose place was deleted while we were away."""
    closed = 0
    for channel_id, watched in list(desk.watched.items()):
        guild = desk.bot.get_guild(watched.guild_id)
        if guild is None or guild.get_channel_or_thread(channel_id) is not None:
            continue
        try:
            await guild.fetch_channel(channel_id)
        except discord.NotFound:
            try:
                if await place_deleted(desk, guild, channel_id) is not None:
                    closed += 1
            except Exception:
                # One ticket that cannot be closed must not keep the others open.
                log.exception(
                    "complaints: closing the ticket of deleted place %s failed", channel_id
                )
        except discord.HTTPException:
            continue  # not sure it is gone: keep the ticket as it is
    return closed
