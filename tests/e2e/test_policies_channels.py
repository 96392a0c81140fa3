"""Channel moderation end to end: /purge (filters, batches of 100, old messages left and
counted), /slowmode, /lock and /unlock."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sandbox.models import Message
from sandbox.snowflake import new_id

BULK = "/channels/{channel_id}/messages/bulk-delete"
OVERWRITE = "/channels/{channel_id}/permissions/{overwrite_id}"


def old_message(world, actor, content: str) -> Message:
    at = time.time() - 20 * 86400
    channel = world.guild.channel("general")
    message = Message(
        id=new_id(at=at),
        channel_id=channel.id,
        author=actor.user,
        content=content,
        guild_id=world.guild.id,
        timestamp=datetime.fromtimestamp(at, UTC),
    )
    return world.sb.world.add_message(message, dispatch=False)


async def test_purge_by_member_leaves_and_counts_old_messages(world):
    alice, bob = world.member("alice"), world.member("bob")
    old = old_message(world, bob, "from long ago")
    mine = [await bob.say("#general", f"bob {i} https://example.com") for i in range(3)]
    kept = [await alice.say("#general", f"alice {i}") for i in range(2)]
    text = (
        await (
            await world.moderator.slash("purge", count=10, member=bob, in_channel="#general")
        ).answer()
    ).content
    assert text == "Deleted 3 messages; 1 older than 14 days were left."
    [bulk] = [r for r in world.sb.requests if r.route == BULK]
    assert sorted(int(i) for i in bulk.json["messages"]) == sorted(m.id for m in mine)
    left = {m["id"] for m in world.sb.messages("#general")}
    assert str(old.id) in left and all(str(m.id) in left for m in kept)


async def test_purge_in_batches_of_100_with_text_filter(world):
    flood = world.member("flood")
    for i in range(150):
        await flood.say("#games", f"spam {i}")
    await flood.say("#games", "a keeper")
    text = (
        await (
            await world.moderator.slash("purge", count=200, text="SPAM", in_channel="#games")
        ).answer()
    ).content
    assert text == "Deleted 150 messages; 0 older than 14 days were left."
    sizes = sorted(len(r.json["messages"]) for r in world.sb.requests if r.route == BULK)
    assert sizes == [50, 100]
    assert [m["content"] for m in world.sb.messages("#games")] == ["a keeper"]


async def test_slowmode_lock_unlock(world):
    text = (
        await (
            await world.moderator.slash("slowmode", duration="10s", in_channel="#general")
        ).answer()
    ).content
    assert text == f"Slow mode of <#{world.guild.channel('general').id}>: 10s."
    assert world.guild.channel("general").rate_limit_per_user == 10
    too_long = await (await world.moderator.slash("slowmode", duration="7h")).response()
    assert too_long.content == world.t("policies.slowmode_too_long")
    await (await world.moderator.slash("lock", in_channel="#general")).answer()
    put = await world.sb.wait_for_request("PUT", OVERWRITE)
    assert put.path.endswith(f"/{world.guild.id}") and int(put.json["deny"]) & (1 << 11)
    await world.sb.wait_for_message("#modlog", where=lambda m: "locked" in m["content"])
    await (await world.moderator.slash("unlock", in_channel="#general")).answer()
    put = await world.sb.wait_for_request("PUT", OVERWRITE, count=2)
    assert not int(put.json["deny"]) & (1 << 11)


async def test_lock_and_slowmode_in_a_thread_say_what_they_need(world):
    general = world.guild.channel("general")
    thread = world.sb.world.create_thread(general, "side", owner=world.moderator.user)
    before = len(world.sb.requests)
    for command, options in (("lock", {}), ("unlock", {}), ("slowmode", {"duration": "10s"})):
        record = await world.moderator.slash(command, in_channel=thread.id, **options)
        assert (await record.answer()).content == world.t("policies.not_a_text_channel"), command
    assert not [r for r in world.sb.requests[before:] if r.method in ("PUT", "PATCH")]
