"""Admin e2e: odd YAML from managers: nested aliases (refused), values too long to echo back."""

from __future__ import annotations


def _alias_bomb(levels: int) -> str:
    """Each level refers ten times to the one before: 10**levels nodes once expanded."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


async def _reply(actor, command: str, **options):
    r = await actor.slash(command, **options)
    return await r.response(timeout=5)


async def test_import_with_aliases_is_refused_and_changes_nothing(world):
    await world.set_config("locale: en\n")
    # Small enough for the old code to answer; twelve levels (700 bytes) froze the bot.
    upload = ("bomb.yaml", _alias_bomb(3).encode())
    reply = await _reply(world.manager, "config import", document=upload)
    assert reply.ephemeral
    assert reply.content == world.t("admin.yaml_aliases")
    assert not reply.components
    assert world.bot.configs.get(world.guild.id).version == 1


async def test_set_with_aliases_is_refused_and_changes_nothing(world):
    await world.set_config("locale: fr\n")
    value = "[&a [Staff, Staff], *a, *a]"
    reply = await _reply(world.manager, "config set", key="roles.managers", value=value)
    assert reply.ephemeral
    assert reply.content == world.t("admin.yaml_aliases", locale="fr")
    assert world.bot.configs.get(world.guild.id).version == 1


async def test_set_with_a_long_value_applies_answers_and_is_audited(world):
    # Two long greetings are valid, but echoing them whole would pass Discord's 2000 characters.
    greeting = "Welcome {member}! " + "Read the rules, say hello, enjoy. " * 40
    value = f'["{greeting}", "{greeting}"]'
    reply = await _reply(world.manager, "config set", key="welcome.greetings", value=value)
    assert reply.content.startswith("`welcome.greetings` is now `[")
    assert len(reply.content) <= 2000
    assert world.bot.configs.get(world.guild.id).get("welcome.greetings") == [greeting] * 2
    await world.sb.wait_for_message(
        "modlog", timeout=5, where=lambda m: "`welcome.greetings`" in m["content"]
    )
