"""Trivia e2e: a whole game with two players (typed and button answers, a hint, a timeout),
uploads in both formats (and a broken one), the shipped lists, two channels at once."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest

CONFIG = """\
games:
  enabled: true
  trivia:
    question_time: 3s
    hint_after: 1s
    pause: 1s
    max_unanswered: 2
    xp_per_answer: 10
"""

QUIZ = """\
name: Demo quiz
language: en
questions:
  - question: What is the capital of France?
    answers: [Paris]
  - question: Which of these numbers is even?
    answers: ["4"]
    choices: ["3", "4", "5"]
  - question: Which island is nobody going to name?
    answers: [Zanzibar]
    hints: [It lies off the coast of Tanzania.]
"""

RED = """\
AUTHOR: Tester
CONFIG:
  delay: 4
What colour is the sky on a clear day?:
- blue
Is water wet?:
- yes
"""


@pytest.fixture
async def tworld(world: Any) -> Any:
    await world.set_config(CONFIG)
    return world


def after(question: dict[str, Any], prefix: str, mention: str = "") -> Any:
    """Matches the bot's next message starting with ``prefix`` (and naming ``mention``)."""
    qid = int(question["id"])
    return lambda m: (
        int(m["id"]) > qid and m["content"].startswith(prefix) and mention in m["content"]
    )


def time_up_now(w: Any, channel: str) -> None:
    """Bring the question's timeout forward: the game stops waiting as if time had run out
    (nobody answered, so it closes the question as a timeout, exactly as the clock would)."""
    w.bot.get_cog("games_trivia").running[w.guild.channel(channel).id].answered.set()


def is_question(m: dict[str, Any], seen: set[str]) -> bool:
    return m["content"].startswith("**Question") and m["id"] not in seen


async def test_a_whole_game_with_two_players(tworld: Any) -> None:
    w = tworld
    r = await w.manager.slash("trivia upload", file=("demo.yaml", QUIZ.encode()), name="demo")
    assert (await r.response(timeout=10)).content == w.t(
        "games.trivia.uploaded", name="demo", count=3, format="vigie"
    )
    alice, bob = w.member("alice"), w.member("bob")
    r = await alice.slash("trivia start", in_channel="games", list="demo", rounds=3)
    start = await r.response(timeout=10)
    assert start.content == w.t(
        "games.trivia.starting", user=alice.mention, list="demo", rounds=3, seconds=3
    )
    again = await bob.slash("trivia start", in_channel="games", list="demo")
    assert (await again.response(timeout=10)).content == w.t("games.trivia.already_running")

    seen: set[str] = set()
    for _ in range(3):
        question = await w.sb.wait_for_message(
            "games", timeout=15, where=lambda m: is_question(m, seen)
        )
        seen.add(question["id"])
        text = question["content"]
        if "France" in text:
            await bob.say("#games", "lyon?")
            await alice.say("#games", "je dirais PARIS !")  # inside a sentence, any case
            won = await w.sb.wait_for_message(
                "games", timeout=10, where=after(question, "✅", alice.mention)
            )
            assert won["content"] == w.t(
                "games.trivia.correct", user=alice.mention, answer="Paris", points=1
            )
        elif "even" in text:
            wrong = await alice.click(question, "A. 3")
            assert (await wrong.response(timeout=10)).content == w.t("games.trivia.choice_wrong")
            retry = await alice.click(question, "B. 4")
            assert (await retry.response(timeout=10)).content == w.t(
                "games.trivia.choice_already_tried"
            )
            right = await bob.click(question, "B. 4")
            assert (await right.response(timeout=10)).content == w.t("games.trivia.choice_correct")
            await w.sb.wait_for_message(
                "games", timeout=10, where=after(question, "✅", bob.mention)
            )
        else:
            hint = await w.sb.wait_for_message("games", timeout=10, where=after(question, "💡"))
            assert hint["content"] == w.t(
                "games.trivia.hint", hint="It lies off the coast of Tanzania."
            )
            time_up_now(w, "games")
            timeout = await w.sb.wait_for_message("games", timeout=10, where=after(question, "⏰"))
            assert timeout["content"] == w.t("games.trivia.timeout_reveal", answer="Zanzibar")

    over = await w.sb.wait_for_message(
        "games", timeout=15, where=lambda m: m["content"].startswith("🏁")
    )
    assert over["content"].splitlines()[0] == w.t("games.trivia.over_finished")
    assert alice.mention in over["content"] and bob.mention in over["content"]
    assert w.t("games.trivia.winner", user=alice.mention) not in over["content"]  # 1-1: a tie

    with sqlite3.connect(w.db_path) as db:
        session = db.execute(
            "SELECT list_name, questions, end_reason, ended_at IS NOT NULL FROM games_trivia_sessions"
            " WHERE guild_id = ?",
            (w.guild.id,),
        ).fetchall()
        scores = dict(
            db.execute(
                "SELECT user_id, points FROM games_trivia_scores WHERE guild_id = ? AND list_name = 'demo'",
                (w.guild.id,),
            ).fetchall()
        )
    assert session == [("demo", 3, "finished", 1)]
    assert scores == {alice.id: 1, bob.id: 1}
    board = await alice.slash("trivia leaderboard", list="demo")
    content = (await board.response(timeout=10)).content
    assert alice.mention in content and bob.mention in content
    # Each correct answer also gave XP (10), counted in memory and flushed.
    games = w.bot.get_cog("games")
    await games.flusher.flush_now()
    with sqlite3.connect(w.db_path) as db:
        xp = dict(
            db.execute(
                "SELECT user_id, xp FROM games_xp WHERE guild_id = ?", (w.guild.id,)
            ).fetchall()
        )
    assert xp.get(alice.id, 0) >= 10 and xp.get(bob.id, 0) >= 10


