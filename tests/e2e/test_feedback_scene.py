"""The feedback part of the sandbox scene plays against a fresh world."""

from __future__ import annotations

from cogs.feedback import scene
from tests.e2e.scene_parts import play_scene


async def test_scene_approves_a_voted_suggestion_and_closes_a_poll(world):
    stage, text = await play_scene(world, scene)
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
    assert "Feedback: the poll closes on its timer" in text
