"""Cases: /case show|reason|pardon, /history, /modlog export (moderators)."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.errors import UserError

from .points import PointsPolicy, current
from .spreadsheet import spreadsheet_safe
from .store import Case

if TYPE_CHECKING:
    from bot.app import Vigie

    from .cog import PoliciesCog

MODERATORS = discord.Permissions(moderate_members=True)
CSV_HEADER = ["number", "created_at", "kind", "user_id", "moderator_id", "rule", "reason",
              "duration", "expires_at", "points", "pardoned", "evidence"]  # fmt: skip


def _when(epoch: float | None) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds") if epoch else ""


class CasesCog(commands.Cog, name="policies-cases"):
    """Moderation cases and history (moderators)."""

    case = app_commands.Group(name="case", description="Moderation cases (moderators).",
                              guild_only=True, default_permissions=MODERATORS)  # fmt: skip
    modlog = app_commands.Group(name="modlog", description="The moderation log (moderators).",
                                guild_only=True, default_permissions=MODERATORS)  # fmt: skip

    def __init__(self, bot: Vigie, policies: PoliciesCog) -> None:
        self.bot = bot
        self.policies = policies

    def t(self, guild: discord.Guild, key: str, **fields: Any) -> str:
        return self.policies.enforcer.t(guild, key, **fields)

    def _duration(self, guild: discord.Guild, seconds: int) -> str:
        return self.bot.i18n.duration(self.bot.i18n.locale_for(guild), seconds)

    async def _case(self, guild: discord.Guild, number: int) -> Case:
        found = await self.policies.store.case(guild.id, number)
        if found is None:
            raise UserError("policies.case_unknown", number=number)
        return found

    def _line(self, guild: discord.Guild, c: Case) -> str:
        who = f"<@{c.moderator_id}>" if c.moderator_id else (c.rule or "Vigie")
        extra = f" ({self._duration(guild, c.duration)})" if c.duration else ""
        pardoned = " " + self.t(guild, "cases.pardoned") if c.pardoned else ""
        return self.t(guild, "cases.line", number=c.number, kind=self.policies.enforcer.kind(guild, c.kind) + extra, moderator=who,
                      reason=c.reason or "-", when=f"<t:{int(c.created_at)}:d>") + pardoned  # fmt: skip

    @case.command(name="show", description="Show one case (moderators).")
    @checks.moderator_only()
    @app_commands.describe(number="The case number")
    async def case_show(self, interaction: discord.Interaction[Any], number: int) -> None:
        """Show case ``number`` (moderators)."""
        guild = interaction.guild
        assert guild is not None
        c = await self._case(guild, number)
        embed = discord.Embed(
            title=self.t(
                guild,
                "cases.title",
                number=c.number,
                kind=self.policies.enforcer.kind(guild, c.kind),
            )
        )
        embed.add_field(name=self.t(guild, "cases.member"), value=f"<@{c.user_id}> ({c.user_id})")
        moderator = f"<@{c.moderator_id}>" if c.moderator_id else (c.rule or "Vigie")
        embed.add_field(name=self.t(guild, "cases.moderator"), value=moderator)
        embed.add_field(
            name=self.t(guild, "cases.reason"), value=(c.reason or "-")[:1024], inline=False
        )
        if c.duration:
            embed.add_field(
                name=self.t(guild, "cases.duration"), value=self._duration(guild, c.duration)
            )
        if c.evidence:
            embed.add_field(
                name=self.t(guild, "cases.evidence"), value=c.evidence[:1024], inline=False
            )
        if c.pardoned:
            embed.set_footer(text=self.t(guild, "cases.pardoned"))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @case.command(name="reason", description="Change the reason of a case (moderators).")
    @checks.moderator_only()
    @app_commands.describe(number="The case number", reason="The new reason")
    async def case_reason(
        self, interaction: discord.Interaction[Any], number: int, reason: str
    ) -> None:
        """Set a case's reason (moderators)."""
        guild = interaction.guild
        assert guild is not None
        if not await self.policies.store.set_reason(guild.id, number, reason[:400]):
            raise UserError("policies.case_unknown", number=number)
        await interaction.response.send_message(
            self.t(guild, "cases.reason_set", number=number), ephemeral=True
        )

    @case.command(
        name="pardon", description="Pardon a case: its points are taken back (moderators)."
    )
    @checks.moderator_only()
    @app_commands.describe(number="The case number")
    async def case_pardon(self, interaction: discord.Interaction[Any], number: int) -> None:
        """Pardon a case (moderators)."""
        guild = interaction.guild
        assert guild is not None
        c = await self._case(guild, number)
        if not await self.policies.pardon(guild, c):
            raise UserError("policies.already_pardoned", number=number)
        await interaction.response.send_message(
            self.t(guild, "cases.pardon_done", number=number), ephemeral=True
        )

    @app_commands.command(name="history", description="A member's moderation history (moderators).")
    @checks.moderator_only()
    @app_commands.describe(member="The member or user")
    async def history(self, interaction: discord.Interaction[Any], member: discord.User) -> None:
        """Cases and points of a member (moderators)."""
        guild = interaction.guild
        assert guild is not None
        cases = await self.policies.store.history(guild.id, member.id)
        # Stored points are as of their anchor: show them after the decay since then.
        policy = PointsPolicy.from_section(self.policies.enforcer.section(guild.id).get("points"))
        stored = await self.policies.store.balance(guild.id, member.id)
        balance = current(stored, time.time(), policy.decay)
        if not cases:
            await interaction.response.send_message(
                self.t(guild, "cases.none", user=str(member)), ephemeral=True
            )
            return
        lines = [self.t(guild, "cases.history", user=str(member), points=balance.points)]
        lines += [self._line(guild, c) for c in cases]
        await interaction.response.send_message("\n".join(lines)[:2000], ephemeral=True)

    @modlog.command(
        name="export", description="Every case of this server as a CSV file (moderators)."
    )
    @checks.moderator_only()
    async def modlog_export(self, interaction: discord.Interaction[Any]) -> None:
        """CSV of every case (moderators)."""
        guild = interaction.guild
        assert guild is not None
        cases = await self.policies.store.all_cases(guild.id)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for c in cases:
            row = [c.number, _when(c.created_at), c.kind, c.user_id, c.moderator_id or "",
                   c.rule or "", c.reason or "", c.duration or "", _when(c.expires_at),
                   c.points, int(c.pardoned), c.evidence or ""]  # fmt: skip
            writer.writerow([spreadsheet_safe(cell) for cell in row])
        file = discord.File(io.BytesIO(out.getvalue().encode("utf-8")), filename="cases.csv")
        await interaction.response.send_message(
            self.t(guild, "cases.exported", count=len(cases)), file=file, ephemeral=True
        )
