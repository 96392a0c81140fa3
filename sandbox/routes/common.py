"""Lookups, permission checks and message building shared by the REST handlers."""

from __future__ import annotations

import mimetypes
import re
from typing import TYPE_CHECKING, Any

from sandbox import permissions as P
from sandbox.errors import ApiError, missing_access, missing_permissions, unknown
from sandbox.limits import ATTACHMENT_SIZE_LIMIT, check_message
from sandbox.models import Attachment, Channel, Guild, Member, Message, User
from sandbox.router import Ctx
from sandbox.snowflake import new_id

if TYPE_CHECKING:
    from sandbox.sandbox import Sandbox

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def get_channel(ctx: Ctx, param: str = "channel_id") -> Channel:
    channel = ctx.world.channel(ctx.int_param(param))
    if channel is None:
        raise unknown("Channel")
    return channel


def get_guild(ctx: Ctx) -> Guild:
    guild = ctx.world.guilds.get(ctx.int_param("guild_id"))
    if guild is None or ctx.world.bot.id not in guild.members:
        raise unknown("Guild")
    return guild


def get_message(ctx: Ctx, channel: Channel) -> Message:
    msg = ctx.world.message(channel.id, ctx.int_param("message_id"))
    if msg is None or msg.ephemeral:
        raise unknown("Message")
    return msg


def get_member(guild: Guild, user_id: int) -> Member:
    member = guild.members.get(user_id)
    if member is None:
        raise unknown("Member")
    return member


def bot_member(ctx: Ctx, guild: Guild) -> Member:
    member = guild.members.get(ctx.world.bot.id)
    if member is None:
        raise missing_access()
    return member


def require(ctx: Ctx, channel: Channel | None, perm: int, guild: Guild | None = None) -> None:
    """403 50001 without VIEW_CHANNEL in the channel, 403 50013 without `perm`."""
    if guild is None:
        if channel is None or channel.guild_id is None:
            return  # DMs
        guild = ctx.world.guilds[channel.guild_id]
    me = bot_member(ctx, guild)
    perms = P.channel_permissions(guild, me, channel)
    if channel is not None and not perms & P.VIEW_CHANNEL:
        raise missing_access()
    if perm and (perms & perm) != perm:
        raise missing_permissions()


def require_outranks(ctx: Ctx, guild: Guild, target: Member) -> None:
    if not P.outranks(guild, bot_member(ctx, guild), target):
        raise missing_permissions()


def store_files(
    sb: Sandbox,
    files: list[tuple[str, str, bytes, str | None]],
    meta: list[dict[str, Any]] | None,
    *,
    ephemeral: bool = False,
) -> list[Attachment]:
    """Turn multipart `files[n]` parts into attachments served by the sandbox itself."""
    if sum(len(data) for _, _, data, _ in files) > ATTACHMENT_SIZE_LIMIT:
        raise ApiError(413, 40005, "Request entity too large")
    described = {str(a.get("id")): a for a in meta or []}
    out = []
    for field_name, filename, data, content_type in files:
        index = field_name.removeprefix("files[").removesuffix("]")
        info = described.get(index, {})
        name = info.get("filename") or filename
        att = Attachment(
            id=new_id(),
            filename=name,
            data=data,
            content_type=content_type
            if content_type not in (None, "application/octet-stream")
            else mimetypes.guess_type(name)[0] or content_type,
            description=info.get("description"),
            ephemeral=ephemeral,
        )
        sb.add_attachment(att)
        out.append(att)
    return out


def mentions_for(
    sb: Sandbox, content: str, allowed: dict[str, Any] | None, reply_to: Message | None
) -> tuple[list[int], list[int], bool]:
    """(user ids, role ids, everyone) that Discord would mention, honouring allowed_mentions."""
    users = [int(u) for u in _USER_MENTION.findall(content) if int(u) in sb.world.users]
    roles = [int(r) for r in _ROLE_MENTION.findall(content)]
    everyone = "@everyone" in content or "@here" in content
    if allowed is not None:
        parse = allowed.get("parse") or []
        if "users" not in parse:
            wanted = {int(u) for u in allowed.get("users") or []}
            users = [u for u in users if u in wanted]
        if "roles" not in parse:
            wanted = {int(r) for r in allowed.get("roles") or []}
            roles = [r for r in roles if r in wanted]
        everyone = everyone and "everyone" in parse
    replied = allowed is None or allowed.get("replied_user", False)
    if reply_to is not None and replied and reply_to.author.id not in users:
        users.append(reply_to.author.id)
    return list(dict.fromkeys(users)), list(dict.fromkeys(roles)), everyone


