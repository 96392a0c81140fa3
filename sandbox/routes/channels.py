"""Channels and threads: read, edit, delete, permission overwrites, thread creation, members."""

from __future__ import annotations

from typing import Any

from sandbox import moderation
from sandbox import permissions as P
from sandbox import serializers as S
from sandbox.errors import ApiError, field_error, unknown
from sandbox.models import Channel, ChannelType, Overwrite
from sandbox.router import Ctx, route
from sandbox.routes.common import build_message, get_channel, get_message, require
from sandbox.routes.guilds import parse_overwrites
from sandbox.snowflake import now, parse_time

CHANNEL_UPDATE, CHANNEL_DELETE = 11, 12
OVERWRITE_CREATE, OVERWRITE_UPDATE, OVERWRITE_DELETE = 13, 14, 15
THREAD_CREATE, THREAD_UPDATE, THREAD_DELETE = 110, 111, 112
ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


def _channel_event(ctx: Ctx, channel: Channel, suffix: str) -> None:
    name = ("THREAD_" if channel.is_thread else "CHANNEL_") + suffix
    ctx.world.bus.emit(name, S.channel(channel, users=ctx.world.users))


@route("GET", "/channels/{channel_id}")
async def get_one(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, 0)
    return S.channel(channel, users=ctx.world.users)


