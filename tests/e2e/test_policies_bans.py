"""Bans on users who are banned already, end to end: never a second ban on Discord, never two
unban timers, never an earlier tempban's end lifting a later decision (/ban, /unban)."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.test_policies_moderation import BAN, bring_forward, reply, rows

CONFIG = "policies:\n  enabled: true\n"


def unban_timers(world) -> list:
    return rows(
        world, "SELECT * FROM timers WHERE guild_id = ? AND kind = 'policies_unban'", world.guild.id
    )


def case_kinds(world) -> list[str]:
    found = rows(
        world, "SELECT kind FROM policies_cases WHERE guild_id = ? ORDER BY number", world.guild.id
    )
    return [r["kind"] for r in found]


def puts(world) -> list:
    return [r for r in world.sb.requests if r.method == "PUT" and r.route == BAN]


@pytest.fixture
async def banned(world):
    """alice, tempbanned for 1h by Vigie (case #1), no longer a member."""
    await world.set_config(CONFIG)
    alice = world.member("alice")
    text = await reply(await world.moderator.slash("tempban", user=alice, duration="1h"))
    assert text == "Case #1: alice was banned for 1h."
    return world, alice


async def test_tempban_of_a_tempbanned_user_sets_a_new_end_and_keeps_one_timer(banned):
    world, alice = banned
    [first] = unban_timers(world)
    held = world.guild.bans[alice.id].reason
    text = await reply(await world.moderator.slash("tempban", user=alice, duration="3d"))
    assert text == "Case #2: alice was already banned (case #1); that ban now ends in 3d."
    assert len(puts(world)) == 1  # Discord was not asked to ban twice
    [timer] = unban_timers(world)  # one timer, replaced
    assert timer["due_at"] > first["due_at"] + 2 * 86400
    assert '"case":2' in timer["payload"] and held in timer["payload"]
    assert world.guild.bans[alice.id].reason == held
    assert case_kinds(world) == ["tempban", "tempban"]
    # The new end lifts the ban, since the timer still recognises it.
    await bring_forward(world)
    assert alice.id not in world.guild.bans
    assert case_kinds(world) == ["tempban", "tempban", "unban"]
    assert unban_timers(world) == []


async def test_ban_of_a_tempbanned_user_makes_it_permanent(banned):
    world, alice = banned
    [timer] = await world.bot.timers.pending(world.guild.id, "policies_unban")
    text = await reply(await world.moderator.slash("ban", user=alice, reason="for good"))
    assert (
        text
        == "Case #2: alice was already banned for a while (case #1); that ban is now permanent."
    )
    assert len(puts(world)) == 1
    assert unban_timers(world) == []
    # Even the timer already taken from the queue lifts nothing any more.
    await world.bot.cogs["policies"].enforcer.lift_expired(
        world.bot.get_guild(world.guild.id), timer
    )
    assert alice.id in world.guild.bans
    assert not [r for r in world.sb.requests if r.method == "DELETE" and r.route == BAN]
    assert case_kinds(world) == ["tempban", "ban"]


async def test_tempban_or_ban_of_a_permanently_banned_user_is_refused(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    await reply(await world.moderator.slash("ban", user=alice, reason="spam"))
    for command, options in (("tempban", {"duration": "1d"}), ("ban", {})):
        text = await reply(await world.moderator.slash(command, user=alice, **options))
        assert text == world.t("policies.already_banned", user="alice", number=1)
    assert len(puts(world)) == 1
    assert unban_timers(world) == []  # the permanent ban can never be lifted by a timer
    assert case_kinds(world) == ["ban"]
    assert len(world.sb.dms(alice)) == 1  # only the first ban was announced


async def test_ban_placed_by_hand_is_refused_with_its_reason(world):
    await world.set_config("locale: fr\n" + CONFIG)
    mallory = world.member("mallory")
    await world.owner.ban(mallory, reason="raid")
    text = await reply(await world.moderator.slash("tempban", user=mallory, duration="1d"))
    assert text == world.t("policies.already_banned_by_hand", "fr", user="mallory", reason="raid")
    assert "sans passer par Vigie" in text
    assert puts(world) == [] and unban_timers(world) == [] and case_kinds(world) == []
    assert world.guild.bans[mallory.id].reason == "raid"


async def test_unban_cancels_the_pending_end(banned):
    world, alice = banned
    text = await reply(await world.moderator.slash("unban", user=alice))
    assert text == "Case #2: alice was unbanned."
    assert unban_timers(world) == []
    # Banned again for good: nothing pending can lift it.
    await reply(await world.moderator.slash("ban", user=alice))
    assert alice.id in world.guild.bans and unban_timers(world) == []


async def test_unban_of_a_user_unbanned_by_hand_drops_the_stale_timer(banned):
    world, alice = banned
    await world.owner.unban(alice)
    text = await reply(await world.moderator.slash("unban", user=alice))
    assert text == world.t("policies.not_banned")
    assert unban_timers(world) == []
    assert case_kinds(world) == ["tempban"]  # nothing half-written


async def test_a_failing_ban_lookup_refuses_and_writes_nothing(banned):
    world, alice = banned
    world.sb.faults.error("GET " + BAN, status=403, code=50013, times=1)
    text = await reply(await world.moderator.slash("tempban", user=alice, duration="3d"))
    assert text.startswith("Discord refused the ban")
    assert case_kinds(world) == ["tempban"]
    [timer] = unban_timers(world)
    assert '"case":1' in timer["payload"]


async def test_two_tempbans_at_once_leave_one_ban_and_one_timer(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    mo2 = world.member("mo2", roles=["Moderator"])
    records = await asyncio.gather(
        world.moderator.slash("tempban", user=alice, duration="1h"),
        mo2.slash("tempban", user=alice, duration="2h"),
    )
    texts = sorted([await reply(r) for r in records])
    assert texts[0].startswith("Case #1: alice was banned for ")
    assert texts[1].startswith("Case #2: alice was already banned (case #1); that ban now ends")
    assert len(puts(world)) == 1
    [timer] = unban_timers(world)
    assert world.guild.bans[alice.id].reason in timer["payload"]


TEMPBAN_RULE = """
policies:
  enabled: true
  rules:
    - name: scam
      triggers: {words: [arnaque]}
      actions: [delete, {ban: {duration: 1d}}, alert]
"""


async def test_undo_of_an_old_tempban_alert_leaves_a_later_permanent_ban(world):
    await world.set_config(TEMPBAN_RULE)
    alice = world.member("alice")
    await alice.say("#general", "une arnaque")
    alert = await world.sb.wait_for_message("#reports", where=lambda m: m.get("embeds"))
    assert alice.id in world.guild.bans and len(unban_timers(world)) == 1
    await reply(await world.moderator.slash("ban", user=alice, reason="for good"))
    record = await world.moderator.click(alert, "Undo")
    first = await record.response()
    assert first.embeds[0]["footer"]["text"] == "Undone by Mo. The later case #2 still stands."
    assert alice.id in world.guild.bans
    assert not [r for r in world.sb.requests if r.method == "DELETE" and r.route == BAN]
    pardoned = rows(world, "SELECT number FROM policies_cases WHERE pardoned = 1")
    assert [r["number"] for r in pardoned] == [1]
    assert case_kinds(world) == ["tempban", "ban"]


async def test_undo_of_the_tempban_in_force_lifts_it_and_its_timer(world):
    await world.set_config(TEMPBAN_RULE)
    alice = world.member("alice")
    await alice.say("#general", "une arnaque")
    alert = await world.sb.wait_for_message("#reports", where=lambda m: m.get("embeds"))
    first = await (await world.moderator.click(alert, "Undo")).response()
    assert first.embeds[0]["footer"]["text"] == "Undone by Mo."
    assert alice.id not in world.guild.bans and unban_timers(world) == []
    assert case_kinds(world) == ["tempban", "unban"]
