"""Bans that already exist: never banned twice, one unban timer, no earlier end over a later
decision.

The Enforcer's half that knows Discord's ban list and Vigie's pending unban timers (the rule
itself is pure, in ban_state.py). A lock per (guild, user) serialises /ban, /tempban, /unban
and an expiring timer of that user.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import UserError
from bot.timers import Timer

from .ban_state import BanChange, audit_reason, ban_change, placed_by_vigie
from .store import Case, NewCase

UNBAN_TIMER = "policies_unban"
BAN_KINDS = ("ban", "tempban")


@dataclass(frozen=True)
class BanOutcome:
    """A /ban or /tempban carried out: its case and, for a user banned already, what changed."""

    case: Case
    change: BanChange
    previous: int | None = None  # the case of the ban Discord already held


class BansMixin:
    """/ban, /tempban and /unban on the ban Discord holds; the tempban timer's handler."""

    # Given by the Enforcer, whose check, cases and announcements a new ban goes through.
    bot: Any
    store: Any
    _ban_locks: weakref.WeakValueDictionary[tuple[int, int], asyncio.Lock]

    if TYPE_CHECKING:  # the Enforcer's own methods, declared so their use here is checked

        @staticmethod
        def check(
            guild: discord.Guild, actor: discord.Member | None,
            target: discord.Member | discord.User, kind: str,
        ) -> None: ...  # fmt: skip

        @staticmethod
        def _new_case(
            kind: str, target: discord.abc.User, actor: discord.Member | None,
            reason: str | None, duration: int | None,
        ) -> NewCase: ...  # fmt: skip

        async def _apply(
            self, guild: discord.Guild, target: Any, new: NewCase, purge: int, notify: bool
        ) -> Case: ...

        async def _after(self, guild: discord.Guild, target: Any, case: Case, why: str) -> None: ...

        def kind(self, guild: discord.Guild, kind: str) -> str: ...

    def _ban_lock(self, guild_id: int, user_id: int) -> asyncio.Lock:
        lock = self._ban_locks.get((guild_id, user_id))
        if lock is None:
            lock = self._ban_locks[(guild_id, user_id)] = asyncio.Lock()
        return lock

    async def ban(
        self, guild: discord.Guild, target: discord.Member | discord.User, kind: str, *,
        actor: discord.Member, reason: str | None = None, duration: int | None = None,
        purge: int = 0,
    ) -> BanOutcome:  # fmt: skip
        """/ban or /tempban ``target``, knowing the ban Discord may already hold (ban_state).

        Raises :class:`UserError` (nothing sent, nothing written) for a ban that stays as it is.
        """
        self.check(guild, actor, target, kind)
        async with self._ban_lock(guild.id, target.id):
            # Asked even for a member: another ban may have landed while this one waited.
            held = await self._held(guild, target)
            timer = await self._unban_timer(guild.id, target.id) if held else None
            change = ban_change(
                kind, held is not None, held.reason if held else None,
                timer.payload.get("reason") if timer else None,
            )  # fmt: skip
            new = self._new_case(kind, target, actor, reason, duration)
            if held is None:
                return BanOutcome(await self._apply(guild, target, new, purge, True), change)
            if change is BanChange.REFUSE:
                previous = await self.store.latest_case(guild.id, target.id, BAN_KINDS)
                if previous is not None and placed_by_vigie(held.reason):
                    raise UserError(
                        "policies.already_banned", user=str(target), number=previous.number
                    )
                raise UserError(
                    "policies.already_banned_by_hand",
                    user=str(target),
                    reason=(held.reason or "-")[:200],
                )
            # Discord keeps the ban it holds (banning again is a no-op there): only the record
            # and the one timer change, and the timer keeps that ban's reason to recognise it.
            case = await self.store.open_case(guild.id, new)
            await self._after(guild, target, case, held.reason or "")
            return BanOutcome(case, change, timer.payload.get("case") if timer else None)

    async def _held(self, guild: discord.Guild, user: discord.abc.Snowflake) -> Any:
        """The ban Discord holds on ``user`` (a ``BanEntry``), or None; a failure refuses."""
        try:
            return await guild.fetch_ban(user)
        except discord.NotFound:
            return None
        except discord.HTTPException as exc:
            raise UserError("policies.action_failed", action="ban", error=str(exc)[:200]) from exc

    async def _unban_timer(self, guild_id: int, user_id: int) -> Timer | None:
        pending = await self.bot.timers.pending(guild_id, UNBAN_TIMER)
        return next((t for t in pending if t.key == str(user_id)), None)

    async def lift_expired(self, guild: discord.Guild, timer: Timer) -> None:
        """The unban timer of a tempban: lift the ban if it is still that very tempban.

        A failure to reach Discord raises, so the timer is kept and tried again.
        """
        user = discord.Object(int(timer.payload["user_id"]))
        async with self._ban_lock(guild.id, user.id):
            if await self.bot.timers.get(timer.id) is None:
                return  # cancelled or replaced while due: a /ban or a new end came first
            try:
                held = await guild.fetch_ban(user)
            except discord.NotFound:
                return  # unbanned by hand already: nothing to do
            if held.reason != timer.payload.get("reason"):
                return  # banned again by someone else since: their decision stands
            try:
                await self._unban(
                    guild, user, None, f"tempban #{timer.payload.get('case')} expired"
                )
            except UserError as exc:
                if exc.message_key != "policies.not_banned":
                    raise  # e.g. Ban Members taken away: kept, retried, logged each time

    async def unban(
        self, guild: discord.Guild, user: discord.abc.Snowflake, actor: discord.Member | None,
        reason: str | None,
    ) -> Case:  # fmt: skip
        """Lift a ban (by hand or by an undo) and record it; the pending unban timer goes too."""
        async with self._ban_lock(guild.id, user.id):
            return await self._unban(guild, user, actor, reason)

    async def _unban(
        self, guild: discord.Guild, user: discord.abc.Snowflake, actor: discord.Member | None,
        reason: str | None,
    ) -> Case:  # fmt: skip
        perms = guild.me.guild_permissions
        if not (perms.ban_members or perms.administrator):
            raise UserError("errors.bot_missing_permission", permission="ban members")
        try:
            await guild.unban(user, reason=audit_reason("unban", reason))
        except discord.NotFound as exc:
            # Lifted by hand already: a timer of ours left pending would only find nothing.
            await self.bot.timers.cancel(guild.id, UNBAN_TIMER, str(user.id))
            raise UserError("policies.not_banned") from exc
        case = await self.store.open_case(
            guild.id, NewCase("unban", user.id, actor.id if actor else None, reason=reason)
        )
        await self.bot.timers.cancel(guild.id, UNBAN_TIMER, str(user.id))
        await self.bot.modlog.write(
            guild, "policies.modlog.case", number=case.number, kind=self.kind(guild, "unban"),
            user=str(user.id), moderator=f"<@{actor.id}>" if actor else "Vigie",
            reason=reason or "-",
        )  # fmt: skip
        return case
