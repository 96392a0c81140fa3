"""Games e2e: XP with cooldown and duplicates, level-up with a role reward, manager XP commands,
the flush surviving a restart, a season rollover with its archive, automod removals."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

import pytest

from cogs.welcome.scene import add_role

CONFIG = """\
games:
  enabled: true
  xp:
    min: {xp}
    max: {xp}
    cooldown: {cooldown}
    announce: channel
    announce_channel: games
    rewards: {{1: Regular, 2: Veteran}}
    stack_rewards: {stack}
    ignored_channels: [support]
"""


def config(xp: int = 100, stack: bool = False, cooldown: str = "60s") -> str:
    return CONFIG.format(xp=xp, stack=str(stack).lower(), cooldown=cooldown)


@pytest.fixture
async def gworld(make_world: Any) -> Any:
    w = await make_world(start=False)
    add_role(w.sb, w.guild, "Regular")
    add_role(w.sb, w.guild, "Veteran")
    await w.start()
    return w


def stored_xp(w: Any, user_id: int, season: str = "all") -> int | None:
    with sqlite3.connect(w.db_path) as db:
        row = db.execute(
            "SELECT xp FROM games_xp WHERE guild_id = ? AND season = ? AND user_id = ?",
            (w.guild.id, season, user_id),
        ).fetchone()
    return None if row is None else row[0]


async def settled_xp(
    w: Any, user_id: int, expected: int, season: str = "all", limit: float = 10.0
) -> int | None:
    """Flush until the stored XP equals ``expected`` or ``limit`` seconds pass; returns the last value.

    The bot handles a message a moment after the sandbox emitted it, so the test waits on the
    database record itself (polled), never on a fixed delay.
    """
    games = w.bot.get_cog("games")
    deadline = asyncio.get_running_loop().time() + limit
    while True:
        await games.flusher.flush_now()
        value = stored_xp(w, user_id, season)
        if value == expected or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.02)


async def wait_gate(w: Any, user_id: int, predicate: Any, limit: float = 10.0) -> None:
    """Wait until the XP gate's memory of the member satisfies ``predicate`` (polled)."""
    gate = w.bot.get_cog("games").engine.gate
    deadline = asyncio.get_running_loop().time() + limit
    while not predicate(gate.last_award_at(w.guild.id, user_id)):
        assert asyncio.get_running_loop().time() < deadline, "the bot never counted the message"
        await asyncio.sleep(0.02)


def roles_of(w: Any, actor: Any) -> set[str]:
    return {w.guild.roles[r].name for r in w.guild.members[actor.id].roles}


async def test_xp_cooldown_duplicates_level_up_and_replacing_rewards(gworld: Any) -> None:
    w = gworld
    await w.set_config(config(xp=100, stack=False))
    alice = w.member("alice")
    await alice.say("#general", "hello everyone")  # 100 XP: level 1 (reward Regular)
    await alice.say("#general", "second message within the cooldown")  # nothing
    announced = await w.sb.wait_for_message(
        "games",
        timeout=10,
        where=lambda m: alice.mention in m["content"] and "level **1**" in m["content"],
    )
    assert announced["content"] == w.t("games.level.up", member=alice.mention, level=1)
    await w.sb.wait_for_request(
        "PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", timeout=10
    )
    assert "Regular" in roles_of(w, alice)
    assert await settled_xp(w, alice.id, 100) == 100

    # Ignored channel: nothing. A manager adds 200 XP: level 2, Veteran replaces Regular.
    await alice.say("#support", "a question")
    r = await w.manager.slash("xp add", member=alice, amount=200)
    assert (await r.response(timeout=10)).content == w.t(
        "games.xp.set", member=alice.mention, xp=300
    )
    await w.sb.wait_for_request(
        "DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", timeout=10
    )
    assert {"Veteran"} <= roles_of(w, alice) and "Regular" not in roles_of(w, alice)
    assert stored_xp(w, alice.id) == 300
    modlog = [m["content"] for m in w.sb.messages("modlog")]
    assert any("100 → 300" in line for line in modlog)


