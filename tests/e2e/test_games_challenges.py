"""Games e2e: weekly challenges with XP rewards and a streak; CSV import; leaderboard pages."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from cogs.games.challenges import previous_week, week_id
from cogs.welcome.scene import add_role
from tests.e2e.test_games_xp import settled_xp, wait_gate

CONFIG = """\
games:
  enabled: true
  xp:
    min: 10
    max: 10
    announce: "off"
  challenges:
    enabled: true
    streak_bonus: 50
    list:
      - {id: talk, kind: messages, target: 2, xp: 500}
      - {id: vote, kind: suggestion_votes, target: 1, xp: 100}
"""


async def progress_when_written(w: Any, user_id: int, week: str) -> list[Any]:
    """Flush until the member has challenge progress stored (listeners run a moment after a
    dispatch), or 10 seconds pass; returns their rows."""
    games = w.bot.get_cog("games")
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        await games.flusher.flush_now()
        rows = await games.store.progress_of(w.guild.id, week, user_id)
        if rows or asyncio.get_running_loop().time() > deadline:
            return rows
        await asyncio.sleep(0.02)


def xp_of(w: Any, user_id: int) -> int:
    with sqlite3.connect(w.db_path) as db:
        row = db.execute(
            "SELECT xp FROM games_xp WHERE guild_id = ? AND user_id = ?", (w.guild.id, user_id)
        ).fetchone()
    return 0 if row is None else row[0]


async def test_weekly_challenges_reward_xp_and_extend_the_streak(world: Any) -> None:
    w = world
    await w.set_config(CONFIG)
    games = w.bot.get_cog("games")
    gina = w.member("gina")
    week = week_id(datetime.now(UTC))
    await games.store.set_streak(
        w.guild.id, gina.id, previous_week(week), 1
    )  # she did it last week too
    await gina.say("#general", "first")
    await wait_gate(w, gina.id, lambda last: last is not None)
    games.engine.gate.forget(w.guild.id, gina.id)  # as if her cooldown had passed
    await gina.say("#general", "second, a different text")
    await wait_gate(w, gina.id, lambda last: last is not None)
    w.bot.dispatch(
        "feedback_suggestion_vote",
        {"guild_id": w.guild.id, "suggestion_id": 1, "user_id": gina.id, "vote": 1},
    )
    expected = 10 + 10 + 500 + 100 + 50  # two messages, both challenges, week 2 of the streak
    # A listener runs a moment after dispatch, and completions are granted after a flush.
    assert await settled_xp(w, gina.id, expected) == expected
    r = await gina.slash("challenges")
    reply = (await r.response(timeout=10)).content
    assert (
        w.t(
            "games.challenges.done",
            name=w.t("games.challenges.kind.messages", target=2),
            progress=2,
            target=2,
            xp=500,
        )
        in reply
    )
    assert w.t("games.challenges.streak", weeks=2) in reply


async def test_csv_import_all_or_nothing_and_leaderboard_pages(world: Any) -> None:
    w = world
    await w.set_config(CONFIG)
    bad = "user_id,xp\n111,50\n222,lots\n"
    r = await w.manager.slash("xp import", file=("xp.csv", bad.encode()))
    assert (await r.response(timeout=10)).content == w.t("games.xp.import_bad_line", line=3)
    with sqlite3.connect(w.db_path) as db:
        assert db.execute("SELECT count(*) FROM games_xp").fetchone()[0] == 0
    rows = "\n".join(f"{1000 + i},{(i + 1) * 100}" for i in range(15))
    r = await w.manager.slash("xp import", file=("xp.csv", f"user_id,xp\n{rows}\n".encode()))
    await r.response(timeout=10)
    assert (await r.followups(n=1, timeout=10))[0].content == w.t("games.xp.imported", count=15)
    viewer = w.member("viewer")
    r = await viewer.slash("leaderboard")
    first = await r.response(timeout=10)
    assert first.content.splitlines()[0] == w.t(
        "games.leaderboard.title", season="all", page=1, pages=2
    )
    assert (
        "<@1014>" in first.content and "1500 XP" in first.content and "<@1004>" not in first.content
    )
    turned = await viewer.click(r, w.t("games.leaderboard.next"))
    second = await turned.response(timeout=10)
    assert second.content.splitlines()[0] == w.t(
        "games.leaderboard.title", season="all", page=2, pages=2
    )
    assert "<@1004>" in second.content and "<@1014>" not in second.content


async def test_ticket_help_counts_for_the_member_who_claimed_the_ticket(world: Any) -> None:
    w = world
    await w.set_config(
        CONFIG.replace(
            "      - {id: vote, kind: suggestion_votes, target: 1, xp: 100}\n",
            "      - {id: help, kind: ticket_help, target: 2, xp: 300}\n",
        )
    )
    helper, asker = w.member("helper"), w.member("asker")

    def closed(claimant_id: Any, ticket_id: int) -> Any:
        # complaints dispatches its Ticket; games reads guild_id, id and claimant_id only.
        return SimpleNamespace(
            guild_id=w.guild.id, id=ticket_id, claimant_id=claimant_id, user_id=asker.id
        )

    w.bot.dispatch("complaint_closed", closed(helper.id, 1))
    w.bot.dispatch("complaint_closed", closed(helper.id, 1))  # reopened, closed again: once
    w.bot.dispatch("complaint_closed", closed(None, 2))  # nobody claimed it: nobody helped
    week = week_id(datetime.now(UTC))
    rows = await progress_when_written(w, helper.id, week)
    assert [(p.challenge_id, p.progress, p.completed) for p in rows] == [("help", 1, False)]
    assert xp_of(w, helper.id) == 0 and xp_of(w, asker.id) == 0  # 1 of 2: not yet
    w.bot.dispatch("complaint_closed", closed(helper.id, 3))
    assert await settled_xp(w, helper.id, 300) == 300
    r = await helper.slash("challenges")
    reply = (await r.response(timeout=10)).content
    assert (
        w.t(
            "games.challenges.done",
            name=w.t("games.challenges.kind.ticket_help", target=2),
            progress=2,
            target=2,
            xp=300,
        )
        in reply
    )
    assert xp_of(w, asker.id) == 0


async def test_forget_drops_challenge_progress_still_in_memory(world: Any) -> None:
    w = world
    await w.set_config(CONFIG)
    games = w.bot.get_cog("games")
    lea = w.member("lea")
    await lea.say("#general", "one message toward the talk challenge")
    await wait_gate(w, lea.id, lambda last: last is not None)  # counted, not yet written
    await w.bot.privacy.forget_user(w.guild.id, lea.id)
    await games.flusher.flush_now()  # nothing left in memory to write her back
    with sqlite3.connect(w.db_path) as db:
        rows = db.execute(
            "SELECT count(*) FROM games_challenge_progress WHERE guild_id = ? AND user_id = ?",
            (w.guild.id, lea.id),
        ).fetchone()[0]
    assert rows == 0


async def test_a_challenge_level_up_does_not_hold_back_the_flush(make_world: Any) -> None:
    """Completing a challenge may level a member up: its role call (slow here) runs beside
    the flush, which used to wait for it while holding every other flush back."""
    w = await make_world(start=False)
    add_role(w.sb, w.guild, "Regular")
    await w.start()
    await w.set_config(
        CONFIG.replace('announce: "off"\n', 'announce: "off"\n    rewards: {1: Regular}\n')
    )
    games = w.bot.get_cog("games")
    max_ = w.member("max")
    route = "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}"
    w.sb.faults.slow(route, seconds=3.0)
    await max_.say("#general", "first")
    await wait_gate(w, max_.id, lambda last: last is not None)
    games.engine.gate.forget(w.guild.id, max_.id)
    await max_.say("#general", "second, the talk challenge is done")
    await wait_gate(w, max_.id, lambda last: last is not None)
    loop = asyncio.get_running_loop()
    started = loop.time()
    # Two messages (20), then the challenge (500) granted by the flush that completes it.
    assert await settled_xp(w, max_.id, 520) == 520
    assert loop.time() - started < 2.0  # not after the 3-second role call
    await w.sb.wait_for_request("PUT", route.split(" ", 1)[1], timeout=10)
    assert "Regular" in {w.guild.roles[r].name for r in w.guild.members[max_.id].roles}


async def test_voting_again_on_one_suggestion_counts_once(world: Any) -> None:
    w = world
    await w.set_config(
        CONFIG.replace(
            "{id: vote, kind: suggestion_votes, target: 1,",
            "{id: vote, kind: suggestion_votes, target: 2,",
        )
    )
    nina = w.member("nina")

    def vote(suggestion: int, value: int | None) -> None:
        payload = {"guild_id": w.guild.id, "suggestion_id": suggestion, "user_id": nina.id}
        w.bot.dispatch("feedback_suggestion_vote", payload | {"vote": value})

    vote(1, 1)
    vote(1, None)  # withdrawn
    vote(1, -1)  # cast again: still one suggestion
    vote(1, 1)
    rows = await progress_when_written(w, nina.id, week_id(datetime.now(UTC)))
    assert [(p.challenge_id, p.progress, p.completed) for p in rows] == [("vote", 1, False)]
    vote(2, 1)  # a second suggestion completes the challenge
    assert await settled_xp(w, nina.id, 100) == 100


async def test_an_unknown_season_is_refused_and_season_names_are_bounded(world: Any) -> None:
    w = world
    await w.set_config(CONFIG)
    viewer = w.member("viewer")
    r = await viewer.slash("leaderboard", season="1999-01")
    reply = await r.response(timeout=10)
    assert reply.ephemeral
    assert reply.content == w.t("games.leaderboard.unknown_season", season="1999-01")
    with pytest.raises(ValueError, match="max_length=16"):
        await viewer.slash("leaderboard", season="x" * 1990)
