"""Cases, alerts and explanations end to end: alert buttons, /case, /history, /modlog export,
/policy test, edits and nicknames."""

from __future__ import annotations

import csv
import io
import time

import pytest

from cogs.policies.points import Balance
from tests.e2e.test_policies_moderation import reply

CONFIG = """
policies:
  enabled: true
  rules:
    - name: insults
      triggers:
        words: [connard]
      actions: [delete, {timeout: 1h}, alert]
      points: 2
    - name: impersonation
      events: [name]
      triggers:
        words: ["admin*"]
      actions: [alert]
"""
MEMBER = "/guilds/{guild_id}/members/{user_id}"


@pytest.fixture
async def policed(world):
    await world.set_config(CONFIG)
    return world


async def test_alert_undo_lifts_the_timeout_and_pardons(policed):
    world = policed
    alice = world.member("alice")
    await alice.say("#general", "quel connard")
    alert = await world.sb.wait_for_message("#reports", where=lambda m: m.get("embeds"))
    assert alert["embeds"][0]["title"] == "Rule “insults” (case #1)"
    assert world.guild.members[alice.id].communication_disabled_until is not None
    record = await world.moderator.click(alert, "Undo")
    first = await record.response()
    assert first.type == 7  # the alert itself is updated
    assert first.embeds[0]["footer"]["text"] == "Undone by Mo."
    assert world.guild.members[alice.id].communication_disabled_until is None
    shown = await (await world.moderator.slash("case show", number=1)).response()
    assert shown.embeds[0]["footer"]["text"] == "(pardoned)"
    history = await (await world.moderator.slash("history", member=alice)).response()
    assert history.content.startswith("History of alice (points now: 0):")


async def test_alert_of_many_long_named_rules_fits_discord(world):
    names = [f"rule {i} " + "x" * 56 for i in range(5)]  # 64 characters each, the maximum
    rules = "".join(
        f"    - name: {name}\n      triggers: {{words: [connard]}}\n      actions: [alert]\n"
        for name in names
    )
    await world.set_config(f"policies:\n  enabled: true\n  rules:\n{rules}")
    await world.member("alice").say("#general", "connard")
    alert = await world.sb.wait_for_message("#reports", where=lambda m: m.get("embeds"))
    title = alert["embeds"][0]["title"]
    assert len(title) == 256 and title.startswith(f"Rule “{names[0]}, {names[1]}")


async def test_alert_shows_the_message_without_its_links_or_markdown(policed):
    world = policed
    bait = "connard [Mods: verify here](https://evil.example/login) **now**"
    message = await world.member("alice").say("#general", bait)
    alert = await world.sb.wait_for_message("#reports", where=lambda m: m.get("embeds"))
    fields = {f["name"]: f["value"] for f in alert["embeds"][0]["fields"]}
    text, jump = fields["Message"].split("\n")
    assert text == "connard \\[Mods: verify here](https://evil.example/login) \\*\\*now\\*\\*"
    assert jump.endswith(f"/{message.channel_id}/{message.id}")


async def test_edit_of_a_message_from_before_a_restart_is_checked(policed):
    world = policed
    carl = world.member("carl")
    message = await carl.say("#general", "bonjour")
    await world.restart()  # the new process has no cache: only the raw edit event arrives
    await carl.edit(message, "bonjour connard")
    await world.sb.wait_for_request(
        "DELETE", "/channels/{channel_id}/messages/{message_id}",
        where=lambda r: str(message.id) in r.path,
    )  # fmt: skip
    alert = await world.sb.wait_for_message("#reports", where=lambda m: m.get("embeds"))
    assert alert["embeds"][0]["title"] == "Rule “insults” (case #1)"


async def test_alert_buttons_refuse_members_and_survive_a_restart(policed):
    world = policed
    alice = world.member("alice")
    await alice.say("#general", "connard")
    alert = await world.sb.wait_for_message("#reports", where=lambda m: m.get("embeds"))
    first = await (await world.member("eve").click(alert, "Confirm")).response()
    assert first.ephemeral and first.content == world.t("errors.not_moderator")
    await world.restart()
    first = await (await world.moderator.click(alert, "Escalate")).response()
    assert first.embeds[0]["footer"]["text"] == "Escalated to the managers by Mo."
    escalated = await world.sb.wait_for_message(
        "#reports", where=lambda m: "escalated by" in m["content"]
    )
    assert f"<@&{world.guild.role('Manager').id}>" in escalated["content"]


