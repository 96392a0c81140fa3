"""Automatic moderation end to end: the real bot, the sandbox, a fresh database."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import discord
import pytest

from cogs.policies import deleter

CONFIG = """
policies:
  enabled: true
  rules:
    - name: insults
      reason: Be kind.
      triggers:
        words: [connard, "pute*"]
      actions: [delete, warn]
      points: 1
    - name: scam links
      triggers:
        links: {deny: [grabify.link]}
      actions: [delete, {timeout: 1h}, alert]
      points: 2
    - name: spoilers
      mode: log-only
      triggers:
        words: [spoiler]
      actions: [delete]
"""

DELETE = "/channels/{channel_id}/messages/{message_id}"
MEMBER = "/guilds/{guild_id}/members/{user_id}"


def cases(world) -> list[sqlite3.Row]:
    conn = sqlite3.connect(world.db_path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(
            "SELECT * FROM policies_cases WHERE guild_id = ? ORDER BY number", (world.guild.id,)
        ).fetchall()
    finally:
        conn.close()


@pytest.fixture
async def policed(world):
    await world.set_config(CONFIG)
    return world


async def test_insult_with_evasion_is_deleted_warned_and_recorded(policed):
    world = policed
    alice = world.member("alice")
    message = await alice.say("#general", "t'es un C.0.N.N.A.R.D !")
    await world.sb.wait_for_request("DELETE", DELETE, where=lambda r: str(message.id) in r.path)
    await world.sb.wait_for_request(
        "POST", "/channels/{channel_id}/messages", where=lambda r: "Be kind." in str(r.json)
    )
    [dm] = world.sb.dms(alice)
    assert dm["content"].startswith("You received a warning in Vigie Demo")
    record = await world.sb.wait_for_message("#modlog", where=lambda m: "Case #1" in m["content"])
    assert "warn" in record["content"]
    [case] = cases(world)
    assert case["kind"] == "warn" and case["user_id"] == alice.id and case["rule"] == "insults"
    assert "c o n n a r d" in case["evidence"]


async def test_innocent_words_are_left_alone(policed):
    world = policed
    bob = world.member("bob")
    innocent = await bob.say("#general", "La classe, cet assistant ! Une analyse de Scunthorpe.")
    marker = await bob.say("#general", "c0nnard")  # flagged: its deletion is the fence
    await world.sb.wait_for_request("DELETE", DELETE, where=lambda r: str(marker.id) in r.path)
    deleted = [r for r in world.sb.requests if r.method == "DELETE" and "/messages/" in r.path]
    assert len(deleted) == 1
    assert any(m["id"] == str(innocent.id) for m in world.sb.messages("#general"))


async def test_two_rules_on_one_message_merge_into_one_action(policed):
    world = policed
    carl = world.member("carl")
    message = await carl.say("#general", "connard, see https://x.grabify.link/a")
    await world.sb.wait_for_request(
        "PATCH", MEMBER, where=lambda r: r.json and r.json.get("communication_disabled_until")
    )
    alert = await world.sb.wait_for_message("#reports", where=lambda m: m.get("embeds"))
    await world.sb.wait_for_request("DELETE", DELETE, where=lambda r: str(message.id) in r.path)
    assert "insults" in alert["embeds"][0]["title"] and "scam links" in alert["embeds"][0]["title"]
    deletes = [r for r in world.sb.requests if r.method == "DELETE" and str(message.id) in r.path]
    timeouts = [r for r in world.sb.requests if r.method == "PATCH" and r.route == MEMBER]
    assert len(deletes) == 1 and len(timeouts) == 1
    assert world.guild.members[carl.id].communication_disabled_until is not None
    [case] = cases(world)
    assert case["kind"] == "timeout" and case["points"] == 3 and case["duration"] == 3600


async def test_log_only_rule_does_nothing_but_log(policed):
    world = policed
    dana = world.member("dana")
    message = await dana.say("#general", "spoiler: the butler did it")
    await world.sb.wait_for_message("#modlog", where=lambda m: "log-only" in m["content"])
    assert any(m["id"] == str(message.id) for m in world.sb.messages("#general"))
    assert cases(world) == []


async def test_refused_punishment_still_deletes_records_and_alerts(world):
    await world.set_config(
        "policies:\n"
        "  enabled: true\n"
        "  rules:\n"
        "    - name: everyone\n"
        "      triggers: {words: [connard]}\n"
        "      scope: {include_staff: true}\n"
        "      actions: [delete, {timeout: 1h}, alert]\n"
    )
    message = await world.owner.say("#general", "connard")
    alert = await world.sb.wait_for_message("#reports", where=lambda m: m.get("embeds"))
    fields = {f["name"]: f["value"] for f in alert["embeds"][0]["fields"]}
    assert fields["Not done"] == world.t("errors.cannot_act_on_owner")
    await world.sb.wait_for_request("DELETE", DELETE, where=lambda r: str(message.id) in r.path)
    [case] = cases(world)
    assert case["kind"] == "delete" and case["user_id"] == world.owner.id
    assert world.guild.members[world.owner.id].communication_disabled_until is None


INVITES = """
policies:
  enabled: true
  rules:
    - name: advertising
      triggers:
        invites: {}
      actions: [delete]
"""


async def test_own_ordinary_invites_pass_and_foreign_ones_are_deleted(world):
    await world.set_config(INVITES)
    asked: list[str] = []

    # The sandbox has no GET /invites/{code}: Discord's answer is played here instead.
    async def fetch_invite(code: str, **_: object) -> object:
        asked.append(code)
        if code == "Ours123":
            return SimpleNamespace(guild=SimpleNamespace(id=world.guild.id))
        raise discord.NotFound(SimpleNamespace(status=404, reason="Not Found"), "Unknown Invite")

    world.bot.fetch_invite = fetch_invite
    alice = world.member("alice")
    ours = await alice.say("#general", "come back any time: discord.gg/Ours123")
    theirs = await alice.say("#general", "better server: discord.gg/Raid999")
    await world.sb.wait_for_request("DELETE", DELETE, where=lambda r: str(theirs.id) in r.path)
    again = await alice.say("#general", "https://discord.gg/Ours123 again")
    last = await alice.say("#general", "discord.gg/Raid999 again")
    await world.sb.wait_for_request("DELETE", DELETE, where=lambda r: str(last.id) in r.path)
    kept = {m["id"] for m in world.sb.messages("#general")}
    assert {str(ours.id), str(again.id)} <= kept
    assert not {str(theirs.id), str(last.id)} & kept
    assert asked == ["Ours123", "Raid999"]  # each code asked once, then known
    assert cases(world)[0]["evidence"].startswith("invites: Raid999")


async def test_deletion_met_by_a_server_error_is_tried_again(policed, monkeypatch):
    monkeypatch.setattr(deleter, "SERVER_ERROR_DELAY", 0.05)
    world = policed
    world.sb.faults.server_error("DELETE " + DELETE, status=503, times=1)
    message = await world.member("eve").say("#general", "quel connard")
    mine = lambda r: str(message.id) in r.path  # noqa: E731
    await world.sb.wait_for_request("DELETE", DELETE, where=lambda r: mine(r) and r.status == 503)
    await world.sb.wait_for_request("DELETE", DELETE, where=lambda r: mine(r) and r.status < 300)
    assert str(message.id) not in {m["id"] for m in world.sb.messages("#general")}
