"""Members and bans: read, edit (nick, roles, timeout), role add/remove, kick, ban, unban."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sandbox import moderation
from sandbox import permissions as P
from sandbox import serializers as S
from sandbox.errors import ApiError, field_error, missing_permissions, unknown
from sandbox.models import Guild, Role
from sandbox.router import Ctx, route
from sandbox.routes.common import bot_member, get_guild, get_member, require, require_outranks
from sandbox.snowflake import now, parse_time

MAX_TIMEOUT = timedelta(days=28)
MEMBER_KICK, BAN_ADD, BAN_REMOVE, MEMBER_UPDATE, MEMBER_ROLE_UPDATE = 20, 22, 23, 24, 25


@route("GET", "/guilds/{guild_id}/members/{user_id}")
async def get_one(ctx: Ctx) -> Any:
    return S.member(get_member(get_guild(ctx), ctx.int_param("user_id")))


@route("GET", "/guilds/{guild_id}/members")
async def list_members(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    limit = max(1, min(int(ctx.query.get("limit", 1)), 1000))
    after = int(ctx.query.get("after", 0))
    members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
    return [S.member(m) for m in members[:limit]]


@route("GET", "/guilds/{guild_id}/members/search")
async def search(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    q = ctx.query.get("query", "").lower()
    limit = max(1, min(int(ctx.query.get("limit", 1)), 1000))
    found = [
        m
        for m in guild.members.values()
        if m.user.username.lower().startswith(q) or (m.nick or "").lower().startswith(q)
    ]
    return [S.member(m) for m in found[:limit]]


def _assignable(ctx: Ctx, guild: Guild, role: Role) -> None:
    """Discord refuses roles at or above the bot's top role, and managed roles."""
    me = bot_member(ctx, guild)
    if role.managed or role.id == guild.id:
        raise ApiError(403, 50013, "Missing Permissions")
    if me.id != guild.owner_id and role.position >= P.top_position(guild, me):
        raise missing_permissions()