def build_message(
    sb: Sandbox,
    channel: Channel,
    author: User,
    payload: dict[str, Any] | None,
    files: list[tuple[str, str, bytes, str | None]],
    **extra: Any,
) -> Message:
    """A validated (not yet stored) message from a REST payload."""
    payload = payload or {}
    check_message(payload, has_files=bool(files))
    ephemeral = bool((payload.get("flags") or 0) & 64)
    reply_to = None
    ref = payload.get("message_reference")
    if ref and ref.get("message_id") and ref.get("type", 0) == 0:
        reply_to = sb.world.message(
            int(ref.get("channel_id") or channel.id), int(ref["message_id"])
        )
        if reply_to is None and ref.get("fail_if_not_exists", True):
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "message_reference": {
                        "_errors": [
                            {
                                "code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                                "message": "Unknown message",
                            }
                        ]
                    }
                },
            )
        ref = {
            "type": 0,
            "channel_id": str(channel.id),
            "message_id": ref["message_id"],
            "guild_id": str(channel.guild_id) if channel.guild_id else None,
        }
        if reply_to is None:
            ref = None
    content = payload.get("content") or ""
    users, roles, everyone = mentions_for(sb, content, payload.get("allowed_mentions"), reply_to)
    # Only the low flag bits a client may set (suppress embeds, ephemeral, silent, v2).
    flags = (payload.get("flags") or 0) & (4 | 64 | 4096 | 32768)
    return Message(
        id=new_id(),
        channel_id=channel.id,
        author=author,
        content=content,
        embeds=[_embed(e) for e in payload.get("embeds") or []],
        components=number_components(payload.get("components") or []),
        attachments=store_files(sb, files, payload.get("attachments"), ephemeral=ephemeral),
        mentions=users,
        mention_roles=roles,
        mention_everyone=everyone,
        message_reference=ref,
        type=19 if ref else 0,
        flags=flags,
        tts=bool(payload.get("tts")),
        nonce=payload.get("nonce"),
        **extra,
    )


def _embed(embed: dict[str, Any]) -> dict[str, Any]:
    out = {"type": "rich", **embed, "content_scan_version": 0}
    if out.get("fields"):
        out["fields"] = [{"inline": False, **f} for f in out["fields"]]
    return out


def number_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Discord gives every component a numeric `id` (1, 2, ...) when the sender did not."""
    counter = [0]
    used = {c["id"] for c in _walk(components) if isinstance(c.get("id"), int)}

    def visit(comp: dict[str, Any]) -> dict[str, Any]:
        comp = dict(comp)
        if not isinstance(comp.get("id"), int):
            counter[0] += 1
            while counter[0] in used:
                counter[0] += 1
            comp["id"] = counter[0]
        for key in ("components", "items"):
            if isinstance(comp.get(key), list):
                comp[key] = [
                    visit(c) if isinstance(c, dict) and "type" in c else c for c in comp[key]
                ]
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                comp[key] = visit(comp[key])
        return comp

    return [visit(c) for c in components]


def _walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from sandbox.components import walk

    return walk(components)


def apply_edit(
    sb: Sandbox,
    msg: Message,
    payload: dict[str, Any] | None,
    files: list[tuple[str, str, bytes, str | None]],
) -> dict[str, Any]:
    """The changes a PATCH makes (content, embeds, components, attachments kept or added)."""
    payload = payload or {}
    check_message(payload, has_files=bool(files), editing=True)
    changes: dict[str, Any] = {}
    if "content" in payload:
        changes["content"] = payload["content"] or ""
        users, roles, everyone = mentions_for(
            sb, changes["content"], payload.get("allowed_mentions"), None
        )
        changes.update(mentions=users, mention_roles=roles, mention_everyone=everyone)
    if "embeds" in payload:
        changes["embeds"] = [_embed(e) for e in payload["embeds"] or []]
    if "components" in payload:
        changes["components"] = number_components(payload["components"] or [])
    if "flags" in payload and payload["flags"] is not None:
        changes["flags"] = (msg.flags & ~4) | (payload["flags"] & 4)
    if "attachments" in payload or files:
        keep_ids = {str(a.get("id")) for a in payload.get("attachments") or []}
        kept = [a for a in msg.attachments if str(a.id) in keep_ids]
        new = store_files(sb, files, payload.get("attachments"), ephemeral=msg.ephemeral)
        changes["attachments"] = kept + new
    return changes
