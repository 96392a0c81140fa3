"""Guilds, their channels, roles, audit log and active threads."""

from __future__ import annotations

from typing import Any

from sandbox import moderation
from sandbox import permissions as P
from sandbox import serializers as S
from sandbox.errors import ApiError, field_error, unknown
from sandbox.models import ChannelType, Overwrite, Role
from sandbox.router import Ctx, route
from sandbox.routes.common import bot_member, get_guild, require

CHANNEL_CREATE, ROLE_CREATE, ROLE_UPDATE, ROLE_DELETE = 10, 30, 31, 32


@route("GET", "/guilds/{guild_id}")
async def get_one(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    data = S.guild_core(guild)
    if ctx.query.get("with_counts", "").lower() in ("1", "true"):
        data["approximate_member_count"] = len(guild.members)
        data["approximate_presence_count"] = 0
    return data


@route("GET", "/guilds/{guild_id}/preview")
async def preview(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": guild.icon,
        "splash": None,
        "discovery_splash": None,
        "emojis": [],
        "features": guild.features,
        "approximate_member_count": len(guild.members),
        "approximate_presence_count": 0,
        "description": guild.description,
        "stickers": [],
        "home_header": None,
    }


@route("GET", "/users/@me/guilds")
async def my_guilds(ctx: Ctx) -> Any:
    bot = ctx.world.bot
    out = []
    for guild in ctx.world.guilds.values():
        if bot.id in guild.members:
            me = guild.members[bot.id]
            out.append(
                {
                    "id": str(guild.id),
                    "name": guild.name,
                    "icon": guild.icon,
                    "banner": None,
                    "owner": guild.owner_id == bot.id,
                    "permissions": str(P.base_permissions(guild, me)),
                    "features": guild.features,
                }
            )
    return out


@route("DELETE", "/users/@me/guilds/{guild_id}")
async def leave(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    ctx.world.remove_member(guild, ctx.world.bot.id)
    ctx.world.bus.emit("GUILD_DELETE", {"id": str(guild.id)})
    return 204, None


@route("GET", "/guilds/{guild_id}/channels")
async def channels(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    return [S.channel(c) for c in guild.channels.values() if not c.is_thread]


def parse_overwrites(raw: list[dict[str, Any]] | None) -> dict[int, Overwrite]:
    out = {}
    for i, o in enumerate(raw or []):
        if "id" not in o:
            raise field_error(
                ["permission_overwrites", i, "id"], "BASE_TYPE_REQUIRED", "This field is required"
            )
        ow = Overwrite(
            id=int(o["id"]),
            type=int(o.get("type", 0)),
            allow=int(o.get("allow") or 0),
            deny=int(o.get("deny") or 0),
        )
        out[ow.id] = ow
    return out


@route("POST", "/guilds/{guild_id}/channels")
async def create_channel(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    require(ctx, None, P.MANAGE_CHANNELS, guild)
    body = ctx.json or {}
    name = body.get("name")
    if not name or len(name) > 100:
        raise field_error(["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    type_ = int(body.get("type") or 0)
    if type_ not in (0, 2, 4, 5, 13, 15, 16):
        raise field_error(["type"], "BASE_TYPE_CHOICES", "Value must be one of valid choices.")
    parent = body.get("parent_id")
    if parent is not None and int(parent) not in guild.channels:
        raise field_error(["parent_id"], "CHANNEL_PARENT_INVALID", "Category does not exist")
    fields: dict[str, Any] = {
        "topic": body.get("topic"),
        "nsfw": bool(body.get("nsfw")),
        "rate_limit_per_user": int(body.get("rate_limit_per_user") or 0),
        "overwrites": parse_overwrites(body.get("permission_overwrites")),
        "parent_id": int(parent) if parent else None,
    }
    channel = ctx.world.create_channel(guild, name, type_, **fields)
    ctx.world.audit(
        guild, CHANNEL_CREATE, user_id=ctx.world.bot.id, target_id=channel.id, reason=ctx.reason
    )
    return 201, S.channel(channel)


@route("GET", "/guilds/{guild_id}/threads/active")
async def active_threads(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    threads = [c for c in guild.channels.values() if c.is_thread and not c.archived]
    bot = ctx.world.bot.id
    return {
        "threads": [S.channel(t) for t in threads],
        "has_more": False,
        "members": [S.thread_member(t, bot) for t in threads if bot in t.thread_members],
    }


@route("GET", "/guilds/{guild_id}/roles")
async def roles(ctx: Ctx) -> Any:
    return [S.role(r) for r in get_guild(ctx).roles.values()]


def _check_role_editable(ctx: Ctx, role: Role) -> None:
    guild = ctx.world.guilds[role.guild_id]
    me = bot_member(ctx, guild)
    if me.id != guild.owner_id and role.position >= P.top_position(guild, me):
        raise ApiError(403, 50013, "Missing Permissions")


@route("POST", "/guilds/{guild_id}/roles")
async def create_role(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    require(ctx, None, P.MANAGE_ROLES, guild)
    body = ctx.json or {}
    perms = int(body.get("permissions") or 0)
    me = bot_member(ctx, guild)
    if perms & ~P.base_permissions(guild, me):
        raise ApiError(403, 50013, "Missing Permissions")
    role = moderation.create_role(
        ctx.world,
        guild,
        body.get("name") or "new role",
        by=me.user,
        reason=ctx.reason,
        permissions=perms,
        color=int(body.get("color") or 0),
        hoist=bool(body.get("hoist")),
        mentionable=bool(body.get("mentionable")),
    )
    return S.role(role)


@route("PATCH", "/guilds/{guild_id}/roles/{role_id}")
async def edit_role(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    role = guild.roles.get(ctx.int_param("role_id"))
    if role is None:
        raise unknown("Role")
    require(ctx, None, P.MANAGE_ROLES, guild)
    _check_role_editable(ctx, role)
    body = ctx.json or {}
    for key in ("name", "hoist", "mentionable"):
        if key in body and body[key] is not None:
            setattr(role, key, body[key])
    if body.get("color") is not None:
        role.color = int(body["color"])
    if body.get("permissions") is not None:
        role.permissions = int(body["permissions"])
    ctx.world.bus.emit("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": S.role(role)})
    ctx.world.audit(
        guild, ROLE_UPDATE, user_id=ctx.world.bot.id, target_id=role.id, reason=ctx.reason
    )
    return S.role(role)


@route("PATCH", "/guilds/{guild_id}/roles")
async def move_roles(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    require(ctx, None, P.MANAGE_ROLES, guild)
    for entry in ctx.json or []:
        role = guild.roles.get(int(entry["id"]))
        if role is None:
            raise unknown("Role")
        _check_role_editable(ctx, role)
        if entry.get("position") is not None:
            role.position = int(entry["position"])
            ctx.world.bus.emit(
                "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": S.role(role)}
            )
    return [S.role(r) for r in guild.roles.values()]


@route("DELETE", "/guilds/{guild_id}/roles/{role_id}")
async def delete_role(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    role = guild.roles.get(ctx.int_param("role_id"))
    if role is None:
        raise unknown("Role")
    require(ctx, None, P.MANAGE_ROLES, guild)
    _check_role_editable(ctx, role)
    if role.managed or role.id == guild.id:
        raise ApiError(400, 50028, "Invalid Role")
    del guild.roles[role.id]
    for member in guild.members.values():
        if role.id in member.roles:
            member.roles.remove(role.id)
    ctx.world.bus.emit("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)})
    ctx.world.audit(
        guild, ROLE_DELETE, user_id=ctx.world.bot.id, target_id=role.id, reason=ctx.reason
    )
    return 204, None


@route("GET", "/guilds/{guild_id}/audit-logs")
async def audit_logs(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    require(ctx, None, P.VIEW_AUDIT_LOG, guild)
    entries = sorted(guild.audit_log, key=lambda e: e.id, reverse=True)
    q = ctx.query
    if "user_id" in q:
        entries = [e for e in entries if e.user_id == int(q["user_id"])]
    if "action_type" in q:
        entries = [e for e in entries if e.action_type == int(q["action_type"])]
    if "before" in q:
        entries = [e for e in entries if e.id < int(q["before"])]
    if "after" in q:
        entries = sorted((e for e in entries if e.id > int(q["after"])), key=lambda e: e.id)
    entries = entries[: max(1, min(int(q.get("limit", 50)), 100))]
    ids = {e.user_id for e in entries} | {e.target_id for e in entries}
    users = [S.user(ctx.world.users[i]) for i in ids if i in ctx.world.users]
    threads = [
        S.channel(c)
        for c in guild.channels.values()
        if c.type in ChannelType.THREADS and c.id in ids
    ]
    return {
        "audit_log_entries": [S.audit_entry(e) for e in entries],
        "users": users,
        "integrations": [],
        "webhooks": [],
        "guild_scheduled_events": [],
        "threads": threads,
        "application_commands": [],
        "auto_moderation_rules": [],
    }