async def test_case_reason_pardon_and_export(policed):
    world = policed
    bob = world.member("bob")
    await (await world.moderator.slash("warn", member=bob, reason="first")).followups(1)
    await (await world.moderator.slash("note", member=bob, text="seems nice")).followups(1)
    answer = await (
        await world.moderator.slash("case reason", number=1, reason="updated")
    ).response()
    assert answer.content == "Reason of case #1 updated."
    answer = await (await world.moderator.slash("case pardon", number=1)).response()
    assert answer.content == "Case #1 is pardoned; its points were taken back."
    again = await (await world.moderator.slash("case pardon", number=1)).response()
    assert again.content == world.t("policies.already_pardoned", number=1)
    missing = await (await world.moderator.slash("case show", number=99)).response()
    assert missing.content == world.t("policies.case_unknown", number=99)
    export = await (await world.moderator.slash("modlog export")).response()
    ((name, data),) = export.attachments
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert name == "cases.csv"
    assert [(r["number"], r["kind"], r["reason"], r["pardoned"]) for r in rows] == [
        ("1", "warn", "updated", "1"),
        ("2", "note", "seems nice", "0"),
    ]
    assert world.sb.dms(bob)[0]["content"].endswith("first")  # the note sent no DM
    assert len(world.sb.dms(bob)) == 1


async def test_history_shows_points_after_decay(policed):
    world = policed
    bob = world.member("bob")
    store = world.bot.get_cog("policies").store
    # 5 points given 15 days ago decay by one a week (the default): 3 are left today.
    await store.save_balance(world.guild.id, bob.id, Balance(5, time.time() - 15 * 86400))
    await (await world.moderator.slash("note", member=bob, text="seems nice")).followups(1)
    history = await (await world.moderator.slash("history", member=bob)).response()
    assert history.content.startswith("History of bob (points now: 3):")


async def test_policy_test_explains_and_does_nothing(policed):
    world = policed
    before = len(world.sb.requests)
    answer = await (
        await world.moderator.slash("policy test", text="espèce de C.0.N.N.A.R.D")
    ).response()
    assert answer.ephemeral
    assert "insults: words “c o n n a r d” (in the text: “C.0.N.N.A.R.D”)" in answer.content
    assert "delete, timeout:3600, alert" in answer.content
    assert not [r for r in world.sb.requests[before:] if r.method in ("DELETE", "PATCH", "PUT")]
    clean = await (await world.moderator.slash("policy test", text="la classe")).response()
    assert clean.content == world.t("policies.test.none")


async def test_edit_into_an_insult_and_impersonating_nickname(policed):
    world = policed
    carl = world.member("carl")
    message = await carl.say("#general", "bonjour")
    await carl.edit(message, "bonjour connard")
    await world.sb.wait_for_request(
        "DELETE",
        "/channels/{channel_id}/messages/{message_id}",
        where=lambda r: str(message.id) in r.path,
    )
    newcomer = await world.sb.join("Admin Support")
    alert = await world.sb.wait_for_message(
        "#reports", where=lambda m: m.get("embeds") and "impersonation" in m["embeds"][0]["title"]
    )
    assert str(newcomer.id) in alert["embeds"][0]["fields"][0]["value"]


async def test_undo_of_an_old_timeout_alert_leaves_a_later_timeout(policed):
    world = policed
    alice = world.member("alice")
    await alice.say("#general", "quel connard")
    alert = await world.sb.wait_for_message("#reports", where=lambda m: m.get("embeds"))
    text = await reply(await world.moderator.slash("timeout", member=alice, duration="7d"))
    assert text == "Case #2: alice was timed out for 1w."
    record = await world.moderator.click(alert, "Undo")
    first = await record.response()
    assert first.embeds[0]["footer"]["text"] == "Undone by Mo. The later case #2 still stands."
    assert world.guild.members[alice.id].communication_disabled_until is not None
    shown = await (await world.moderator.slash("case show", number=1)).response()
    assert shown.embeds[0]["footer"]["text"] == "(pardoned)"
