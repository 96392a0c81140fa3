"""The complaints part of the sandbox scene plays against a fresh world."""

from __future__ import annotations

from cogs.complaints import scene
from tests.e2e.scene_parts import play_scene


async def test_scene_claims_escalates_resolves_and_rates(world):
    _, text = await play_scene(world, scene)
    cog = world.bot.get_cog("complaints")
    ticket = await cog.store.by_number(world.guild.id, 1)
    assert ticket.status.value == "closed" and ticket.tier == 1
    assert ticket.resolution == "The sender was banned. Thank you, zoe."
    assert (await cog.store.rating(world.guild.id, ticket.id)).score == 5
    kinds = [e.kind for e in await cog.store.history(world.guild.id, ticket.id)]
    assert kinds[:2] == ["open", "claim"] and "escalate" in kinds and "rating" in kinds
    assert "Complaints: zoe rates the handling 5/5" in text
