"""Alerts to moderators and what their buttons do: confirm, undo, escalate; pardons.

A mixin of the policies cog (it uses ``self.bot``, ``self.store`` and ``self.enforcer``).
"""

from __future__ import annotations

from typing import Any

import discord

from bot import checks
from bot.errors import UserError

from .bans import BAN_KINDS
from .enforcer import CASE_MARK
from .store import Case
from .views import alert_buttons, alert_channel

EMBED_TITLE_MAX = 256


class AlertsMixin:
    """Moderator alerts (embed, jump link, persistent buttons) and undo/pardon."""

    bot: Any
    store: Any
    enforcer: Any

    async def _alert(
        self,
        member: discord.Member,
        case: Case,
        hit: Any,
        message: discord.Message | None,
        refused: str | None,
    ) -> None:
        guild = member.guild
        channel = alert_channel(self.bot, guild)
        if channel is None:
            return
        t = self.enforcer.t
        # Several rules of up to 64 characters can fire at once: Discord refuses a title
        # past 256 characters, and the whole alert with it.
        title = t(guild, "alert.title", rule=case.rule or "-", number=case.number)
        if len(title) > EMBED_TITLE_MAX:
            title = title[: EMBED_TITLE_MAX - 1] + "…"
        embed = discord.Embed(title=title, colour=discord.Colour.orange())
        embed.add_field(name=t(guild, "alert.member"), value=f"{member.mention} ({member.id})")
        embed.add_field(name=t(guild, "alert.action"), value=self.enforcer.kind(guild, case.kind))
        embed.add_field(
            name=t(guild, "alert.matched"),
            value=f"{hit.trigger}: {hit.matched}"[:1024],
            inline=False,
        )
        if message is not None:
            # The member's words are escaped and kept out of the link: "[verify](https://x)"
            # in a message must not become a link in the moderators' own alert.
            content = discord.utils.escape_markdown(message.content[:200]) or "-"
            embed.add_field(
                name=t(guild, "alert.message"),
                value=f"{content}\n{message.jump_url}"[:1024],
                inline=False,
            )
        if refused:
            embed.add_field(name=t(guild, "alert.refused"), value=refused[:1024], inline=False)
        labels = {a: t(guild, f"alert.{a}") for a in ("confirm", "undo", "escalate")}
        await channel.send(embed=embed, view=alert_buttons(case.number, labels),
                           allowed_mentions=discord.AllowedMentions.none())  # fmt: skip

    async def _wave_alert(self, message: discord.Message, count: int) -> None:
        guild, where = message.guild, message.channel
        # Only guild messages are checked: a DM or group chat has no guild, so no alert.
        if guild is None or isinstance(where, (discord.DMChannel, discord.GroupChannel)):
            return
        channel = alert_channel(self.bot, guild)
        if channel is not None:
            await channel.send(self.enforcer.t(guild, "wave", count=count, channel=where.mention))

    async def alert_action(
        self, interaction: discord.Interaction[Any], action: str, number: int
    ) -> None:
        """Confirm, undo or escalate the case of an alert (moderators)."""
        guild = interaction.guild
        assert guild is not None and isinstance(interaction.user, discord.Member)
        case = await self.store.case(guild.id, number)
        if case is None:
            raise UserError("policies.case_unknown", number=number)
        t = self.enforcer.t
        later: int | None = None
        if action == "undo":
            later = await self.undo(guild, case, interaction.user)
        elif action == "escalate":
            reports = self.bot.modlog.channel_for(guild, "reports")
            if reports is not None:
                managers = self.bot.configs.get(guild.id).get("roles.managers", []) or []
                pings = " ".join(r.mention for r in guild.roles if checks.role_matches(r, managers))
                text = t(
                    guild,
                    "escalated",
                    number=number,
                    moderator=interaction.user.mention,
                    managers=pings,
                )
                embeds = interaction.message.embeds if interaction.message else []
                await reports.send(
                    text, embeds=embeds[:1], allowed_mentions=discord.AllowedMentions(roles=True)
                )
        done = t(guild, f"alert.done_{action}", moderator=interaction.user.display_name)
        if later is not None:
            done += " " + t(guild, "alert.later_stands", number=later)
        embeds = interaction.message.embeds if interaction.message else []
        if embeds:
            embed = embeds[0]
            embed.set_footer(text=done)
            await interaction.response.edit_message(embed=embed, view=None)
        else:
            await interaction.response.send_message(done, ephemeral=True)

    async def undo(self, guild: discord.Guild, case: Case, actor: discord.Member) -> int | None:
        """Lift a case's punishment if it still holds, pardon it, and give its points back.

        A later case of the same sort (a new timeout, a permanent /ban) is a later decision:
        it stands, only this case is pardoned, and that later case's number is returned.
        """
        kinds = {"timeout": ("timeout",), "ban": BAN_KINDS, "tempban": BAN_KINDS}.get(case.kind)
        later = await self.store.latest_case(guild.id, case.user_id, kinds) if kinds else None
        if later is not None and later.number != case.number:
            await self.pardon(guild, case)
            return later.number
        member = guild.get_member(case.user_id)
        if case.kind == "timeout" and member is not None and member.is_timed_out():
            checks.ensure_can_act(actor, member, "untimeout")
            await member.timeout(None, reason=f"{CASE_MARK}: case #{case.number} undone by {actor}")
        elif case.kind in BAN_KINDS:
            try:
                await self.enforcer.unban(
                    guild, discord.Object(case.user_id), actor, f"undo #{case.number}"
                )
            except UserError as exc:
                if exc.message_key != "policies.not_banned":
                    raise  # e.g. Ban Members taken away: said to the moderator, not pardoned
        await self.pardon(guild, case)
        return None

    async def pardon(self, guild: discord.Guild, case: Case) -> bool:
        """Mark the case pardoned and take its points back; False if it already was."""
        if await self.store.pardon(guild.id, case.number) is None:
            return False
        member = guild.get_member(case.user_id)
        if case.points and member is not None:
            await self.enforcer.add_points(guild, member, -case.points)
        return True
