"""Discord-shaped JSON for the sandbox's model objects (ids as strings, ISO timestamps)."""

from __future__ import annotations

from typing import Any

from sandbox.models import (
    Attachment,
    AuditLogEntry,
    Ban,
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    Role,
    User,
)
from sandbox.snowflake import iso

JSON = dict[str, Any]


def user(u: User) -> JSON:
    return {
        "id": str(u.id),
        "username": u.username,
        "discriminator": u.discriminator,
        "global_name": u.global_name,
        "avatar": u.avatar,
        "bot": u.bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
        "collectibles": None,
    }


def role(r: Role) -> JSON:
    data: JSON = {
        "id": str(r.id),
        "name": r.name,
        "description": None,
        "color": r.color,
        "colors": {"primary_color": r.color, "secondary_color": None, "tertiary_color": None},
        "hoist": r.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": r.position,
        "permissions": str(r.permissions),
        "managed": r.managed,
        "mentionable": r.mentionable,
        "flags": 0,
    }
    if r.bot_id is not None:
        data["tags"] = {"bot_id": str(r.bot_id)}
    return data


def member(m: Member, *, with_user: bool = True) -> JSON:
    data: JSON = {
        "nick": m.nick,
        "avatar": None,
        "banner": None,
        "roles": [str(r) for r in m.roles],
        "joined_at": iso(m.joined_at),
        "premium_since": None,
        "deaf": m.deaf,
        "mute": m.mute,
        "flags": m.flags,
        "pending": m.pending,
        "communication_disabled_until": iso(m.communication_disabled_until),
    }
    if with_user:
        data["user"] = user(m.user)
    return data