async def test_duplicate_after_cooldown_and_members_cannot_use_xp_commands(gworld: Any) -> None:
    w = gworld
    await w.set_config(config(xp=20))
    games = w.bot.get_cog("games")
    bob = w.member("bob")
    await bob.say("#general", "Same text")
    assert await settled_xp(w, bob.id, 20) == 20
    first = games.engine.gate.last_award_at(w.guild.id, bob.id)
    # A manager shortens the cooldown to 1 s: the hook's ready_at is retimed at once.
    await w.set_config(config(xp=20, cooldown="1s"))
    key = (w.guild.id, bob.id)
    deadline = asyncio.get_running_loop().time() + 10
    while games.engine.gate.ready_at[key] != first + 1:
        assert asyncio.get_running_loop().time() < deadline, "the cooldown was never retimed"
        await asyncio.sleep(0.02)
    games.clock = lambda: time.time() + 1.0  # a second later: the 1 s cooldown is over
    # The same text again, but for case and spaces: a duplicate earns nothing.
    await bob.say("#general", "  same TEXT ")
    # Messages are handled in order: once zed's message reached the gate, bob's did too.
    zed = w.member("zed")
    await zed.say("#general", "sync")
    await wait_gate(w, zed.id, lambda last: last is not None)
    assert games.engine.gate.last_award_at(w.guild.id, bob.id) == first
    await bob.say("#general", "a different text")  # the cooldown is over: it earns
    assert await settled_xp(w, bob.id, 40) == 40
    r = await bob.slash("xp set", member=bob, amount=5000)
    reply = await r.response(timeout=10)
    assert reply.ephemeral and reply.content == w.t("errors.not_manager")
    assert stored_xp(w, bob.id) == 40


async def test_flush_survives_a_clean_restart_and_rank_card(gworld: Any) -> None:
    w = gworld
    await w.set_config(config(xp=40))
    carol = w.member("carol")
    await carol.say("#general", "hi there")
    await carol.say("#general", "two")
    # Wait until the bot has counted both (in memory only: no flush), then stop it cleanly.
    await wait_gate(w, carol.id, lambda last: last is not None)
    assert stored_xp(w, carol.id) is None
    await w.restart()  # clean shutdown: the in-memory XP is written on unload
    assert stored_xp(w, carol.id) == 40
    r = await carol.slash("rank")
    await r.response(timeout=10)
    card = await r.final(timeout=10)
    assert [a.filename for a in card.attachments] == ["rank.png"]
    assert card.attachments[0].data[:8] == b"\x89PNG\r\n\x1a\n"
    assert card.content == w.t("games.rank.text", member="Carol", level=0, xp=40, rank=1)


async def test_automod_removed_message_loses_its_xp(gworld: Any) -> None:
    w = gworld
    await w.set_config(config(xp=30))
    dave = w.member("dave")
    spam = await dave.say("#general", "buy cheap stuff")
    assert await settled_xp(w, dave.id, 30) == 30
    message = await w.bot.get_channel(w.guild.channel("general").id).fetch_message(spam.id)
    w.bot.dispatch("automod_removed", message)
    assert await settled_xp(w, dave.id, 0) == 0


async def test_season_rollover_archives_the_previous_season(gworld: Any) -> None:
    w = gworld
    await w.set_config(config(xp=50))
    games = w.bot.get_cog("games")
    erin = w.member("erin")
    await erin.say("#general", "before the new season")
    assert await settled_xp(w, erin.id, 50) == 50
    await w.set_config(
        config(xp=50) + "  seasons:\n    mode: monthly\n    announce_channel: announcements\n"
    )
    await games.flusher.flush_now()  # the tick notices the new season and archives "all"
    ended = await w.sb.wait_for_message(
        "announcements", timeout=10, where=lambda m: "**all**" in m["content"]
    )
    assert erin.mention in ended["content"] and "50 XP" in ended["content"]
    with sqlite3.connect(w.db_path) as db:
        seasons = dict(
            db.execute(
                "SELECT season, ended_at IS NOT NULL FROM games_seasons WHERE guild_id = ?",
                (w.guild.id,),
            ).fetchall()
        )
    current = games.engine.season(w.guild.id, __import__("time").time())
    assert seasons == {"all": 1, current: 0}
    games.engine.gate.forget(w.guild.id, erin.id)  # as if her cooldown had passed
    await erin.say("#general", "first message of the new season")
    assert await settled_xp(w, erin.id, 50, season=current) == 50
    assert stored_xp(w, erin.id, "all") == 50
    r = await erin.slash("leaderboard", season="all")
    board = await r.response(timeout=10)
    assert erin.mention in board.content and "season all" in board.content


