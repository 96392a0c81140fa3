"""Admin e2e: YAML that would freeze the bot (nested aliases) is refused before validation."""

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
