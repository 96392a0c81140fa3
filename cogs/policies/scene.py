"""The policies part of the sandbox scene: a spammer is cleaned up, a rude member is warned.

Drives the sandbox as members would; imports nothing of discord nor of another cog.
"""

from __future__ import annotations

from typing import Any

import yaml

ORDER = 900  # last: its rules stay on and must not act on the other parts of the scene

POLICIES_DOCUMENT = """\
policies:
  enabled: true
  rules:
    - name: spam
      reason: Repeated messages.
      triggers:
        duplicates: {amount: 3, window: 1m, across_channels: true}
        rate: {amount: 6, window: 10s}
      actions: [delete, {timeout: 10m}, alert]
      points: 1
    - name: insults
      reason: Stay polite, please.
      triggers:
        words: [connard, idiot, "*fuck*"]
      actions: [delete, warn]
      points: 1
"""
SPAM = "FREE NITRO for everyone at discord-gift dot example !!!"


def merged_document(current: str, addition: str) -> str:
    """The guild document with ``addition``'s top-level sections set (others kept)."""
    document = yaml.safe_load(current or "") or {}
    document.update(yaml.safe_load(addition) or {})
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


async def play(stage: Any) -> None:
    """A spammer is timed out and their copies deleted; a rude member is warned."""
    sb, guild, bot = stage.sb, stage.guild, stage.bot
    current = await bot.configs.document(guild.id)
    await bot.configs.set_document(
        guild.id, merged_document(current, POLICIES_DOCUMENT), guild.owner_id
    )

    stage.narrate("Policies: spammy pastes the same scam in several channels")
    spammy = stage.member("spammy")
    sent = [await spammy.say(channel, SPAM) for channel in ("#general", "#games", "#support")]
    await sb.wait_for_request(
        "PATCH", "/guilds/{guild_id}/members/{user_id}", timeout=10,
        where=lambda r: str(spammy.id) in r.path,
    )  # fmt: skip
    wanted = {str(m.id) for m in sent}

    def cleaned(_record: Any) -> bool:
        present = {m["id"] for ch in ("#general", "#games", "#support") for m in sb.messages(ch)}
        return not wanted & present

    await sb.wait_for_request("DELETE", "/channels/{channel_id}/messages/{message_id}",
                              timeout=10, where=cleaned)  # fmt: skip

    stage.narrate("Policies: rudy is rude to another member and gets a warning by DM")
    rudy = stage.member("rudy")
    await rudy.say("#general", "t'es vraiment un c0nn4rd")
    await sb.wait_for_message(
        "modlog", timeout=10, where=lambda m: "warn of rudy" in (m.get("content") or "")
    )

    stage.narrate("Policies: the moderator looks at rudy's history")
    history = await stage.moderator.slash("history", member=rudy)
    await history.response(timeout=10)
