"""The message hot path: hooks run inline for every message, a failing hook harms no other,
and listeners that need a task (wait_for, on_message) still get the message."""

from __future__ import annotations

import asyncio


async def test_hooks_see_every_message_and_one_failure_stays_local(world):
    seen: list[str] = []

    def broken(message):
        raise RuntimeError("boom")

    world.bot.add_message_hook(broken)
    world.bot.add_message_hook(lambda message: seen.append(message.content))
    waiter = asyncio.ensure_future(
        world.bot.wait_for("message", check=lambda m: m.content == "third", timeout=10)
    )
    alice = world.member("alice")
    for text in ("first", "second", "third"):
        await alice.say("#general", text)
    assert (await waiter).content == "third"  # wait_for still works on the hot path
    assert seen[-3:] == ["first", "second", "third"]
    assert "message hook" in world.log_text() and "boom" in world.log_text()
    world.bot.remove_message_hook(broken)
