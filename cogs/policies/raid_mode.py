"""Anti-raid cog: join-rate and new-account bursts turn raid mode on; /raid on|off|status.

During raid mode every newcomer is quarantined (timeout or role) or kicked, with a DM, per
``policies.raid``; managers are alerted; raid mode ends after a quiet period or /raid off.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.durations import Duration
from bot.errors import UserError

from .raid import RaidConfig, RaidDetector
from .views import alert_channel

if TYPE_CHECKING:
    from bot.app import Vigie

    from .cog import PoliciesCog

log = logging.getLogger(__name__)
CHECK_EVERY = 1.0  # seconds between two quiet-period checks


class RaidCog(commands.Cog, name="policies-raid"):
    """Raid detection and raid mode (moderators: /raid)."""

    raid = app_commands.Group(
        name="raid",
        description="Raid mode: quarantine newcomers during a raid (moderators).",
        guild_only=True,
        default_permissions=discord.Permissions(moderate_members=True),
    )

    def __init__(self, bot: Vigie, policies: PoliciesCog) -> None:
        self.bot = bot
        self.policies = policies
        self.detector = RaidDetector()
        self._active: dict[int, bool] = {}
        self._watch: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self._watch = asyncio.create_task(self._quiet_watch(), name="vigie-policies-raid")

    async def cog_unload(self) -> None:
        if self._watch is not None:
            self._watch.cancel()

    def config(self, guild_id: int) -> RaidConfig:
        """The guild's raid settings."""
        return RaidConfig.from_section(
            self.bot.configs.get(guild_id).section("policies").get("raid")
        )

    async def is_active(self, guild_id: int) -> bool:
        """Raid mode of the guild (cached after the first read)."""
        if guild_id not in self._active:
            active = (await self.policies.store.raid(guild_id)).active
            if active and not self.detector.quiet_since(guild_id):
                # Raid mode outlived a restart: its quiet period counts from now, so it ends
                # after all (the time of the last suspicious join was in memory only).
                self.detector.suspicious(guild_id, time.time())
            self._active[guild_id] = active
        return self._active[guild_id]

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """Raid mode left on by a restart is announced again: welcome keeps batching greetings."""
        if await self.is_active(guild.id):  # as /raid on and turn_on announce it, always
            self.bot.dispatch("raid_mode_changed", guild.id, True)

    # -- joins -----------------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        guild = member.guild
        if member.bot or not self.bot.feature_enabled(guild.id, "policies"):
            return
        self.policies.check_name(member, member.display_name)
        cfg = self.config(guild.id)
        if not cfg.enabled:
            return
        now = time.time()
        reason = self.detector.join(guild.id, now, now - member.created_at.timestamp(), cfg)
        active = await self.is_active(guild.id)
        if reason and not active:
            await self.turn_on(guild, reason, None)
            active = True
        if active:
            self.detector.suspicious(guild.id, now)
            await self._quarantine(member, cfg)

    async def _quarantine(self, member: discord.Member, cfg: RaidConfig) -> None:
        guild = member.guild
        enforcer = self.policies.enforcer
        reason = enforcer.t(guild, "raid.reason")
        try:
            if cfg.action == "timeout":
                await enforcer.punish(
                    guild, member, "timeout", reason=reason, duration=cfg.timeout, rule="raid"
                )
            elif cfg.action == "kick":
                await enforcer.punish(guild, member, "kick", reason=reason, rule="raid")
            elif cfg.action == "role" and cfg.quarantine_role:
                role = next(
                    (r for r in guild.roles if checks.role_matches(r, [cfg.quarantine_role])), None
                )
                if role is not None:
                    checks.ensure_can_act(None, member, "role")
                    if role >= guild.me.top_role:
                        # Discord would refuse it: say so to the moderators, never to the member.
                        log.warning("policies: quarantine role %s is above Vigie's in %s",
                                    role.id, guild.id)  # fmt: skip
                        return
                    announced = await enforcer.dm(
                        member, enforcer.t(guild, "dm.quarantine", server=guild.name)
                    )
                    try:
                        await member.add_roles(role, reason=reason)
                    except discord.HTTPException:
                        if announced:
                            await enforcer.dm(
                                member, enforcer.t(guild, "dm.correction", server=guild.name)
                            )
                        raise
        except (UserError, discord.HTTPException) as exc:
            log.warning(
                "policies: raid quarantine of %s in %s failed: %s", member.id, guild.id, exc
            )

    # -- raid mode on and off ------------------------------------------------------------------
    async def turn_on(self, guild: discord.Guild, reason: str, by: discord.Member | None) -> None:
        """Raid mode on; managers alerted."""
        self._active[guild.id] = True
        self.bot.dispatch("raid_mode_changed", guild.id, True)  # welcome batches its greetings
        await self.policies.store.set_raid(guild.id, True, reason, by.id if by else None)
        self.detector.suspicious(guild.id, time.time())
        cfg = self.config(guild.id)
        t = self.policies.enforcer.t
        text = t(guild, "raid.on", reason=t(guild, f"raid.why_{reason}"), action=cfg.action,
                 quiet=Duration(cfg.quiet_period))  # fmt: skip
        managers = self.bot.configs.get(guild.id).get("roles.managers", []) or []
        pings = " ".join(r.mention for r in guild.roles if checks.role_matches(r, managers))
        channel = alert_channel(self.bot, guild)
        if channel is not None:
            await channel.send(
                f"{pings} {text}".strip(), allowed_mentions=discord.AllowedMentions(roles=True)
            )
        await self.bot.modlog.write(guild, "policies.modlog.raid_on", reason=reason)

    async def turn_off(self, guild: discord.Guild, by: discord.Member | None) -> None:
        """Raid mode off."""
        self._active[guild.id] = False
        self.bot.dispatch("raid_mode_changed", guild.id, False)
        await self.policies.store.set_raid(
            guild.id, False, "manual" if by else "quiet", by.id if by else None
        )
        self.detector.reset(guild.id)
        channel = alert_channel(self.bot, guild)
        if channel is not None:
            await channel.send(self.policies.enforcer.t(guild, "raid.off"))
        await self.bot.modlog.write(guild, "policies.modlog.raid_off")

    async def _quiet_watch(self) -> None:
        await self.bot.wait_until_ready()
        # Guilds left in raid mode by the last run are watched too, not only after a join.
        for joined in list(self.bot.guilds):
            try:
                await self.is_active(joined.id)
            except Exception:
                log.exception("policies: raid mode of %s could not be read", joined.id)
        while True:
            await asyncio.sleep(CHECK_EVERY)
            now = time.time()
            for guild_id, active in list(self._active.items()):
                guild = self.bot.get_guild(guild_id)
                if not active or guild is None:
                    continue
                if now - self.detector.quiet_since(guild_id) >= self.config(guild_id).quiet_period:
                    try:
                        await self.turn_off(guild, None)
                    except Exception:
                        log.exception("policies: raid mode of %s could not be turned off", guild_id)

    # -- commands ----------------------------------------------------------------------------------
    @raid.command(
        name="on", description="Turn raid mode on: newcomers are quarantined (moderators)."
    )
    @checks.moderator_only()
    async def raid_on(self, interaction: discord.Interaction[Any]) -> None:
        """Turn raid mode on by hand (moderators)."""
        guild = interaction.guild
        assert guild is not None and isinstance(interaction.user, discord.Member)
        await interaction.response.send_message(
            self.policies.enforcer.t(guild, "raid.turned_on"), ephemeral=True
        )
        if not await self.is_active(guild.id):
            await self.turn_on(guild, "manual", interaction.user)

    @raid.command(name="off", description="Turn raid mode off (moderators).")
    @checks.moderator_only()
    async def raid_off(self, interaction: discord.Interaction[Any]) -> None:
        """Turn raid mode off by hand (moderators)."""
        guild = interaction.guild
        assert guild is not None and isinstance(interaction.user, discord.Member)
        await interaction.response.send_message(
            self.policies.enforcer.t(guild, "raid.turned_off"), ephemeral=True
        )
        if await self.is_active(guild.id):
            await self.turn_off(guild, interaction.user)

    @raid.command(name="status", description="Is raid mode on, since when and why (moderators).")
    @checks.moderator_only()
    async def raid_status(self, interaction: discord.Interaction[Any]) -> None:
        """Show raid mode (moderators)."""
        guild = interaction.guild
        assert guild is not None
        state = await self.policies.store.raid(guild.id)
        t = self.policies.enforcer.t
        if state.active:
            text = t(
                guild,
                "raid.status_on",
                since=f"<t:{int(state.since or 0)}:R>",
                reason=state.reason or "-",
            )
        else:
            text = t(guild, "raid.status_off")
        await interaction.response.send_message(text, ephemeral=True)
