"""discord.py objects -> the engine's plain MessageFacts (the only discord-aware part of it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from bot import checks

from .engine import MessageFacts


def is_staff(bot: Any, member: Any) -> bool:
    """Moderators, managers and the owner (exempt from rules unless a rule says otherwise)."""
    if not isinstance(member, discord.Member):
        return False
    return checks.privilege_of(bot, member) >= checks.Privilege.MODERATOR


def _member_fields(member: Any) -> dict[str, Any]:
    roles = getattr(member, "roles", None) or ()
    joined = getattr(member, "joined_at", None)
    return {
        "role_ids": frozenset(r.id for r in roles),
        "role_names": frozenset(r.name for r in roles),
        "account_created": member.created_at.timestamp(),
        "joined_at": joined.timestamp() if joined else None,
        "is_bot": bool(member.bot),
    }


def message_facts(
    bot: Any, message: discord.Message, invites: Mapping[str, int] | None = None
) -> MessageFacts:
    """What the engine needs to know about a guild message; ``invites`` maps the invite
    codes known so far to the server they open (the cog's cache, read, never copied)."""
    guild = message.guild
    assert guild is not None
    channel = message.channel
    category = getattr(channel, "category", None)
    mentions = len(set(message.raw_mentions)) + len(set(message.raw_role_mentions))
    if message.mention_everyone:
        mentions += 1
    if invites is None:
        invites = {guild.vanity_url_code: guild.id} if guild.vanity_url_code else {}
    return MessageFacts(
        guild_id=guild.id,
        channel_id=channel.id,
        author_id=message.author.id,
        content=message.content,
        created_at=message.created_at.timestamp(),
        message_id=message.id,
        channel_name=getattr(channel, "name", "") or "",
        category_id=category.id if category else None,
        category_name=category.name if category else "",
        is_staff=is_staff(bot, message.author),
        mentions=mentions,
        attachments=tuple(a.filename for a in message.attachments),
        known_invites=invites,
        **_member_fields(message.author),
    )


def name_facts(bot: Any, member: discord.Member, name: str, at: float) -> MessageFacts:
    """A member's nickname or username, checked by the rules listening to ``name``."""
    return MessageFacts(
        guild_id=member.guild.id,
        channel_id=0,
        author_id=member.id,
        content=name,
        created_at=at,
        is_staff=is_staff(bot, member),
        **_member_fields(member),
    )
