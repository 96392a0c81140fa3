"""Member-side flows of the welcome cog: join, leave, accept, role menus and the timers.

Every timer handler checks the world first (the member may have accepted, left or come back
meanwhile), because a timer fires again after a crash and across restarts.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import UserError
from cogs.welcome import gate, journey
from cogs.welcome.gate import Cancel, GateState, GrantAccess, Schedule
from cogs.welcome.greeter import Greeting
from cogs.welcome.guild_roles import restorable_roles
from cogs.welcome.journey import Step
from cogs.welcome.raid_batching import Decision
from cogs.welcome.role_menus import MenuLimitReached, build_menu, select, toggle
from cogs.welcome.views import menus_view

if TYPE_CHECKING:
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
        """Give the accepted roles; False when one of them could not be given."""
        config = self.cog.config(member.guild.id)
        guild = member.guild
        add = self._roles(guild, config.accepted_roles)
        # A role deleted, renamed or moved above the bot since the config was checked: the
        # moderators hear it now (not at the next restart), and the member is told.
        broken = [
            p
            for p in self.cog.roles(guild).problems
            if p.key.startswith("welcome.rules.accepted_roles.") and p.reason != "moderation"
        ]
        if broken:
            await self.cog.report_role_problems(guild)
        # Delayed roles whose time has come while the member was gated are given now.
        joined = member.joined_at or _now()
        add += self._roles(
            guild, [d.role for d in config.delayed_roles if joined + d.after <= _now()]
        )
        remove = self._roles(guild, [config.newcomer_role] if config.newcomer_role else [])
        return await self.change_roles(member, add, remove) and not broken

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
                {"user_id": member.id, "index": index, "role": str(delayed.role)},
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
        await self.greet(member, gated=state is GateState.PENDING)

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
        granted = True
        for action in actions:
            if isinstance(action, Cancel):
                await self.bot.timers.cancel(guild.id, action.kind, str(member.id))
            elif isinstance(action, GrantAccess):
                granted = await self._grant_access(member)
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
            if interaction.guild_id is not None and granted
            else None
        )
        key = "welcome.accepted_pick_roles" if view is not None else "welcome.accepted"
        if not granted:
            # Pressing again once the moderators fixed the roles grants them (see gate.on_accept).
            key = "welcome.roles_failed"
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

    # -- greetings ------------------------------------------------------------------------------
    async def greet(self, member: discord.Member, *, gated: bool, test: bool = False) -> list[str]:
        """Greet ``member`` (channel and/or DM, batched during a raid); return where it went."""
        guild = member.guild
        config = self.cog.config(guild.id)
        if not test:
            decision = self.cog.batcher.offer(
                guild.id,
                member.id,
                asyncio.get_running_loop().time(),
                window=config.batch_window.total_seconds(),
                burst_joins=config.burst_joins,
            )
            if decision is Decision.OPEN_BATCH:
                self._arm_flush(guild.id, config.batch_window.total_seconds())
            if decision is not Decision.SEND:
                return ["batched"]  # no DMs during a raid: they would hit the global limit
        locale = self.bot.i18n.locale_for(guild)
        where: list[str] = []
        if config.channel is not None:
            greeting = self.cog.greeter.build(member, config, locale, kind="greeting", gated=gated)
            mentions = discord.AllowedMentions(users=[member], roles=False, everyone=False)
            sent = await self.cog.greeter.send_to_channel(
                guild, config.channel, "welcome.channel", greeting, mentions
            )
            where.append("channel" if sent else "channel_failed")
        if config.dm:
            greeting = self.cog.greeter.build(member, config, locale, kind="dm", gated=gated)
            result = await self.cog.greeter.send_dm(member, greeting)
            where.append("dm" if result else "dm_closed" if result is False else "dm_failed")
            if (
                result is False
                and not test
                and await self.store.note_dm_failed(guild.id, member.id)
            ):
                log.info("welcome: guild %s: member %s has DMs closed", guild.id, member.id)
                self.bot.dispatch("welcome_dm_closed", guild.id, member.id)
                await self.cog.greeter.note_once(
                    guild, "dm_closed", "welcome.log.dm_closed", member=member.mention
                )
        return where

    def _arm_flush(self, guild_id: int, delay: float) -> None:
        loop = asyncio.get_running_loop()
        self.cog.flushes[guild_id] = loop.call_later(
            delay, lambda: self.cog.spawn(self._flush_batch(guild_id))
        )

    async def _flush_batch(self, guild_id: int) -> None:
        self.cog.flushes.pop(guild_id, None)
        user_ids, overflow = self.cog.batcher.drain(guild_id)
        guild = self.bot.get_guild(guild_id)
        if guild is not None:
            await self.cog.greeter.send_batch(guild, self.cog.config(guild_id), user_ids, overflow)
