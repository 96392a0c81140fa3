"""Welcome e2e: a member whose return the bot missed (it was offline) can still accept the rules."""

from __future__ import annotations

from typing import Any

import pytest

from cogs.welcome.scene import add_role

CONFIG = """\
welcome:
  enabled: true
  channel: welcome
  rules:
    enabled: true
    channel: rules
    newcomer_role: Newcomer
    accepted_roles: [Member]
    remind_after: 1h
    remove_after: 2h
  goodbye:
    enabled: true
"""


@pytest.fixture
async def wworld(make_world: Any) -> Any:
    w = await make_world(start=False)
    for name in ("Newcomer", "Member"):
        add_role(w.sb, w.guild, name)
    await w.start()
    await w.set_config(CONFIG)
    return w


def role_names(w: Any, actor: Any) -> set[str]:
    member = w.guild.members.get(actor.id)
    return {w.guild.roles[r].name for r in member.roles} if member else set()


async def test_accept_after_a_rejoin_the_bot_missed_grants_access(wworld: Any) -> None:
    w = wworld
    ned = await w.sb.join("ned", guild=w.guild)
    greeting = await w.sb.wait_for_message(
        "welcome", timeout=5, where=lambda m: ned.mention in (m.get("content") or "")
    )
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
    assert reply.ephemeral
    assert reply.content == w.t("welcome.accepted")
    assert role_names(w, back) == {"Member"}