@route("PATCH", "/channels/{channel_id}")
async def edit(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    body = ctx.json or {}
    if channel.is_thread:
        own = channel.owner_id == ctx.world.bot.id and set(body) <= {
            "name",
            "archived",
            "auto_archive_duration",
        }
        if not own:
            require(ctx, channel, P.MANAGE_THREADS)
    else:
        require(ctx, channel, P.MANAGE_CHANNELS)
        if "permission_overwrites" in body:
            require(ctx, channel, P.MANAGE_ROLES)
    if "name" in body and not 1 <= len(body["name"] or "") <= 100:
        raise field_error(["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    if "rate_limit_per_user" in body and not 0 <= int(body["rate_limit_per_user"] or 0) <= 21600:
        raise field_error(
            ["rate_limit_per_user"],
            "NUMBER_TYPE_MAX",
            "int value should be less than or equal to 21600.",
        )
    if "auto_archive_duration" in body and body["auto_archive_duration"] not in ARCHIVE_DURATIONS:
        raise field_error(
            ["auto_archive_duration"],
            "BASE_TYPE_CHOICES",
            "Value must be one of (60, 1440, 4320, 10080).",
        )
    for key in (
        "name",
        "topic",
        "nsfw",
        "position",
        "locked",
        "invitable",
        "auto_archive_duration",
    ):
        if key in body:
            setattr(channel, key, body[key])
    if "rate_limit_per_user" in body:
        channel.rate_limit_per_user = int(body["rate_limit_per_user"] or 0)
    if "parent_id" in body:
        channel.parent_id = int(body["parent_id"]) if body["parent_id"] else None
    if "archived" in body:
        channel.archived = bool(body["archived"])
        channel.archive_timestamp = now()
    if "permission_overwrites" in body:
        channel.overwrites = parse_overwrites(body["permission_overwrites"])
    _channel_event(ctx, channel, "UPDATE")
    guild = ctx.world.guilds[channel.guild_id]
    ctx.world.audit(
        guild,
        THREAD_UPDATE if channel.is_thread else CHANNEL_UPDATE,
        user_id=ctx.world.bot.id,
        target_id=channel.id,
        reason=ctx.reason,
    )
    return S.channel(channel)


@route("DELETE", "/channels/{channel_id}")
async def delete(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    if channel.type == ChannelType.DM:
        return S.channel(channel, users=ctx.world.users)
    require(ctx, channel, P.MANAGE_THREADS if channel.is_thread else P.MANAGE_CHANNELS)
    moderation.delete_channel(ctx.world, channel, by=ctx.world.bot, reason=ctx.reason)
    return S.channel(channel)


@route("PUT", "/channels/{channel_id}/permissions/{overwrite_id}")
async def put_overwrite(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.MANAGE_ROLES)
    body = ctx.json or {}
    if body.get("type") not in (0, 1):
        raise field_error(["type"], "BASE_TYPE_CHOICES", "Value must be one of (0, 1).")
    oid = ctx.int_param("overwrite_id")
    existed = oid in channel.overwrites
    channel.overwrites[oid] = Overwrite(
        id=oid,
        type=int(body["type"]),
        allow=int(body.get("allow") or 0),
        deny=int(body.get("deny") or 0),
    )
    _channel_event(ctx, channel, "UPDATE")
    ctx.world.audit(
        ctx.world.guilds[channel.guild_id],
        OVERWRITE_UPDATE if existed else OVERWRITE_CREATE,
        user_id=ctx.world.bot.id,
        target_id=channel.id,
        reason=ctx.reason,
    )
    return 204, None


@route("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}")
async def delete_overwrite(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.MANAGE_ROLES)
    if channel.overwrites.pop(ctx.int_param("overwrite_id"), None) is not None:
        _channel_event(ctx, channel, "UPDATE")
        ctx.world.audit(
            ctx.world.guilds[channel.guild_id],
            OVERWRITE_DELETE,
            user_id=ctx.world.bot.id,
            target_id=channel.id,
            reason=ctx.reason,
        )
    return 204, None


def _thread_args(body: dict[str, Any]) -> tuple[str, int]:
    name = body.get("name") or ""
    if not 1 <= len(name) <= 100:
        raise field_error(["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    duration = int(body.get("auto_archive_duration") or 1440)
    if duration not in ARCHIVE_DURATIONS:
        raise field_error(
            ["auto_archive_duration"],
            "BASE_TYPE_CHOICES",
            "Value must be one of (60, 1440, 4320, 10080).",
        )
    return name, duration


@route("POST", "/channels/{channel_id}/messages/{message_id}/threads")
async def thread_from_message(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.CREATE_PUBLIC_THREADS)
    msg = get_message(ctx, channel)
    if msg.thread_id is not None:
        raise ApiError(400, 160004, "A thread has already been created for this message")
    name, duration = _thread_args(ctx.json or {})
    thread = ctx.world.create_thread(
        channel, name, owner=ctx.world.bot, from_message=msg, auto_archive_duration=duration
    )
    _audit_thread(ctx, thread)
    return 201, S.channel(thread)


@route("POST", "/channels/{channel_id}/threads")
async def thread_without_message(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    body = ctx.json or {}
    name, duration = _thread_args(body)
    if channel.type == ChannelType.FORUM:
        require(ctx, channel, P.SEND_MESSAGES)
        thread = ctx.world.create_thread(
            channel, name, owner=ctx.world.bot, auto_archive_duration=duration
        )
        starter = build_message(ctx.sb, thread, ctx.world.bot, body.get("message"), ctx.files)
        starter.id = thread.id
        ctx.world.add_message(starter)
        data = S.channel(thread)
        data["message"] = ctx.world.message_json(starter)
        _audit_thread(ctx, thread)
        return 201, data
    type_ = int(body.get("type") or ChannelType.PRIVATE_THREAD)
    if type_ not in (
        ChannelType.PUBLIC_THREAD,
        ChannelType.PRIVATE_THREAD,
        ChannelType.NEWS_THREAD,
    ):
        raise field_error(["type"], "BASE_TYPE_CHOICES", "Value must be one of (10, 11, 12).")
    need = (
        P.CREATE_PRIVATE_THREADS if type_ == ChannelType.PRIVATE_THREAD else P.CREATE_PUBLIC_THREADS
    )
    require(ctx, channel, need)
    thread = ctx.world.create_thread(
        channel,
        name,
        owner=ctx.world.bot,
        type_=type_,
        auto_archive_duration=duration,
        invitable=bool(body.get("invitable", True)),
    )
    if body.get("rate_limit_per_user"):
        thread.rate_limit_per_user = int(body["rate_limit_per_user"])
    _audit_thread(ctx, thread)
    return 201, S.channel(thread)


def _audit_thread(ctx: Ctx, thread: Channel) -> None:
    ctx.world.audit(
        ctx.world.guilds[thread.guild_id],
        THREAD_CREATE,
        user_id=ctx.world.bot.id,
        target_id=thread.id,
        reason=ctx.reason,
    )


def _thread(ctx: Ctx) -> Channel:
    thread = get_channel(ctx)
    if not thread.is_thread:
        raise ApiError(400, 50024, "Cannot execute action on this channel type")
    return thread


@route("PUT", "/channels/{channel_id}/thread-members/@me")
async def join_thread(ctx: Ctx) -> Any:
    thread = _thread(ctx)
    if thread.type == ChannelType.PRIVATE_THREAD:
        require(ctx, thread, P.MANAGE_THREADS)
    ctx.world.join_thread(thread, ctx.world.bot)
    return 204, None


@route("PUT", "/channels/{channel_id}/thread-members/{user_id}")
async def add_thread_member(ctx: Ctx) -> Any:
    thread = _thread(ctx)
    require(ctx, thread, P.SEND_MESSAGES_IN_THREADS)
    user = ctx.world.users.get(ctx.int_param("user_id"))
    guild = ctx.world.guilds[thread.guild_id]
    if user is None or user.id not in guild.members:
        raise unknown("Member")
    ctx.world.join_thread(thread, user)
    return 204, None


@route("DELETE", "/channels/{channel_id}/thread-members/@me")
async def leave_thread(ctx: Ctx) -> Any:
    ctx.world.leave_thread(_thread(ctx), ctx.world.bot.id)
    return 204, None


@route("DELETE", "/channels/{channel_id}/thread-members/{user_id}")
async def remove_thread_member(ctx: Ctx) -> Any:
    thread = _thread(ctx)
    require(ctx, thread, P.MANAGE_THREADS)
    ctx.world.leave_thread(thread, ctx.int_param("user_id"))
    return 204, None


@route("GET", "/channels/{channel_id}/thread-members/{user_id}")
async def get_thread_member(ctx: Ctx) -> Any:
    thread = _thread(ctx)
    uid = ctx.int_param("user_id")
    if uid not in thread.thread_members:
        raise unknown("Member")
    return S.thread_member(thread, uid)


@route("GET", "/channels/{channel_id}/thread-members")
async def list_thread_members(ctx: Ctx) -> Any:
    thread = _thread(ctx)
    return [S.thread_member(thread, uid) for uid in thread.thread_members]


@route("POST", "/channels/{channel_id}/typing")
async def typing(ctx: Ctx) -> Any:
    require(ctx, get_channel(ctx), P.SEND_MESSAGES)
    return 204, None


def _pins_event(ctx: Ctx, channel: Channel) -> None:
    data: dict[str, Any] = {"channel_id": str(channel.id), "last_pin_timestamp": S.iso(now())}
    if channel.guild_id:
        data["guild_id"] = str(channel.guild_id)
    ctx.world.bus.emit("CHANNEL_PINS_UPDATE", data)


@route("PUT", "/channels/{channel_id}/messages/pins/{message_id}")
async def pin(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.MANAGE_MESSAGES)
    msg = get_message(ctx, channel)
    if not msg.pinned:
        msg.pinned, msg.pinned_at = True, now()
        ctx.world.edit_message(msg, touch=False)
        _pins_event(ctx, channel)
    return 204, None


@route("DELETE", "/channels/{channel_id}/messages/pins/{message_id}")
async def unpin(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.MANAGE_MESSAGES)
    msg = get_message(ctx, channel)
    if msg.pinned:
        msg.pinned, msg.pinned_at = False, None
        ctx.world.edit_message(msg, touch=False)
        _pins_event(ctx, channel)
    return 204, None


@route("GET", "/channels/{channel_id}/messages/pins")
async def list_pins(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.READ_MESSAGE_HISTORY)
    pinned = sorted(
        (m for m in ctx.world.messages.get(channel.id, {}).values() if m.pinned),
        key=lambda m: m.pinned_at or now(),
        reverse=True,
    )
    if "before" in ctx.query:
        before = parse_time(ctx.query["before"])
        pinned = [m for m in pinned if m.pinned_at and before and m.pinned_at < before]
    limit = max(1, min(int(ctx.query.get("limit", 50)), 50))
    return {
        "items": [
            {"pinned_at": S.iso(m.pinned_at), "message": ctx.world.message_json(m)}
            for m in pinned[:limit]
        ],
        "has_more": len(pinned) > limit,
    }
