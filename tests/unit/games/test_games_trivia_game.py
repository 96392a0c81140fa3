"""A trivia game's state: scoring, multiple choice, hints, timeouts, the end of the game."""

from __future__ import annotations

import random

import pytest

from cogs.games.trivia_formats import TriviaConfig, parse_trivia
from cogs.games.trivia_game import BOT_PLAYER, GameRules, TriviaGame, mask

LIST = """\
name: t
questions:
  - question: Capital of France?
    answers: [Paris]
    hints: [It starts with P.]
  - question: Even number?
    answers: ["4"]
    choices: ["3", "4", "5"]
  - question: Third?
    answers: [Zanzibar]
"""


def rules(**changes) -> GameRules:
    base = dict(
        rounds=3,
        question_time=10,
        hint_after=5,
        pause=1,
        max_unanswered=2,
        max_score=None,
        reveal_answer=True,
        use_spoilers=False,
        bot_plays=False,
    )
    base.update(changes)
    return GameRules(**base)


def game(**changes) -> TriviaGame:
    g = TriviaGame.start(parse_trivia(LIST), rules(**changes), random.Random(0))
    g.questions.sort(key=lambda q: q.line)  # a known order for the test
    return g


def test_typed_answers_score_once_and_only_on_free_text_questions():
    g = game()
    assert g.next_question().text == "Capital of France?"
    assert not g.try_text(1, "Lyon")
    assert g.try_text(2, "c'est paris")
    assert not g.try_text(3, "paris")  # already answered
    assert g.scores == {2: 1}
    assert g.next_question().is_multiple_choice
    assert not g.try_text(1, "4")  # buttons only


def test_multiple_choice_one_try_per_player():
    g = game()
    g.next_question()
    g.next_question()
    assert g.try_choice(1, 0) == "wrong"
    assert g.try_choice(1, 1) == "already_tried"
    assert g.try_choice(2, 1) == "correct"
    assert g.try_choice(3, 1) == "closed"
    assert g.scores == {2: 1}


def test_hints_then_masks():
    g = game()
    g.next_question()
    assert g.hint() == "It starts with P."
    assert g.hint() == "P \\_ \\_ \\_ \\_"
    assert g.hint() == "P a \\_ \\_ \\_"


def test_stops_after_max_unanswered_in_a_row():
    g = game(max_unanswered=2)
    g.next_question()
    g.time_up()
    g.next_question()
    assert g.end_reason is None
    g.time_up()
    assert g.end_reason == "unanswered"
    assert g.next_question() is None


def test_an_answer_resets_the_unanswered_streak_and_max_score_ends_the_game():
    g = game(max_unanswered=2, max_score=2)
    g.next_question()
    g.time_up()
    g.next_question()
    assert g.try_choice(5, 1) == "correct"
    assert g.unanswered_streak == 0
    g.next_question()
    assert g.try_text(5, "zanzibar")
    assert g.end_reason == "max_score" and g.winner() == 5


def test_bot_plays_takes_unanswered_points_but_never_wins():
    g = game(bot_plays=True, max_unanswered=5)
    g.next_question()
    g.time_up()
    assert g.scores == {BOT_PLAYER: 1}
    assert g.winner() is None
    g.next_question()
    g.try_choice(7, 1)
    g.next_question()
    g.time_up()
    assert g.next_question() is None and g.end_reason == "finished"
    assert g.winner() == 7


def test_ties_have_no_winner_and_stop():
    g = game()
    g.next_question()
    g.try_text(1, "paris")
    g.next_question()
    g.try_choice(2, 1)
    assert g.winner() is None
    g.stop()
    assert g.next_question() is None and g.end_reason == "stopped"


def test_rules_take_the_list_config_over_the_guild():
    trivia_list = parse_trivia(LIST)
    from dataclasses import replace

    red_like = replace(
        trivia_list,
        config=TriviaConfig(
            delay=4.0, max_score=1, reveal_answer=False, use_spoilers=True, bot_plays=True
        ),
    )
    r = GameRules.build(
        red_like,
        rounds=99,
        question_time=30,
        hint_after=15,
        pause=2,
        max_unanswered=3,
        max_score=None,
        reveal_answer=True,
    )
    assert (r.rounds, r.question_time, r.hint_after, r.max_score) == (3, 4.0, 2.0, 1)
    assert (r.reveal_answer, r.use_spoilers, r.bot_plays) == (False, True, True)


@pytest.mark.parametrize(
    "timeout,delay,expected",
    [(None, None, 3), (120.0, 20.0, 6), (50.0, 20.0, 3), (5.0, 20.0, 1), (60.0, None, 2)],
)
def test_a_red_timeout_becomes_questions_without_an_answer(timeout, delay, expected):
    from dataclasses import replace

    red_like = replace(parse_trivia(LIST), config=TriviaConfig(timeout=timeout, delay=delay))
    r = GameRules.build(
        red_like,
        rounds=3,
        question_time=30,
        hint_after=None,
        pause=2,
        max_unanswered=3,
        max_score=None,
        reveal_answer=True,
    )
    assert r.max_unanswered == expected


@pytest.mark.parametrize(
    "answer,level,expected",
    [
        ("Canberra", 1, "C \\_ \\_ \\_ \\_ \\_ \\_ \\_"),
        ("New York", 1, "N \\_ \\_   \\_ \\_ \\_ \\_"),
        ("Jeanne d'Arc", 2, "J e \\_ \\_ \\_ \\_   \\_ ' \\_ \\_ \\_"),
    ],
)
def test_mask(answer, level, expected):
    assert mask(answer, level) == expected
