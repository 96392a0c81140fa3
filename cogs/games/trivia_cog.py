"""Trivia: /trivia start|stop|lists|leaderboard|upload, typed answers and answer buttons.

One game per channel, any number of channels at once. A game lives in memory, in its own task
run by ``trivia_play.TriviaHost``: a restart ends it (its session row keeps ``ended_at`` empty
until the guild is next available, then it is closed as ``interrupted``).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.user_error import UserError
from cogs.games.cog import GamesCog
from cogs.games.config import TriviaSettings
from cogs.games.trivia_formats import TriviaFormatError, parse_trivia
from cogs.games.trivia_game import GameRules, TriviaGame
from cogs.games.trivia_lists import LIST_NAME, TriviaLibrary
from cogs.games.trivia_play import RunningGame, TriviaHost

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 1_000_000
QUICK_PARSE_BYTES = 100_000  # read well within Discord's 3 s, even on a busy machine
# A list name as Discord's client will let it be typed (LIST_NAME allows 64 characters): a
# longer one, echoed back in a title, could push a message past 2000 characters.
ListName = app_commands.Range[str, 1, 64]
SHOWN_ERRORS = 10


class TriviaCog(commands.Cog, name="games_trivia"):
    """Trivia games in any channel, with lists shipped in config/trivia/ or uploaded by managers."""

    trivia = app_commands.Group(name="trivia", description="Play trivia.", guild_only=True)

    def __init__(self, bot: Any, games: GamesCog) -> None:
        self.bot = bot
        self.games = games
        self.host = TriviaHost(bot, games)
        self.running = self.host.running  # channel id -> its game
        # Channels whose game is being set up: the start awaits the database before the game
        # is in ``running``, and a second start in that gap must be refused too.
        self._starting: set[int] = set()
        self.library = TriviaLibrary(games.store, Path(bot.settings.config_dir) / "trivia")

    async def cog_unload(self) -> None:
        await self.host.shutdown()

    def _t(self, target: Any, key: str, **fields: Any) -> str:
        return self.bot.i18n.t(self.bot.i18n.locale_for(target), key, **fields)

    # -- commands -------------------------------------------------------------------------
    @trivia.command(name="start")
    @app_commands.describe(
        list="The question list (see /trivia lists)", rounds="How many questions"
    )
    async def start(
        self,
        interaction: discord.Interaction,
        list: ListName | None = None,  # noqa: A002 (the option's name)
        rounds: app_commands.Range[int, 1, 50] | None = None,
    ) -> None:
        """Start a trivia game in this channel (everyone)."""
        guild, channel = interaction.guild, interaction.channel
        if guild is None or channel is None:
            raise UserError("errors.guild_only")
        settings = self.games.settings(guild)
        if settings is None:
            raise UserError("games.disabled")
        trivia = settings.trivia
        if trivia.channels and channel.id not in trivia.channels:
            raise UserError("games.trivia.wrong_channel")
        if channel.id in self.running or channel.id in self._starting:
            raise UserError("games.trivia.already_running")
        self._starting.add(channel.id)
        try:
            await self._start(interaction, trivia, channel, list or trivia.default_list, rounds)
        finally:
            self._starting.discard(channel.id)

    async def _start(
        self,
        interaction: discord.Interaction,
        trivia: TriviaSettings,
        channel: Any,
        list_name: str,
        rounds: int | None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        trivia_list = await self.library.load(guild.id, list_name)
        rules = GameRules.build(
            trivia_list,
            rounds or trivia.rounds,
            trivia.question_time,
            trivia.hint_after,
            trivia.pause,
            trivia.max_unanswered,
            trivia.max_score,
            trivia.reveal_answer,
        )
        game = TriviaGame.start(trivia_list, rules)
        session_id = await self.games.store.start_session(
            guild.id, channel.id, trivia_list.name, interaction.user.id
        )
        running = RunningGame(game, guild, channel, session_id, interaction.user.id)
        await interaction.response.send_message(
            self._t(
                guild,
                "games.trivia.starting",
                user=interaction.user.mention,
                list=trivia_list.name,
                rounds=len(game.questions),
                seconds=int(rules.question_time),
            )
        )
        self.host.launch(running)

    @trivia.command(name="stop")
    async def stop(self, interaction: discord.Interaction) -> None:
        """Stop the game in this channel (who started it, or a moderator)."""
        running = self.running.get(interaction.channel_id or 0)
        if running is None:
            raise UserError("games.trivia.no_game")
        member = interaction.user
        if member.id != running.started_by and (
            not isinstance(member, discord.Member)
            or checks.privilege_of(self.bot, member) < checks.Privilege.MODERATOR
        ):
            raise UserError("games.trivia.not_yours")
        running.game.stop()
        running.answered.set()
        await interaction.response.send_message(
            self._t(interaction, "games.trivia.stopping"), ephemeral=True
        )

    @trivia.command(name="lists")
    async def lists(self, interaction: discord.Interaction) -> None:
        """The question lists you can play here (everyone)."""
        assert interaction.guild is not None
        lines = [self._t(interaction, "games.trivia.lists_title")]
        uploaded = {s.name: s for s in await self.games.store.uploaded_lists(interaction.guild.id)}
        for name, trivia_list in self.library.shipped().items():
            if name not in uploaded:
                lines.append(
                    self._t(
                        interaction,
                        "games.trivia.list_line",
                        name=name,
                        count=len(trivia_list.questions),
                        description=trivia_list.description or "",
                    )
                )
        for name, stored in uploaded.items():
            lines.append(
                self._t(
                    interaction,
                    "games.trivia.list_uploaded",
                    name=name,
                    count=stored.questions,
                    user=f"<@{stored.uploaded_by}>",
                )
            )
        await interaction.response.send_message(
            "\n".join(lines)[:2000], ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @trivia.command(name="leaderboard")
    @app_commands.describe(list="Only this list (default: every list of the server)")
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        list: ListName | None = None,  # noqa: A002
    ) -> None:
        """All-time trivia scores of the server, or of one list (everyone)."""
        assert interaction.guild is not None
        rows = await self.games.store.trivia_leaderboard(interaction.guild.id, list)
        title = self._t(
            interaction, "games.trivia.board_title", scope=list or interaction.guild.name
        )
        lines = [title] + [
            self._t(
                interaction,
                "games.trivia.board_line",
                rank=i,
                user=f"<@{r.user_id}>",
                points=r.points,
                games=r.games,
                wins=r.wins,
            )
            for i, r in enumerate(rows, 1)
        ]
        if not rows:
            lines.append(self._t(interaction, "games.trivia.board_empty"))
        await interaction.response.send_message(
            "\n".join(lines), allowed_mentions=discord.AllowedMentions.none()
        )

    @trivia.command(name="upload")
    @checks.manager_only()
    @app_commands.describe(
        file="A YAML list (Vigie or Red-DiscordBot format)", name="Name to play it by"
    )
    async def upload(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        name: ListName | None = None,
    ) -> None:
        """Add or replace a question list from a YAML file; it is checked first (managers)."""
        assert interaction.guild is not None
        list_name = name or Path(file.filename).stem
        if not LIST_NAME.match(list_name):
            raise UserError("games.trivia.bad_name")
        if file.size > MAX_UPLOAD_BYTES:
            raise UserError("games.trivia.too_big")
        # Reading a big list takes seconds (PyYAML is pure Python, about 7 s for 1 MB here):
        # past Discord's 3 s the answer would be refused, and on the event loop every other
        # command and message of the bot would wait as long. A small one answers at once.
        if file.size > QUICK_PARSE_BYTES:
            await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            text = (await file.read()).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError("games.trivia.not_text") from None
        try:
            loaded = await asyncio.to_thread(parse_trivia, text, file.filename, name=list_name)
        except TriviaFormatError as exc:
            shown = "\n".join(str(i) for i in exc.issues[:SHOWN_ERRORS])
            more = len(exc.issues) - SHOWN_ERRORS
            raise UserError(
                "games.trivia.invalid_list",
                count=len(exc.issues),
                errors=shown[:1500] + (f"\n(+{more})" if more > 0 else ""),
            ) from None
        await self.games.store.save_list(
            interaction.guild.id, list_name, text, len(loaded.questions), interaction.user.id
        )
        self.library.remember(interaction.guild.id, list_name, text, loaded)
        await self.bot.modlog.write(
            interaction.guild,
            "games.modlog.list_uploaded",
            actor=interaction.user.mention,
            name=list_name,
            count=len(loaded.questions),
        )
        uploaded = self._t(
            interaction,
            "games.trivia.uploaded",
            name=list_name,
            count=len(loaded.questions),
            format=loaded.format,
        )
        if interaction.response.is_done():
            await interaction.followup.send(uploaded, ephemeral=True)
        else:
            await interaction.response.send_message(uploaded, ephemeral=True)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        # A crash leaves games without an end; close them so the history stays truthful.
        running = {r.session_id for r in self.running.values() if r.guild.id == guild.id}
        closed = await self.games.store.close_abandoned_sessions(guild.id, running)
        if closed:
            log.info("guild %s: %d interrupted trivia game(s) closed", guild.id, closed)
