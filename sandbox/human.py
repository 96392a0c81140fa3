"""What a human moderator does in their own Discord client: the bot sees only the events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sandbox import moderation
from sandbox import permissions as P
from sandbox.models import Channel, Guild, Member, User
from sandbox.snowflake import now

if TYPE_CHECKING:
    from sandbox.sandbox import Sandbox


class HumanModeration:
    """Mixed into Actor. Each action checks the actor's permissions and hierarchy as Discord
    would (PermissionError otherwise) and writes the audit log entry in the actor's name."""

    sb: Sandbox
    user: User
    guild: Guild | None

    def _in_guild(self, perm: int) -> tuple[Guild, Member]:
        if self.guild is None or self.user.id not in self.guild.members:
            raise PermissionError(f"{self.user.username} is not in a guild")
        me = self.guild.members[self.user.id]
        if P.base_permissions(self.guild, me) & perm != perm:
            raise PermissionError(f"{self.user.username} lacks permission {perm}")
        return self.guild, me

    def _target_user(self, target: Any) -> User:
        if isinstance(target, User):
            return target
        if isinstance(getattr(target, "user", None), User):
            return target.user  # type: ignore[no-any-return]
        if isinstance(target, int):
            return self.sb.world.users[target]
        return self.sb.world.ensure_user(str(target))

    def _target_member(self, guild: Guild, me: Member, target: Any) -> Member:
        user = self._target_user(target)
        member = guild.members.get(user.id)
        if member is None:
            raise LookupError(f"{user.username} is not a member of {guild.name}")
        if not P.outranks(guild, me, member):
            raise PermissionError(f"{self.user.username} does not outrank {user.username}")
        return member

    async def ban(
        self, target: Any, *, reason: str | None = None, delete_message_seconds: int = 0
    ) -> None:
        guild, me = self._in_guild(P.BAN_MEMBERS)
        user = self._target_user(target)
        if user.id in guild.members:
            self._target_member(guild, me, user)
        moderation.ban(
            self.sb.world,
            guild,
            user,
            by=self.user,
            reason=reason,
            delete_message_seconds=delete_message_seconds,
        )

    async def unban(self, target: Any, *, reason: str | None = None) -> None:
        guild, _ = self._in_guild(P.BAN_MEMBERS)
        if not moderation.unban(
            self.sb.world, guild, self._target_user(target).id, by=self.user, reason=reason
        ):
            raise LookupError("not banned")

    async def kick(self, target: Any, *, reason: str | None = None) -> None:
        guild, me = self._in_guild(P.KICK_MEMBERS)
        moderation.kick(
            self.sb.world,
            guild,
            self._target_member(guild, me, target),
            by=self.user,
            reason=reason,
        )

    async def timeout(
        self, target: Any, until: datetime | timedelta | None, *, reason: str | None = None
    ) -> None:
        """Time a member out (timedelta from now or a datetime); None lifts the timeout."""
        guild, me = self._in_guild(P.MODERATE_MEMBERS)
        member = self._target_member(guild, me, target)
        when = now() + until if isinstance(until, timedelta) else until
        moderation.set_timeout(self.sb.world, guild, member, when, by=self.user, reason=reason)

    async def set_roles(
        self,
        target: Any,
        *,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        reason: str | None = None,
    ) -> None:
        """Give or take roles by name (GUILD_MEMBER_UPDATE); roles must be below the actor's."""
        guild, me = self._in_guild(P.MANAGE_ROLES)
        user = self._target_user(target)
        member = guild.members.get(user.id)
        if member is None:
            raise LookupError(f"{user.username} is not a member of {guild.name}")
        top = P.top_position(guild, me)
        changed = [guild.role(name) for name in [*add, *remove]]
        if me.id != guild.owner_id and any(r.position >= top for r in changed):
            raise PermissionError("a role at or above the actor's highest role")
        ids = [r for r in member.roles if r not in {guild.role(n).id for n in remove}]
        ids += [guild.role(n).id for n in add]
        moderation.set_roles(self.sb.world, guild, member, ids, by=self.user, reason=reason)

    async def delete_channel(
        self, channel: Channel | str | int, *, reason: str | None = None
    ) -> None:
        """Delete a channel or thread from the client: the world forgets it (a channel's
        threads too), CHANNEL_DELETE or THREAD_DELETE is dispatched and the audit log gets
        CHANNEL_DELETE (12) / THREAD_DELETE (112) in the actor's name. Needs MANAGE_CHANNELS
        (MANAGE_THREADS for a thread), like DELETE /channels/{id}."""
        guild, me = self._in_guild(0)
        if isinstance(channel, Channel):
            ch: Channel | None = channel
        elif isinstance(channel, int):
            ch = self.sb.world.channel(channel)
        else:
            ch = guild.channel(channel)
        if ch is None or ch.guild_id != guild.id or ch.id not in guild.channels:
            raise LookupError(f"no channel {channel!r} in {guild.name}")
        need = P.MANAGE_THREADS if ch.is_thread else P.MANAGE_CHANNELS
        if not P.channel_permissions(guild, me, ch) & need:
            raise PermissionError(f"{self.user.username} may not delete #{ch.name}")
        moderation.delete_channel(self.sb.world, ch, by=self.user, reason=reason)

    def _thread(self, thread: Channel | int) -> Channel:
        found = thread if isinstance(thread, Channel) else self.sb.world.channel(thread)
        if found is None or not found.is_thread:
            raise LookupError(f"no thread {thread!r}")
        return found

    async def join_thread(self, thread: Channel | int) -> None:
        """Join a thread: THREAD_MEMBERS_UPDATE with `added_members` (no-op if already in)."""
        self.sb.world.join_thread(self._thread(thread), self.user)

    async def leave_thread(self, thread: Channel | int) -> None:
        """Leave a thread from the client: THREAD_MEMBERS_UPDATE with `removed_member_ids`
        (discord.py: on_thread_member_remove); no-op if not in it."""
        self.sb.world.leave_thread(self._thread(thread), self.user.id)
