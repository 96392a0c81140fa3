"""Trivia: /trivia start|stop|lists|leaderboard|upload, typed answers and answer buttons.

One game per channel, any number of channels at once. A game lives in memory, in its own task:
a restart ends it (its session row keeps ``ended_at`` empty). Timing (question time, hint,
pause) is the game's pace, not a wait for an effect.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
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
from cogs.games.trivia_game import BOT_PLAYER, GameRules, TriviaGame
from cogs.games.trivia_lists import LIST_NAME, TriviaLibrary
from cogs.games.views import ChoiceView

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 1_000_000
SHOWN_ERRORS = 10


@dataclass
class RunningGame:
    game: TriviaGame
    guild: discord.Guild
    channel: Any
    session_id: int
    started_by: int
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class TriviaCog(commands.Cog, name="games_trivia"):
    """Trivia games in any channel, with lists shipped in config/trivia/ or uploaded by managers."""

    trivia = app_commands.Group(name="trivia", description="Play trivia.", guild_only=True)

    def __init__(self, bot: Any, games: GamesCog) -> None:
        self.bot = bot
        self.games = games
        self.running: dict[int, RunningGame] = {}
        # Channels whose game is being set up: the start awaits the database before the game
        # is in ``running``, and a second start in that gap must be refused too.
        self._starting: set[int] = set()
        self.library = TriviaLibrary(games.store, Path(bot.settings.config_dir) / "trivia")
        self.closing = False

    async def cog_unload(self) -> None:
        # Shutting down: games end now, are recorded, and say nothing (the connection is going).
        self.closing = True
        tasks = []
        for running in list(self.running.values()):
            running.game.end_reason = running.game.end_reason or "shutdown"
            running.answered.set()
            if running.task is not None:
                running.task.cancel()
                tasks.append(running.task)
        await asyncio.gather(*tasks, return_exceptions=True)

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
        list: str | None = None,  # noqa: A002 (the option's name)
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
        self.running[channel.id] = running
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
        running.task = asyncio.create_task(self._play(running), name=f"trivia-{channel.id}")

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
    async def leaderboard(self, interaction: discord.Interaction, list: str | None = None) -> None:  # noqa: A002
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
        self, interaction: discord.Interaction, file: discord.Attachment, name: str | None = None
    ) -> None:
        """Add or replace a question list from a YAML file; it is checked first (managers)."""
        assert interaction.guild is not None
        list_name = name or Path(file.filename).stem
        if not LIST_NAME.match(list_name):
            raise UserError("games.trivia.bad_name")
        if file.size > MAX_UPLOAD_BYTES:
            raise UserError("games.trivia.too_big")
        try:
            text = (await file.read()).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError("games.trivia.not_text") from None
        try:
            loaded = parse_trivia(text, file.filename, name=list_name)
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
        await self.bot.modlog.write(
            interaction.guild,
            "games.modlog.list_uploaded",
            actor=interaction.user.mention,
            name=list_name,
            count=len(loaded.questions),
        )
        await interaction.response.send_message(
            self._t(
                interaction,
                "games.trivia.uploaded",
                name=list_name,
                count=len(loaded.questions),
                format=loaded.format,
            ),
            ephemeral=True,
        )

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        # A crash leaves games without an end; close them so the history stays truthful.
        running = {r.session_id for r in self.running.values() if r.guild.id == guild.id}
        closed = await self.games.store.close_abandoned_sessions(guild.id, running)
        if closed:
            log.info("guild %s: %d interrupted trivia game(s) closed", guild.id, closed)

    # -- answers --------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        running = self.running.get(message.channel.id)
        if running is None or message.author.bot:
            return
        if running.game.try_text(message.author.id, message.content):
            running.answered.set()

    async def _on_choice(
        self, running: RunningGame, interaction: discord.Interaction, question: int, choice: int
    ) -> None:
        if (
            self.running.get(interaction.channel_id or 0) is not running
            or running.game.index != question
        ):
            outcome = "closed"
        else:
            outcome = running.game.try_choice(interaction.user.id, choice)
        await interaction.response.send_message(
            self._t(interaction, f"games.trivia.choice_{outcome}"), ephemeral=True
        )
        if outcome == "correct":
            running.answered.set()

    # -- the game -------------------------------------------------------------------------
    async def _wait(self, running: RunningGame, seconds: float) -> bool:
        try:
            await asyncio.wait_for(running.answered.wait(), timeout=max(0.0, seconds))
        except TimeoutError:
            return False
        return True

    async def _play(self, running: RunningGame) -> None:
        game, channel, guild = running.game, running.channel, running.guild
        rules = game.rules
        try:
            while (question := game.next_question()) is not None:
                running.answered.clear()
                text = self._t(
                    guild,
                    "games.trivia.question",
                    number=game.asked,
                    total=len(game.questions),
                    question=question.text,
                )
                view = None
                if question.is_multiple_choice:
                    view = ChoiceView(
                        question.choices,
                        game.index,
                        running.session_id,
                        lambda i, q, c: self._on_choice(running, i, q, c),
                        rules.question_time + 5,
                    )
                posted = await channel.send(text, view=view) if view else await channel.send(text)
                first_wait = (
                    rules.hint_after if rules.hint_after is not None else rules.question_time
                )
                answered = await self._wait(running, first_wait)
                if not answered and rules.hint_after is not None and game.is_open:
                    await channel.send(self._t(guild, "games.trivia.hint", hint=game.hint()))
                    answered = await self._wait(running, rules.question_time - rules.hint_after)
                if view is not None:
                    view.stop()
                    await _quietly(posted.edit(view=None))
                if game.end_reason == "stopped":
                    break
                await self._close_question(running)
                if game.end_reason is not None:
                    break
                await asyncio.sleep(rules.pause)
        except Exception:
            log.exception("trivia game in channel %s failed", getattr(channel, "id", "?"))
            game.stop()
        finally:
            self.running.pop(channel.id, None)
            await self._finish(running, announce=not self.closing)

    async def _close_question(self, running: RunningGame) -> None:
        game, guild, channel = running.game, running.guild, running.channel
        question = game.current
        assert question is not None
        answer = f"||{question.revealed}||" if game.rules.use_spoilers else question.revealed
        winner = game.answered_by
        if winner is not None and winner > 0:
            await channel.send(
                self._t(
                    guild,
                    "games.trivia.correct",
                    user=f"<@{winner}>",
                    answer=answer,
                    points=game.scores.get(winner, 0),
                ),
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(winner)]),
            )
            self._reward_answer(guild, winner, channel)
            return
        game.time_up()
        key = "games.trivia.timeout_reveal" if game.rules.reveal_answer else "games.trivia.timeout"
        await channel.send(self._t(guild, key, answer=answer))

    def _reward_answer(self, guild: discord.Guild, user_id: int, channel: Any) -> None:
        settings = self.games.settings(guild)
        if settings is None:
            return
        now = time.time()
        self.games.bump_challenges(guild.id, settings, "trivia_answers", user_id, now, channel.id)
        if settings.trivia.xp_per_answer:
            up = self.games.engine.grant(guild.id, user_id, settings.trivia.xp_per_answer, now)
            if up is not None:
                self.games.spawn(self.games.level_up(guild, up, channel))

    async def _finish(self, running: RunningGame, announce: bool = True) -> None:
        game, guild, channel = running.game, running.guild, running.channel
        ranking = game.ranking()
        players = {u: p for u, p in ranking if u != BOT_PLAYER}
        winner = game.winner()
        lines = [self._t(guild, f"games.trivia.over_{game.end_reason or 'finished'}")]
        for rank, (user, points) in enumerate(ranking, 1):
            who = self.bot.user.mention if user == BOT_PLAYER and self.bot.user else f"<@{user}>"
            lines.append(
                self._t(guild, "games.trivia.score_line", rank=rank, user=who, points=points)
            )
        if not ranking:
            lines.append(self._t(guild, "games.trivia.no_scores"))
        elif winner is not None:
            lines.append(self._t(guild, "games.trivia.winner", user=f"<@{winner}>"))
        try:
            await self.games.store.end_session(
                guild.id,
                running.session_id,
                game.list_name,
                game.asked,
                game.end_reason or "finished",
                players,
                winner,
            )
        except Exception:
            log.exception("could not record trivia session %s", running.session_id)
        if not announce:
            return
        # Sent after recording, so whoever reads this message finds the scores stored.
        await _quietly(
            channel.send("\n".join(lines)[:2000], allowed_mentions=discord.AllowedMentions.none())
        )
        for user in players:
            self.bot.dispatch("analytics_event", guild.id, "game_player", user_id=user, value=1)


async def _quietly(coro: Any) -> None:
    """A cosmetic call (remove spent buttons, a final message) that may fail without harm."""
    try:
        await coro
    except discord.HTTPException as exc:
        log.info("trivia: %s", exc)
