"""Application commands: bulk overwrite and listing, global and per guild."""

from __future__ import annotations

from typing import Any

from sandbox.errors import ApiError, field_error, unknown
from sandbox.router import Ctx, route
from sandbox.snowflake import new_id


def _normalize(
    ctx: Ctx, raw: dict[str, Any], guild_id: int | None, existing: list[dict[str, Any]]
) -> dict[str, Any]:
    if not raw.get("name"):
        raise field_error(["name"], "BASE_TYPE_REQUIRED", "This field is required")
    type_ = raw.get("type", 1)
    old = next(
        (c for c in existing if c["name"] == raw["name"] and c.get("type", 1) == type_), None
    )
    cmd: dict[str, Any] = {
        "id": old["id"] if old else str(new_id()),
        "application_id": str(ctx.sb.application.id),
        "version": str(new_id()),
        "type": type_,
        "name": raw["name"],
        "name_localizations": raw.get("name_localizations"),
        "description": raw.get("description", ""),
        "description_localizations": raw.get("description_localizations"),
        "options": raw.get("options", []),
        "default_member_permissions": raw.get("default_member_permissions"),
        "dm_permission": raw.get("dm_permission", True),
        "nsfw": raw.get("nsfw", False),
        "contexts": raw.get("contexts"),
        "integration_types": raw.get("integration_types", [0]),
    }
    if guild_id is not None:
        cmd["guild_id"] = str(guild_id)
    return cmd


def _guild_id(ctx: Ctx) -> int:
    gid = ctx.int_param("guild_id")
    if gid not in ctx.world.guilds:
        raise unknown("Guild")
    return gid


def _check_app(ctx: Ctx) -> None:
    if ctx.params.get("application_id") != str(ctx.sb.application.id):
        raise ApiError(403, 50001, "Missing Access")


@route("PUT", "/applications/{application_id}/commands")
async def put_global(ctx: Ctx) -> Any:
    _check_app(ctx)
    app = ctx.sb.application
    app.global_commands = [_normalize(ctx, c, None, app.global_commands) for c in ctx.json or []]
    return app.global_commands


@route("GET", "/applications/{application_id}/commands")
async def get_global(ctx: Ctx) -> Any:
    _check_app(ctx)
    return ctx.sb.application.global_commands


@route("POST", "/applications/{application_id}/commands")
async def post_global(ctx: Ctx) -> Any:
    _check_app(ctx)
    app = ctx.sb.application
    cmd = _normalize(ctx, ctx.json or {}, None, app.global_commands)
    app.global_commands = [c for c in app.global_commands if c["id"] != cmd["id"]] + [cmd]
    return 201, cmd


@route("DELETE", "/applications/{application_id}/commands/{command_id}")
async def delete_global(ctx: Ctx) -> Any:
    _check_app(ctx)
    app = ctx.sb.application
    before = len(app.global_commands)
    app.global_commands = [c for c in app.global_commands if c["id"] != ctx.params["command_id"]]
    if len(app.global_commands) == before:
        raise unknown("application command")
    return 204, None


@route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
async def put_guild(ctx: Ctx) -> Any:
    _check_app(ctx)
    gid = _guild_id(ctx)
    app = ctx.sb.application
    old = app.guild_commands.get(gid, [])
    app.guild_commands[gid] = [_normalize(ctx, c, gid, old) for c in ctx.json or []]
    return app.guild_commands[gid]


@route("GET", "/applications/{application_id}/guilds/{guild_id}/commands")
async def get_guild(ctx: Ctx) -> Any:
    _check_app(ctx)
    return ctx.sb.application.guild_commands.get(_guild_id(ctx), [])
