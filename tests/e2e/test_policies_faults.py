"""Moderation that survives faults, end to end: a member above Vigie's role, Discord failing
or slow during a timeout, a ban or an unban, and an unban timer failing across a restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.e2e.test_policies_bans import case_kinds, unban_timers
from tests.e2e.test_policies_moderation import BAN, MEMBER, reply

CONFIG = "policies:\n  enabled: true\n"


async def test_member_above_the_bot_is_refused_before_anything_is_sent(make_world):
    world = await make_world(config=CONFIG)
    bot_role = next(r for r in world.guild.roles.values() if r.managed)
    world.sb.create_role(world.guild, "Elders", position=bot_role.position + 1)
    elder = world.member("elder", roles=["Elders"])
    before = len(world.sb.requests)
    for command, options in (
        ("timeout", {"member": elder, "duration": "1h"}),
        ("kick", {"member": elder}),
        ("ban", {"user": elder}),
        ("tempban", {"user": elder, "duration": "1d"}),
    ):
        # The owner outranks everyone, so only the bot's own place in the list refuses.
        text = await reply(await world.owner.slash(command, **options))
        assert text == world.t("errors.target_above_bot"), command
    after = world.sb.requests[before:]
    assert not [r for r in after if r.route in (MEMBER, BAN, "/users/@me/channels")]
    assert world.sb.dms(elder) == [] and case_kinds(world) == []
    assert elder.id in world.guild.members and elder.id not in world.guild.bans


async def test_server_error_during_timeout_and_tempban_leaves_nothing_half_written(make_world):
    world = await make_world(config=CONFIG)
    bob = world.member("bob")
    world.sb.faults.server_error("PATCH " + MEMBER, status=503, times=1)
    text = await reply(await world.moderator.slash("timeout", member=bob, duration="1h"))
    assert text.startswith("Discord refused the timeout: 503")
    assert world.guild.members[bob.id].communication_disabled_until is None
    world.sb.faults.server_error("PUT " + BAN, status=503, times=1)
    text = await reply(await world.moderator.slash("tempban", user=bob, duration="1d"))
    assert text.startswith("Discord refused the tempban: 503")
    assert bob.id not in world.guild.bans
    assert case_kinds(world) == [] and unban_timers(world) == []
    dms = [m["content"] for m in world.sb.dms(bob)]
    assert [d.split(" ")[0] for d in dms] == ["You", "Please", "You", "Please"]  # each corrected


async def test_slow_discord_on_unban_and_untimeout_still_gets_an_answer(make_world):
    world = await make_world(config=CONFIG)
    bob, alice = world.member("bob"), world.member("alice")
    await reply(await world.moderator.slash("timeout", member=bob, duration="1h"))
    await reply(await world.moderator.slash("tempban", user=alice, duration="1h"))
    # Longer than the 3 seconds Discord gives an interaction's first answer.
    world.sb.faults.slow("PATCH " + MEMBER, seconds=3.2, times=1)
    text = await reply(await world.moderator.slash("untimeout", member=bob))
    assert text == "Case #3: bob's timeout was lifted."
    world.sb.faults.slow("DELETE " + BAN, seconds=3.2, times=1)
    text = await reply(await world.moderator.slash("unban", user=alice))
    assert text == "Case #4: alice was unbanned."
    assert alice.id not in world.guild.bans and unban_timers(world) == []


async def test_failed_unban_timer_is_kept_and_lifts_the_ban_after_a_restart(make_world):
    world = await make_world(config=CONFIG)
    alice = world.member("alice")
    await reply(await world.moderator.slash("tempban", user=alice, duration="1h"))
    world.sb.faults.error("DELETE " + BAN, status=403, code=50013, times=1)
    [timer] = await world.bot.timers.pending(world.guild.id, "policies_unban")
    due = datetime.now(UTC) - timedelta(seconds=1)
    await world.bot.timers.schedule(timer.guild_id, timer.kind, due, timer.payload, key=timer.key)
    await world.sb.wait_for_request("DELETE", BAN, timeout=10, where=lambda r: r.status == 403)
    await world.stop()  # waits for the failing handler to return
    assert len(unban_timers(world)) == 1  # kept for a later try
    assert alice.id in world.guild.bans and case_kinds(world) == ["tempban"]
    fired = asyncio.Event()

    async def on_timer(timer) -> None:
        fired.set()

    await world.start(
        before_setup=lambda bot: bot.add_listener(on_timer, "on_policies_unban_timer")
    )
    await asyncio.wait_for(fired.wait(), 10)
    assert alice.id not in world.guild.bans
    assert case_kinds(world) == ["tempban", "unban"] and unban_timers(world) == []
