"""Manual moderation end to end: hierarchy and permission refusals before any DM, cases,
points and the ladder, temporary bans as timers across restarts, corrections after a DM."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest

from sandbox import permissions as P

CONFIG = """
policies:
  enabled: true
  points:
    warn: 1
    ladder:
      - {at: 2, action: timeout, duration: 1h}
"""
MEMBER = "/guilds/{guild_id}/members/{user_id}"
BAN = "/guilds/{guild_id}/bans/{user_id}"
POST = "/channels/{channel_id}/messages"


def rows(world, sql: str, *params) -> list[sqlite3.Row]:
    conn = sqlite3.connect(world.db_path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def cases(world) -> list[sqlite3.Row]:
    return rows(
        world, "SELECT * FROM policies_cases WHERE guild_id = ? ORDER BY number", world.guild.id
    )


async def reply(record) -> str:
    first = await record.response()
    if first.type == 5:  # deferred: the answer is the follow-up
        return (await record.followups(1))[0].content
    return first.content


async def bring_forward(world) -> None:
    """Make the pending unban timer (same key and payload) due now; wait for its handler."""
    fired = asyncio.get_running_loop().create_future()

    async def on_timer(timer) -> None:
        if not fired.done():
            fired.set_result(timer)

    world.bot.add_listener(on_timer, "on_policies_unban_timer")
    [timer] = await world.bot.timers.pending(world.guild.id, "policies_unban")
    due = datetime.now(UTC) - timedelta(seconds=1)
    await world.bot.timers.schedule(timer.guild_id, timer.kind, due, timer.payload, key=timer.key)
    await asyncio.wait_for(fired, 10)  # the handler has returned


@pytest.fixture
async def policed(world):
    await world.set_config(CONFIG)
    return world


async def test_warn_dm_case_points_and_ladder_once(policed):
    world = policed
    alice = world.member("alice")
    text = await reply(await world.moderator.slash("warn", member=alice, reason="spam"))
    assert text == "Case #1: alice was warned. Points now: 1."
    assert world.sb.dms(alice)[0]["content"] == "You received a warning in Vigie Demo: spam"
    text = await reply(await world.moderator.slash("warn", member=alice, reason="again"))
    assert "The ladder applied a timeout (case #3)" in text
    assert world.guild.members[alice.id].communication_disabled_until is not None
    await reply(await world.moderator.slash("warn", member=alice, reason="third"))
    kinds = [c["kind"] for c in cases(world)]
    assert kinds == ["warn", "warn", "timeout", "warn"]  # the ladder fired once
    [balance] = rows(world, "SELECT points FROM policies_points WHERE user_id = ?", alice.id)
    assert balance["points"] == 3


REFUSALS = [
    ("mo", "olivia", "errors.cannot_act_on_owner"),
    ("maya", "mo", "errors.target_above_actor"),  # Moderator is above Manager here
    ("mo", "mo2", "errors.target_above_actor"),  # equal roles
    ("mo", "mo", "errors.cannot_act_on_self"),
    ("mo", "Vigie", "errors.cannot_act_on_bot"),
]


async def test_hierarchy_refusals_say_why_and_do_nothing(policed):
    world = policed
    world.member("mo2", roles=["Moderator"])
    actors = {"mo": world.moderator, "maya": world.manager}
    for command in ("kick", "warn", "timeout"):
        for actor, target, key in REFUSALS:
            if target == "Vigie":
                target_ref = world.sb.application.bot_user.id
            else:
                target_ref = world.sb.member(target, guild=world.guild)
            options = {"duration": "1h"} if command == "timeout" else {}
            before = len(world.sb.requests)
            record = await actors[actor].slash(command, member=target_ref, reason="x", **options)
            first = await record.response()
            assert first.ephemeral and first.content == world.t(key), (command, actor, target)
            after = world.sb.requests[before:]
            assert not [r for r in after if r.method in ("PUT", "DELETE", "PATCH")]
            assert not [r for r in after if r.route == "/users/@me/channels"]  # no DM opened
    assert cases(world) == []


async def test_bot_without_ban_permission_says_so_and_sends_no_dm(make_world):
    world = await make_world(start=False)
    bot_role = next(r for r in world.guild.roles.values() if r.managed)
    bot_role.permissions = P.VIEW_CHANNEL | P.SEND_MESSAGES | P.KICK_MEMBERS | P.MODERATE_MEMBERS
    await world.start()
    await world.set_config(CONFIG)
    alice = world.member("alice")
    record = await world.moderator.slash("ban", user=alice, reason="spam")
    first = await record.response()
    assert first.content == world.t("errors.bot_missing_permission", permission="ban members")
    assert world.sb.dms(alice) == []
    assert cases(world) == [] and alice.id not in world.guild.bans


async def test_failed_ban_after_dm_sends_a_correction(policed):
    world = policed
    alice = world.member("alice")
    world.sb.faults.error("PUT " + BAN, status=403, code=50013, times=1)
    text = await reply(await world.moderator.slash("ban", user=alice, reason="spam"))
    assert "refused" in text
    dms = [m["content"] for m in world.sb.dms(alice)]
    assert dms[0].startswith("You were banned from Vigie Demo")
    assert dms[1].startswith("Please ignore my previous message")
    assert alice.id not in world.guild.bans
    assert cases(world) == []  # nothing half-written


async def test_tempban_expiring_while_down_is_lifted_at_start(policed):
    world = policed
    alice = world.member("alice")
    text = await reply(
        await world.moderator.slash("tempban", user=alice, duration="1h", reason="cool down")
    )
    assert text == "Case #1: alice was banned for 1h."
    assert alice.id in world.guild.bans
    await world.stop()
    # While the bot is down the hour passes (moved forward in the database, not slept).
    conn = sqlite3.connect(world.db_path)
    conn.execute("UPDATE timers SET due_at = ? WHERE kind = 'policies_unban'", (time.time() - 5,))
    conn.commit()
    conn.close()
    await world.start()
    await world.sb.wait_for_request("DELETE", BAN, timeout=10)
    assert alice.id not in world.guild.bans
    await world.sb.wait_for_message("#modlog", where=lambda m: "unban of" in m["content"])
    assert [c["kind"] for c in cases(world)] == ["tempban", "unban"]


async def test_unban_by_hand_leaves_the_timer_harmless(policed):
    world = policed
    alice = world.member("alice")
    await reply(
        await world.moderator.slash("tempban", user=alice, duration="1h", reason="cool down")
    )
    # A human unbans by hand, then bans again for their own reason: that decision stands.
    ban = world.guild.bans.pop(alice.id)
    ban.reason = "banned by hand"
    world.guild.bans[alice.id] = ban
    await bring_forward(world)
    assert alice.id in world.guild.bans
    assert not [r for r in world.sb.requests if r.method == "DELETE" and r.route == BAN]


async def test_timeout_untimeout_and_bad_duration(policed):
    world = policed
    bob = world.member("bob")
    first = await (await world.moderator.slash("timeout", member=bob, duration="soon")).response()
    assert first.content == world.t("policies.bad_duration", value="soon")
    text = await reply(
        await world.moderator.slash("timeout", member=bob, duration="10m", reason="calm")
    )
    assert text == "Case #1: bob was timed out for 10m."
    assert world.guild.members[bob.id].communication_disabled_until is not None
    text = await reply(await world.moderator.slash("untimeout", member=bob))
    assert text == "Case #2: bob's timeout was lifted."
    assert world.guild.members[bob.id].communication_disabled_until is None


async def test_members_cannot_moderate(policed):
    world = policed
    eve, bob = world.member("eve"), world.member("bob")
    first = await (await eve.slash("kick", member=bob)).response()
    assert first.content == world.t("errors.not_moderator")


async def test_french_server_gets_french_answers_and_dms(world):
    await world.set_config("locale: fr\n" + CONFIG)
    alice = world.member("alice")
    text = await reply(await world.moderator.slash("warn", member=alice, reason="spam"))
    assert text == "Dossier n°1 : alice a reçu un avertissement. Points actuels : 1."
    shown = await (await world.moderator.slash("case show", number=1)).response()
    assert shown.embeds[0]["title"] == "Dossier n°1 : avertissement"  # the kind in French too
    assert (
        world.sb.dms(alice)[0]["content"] == "Vous avez reçu un avertissement sur Vigie Demo : spam"
    )
    first = await (
        await world.moderator.slash("timeout", member=alice, duration="bientôt")
    ).response()
    assert first.content == "« bientôt » n'est pas une durée (exemples : 30s, 10m, 2h, 7d, 1h30m)."
    # Durations read in French too (the config spelling 1h30m is for config files).
    done = await reply(await world.moderator.slash("timeout", member=alice, duration="1h30m"))
    assert done == "Dossier n°2 : alice est exclu·e temporairement pour 1 h 30 min."
    dms = [m["content"] for m in world.sb.dms(alice) if "exclu·e" in m["content"]]
    assert dms and "pour 1 h 30 min" in dms[0]
