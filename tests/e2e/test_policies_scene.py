"""The policies part of the sandbox scene plays against a fresh world."""

from __future__ import annotations

from cogs.policies import scene
from tests.e2e.scene_parts import play_scene


async def test_scene_cleans_a_spammer_and_warns_a_rude_member(world):
    stage, text = await play_scene(world, scene)
    spammy, rudy = stage.member("spammy"), stage.member("rudy")
    assert world.guild.members[spammy.id].communication_disabled_until is not None
    for channel in ("#general", "#games", "#support"):
        assert not [m for m in world.sb.messages(channel) if m["content"] == scene.SPAM]
    assert world.sb.dms(rudy)[0]["content"].startswith("You received a warning in Vigie Demo")
    store = world.bot.get_cog("policies").store
    kinds = {(c.user_id, c.kind) for c in await store.all_cases(world.guild.id)}
    assert kinds == {(spammy.id, "timeout"), (rudy.id, "warn")}
    assert "Policies: spammy pastes the same scam" in text
