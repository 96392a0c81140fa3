"""Actors: members that test code drives (say, edit, react, slash, click, modal...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox import permissions as P
from sandbox.components import find_component, modal_submission, resolve_select
from sandbox.human import HumanModeration
from sandbox.interactions import MODAL, InteractionRecord
from sandbox.models import Attachment, Channel, ChannelType, Guild, Message, User
from sandbox.payloads import command_data, envelope
from sandbox.routes.common import mentions_for
from sandbox.snowflake import new_id, now

if TYPE_CHECKING:
    from sandbox.sandbox import Sandbox

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


class Actor(HumanModeration):
    """A user acting in the sandbox, in one guild (or in DMs when guild is None)."""

    def __init__(self, sb: Sandbox, user: User, guild: Guild | None) -> None:
        self.sb, self.user, self.guild = sb, user, guild

    def __repr__(self) -> str:
        return f"<Actor {self.user.username} id={self.user.id}>"

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    @property
    def mention(self) -> str:
        return self.user.mention

    @property
    def member(self) -> Any:
        return self.guild.members.get(self.user.id) if self.guild else None

    # ---- membership ------------------------------------------------------------------------
    async def leave(self) -> None:
        """Leave the guild: GUILD_MEMBER_REMOVE."""
        assert self.guild is not None
        self.sb.world.remove_member(self.guild, self.user.id)

    async def join(self, guild: Guild | None = None) -> Actor:
        return await self.sb.join(self.user.username, guild=guild or self.guild)

    def close_dms(self, closed: bool = True) -> None:
        """Refuse DMs from the bot (its sends then fail with 403 50007)."""
        self.user.accepts_dms = not closed

    # ---- messages --------------------------------------------------------------------------
    def _where(self, channel: Channel | str | int) -> Channel:
        if isinstance(channel, Channel):
            return channel
        if channel == "dm":
            return self.sb.world.dm_channel(self.user)
        if isinstance(channel, int):
            found = self.sb.world.channel(channel)
            if found is None:
                raise KeyError(channel)
            return found
        if self.guild is None:
            raise ValueError("this actor has no guild: say('dm', ...) or pass a Channel")
        return self.guild.channel(channel)

    def _check(self, channel: Channel, perm: int) -> None:
        guild = self.sb.world.guild_of(channel)
        if guild is None:
            return
        member = guild.members.get(self.user.id)
        if member is None:
            raise PermissionError(f"{self.name} is not a member of {guild.name}")
        need = perm | P.VIEW_CHANNEL
        if P.channel_permissions(guild, member, channel) & need != need:
            raise PermissionError(f"{self.name} may not do that in #{channel.name}")
        if member.communication_disabled_until is not None:
            if member.communication_disabled_until > now():
                raise PermissionError(f"{self.name} is timed out")

    async def say(
        self,
        channel: Channel | str | int,
        content: str = "",
        *,
        embeds: list[dict[str, Any]] | None = None,
        files: list[tuple[str, bytes]] | None = None,
        reply_to: Message | None = None,
    ) -> Message:
        """Post a message (MESSAGE_CREATE). `channel` is "#name", "dm", an id or a Channel."""
        ch = self._where(channel)
        self._check(ch, P.SEND_MESSAGES_IN_THREADS if ch.is_thread else P.SEND_MESSAGES)
        if self.sb.world.slowmode_wait(ch, self.member) > 0:
            raise PermissionError(f"slowmode: {self.name} must wait before posting in #{ch.name}")
        users, roles, everyone = mentions_for(self.sb, content, None, reply_to)
        ref = None
        if reply_to is not None:
            ref = {
                "type": 0,
                "channel_id": str(ch.id),
                "message_id": str(reply_to.id),
                "guild_id": str(ch.guild_id) if ch.guild_id else None,
            }
        msg = Message(
            id=new_id(),
            channel_id=ch.id,
            author=self.user,
            content=content,
            embeds=embeds or [],
            attachments=[self._attachment(n, d) for n, d in files or []],
            mentions=users,
            mention_roles=roles,
            mention_everyone=everyone,
            message_reference=ref,
            type=19 if ref else 0,
        )
        return self.sb.world.add_message(msg)

    async def upload(
        self, channel: Channel | str | int, files: list[tuple[str, bytes]], content: str = ""
    ) -> Message:
        """Post attachments (served back from the sandbox's own URL)."""
        return await self.say(channel, content, files=files)

    def _attachment(self, filename: str, data: bytes) -> Attachment:
        import mimetypes

        att = Attachment(
            id=new_id(),
            filename=filename,
            data=data,
            content_type=mimetypes.guess_type(filename)[0],
        )
        self.sb.add_attachment(att)
        return att

    def _msg(self, message: Message | dict[str, Any]) -> Message:
        if isinstance(message, Message):
            return message
        found = self.sb.world.message(int(message["channel_id"]), int(message["id"]))
        if found is None:
            raise KeyError(f"message {message['id']} no longer exists")
        return found

    async def edit(self, message: Message | dict[str, Any], content: str) -> Message:
        msg = self._msg(message)
        if msg.author.id != self.user.id:
            raise PermissionError("only the author can edit a message")
        users, roles, everyone = mentions_for(self.sb, content, None, None)
        return self.sb.world.edit_message(
            msg, content=content, mentions=users, mention_roles=roles, mention_everyone=everyone
        )

    async def delete(self, message: Message | dict[str, Any]) -> None:
        msg = self._msg(message)
        if msg.author.id != self.user.id:
            ch = self.sb.world.channel(msg.channel_id)
            assert ch is not None
            self._check(ch, P.MANAGE_MESSAGES)
        self.sb.world.delete_message(msg)

    async def react(self, message: Message | dict[str, Any], emoji: str) -> None:
        self.sb.world.react(self._msg(message), self.user, emoji, add=True)

    async def unreact(self, message: Message | dict[str, Any], emoji: str) -> None:
        self.sb.world.react(self._msg(message), self.user, emoji, add=False)

    # ---- interactions ----------------------------------------------------------------------
    def _interact(
        self, type_: int, data: dict[str, Any], channel: Channel, message: Message | None = None
    ) -> InteractionRecord:
        guild = self.sb.world.guild_of(channel)
        rec = self.sb.new_interaction(
            id=new_id(), type=type_, user=self.user, payload={}, message=message
        )
        payload = envelope(self.sb, self.user, guild, channel, type_, data, rec.id, rec.token)
        if message is not None:
            payload["message"] = self.sb.world.message_json(message)
        rec.payload = payload
        self.sb.bus.emit("INTERACTION_CREATE", payload)
        return rec

    def _default_channel(self, in_channel: Channel | str | int | None) -> Channel:
        if in_channel is not None:
            return self._where(in_channel)
        if self.guild is None:
            return self.sb.world.dm_channel(self.user)
        if self.guild.system_channel_id:
            return self.guild.channels[self.guild.system_channel_id]
        return next(c for c in self.guild.channels.values() if c.type == ChannelType.TEXT)

    def can_use(self, command: str) -> bool:
        """Whether Discord's client would offer `/command` to this member: the command's
        `default_member_permissions` are all held (administrators and the owner see all)."""
        guild_id = self.guild.id if self.guild else None
        name = command.lstrip("/").split()[0]
        cmd = next(
            (c for c in self.sb.application.commands_for(guild_id) if c["name"] == name), None
        )
        if cmd is None:
            return False
        needed = cmd.get("default_member_permissions")
        if needed is None or self.guild is None:
            return True
        member = self.guild.members.get(self.user.id)
        if member is None:
            return False
        held = P.base_permissions(self.guild, member)
        return held & int(needed) == int(needed)

    async def slash(
        self,
        command: str,
        *,
        guild: Guild | None = None,
        in_channel: Channel | str | int | None = None,
        options: dict[str, Any] | None = None,
        **kw: Any,
    ) -> InteractionRecord:
        """Run "/name [group] [sub]" with options (INTERACTION_CREATE type 2).

        Options come as keywords or `options={...}` (for names that are not identifiers);
        user/channel/role/attachment options take actors, names, ids or (filename, bytes)
        and fill `resolved`. The command must have been synced by the bot.
        """
        actor = self if guild is None or guild is self.guild else Actor(self.sb, self.user, guild)
        channel = actor._default_channel(in_channel)
        data = command_data(self.sb, actor.guild, command, {**(options or {}), **kw})
        return actor._interact(APPLICATION_COMMAND, data, channel)

    async def autocomplete(
        self,
        command: str,
        focused: str,
        *,
        in_channel: Any = None,
        options: dict[str, Any] | None = None,
        **kw: Any,
    ) -> InteractionRecord:
        """Type 4: the bot must answer with choices (response().choices)."""
        channel = self._default_channel(in_channel)
        data = command_data(self.sb, self.guild, command, {**(options or {}), **kw}, focused)
        return self._interact(AUTOCOMPLETE, data, channel)

    def _component_message(
        self, target: Message | dict[str, Any] | InteractionRecord, key: str
    ) -> Message:
        if isinstance(target, InteractionRecord):
            candidates = [m for m in [target.original, *target.followup_messages] if m]
            for msg in reversed(candidates):
                if find_component(msg.components, key) is not None:
                    return msg
            raise LookupError(f"no component {key!r} on the interaction's messages")
        return self._msg(target)

    async def click(
        self, target: Message | dict[str, Any] | InteractionRecord, label_or_custom_id: str
    ) -> InteractionRecord:
        """Press a button found by label or custom_id (INTERACTION_CREATE type 3)."""
        msg = self._component_message(target, label_or_custom_id)
        button = find_component(msg.components, label_or_custom_id, types=(2,))
        if button is None:
            raise LookupError(f"no button {label_or_custom_id!r} on message {msg.id}")
        if button.get("disabled"):
            raise PermissionError(f"button {label_or_custom_id!r} is disabled")
        if "custom_id" not in button:
            raise ValueError(f"button {label_or_custom_id!r} is a link or premium button")
        channel = self.sb.world.channel(msg.channel_id)
        assert channel is not None
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return self._interact(COMPONENT, data, channel, msg)

    async def select(
        self,
        target: Message | dict[str, Any] | InteractionRecord,
        custom_id: str,
        values: list[Any],
    ) -> InteractionRecord:
        """Choose `values` in a select menu (string values, or users/roles/channels)."""
        msg = self._component_message(target, custom_id)
        menu = find_component(msg.components, custom_id, types=(3, 5, 6, 7, 8))
        if menu is None:
            raise LookupError(f"no select {custom_id!r} on message {msg.id}")
        channel = self.sb.world.channel(msg.channel_id)
        assert channel is not None
        data = {
            "custom_id": custom_id,
            "component_type": menu["type"],
            **resolve_select(self.sb, self.sb.world.guild_of(channel), menu, values),
        }
        return self._interact(COMPONENT, data, channel, msg)

    async def submit_modal(
        self, record: InteractionRecord, values: dict[str, Any]
    ) -> InteractionRecord:
        """Fill and submit the modal the bot opened in answer to `record` (type 5)."""
        first = await record.response()
        if first.type != MODAL:
            raise LookupError(
                f"interaction {record.id} was answered with type {first.type}, not a modal"
            )
        channel = self.sb.world.channel(int(record.payload["channel_id"]))
        assert channel is not None
        data = {
            "custom_id": first.data["custom_id"],
            "components": modal_submission(first.data.get("components") or [], values),
        }
        return self._interact(MODAL_SUBMIT, data, channel, record.message)
