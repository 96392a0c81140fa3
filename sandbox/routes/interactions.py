"""Interaction callbacks, follow-ups and @original (webhook routes by token, no auth)."""

from __future__ import annotations

import time
from typing import Any

from sandbox import serializers as S
from sandbox.errors import ApiError, unknown
from sandbox.interactions import (
    AUTOCOMPLETE_RESULT,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    LOADING_FLAG,
    MESSAGE,
    MODAL,
    PONG,
    UPDATE_MESSAGE,
    InteractionRecord,
    InteractionResponse,
)
from sandbox.models import Message
from sandbox.router import Ctx, route
from sandbox.routes.common import apply_edit, build_message
from sandbox.snowflake import new_id

TOKEN_LIFETIME = 15 * 60


def _record_by_token(ctx: Ctx) -> InteractionRecord:
    if ctx.params.get("webhook_id") != str(ctx.sb.application.id):
        raise unknown("Webhook")
    rec = ctx.sb.interaction_by_token(ctx.params["webhook_token"])
    if rec is None or time.monotonic() - rec.created > TOKEN_LIFETIME:
        raise unknown("Webhook")
    return rec


def _interaction_meta(rec: InteractionRecord) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "id": str(rec.id),
        "type": rec.type,
        "user": S.user(rec.user),
        "authorizing_integration_owners": {"0": rec.payload.get("guild_id") or "0"},
    }
    if rec.type == 2:
        meta["name"] = rec.payload["data"]["name"]
        meta["command_type"] = rec.payload["data"].get("type", 1)
    if rec.message is not None:
        meta["interacted_message_id"] = str(rec.message.id)
    return meta


def _new_message(
    ctx: Ctx, rec: InteractionRecord, data: dict[str, Any] | None, *, loading: bool = False
) -> Message:
    """The message an answer creates: from its payload, or an empty 'thinking' one (defer)."""
    channel = ctx.world.channel(int(rec.payload["channel_id"]))
    if channel is None:
        raise unknown("Channel")
    origin: dict[str, Any] = {
        "webhook_id": ctx.sb.application.id,
        "application_id": ctx.sb.application.id,
        "interaction_metadata": _interaction_meta(rec),
    }
    if loading:
        flags = LOADING_FLAG | (((data or {}).get("flags") or 0) & 64)
        msg = Message(
            id=new_id(), channel_id=channel.id, author=ctx.world.bot, flags=flags, **origin
        )
    else:
        msg = build_message(ctx.sb, channel, ctx.world.bot, data, ctx.files, **origin)
    if rec.type == 2:
        msg.type = 20  # CHAT_INPUT_COMMAND
    return msg


@route("POST", "/interactions/{interaction_id}/{interaction_token}/callback", auth=False)
async def callback(ctx: Ctx) -> Any:
    rec = ctx.sb.interaction_by_token(ctx.params["interaction_token"])
    if rec is None or str(rec.id) != ctx.params["interaction_id"]:
        raise ApiError(404, 10062, "Unknown interaction")
    deadline = ctx.sb.interaction_deadline
    if deadline is not None and time.monotonic() - rec.created > deadline:
        raise ApiError(404, 10062, "Unknown interaction")
    if rec.first is not None:
        raise ApiError(400, 40060, "Interaction has already been acknowledged.")
    body = ctx.json or {}
    cb_type = int(body.get("type", 0))
    data = body.get("data") or {}
    message: Message | None = None
    if cb_type == PONG and rec.type != 1:
        raise ApiError(400, 50035, "Invalid Form Body")
    if cb_type == MESSAGE:
        message = ctx.world.add_message(_new_message(ctx, rec, data))
    elif cb_type == DEFERRED_MESSAGE:
        message = ctx.world.add_message(_new_message(ctx, rec, data, loading=True))
    elif cb_type in (DEFERRED_UPDATE, UPDATE_MESSAGE):
        if rec.message is None:
            raise ApiError(400, 40004, "Interaction is not a component interaction")
        message = rec.message
        if cb_type == UPDATE_MESSAGE:
            ctx.world.edit_message(message, **apply_edit(ctx.sb, message, data, ctx.files))
    elif cb_type == MODAL:
        if rec.type == 5:
            raise ApiError(400, 50035, "Invalid Form Body")
    elif cb_type != AUTOCOMPLETE_RESULT and cb_type != PONG:
        raise ApiError(
            400,
            50035,
            "Invalid Form Body",
            {
                "type": {
                    "_errors": [
                        {
                            "code": "BASE_TYPE_CHOICES",
                            "message": "Value must be one of valid choices.",
                        }
                    ]
                }
            },
        )
    rec.callbacks.append(body)
    rec.first = InteractionResponse(type=cb_type, data=data, message=message)
    rec.original = message
    rec.changed.notify()
    if ctx.query.get("with_response", "").lower() not in ("1", "true"):
        return 204, None
    answer: dict[str, Any] = {
        "interaction": {
            "id": str(rec.id),
            "type": rec.type,
            "response_message_loading": cb_type == DEFERRED_MESSAGE,
            "response_message_ephemeral": bool(message and message.ephemeral),
        }
    }
    if message is not None:
        answer["interaction"]["response_message_id"] = str(message.id)
        answer["resource"] = {"type": cb_type, "message": ctx.world.message_json(message)}
    else:
        answer["resource"] = {"type": cb_type}
    return 200, answer


@route("POST", "/webhooks/{webhook_id}/{webhook_token}", auth=False)
async def followup(ctx: Ctx) -> Any:
    rec = _record_by_token(ctx)
    if rec.first is None:
        raise ApiError(404, 10015, "Unknown Webhook")
    msg = ctx.world.add_message(_new_message(ctx, rec, ctx.json))
    rec.followup_messages.append(msg)
    rec.changed.notify()
    if ctx.query.get("wait", "").lower() not in ("1", "true"):
        return 204, None
    return ctx.world.message_json(msg)


def _target(ctx: Ctx, rec: InteractionRecord) -> Message:
    mid = ctx.params.get("message_id", "@original")
    if mid == "@original":
        if rec.original is None or rec.original.deleted:
            raise unknown("Message")
        return rec.original
    for msg in rec.followup_messages:
        if str(msg.id) == mid and not msg.deleted:
            return msg
    raise unknown("Message")


async def _get(ctx: Ctx) -> Any:
    rec = _record_by_token(ctx)
    return ctx.world.message_json(_target(ctx, rec))


async def _patch(ctx: Ctx) -> Any:
    rec = _record_by_token(ctx)
    msg = _target(ctx, rec)
    changes = apply_edit(ctx.sb, msg, ctx.json, ctx.files)
    if msg.flags & LOADING_FLAG:
        changes["flags"] = (msg.flags & ~LOADING_FLAG) | changes.get("flags", 0)
    ctx.world.edit_message(msg, **changes)
    rec.changed.notify()
    return ctx.world.message_json(msg)


async def _delete(ctx: Ctx) -> Any:
    rec = _record_by_token(ctx)
    msg = _target(ctx, rec)
    ctx.world.delete_message(msg)
    rec.changed.notify()
    return 204, None


for _tpl in (
    "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
    "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
):
    route("GET", _tpl, auth=False)(_get)
    route("PATCH", _tpl, auth=False)(_patch)
    route("DELETE", _tpl, auth=False)(_delete)