def overwrites(ch: Channel) -> list[JSON]:
    return [
        {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
        for o in ch.overwrites.values()
    ]


def channel(ch: Channel, *, users: dict[int, User] | None = None) -> JSON:
    if ch.type == ChannelType.DM:
        return {
            "id": str(ch.id),
            "type": ch.type,
            "last_message_id": _opt(ch.last_message_id),
            "flags": 0,
            "recipients": [user(users[u]) for u in ch.recipients if users and u in users],
        }
    data: JSON = {
        "id": str(ch.id),
        "type": ch.type,
        "guild_id": _opt(ch.guild_id),
        "name": ch.name,
        "position": ch.position,
        "parent_id": _opt(ch.parent_id),
        "flags": 0,
        "permission_overwrites": overwrites(ch),
    }
    if ch.type in (ChannelType.TEXT, ChannelType.NEWS, ChannelType.FORUM):
        data.update(
            topic=ch.topic,
            nsfw=ch.nsfw,
            rate_limit_per_user=ch.rate_limit_per_user,
            last_message_id=_opt(ch.last_message_id),
        )
    if ch.is_thread:
        del data["permission_overwrites"], data["position"]
        data.update(
            owner_id=_opt(ch.owner_id),
            last_message_id=_opt(ch.last_message_id),
            rate_limit_per_user=ch.rate_limit_per_user,
            message_count=ch.message_count,
            member_count=len(ch.thread_members),
            total_message_sent=ch.total_message_sent,
            thread_metadata={
                "archived": ch.archived,
                "auto_archive_duration": ch.auto_archive_duration,
                "archive_timestamp": iso(ch.archive_timestamp),
                "locked": ch.locked,
                "invitable": ch.invitable,
                "create_timestamp": iso(ch.create_timestamp),
            },
        )
    return data


def thread_member(ch: Channel, user_id: int) -> JSON:
    return {
        "id": str(ch.id),
        "user_id": str(user_id),
        "join_timestamp": iso(ch.thread_members[user_id]),
        "flags": 0,
    }


def attachment(a: Attachment) -> JSON:
    data: JSON = {
        "id": str(a.id),
        "filename": a.filename,
        "size": a.size,
        "url": a.url,
        "proxy_url": a.url,
        "content_type": a.content_type,
    }
    if a.description is not None:
        data["description"] = a.description
    if a.ephemeral:
        data["ephemeral"] = True
    return data


def _emoji(key: str) -> JSON:
    if ":" in key:
        name, _, eid = key.rpartition(":")
        return {"id": eid, "name": name, "animated": False}
    return {"id": None, "name": key}


def reactions(msg: Message, viewer_id: int | None) -> list[JSON]:
    out = []
    for key, users in msg.reactions.items():
        if not users:
            continue
        out.append(
            {
                "count": len(users),
                "count_details": {"burst": 0, "normal": len(users)},
                "me": viewer_id in users,
                "me_burst": False,
                "burst_colors": [],
                "emoji": _emoji(key),
            }
        )
    return out


def message(
    msg: Message,
    users: dict[int, User],
    *,
    viewer_id: int | None = None,
    referenced: Message | None = None,
    author_member: Member | None = None,
    members: dict[int, Member] | None = None,
    depth: int = 0,
) -> JSON:
    mentions = []
    for uid in msg.mentions:
        if uid not in users:
            continue
        entry = user(users[uid])
        if members and uid in members:
            entry["member"] = member(members[uid], with_user=False)
        mentions.append(entry)
    data: JSON = {
        "id": str(msg.id),
        "channel_id": str(msg.channel_id),
        "type": msg.type,
        "author": user(msg.author),
        "content": msg.content,
        "timestamp": iso(msg.timestamp),
        "edited_timestamp": iso(msg.edited_timestamp),
        "tts": msg.tts,
        "mention_everyone": msg.mention_everyone,
        "mentions": mentions,
        "mention_roles": [str(r) for r in msg.mention_roles],
        "attachments": [attachment(a) for a in msg.attachments],
        "embeds": msg.embeds,
        "components": msg.components,
        "reactions": reactions(msg, viewer_id),
        "pinned": msg.pinned,
        "flags": msg.flags,
    }
    if msg.reactions and not data["reactions"]:
        del data["reactions"]
    if msg.guild_id is not None:
        data["guild_id"] = str(msg.guild_id)
    if author_member is not None:
        data["member"] = member(author_member, with_user=False)
    if msg.webhook_id is not None:
        data["webhook_id"] = str(msg.webhook_id)
    if msg.application_id is not None:
        data["application_id"] = str(msg.application_id)
    if msg.interaction_metadata is not None:
        data["interaction_metadata"] = msg.interaction_metadata
    if msg.nonce is not None:
        data["nonce"] = msg.nonce
    if msg.message_reference is not None:
        data["message_reference"] = msg.message_reference
        if depth == 0:
            data["referenced_message"] = (
                message(referenced, users, viewer_id=viewer_id, depth=1) if referenced else None
            )
    return data


def guild_core(g: Guild) -> JSON:
    """The guild object without the gateway-only keys (GET /guilds/{id})."""
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": g.icon,
        "icon_hash": g.icon,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": g.description,
        "owner_id": str(g.owner_id),
        "region": "deprecated",  # Discord still sends the key
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "widget_channel_id": None,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role(r) for r in g.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": list(g.features),
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": _opt(g.system_channel_id),
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_presences": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": g.preferred_locale,
        "nsfw_level": 0,
        "nsfw": False,
        "home_header": None,
        "incidents_data": None,
        "latest_onboarding_question_id": None,
    }


def guild_create(g: Guild, *, include_members: bool, bot_id: int, users: dict[int, User]) -> JSON:
    """GUILD_CREATE payload: `member_count` always equals the real count."""
    data = guild_core(g)
    members = list(g.members.values())
    if not include_members:
        members = [m for m in members if m.id == bot_id]
    data.update(
        unavailable=False,
        large=False,
        joined_at=iso(g.members[bot_id].joined_at) if bot_id in g.members else None,
        member_count=len(g.members),
        members=[member(m) for m in members],
        channels=[channel(c) for c in g.channels.values() if not c.is_thread],
        threads=[channel(c) for c in g.channels.values() if c.is_thread and not c.archived],
        presences=[],
        voice_states=[],
        stage_instances=[],
        guild_scheduled_events=[],
        soundboard_sounds=[],
    )
    return data


def ban(b: Ban) -> JSON:
    return {"user": user(b.user), "reason": b.reason}


def audit_entry(e: AuditLogEntry) -> JSON:
    data: JSON = {
        "id": str(e.id),
        "guild_id": str(e.guild_id),
        "user_id": _opt(e.user_id),
        "target_id": _opt(e.target_id),
        "action_type": e.action_type,
        "reason": e.reason,
        "changes": e.changes,
    }
    if e.options:
        data["options"] = e.options
    return data


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)
