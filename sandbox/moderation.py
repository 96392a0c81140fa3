"""Moderation effects shared by the REST routes (the bot acting) and actors (a human acting).

Callers check permissions first; these functions change the world, dispatch Discord's events
and write the audit log entry with `by` as the responsible user.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sandbox import serializers as S
from sandbox.models import Ban, Channel, ChannelType, Guild, Member, Role, User
from sandbox.snowflake import new_id, now
from sandbox.state import World

CHANNEL_DELETE, MEMBER_KICK, BAN_ADD, BAN_REMOVE, ROLE_CREATE = 12, 20, 22, 23, 30
MEMBER_UPDATE, MEMBER_ROLE_UPDATE, THREAD_DELETE = 24, 25, 112


def ban(
    world: World,
    guild: Guild,
    user: User,
    *,
    by: User,
    reason: str | None,
    delete_message_seconds: int = 0,
) -> None:
    if user.id in guild.members:
        world.remove_member(guild, user.id)
    guild.bans[user.id] = Ban(user=user, reason=reason)
    world.bus.emit("GUILD_BAN_ADD", {"guild_id": str(guild.id), "user": S.user(user)})
    if delete_message_seconds:
        cutoff = now() - timedelta(seconds=delete_message_seconds)
        for channel in list(guild.channels.values()):
            ids = [
                m.id
                for m in world.messages.get(channel.id, {}).values()
                if m.author.id == user.id and m.timestamp >= cutoff
            ]
            if ids:
                world.bulk_delete(channel, ids)
    world.audit(guild, BAN_ADD, user_id=by.id, target_id=user.id, reason=reason)


def unban(world: World, guild: Guild, user_id: int, *, by: User, reason: str | None) -> bool:
    entry = guild.bans.pop(user_id, None)
    if entry is None:
        return False
    world.bus.emit("GUILD_BAN_REMOVE", {"guild_id": str(guild.id), "user": S.user(entry.user)})
    world.audit(guild, BAN_REMOVE, user_id=by.id, target_id=user_id, reason=reason)
    return True


def kick(world: World, guild: Guild, target: Member, *, by: User, reason: str | None) -> None:
    world.remove_member(guild, target.id)
    world.audit(guild, MEMBER_KICK, user_id=by.id, target_id=target.id, reason=reason)


def set_timeout(
    world: World,
    guild: Guild,
    target: Member,
    until: datetime | None,
    *,
    by: User,
    reason: str | None,
) -> None:
    old = S.iso(target.communication_disabled_until)
    target.communication_disabled_until = until
    world.member_updated(guild, target)
    world.audit(
        guild,
        MEMBER_UPDATE,
        user_id=by.id,
        target_id=target.id,
        reason=reason,
        changes=[
            {"key": "communication_disabled_until", "old_value": old, "new_value": S.iso(until)}
        ],
    )


def set_roles(
    world: World, guild: Guild, target: Member, roles: list[int], *, by: User, reason: str | None
) -> None:
    before = list(target.roles)
    target.roles = list(dict.fromkeys(roles))
    if target.roles == before:
        return
    world.member_updated(guild, target)
    added = [{"id": str(r), "name": guild.roles[r].name} for r in target.roles if r not in before]
    removed = [
        {"id": str(r), "name": guild.roles[r].name}
        for r in before
        if r not in target.roles and r in guild.roles
    ]
    changes = ([{"key": "$add", "new_value": added}] if added else []) + (
        [{"key": "$remove", "new_value": removed}] if removed else []
    )
    world.audit(
        guild,
        MEMBER_ROLE_UPDATE,
        user_id=by.id,
        target_id=target.id,
        reason=reason,
        changes=changes,
    )


def create_role(
    world: World,
    guild: Guild,
    name: str,
    *,
    by: User,
    reason: str | None = None,
    permissions: int = 0,
    position: int = 1,
    color: int = 0,
    hoist: bool = False,
    mentionable: bool = False,
) -> Role:
    """Create a role at `position` (1 = just above @everyone, Discord's default).

    Roles at or above it move up one: GUILD_ROLE_UPDATE for each, as Discord sends, so a
    client's cached hierarchy stays right; then GUILD_ROLE_CREATE and the audit entry."""
    top = max((r.position for r in guild.roles.values()), default=0)
    position = min(max(1, position), top + 1)
    for other in sorted(guild.roles.values(), key=lambda r: r.position):
        if other.id != guild.id and other.position >= position:
            other.position += 1
            world.bus.emit("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": S.role(other)})
    role = Role(
        id=new_id(),
        guild_id=guild.id,
        name=name,
        permissions=permissions,
        position=position,
        color=color,
        hoist=hoist,
        mentionable=mentionable,
    )
    guild.roles[role.id] = role
    world.bus.emit("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": S.role(role)})
    world.audit(guild, ROLE_CREATE, user_id=by.id, target_id=role.id, reason=reason)
    return role


def delete_channel(world: World, channel: Channel, *, by: User, reason: str | None) -> None:
    """Delete a channel or thread: CHANNEL_DELETE / THREAD_DELETE and the audit entry.

    A deleted channel takes its threads with it (Discord sends no THREAD_DELETE for them:
    clients drop them on CHANNEL_DELETE); a deleted category's channels stay, uncategorized,
    each with a CHANNEL_UPDATE."""
    assert channel.guild_id is not None
    guild = world.guilds[channel.guild_id]
    guild.channels.pop(channel.id, None)
    world.messages.pop(channel.id, None)
    for child in [c for c in guild.channels.values() if c.parent_id == channel.id]:
        if child.is_thread:
            guild.channels.pop(child.id, None)
            world.messages.pop(child.id, None)
        elif channel.type == ChannelType.CATEGORY:
            child.parent_id = None
            world.bus.emit("CHANNEL_UPDATE", S.channel(child))
    if channel.is_thread:
        world.bus.emit(
            "THREAD_DELETE",
            {
                "id": str(channel.id),
                "guild_id": str(guild.id),
                "parent_id": str(channel.parent_id),
                "type": channel.type,
            },
        )
    else:
        world.bus.emit("CHANNEL_DELETE", S.channel(channel))
    world.audit(
        guild,
        THREAD_DELETE if channel.is_thread else CHANNEL_DELETE,
        user_id=by.id,
        target_id=channel.id,
        reason=reason,
    )
