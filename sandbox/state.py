"""The sandbox's world: users, guilds and their contents, with Discord's events on every change."""

from __future__ import annotations

import secrets
import time
from typing import Any

from sandbox import permissions as P
from sandbox import serializers as S
from sandbox.application import Application
from sandbox.events import EventBus
from sandbox.models import (
    AuditLogEntry,
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    Role,
    User,
)
from sandbox.snowflake import new_id, now


class World:
    """All state; every mutation emits the gateway events Discord would."""

    def __init__(self, bus: EventBus, *, bot_name: str = "Vigie") -> None:
        self.bus = bus
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.dm_channels: dict[int, Channel] = {}  # by channel id
        self.messages: dict[int, dict[int, Message]] = {}  # channel id -> id -> message
        self.last_post: dict[tuple[int, int], float] = {}  # (channel, user) -> monotonic
        bot = self.create_user(bot_name, bot=True)
        app_id = bot.id
        token = (
            f"{secrets.token_urlsafe(18)}.{secrets.token_urlsafe(6)}.{secrets.token_urlsafe(27)}"
        )
        self.application = Application(id=app_id, name=bot_name, token=token, bot_user=bot)

    # ---- lookups ---------------------------------------------------------------------------
    @property
    def bot(self) -> User:
        return self.application.bot_user

    def user_named(self, name: str) -> User | None:
        for user in self.users.values():
            if user.username == name:
                return user
        return None

    def channel(self, channel_id: int) -> Channel | None:
        if channel_id in self.dm_channels:
            return self.dm_channels[channel_id]
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return None

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def message(self, channel_id: int, message_id: int) -> Message | None:
        return self.messages.get(channel_id, {}).get(message_id)

    def bot_member(self, guild: Guild) -> Member | None:
        return guild.members.get(self.bot.id)

    def bot_member_of(self, channel: Channel) -> Member | None:
        guild = self.guild_of(channel)
        return guild.members.get(self.bot.id) if guild else None

    # ---- creation --------------------------------------------------------------------------
    def create_user(self, username: str, *, bot: bool = False) -> User:
        user = User(id=new_id(), username=username, global_name=username.capitalize(), bot=bot)
        self.users[user.id] = user
        return user

    def ensure_user(self, name_or_user: str | User) -> User:
        if isinstance(name_or_user, User):
            return name_or_user
        return self.user_named(name_or_user) or self.create_user(name_or_user)

    def create_guild(
        self,
        name: str,
        *,
        owner: str | User,
        channels: list[str] | None = None,
        roles: list[str] | None = None,
        categories: dict[str, list[str]] | None = None,
    ) -> Guild:
        owner_user = self.ensure_user(owner)
        guild = Guild(id=new_id(), name=name, owner_id=owner_user.id)
        guild.roles[guild.id] = Role(
            id=guild.id, guild_id=guild.id, name="@everyone", permissions=P.DEFAULT_EVERYONE
        )
        for position, role_name in enumerate(reversed(roles or []), start=1):
            role = Role(id=new_id(), guild_id=guild.id, name=role_name, position=position)
            guild.roles[role.id] = role
        self.guilds[guild.id] = guild
        guild.members[owner_user.id] = Member(user=owner_user, guild_id=guild.id)
        position = 0
        for ch_name in channels or []:
            self._add_channel(guild, ch_name, ChannelType.TEXT, position=position)
            position += 1
        for cat_name, children in (categories or {}).items():
            cat = self._add_channel(guild, cat_name, ChannelType.CATEGORY, position=position)
            position += 1
            for child in children:
                self._add_channel(guild, child, ChannelType.TEXT, position=position, parent=cat.id)
                position += 1
        text = [c for c in guild.channels.values() if c.type == ChannelType.TEXT]
        guild.system_channel_id = text[0].id if text else None
        return guild

    def _add_channel(
        self, guild: Guild, name: str, type_: int, *, position: int = 0, parent: int | None = None
    ) -> Channel:
        ch = Channel(id=new_id(), type=type_, name=name, guild_id=guild.id, position=position)
        ch.parent_id = parent
        guild.channels[ch.id] = ch
        self.messages[ch.id] = {}
        return ch

    def create_channel(self, guild: Guild, name: str, type_: int = 0, **fields: Any) -> Channel:
        position = len([c for c in guild.channels.values() if not c.is_thread])
        ch = self._add_channel(
            guild, name, type_, position=position, parent=fields.pop("parent_id", None)
        )
        for key, value in fields.items():
            setattr(ch, key, value)
        self.bus.emit("CHANNEL_CREATE", S.channel(ch))
        return ch

    def add_bot_to(self, guild: Guild, *, permissions: int = P.ADMINISTRATOR) -> Member:
        """The bot joins `guild` with a managed role placed above every other role."""
        top = max((r.position for r in guild.roles.values()), default=0)
        role = Role(
            id=new_id(),
            guild_id=guild.id,
            name=self.application.name,
            permissions=permissions,
            position=top + 1,
            managed=True,
            bot_id=self.bot.id,
        )
        guild.roles[role.id] = role
        member = Member(user=self.bot, guild_id=guild.id, roles=[role.id])
        guild.members[self.bot.id] = member
        # Sessions that are already connected learn about the guild as Discord would tell them.
        self.bus.emit("GUILD_CREATE", {"__guild__": guild.id})
        return member

    def dm_channel(self, user: User) -> Channel:
        for ch in self.dm_channels.values():
            if ch.recipients == [user.id]:
                return ch
        ch = Channel(id=new_id(), type=ChannelType.DM, recipients=[user.id])
        self.dm_channels[ch.id] = ch
        self.messages[ch.id] = {}
        return ch

    # ---- members ---------------------------------------------------------------------------
    def add_member(self, guild: Guild, user: User, roles: list[int] | None = None) -> Member:
        member = Member(user=user, guild_id=guild.id, roles=list(roles or []))
        guild.members[user.id] = member
        self.bus.emit("GUILD_MEMBER_ADD", {**S.member(member), "guild_id": str(guild.id)})
        return member

    def remove_member(self, guild: Guild, user_id: int) -> Member | None:
        member = guild.members.pop(user_id, None)
        if member is not None:
            self.bus.emit(
                "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": S.user(member.user)}
            )
        return member

    def member_updated(self, guild: Guild, member: Member) -> None:
        self.bus.emit("GUILD_MEMBER_UPDATE", {**S.member(member), "guild_id": str(guild.id)})

    def slowmode_wait(self, channel: Channel, member: Member | None) -> float:
        """Seconds `member` must still wait to post in `channel` (0 when free to post).

        Members who can manage messages or the channel are exempt, as on Discord."""
        if not channel.rate_limit_per_user or member is None:
            return 0.0
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        if guild is None:
            return 0.0
        if P.channel_permissions(guild, member, channel) & (P.MANAGE_MESSAGES | P.MANAGE_CHANNELS):
            return 0.0
        last = self.last_post.get((channel.id, member.id))
        if last is None:
            return 0.0
        return max(0.0, last + channel.rate_limit_per_user - time.monotonic())

    # ---- messages --------------------------------------------------------------------------
    def message_json(self, msg: Message, *, gateway: bool = False) -> dict[str, Any]:
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        ref = None
        if msg.message_reference and msg.message_reference.get("message_id"):
            ref_channel = int(msg.message_reference.get("channel_id", msg.channel_id))
            ref = self.message(ref_channel, int(msg.message_reference["message_id"]))
        author_member = None
        if gateway and guild is not None and msg.webhook_id is None:
            author_member = guild.members.get(msg.author.id)
        return S.message(
            msg,
            self.users,
            viewer_id=self.bot.id,
            referenced=ref,
            author_member=author_member,
            members=guild.members if gateway and guild else None,
        )

    def add_message(self, msg: Message, *, dispatch: bool = True) -> Message:
        channel = self.channel(msg.channel_id)
        if channel is None:
            raise KeyError(msg.channel_id)
        msg.guild_id = channel.guild_id
        self.messages.setdefault(channel.id, {})[msg.id] = msg
        if msg.webhook_id is None:
            self.last_post[(channel.id, msg.author.id)] = time.monotonic()
        if not msg.ephemeral:
            channel.last_message_id = msg.id
            if channel.is_thread:
                channel.message_count += 1
                channel.total_message_sent += 1
        if dispatch and not msg.ephemeral:
            exempt = frozenset({msg.author.id, *msg.mentions})
            if channel.type == ChannelType.DM:
                exempt = exempt | {self.bot.id}
            self.bus.emit("MESSAGE_CREATE", self.message_json(msg, gateway=True), exempt=exempt)
        return msg

    def edit_message(self, msg: Message, *, touch: bool = True, **changes: Any) -> Message:
        """Apply changes and dispatch MESSAGE_UPDATE; `touch` sets edited_timestamp (not for
        pins, which Discord also reports as an update)."""
        for key, value in changes.items():
            setattr(msg, key, value)
        if touch:
            msg.edited_timestamp = now()
        if not msg.ephemeral:
            exempt = frozenset({msg.author.id, *msg.mentions})
            self.bus.emit("MESSAGE_UPDATE", self.message_json(msg, gateway=True), exempt=exempt)
        return msg

    def delete_message(self, msg: Message) -> None:
        self.messages.get(msg.channel_id, {}).pop(msg.id, None)
        msg.deleted = True
        channel = self.channel(msg.channel_id)
        if channel is not None and channel.is_thread:
            channel.message_count = max(0, channel.message_count - 1)
        data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
        if not msg.ephemeral:
            self.bus.emit("MESSAGE_DELETE", data)

    def bulk_delete(self, channel: Channel, ids: list[int]) -> None:
        for mid in ids:
            msg = self.messages.get(channel.id, {}).pop(mid, None)
            if msg is not None:
                msg.deleted = True
        data: dict[str, Any] = {"ids": [str(i) for i in ids], "channel_id": str(channel.id)}
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        self.bus.emit("MESSAGE_DELETE_BULK", data)

    def react(self, msg: Message, user: User, emoji: str, *, add: bool = True) -> bool:
        """Add or remove a reaction; returns whether anything changed."""
        users = msg.reactions.setdefault(emoji, [])
        if add == (user.id in users):
            return False
        if add:
            users.append(user.id)
        else:
            users.remove(user.id)
        data: dict[str, Any] = {
            "user_id": str(user.id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": S._emoji(emoji),
            "burst": False,
            "type": 0,
        }
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
            guild = self.guilds[msg.guild_id]
            if add and user.id in guild.members:
                data["member"] = S.member(guild.members[user.id])
        if add:
            data["message_author_id"] = str(msg.author.id)
            data["burst_colors"] = []
        self.bus.emit("MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE", data)
        return True

    # ---- threads ---------------------------------------------------------------------------
    def create_thread(
        self,
        parent: Channel,
        name: str,
        *,
        owner: User,
        type_: int = ChannelType.PUBLIC_THREAD,
        from_message: Message | None = None,
        auto_archive_duration: int = 1440,
        invitable: bool = True,
    ) -> Channel:
        guild = self.guilds[parent.guild_id] if parent.guild_id else None
        assert guild is not None
        thread_id = from_message.id if from_message else new_id()
        ch = Channel(
            id=thread_id,
            type=type_,
            name=name,
            guild_id=guild.id,
            parent_id=parent.id,
            owner_id=owner.id,
            auto_archive_duration=auto_archive_duration,
            invitable=invitable,
        )
        ch.thread_members[owner.id] = now()
        guild.channels[ch.id] = ch
        self.messages[ch.id] = {}
        if from_message is not None:
            from_message.thread_id = ch.id
        data = S.channel(ch)
        data["newly_created"] = True
        if owner.id == self.bot.id:
            data["member"] = S.thread_member(ch, owner.id)
        self.bus.emit("THREAD_CREATE", data)
        return ch

    def join_thread(self, thread: Channel, user: User) -> None:
        if user.id in thread.thread_members:
            return
        thread.thread_members[user.id] = now()
        self.bus.emit(
            "THREAD_MEMBERS_UPDATE",
            {
                "id": str(thread.id),
                "guild_id": str(thread.guild_id),
                "member_count": len(thread.thread_members),
                "added_members": [S.thread_member(thread, user.id)],
            },
        )

    def leave_thread(self, thread: Channel, user_id: int) -> None:
        if thread.thread_members.pop(user_id, None) is None:
            return
        self.bus.emit(
            "THREAD_MEMBERS_UPDATE",
            {
                "id": str(thread.id),
                "guild_id": str(thread.guild_id),
                "member_count": len(thread.thread_members),
                "removed_member_ids": [str(user_id)],
            },
        )

    # ---- audit log -------------------------------------------------------------------------
    def audit(
        self,
        guild: Guild,
        action_type: int,
        *,
        user_id: int | None,
        target_id: int | None = None,
        reason: str | None = None,
        changes: list[dict[str, Any]] | None = None,
    ) -> AuditLogEntry:
        entry = AuditLogEntry(
            id=new_id(),
            guild_id=guild.id,
            user_id=user_id,
            action_type=action_type,
            target_id=target_id,
            reason=reason,
            changes=changes or [],
        )
        guild.audit_log.append(entry)
        self.bus.emit("GUILD_AUDIT_LOG_ENTRY_CREATE", S.audit_entry(entry))
        return entry
