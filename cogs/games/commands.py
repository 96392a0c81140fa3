"""Slash commands of levels and challenges: /rank, /leaderboard, /challenges, /xp (managers)."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from datetime import UTC, datetime
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.user_error import UserError
from cogs.games.challenges import week_id
from cogs.games.cog import GamesCog
from cogs.games.rank_card import RankCard, render_rank_card
from cogs.games.views import LeaderboardView
from cogs.games.xp_engine import LevelUp

PAGE = 10
MAX_IMPORT_ROWS = 100_000
MAX_XP = 100_000_000


def parse_xp_csv(text: str) -> list[tuple[int, int]]:
    """``user_id,xp`` lines (an optional header) -> rows; UserError naming the first bad line."""
    rows: list[tuple[int, int]] = []
    seen: set[int] = set()
    for number, fields in enumerate(csv.reader(io.StringIO(text)), 1):
        if not fields or all(not f.strip() for f in fields):
            continue
        if number == 1 and not fields[0].strip().isdigit():
            continue  # a header line
        if (
            len(fields) < 2
            or not fields[0].strip().isdigit()
            or not fields[1].strip().lstrip("-").isdigit()
        ):
            raise UserError("games.xp.import_bad_line", line=number)
        user_id, xp = int(fields[0]), int(fields[1])
        if xp < 0 or xp > MAX_XP:
            raise UserError("games.xp.import_bad_xp", line=number)
        if user_id in seen:
            raise UserError("games.xp.import_duplicate", line=number)
        seen.add(user_id)
        rows.append((user_id, xp))
        if len(rows) > MAX_IMPORT_ROWS:
            raise UserError("games.xp.import_too_big", limit=MAX_IMPORT_ROWS)
    if not rows:
        raise UserError("games.xp.import_empty")
    return rows


class LevelCommands(commands.Cog, name="games_levels"):
    """Ranks, leaderboards and challenges for everyone; XP corrections for managers."""

    xp = app_commands.Group(
        name="xp",
        description="Set, add, reset or import XP (managers).",
        guild_only=True,
        default_permissions=checks.MANAGER_PERMISSIONS,
    )

    def __init__(self, bot: Any, games: GamesCog) -> None:
        self.bot = bot
        self.games = games

    def _t(self, interaction: discord.Interaction, key: str, **fields: Any) -> str:
        return self.bot.i18n.t(self.bot.i18n.locale_for(interaction), key, **fields)

    def _settings(self, interaction: discord.Interaction) -> Any:
        guild = interaction.guild
        if guild is None:
            raise UserError("errors.guild_only")
        settings = self.games.settings(guild)
        if settings is None:
            raise UserError("games.disabled")
        return settings

    @app_commands.command(name="rank")
    @app_commands.guild_only()
    @app_commands.describe(member="Whose rank to show (default: yours)")
    async def rank(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        """Show your level, XP and rank as an image card (everyone)."""
        settings = self._settings(interaction)
        assert interaction.guild is not None
        target = member or interaction.user
        await interaction.response.defer()
        await self.games.flusher.flush_now()  # the card shows what was earned a second ago
        season = self.games.engine.season(interaction.guild.id, time.time())
        row = await self.games.store.xp_of(interaction.guild.id, season, target.id)
        total = row.xp if row else 0
        rank = (
            await self.games.store.rank_of(interaction.guild.id, season, total) if total else None
        )
        level, into, needed = settings.xp.curve.progress(total)
        avatar: bytes | None = None
        # Avatars come from Discord's CDN; behind DISCORD_API_BASE (a proxy or the sandbox) the
        # CDN is not ours to call, and a default avatar is not worth a download: the card then
        # draws the member's initial.
        custom = getattr(target, "guild_avatar", None) or target.avatar
        if custom is not None and not self.bot.settings.api_base:
            try:
                avatar = await target.display_avatar.replace(size=128, format="png").read()
            except (discord.HTTPException, aiohttp.ClientError, ValueError):
                avatar = None
        card = RankCard(
            display_name=target.display_name,
            level=level,
            rank=rank,
            xp_into_level=into,
            xp_for_level=needed,
            total_xp=total,
            level_label=self._t(interaction, "games.rank.level_label"),
            rank_label=self._t(interaction, "games.rank.rank_label"),
            xp_label="XP",
            avatar_png=avatar,
        )
        png = await asyncio.to_thread(render_rank_card, card)
        text = self._t(
            interaction,
            "games.rank.text",
            member=target.display_name,
            level=level,
            xp=total,
            rank=rank or "—",
        )
        await interaction.edit_original_response(
            content=text, attachments=[discord.File(io.BytesIO(png), filename="rank.png")]
        )

    @app_commands.command(name="leaderboard")
    @app_commands.guild_only()
    @app_commands.describe(season="A past season to show (default: the current one)")
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        # Season ids are short ("all", "2026-11", "s0003"); the text is echoed in the reply.
        season: app_commands.Range[str, 1, 16] | None = None,
    ) -> None:
        """The XP leaderboard of the server, ten members a page (everyone)."""
        self._settings(interaction)
        guild = interaction.guild
        assert guild is not None
        await self.games.flusher.flush_now()
        current = self.games.engine.season(guild.id, time.time())
        chosen = season or current
        if (
            season is not None
            and season not in await self.games.store.seasons(guild.id)
            and season != current
        ):
            raise UserError("games.leaderboard.unknown_season", season=season)

        async def render(page: int) -> tuple[str, int]:
            count = await self.games.store.count_ranked(guild.id, chosen)
            pages = max(1, -(-count // PAGE))
            page = max(0, min(page, pages - 1))
            rows = await self.games.store.leaderboard(guild.id, chosen, page * PAGE, PAGE)
            head = self._t(
                interaction, "games.leaderboard.title", season=chosen, page=page + 1, pages=pages
            )
            if not rows:
                return head + "\n" + self._t(interaction, "games.leaderboard.empty"), pages
            lines = [
                self._t(
                    interaction,
                    "games.leaderboard.line",
                    rank=page * PAGE + i,
                    user=f"<@{r.user_id}>",
                    xp=r.xp,
                )
                for i, r in enumerate(rows, 1)
            ]
            return "\n".join([head, *lines]), pages

        text, pages = await render(0)
        labels = (
            self._t(interaction, "games.leaderboard.previous"),
            self._t(interaction, "games.leaderboard.next"),
        )
        view = LeaderboardView(render, 0, pages, labels)
        await interaction.response.send_message(
            text, view=view, allowed_mentions=discord.AllowedMentions.none()
        )

    @app_commands.command(name="challenges")
    @app_commands.guild_only()
    @app_commands.describe(member="Whose progress to show (default: yours)")
    async def challenges(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        """This week's challenges and your progress and streak (everyone)."""
        settings = self._settings(interaction)
        assert interaction.guild is not None
        target = member or interaction.user
        if not settings.challenges.enabled or not settings.challenges.challenges:
            raise UserError("games.challenges.none")
        await self.games.flusher.flush_now()
        week = week_id(datetime.now(UTC))
        progress = {
            p.challenge_id: p
            for p in await self.games.store.progress_of(interaction.guild.id, week, target.id)
        }
        streak = await self.games.store.streak_of(interaction.guild.id, target.id)
        lines = [
            self._t(interaction, "games.challenges.title", week=week, member=target.display_name)
        ]
        for c in settings.challenges.challenges:
            p = progress.get(c.id)
            done = p is not None and p.completed
            lines.append(
                self._t(
                    interaction,
                    "games.challenges.done" if done else "games.challenges.line",
                    name=self._t(interaction, f"games.challenges.kind.{c.kind}", target=c.target),
                    progress=min(p.progress if p else 0, c.target),
                    target=c.target,
                    xp=c.xp,
                )
            )
        lines.append(
            self._t(interaction, "games.challenges.streak", weeks=streak[1] if streak else 0)
        )
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    # -- managers -------------------------------------------------------------------------
    async def _change(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        new_total: int | None,
        delta: int = 0,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        settings = self._settings(interaction)
        await self.games.flusher.flush_now()
        season = self.games.engine.season(guild.id, time.time())
        row = await self.games.store.xp_of(guild.id, season, member.id)
        before = row.xp if row else 0
        total = max(0, min(MAX_XP, new_total if new_total is not None else before + delta))
        await self.games.store.set_xp(guild.id, season, member.id, total)
        self.games.ledger.set_total(guild.id, season, member.id, total)
        self.games.engine.forget_member(guild.id, member.id)
        # Answer first: the mod log line and a level-up (member fetch, role changes, the
        # announcement) can take longer than the 3 seconds Discord gives an interaction.
        await interaction.response.send_message(
            self._t(interaction, "games.xp.set", member=member.mention, xp=total), ephemeral=True
        )
        await self.bot.modlog.write(
            guild,
            "games.modlog.xp_changed",
            actor=interaction.user.mention,
            member=member.mention,
            before=before,
            after=total,
        )
        new_level = settings.xp.curve.level_for(total)
        old_level = settings.xp.curve.level_for(before)
        if new_level > old_level:
            await self.games.level_up(
                guild, LevelUp(guild.id, member.id, season, old_level, new_level, total)
            )

    @xp.command(name="set")
    @checks.manager_only()
    @app_commands.describe(member="The member", amount="Their new XP total")
    async def xp_set(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        amount: app_commands.Range[int, 0, MAX_XP],
    ) -> None:
        """Set a member's XP for this season (managers)."""
        await self._change(interaction, member, amount)

    @xp.command(name="add")
    @checks.manager_only()
    @app_commands.describe(member="The member", amount="XP to add (negative to remove)")
    async def xp_add(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        amount: app_commands.Range[int, -MAX_XP, MAX_XP],
    ) -> None:
        """Add XP to a member, or remove it with a negative amount (managers)."""
        await self._change(interaction, member, None, amount)

    @xp.command(name="reset")
    @checks.manager_only()
    @app_commands.describe(member="Only this member (default: everyone, this season)")
    async def xp_reset(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        """Reset XP of one member, or of everyone for this season (managers)."""
        guild = interaction.guild
        assert guild is not None
        self._settings(interaction)
        await self.games.flusher.flush_now()
        season = self.games.engine.season(guild.id, time.time())
        self.games.ledger.discard_pending(guild.id, None if member is None else member.id)
        count = await self.games.store.reset_xp(
            guild.id, season, None if member is None else member.id
        )
        self.games.engine.reset_loads(guild.id)
        await interaction.response.send_message(
            self._t(interaction, "games.xp.reset", count=count), ephemeral=True
        )
        await self.bot.modlog.write(
            guild,
            "games.modlog.xp_reset",
            actor=interaction.user.mention,
            who=member.mention
            if member
            else self.bot.i18n.for_guild(guild, "games.modlog.everyone"),
            count=count,
        )

    @xp.command(name="import")
    @checks.manager_only()
    @app_commands.describe(
        file="A CSV file of user_id,xp lines (sets each member's XP this season)"
    )
    async def xp_import(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Import XP from a CSV file of user_id,xp lines; nothing changes if a line is wrong (managers)."""
        guild = interaction.guild
        assert guild is not None
        self._settings(interaction)
        if file.size > 5_000_000:
            raise UserError("games.xp.import_too_big", limit=MAX_IMPORT_ROWS)
        try:
            text = (await file.read()).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError("games.xp.import_not_text") from None
        rows = parse_xp_csv(text)
        await interaction.response.defer(ephemeral=True)
        await self.games.flusher.flush_now()
        season = self.games.engine.season(guild.id, time.time())
        count = await self.games.store.import_xp(guild.id, season, rows)
        self.games.engine.reset_loads(guild.id)
        await self.bot.modlog.write(
            guild, "games.modlog.xp_imported", actor=interaction.user.mention, count=count
        )
        await interaction.followup.send(
            self._t(interaction, "games.xp.imported", count=count), ephemeral=True
        )
