"""The feedback part of the sandbox scene plays against a fresh world."""

from __future__ import annotations

import io

from bot.scene import Stage
from bot.transcript import Transcript
from cogs.feedback import scene


async def test_scene_approves_a_voted_suggestion_and_closes_a_poll(world):
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
    store = world.bot.get_cog("feedback").store
    [suggestion] = await store.list_suggestions(world.guild.id)
    assert (suggestion.status, suggestion.up, suggestion.down) == ("approved", 3, 0)
    poll = await store.get_poll(world.guild.id, 1)
    assert poll.closed_at is not None
    assert (await store.ballots(world.guild.id, 1)) == {
        stage.member("ana").id: {1},
        stage.member("ben").id: {1},
        stage.member("chloe").id: {0},
        stage.member("dev").id: {1},
    }
    replies = await store.replies_to(world.guild.id, [1])
    assert replies[1][0].delivered
    text = out.getvalue()
    assert "Feedback: the poll closes on its timer" in text