async def test_uploads_are_validated_and_nothing_broken_is_saved(tworld: Any) -> None:
    w = tworld
    broken = "name: x\nquestions:\n  - question: Q\n    answers: [a]\n    choices: [b, c]\n  - question: R\n"
    r = await w.manager.slash("trivia upload", file=("broken.yaml", broken.encode()))
    reply = await r.response(timeout=10)
    assert reply.ephemeral
    assert "broken.yaml:5: the first answer 'a' must be one of the choices" in reply.content
    assert "broken.yaml:6: a question needs 'answers'" in reply.content
    r = await w.manager.slash("trivia upload", file=("red.yaml", RED.encode()))
    assert (await r.response(timeout=10)).content == w.t(
        "games.trivia.uploaded", name="red", count=2, format="red"
    )
    member = w.member("zoe")
    r = await member.slash("trivia upload", file=("sneaky.yaml", RED.encode()))
    assert (await r.response(timeout=10)).content == w.t("errors.not_manager")
    with sqlite3.connect(w.db_path) as db:
        names = [
            n
            for (n,) in db.execute(
                "SELECT name FROM games_trivia_lists WHERE guild_id = ?", (w.guild.id,)
            )
        ]
    assert names == ["red"]

    r = await member.slash("trivia lists")
    listed = (await r.response(timeout=10)).content
    for name in ("general-en", "general-fr", "red-sample", "red"):
        assert f"`{name}`" in listed
    assert "`general-fr`: 125 questions" in listed


async def test_two_channels_at_once_with_a_red_list_and_a_stop(tworld: Any) -> None:
    w = tworld
    alice, bob = w.member("alice"), w.member("bob")
    r = await alice.slash("trivia start", in_channel="games", list="red-sample", rounds=2)
    await r.response(timeout=10)
    r = await bob.slash("trivia start", in_channel="general", list="general-fr", rounds=5)
    await r.response(timeout=10)
    cogs = w.bot.get_cog("games_trivia")
    assert {w.guild.channel("games").id, w.guild.channel("general").id} <= set(cogs.running)
    # A member who did not start the game cannot stop it; who started it can.
    r = await alice.slash("trivia stop", in_channel="general")
    assert (await r.response(timeout=10)).content == w.t("games.trivia.not_yours")
    r = await bob.slash("trivia stop", in_channel="general")
    await r.response(timeout=10)
    stopped = await w.sb.wait_for_message(
        "general", timeout=10, where=lambda m: m["content"].startswith("🏁")
    )
    assert stopped["content"].splitlines()[0] == w.t("games.trivia.over_stopped")
    # The Red list keeps playing in #games; its first question is answered by its first answer.
    question = await w.sb.wait_for_message(
        "games", timeout=10, where=lambda m: is_question(m, set())
    )
    from cogs.games.trivia_formats import load_trivia_file

    red = load_trivia_file(w.config_dir / "trivia" / "red-sample.yaml")
    asked = next(q for q in red.questions if q.text in question["content"])
    await alice.say("#games", asked.answers[-1])
    await w.sb.wait_for_message("games", timeout=10, where=lambda m: m["content"].startswith("✅"))
    # The answer hook is on the message path only while a game runs somewhere.
    assert w.bot._message_hooks.count(cogs.host.hear) == 1
    running = cogs.running[w.guild.channel("games").id]
    r = await alice.slash("trivia stop", in_channel="games")
    await r.response(timeout=10)
    await asyncio.wait_for(asyncio.shield(running.task), timeout=10)
    assert cogs.host.hear not in w.bot._message_hooks


async def test_two_starts_at_once_in_one_channel_make_one_game(tworld: Any) -> None:
    """Both commands arrive before either game is set up: only one may start."""
    w = tworld
    alice, bob = w.member("alice"), w.member("bob")
    first, second = await asyncio.gather(
        alice.slash("trivia start", in_channel="games", list="red-sample", rounds=1),
        bob.slash("trivia start", in_channel="games", list="red-sample", rounds=1),
    )
    replies = [(await r.response(timeout=10)).content for r in (first, second)]
    refused = w.t("games.trivia.already_running")
    assert sorted(reply == refused for reply in replies) == [False, True]
    r = await alice.slash("trivia stop", in_channel="games")
    if (await r.response(timeout=10)).content == w.t("games.trivia.not_yours"):
        r = await bob.slash("trivia stop", in_channel="games")
        await r.response(timeout=10)
    await w.sb.wait_for_message("games", timeout=10, where=lambda m: m["content"].startswith("🏁"))
    with sqlite3.connect(w.db_path) as db:
        sessions = db.execute(
            "SELECT count(*) FROM games_trivia_sessions WHERE guild_id = ?", (w.guild.id,)
        ).fetchone()[0]
    assert sessions == 1


