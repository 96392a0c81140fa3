"""The games part of ``python -m bot sandbox``: a short trivia round and a level-up.

Imports nothing of discord: it drives the sandbox as members would.
"""

from __future__ import annotations

from typing import Any

import yaml

GAMES_DOCUMENT = """\
games:
  enabled: true
  trivia:
    question_time: 10s
    hint_after: 5s
    pause: 1s
  xp:
    min: 100
    max: 100
    announce: channel
    announce_channel: games
    rewards: {1: Regular}
"""

SCENE_QUIZ = """\
name: Scene quiz
language: en
questions:
  - question: What is the capital of Australia?
    answers: [Canberra]
  - question: Which planet is known as the Red Planet?
    answers: [Mars]
    choices: [Venus, Mars, Jupiter]
"""


def _add_role(sb: Any, guild: Any, name: str) -> None:
    """Create role ``name`` just above @everyone, telling clients as Discord would."""
    if any(role.name == name for role in guild.roles.values()):
        return
    sb.create_role(guild, name, position=1)


async def play(stage: Any) -> None:
    """A manager uploads a quiz, two members play a round; a member levels up and is rewarded."""
    sb, guild, bot = stage.sb, stage.guild, stage.bot
    _add_role(sb, guild, "Regular")
    stage.transcript.roles[guild.role("Regular").id] = "Regular"
    document = yaml.safe_load(await bot.configs.document(guild.id) or "") or {}
    document.update(yaml.safe_load(GAMES_DOCUMENT))
    await bot.configs.set_document(
        guild.id, yaml.safe_dump(document, sort_keys=False), guild.owner_id
    )

    stage.narrate("Games: a manager uploads a small quiz (Vigie's YAML format)")
    reply = await stage.manager.slash(
        "trivia upload", guild=guild, file=("scene-quiz.yaml", SCENE_QUIZ.encode())
    )
    await reply.response(timeout=10)

    stage.narrate("Games: alice starts a trivia round in #games; alice and bob play")
    alice, bob = stage.member("alice"), stage.member("bob")
    reply = await alice.slash(
        "trivia start", guild=guild, in_channel="games", list="scene-quiz", rounds=2
    )
    await reply.response(timeout=10)
    seen: set[str] = set()
    for _ in range(2):
        question = await sb.wait_for_message(
            "games",
            timeout=20,
            where=lambda m: m["content"].startswith("**Question") and m["id"] not in seen,  # noqa: B023
        )
        seen.add(question["id"])
        if "Australia" in question["content"]:
            await bob.say("#games", "Sydney?")
            await alice.say("#games", "I think it's canbera")
        else:
            clicked = await bob.click(question, "B. Mars")
            await clicked.response(timeout=10)
    await sb.wait_for_message("games", timeout=20, where=lambda m: m["content"].startswith("🏁"))

    stage.narrate("Games: carol chats, reaches level 1 and gets the Regular role; she checks /rank")
    carol = stage.member("carol")
    await carol.say("#general", "Hello! First time posting here.")
    await sb.wait_for_message("games", timeout=10, where=lambda m: carol.mention in m["content"])
    await sb.wait_for_request(
        "PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", timeout=10
    )
    reply = await carol.slash("rank", guild=guild)
    await reply.response(timeout=10)
    await reply.final(timeout=10)

    # Back to the usual pace (15-25 XP a minute) for the parts of the scene that follow: a
    # spammer must not level up from one message.
    document = yaml.safe_load(await bot.configs.document(guild.id) or "") or {}
    for key in ("min", "max"):
        document["games"]["xp"].pop(key, None)
    await bot.configs.set_document(
        guild.id, yaml.safe_dump(document, sort_keys=False), guild.owner_id
    )
