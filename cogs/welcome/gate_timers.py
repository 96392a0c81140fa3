"""The welcome cog's persistent timers: gate reminder and removal, delayed roles, 7-day check.

Every handler checks the world first (the member may have accepted, left or come back meanwhile),
because a timer fires again after a crash and across restarts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot import checks
from bot.durations import Duration
from bot.errors import UserError
from cogs.welcome import gate, journey
from cogs.welcome.gate import RemoveMember, SendReminder
from cogs.welcome.greeter import Greeting
from cogs.welcome.journey import Step
from cogs.welcome.onboarding import ACTIVE_KIND, DELAYED_ROLE_KIND
from cogs.welcome.views import accept_view

if TYPE_CHECKING:
    from bot.timers import Timer
    from cogs.welcome.onboarding import Onboarding


def _now() -> datetime:
    return datetime.now(UTC)


class GateTimers:
    """Handlers of the welcome timer kinds (registered by the cog in ``cog_load``)."""

    def __init__(self, flow: Onboarding) -> None:
        self.flow = flow
        self.cog = flow.cog
        self.bot = flow.bot
        self.store = flow.store

    def handlers(self) -> dict[str, Callable[[Timer], Awaitable[None]]]:
        return {
            gate.REMIND_KIND: self.remind_due,
            gate.REMOVE_KIND: self.remove_due,
            DELAYED_ROLE_KIND: self.delayed_role_due,
            ACTIVE_KIND: self.active_check_due,
        }

    def _member(self, timer: Timer) -> tuple[discord.Guild | None, discord.Member | None]:
        guild = self.bot.get_guild(timer.guild_id)
        user_id = int(timer.payload.get("user_id", 0))
        return guild, guild.get_member(user_id) if guild is not None else None

    async def remind_due(self, timer: Timer) -> None:
        guild, member = self._member(timer)
        if guild is None or member is None or not self.cog.enabled(guild.id):
            return
        if not self.cog.config(guild.id).rules_enabled:
            return  # the gate was turned off after this member joined
        record = await self.store.current(guild.id, member.id)
        if record is None:
            return
        state, actions = gate.on_remind_due(record.gate_state)
        if not any(isinstance(a, SendReminder) for a in actions):
            return
        # Compare-and-set: a double fire (crash before the row was deleted) reminds once.
        if not await self.store.set_gate_state(
            guild.id, member.id, state, only_from=gate.OPEN_STATES - {state}
        ):
            return
        config = self.cog.config(guild.id)
        locale = self.bot.i18n.locale_for(guild)
        values = self.cog.greeter.values(member, config)
        if config.remove_after is not None:
            deadline = discord.utils.format_dt(record.journey.joined_at + config.remove_after, "R")
            text = self.bot.i18n.t(locale, "welcome.reminder", deadline=deadline, **values)
        else:
            text = self.bot.i18n.t(locale, "welcome.reminder_no_removal", **values)
        view = accept_view(guild.id, self.bot.i18n.t(locale, "welcome.accept_button"))
        greeting = Greeting(text[:2000], None, view)
        sent = None if record.dm_failed else await self.cog.greeter.send_dm(member, greeting)
        if sent is False:
            await self.store.note_dm_failed(guild.id, member.id)
        if not sent and config.rules_channel is not None:
            # DMs closed: remind in the rules channel, pinging only this member.
            await self.cog.greeter.send_to_channel(
                guild,
                config.rules_channel,
                "welcome.rules.channel",
                greeting,
                discord.AllowedMentions(users=[member], roles=False, everyone=False),
            )

    async def remove_due(self, timer: Timer) -> None:
        guild, member = self._member(timer)
        if guild is None or not self.cog.enabled(guild.id):
            return
        current = self.cog.config(guild.id)
        if not current.rules_enabled or current.remove_after is None:
            # The timer was armed at the join: a manager who turned the gate or its removal
            # off since then expects nobody to be removed for it.
            return
        user_id = int(timer.payload.get("user_id", 0))
        record = await self.store.current(guild.id, user_id)
        if record is None:
            return
        state, actions = gate.on_remove_due(record.gate_state, still_member=member is not None)
        if member is None or not any(isinstance(a, RemoveMember) for a in actions):
            if state is not record.gate_state:
                await self.store.set_gate_state(
                    guild.id, user_id, state, only_from=gate.OPEN_STATES
                )
            return
        config = self.cog.config(guild.id)
        due = record.journey.joined_at + current.remove_after
        if due > _now():
            # The delay was lengthened since the join (the reminder states the new deadline).
            await self.bot.timers.schedule(
                guild.id, gate.REMOVE_KIND, due, {"user_id": user_id}, key=str(user_id)
            )
            return
        locale = self.bot.i18n.locale_for(guild)
        try:
            # Hierarchy and the bot's Kick Members permission, checked before any API call
            # (and before the DM: nobody is told they were removed when they were not).
            checks.ensure_can_act(None, member, "kick")
        except UserError as refusal:
            await self.bot.modlog.write(
                guild,
                "welcome.log.remove_failed",
                member=member.mention,
                reason=self.bot.i18n.t(locale, refusal.message_key, **refusal.fields),
            )
            return  # still gated: the member can accept, a moderator can act
        # Claim the removal first: a double fire after a crash removes and DMs once.
        if not await self.store.set_gate_state(
            guild.id, user_id, state, only_from=gate.OPEN_STATES
        ):
            return
        delay = Duration(config.remove_after) if config.remove_after else "-"
        key = "welcome.removed_dm" if config.invite else "welcome.removed_dm_no_invite"
        text = self.bot.i18n.t(
            locale, key, server=guild.name, delay=delay, invite=config.invite or ""
        )
        # DM before the kick: once removed, the bot shares no server with them and cannot write.
        if not record.dm_failed:
            await self.cog.greeter.send_dm(member, Greeting(text[:2000], None, None))
        try:
            await member.kick(reason=self.bot.i18n.t(locale, "welcome.removed_reason", delay=delay))
        except discord.HTTPException as exc:
            await self.store.set_gate_state(guild.id, user_id, record.gate_state)
            await self.bot.modlog.write(
                guild, "welcome.log.remove_failed", member=member.mention, reason=str(exc)[:200]
            )
            return
        await self.bot.modlog.write(
            guild, "welcome.log.removed", member=member.mention, delay=delay
        )

    async def delayed_role_due(self, timer: Timer) -> None:
        guild, member = self._member(timer)
        if guild is None or member is None or not self.cog.enabled(guild.id):
            return
        config = self.cog.config(guild.id)
        wanted = timer.payload.get("role")
        if wanted is not None:
            # Found by role, not by index: entries move when one above them is removed.
            roles = [d.role for d in config.delayed_roles if str(d.role) == wanted]
        else:  # a timer armed before the role was stored with it
            index = int(timer.payload.get("index", -1))
            in_range = 0 <= index < len(config.delayed_roles)
            roles = [config.delayed_roles[index].role] if in_range else []
        if not roles:
            return  # the config changed since: that delayed role no longer exists
        if config.rules_enabled:
            record = await self.store.current(guild.id, member.id)
            if record is not None and record.gate_state in gate.OPEN_STATES:
                return  # given on acceptance instead (see _grant_access)
        await self.flow.change_roles(member, self.flow._roles(guild, roles[:1]), [])

    async def active_check_due(self, timer: Timer) -> None:
        guild, member = self._member(timer)
        if guild is None:
            return
        user_id = int(timer.payload.get("user_id", 0))
        record = await self.store.current(guild.id, user_id)
        if record is None:
            return
        await self.cog.first_messages.flush()  # the latest first message may still be queued
        record = await self.store.current(guild.id, user_id)
        at = _now()
        if record is not None and journey.is_active(record.journey, at, member is not None):
            if await self.store.mark_step(guild.id, user_id, Step.ACTIVE_7D, at):
                self.cog.dispatch_step(guild.id, user_id, Step.ACTIVE_7D, at)