async def test_privacy_export_and_forget_include_xp_still_in_memory(gworld: Any) -> None:
    w = gworld
    await w.set_config(config(xp=25))
    games = w.bot.get_cog("games")
    fred = w.member("fred")
    await fred.say("#general", "hello")
    await wait_gate(w, fred.id, lambda last: last is not None)
    exported = await w.bot.privacy.export_user(w.guild.id, fred.id)
    assert exported["data"]["games"]["xp"][0]["xp"] == 25  # flushed for the export
    games.engine.gate.forget(w.guild.id, fred.id)
    await fred.say("#general", "something new")
    await wait_gate(w, fred.id, lambda last: last is not None)  # 25 more, in memory only
    await w.bot.privacy.forget_user(w.guild.id, fred.id)
    await games.flusher.flush_now()  # nothing left in memory to write him back
    assert stored_xp(w, fred.id) is None


async def test_stacked_rewards_and_multipliers(gworld: Any) -> None:
    w = gworld
    await w.set_config(
        config(xp=100, stack=True)
        + "    channel_multipliers: {games: 3}\n    role_multipliers: {Moderator: 2}\n"
    )
    # 100 XP x3 in #games x2 for a moderator = 600 XP: level 2 at once, both rewards kept.
    await w.moderator.say("#games", "hello from the games channel")
    assert await settled_xp(w, w.moderator.id, 600) == 600
    await w.sb.wait_for_request(
        "PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", timeout=10, count=2
    )
    assert {"Regular", "Veteran", "Moderator"} <= roles_of(w, w.moderator)


async def test_a_message_automod_deletes_earns_no_xp(gworld: Any) -> None:
    """Policies tells games through ``automod_removed``: the XP goes back at once."""
    w = gworld
    rule = (
        "policies:\n  enabled: true\n  rules:\n    - name: spam\n"
        "      triggers: {words: ['cheap stuff']}\n      actions: [delete]\n"
    )
    await w.set_config(config(xp=30) + rule)
    removed = asyncio.ensure_future(w.bot.wait_for("automod_removed", timeout=5))
    dave = w.member("dave")
    spam = await dave.say("#general", "buy cheap stuff here")
    assert (await removed).id == spam.id
    await w.bot.get_cog("games").flusher.flush_now()
    assert stored_xp(w, dave.id) in (None, 0)


async def test_a_level_up_is_announced_in_the_thread_named_as_announce_channel(
    gworld: Any,
) -> None:
    w = gworld
    thread = w.sb.world.create_thread(w.guild.channel("games"), "level-ups", owner=w.owner.user)
    guild = w.bot.get_guild(w.guild.id)
    deadline = asyncio.get_running_loop().time() + 10
    while guild.get_thread(thread.id) is None:  # the bot has seen THREAD_CREATE
        assert asyncio.get_running_loop().time() < deadline, "the bot never saw the thread"
        await asyncio.sleep(0.02)
    await w.set_config(
        config(xp=100).replace("announce_channel: games", f"announce_channel: {thread.id}")
    )
    lea = w.member("lea")
    await lea.say("#general", "one hundred XP please")
    announced = await w.sb.wait_for_message(
        thread.id, timeout=10, where=lambda m: lea.mention in m["content"]
    )
    assert announced["content"] == w.t("games.level.up", member=lea.mention, level=1)


