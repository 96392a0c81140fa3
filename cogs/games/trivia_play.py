"""A trivia game's clock and messages: questions, hints, answers, the end of the game.

The commands are in ``trivia_cog.py``; the rules (who scored, when the game is over) in
``trivia_game.py``. Each game runs in its own task; timing (question time, hint, pause) is the
game's pace, not a wait for an effect.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import discord

from cogs.games.cog import GamesCog
from cogs.games.trivia_game import BOT_PLAYER, TriviaGame
from cogs.games.views import ChoiceView

log = logging.getLogger(__name__)

_SILENT = discord.AllowedMentions.none()


@dataclass
class RunningGame:
    game: TriviaGame
    guild: discord.Guild
    channel: Any
    session_id: int
    started_by: int
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class TriviaHost:
    """Runs the games of every channel; ``running`` maps a channel id to its game."""

    def __init__(self, bot: Any, games: GamesCog) -> None:
        self.bot = bot
        self.games = games
        self.running: dict[int, RunningGame] = {}
        self.closing = False

    def _t(self, target: Any, key: str, **fields: Any) -> str:
        return self.bot.i18n.t(self.bot.i18n.locale_for(target), key, **fields)

    def launch(self, running: RunningGame) -> None:
        """Register the game of a channel and start playing it.

        The answer hook is on the message path only while a game runs somewhere: every other
        message of the bot's life pays nothing for trivia.
        """
        if not self.running:
            self.bot.add_message_hook(self.hear)
        self.running[running.channel.id] = running
        running.task = asyncio.create_task(self._play(running), name=f"trivia-{running.channel.id}")

    async def shutdown(self) -> None:
        """Shutting down: games end now, are recorded, and say nothing (the connection is going)."""
        self.closing = True
        tasks = []
        for running in list(self.running.values()):
            running.game.end_reason = running.game.end_reason or "shutdown"
            running.answered.set()
            if running.task is not None:
                running.task.cancel()
                tasks.append(running.task)
        await asyncio.gather(*tasks, return_exceptions=True)

    def hear(self, message: discord.Message) -> None:
        """The message hook while games run: a typed message may answer its channel's question."""
        running = self.running.get(message.channel.id)
        if (
            running is not None
            and not message.author.bot
            and running.game.try_text(message.author.id, message.content)
        ):
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
                # A list's own text (question, hint, answer) is a manager's upload or a Red
                # list from anywhere: it pings nobody.
                posted = await channel.send(text, view=view, allowed_mentions=_SILENT)
                first_wait = (
                    rules.hint_after if rules.hint_after is not None else rules.question_time
                )
                answered = await self._wait(running, first_wait)
                if not answered and rules.hint_after is not None and game.is_open:
                    await channel.send(
                        self._t(guild, "games.trivia.hint", hint=game.hint()),
                        allowed_mentions=_SILENT,
                    )
                    answered = await self._wait(running, rules.question_time - rules.hint_after)
                if view is not None:
                    view.stop()
                    await _quietly(posted.edit(view=None))
                # Stopped, or the bot is shutting down (the wake-up may beat the cancellation,
                # which asyncio.wait_for then drops): the open question ends unannounced.
                if game.end_reason in ("stopped", "shutdown"):
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
            if not self.running:
                self.bot.remove_message_hook(self.hear)
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
        await channel.send(self._t(guild, key, answer=answer), allowed_mentions=_SILENT)

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