async def test_a_start_whose_answer_failed_does_not_block_the_channel(tworld: Any) -> None:
    w = tworld
    alice = w.member("alice")
    callback = "POST /interactions/{interaction_id}/{interaction_token}/callback"
    w.sb.faults.error(callback, status=404, code=10062, times=1)  # the answer is refused
    r = await alice.slash("trivia start", in_channel="games", list="red-sample", rounds=1)
    await w.sb.wait_for_request("POST", callback.split(" ", 1)[1], timeout=10)
    # No game was registered without its task: the next start plays.
    r = await alice.slash("trivia start", in_channel="games", list="red-sample", rounds=1)
    start = await r.response(timeout=10)
    assert start.content.startswith("🎲")
    await w.sb.wait_for_message("games", timeout=10, where=lambda m: is_question(m, set()))


async def test_list_names_are_bounded_where_they_are_typed(tworld: Any) -> None:
    """A list name is echoed in titles: Discord's client refuses one past 64 characters."""
    w = tworld
    alice = w.member("alice")
    for command in ("trivia leaderboard", "trivia start"):
        with pytest.raises(ValueError, match="max_length=64"):
            await alice.slash(command, list="x" * 1990)
    r = await alice.slash("trivia leaderboard", list="x" * 64)
    assert (await r.response(timeout=10)).content.startswith(
        w.t("games.trivia.board_title", scope="x" * 64)
    )


async def test_a_list_s_own_text_pings_nobody(tworld: Any) -> None:
    w = tworld
    alice = w.member("alice")
    quiz = f"Who is <@{alice.id}>, says @everyone?:\n- Alice\n"
    r = await w.manager.slash("trivia upload", file=("pings.yaml", quiz.encode()))
    await r.response(timeout=10)
    r = await alice.slash("trivia start", in_channel="games", list="pings")
    await r.response(timeout=10)
    posted = await w.sb.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        timeout=10,
        where=lambda rec: "**Question" in (rec.json or {}).get("content", ""),
    )
    assert posted.json["allowed_mentions"]["parse"] == []
    assert posted.json["allowed_mentions"].get("users", []) == []
    r = await alice.slash("trivia stop", in_channel="games")
    await r.response(timeout=10)


async def test_a_big_list_uploads_and_starts_within_discord_s_three_seconds(tworld: Any) -> None:
    """Reading a list near the 1 MB limit takes seconds: the upload used to answer after
    Discord's 3 s (refused, 10062: the manager saw "the application did not respond") and each
    start re-read it the same way, the whole bot frozen meanwhile."""
    w = tworld
    big = "".join(
        f"Which number comes after {i} in this long list?: [{i + 1}]\n" for i in range(17000)
    )
    assert 900_000 < len(big.encode()) < 1_000_000
    r = await w.manager.slash("trivia upload", file=("big.yaml", big.encode()), name="big")
    reply = await r.answer(timeout=60)
    assert reply.ephemeral
    assert reply.content == w.t("games.trivia.uploaded", name="big", count=17000, format="red")
    alice = w.member("alice")
    r = await alice.slash("trivia start", in_channel="games", list="big", rounds=1)
    assert (await r.response(timeout=10)).content.startswith("🎲")
    r = await alice.slash("trivia stop", in_channel="games")
    await r.response(timeout=10)
    await w.sb.wait_for_message("games", timeout=10, where=lambda m: m["content"].startswith("🏁"))


CHOICES_ONLY = """\
questions:
  - question: Which of these numbers is odd?
    answers: ["3"]
    choices: ["2", "3", "4"]
"""


async def test_a_restart_mid_question_reveals_nothing(tworld: Any) -> None:
    """A restart ends games in silence: it used to close the open question as if time had run
    out ("⏰ Time's up! The answer was 3"), giving the answer away and the bot its point."""
    w = tworld
    r = await w.manager.slash("trivia upload", file=("odd.yaml", CHOICES_ONLY.encode()))
    await r.response(timeout=10)
    alice = w.member("alice")
    r = await alice.slash("trivia start", in_channel="games", list="odd", rounds=1)
    await r.response(timeout=10)
    question = await w.sb.wait_for_message(
        "games", timeout=10, where=lambda m: is_question(m, set())
    )
    await w.restart()
    assert not w.bot.get_cog("games_trivia").running
    assert [
        m["content"] for m in w.sb.messages("games") if int(m["id"]) > int(question["id"])
    ] == []
    with sqlite3.connect(w.db_path) as db:
        ended = db.execute(
            "SELECT end_reason, ended_at IS NOT NULL FROM games_trivia_sessions WHERE guild_id = ?",
            (w.guild.id,),
        ).fetchall()
    assert ended == [("shutdown", 1)]
