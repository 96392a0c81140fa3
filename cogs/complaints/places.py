"""Where a ticket lives on Discord: a private thread, or a channel in a tickets category.

Everything here talks to Discord and nothing else: create the place, let people in or out,
lock it on close and unlock it on reopen. Who may do what is decided before these are called.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.checks import role_matches
from bot.modlog import resolve_channel
from bot.user_error import UserError

from .config import ComplaintsConfig
from .tickets import Kind, Ticket

log = logging.getLogger(__name__)

Place = discord.Thread | discord.TextChannel
# Adding members one by one costs a request each: past this many, the role mention must do.
MAX_ADDED_PER_ROLE = 50


def role_by_ref(guild: discord.Guild, ref: Any) -> discord.Role | None:
    """A role of the guild named in config by id or exact name."""
    return next((r for r in guild.roles if role_matches(r, [ref])), None)


def tier_role(guild: discord.Guild, config: ComplaintsConfig, tier: int) -> discord.Role | None:
    """The role of ``tier`` (clamped to the configured tiers), by id or name."""
    return role_by_ref(guild, config.tiers[max(0, min(tier, config.top_tier))].role)


def place_name(ticket: Ticket) -> str:
    """``ticket-0042`` or ``dispute-0042``: short, sortable, no member name in it."""
    prefix = "dispute" if ticket.kind is Kind.DISPUTE else "ticket"
    return f"{prefix}-{ticket.number:04d}"


def parent_channel(
    guild: discord.Guild, config: ComplaintsConfig, fallback: Any
) -> discord.TextChannel:
    """The text channel under which private threads are made (config, else where used)."""
    configured = resolve_channel(guild, config.channel)
    if isinstance(configured, discord.TextChannel):
        return configured
    if isinstance(fallback, discord.Thread) and isinstance(fallback.parent, discord.TextChannel):
        return fallback.parent
    if isinstance(fallback, discord.TextChannel):
        return fallback
    raise UserError("complaints.errors.no_parent_channel")


def _category(guild: discord.Guild, ref: Any) -> discord.CategoryChannel | None:
    if ref is None:
        return None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        found = guild.get_channel(int(ref))
        return found if isinstance(found, discord.CategoryChannel) else None
    name = str(ref).strip().casefold()
    return next((c for c in guild.categories if c.name.casefold() == name), None)


async def create_place(
    guild: discord.Guild,
    config: ComplaintsConfig,
    ticket: Ticket,
    fallback_channel: Any,
    members: list[discord.Member],
) -> Place:
    """Make the thread or channel for ``ticket`` with ``members`` and the first tier in it."""
    role = tier_role(guild, config, ticket.tier)
    name = place_name(ticket)
    reason = f"ticket #{ticket.number}"
    try:
        if config.mode == "channel":
            overwrites: dict[Any, discord.PermissionOverwrite] = {
                guild.default_role: discord.PermissionOverwrite(view_channel=False),
                guild.me: discord.PermissionOverwrite(
                    view_channel=True, send_messages=True, manage_channels=True
                ),
            }
            if role is not None:
                overwrites[role] = discord.PermissionOverwrite(
                    view_channel=True, send_messages=True
                )
            for member in members:
                overwrites[member] = discord.PermissionOverwrite(
                    view_channel=True, send_messages=True, attach_files=True
                )
            return await guild.create_text_channel(
                name,
                category=_category(guild, config.category),
                overwrites=overwrites,
                reason=reason,
            )
        parent = parent_channel(guild, config, fallback_channel)
        # A week of quiet before Discord archives it: deadlines can be days long.
        thread = await parent.create_thread(
            name=name,
            type=discord.ChannelType.private_thread,
            invitable=False,
            auto_archive_duration=10080,
            reason=reason,
        )
        try:
            for member in members:
                await thread.add_user(member)
            if role is not None:
                await add_role_members(thread, role)
        except Exception:
            # The ticket is dropped: its thread must not stay behind, empty, for staff to find.
            try:
                await thread.delete(reason=reason)
            except discord.HTTPException as exc:
                log.warning(
                    "guild %s: could not delete unused thread %s: %s", guild.id, thread.id, exc
                )
            raise
        return thread
    except discord.Forbidden as exc:
        log.warning("guild %s: cannot create the ticket place: %s", guild.id, exc)
        raise UserError("complaints.errors.cannot_create_place") from exc


async def add_role_members(place: Place, role: discord.Role) -> None:
    """Let a tier in: channel overwrite, or each role member added to the private thread."""
    if isinstance(place, discord.TextChannel):
        await place.set_permissions(role, view_channel=True, send_messages=True)
        return
    for member in role.members[:MAX_ADDED_PER_ROLE]:
        if not member.bot:
            await place.add_user(member)


async def add_member(place: Place, member: discord.Member) -> None:
    """Let one person in."""
    if isinstance(place, discord.TextChannel):
        await place.set_permissions(
            member, view_channel=True, send_messages=True, attach_files=True
        )
    else:
        await place.add_user(member)


async def remove_member(place: Place, member: discord.Member) -> None:
    """Take one person out."""
    if isinstance(place, discord.TextChannel):
        await place.set_permissions(member, overwrite=None)
    else:
        await place.remove_user(member)


async def set_closed(place: Place, ticket: Ticket, closed: bool) -> None:
    """Lock the place on close (parties can still read and rate), unlock it on reopen."""
    try:
        if isinstance(place, discord.Thread):
            await place.edit(locked=closed)
        else:
            for party in ticket.parties():
                target = await member_or_none(place.guild, party)
                if target is not None:
                    await place.set_permissions(target, view_channel=True, send_messages=not closed)
    except discord.HTTPException as exc:
        log.warning(
            "ticket #%s: could not %s its place: %s",
            ticket.number,
            "lock" if closed else "unlock",
            exc,
        )


async def member_or_none(guild: discord.Guild, user_id: int) -> discord.Member | None:
    """The member from cache, else from Discord; None when they left."""
    member = guild.get_member(user_id)
    if member is not None or not user_id:
        return member
    try:
        return await guild.fetch_member(user_id)
    except discord.HTTPException:
        return None


def find_place(guild: discord.Guild, ticket: Ticket) -> Place | None:
    """The ticket's thread or channel if Discord still has it in cache."""
    if ticket.channel_id is None:
        return None
    found = guild.get_channel_or_thread(ticket.channel_id)
    return found if isinstance(found, discord.Thread | discord.TextChannel) else None


async def fetch_place(guild: discord.Guild, ticket: Ticket) -> Place | None:
    """Like :func:`find_place`, asking Discord when the cache misses (archived threads)."""
    found = find_place(guild, ticket)
    if found is not None or ticket.channel_id is None:
        return found
    try:
        fetched = await guild.fetch_channel(ticket.channel_id)
    except (discord.NotFound, discord.Forbidden):
        return None
    return fetched if isinstance(fetched, discord.Thread | discord.TextChannel) else None
