"""The policies part of the sandbox scene plays against a fresh world."""

from __future__ import annotations

import io

from bot.scene import Stage
from bot.transcript import Transcript
from cogs.policies import scene


async def test_scene_cleans_a_spammer_and_warns_a_rude_member(world):
    out = io.StringIO()
    transcript = Transcript(bot_id=world.sb.application.bot_user.id)
    stage = Stage(
        world.sb,
        world.guild,
        world.bot,
        transcript,
        owner=world.owner,
        manager=world.manager,
        moderator=world.moderator,
        out=out,
    )
    await scene.play(stage)
    stage.flush()
    spammy, rudy = stage.member("spammy"), stage.member("rudy")
    assert world.guild.members[spammy.id].communication_disabled_until is not None
    for channel in ("#general", "#games", "#support"):
        assert not [m for m in world.sb.messages(channel) if m["content"] == scene.SPAM]
    assert world.sb.dms(rudy)[0]["content"].startswith("You received a warning in Vigie Demo")
    store = world.bot.get_cog("policies").store
    kinds = {(c.user_id, c.kind) for c in await store.all_cases(world.guild.id)}
    assert kinds == {(spammy.id, "timeout"), (rudy.id, "warn")}
    text = out.getvalue()
    assert "Policies: spammy pastes the same scam" in text
