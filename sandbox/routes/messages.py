"""Channel messages: create, read, edit, delete, bulk delete, reactions."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import unquote

from sandbox import permissions as P
from sandbox import serializers as S
from sandbox.errors import ApiError, field_error, unknown
from sandbox.models import ChannelType
from sandbox.router import Ctx, route
from sandbox.routes.common import apply_edit, build_message, get_channel, get_message, require
from sandbox.snowflake import DISCORD_EPOCH_MS

FOURTEEN_DAYS_MS = 14 * 24 * 3600 * 1000


@route("POST", "/channels/{channel_id}/messages")
async def create_message(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    need = P.SEND_MESSAGES_IN_THREADS if channel.is_thread else P.SEND_MESSAGES
    if ctx.files:
        need |= P.ATTACH_FILES
    require(ctx, channel, need)
    if channel.type == ChannelType.DM and not all(
        ctx.world.users[u].accepts_dms for u in channel.recipients if u in ctx.world.users
    ):
        raise ApiError(403, 50007, "Cannot send messages to this user")
    if channel.is_thread and channel.locked:
        raise ApiError(400, 50083, "Thread is archived")
    wait = ctx.world.slowmode_wait(channel, ctx.world.bot_member_of(channel))
    if wait > 0:
        raise ApiError(
            429,
            20016,
            "This action cannot be performed due to slowmode rate limit.",
            retry_after=round(wait, 3),
        )
    msg = build_message(ctx.sb, channel, ctx.world.bot, ctx.json, ctx.files)
    ctx.world.add_message(msg)
    return ctx.world.message_json(msg)


@route("GET", "/channels/{channel_id}/messages")
async def list_messages(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.READ_MESSAGE_HISTORY)
    msgs = sorted(
        (m for m in ctx.world.messages.get(channel.id, {}).values() if not m.ephemeral),
        key=lambda m: m.id,
        reverse=True,
    )
    limit = max(1, min(int(ctx.query.get("limit", 50)), 100))
    if "before" in ctx.query:
        msgs = [m for m in msgs if m.id < int(ctx.query["before"])]
    if "after" in ctx.query:
        msgs = [m for m in msgs if m.id > int(ctx.query["after"])]
        msgs = sorted(msgs, key=lambda m: m.id)[:limit][::-1]
    if "around" in ctx.query:
        pivot = int(ctx.query["around"])
        older = [m for m in msgs if m.id <= pivot][: (limit + 1) // 2]
        newer = sorted((m for m in msgs if m.id > pivot), key=lambda m: m.id)[: limit // 2]
        msgs = newer[::-1] + older
    return [ctx.world.message_json(m) for m in msgs[:limit]]


@route("GET", "/channels/{channel_id}/messages/{message_id}")
async def get_one(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.READ_MESSAGE_HISTORY)
    return ctx.world.message_json(get_message(ctx, channel))


@route("PATCH", "/channels/{channel_id}/messages/{message_id}")
async def edit(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    msg = get_message(ctx, channel)
    if msg.author.id != ctx.world.bot.id:
        # Others' messages: only the suppress-embeds flag may change.
        if set(ctx.json or {}) - {"flags"}:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        require(ctx, channel, P.MANAGE_MESSAGES)
    ctx.world.edit_message(msg, **apply_edit(ctx.sb, msg, ctx.json, ctx.files))
    return ctx.world.message_json(msg)


@route("DELETE", "/channels/{channel_id}/messages/{message_id}")
async def delete(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    msg = get_message(ctx, channel)
    if msg.author.id != ctx.world.bot.id and channel.type != ChannelType.DM:
        require(ctx, channel, P.MANAGE_MESSAGES)
        guild = ctx.world.guilds[channel.guild_id]
        ctx.world.audit(
            guild, 72, user_id=ctx.world.bot.id, target_id=msg.author.id, reason=ctx.reason
        )
    ctx.world.delete_message(msg)
    return 204, None


@route("POST", "/channels/{channel_id}/messages/bulk-delete")
async def bulk_delete(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.MANAGE_MESSAGES)
    raw = (ctx.json or {}).get("messages")
    if not isinstance(raw, list):
        raise field_error(["messages"], "BASE_TYPE_REQUIRED", "This field is required")
    if len(raw) < 2:
        raise field_error(["messages"], "BASE_TYPE_MIN_LENGTH", "Must be 2 or more in length.")
    if len(raw) > 100:
        raise field_error(["messages"], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    ids = list(dict.fromkeys(int(i) for i in raw))
    if len(ids) != len(raw):
        raise ApiError(
            400,
            50016,
            "Provided too few or too many messages to delete. "
            "Must provide at least 2 and fewer than 100 messages to delete.",
        )
    cutoff = time.time() * 1000 - FOURTEEN_DAYS_MS
    for mid in ids:
        if (mid >> 22) + DISCORD_EPOCH_MS < cutoff:
            raise ApiError(
                400, 50034, "You can only bulk delete messages that are under 14 days old."
            )
    existing = [i for i in ids if ctx.world.message(channel.id, i) is not None]
    ctx.world.bulk_delete(channel, existing)
    return 204, None


def _emoji_key(raw: str) -> str:
    """The reaction key: a unicode emoji, or name:id for a custom one (URL-decoded)."""
    return unquote(raw)


@route("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me")
async def add_reaction(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.ADD_REACTIONS | P.READ_MESSAGE_HISTORY)
    msg = get_message(ctx, channel)
    key = _emoji_key(ctx.params["emoji_name"])
    if len(msg.reactions) >= 20 and key not in msg.reactions:
        raise ApiError(403, 30010, "Maximum number of reactions reached (20)")
    ctx.world.react(msg, ctx.world.bot, key, add=True)
    return 204, None


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me")
async def remove_own_reaction(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    msg = get_message(ctx, channel)
    ctx.world.react(msg, ctx.world.bot, _emoji_key(ctx.params["emoji_name"]), add=False)
    return 204, None


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/{user_id}")
async def remove_reaction(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.MANAGE_MESSAGES)
    msg = get_message(ctx, channel)
    user = ctx.world.users.get(ctx.int_param("user_id"))
    if user is None:
        raise unknown("User")
    ctx.world.react(msg, user, _emoji_key(ctx.params["emoji_name"]), add=False)
    return 204, None


@route("GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}")
async def list_reactors(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    msg = get_message(ctx, channel)
    ids = msg.reactions.get(_emoji_key(ctx.params["emoji_name"]), [])
    return [S.user(ctx.world.users[i]) for i in ids if i in ctx.world.users]


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}")
async def clear_emoji(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.MANAGE_MESSAGES)
    msg = get_message(ctx, channel)
    key = _emoji_key(ctx.params["emoji_name"])
    if msg.reactions.pop(key, None):
        data = {"channel_id": str(channel.id), "message_id": str(msg.id), "emoji": S._emoji(key)}
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        ctx.world.bus.emit("MESSAGE_REACTION_REMOVE_EMOJI", data)
    return 204, None


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions")
async def clear_reactions(ctx: Ctx) -> Any:
    channel = get_channel(ctx)
    require(ctx, channel, P.MANAGE_MESSAGES)
    msg = get_message(ctx, channel)
    msg.reactions.clear()
    data = {"channel_id": str(channel.id), "message_id": str(msg.id)}
    if channel.guild_id:
        data["guild_id"] = str(channel.guild_id)
    ctx.world.bus.emit("MESSAGE_REACTION_REMOVE_ALL", data)
    return 204, None
