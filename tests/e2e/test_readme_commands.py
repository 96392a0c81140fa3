"""Every slash command the running bot registers is named in the README."""

from __future__ import annotations

from discord import app_commands

from tests.e2e.conftest import REPO


async def test_every_slash_command_is_documented(world):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    leaves = [
        command.qualified_name
        for command in world.bot.tree.walk_commands()
        if isinstance(command, app_commands.Command)
    ]
    assert len(leaves) > 20
    missing = [name for name in leaves if f"`/{name}" not in readme]
    assert not missing, f"README lacks slash commands: {missing}"
