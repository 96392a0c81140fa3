"""The welcome cog: greetings, the rules gate, roles and the onboarding journey.

Listeners and commands stay thin: the rules live in ``gate.py``, ``journey.py``,
``role_menus.py``, ``roles.py`` and ``raid_batching.py``; the SQL in ``store.py``; the sending in
``greeter.py``; the member-side flows (join, leave, accept, menus, greeting or batching) in
``onboarding.py``; the persistent timers in ``gate_timers.py``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.errors import UserError
from cogs.welcome import journey
from cogs.welcome.config import WelcomeConfig
from cogs.welcome.gate_timers import GateTimers
from cogs.welcome.greeter import Greeter
from cogs.welcome.guild_roles import ResolvedRoles, resolve_config_roles
from cogs.welcome.journey import Step
from cogs.welcome.onboarding import Onboarding
from cogs.welcome.raid_batching import RAID_EVENT, GreetingBatcher
from cogs.welcome.role_menus import build_menu
from cogs.welcome.store import FIRST_MESSAGE_SQL, WelcomeStore, first_message_row
from cogs.welcome.views import DYNAMIC_ITEMS, accept_view, menus_view

if TYPE_CHECKING:
    from bot.app import Vigie

log = logging.getLogger(__name__)

SECTION = "welcome"
# Newcomers older than this are no longer watched for their first message.
FIRST_MESSAGE_HORIZON = timedelta(days=30)


class WelcomeCog(commands.Cog, name="welcome"):
    """Greets newcomers, gates them behind the rules, gives roles and follows their first steps.

    Commands are for managers (Manage Server or a manager role).
    """

    welcome = app_commands.Group(
        name="welcome",
        description="Greetings, rules gate and onboarding of newcomers (managers).",
        guild_only=True,
        default_permissions=checks.MANAGER_PERMISSIONS,
    )

    def __init__(self, bot: Vigie) -> None:
        self.bot = bot
        self.store = WelcomeStore(bot.db)
        self.greeter = Greeter(bot)
        self.batcher = GreetingBatcher(window=10.0, burst_joins=5)
        self.flow = Onboarding(self)
        self.gate_timers = GateTimers(self.flow)
        self._configs: dict[int, tuple[Any, WelcomeConfig]] = {}
        self._roles: dict[int, tuple[WelcomeConfig, int, ResolvedRoles]] = {}
        # Hot path: members whose first message is still awaited, per guild (memory only).
        self.awaiting_first: dict[int, set[int]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.flushes: dict[int, asyncio.TimerHandle] = {}

    # -- life cycle ------------------------------------------------------------------------------
    async def cog_load(self) -> None:
        self.bot.register_store(self.store)
        self.bot.add_message_hook(self.note_first_message)
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.first_messages = self.bot.batch_writer(
            FIRST_MESSAGE_SQL, interval=1.0, name="welcome-first-message"
        )
        for kind, handler in self.gate_timers.handlers().items():
            self.bot.timers.handler(kind, handler)
        self.bot.configs.add_guild_check(SECTION, self.check_roles)

    async def cog_unload(self) -> None:
        self.bot.remove_message_hook(self.note_first_message)
        self.bot.configs.remove_guild_check(SECTION)
        for kind in self.gate_timers.handlers():
            self.bot.timers.remove_handler(kind)
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        for handle in self.flushes.values():
            handle.cancel()
        await self.first_messages.flush()

    # -- config and roles (cached per config object) -------------------------------------------
    def config(self, guild_id: int) -> WelcomeConfig:
        raw = self.bot.configs.get(guild_id)
        cached = self._configs.get(guild_id)
        if cached is None or cached[0] is not raw:
            cached = (raw, WelcomeConfig.from_section(raw.section(SECTION)))
            self._configs[guild_id] = cached
        return cached[1]

    def enabled(self, guild_id: int | None) -> bool:
        return (
            guild_id is not None
            and self.bot.feature_enabled(guild_id, SECTION)
            and self.config(guild_id).enabled
        )

    def roles(self, guild: discord.Guild) -> ResolvedRoles:
        """Resolved roles, recomputed when the config or the guild's roles change."""
        config = self.config(guild.id)
        stamp = hash(tuple((r.id, r.position, r.name, r.permissions.value) for r in guild.roles))
        cached = self._roles.get(guild.id)
        if cached is None or cached[0] is not config or cached[1] != stamp:
            core = self.bot.configs.get(guild.id)
            cached = (config, stamp, resolve_config_roles(guild, config, core))
            self._roles[guild.id] = cached
        return cached[2]

    def menus(self, guild: discord.Guild) -> list[Any]:
        resolved = self.roles(guild)
        return [build_menu(raw, resolved.ids) for raw in self.config(guild.id).menus]

    def check_roles(self, guild_id: int, candidate: Any) -> list[tuple[str, str]]:
        """Refuse a config written from Discord that names roles the bot cannot give (missing,
        managed, @everyone, not below the bot, no Manage Roles). A moderation role is allowed in
        the config but never given: that one is reported in the mod log instead."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return []
        config = WelcomeConfig.from_section(candidate.section(SECTION))
        locale = self.bot.i18n.locale_for(guild)
        t = self.bot.i18n.t
        # A role deleted or moved since the live config was stored is the mod log's to report:
        # refusing every later change for it would block even `/config set timezone`.
        live = self.bot.configs.get(guild_id)
        live_section = live.section(SECTION)
        known = (
            {
                (p.ref, p.reason)
                for p in resolve_config_roles(
                    guild, WelcomeConfig.from_section(live_section), live
                ).problems
            }
            if live_section.get("enabled", True)  # a disabled section was never checked
            else set()
        )
        found = []
        for problem in resolve_config_roles(guild, config, candidate).problems:
            if problem.reason == "moderation" or (problem.ref, problem.reason) in known:
                continue
            if problem.reason == "missing":
                message = t(locale, "welcome.config_error.role_missing", role=problem.ref)
            else:
                reason = t(locale, f"welcome.reason.{problem.reason}")
                message = t(
                    locale,
                    "welcome.config_error.role_unmanageable",
                    role=problem.ref,
                    reason=reason,
                )
            found.append((problem.key, message))
        return found

    async def report_role_problems(self, guild: discord.Guild) -> None:
        """One mod-log line per unusable role of the config (again after a config change)."""
        if not self.enabled(guild.id):
            return
        locale = self.bot.i18n.locale_for(guild)
        for problem in self.roles(guild).problems:
            if problem.reason == "missing":
                key, fields = "welcome.log.role_missing", {}
            else:
                key = "welcome.log.role_unmanageable"
                fields = {"reason": self.bot.i18n.t(locale, f"welcome.reason.{problem.reason}")}
            await self.greeter.note_once(
                guild,
                f"role:{problem.key}:{problem.ref}",
                key,
                role=problem.ref,
                setting=problem.key,
                **fields,
            )

    def dispatch_step(self, guild_id: int, user_id: int, step: Step, at: datetime) -> None:
        self.bot.dispatch(journey.EVENT, guild_id, user_id, step.value, at)
        if step is not Step.JOINED:  # analytics counts joins itself, from member events
            self.bot.dispatch(
                "analytics_event", guild_id, f"onboarding:{step.value}", user_id=user_id, value=1
            )

    def spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- listeners -------------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_ready(self) -> None:
        since = datetime.now(UTC) - FIRST_MESSAGE_HORIZON
        # Queued first messages count as sent (on_ready comes again after a reconnect).
        await self.first_messages.flush()
        for guild in self.bot.guilds:
            stored = await self.store.awaiting_first_message(guild.id, since)
            # Merged, not replaced: a member who joined during the query is already in the set.
            self.awaiting_first.setdefault(guild.id, set()).update(stored)
            await self.report_role_problems(guild)

    @commands.Cog.listener()
    async def on_config_changed(self, guild_id: int) -> None:
        self.greeter.noted = {n for n in self.greeter.noted if n[0] != guild_id}
        guild = self.bot.get_guild(guild_id)
        if guild is not None:
            await self.report_role_problems(guild)

    @commands.Cog.listener(f"on_{RAID_EVENT}")
    async def on_raid_mode_changed(self, guild_id: int, on: bool) -> None:
        """Raid mode (dispatched by the policies cog): greetings are batched while it is on."""
        self.batcher.set_raid_mode(guild_id, bool(on))

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if member.bot or not self.enabled(member.guild.id):
            return  # a bot gets no greeting and no gate
        await self.flow.joined(member)

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        if member.bot or not self.enabled(member.guild.id):
            return
        await self.flow.left(member)

    def note_first_message(self, message: discord.Message) -> None:
        """The message hook: a set lookup, no awaited database call (the update is batched)."""
        guild = message.guild
        if guild is None or message.author.bot:
            return
        waiting = self.awaiting_first.get(guild.id)
        if not waiting or message.author.id not in waiting:
            return
        waiting.discard(message.author.id)
        at = message.created_at
        self.first_messages.add(first_message_row(guild.id, message.author.id, at))
        self.dispatch_step(guild.id, message.author.id, Step.FIRST_MESSAGE, at)

    # -- components (called by views.py) ---------------------------------------------------------
    async def accept_pressed(self, interaction: discord.Interaction[Any], guild_id: int) -> None:
        await self.flow.accept(interaction, guild_id)

    async def role_button_pressed(
        self, interaction: discord.Interaction[Any], menu_id: str, role_id: int
    ) -> None:
        await self.flow.menu_change(interaction, menu_id, toggle_role=role_id)

    async def menu_selected(
        self, interaction: discord.Interaction[Any], menu_id: str, chosen: list[int]
    ) -> None:
        await self.flow.menu_change(interaction, menu_id, chosen=chosen)

    # -- commands --------------------------------------------------------------------------------
    def t(self, interaction: discord.Interaction[Any], key: str, **fields: Any) -> str:
        return self.bot.i18n.t(self.bot.i18n.locale_for(interaction), key, **fields)

    @welcome.command(name="preview")
    @checks.manager_only()
    async def preview(self, interaction: discord.Interaction[Any]) -> None:
        """Show the greeting exactly as a newcomer would see it (Manage Server or a manager role)."""
        member = interaction.user
        assert isinstance(member, discord.Member) and interaction.guild is not None
        config = self.config(interaction.guild.id)
        locale = self.bot.i18n.locale_for(interaction.guild)
        greeting = self.greeter.build(
            member, config, locale, kind="greeting", gated=config.rules_enabled
        )
        header = self.t(interaction, "welcome.preview_header")
        if not self.enabled(interaction.guild.id):
            header = f"{self.t(interaction, 'welcome.preview_disabled')}\n{header}"
        content = f"{header}\n{greeting.content}" if greeting.content else header
        await interaction.response.send_message(
            content[:2000],
            embed=greeting.embed or discord.utils.MISSING,
            view=greeting.view or discord.utils.MISSING,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        if config.dm:
            dm = self.greeter.build(member, config, locale, kind="dm", gated=config.rules_enabled)
            await interaction.followup.send(
                f"{self.t(interaction, 'welcome.preview_dm_header')}\n{dm.content or ''}"[:2000],
                embed=dm.embed or discord.utils.MISSING,
                ephemeral=True,
            )

    @welcome.command(name="test")
    @app_commands.describe(member="The member to greet")
    @checks.manager_only()
    async def test(self, interaction: discord.Interaction[Any], member: discord.Member) -> None:
        """Greet a member as if they had just joined, without gate or roles (Manage Server or a manager role)."""
        assert interaction.guild is not None
        config = self.config(interaction.guild.id)
        where = await self.flow.greet(member, gated=config.rules_enabled, test=True)
        if not where:
            await interaction.response.send_message(
                self.t(interaction, "welcome.test_nowhere"), ephemeral=True
            )
            return
        channel = self.greeter.channel(interaction.guild, config.channel)
        names = {
            "channel": self.t(
                interaction,
                "welcome.test_where_channel",
                channel=getattr(channel, "mention", config.channel),
            ),
            "channel_failed": self.t(interaction, "welcome.test_where_channel_failed"),
            "dm": self.t(interaction, "welcome.test_where_dm"),
            "dm_closed": self.t(interaction, "welcome.test_where_dm_closed"),
            "dm_failed": self.t(interaction, "welcome.test_where_dm_failed"),
        }
        await interaction.response.send_message(
            self.t(
                interaction,
                "welcome.test_sent",
                member=member.mention,
                where=", ".join(names[w] for w in where),
            ),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @welcome.command(name="stats")
    @app_commands.describe(days="How many days back (default 30)")
    @checks.manager_only()
    async def stats(
        self, interaction: discord.Interaction[Any], days: app_commands.Range[int, 1, 365] = 30
    ) -> None:
        """Joins, rules acceptance rate and median time to accept (Manage Server or a manager role)."""
        assert interaction.guild_id is not None
        since = datetime.now(UTC) - timedelta(days=days)
        figures = journey.funnel(await self.store.journeys_since(interaction.guild_id, since))
        if not figures.joins:
            await interaction.response.send_message(
                self.t(interaction, "welcome.stats_none", days=days), ephemeral=True
            )
            return
        na = self.t(interaction, "welcome.stats_not_available")
        accepted = figures.counts[Step.ACCEPTED_RULES.value]
        rate = f"{figures.acceptance_rate:.0%}" if figures.acceptance_rate is not None else na
        median = figures.median_time_to_accept
        embed = discord.Embed(title=self.t(interaction, "welcome.stats_title", days=days))
        embed.add_field(name=self.t(interaction, "welcome.stats_joins"), value=str(figures.joins))
        embed.add_field(
            name=self.t(interaction, "welcome.stats_acceptance"),
            value=self.t(
                interaction, "welcome.stats_acceptance_value", accepted=accepted, rate=rate
            ),
        )
        embed.add_field(
            name=self.t(interaction, "welcome.stats_median"),
            value=self.bot.i18n.duration(self.bot.i18n.locale_for(interaction), median)
            if median is not None
            else na,
        )
        funnel = "\n".join(
            f"{self.t(interaction, f'welcome.step_{step}')}: {count}"
            for step, count in figures.counts.items()
        )
        embed.add_field(
            name=self.t(interaction, "welcome.stats_funnel"), value=funnel, inline=False
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @welcome.command(name="post")
    @app_commands.describe(
        what="rules, or the id of a menu from welcome.menus",
        channel="Where to post (default: the rules channel, or this channel for a menu)",
    )
    @checks.manager_only()
    async def post(
        self,
        interaction: discord.Interaction[Any],
        what: str,
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Post the rules button or a role menu in a channel (Manage Server or a manager role)."""
        guild = interaction.guild
        assert guild is not None
        config = self.config(guild.id)
        locale = self.bot.i18n.locale_for(guild)
        target: Any = channel
        if what == "rules":
            if not config.rules_enabled:
                raise UserError("welcome.post_gate_off")
            target = target or self.greeter.channel(guild, config.rules_channel)
            if target is None:
                raise UserError("welcome.post_no_rules_channel")
            text = self.bot.i18n.t(locale, "welcome.rules_message", server=guild.name)
            view: discord.ui.View | None = accept_view(
                guild.id, self.bot.i18n.t(locale, "welcome.accept_button")
            )
        else:
            raw = config.menu(what)
            if raw is None:
                known = ", ".join(m["id"] for m in config.menus) or "-"
                raise UserError("welcome.post_unknown_menu", menu=what[:40], known=known)
            menu = build_menu(raw, self.roles(guild).ids)
            view = menus_view([menu], self.bot.i18n.t(locale, "welcome.menu_placeholder"))
            text = menu.title or self.bot.i18n.t(locale, "welcome.menu_title")
            target = target or interaction.channel
            if view is None:
                raise UserError("welcome.role_gone")
        try:
            await target.send(text, view=view or discord.utils.MISSING)
        except (discord.Forbidden, discord.NotFound, AttributeError):
            raise UserError("welcome.post_no_channel") from None
        await interaction.response.send_message(
            self.t(interaction, "welcome.posted", channel=getattr(target, "mention", "#")),
            ephemeral=True,
        )