@route("PATCH", "/guilds/{guild_id}/members/{user_id}")
async def edit_member(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    target = get_member(guild, ctx.int_param("user_id"))
    body = ctx.json or {}
    changes: list[dict[str, Any]] = []
    before_roles = list(target.roles)
    if "nick" in body:
        require(ctx, None, P.MANAGE_NICKNAMES, guild)
        if target.id != ctx.world.bot.id:
            require_outranks(ctx, guild, target)
        if body["nick"] is not None and len(body["nick"]) > 32:
            raise field_error(
                ["nick"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."
            )
        changes.append({"key": "nick", "old_value": target.nick, "new_value": body["nick"]})
    if "roles" in body:
        require(ctx, None, P.MANAGE_ROLES, guild)
        wanted = [int(r) for r in body["roles"] or []]
        for rid in set(wanted) ^ set(target.roles):
            role = guild.roles.get(rid)
            if role is None:
                raise unknown("Role")
            if not (role.managed and rid in target.roles):
                _assignable(ctx, guild, role)
    if "communication_disabled_until" in body:
        require(ctx, None, P.MODERATE_MEMBERS, guild)
        require_outranks(ctx, guild, target)
        until = parse_time(body["communication_disabled_until"])
        if until is not None:
            if P.base_permissions(guild, target) & P.ADMINISTRATOR:
                raise missing_permissions()
            if until > now() + MAX_TIMEOUT:
                raise field_error(
                    ["communication_disabled_until"],
                    "BASE_TYPE_BAD_TIME",
                    "Timeout must be at most 28 days in the future",
                )
        changes.append(
            {
                "key": "communication_disabled_until",
                "old_value": S.iso(target.communication_disabled_until),
                "new_value": body["communication_disabled_until"],
            }
        )
    if "mute" in body or "deaf" in body:
        require(ctx, None, (1 << 22) if "mute" in body else (1 << 23), guild)
    # All checks passed: apply.
    if "nick" in body:
        target.nick = body["nick"] or None
    if "roles" in body:
        target.roles = list(dict.fromkeys(int(r) for r in body["roles"] or []))
    if "communication_disabled_until" in body:
        target.communication_disabled_until = parse_time(body["communication_disabled_until"])
    target.mute = bool(body.get("mute", target.mute))
    target.deaf = bool(body.get("deaf", target.deaf))
    ctx.world.member_updated(guild, target)
    if changes:
        ctx.world.audit(
            guild,
            MEMBER_UPDATE,
            user_id=ctx.world.bot.id,
            target_id=target.id,
            reason=ctx.reason,
            changes=changes,
        )
    if target.roles != before_roles:
        _role_audit(ctx, guild, target.id, before_roles, target.roles)
    return S.member(target)


@route("PATCH", "/guilds/{guild_id}/members/@me")
async def edit_me(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    me = bot_member(ctx, guild)
    require(ctx, None, 1 << 26, guild)  # CHANGE_NICKNAME
    me.nick = (ctx.json or {}).get("nick") or None
    ctx.world.member_updated(guild, me)
    return S.member(me)


def _role_audit(
    ctx: Ctx, guild: Guild, target_id: int, before: list[int], after: list[int]
) -> None:
    added = [{"id": str(r), "name": guild.roles[r].name} for r in after if r not in before]
    removed = [
        {"id": str(r), "name": guild.roles[r].name}
        for r in before
        if r not in after and r in guild.roles
    ]
    changes = ([{"key": "$add", "new_value": added}] if added else []) + (
        [{"key": "$remove", "new_value": removed}] if removed else []
    )
    ctx.world.audit(
        guild,
        MEMBER_ROLE_UPDATE,
        user_id=ctx.world.bot.id,
        target_id=target_id,
        reason=ctx.reason,
        changes=changes,
    )


async def _member_role(ctx: Ctx, add: bool) -> Any:
    guild = get_guild(ctx)
    target = get_member(guild, ctx.int_param("user_id"))
    role = guild.roles.get(ctx.int_param("role_id"))
    if role is None:
        raise unknown("Role")
    require(ctx, None, P.MANAGE_ROLES, guild)
    _assignable(ctx, guild, role)
    before = list(target.roles)
    if add and role.id not in target.roles:
        target.roles.append(role.id)
    if not add and role.id in target.roles:
        target.roles.remove(role.id)
    if target.roles != before:
        ctx.world.member_updated(guild, target)
        _role_audit(ctx, guild, target.id, before, target.roles)
    return 204, None


@route("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def add_role(ctx: Ctx) -> Any:
    return await _member_role(ctx, True)


@route("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def remove_role(ctx: Ctx) -> Any:
    return await _member_role(ctx, False)


@route("DELETE", "/guilds/{guild_id}/members/{user_id}")
async def kick(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    target = get_member(guild, ctx.int_param("user_id"))
    require(ctx, None, P.KICK_MEMBERS, guild)
    require_outranks(ctx, guild, target)
    moderation.kick(ctx.world, guild, target, by=ctx.world.bot, reason=ctx.reason)
    return 204, None


@route("PUT", "/guilds/{guild_id}/bans/{user_id}")
async def ban(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    user = ctx.world.users.get(ctx.int_param("user_id"))
    if user is None:
        raise unknown("User")
    require(ctx, None, P.BAN_MEMBERS, guild)
    target = guild.members.get(user.id)
    if target is not None:
        require_outranks(ctx, guild, target)
    # Documented as a JSON field; discord.py sends it as a query parameter. Both work.
    body = {**ctx.query, **(ctx.json or {})}
    seconds = body.get("delete_message_seconds")
    if seconds is None and body.get("delete_message_days") is not None:
        seconds = int(body["delete_message_days"]) * 86400
    seconds = int(seconds or 0)
    if not 0 <= seconds <= 604800:
        raise field_error(
            ["delete_message_seconds"],
            "NUMBER_TYPE_MAX",
            "int value should be less than or equal to 604800.",
        )
    moderation.ban(
        ctx.world, guild, user, by=ctx.world.bot, reason=ctx.reason, delete_message_seconds=seconds
    )
    return 204, None


@route("DELETE", "/guilds/{guild_id}/bans/{user_id}")
async def unban(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    require(ctx, None, P.BAN_MEMBERS, guild)
    if not moderation.unban(
        ctx.world, guild, ctx.int_param("user_id"), by=ctx.world.bot, reason=ctx.reason
    ):
        raise unknown("Ban")
    return 204, None


@route("GET", "/guilds/{guild_id}/bans")
async def list_bans(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    require(ctx, None, P.BAN_MEMBERS, guild)
    bans = sorted(guild.bans.values(), key=lambda b: b.user.id)
    if "after" in ctx.query:
        bans = [b for b in bans if b.user.id > int(ctx.query["after"])]
    if "before" in ctx.query:
        bans = [b for b in bans if b.user.id < int(ctx.query["before"])][::-1]
    limit = max(1, min(int(ctx.query.get("limit", 1000)), 1000))
    return [S.ban(b) for b in bans[:limit]]


@route("GET", "/guilds/{guild_id}/bans/{user_id}")
async def get_ban(ctx: Ctx) -> Any:
    guild = get_guild(ctx)
    require(ctx, None, P.BAN_MEMBERS, guild)
    entry = guild.bans.get(ctx.int_param("user_id"))
    if entry is None:
        raise unknown("Ban")
    return S.ban(entry)
