"""Welcome e2e: posted rules button and select menus, roles on join and delayed roles."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from cogs.welcome.scene import add_role

CONFIG = """\
welcome:
  enabled: true
  channel: welcome
  rules:
    enabled: {gate}
    channel: rules
    newcomer_role: Newcomer
    accepted_roles: [Member]
  roles:
    on_join: [Joined]
    delayed:
      - {{role: Regular, after: 1s}}
  menus:
    - id: games
      title: "Which games do you play?"
      style: select
      max: 2
      options:
        - {{role: Chess, label: Chess}}
        - {{role: Go, label: Go}}
        - {{role: Poker, label: Poker}}
"""
ROLES = ("Newcomer", "Member", "Regular", "Joined", "Chess", "Go", "Poker")


@pytest.fixture
async def wworld(make_world: Any) -> Any:
    w = await make_world(start=False)
    for name in ROLES:
        add_role(w.sb, w.guild, name)
    return w


def role_names(w: Any, actor: Any) -> set[str]:
    member = w.guild.members.get(actor.id)
    return {w.guild.roles[r].name for r in member.roles} if member else set()


async def test_posted_rules_button_and_select_menu(wworld: Any) -> None:
    w = wworld
    await w.start()
    await w.set_config(CONFIG.format(gate="true"))
    posted = await (await w.manager.slash("welcome post", what="rules")).response()
    assert posted.ephemeral
    rules = await w.sb.wait_for_message("rules", timeout=5)
    # An old member (joined before Vigie) accepts from the rules channel.
    olga = w.member("olga")
    await (await olga.click(rules, "I accept the rules")).response()
    assert "Member" in role_names(w, olga)

    await (await w.manager.slash("welcome post", what="games", channel="general")).response()
    menu = await w.sb.wait_for_message(
        "general", timeout=5, where=lambda m: m["content"] == "Which games do you play?"
    )
    chess, go, poker = (str(w.guild.role(n).id) for n in ("Chess", "Go", "Poker"))
    reply = await (await olga.select(menu, "vigie:welcome:menu:games", [chess, go])).response()
    assert reply.ephemeral and reply.content == "Your roles from this menu: Chess, Go."
    assert {"Chess", "Go"} <= role_names(w, olga)
    await (await olga.select(menu, "vigie:welcome:menu:games", [poker])).response()
    assert not {"Chess", "Go"} & role_names(w, olga) and "Poker" in role_names(w, olga)

    unknown = await (await w.manager.slash("welcome post", what="nope")).response()
    assert unknown.content == w.t("welcome.post_unknown_menu", menu="nope", known="games")


async def test_delayed_role_waits_for_the_rules_when_gated(wworld: Any) -> None:
    w = wworld
    await w.start()
    await w.set_config(CONFIG.format(gate="true"))
    fired_soon = asyncio.ensure_future(w.bot.wait_for("welcome_delayed_role_timer", timeout=5))
    pia = await w.sb.join("pia", guild=w.guild)
    greeting = await w.sb.wait_for_message(
        "welcome", timeout=5, where=lambda m: pia.mention in m["content"]
    )
    fired = await fired_soon
    assert fired.payload["user_id"] == pia.id
    assert fired.kind == "welcome_delayed_role"
    assert role_names(w, pia) == {"Newcomer", "Joined"}  # still gated: no delayed role yet
    await (await pia.click(greeting, "I accept the rules")).response()
    assert role_names(w, pia) == {"Joined", "Member", "Regular"}


async def test_delayed_role_is_given_after_the_delay(wworld: Any) -> None:
    w = wworld
    await w.start()
    await w.set_config(CONFIG.format(gate="false"))
    rob = await w.sb.join("rob", guild=w.guild)
    await w.sb.wait_for_request(
        "PATCH",
        "/guilds/{guild_id}/members/{user_id}",
        timeout=5,
        where=lambda r: (
            str(w.guild.role("Regular").id) in [str(x) for x in (r.json or {}).get("roles", [])]
        ),
    )
    assert role_names(w, rob) == {"Joined", "Regular"}


async def test_a_delayed_role_removed_from_the_config_gives_no_other_role(wworld: Any) -> None:
    w = wworld
    await w.start()
    two = CONFIG.format(gate="false").replace(
        "      - {role: Regular, after: 1s}\n",
        "      - {role: Regular, after: 1s}\n      - {role: Chess, after: 1h}\n",
    )
    await w.set_config(two)
    fired = asyncio.ensure_future(w.bot.wait_for("welcome_delayed_role_timer", timeout=5))
    ola = await w.sb.join("ola", guild=w.guild)
    await w.sb.wait_for_message("welcome", timeout=5, where=lambda m: ola.mention in m["content"])
    # The manager drops the first delayed role: the second one is now first in the list.
    await w.set_config(two.replace("      - {role: Regular, after: 1s}\n", ""))
    assert (await fired).payload["user_id"] == ola.id
    assert role_names(w, ola) == {"Joined"}
    # Chess keeps its own timer, found by role and not by its old place in the list.
    [chess] = await w.bot.timers.pending(w.guild.id, "welcome_delayed_role")
    await w.bot.get_cog("welcome").gate_timers.delayed_role_due(chess)
    assert role_names(w, ola) == {"Joined", "Chess"}
