"""Welcome e2e: closed DMs, broken welcome channel, unusable roles, raids, manager commands."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.guild_config import ConfigInvalid
from cogs.welcome.scene import add_role
from sandbox import permissions as P
from sandbox.models import Overwrite

CONFIG = """\
welcome:
  enabled: true
  channel: {channel}
  dm: {dm}
  rules:
    enabled: {gate}
    channel: rules
    accepted_roles: [Member]
  raid:
    batch_window: 2s
    burst_joins: {burst}
    max_mentions: 3
"""


def config(channel: str = "welcome", dm: bool = False, gate: bool = False, burst: int = 50) -> str:
    return CONFIG.format(channel=channel, dm=str(dm).lower(), gate=str(gate).lower(), burst=burst)


@pytest.fixture
async def wworld(make_world: Any) -> Any:
    w = await make_world(start=False)
    add_role(w.sb, w.guild, "Member")
    return w


def modlog_lines(w: Any, needle: str) -> list[str]:
    return [m["content"] for m in w.sb.messages("modlog") if needle in m["content"]]


async def journeys(w: Any, *actors: Any) -> list[Any]:
    store = w.bot.get_cog("welcome").store
    return [await store.current(w.guild.id, a.id) for a in actors]


async def test_closed_dms_still_greet_in_the_channel_and_are_noted_once(wworld: Any) -> None:
    wworld.sb.faults.error(
        "POST /users/@me/channels",
        status=403,
        code=50007,
        times=None,
        message="Cannot send messages to this user",
    )
    await wworld.start()
    w = wworld
    await w.set_config(config(dm=True))
    noted = [
        asyncio.ensure_future(
            w.bot.wait_for(
                "welcome_dm_closed", check=lambda g, u, n=name: u == w.sb.user(n).id, timeout=5
            )
        )
        for name in ("ann", "ben")
    ]
    ann = await w.sb.join("ann", guild=w.guild)
    ben = await w.sb.join("ben", guild=w.guild)
    await asyncio.gather(*noted)
    for actor in (ann, ben):
        await w.sb.wait_for_message(
            "welcome", timeout=5, where=lambda m, a=actor: a.mention in m["content"]
        )
    await w.sb.wait_for_message(
        "modlog", timeout=5, where=lambda m: "direct messages" in m["content"]
    )
    assert [record.dm_failed for record in await journeys(w, ann, ben)] == [True, True]
    assert len(modlog_lines(w, "does not accept direct messages")) == 1


async def test_missing_welcome_channel_is_reported_once_and_joins_still_recorded(
    wworld: Any,
) -> None:
    await wworld.start()
    w = wworld
    await w.set_config(config(channel="deleted-channel"))
    ann = await w.sb.join("ann", guild=w.guild)
    await w.sb.wait_for_message(
        "modlog", timeout=5, where=lambda m: "deleted-channel" in m["content"]
    )
    # The next join goes through the same flow (no crash loop): its journey row is written.
    joined = asyncio.ensure_future(
        w.bot.wait_for("onboarding_step", check=lambda g, u, s, at: s == "joined", timeout=5)
    )
    ben = await w.sb.join("ben", guild=w.guild)
    assert (await joined)[1] == ben.id
    assert all(await journeys(w, ann, ben))
    assert len(modlog_lines(w, "deleted-channel")) == 1
    assert "welcome.channel" in modlog_lines(w, "deleted-channel")[0]


async def test_forbidden_welcome_channel_is_reported_once(wworld: Any) -> None:
    w = wworld
    bot_role = w.guild.role("Vigie")
    bot_role.permissions = (
        P.VIEW_CHANNEL
        | P.SEND_MESSAGES
        | P.EMBED_LINKS
        | P.READ_MESSAGE_HISTORY
        | P.MANAGE_ROLES
        | P.KICK_MEMBERS
    )
    welcome = w.guild.channel("welcome")
    welcome.overwrites[bot_role.id] = Overwrite(bot_role.id, 0, deny=P.SEND_MESSAGES)
    await w.start()
    await w.set_config(config())
    for name in ("ann", "ben", "cy"):
        await w.sb.join(name, guild=w.guild)
    await w.sb.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        count=3,
        where=lambda r: r.status == 403,
    )
    await w.sb.wait_for_message(
        "modlog", timeout=5, where=lambda m: "I cannot post" in m["content"]
    )
    assert len(modlog_lines(w, "I cannot post")) == 1
    assert not w.sb.messages("welcome")


async def test_roles_the_bot_cannot_give_are_refused_at_config_load(wworld: Any) -> None:
    await wworld.start()
    w = wworld
    await w.set_config(config())
    before = await w.bot.configs.versions(w.guild.id)
    bad = config().replace("accepted_roles: [Member]", "accepted_roles: [Member, Vigie, Ghost]")
    with pytest.raises(ConfigInvalid) as refused:
        await w.set_config(bad)
    line = 1 + bad.splitlines().index("    accepted_roles: [Member, Vigie, Ghost]")
    errors = [str(e) for e in refused.value.errors]
    assert any(
        e.endswith(
            f":{line}: welcome.rules.accepted_roles.1: I cannot give the role `Vigie`: "
            "it is managed by an integration or a bot"
        )
        for e in errors
    ), errors
    assert any(
        e.endswith(
            f":{line}: welcome.rules.accepted_roles.2: the role `Ghost` does not exist in this server"
        )
        for e in errors
    ), errors
    # Nothing was stored: the last good configuration stays.
    assert await w.bot.configs.versions(w.guild.id) == before
    assert w.bot.configs.get(w.guild.id).section("welcome")["rules"]["accepted_roles"] == ["Member"]


async def test_roles_of_a_file_managed_config_are_reported_in_the_mod_log(wworld: Any) -> None:
    # A file under config/guilds/ is read as it is: its unusable roles are reported, then ignored.
    guilds = wworld.config_dir / "guilds"
    guilds.mkdir(exist_ok=True)
    (guilds / f"{wworld.guild.id}.yaml").write_text(
        config().replace("accepted_roles: [Member]", "accepted_roles: [Member, Vigie, Ghost]"),
        encoding="utf-8",
    )
    await wworld.start()
    w = wworld
    await w.sb.wait_for_message("modlog", timeout=5, where=lambda m: "`Ghost`" in m["content"])
    await w.sb.wait_for_message("modlog", timeout=5, where=lambda m: "`Vigie`" in m["content"])
    [managed] = modlog_lines(w, "`Vigie`")
    assert "managed by an integration" in managed and "welcome.rules.accepted_roles.1" in managed
    assert "does not exist" in modlog_lines(w, "`Ghost`")[0]


async def test_a_moderation_role_is_never_given_by_the_welcome_flow(wworld: Any) -> None:
    add_role(wworld.sb, wworld.guild, "Helper", permissions=P.MANAGE_MESSAGES)
    await wworld.start()
    w = wworld
    await w.set_config(
        config(gate=True).replace("accepted_roles: [Member]", "accepted_roles: [Member, Helper]")
    )
    line = await w.sb.wait_for_message(
        "modlog", timeout=5, where=lambda m: "`Helper`" in m["content"]
    )
    assert "moderation role" in line["content"]
    assert "welcome.rules.accepted_roles.1" in line["content"]
    ann = await w.sb.join("ann", guild=w.guild)
    greeting = await w.sb.wait_for_message(
        "welcome", timeout=5, where=lambda m: ann.mention in m["content"]
    )
    await (await ann.click(greeting, "I accept the rules")).response()
    held = set(w.guild.members[ann.id].roles)
    assert w.guild.role("Member").id in held and w.guild.role("Helper").id not in held


async def test_raid_mode_batches_greetings_into_one_message(wworld: Any) -> None:
    await wworld.start()
    w = wworld
    await w.set_config(config(gate=True))
    # A moderator turns raid mode on: the policies feature tells welcome through its event.
    changed = asyncio.ensure_future(w.bot.wait_for("raid_mode_changed", timeout=5))
    await (await w.moderator.slash("raid on")).response()
    assert (await changed) == (w.guild.id, True)
    actors = [await w.sb.join(f"raider{i}", guild=w.guild) for i in range(5)]
    batch = await w.sb.wait_for_message(
        "welcome", timeout=10, where=lambda m: "newcomers" in m["content"]
    )
    assert batch["content"].startswith("Welcome to our 5 newcomers")
    assert "and 2 others" in batch["content"]  # max_mentions: 3
    assert sum(a.mention in batch["content"] for a in actors) == 3
    assert batch["mentions"] == []  # shown, nobody pinged
    assert len(w.sb.messages("welcome")) == 1
    assert all(await journeys(w, *actors))
    # The gate is on: the batch carries the accept button, and it works for any of them.
    reply = await (await actors[4].click(batch, "I accept the rules")).response()
    assert reply.content == w.t("welcome.accepted")
    [record] = await journeys(w, actors[4])
    assert record.gate_state.value == "accepted"


async def test_raid_mode_left_on_by_a_restart_still_batches_greetings(wworld: Any) -> None:
    await wworld.start()
    w = wworld
    await w.set_config(config(gate=True))
    await (await w.moderator.slash("raid on")).response()
    await w.restart()
    welcome = w.bot.get_cog("welcome")
    deadline = asyncio.get_running_loop().time() + 10
    while not welcome.batcher.raid_mode(w.guild.id):  # told once the server is available
        assert asyncio.get_running_loop().time() < deadline, "welcome never heard of raid mode"
        await asyncio.sleep(0.02)
    actors = [await w.sb.join(f"raider{i}", guild=w.guild) for i in range(3)]
    batch = await w.sb.wait_for_message(
        "welcome", timeout=10, where=lambda m: "newcomers" in m["content"]
    )
    assert batch["content"].startswith("Welcome to our 3 newcomers")
    assert all(a.mention in batch["content"] for a in actors)


async def test_a_burst_of_joins_is_batched_even_without_raid_mode(wworld: Any) -> None:
    await wworld.start()
    w = wworld
    await w.set_config(config(burst=2))
    actors = [await w.sb.join(f"guest{i}", guild=w.guild) for i in range(5)]
    await w.sb.wait_for_message("welcome", timeout=10, where=lambda m: "newcomers" in m["content"])
    messages = w.sb.messages("welcome")
    assert len(messages) == 3  # two greeted one by one, then one batch for the other three
    assert "3 newcomers" in messages[-1]["content"]
    assert len(actors) == 5


async def test_preview_test_and_stats_for_managers_only(wworld: Any) -> None:
    await wworld.start()
    w = wworld
    await w.set_config(config(gate=True))
    preview = await (await w.manager.slash("welcome preview")).response()
    assert preview.ephemeral and preview.embeds[0]["title"] == "Welcome to Vigie Demo!"
    assert preview.components  # the accept button, as a newcomer would see it
    nora = w.member("nora")
    test = await (await w.manager.slash("welcome test", member=nora)).response()
    assert test.ephemeral and "sent in" in test.content
    await w.sb.wait_for_message("welcome", timeout=5, where=lambda m: nora.mention in m["content"])
    # Two newcomers, one accepts.
    ann = await w.sb.join("ann", guild=w.guild)
    await w.sb.join("ben", guild=w.guild)
    greeting = await w.sb.wait_for_message(
        "welcome", timeout=5, where=lambda m: ann.mention in m["content"]
    )
    await (await ann.click(greeting, "I accept the rules")).response()
    stats = await (await w.manager.slash("welcome stats")).response()
    fields = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}
    assert fields["Joins"] == "2"
    assert fields["Accepted the rules"] == "1 (50%)"
    assert fields["Median time to accept"] != "n/a"
    refused = await (await w.member("zoe").slash("welcome stats")).response()
    assert refused.ephemeral and refused.content == w.t("errors.not_manager")


async def test_welcome_test_tells_a_failed_dm_from_closed_dms(wworld: Any) -> None:
    # Not a 403 (closed DMs) but another refusal: the manager must not read "DMs closed".
    wworld.sb.faults.error("POST /users/@me/channels", status=400, code=50035, times=None)
    await wworld.start()
    w = wworld
    await w.set_config(config(dm=True))
    test = await (await w.manager.slash("welcome test", member=w.member("nora"))).response()
    assert test.ephemeral and w.t("welcome.test_where_dm_failed") in test.content
    assert w.t("welcome.test_where_dm_closed") not in test.content


async def test_removal_without_kick_permission_is_a_clear_mod_log_line(wworld: Any) -> None:
    w = wworld
    bot_role = w.guild.role("Vigie")
    bot_role.permissions = (
        P.VIEW_CHANNEL | P.SEND_MESSAGES | P.EMBED_LINKS | P.READ_MESSAGE_HISTORY | P.MANAGE_ROLES
    )
    await w.start()
    await w.set_config(
        config(gate=True).replace(
            "    accepted_roles", "    remind_after: null\n    remove_after: 1s\n    accepted_roles"
        )
    )
    vic = await w.sb.join("vic", guild=w.guild)
    line = await w.sb.wait_for_message(
        "modlog", timeout=10, where=lambda m: "could not remove" in m["content"]
    )
    assert vic.mention in line["content"] and "kick members" in line["content"]
    assert vic.id in w.guild.members
    assert not w.sb.dms(vic)  # not told they were removed, since they were not
    [record] = await journeys(w, vic)
    assert record.gate_state.value == "pending"  # they can still accept
    assert not [
        r
        for r in w.sb.requests
        if r.method == "DELETE" and r.route == "/guilds/{guild_id}/members/{user_id}"
    ]


async def test_a_bad_template_is_refused_with_its_line_and_the_old_config_stays(
    wworld: Any,
) -> None:
    from bot.guild_config import ConfigInvalid

    await wworld.start()
    w = wworld
    await w.set_config(config())
    before = w.bot.configs.get(w.guild.id)
    bad = config() + '  greetings: ["Hi {member.guild.owner}", "Yo {user}"]\n'
    with pytest.raises(ConfigInvalid) as refused:
        await w.set_config(bad)
    text = str(refused.value)
    # file:line: key path: message, the line being the greetings line of the document.
    assert (
        ":13: welcome.greetings.0: placeholder {member.guild.owner} cannot use attributes" in text
    )
    assert ":13: welcome.greetings.1: unknown placeholder {user}" in text
    after = w.bot.configs.get(w.guild.id)
    assert after.version == before.version and after.raw == before.raw
