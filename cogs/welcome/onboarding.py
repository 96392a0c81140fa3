"""Member-side flows of the welcome cog: join, leave, accept, role menus and the timers.

Every timer handler checks the world first (the member may have accepted, left or come back
meanwhile), because a timer fires again after a crash and across restarts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from bot import checks
from bot.durations import format_duration
from bot.errors import UserError
from cogs.welcome import gate, journey
from cogs.welcome.gate import Cancel, GateState, GrantAccess, RemoveMember, Schedule, SendReminder
from cogs.welcome.greeter import Greeting
from cogs.welcome.guild_roles import restorable_roles
from cogs.welcome.journey import Step
from cogs.welcome.role_menus import MenuLimitReached, build_menu, select, toggle
from cogs.welcome.views import accept_view, menus_view

if TYPE_CHECKING:
    from bot.timers import Timer
    from cogs.welcome.cog import WelcomeCog

log = logging.getLogger(__name__)

DELAYED_ROLE_KIND = "welcome_delayed_role"
ACTIVE_KIND = "welcome_active_check"


def _now() -> datetime:
    return datetime.now(UTC)


class Onboarding:
    """What happens to a newcomer, step by step."""

    def __init__(self, cog: WelcomeCog) -> None:
        self.cog = cog
        self.bot = cog.bot
        self.store = cog.store

    def timer_handlers(self) -> dict[str, Callable[[Timer], Awaitable[None]]]:
        return {
            gate.REMIND_KIND: self.remind_due,
            gate.REMOVE_KIND: self.remove_due,
            DELAYED_ROLE_KIND: self.delayed_role_due,
            ACTIVE_KIND: self.active_check_due,
        }

    # -- roles ----------------------------------------------------------------------------------
    async def change_roles(
        self, member: discord.Member, add: list[discord.Role], remove: list[discord.Role]
    ) -> bool:
        """One request for all role changes; a refusal is written to the mod log."""
        current = {r.id: r for r in member.roles if not r.is_default()}
        wanted = dict(current)
        for role in add:
            wanted[role.id] = role
        for role in remove:
            wanted.pop(role.id, None)
        if wanted.keys() == current.keys():
            return True
        try:
            await member.edit(roles=list(wanted.values()))
        except discord.HTTPException as exc:
            locale = self.bot.i18n.locale_for(member.guild)
            reason = (
                self.bot.i18n.t(locale, "welcome.reason.forbidden")
                if isinstance(exc, discord.Forbidden)
                else str(exc)[:200]
            )
            await self.bot.modlog.write(
                member.guild, "welcome.log.roles_failed", member=member.mention, reason=reason
            )
            return False
        return True

    def _roles(self, guild: discord.Guild, refs: Any) -> list[discord.Role]:
        ids = self.cog.roles(guild).many(refs)
        return [r for r in (guild.get_role(i) for i in ids) if r is not None]

    async def _grant_access(self, member: discord.Member) -> bool:
        config = self.cog.config(member.guild.id)
        guild = member.guild
        add = self._roles(guild, config.accepted_roles)
        # Delayed roles whose time has come while the member was gated are given now.
        joined = member.joined_at or _now()
        add += self._roles(
            guild, [d.role for d in config.delayed_roles if joined + d.after <= _now()]
        )
        remove = self._roles(guild, [config.newcomer_role] if config.newcomer_role else [])
        return await self.change_roles(member, add, remove)

    # -- join and leave -------------------------------------------------------------------------
    async def joined(self, member: discord.Member) -> None:
        guild, at = member.guild, _now()
        config = self.cog.config(guild.id)
        accepted_before = config.rules_enabled and await self.store.has_accepted(
            guild.id, member.id
        )
        state, actions = gate.on_join(
            config.gate, at, is_bot=member.bot, accepted_before=accepted_before
        )
        await self.store.start_journey(guild.id, member.id, at, state)
        self.cog.awaiting_first.setdefault(guild.id, set()).add(member.id)
        self.cog.dispatch_step(guild.id, member.id, Step.JOINED, at)
        key = str(member.id)
        for action in actions:
            if isinstance(action, Schedule):
                await self.bot.timers.schedule(
                    guild.id, action.kind, action.due_at, {"user_id": member.id}, key=key
                )
        for index, delayed in enumerate(config.delayed_roles):
            await self.bot.timers.schedule(
                guild.id,
                DELAYED_ROLE_KIND,
                at + delayed.after,
                {"user_id": member.id, "index": index},
                key=f"{member.id}:{index}",
            )
        await self.bot.timers.schedule(
            guild.id, ACTIVE_KIND, at + journey.ACTIVE_AFTER, {"user_id": member.id}, key=key
        )
        add = self._roles(guild, config.on_join_roles)
        if state is GateState.PENDING and config.newcomer_role is not None:
            add += self._roles(guild, [config.newcomer_role])
        if state is GateState.ACCEPTED:  # a returning member who had accepted the rules
            add += self._roles(guild, config.accepted_roles)
        saved = await self.store.sticky_roles(guild.id, member.id)
        if saved:
            sticky_ids = self.cog.roles(guild).many(config.sticky_roles)
            core = self.bot.configs.get(guild.id)
            add += restorable_roles(guild, saved, sticky_ids, core)
        if add:
            await self.change_roles(member, add, [])
        await self.cog.greet(member, gated=state is GateState.PENDING)

    async def left(self, member: discord.Member) -> None:
        guild, at = member.guild, _now()
        config = self.cog.config(guild.id)
        self.cog.batcher.discard(guild.id, member.id)
        self.cog.awaiting_first.get(guild.id, set()).discard(member.id)
        record = await self.store.current(guild.id, member.id)
        await self.store.mark_left(guild.id, member.id, at)
        sticky_ids = set(self.cog.roles(guild).many(config.sticky_roles))
        if sticky_ids:
            await self.store.save_sticky(
                guild.id, member.id, [r.id for r in member.roles if r.id in sticky_ids], at
            )
        if record is not None:
            state, actions = gate.on_leave(record.gate_state)
            if actions:
                await self.store.set_gate_state(guild.id, member.id, state)
            for action in actions:
                if isinstance(action, Cancel):
                    await self.bot.timers.cancel(guild.id, action.kind, str(member.id))
            if record.gate_state is GateState.REMOVED:
                return  # removed by the gate: the removal DM already said goodbye
        if config.goodbye_enabled:
            locale = self.bot.i18n.locale_for(guild)
            text = self.cog.greeter.render(member, config, "goodbye", locale)
            greeting = Greeting(text[:2000], None, None)
            await self.cog.greeter.send_to_channel(
                guild,
                config.goodbye_channel or config.channel,
                "welcome.goodbye.channel",
                greeting,
                discord.AllowedMentions.none(),
            )

    # -- accepting the rules --------------------------------------------------------------------
    async def accept(self, interaction: discord.Interaction[Any], guild_id: int) -> None:
        if interaction.guild_id is not None and interaction.guild_id != guild_id:
            raise UserError("welcome.accept_elsewhere")
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            raise UserError("welcome.accept_not_member")
        member = await self._member_of(guild, interaction)
        if member is None:
            raise UserError("welcome.accept_not_member")
        record = await self.store.current(guild.id, member.id)
        previous = record.gate_state if record is not None else GateState.UNGATED
        state, actions = gate.on_accept(previous)
        at = _now()
        for action in actions:
            if isinstance(action, Cancel):
                await self.bot.timers.cancel(guild.id, action.kind, str(member.id))
            elif isinstance(action, GrantAccess):
                await self._grant_access(member)
        if record is not None and state is not previous:
            await self.store.set_gate_state(guild.id, member.id, state)
        await self.store.record_accepted(guild.id, member.id, at)
        if record is not None and await self.store.mark_step(
            guild.id, member.id, Step.ACCEPTED_RULES, at
        ):
            self.cog.dispatch_step(guild.id, member.id, Step.ACCEPTED_RULES, at)
        locale = self.bot.i18n.locale_for(interaction)
        # Role menus need the server: pressed in a DM (reminder), the button only accepts.
        view = (
            menus_view(self.cog.menus(guild), self.bot.i18n.t(locale, "welcome.menu_placeholder"))
            if interaction.guild_id is not None
            else None
        )
        key = "welcome.accepted_pick_roles" if view is not None else "welcome.accepted"
        await interaction.response.send_message(
            self.bot.i18n.t(locale, key), view=view or discord.utils.MISSING, ephemeral=True
        )

    async def _member_of(
        self, guild: discord.Guild, interaction: discord.Interaction[Any]
    ) -> discord.Member | None:
        """The presser as a member of ``guild`` (a button in a DM carries only the user)."""
        if isinstance(interaction.user, discord.Member) and interaction.user.guild.id == guild.id:
            return interaction.user
        cached = guild.get_member(interaction.user.id)
        if cached is not None:
            return cached
        try:
            return await guild.fetch_member(interaction.user.id)
        except discord.NotFound:
            return None

    # -- self-assign menus ------------------------------------------------------------------------
    async def menu_change(
        self,
        interaction: discord.Interaction[Any],
        menu_id: str,
        *,
        toggle_role: int | None = None,
        chosen: list[int] | None = None,
    ) -> None:
        guild = interaction.guild
        member = interaction.user
        if guild is None or not isinstance(member, discord.Member):
            raise UserError("errors.guild_only")
        raw = self.cog.config(guild.id).menu(menu_id)
        if raw is None:
            raise UserError("welcome.menu_gone")
        menu = build_menu(raw, self.cog.roles(guild).ids)
        if toggle_role is not None and menu.option(toggle_role) is None:
            raise UserError("welcome.role_gone")
        held = [r.id for r in member.roles]
        try:
            if toggle_role is not None:
                change = toggle(menu, held, toggle_role)
            else:
                change = select(menu, held, chosen or [])
        except MenuLimitReached as exc:
            raise UserError("welcome.menu_limit", max=exc.maximum) from None
        roles = {rid: guild.get_role(rid) for rid in change.add | change.remove}
        ok = await self.change_roles(
            member,
            [r for rid in change.add if (r := roles[rid]) is not None],
            [r for rid in change.remove if (r := roles[rid]) is not None],
        )
        if not ok:
            raise UserError("welcome.roles_failed")
        if change.add:
            at = _now()
            if await self.store.mark_step(guild.id, member.id, Step.PICKED_ROLES, at):
                self.cog.dispatch_step(guild.id, member.id, Step.PICKED_ROLES, at)
        now_held = (set(held) - change.remove | change.add) & menu.role_ids
        labels = [o.label for o in menu.options if o.role_id in now_held]
        locale = self.bot.i18n.locale_for(interaction)
        text = (
            self.bot.i18n.t(locale, "welcome.roles_now", roles=", ".join(labels))
            if labels
            else self.bot.i18n.t(locale, "welcome.roles_none")
        )
        await interaction.response.send_message(text, ephemeral=True)

    # -- timers -----------------------------------------------------------------------------------
    def _member(self, timer: Timer) -> tuple[discord.Guild | None, discord.Member | None]:
        guild = self.bot.get_guild(timer.guild_id)
        user_id = int(timer.payload.get("user_id", 0))
        return guild, guild.get_member(user_id) if guild is not None else None

    async def remind_due(self, timer: Timer) -> None:
        guild, member = self._member(timer)
        if guild is None or member is None or not self.cog.enabled(guild.id):
            return
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
        delay = format_duration(config.remove_after) if config.remove_after else "-"
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
        index = int(timer.payload.get("index", -1))
        if not 0 <= index < len(config.delayed_roles):
            return  # the config changed since: that delayed role no longer exists
        if config.rules_enabled:
            record = await self.store.current(guild.id, member.id)
            if record is not None and record.gate_state in gate.OPEN_STATES:
                return  # given on acceptance instead (see _grant_access)
        await self.change_roles(member, self._roles(guild, [config.delayed_roles[index].role]), [])

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
