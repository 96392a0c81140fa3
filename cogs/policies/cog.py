"""Policies cog: automatic moderation on messages, edits and names; alerts; /policy test.

The message path is synchronous up to the verdict (a compiled engine, no database, no await);
whatever must be done runs in a background task. Anti-raid lives in raid_mode.py, manual
moderation in moderation.py, cases in cases_cog.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.durations import parse_seconds
from bot.errors import UserError
from bot.timers import Timer

from .alerts import AlertsMixin
from .deleter import BulkDeleter
from .enforcer import UNBAN_TIMER, Enforcer
from .engine import Engine, EngineError, MessageFacts, Verdict
from .facts import message_facts, name_facts
from .normalize import normalize
from .raid import SpamWave
from .store import Case, NewCase, PoliciesStore
from .triggers import invite_codes
from .views import AlertButton

if TYPE_CHECKING:
    from bot.app import Vigie

log = logging.getLogger(__name__)
SECTION = "policies"
INVITES_KEPT = 5000


class PoliciesCog(AlertsMixin, commands.Cog, name="policies"):
    """Automatic moderation by the server's rules; /policy test (moderators)."""

    policy = app_commands.Group(
        name="policy",
        description="The server's moderation rules (moderators).",
        guild_only=True,
        default_permissions=discord.Permissions(moderate_members=True),
    )

    def __init__(self, bot: Vigie) -> None:
        self.bot = bot
        self.store = PoliciesStore(bot.db)
        self.enforcer = Enforcer(bot, self.store)
        self.deleter = BulkDeleter(bot)
        self.waves = SpamWave()
        self._engines: dict[int, tuple[int, Engine | None]] = {}
        # Invite code -> id of the server it opens (0: unknown or expired), asked of Discord
        # once per code, so a server's own ordinary invites are not taken for advertising.
        self.invite_owners: OrderedDict[str, int] = OrderedDict()
        self._tasks: set[asyncio.Task[Any]] = set()
        bot.register_store(self.store)

    async def cog_load(self) -> None:
        self.bot.timers.handler(UNBAN_TIMER, self._on_unban_timer)
        self.bot.add_dynamic_items(AlertButton)
        self.bot.add_message_hook(self.check_message)

    async def cog_unload(self) -> None:
        self.bot.remove_message_hook(self.check_message)
        self.bot.timers.remove_handler(UNBAN_TIMER)
        self.bot.remove_dynamic_items(AlertButton)
        await self.deleter.close()
        for task in list(self._tasks):
            task.cancel()

    # -- engines, one per guild config version ---------------------------------------------------
    def engine_for(self, guild_id: int) -> Engine | None:
        """The guild's compiled engine (recompiled when its config version changes)."""
        config = self.bot.configs.get(guild_id)
        cached = self._engines.get(guild_id)
        if cached is not None and cached[0] == config.version:
            return cached[1]
        engine: Engine | None
        try:
            engine = Engine.from_section(config.section(SECTION), config.version)
        except EngineError as exc:
            # Validation refuses such a document; this only guards a hand-edited database.
            log.error(
                "policies: guild %s config v%s does not compile: %s", guild_id, config.version, exc
            )
            engine = None
        self._engines[guild_id] = (config.version, engine)
        return engine

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        """Run ``coro`` in the background, keeping a reference and logging its failure."""
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        exc = None if task.cancelled() else task.exception()
        if exc is not None:
            log.error("policies: %s failed", task.get_name(), exc_info=exc)

    # -- the hot path ------------------------------------------------------------------------
    def _check_message(self, message: discord.Message, event: str) -> None:
        guild = message.guild
        if guild is None or message.author.id == self.bot.user.id or message.webhook_id:
            return
        if not self.bot.feature_enabled(guild.id, SECTION):
            return
        engine = self.engine_for(guild.id)
        if engine is None:
            return
        vanity = guild.vanity_url_code
        if vanity and self.invite_owners.get(vanity) != guild.id:
            self._learn_invite(vanity, guild.id)
        facts = message_facts(self.bot, message, self.invite_owners)
        verdict = engine.evaluate(facts, event)
        wave: list[tuple[int, int]] = []
        if (
            event == "message"
            and not facts.is_staff
            and not facts.is_bot
            and len(facts.content) >= 8
        ):
            skeleton = engine.last_skeleton or normalize(facts.content)
            wave = self._spam_wave(guild.id, skeleton, message)
        if wave:
            for channel_id, message_id in wave:
                self.deleter.queue(channel_id, message_id)
        if verdict:
            self.spawn(self._enforce(message, verdict, facts), f"policies-enforce-{message.id}")

    def _spam_wave(
        self, guild_id: int, skeleton: str, message: discord.Message
    ) -> list[tuple[int, int]]:
        cfg = self.bot.configs.get(guild_id).section(SECTION).get("spam_wave") or {}
        if not cfg.get("enabled", True):
            return []
        found = self.waves.observe(
            guild_id, hash(skeleton), time.time(), message.channel.id, message.id,
            message.author.id, int(cfg.get("messages", 10)), parse_seconds(cfg.get("window", "30s")),
        )  # fmt: skip
        if len(found) > 1:
            self.spawn(self._wave_alert(message, len(found)), f"policies-wave-{message.id}")
        return found

    def check_message(self, message: discord.Message) -> None:
        """The message hook: every message meets the rules inline (memory only; enforcing a
        verdict is spawned as a task)."""
        self._check_message(message, "message")

    @commands.Cog.listener()
    async def on_message_edit(self, before: discord.Message, after: discord.Message) -> None:
        if before.content != after.content:
            self._check_message(after, "edit")

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        # A message no longer in the cache (older, or from before a restart) reaches only this
        # listener: without it, editing an old message into an insult would go unseen.
        if payload.cached_message is None and payload.data.get("edited_timestamp"):
            self._check_message(payload.message, "edit")

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        if before.nick != after.nick and after.nick:
            self.check_name(after, after.nick)

    @commands.Cog.listener()
    async def on_user_update(self, before: discord.User, after: discord.User) -> None:
        if before.name == after.name and before.global_name == after.global_name:
            return
        for guild in after.mutual_guilds:
            member = guild.get_member(after.id)
            if member is not None and member.nick is None:
                self.check_name(member, after.global_name or after.name)

    def check_name(self, member: discord.Member, name: str) -> None:
        """Run the ``name`` rules on a nickname or username (join and change)."""
        guild = member.guild
        if member.id == self.bot.user.id or not self.bot.feature_enabled(guild.id, SECTION):
            return
        engine = self.engine_for(guild.id)
        if engine is None:
            return
        verdict = engine.evaluate(name_facts(self.bot, member, name, time.time()), "name")
        if verdict:
            self.spawn(self._enforce_member(member, verdict, name), f"policies-name-{member.id}")

    # -- carrying out a verdict ----------------------------------------------------------------
    async def _enforce(
        self, message: discord.Message, verdict: Verdict, facts: MessageFacts
    ) -> None:
        if any(h.trigger == "invites" for h in verdict.hits) and await self._ask_invites(facts):
            engine = self.engine_for(facts.guild_id)
            verdict = engine.recheck_invites(verdict, facts) if engine else verdict
            if not verdict:
                return  # only this server's own invites
        plan = verdict.plan
        if plan.delete:
            self.bot.dispatch("automod_removed", message)  # games takes its XP back at once
            self.deleter.queue(message.channel.id, message.id)
            for channel_id, message_id in verdict.related:
                self.deleter.queue(channel_id, message_id)
        member = message.author
        if isinstance(member, discord.Member):
            await self._enforce_member(member, verdict, message.content, message)

    def _learn_invite(self, code: str, guild_id: int) -> None:
        self.invite_owners[code] = guild_id
        self.invite_owners.move_to_end(code)
        if len(self.invite_owners) > INVITES_KEPT:
            self.invite_owners.popitem(last=False)

    async def _ask_invites(self, facts: MessageFacts) -> bool:
        """Ask Discord which server each invite code of the message opens; True if any was
        new. Unknown or expired codes count as foreign; a failed request is asked again later."""
        plain, _ = invite_codes(facts.content, "")
        learnt = False
        for code in dict.fromkeys(plain):
            if code in self.invite_owners:
                continue
            try:
                invite = await self.bot.fetch_invite(code, with_counts=False)
            except discord.NotFound:
                owner = 0
            except discord.HTTPException as exc:
                log.warning("policies: invite %s could not be looked up: %s", code, exc)
                continue
            else:
                owner = invite.guild.id if invite.guild else 0
            self._learn_invite(code, owner)
            learnt = True
        return learnt

    async def _enforce_member(
        self,
        member: discord.Member,
        verdict: Verdict,
        text: str,
        message: discord.Message | None = None,
    ) -> None:
        guild = member.guild
        enforced = [h for h in verdict.hits if h.enforced]
        hit = (enforced or list(verdict.hits))[0]
        evidence = f"{hit.trigger}: {hit.matched} | {text[:120]}"
        rules = ", ".join(dict.fromkeys(h.rule for h in enforced)) or hit.rule
        if not enforced:
            await self.bot.modlog.write(
                guild, "policies.modlog.log_only", rule=hit.rule, user=f"{member} ({member.id})",
                matched=hit.matched, channel=getattr(message.channel, "mention", "-") if message else "-",
            )  # fmt: skip
            return
        plan = verdict.plan
        engine = self.engine_for(guild.id)
        reason = next(
            (r.reason for r in (engine.rules if engine else ()) if r.name == hit.rule and r.reason),
            None,
        )
        where = {"channel_id": message.channel.id, "message_id": message.id} if message else {}
        case: Case | None = None
        refused: str | None = None
        p = plan.punishment
        kind = ("tempban" if p.kind == "ban" and p.duration else p.kind) if p else "delete"
        if not self.enforcer.recently_punished(guild.id, member.id, kind):
            if p is not None:
                try:
                    case = await self.enforcer.punish(
                        guild, member, kind, reason=reason or rules, duration=p.duration,
                        purge=p.purge, rule=rules, evidence=evidence, points=verdict.points, **where,
                    )  # fmt: skip
                except UserError as exc:
                    refused = self.bot.i18n.for_guild(guild, exc.message_key, **exc.fields)
            if case is None and (plan.delete or plan.alert or plan.add_roles or plan.remove_roles):
                # No punishment, or one Discord refused: the hit is still a case, so the
                # evidence is kept and the moderators' alert has a number.
                new = NewCase(
                    "delete" if plan.delete else "alert", member.id, rule=rules,
                    reason=reason or rules, evidence=evidence, points=verdict.points, **where,
                )  # fmt: skip
                case = await self.store.open_case(guild.id, new)
                self.bot.dispatch("infraction", case)
        await self._roles(member, plan.add_roles, plan.remove_roles, rules)
        if verdict.points and case is not None:
            await self.enforcer.add_points(guild, member, verdict.points)
        if plan.alert and case is not None:
            await self._alert(member, case, hit, message, refused)

    async def _roles(
        self, member: discord.Member, add: frozenset[str], remove: frozenset[str], why: str
    ) -> None:
        if not add and not remove:
            return
        try:
            checks.ensure_can_act(None, member, "role")
        except UserError as exc:
            log.warning("policies: cannot change roles of %s: %s", member.id, exc.message_key)
            return
        top = member.guild.me.top_role
        for refs, method in ((add, member.add_roles), (remove, member.remove_roles)):
            roles = [r for r in member.guild.roles if checks.role_matches(r, refs) and r < top]
            if roles:
                try:
                    await method(*roles, reason=why[:512])
                except discord.HTTPException as exc:
                    log.warning("policies: role change on %s failed: %s", member.id, exc)

    # -- timers ----------------------------------------------------------------------------------
    async def _on_unban_timer(self, timer: Timer) -> None:
        guild = self.bot.get_guild(timer.guild_id)
        if guild is None:
            return  # Vigie left the server: there is nothing it could lift
        await self.enforcer.lift_expired(guild, timer)

    # -- /policy test -----------------------------------------------------------------------------
    @policy.command(
        name="test",
        description="Which rules would fire on a text, and what would be done (moderators).",
    )
    @checks.moderator_only()
    @app_commands.describe(text="A message to check against the rules")
    async def policy_test(self, interaction: discord.Interaction[Any], text: str) -> None:
        """Explain the rules on ``text``; nothing is done (moderators)."""
        guild = interaction.guild
        assert guild is not None
        engine = self.engine_for(guild.id)
        t = self.enforcer.t
        found = engine.explain(text) if engine else []
        if not found:
            await interaction.response.send_message(t(guild, "test.none"), ephemeral=True)
            return
        lines = [t(guild, "test.header")]
        for hit, original in found:
            mode = "" if hit.enforced else t(guild, "test.log_only")
            lines.append(
                t(
                    guild,
                    "test.line",
                    rule=hit.rule,
                    trigger=hit.trigger,
                    matched=hit.matched,
                    original=original,
                )
                + mode
            )
        plan = engine.plan_for([h for h, _ in found]) if engine else None
        lines.append(t(guild, "test.plan", actions=", ".join(plan.describe()) if plan else "-"))
        lines.append(t(guild, "test.nothing_done"))
        await interaction.response.send_message("\n".join(lines)[:2000], ephemeral=True)
