"""The sandbox's model of Discord objects (mutable: the sandbox changes them as Discord would)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.snowflake import now


class ChannelType:
    TEXT = 0
    DM = 1
    VOICE = 2
    CATEGORY = 4
    NEWS = 5
    NEWS_THREAD = 10
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    FORUM = 15

    THREADS = (10, 11, 12)


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None
    discriminator: str = "0"
    accepts_dms: bool = True  # False: the bot's DMs fail with 403 50007, as on Discord

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: datetime = field(default_factory=now)
    communication_disabled_until: datetime | None = None
    flags: int = 0
    pending: bool = False
    deaf: bool = False
    mute: bool = False

    @property
    def id(self) -> int:
        return self.user.id


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0


@dataclass
class Channel:
    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    recipients: list[int] = field(default_factory=list)  # DM only
    last_message_id: int | None = None
    # threads
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440
    archive_timestamp: datetime = field(default_factory=now)
    create_timestamp: datetime = field(default_factory=now)
    message_count: int = 0
    total_message_sent: int = 0
    thread_members: dict[int, datetime] = field(default_factory=dict)

    @property
    def is_thread(self) -> bool:
        return self.type in ChannelType.THREADS

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    url: str = ""
    ephemeral: bool = False

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Message:
    id: int
    channel_id: int
    author: User
    content: str = ""
    guild_id: int | None = None
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    mentions: list[int] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    message_reference: dict[str, Any] | None = None
    flags: int = 0
    type: int = 0
    tts: bool = False
    pinned: bool = False
    pinned_at: datetime | None = None
    timestamp: datetime = field(default_factory=now)
    edited_timestamp: datetime | None = None
    # emoji key ("👍" or "name:id") -> user ids, in insertion order
    reactions: dict[str, list[int]] = field(default_factory=dict)
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    thread_id: int | None = None
    nonce: str | int | None = None
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)


@dataclass
class Ban:
    user: User
    reason: str | None = None


@dataclass
class AuditLogEntry:
    id: int
    guild_id: int
    user_id: int | None
    action_type: int
    target_id: int | None = None
    reason: str | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] | None = None


class MemberMap(dict[int, Member]):
    """Members of a guild by user id; also indexable by username for test convenience."""

    def __getitem__(self, key: int | str) -> Member:  # type: ignore[override]
        if isinstance(key, str):
            for member in self.values():
                if member.user.username == key:
                    return member
            raise KeyError(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            return any(m.user.username == key for m in self.values())
        return super().__contains__(key)


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    channels: dict[int, Channel] = field(default_factory=dict)
    roles: dict[int, Role] = field(default_factory=dict)
    members: MemberMap = field(default_factory=MemberMap)
    bans: dict[int, Ban] = field(default_factory=dict)
    audit_log: list[AuditLogEntry] = field(default_factory=list)
    preferred_locale: str = "en-US"
    icon: str | None = None
    description: str | None = None
    features: list[str] = field(default_factory=list)
    system_channel_id: int | None = None

    def channel(self, name: str) -> Channel:
        """A channel (or thread) by name, with or without '#'."""
        name = name.lstrip("#")
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"no channel named {name!r} in guild {self.name!r}")

    def role(self, name: str) -> Role:
        """A role by name ('@everyone' for the default role)."""
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role named {name!r} in guild {self.name!r}")

    @property
    def default_role(self) -> Role:
        return self.roles[self.id]

    def member(self, user_id: int) -> Member:
        return self.members[user_id]
