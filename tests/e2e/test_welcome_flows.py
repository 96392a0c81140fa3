"""Welcome e2e: greeting, rules gate (with a restart in the middle), roles, journey, edge cases."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from cogs.welcome.scene import add_role

MEMBER_ROUTE = "/guilds/{guild_id}/members/{user_id}"
MESSAGES = "/channels/{channel_id}/messages"

BASE = """\
welcome:
  enabled: true
  channel: welcome
  rules:
    enabled: {gate}
    channel: rules
    newcomer_role: Newcomer
    accepted_roles: [Member]
    remind_after: {remind}
    remove_after: {remove}
    invite: https://discord.gg/come-back
  roles:
    sticky: [Red, Moderator]
  menus:
    - id: colours
      max: 2
      options:
        - {{role: Red, group: colour}}
        - {{role: Blue, group: colour}}
        - {{role: News, label: Announcements}}
        - {{role: Events}}
"""


def config(gate: bool = True, remind: str = "1d", remove: str = "3d", extra: str = "") -> str:
    return BASE.format(gate=str(gate).lower(), remind=remind, remove=remove) + extra


@pytest.fixture
async def wworld(make_world: Any) -> Any:
    """A world whose guild has the roles the welcome config names, bot not started."""
    w = await make_world(start=False)
    for name in ("Newcomer", "Member", "Red", "Blue", "News", "Events"):
        add_role(w.sb, w.guild, name)
    return w


async def start(w: Any, document: str) -> Any:
    await w.start()
    await w.set_config(document)
    return w


def steps(w: Any) -> list[tuple[int, str]]:
    """Onboarding steps dispatched so far (recorded by a listener added in the test)."""
    return w.recorded_steps


def record_steps(w: Any) -> None:
    w.recorded_steps = []

    async def on_onboarding_step(guild_id: int, user_id: int, step: str, at: Any) -> None:
        w.recorded_steps.append((user_id, step))

    w.bot.add_listener(on_onboarding_step)


def role_names(w: Any, actor: Any) -> set[str]:
    member = w.guild.members.get(actor.id)
    return {w.guild.roles[r].name for r in member.roles} if member else set()


async def greeting_for(w: Any, actor: Any) -> dict[str, Any]:
    return await w.sb.wait_for_message(
        "welcome", timeout=5, where=lambda m: actor.mention in (m.get("content") or "")
    )


async def test_greeting_is_an_embed_with_avatar_and_a_random_variant(wworld: Any) -> None:
    w = await start(
        wworld,
        config(
            gate=False,
            extra='  greetings: ["Hi {member_name} from {server}, #{member_count}", "Yo {member_name}"]\n',
        ),
    )
    seen = set()
    for name in ("ana", "bob", "cam", "dan"):
        actor = await w.sb.join(name, guild=w.guild)
        message = await greeting_for(w, actor)
        [embed] = message["embeds"]
        assert embed["thumbnail"]["url"]
        assert embed["title"] == "Welcome to Vigie Demo!"
        seen.add(embed["description"].split()[0])
        assert name in embed["description"].lower()
        assert not message.get("components")  # no gate: no accept button
    assert seen == {"Hi", "Yo"}  # never twice the same variant in a row


async def test_french_default_greeting_and_dm(wworld: Any) -> None:
    w = await start(wworld, "locale: fr\n" + config(gate=False, extra="  dm: true\n"))
    eve = await w.sb.join("eve", guild=w.guild)
    message = await greeting_for(w, eve)
    assert message["embeds"][0]["title"] == "Bienvenue sur Vigie Demo !"
    dm = await w.sb.wait_for_message(w.sb.world.dm_channel(eve.user), timeout=5)
    assert dm["embeds"][0]["title"] == "Bienvenue sur Vigie Demo !"


async def test_a_bot_joining_gets_no_greeting_and_no_gate(wworld: Any) -> None:
    w = await start(wworld, config())
    robot = w.sb.world.create_user("robot", bot=True)
    w.sb.world.add_member(w.guild, robot)
    human = await w.sb.join("hana", guild=w.guild)
    await greeting_for(w, human)  # the human's greeting came, so the bot's join was handled
    assert not [m for m in w.sb.messages("welcome") if f"<@{robot.id}>" in (m.get("content") or "")]
    assert await w.bot.get_cog("welcome").store.current(w.guild.id, robot.id) is None
    timers = await w.bot.timers.pending(w.guild.id)
    assert not [
        t for t in timers if t.kind.startswith("welcome_") and t.payload["user_id"] == robot.id
    ]


async def test_gate_accept_grants_roles_and_offers_menus(wworld: Any) -> None:
    w = await start(wworld, config())
    record_steps(w)
    ivy = await w.sb.join("ivy", guild=w.guild)
    message = await greeting_for(w, ivy)
    await w.sb.wait_for_request("PATCH", MEMBER_ROUTE, where=lambda r: "roles" in (r.json or {}))
    assert role_names(w, ivy) == {"Newcomer"}
    click = await ivy.click(message, "I accept the rules")
    reply = await click.response(timeout=5)
    assert reply.ephemeral and reply.content == w.t("welcome.accepted_pick_roles")
    assert role_names(w, ivy) == {"Member"}
    # Exclusive group: Blue replaces Red; News adds; a third role is over the maximum.
    assert (await (await ivy.click(click, "Red")).response()).content.startswith("Your roles")
    await (await ivy.click(click, "Blue")).response()
    assert role_names(w, ivy) == {"Member", "Blue"}
    await (await ivy.click(click, "Announcements")).response()
    assert role_names(w, ivy) == {"Member", "Blue", "News"}
    over = await (await ivy.click(click, "Events")).response()
    assert over.content == w.t("welcome.menu_limit", max=2)
    assert role_names(w, ivy) == {"Member", "Blue", "News"}
    await (await ivy.click(click, "Red")).response()  # a swap within the group is allowed
    assert role_names(w, ivy) == {"Member", "Red", "News"}
    first = asyncio.ensure_future(
        w.bot.wait_for(
            "onboarding_step",
            check=lambda g, user, step, at: user == ivy.id and step == "first_message",
            timeout=5,
        )
    )
    await ivy.say("#general", "hello!")
    await ivy.say("#general", "again")
    await first
    cog = w.bot.get_cog("welcome")
    await cog.first_messages.flush()
    record = await cog.store.current(w.guild.id, ivy.id)
    assert record.gate_state.value == "accepted"
    assert record.journey.accepted_at and record.journey.picked_roles_at
    assert record.journey.first_message_at
    assert [s for u, s in steps(w) if u == ivy.id] == [
        "joined",
        "accepted_rules",
        "picked_roles",
        "first_message",
    ]
    assert not await w.bot.timers.pending(w.guild.id, "welcome_gate_remind")


async def test_reminder_then_removal_survive_a_restart(wworld: Any) -> None:
    w = await start(wworld, config(remind="2s", remove="4s"))
    joe = await w.sb.join("joe", guild=w.guild)
    await greeting_for(w, joe)
    assert len(await w.bot.timers.pending(w.guild.id)) >= 2
    await w.restart()  # in the middle of the gate delay
    reminder = await w.sb.wait_for_message(w.sb.world.dm_channel(joe.user), timeout=10)
    assert "not accepted the rules" in reminder["content"]
    assert reminder["components"]  # the accept button rides along
    await w.sb.wait_for_request("DELETE", MEMBER_ROUTE, timeout=10)
    assert joe.id not in w.guild.members
    dms = w.sb.dms(joe)
    assert "https://discord.gg/come-back" in dms[-1]["content"]
    await w.sb.wait_for_message(
        "modlog", timeout=5, where=lambda m: "was removed for not accepting" in m["content"]
    )
    record = await w.bot.get_cog("welcome").store.current(w.guild.id, joe.id)
    assert record.gate_state.value == "removed"


async def test_accept_button_works_after_restart_and_cancels_timers(wworld: Any) -> None:
    w = await start(wworld, config(remind="1h", remove="2h"))
    kim = await w.sb.join("kim", guild=w.guild)
    message = await greeting_for(w, kim)
    await w.restart()
    reply = await (await kim.click(message, "I accept the rules")).response(timeout=5)
    assert reply.ephemeral
    assert role_names(w, kim) == {"Member"}
    assert not await w.bot.timers.pending(w.guild.id, "welcome_gate_remove")


async def test_rejoin_of_accepted_member_is_not_gated_and_sticky_roles_return(wworld: Any) -> None:
    w = await start(wworld, config(extra="  goodbye:\n    enabled: true\n"))
    lea = await w.sb.join("lea", guild=w.guild)
    message = await greeting_for(w, lea)
    click = await lea.click(message, "I accept the rules")
    await click.response()
    await (await lea.click(click, "Red")).response()
    # A moderator role is sticky in the config, but is never restored.
    w.guild.members[lea.id].roles.append(w.guild.role("Moderator").id)
    w.sb.world.member_updated(w.guild, w.guild.members[lea.id])
    await lea.leave()
    # The goodbye is sent after the sticky roles were saved.
    goodbye = await w.sb.wait_for_message(
        "welcome", timeout=5, where=lambda m: "lea" in m["content"].lower() and not m["embeds"]
    )
    assert "<@" not in goodbye["content"]
    back = await w.sb.join("lea", guild=w.guild)
    greeting = await w.sb.wait_for_message(
        "welcome",
        timeout=5,
        where=lambda m: back.mention in m["content"] and m["id"] != message["id"],
    )
    assert not greeting.get("components")  # not gated again
    await w.sb.wait_for_request(
        "PATCH", MEMBER_ROUTE, where=lambda r: len((r.json or {}).get("roles", [])) == 2
    )
    assert role_names(w, back) == {"Member", "Red"}


async def test_rejoin_is_gated_again_when_config_says(wworld: Any) -> None:
    w = await start(wworld, config(extra="").replace("invite:", "gate_rejoin: true\n    invite:"))
    max_ = await w.sb.join("max", guild=w.guild)
    click = await max_.click(await greeting_for(w, max_), "I accept the rules")
    await click.response()
    await max_.leave()
    back = await w.sb.join("max", guild=w.guild)
    greeting = await w.sb.wait_for_message(
        "welcome",
        timeout=5,
        where=lambda m: back.mention in m["content"] and bool(m.get("components")),
    )
    assert greeting["components"]


async def test_the_reminder_dm_button_accepts_from_direct_messages(wworld: Any) -> None:
    w = await start(wworld, config(remind="1s", remove="1h"))
    uma = await w.sb.join("uma", guild=w.guild)
    reminder = await w.sb.wait_for_message(w.sb.world.dm_channel(uma.user), timeout=10)
    reply = await (await uma.click(reminder, "I accept the rules")).response(timeout=5)
    assert reply.content == w.t("welcome.accepted")
    assert role_names(w, uma) == {"Member"}
    record = await w.bot.get_cog("welcome").store.current(w.guild.id, uma.id)
    assert record.gate_state.value == "accepted"
    assert not await w.bot.timers.pending(w.guild.id, "welcome_gate_remove")


async def test_the_gate_speaks_french(wworld: Any) -> None:
    w = await start(wworld, "locale: fr\n" + config(remind="1s", remove="1h"))
    zoe = await w.sb.join("zoe", guild=w.guild)
    greeting = await greeting_for(w, zoe)
    assert "Lis le règlement" in greeting["embeds"][0]["description"]
    reminder = await w.sb.wait_for_message(w.sb.world.dm_channel(zoe.user), timeout=10)
    assert reminder["content"].startswith("Salut <@")
    reply = await (await zoe.click(greeting, "J'accepte le règlement")).response()
    assert reply.content == w.t("welcome.accepted_pick_roles", locale="fr")


async def test_accept_after_a_rejoin_the_bot_missed_grants_access(wworld: Any) -> None:
    w = await start(
        wworld, config(remind="1h", remove="2h", extra="  goodbye:\n    enabled: true\n")
    )
    ned = await w.sb.join("ned", guild=w.guild)
    greeting = await greeting_for(w, ned)
    await ned.leave()
    # The goodbye is the last thing the leave handler does: the journey is closed by then.
    await w.sb.wait_for_message(
        "welcome", timeout=5, where=lambda m: "ned" in m["content"].lower() and not m["embeds"]
    )
    await w.stop()
    back = await w.sb.join("ned", guild=w.guild)  # nobody hears it: the bot is offline
    await w.start()
    record = await w.bot.get_cog("welcome").store.current(w.guild.id, back.id)
    assert record is not None and record.gate_state.value == "left"
    reply = await (await back.click(greeting, "I accept the rules")).response(timeout=5)
    assert reply.ephemeral and reply.content == w.t("welcome.accepted_pick_roles")
    assert role_names(w, back) == {"Member"}


async def test_accept_after_the_member_role_was_deleted_tells_member_and_moderators(
    wworld: Any,
) -> None:
    w = await start(wworld, config())
    ivo = await w.sb.join("ivo", guild=w.guild)
    greeting = await greeting_for(w, ivo)
    await w.sb.wait_for_request("PATCH", MEMBER_ROUTE, where=lambda r: "roles" in (r.json or {}))
    # Someone deletes the Member role after the config was checked (here through the bot's
    # client: the sandbox has no human call for it; the gateway event is the same).
    deleted = asyncio.ensure_future(w.bot.wait_for("guild_role_delete", timeout=5))
    await w.bot.get_guild(w.guild.id).get_role(w.guild.role("Member").id).delete()
    await deleted
    reply = await (await ivo.click(greeting, "I accept the rules")).response(timeout=5)
    assert reply.ephemeral and reply.content == w.t("welcome.roles_failed")
    line = w.t("welcome.log.role_missing", role="Member", setting="welcome.rules.accepted_roles.0")
    await w.sb.wait_for_message("modlog", timeout=5, where=lambda m: line in m["content"])


async def test_no_removal_once_the_gate_or_its_removal_is_turned_off(wworld: Any) -> None:
    w = await start(wworld, config(remind="null", remove="2s"))
    for name, later in (("pia", config(remind="null", remove="null")), ("quinn", config(False))):
        await w.set_config(config(remind="null", remove="2s"))
        actor = await w.sb.join(name, guild=w.guild)
        await greeting_for(w, actor)
        # The manager turns removal (or the whole gate) off before the delay is over.
        await w.set_config(later)
        await w.bot.wait_for(
            "welcome_gate_remove_timer",
            check=lambda timer, a=actor: timer.payload["user_id"] == a.id,
            timeout=10,
        )
        assert actor.id in w.guild.members
        assert not [r for r in w.sb.requests if r.method == "DELETE" and r.route == MEMBER_ROUTE]
    # Nor a reminder to accept rules that are no longer asked for.
    await w.set_config(config(remind="1s", remove="1h"))
    rafa = await w.sb.join("rafa", guild=w.guild)
    await greeting_for(w, rafa)
    await w.set_config(config(False))
    await w.bot.wait_for(
        "welcome_gate_remind_timer", check=lambda t: t.payload["user_id"] == rafa.id, timeout=10
    )
    assert not w.sb.dms(rafa)


async def test_a_lengthened_removal_delay_applies_to_members_already_gated(wworld: Any) -> None:
    w = await start(wworld, config(remind="null", remove="2s"))
    sam = await w.sb.join("sam", guild=w.guild)
    await greeting_for(w, sam)
    await w.set_config(config(remind="null", remove="1h"))
    await w.bot.wait_for(
        "welcome_gate_remove_timer", check=lambda t: t.payload["user_id"] == sam.id, timeout=10
    )
    assert sam.id in w.guild.members
    [again] = await w.bot.timers.pending(w.guild.id, "welcome_gate_remove")
    record = await w.bot.get_cog("welcome").store.current(w.guild.id, sam.id)
    assert again.due_at == record.journey.joined_at + timedelta(hours=1)


async def test_a_role_deleted_later_does_not_block_unrelated_config_changes(wworld: Any) -> None:
    w = await start(wworld, config())
    deleted = asyncio.ensure_future(w.bot.wait_for("guild_role_delete", timeout=5))
    await w.bot.get_guild(w.guild.id).get_role(w.guild.role("Member").id).delete()
    await deleted
    reply = await (
        await w.manager.slash("config set", key="timezone", value="Europe/Paris")
    ).response(timeout=5)
    assert reply.content.startswith("`timezone` is now `Europe/Paris`")
    # The stale role is reported in the mod log instead; a newly named missing role is refused.
    await w.sb.wait_for_message("modlog", timeout=5, where=lambda m: "`Member`" in m["content"])
    reply = await (
        await w.manager.slash("config set", key="welcome.rules.accepted_roles", value="[Ghost]")
    ).response(timeout=5)
    assert "the role `Ghost` does not exist" in reply.content
