"""One trivia game's state: questions, answers, scores, when it ends. Pure, no discord import.

The cog owns the timing (question time, hint, pause) and the messages; this class decides
who scored and whether the game is over, so both are testable without Discord.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from cogs.games.matching import PreparedAnswer, matches, prepare
from cogs.games.trivia_formats import Question, TriviaList


@dataclass(frozen=True)
class GameRules:
    """Effective rules of a game: the guild's settings overridden by the list's CONFIG."""

    rounds: int
    question_time: float
    hint_after: float | None
    pause: float
    max_unanswered: int
    max_score: int | None
    reveal_answer: bool
    use_spoilers: bool
    bot_plays: bool

    @classmethod
    def build(
        cls,
        trivia_list: TriviaList,
        rounds: int,
        question_time: float,
        hint_after: float | None,
        pause: float,
        max_unanswered: int,
        max_score: int | None,
        reveal_answer: bool,
    ) -> GameRules:
        c = trivia_list.config
        time_allowed = c.delay if c.delay is not None else question_time
        if hint_after is not None and hint_after >= time_allowed:
            hint_after = time_allowed / 2  # a list's shorter delay still leaves room for a hint
        if c.timeout is not None:
            # Red's ``timeout``: the game stops after that much silence, i.e. after this many
            # questions in a row without an answer.
            max_unanswered = max(1, math.ceil(c.timeout / time_allowed))
        return cls(
            rounds=min(rounds, len(trivia_list.questions)),
            question_time=time_allowed,
            hint_after=hint_after,
            pause=pause,
            max_unanswered=max_unanswered,
            max_score=c.max_score if c.max_score is not None else max_score,
            reveal_answer=c.reveal_answer if c.reveal_answer is not None else reveal_answer,
            use_spoilers=bool(c.use_spoilers),
            bot_plays=bool(c.bot_plays),
        )


BOT_PLAYER = 0  # the score key of the bot when a list sets bot_plays


@dataclass
class TriviaGame:
    """Questions drawn at the start; ``current`` is open until answered or timed out."""

    list_name: str
    questions: list[Question]
    rules: GameRules
    scores: dict[int, int] = field(default_factory=dict)
    index: int = -1
    answered_by: int | None = None
    unanswered_streak: int = 0
    asked: int = 0
    end_reason: str | None = None
    _prepared: tuple[PreparedAnswer, ...] = ()
    _tried_choice: set[int] = field(default_factory=set)
    _hints_given: int = 0

    @classmethod
    def start(
        cls, trivia_list: TriviaList, rules: GameRules, rng: random.Random | None = None
    ) -> TriviaGame:
        picked = (rng or random.Random()).sample(list(trivia_list.questions), rules.rounds)
        return cls(list_name=trivia_list.name, questions=picked, rules=rules)

    @property
    def current(self) -> Question | None:
        return self.questions[self.index] if 0 <= self.index < len(self.questions) else None

    @property
    def is_open(self) -> bool:
        return self.current is not None and self.answered_by is None and self.end_reason is None

    def next_question(self) -> Question | None:
        """Move to the next question; None (and ``end_reason``) when the game is over."""
        if self.end_reason is not None:
            return None
        if self.index + 1 >= len(self.questions):
            self.end_reason = "finished"
            return None
        self.index += 1
        self.asked += 1
        self.answered_by = None
        self._tried_choice = set()
        self._hints_given = 0
        question = self.questions[self.index]
        self._prepared = prepare(question.answers)
        return question

    def try_text(self, user_id: int, text: str) -> bool:
        """A typed answer; True if it wins the open (free-text) question."""
        question = self.current
        if not self.is_open or question is None or question.is_multiple_choice:
            return False
        if matches(text, self._prepared) is None:
            return False
        self._score(user_id)
        return True

    def try_choice(self, user_id: int, choice: int) -> str:
        """A button press: ``correct``, ``wrong``, ``already_tried`` or ``closed``."""
        question = self.current
        if not self.is_open or question is None or not question.is_multiple_choice:
            return "closed"
        if user_id in self._tried_choice:
            return "already_tried"
        self._tried_choice.add(user_id)
        if 0 <= choice < len(question.choices) and question.choices[choice] == question.revealed:
            self._score(user_id)
            return "correct"
        return "wrong"

    def _score(self, user_id: int) -> None:
        self.answered_by = user_id
        self.unanswered_streak = 0
        self.scores[user_id] = self.scores.get(user_id, 0) + 1
        if self.rules.max_score is not None and self.scores[user_id] >= self.rules.max_score:
            self.end_reason = "max_score"

    def time_up(self) -> None:
        """Nobody answered in time: count it, maybe give the bot its point, maybe stop."""
        if self.answered_by is not None or self.current is None:
            return
        self.answered_by = BOT_PLAYER if self.rules.bot_plays else -1
        if self.rules.bot_plays:
            self.scores[BOT_PLAYER] = self.scores.get(BOT_PLAYER, 0) + 1
        self.unanswered_streak += 1
        if self.unanswered_streak >= self.rules.max_unanswered:
            self.end_reason = "unanswered"

    def stop(self) -> None:
        if self.end_reason is None:
            self.end_reason = "stopped"

    def hint(self) -> str:
        """The next hint: the question's own, in order, else more and more of the answer."""
        question = self.current
        assert question is not None
        self._hints_given += 1
        if self._hints_given <= len(question.hints):
            return question.hints[self._hints_given - 1]
        return mask(question.revealed, self._hints_given - len(question.hints))

    def ranking(self) -> list[tuple[int, int]]:
        """``(user_id, points)`` best first; ties by who reached the score first is not kept,
        so ties sort by user id for a stable display."""
        return sorted(self.scores.items(), key=lambda item: (-item[1], item[0]))

    def winner(self) -> int | None:
        ranking = [r for r in self.ranking() if r[0] != BOT_PLAYER]
        if not ranking:
            return None
        if len(ranking) > 1 and ranking[0][1] == ranking[1][1]:
            return None  # a tie has no winner
        return ranking[0][0]


def mask(answer: str, level: int = 1) -> str:
    """``Canberra`` -> ``C \\_ \\_ ...`` (level 1 shows one letter, level 2 two...). Letters are
    spaced so the length shows; underscores are escaped for Discord's markdown; spaces and
    punctuation stay visible so the shape of the answer shows too."""
    shown = 0
    out = []
    for ch in answer:
        if ch.isalnum():
            if shown < level:
                out.append(ch)
                shown += 1
            else:
                out.append("\\_")
        elif ch == " ":
            out.append(" ")
        else:
            out.append(ch)
    return " ".join(out)
