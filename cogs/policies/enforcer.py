"""Carrying out decisions on Discord: punishments, DMs, cases, points, ladder, alerts.

Used by the automatic path (a verdict of the engine, in a background task) and by the manual
commands alike, so both follow the same order: checks (hierarchy, permissions) first, then the
DM announcing the action (only once nothing can refuse it any more), then the API call; if that
call still fails, a correction follows the DM. Every action becomes a numbered case. Bans
that may already exist, the tempban timer and unbans are the BansMixin's (bans.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from bot import checks
from bot.durations import Duration
from bot.errors import UserError

from .ban_state import CASE_MARK, audit_reason
from .bans import UNBAN_TIMER, BanOutcome, BansMixin
from .points import PointsPolicy, Step, add
from .store import Case, NewCase, PoliciesStore

log = logging.getLogger(__name__)

# A member punished moments ago by a rule is not punished again for the next copies of a burst.
REPEAT_GRACE = 30.0
_RANK = {"warn": 1, "timeout": 2, "kick": 3, "ban": 4, "tempban": 4}
__all__ = ["CASE_MARK", "UNBAN_TIMER", "BanOutcome", "Enforcer", "audit_reason"]


def _hierarchy_facts(actor: discord.Member, target: discord.Member) -> checks.ActFacts:
    """The ladder facts of an action that needs no permission of the bot (warn, note)."""
    guild = target.guild
    return checks.ActFacts(
        actor_id=actor.id,
        target_id=target.id,
        bot_id=guild.me.id,
        owner_id=guild.owner_id or 0,
        actor_top=actor.top_role.position,
        target_top=target.top_role.position,
        bot_top=guild.me.top_role.position,
        bot_permission=True,
        target_is_admin=False,
        action="warn",
    )


class Enforcer(BansMixin):
    """Performs moderation actions for one bot; no state but a short anti-repeat memory."""

    def __init__(self, bot: Any, store: PoliciesStore) -> None:
        self.bot = bot
        self.store = store
        self._recent: dict[tuple[int, int], tuple[int, float]] = {}
        # Read, add and save of a balance must not interleave: two hits of one burst would
        # both read 2 points, both cross 3, and the ladder would punish twice.
        self._points_lock = asyncio.Lock()
        # One lock per (guild, user): a ban, its unban timer and an unban never interleave, so
        # two moderators (or a moderator and an expiring timer) cannot leave two timers or
        # lift a ban decided a moment later.
        self._ban_locks: weakref.WeakValueDictionary[tuple[int, int], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    # -- helpers ----------------------------------------------------------------------------
    def t(self, guild: discord.Guild, key: str, **fields: Any) -> str:
        """A member-visible text in the guild's language."""
        return self.bot.i18n.for_guild(guild, f"policies.{key}", **fields)

    def kind(self, guild: discord.Guild, kind: str) -> str:
        """A case's kind in the guild's language ("ban" -> "bannissement")."""
        return self.t(guild, f"kinds.{kind}")

    def section(self, guild_id: int) -> dict[str, Any]:
        """The guild's policies section."""
        return self.bot.configs.get(guild_id).section("policies")

    async def dm(self, member: discord.Member | discord.User, text: str) -> bool:
        """Send a DM; False when the member does not accept them."""
        try:
            await member.send(text[:2000], allowed_mentions=discord.AllowedMentions.none())
            return True
        except discord.HTTPException:
            return False

    def recently_punished(self, guild_id: int, user_id: int, kind: str) -> bool:
        """True if an equal or harsher punishment hit this member in the last seconds."""
        now = time.monotonic()
        seen = self._recent.get((guild_id, user_id))
        if seen and seen[1] > now and seen[0] >= _RANK.get(kind, 0):
            return True
        if len(self._recent) > 10000:
            self._recent = {k: v for k, v in self._recent.items() if v[1] > now}
        self._recent[(guild_id, user_id)] = (_RANK.get(kind, 0), now + REPEAT_GRACE)
        return False

    # -- the one path for member actions ------------------------------------------------------
    @staticmethod
    def check(
        guild: discord.Guild,
        actor: discord.Member | None,
        target: discord.Member | discord.User,
        kind: str,
    ) -> None:
        """Raise the :class:`UserError` that refuses ``kind`` on ``target``, if any.

        Warn and note need no permission of the bot, only the hierarchy between a moderator
        and the member (``checks.ensure_can_act`` has no such action, so the ladder rule is
        asked directly); the bot warning on its own checks nothing.
        """
        if kind in ("warn", "note"):
            if actor is not None and isinstance(target, discord.Member):
                problem = checks.refusal(_hierarchy_facts(actor, target))
                if problem is not None:
                    raise problem
            return
        action = "ban" if kind == "tempban" else kind
        if isinstance(target, discord.Member):
            checks.ensure_can_act(actor, target, action)
        elif action != "ban":
            raise UserError("policies.not_a_member")
        elif not (
            guild.me.guild_permissions.ban_members or guild.me.guild_permissions.administrator
        ):
            raise UserError("errors.bot_missing_permission", permission="ban members")

    async def punish(
        self,
        guild: discord.Guild,
        target: discord.Member | discord.User,
        kind: str,
        *,
        actor: discord.Member | None = None,
        reason: str | None = None,
        duration: int | None = None,
        purge: int = 0,
        rule: str | None = None,
        evidence: str | None = None,
        channel_id: int | None = None,
        message_id: int | None = None,
        points: int = 0,
        notify: bool = True,
    ) -> Case:
        """Warn, note, timeout, kick, ban or tempban ``target``; returns the case.

        Raises :class:`UserError` (nothing done, no DM) when a check refuses, and after a
        failed API call (a correction DM follows the announcement).
        """
        self.check(guild, actor, target, kind)
        new = self._new_case(
            kind, target, actor, reason, duration, rule, evidence, channel_id, message_id, points
        )
        if kind in ("ban", "tempban"):
            async with self._ban_lock(guild.id, target.id):
                return await self._apply(guild, target, new, purge, notify)
        return await self._apply(guild, target, new, purge, notify)

    @staticmethod
    def _new_case(
        kind: str, target: discord.abc.User, actor: discord.Member | None, reason: str | None,
        duration: int | None, rule: str | None = None, evidence: str | None = None,
        channel_id: int | None = None, message_id: int | None = None, points: int = 0,
    ) -> NewCase:  # fmt: skip
        if kind == "timeout":
            duration = max(60, min(int(duration or 3600), 28 * 86400 - 60))
        expires = time.time() + duration if duration and kind in ("timeout", "tempban") else None
        return NewCase(
            kind=kind,
            user_id=target.id,
            moderator_id=actor.id if actor else None,
            rule=rule,
            reason=reason,
            duration=duration if kind in ("timeout", "tempban") else None,
            expires_at=expires,
            evidence=evidence,
            channel_id=channel_id,
            message_id=message_id,
            points=points,
        )

    async def _apply(
        self, guild: discord.Guild, target: Any, new: NewCase, purge: int, notify: bool
    ) -> Case:
        kind = new.kind
        # The audit reason is unique to this action: the tempban timer compares it with the
        # ban it finds, so a ban a human placed since (another reason) is never lifted by us.
        why = audit_reason(kind, new.reason or new.rule)
        announced = False
        dm_on = bool(self.section(guild.id).get("dm_members", True))
        if notify and dm_on and kind != "note":
            announced = await self.dm(target, self._announcement(guild, new))
        try:
            await self._call(guild, target, kind, new.duration, purge, why)
        except discord.HTTPException as exc:
            if announced:
                await self.dm(target, self.t(guild, "dm.correction", server=guild.name))
            log.warning("policies: %s of %s failed in guild %s: %s", kind, target.id, guild.id, exc)
            raise UserError("policies.action_failed", action=kind, error=str(exc)[:200]) from exc
        # Written only once Discord accepted the action: a refusal leaves no case behind.
        case = await self.store.open_case(guild.id, new)
        await self._after(guild, target, case, why)
        return case

    def _announcement(self, guild: discord.Guild, case: NewCase) -> str:
        reason = case.reason or case.rule or self.t(guild, "no_reason")
        duration = Duration(case.duration) if case.duration else ""
        return self.t(guild, f"dm.{case.kind}", server=guild.name, reason=reason, duration=duration)

    @staticmethod
    async def _call(
        guild: discord.Guild, target: Any, kind: str, duration: int | None, purge: int, why: str
    ) -> None:
        if kind == "timeout":
            await target.timeout(timedelta(seconds=duration or 3600), reason=why)
        elif kind == "kick":
            await target.kick(reason=why)
        elif kind in ("ban", "tempban"):
            await guild.ban(target, reason=why, delete_message_seconds=min(purge, 7 * 86400))

    async def _after(self, guild: discord.Guild, target: Any, case: Case, why: str) -> None:
        if case.kind == "tempban" and case.expires_at:
            due = datetime.fromtimestamp(case.expires_at, UTC)
            await self.bot.timers.schedule(
                guild.id, UNBAN_TIMER, due, {"user_id": target.id, "case": case.number, "reason": why},
                key=str(target.id),
            )  # fmt: skip
        if case.kind in ("ban", "kick"):
            await self.bot.timers.cancel(guild.id, UNBAN_TIMER, str(target.id))
        self.bot.dispatch("infraction", case)
        self.bot.dispatch("analytics_event", guild.id, "case", user_id=target.id, value=1)
        who = f"<@{case.moderator_id}>" if case.moderator_id else (case.rule or "Vigie")
        await self.bot.modlog.write(
            guild,
            "policies.modlog.case",
            number=case.number,
            kind=self.kind(guild, case.kind),
            user=f"{target} ({target.id})",
            moderator=who,
            reason=case.reason or case.rule or "-",
        )

    # -- points and the ladder -----------------------------------------------------------------
    async def add_points(
        self, guild: discord.Guild, member: discord.Member, amount: int
    ) -> tuple[int, Case | None]:
        """Add points; apply the ladder step crossed, if any. Returns (points, ladder case)."""
        policy = PointsPolicy.from_section(self.section(guild.id).get("points"))
        async with self._points_lock:
            balance = await self.store.balance(guild.id, member.id)
            balance, step = add(balance, amount, time.time(), policy)
            await self.store.save_balance(guild.id, member.id, balance)
        if step is None or amount <= 0:
            return balance.points, None
        return balance.points, await self._ladder(guild, member, step, balance.points)

    async def _ladder(
        self, guild: discord.Guild, member: discord.Member, step: Step, points: int
    ) -> Case | None:
        reason = self.t(guild, "ladder_reason", points=points)
        kind = "tempban" if step.action == "ban" and step.duration else step.action
        try:
            return await self.punish(
                guild, member, kind, reason=reason, duration=step.duration, rule="ladder"
            )
        except UserError as exc:
            log.warning("policies: ladder step %s on %s refused: %s", step, member.id, exc)
            return None