async def test_level_up_announcements_off_still_give_the_reward(gworld: Any) -> None:
    w = gworld
    await w.set_config(config(xp=100).replace("announce: channel", 'announce: "off"'))
    games = w.bot.get_cog("games")
    ivan = w.member("ivan")
    await ivan.say("#general", "hello, quiet level-up please")
    await w.sb.wait_for_request(
        "PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", timeout=10
    )
    assert "Regular" in roles_of(w, ivan)
    # The level-up task gives the role, then would announce: once it is done, nothing was said.
    await asyncio.wait_for(asyncio.gather(*list(games._tasks)), timeout=10)
    said = [
        m["content"]
        for channel in ("general", "games", "announcements")
        for m in w.sb.messages(channel)
        if m["author"]["id"] == str(w.bot.user.id)
    ]
    assert said == [] and w.sb.dms(ivan) == []
    assert await settled_xp(w, ivan.id, 100) == 100


async def test_reward_roles_outlive_a_season_and_replacing_keeps_only_the_highest(
    gworld: Any,
) -> None:
    w = gworld
    await w.set_config(config(xp=300, stack=False))  # 300 XP: level 2 at once, Veteran
    games = w.bot.get_cog("games")
    jade = w.member("jade")
    await jade.say("#general", "straight to level two")
    await w.sb.wait_for_request(
        "PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", timeout=10
    )
    assert await settled_xp(w, jade.id, 300) == 300
    await asyncio.wait_for(asyncio.gather(*list(games._tasks)), timeout=10)
    assert {"Veteran"} <= roles_of(w, jade) and "Regular" not in roles_of(w, jade)

    # A new season: levels restart from 0. 150 XP is level 1 there: Veteran stays, and
    # Regular is not added beside it (replacing rewards: one reward role, the highest).
    await w.set_config(
        config(xp=150, stack=False) + "  seasons:\n    mode: monthly\n    announce_channel: null\n"
    )
    await games.flusher.flush_now()
    current = games.engine.season(w.guild.id, __import__("time").time())
    games.engine.gate.forget(w.guild.id, jade.id)
    await jade.say("#general", "level one of the new season")
    assert await settled_xp(w, jade.id, 150, season=current) == 150
    await w.sb.wait_for_message(
        "games",
        timeout=10,
        where=lambda m: jade.mention in m["content"] and "**1**" in m["content"],
    )
    await asyncio.wait_for(asyncio.gather(*list(games._tasks)), timeout=10)
    assert {"Veteran"} <= roles_of(w, jade) and "Regular" not in roles_of(w, jade)


async def test_xp_add_answers_before_the_slow_level_up_work(gworld: Any) -> None:
    """The reward role and the announcement come after the manager's answer, so a slow role
    call cannot push the answer past Discord's interaction deadline."""
    w = gworld
    await w.set_config(config(xp=100))
    kim = w.member("kim")
    w.sb.interaction_deadline = 1.0  # Discord gives 3 s; a shorter one keeps the test short
    w.sb.faults.slow("PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}", seconds=1.5)
    r = await w.manager.slash("xp add", member=kim, amount=100)
    reply = await r.response(timeout=10)
    assert reply.content == w.t("games.xp.set", member=kim.mention, xp=100)
    await w.sb.wait_for_request(
        "PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", timeout=10
    )
    assert "Regular" in roles_of(w, kim)


async def test_a_level_up_found_while_totals_load_is_announced_where_it_was_earned(
    gworld: Any,
) -> None:
    """The guild's first XP after a start arrives before its totals are loaded; the level-up
    found when they are is announced in the channel of the message that earned it."""
    w = gworld
    await w.set_config(config(xp=100).replace("    announce_channel: games\n", ""))
    await w.restart()  # nothing loaded: this message's level-up is found by the load
    lou = w.member("lou")
    await lou.say("#general", "my very first message here")
    announced = await w.sb.wait_for_message(
        "general", timeout=10, where=lambda m: lou.mention in m["content"]
    )
    assert announced["content"] == w.t("games.level.up", member=lou.mention, level=1)
