"""The welcome part of the sandbox scene: a newcomer is greeted, accepts the rules, picks a role.

``add_role`` and ``WELCOME_DOCUMENT`` are shared with the end-to-end tests, which set up the
same server. This module imports nothing of discord: it drives the sandbox as members would.
"""

from __future__ import annotations

from typing import Any

import yaml

ORDER = 10  # newcomers arrive first; other parts of the scene may use the Member role

DEMO_ROLES = ("Newcomer", "Member", "Red", "Blue", "News")

WELCOME_DOCUMENT = """\
welcome:
  enabled: true
  channel: welcome
  dm: true
  greetings:
    - "Welcome {member} to **{server}**! You are member number {member_count}."
    - "Hello {member_name}, glad to see you on {server}. Start with {rules_channel}."
  rules:
    enabled: true
    channel: rules
    newcomer_role: Newcomer
    accepted_roles: [Member]
    remind_after: 1d
    remove_after: 3d
    invite: https://discord.gg/vigie-demo
  roles:
    sticky: [Red, Blue, News]
  menus:
    - id: colours
      title: "Pick a colour (one) and the news you want"
      style: buttons
      max: 2
      options:
        - {role: Red, label: Red, emoji: "🔴", group: colour}
        - {role: Blue, label: Blue, emoji: "🔵", group: colour}
        - {role: News, label: Announcements}
"""


def add_role(sb: Any, guild: Any, name: str, permissions: int = 0) -> Any:
    """Create role ``name`` in the sandbox guild just above @everyone (below the bot's role),
    telling connected clients as Discord would (GUILD_ROLE_CREATE)."""
    return sb.create_role(guild, name, permissions=permissions, position=1)


def merged_document(current: str, addition: str) -> str:
    """The guild document with ``addition``'s top-level sections set (others kept)."""
    document = yaml.safe_load(current or "") or {}
    document.update(yaml.safe_load(addition) or {})
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


async def play(stage: Any) -> None:
    """A newcomer is greeted, accepts the rules and picks a role."""
    sb, guild, bot = stage.sb, stage.guild, stage.bot
    existing = {role.name for role in guild.roles.values()}
    for name in DEMO_ROLES:
        if name not in existing:
            add_role(sb, guild, name)
            stage.transcript.roles[guild.role(name).id] = name
    current = await bot.configs.document(guild.id)
    await bot.configs.set_document(
        guild.id, merged_document(current, WELCOME_DOCUMENT), guild.owner_id
    )

    stage.narrate("Welcome: nina joins the server")
    nina = await stage.join("nina")
    greeting = await sb.wait_for_message(
        "welcome", timeout=10, where=lambda m: nina.mention in (m.get("content") or "")
    )
    stage.narrate("Welcome: nina reads the rules and presses “I accept the rules”")
    accepted = await nina.click(greeting, "I accept the rules")
    await accepted.response(timeout=10)
    stage.narrate("Welcome: nina picks the Blue colour and the announcements")
    blue = await nina.click(accepted, "Blue")
    await blue.response(timeout=10)
    news = await nina.click(accepted, "Announcements")
    await news.response(timeout=10)
    await nina.say("#general", "Hi everyone, happy to be here!")
