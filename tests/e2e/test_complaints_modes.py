"""Complaints end to end: channel mode, buttons after a restart, privacy export and forget."""

from __future__ import annotations

import asyncio
import logging
import sys

from cogs.complaints import upkeep
from sandbox import permissions as P
from tests.e2e.test_complaints_open import CONFIG, opened_ticket


async def test_channel_mode_makes_a_private_channel_in_the_tickets_category(world):
    category = world.sb.world.create_channel(world.guild, "Tickets", 4)
    await world.set_config(
        "complaints:\n  mode: channel\n  category: Tickets\n  log_channel: reports\n"
    )
    alice = world.member("alice")
    ticket, channel = await opened_ticket(world, alice)
    assert channel.type == 0 and channel.parent_id == category.id and channel.name == "ticket-0001"
    everyone = channel.overwrites[world.guild.id]
    assert everyone.deny & P.VIEW_CHANNEL
    assert channel.overwrites[alice.id].allow & P.SEND_MESSAGES
    assert channel.overwrites[world.guild.role("Moderator").id].allow & P.VIEW_CHANNEL
    assert world.guild.role("Manager").id not in channel.overwrites
    # A helper let in and taken out again: no thread echo to wait for, nothing kept in memory.
    bob = world.member("bob")
    await (await world.moderator.slash("ticket add", in_channel=channel, member=bob)).answer()
    assert channel.overwrites[bob.id].allow & P.VIEW_CHANNEL
    await (await world.moderator.slash("ticket remove", in_channel=channel, member=bob)).answer()
    assert bob.id not in channel.overwrites
    assert world.bot.get_cog("complaints").desk.own_removals == set()
    # Escalation lets the next tier in; closing takes the member's voice but not their view.
    await (
        await world.moderator.slash("ticket escalate", in_channel=channel, reason="Ban?")
    ).answer()
    assert channel.overwrites[world.guild.role("Manager").id].allow & P.VIEW_CHANNEL
    r = await world.manager.slash("ticket close", in_channel=channel, resolution="Done")
    await r.followups(1)
    assert channel.overwrites[alice.id].deny & P.SEND_MESSAGES
    assert channel.overwrites[alice.id].allow & P.VIEW_CHANNEL


async def test_ticket_buttons_keep_working_after_a_restart(world):
    await world.set_config(CONFIG)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    await world.restart()
    header = world.sb.messages(thread)[0]
    done = await (await world.moderator.click(header, world.t("complaints.button.claim"))).answer()
    assert done.content == world.t("complaints.done.claimed", number=1)
    # Messages in the thread are still followed after the restart.
    cog = world.bot.get_cog("complaints")
    assert thread.id in cog.desk.watched


async def test_privacy_export_and_forget(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice, text="My private story")
    exported = await world.bot.privacy.export_user(world.guild.id, alice.id)
    mine = exported["data"]["complaints"]
    assert [t["description"] for t in mine["tickets"]] == ["My private story"]
    counts = await world.bot.privacy.forget_user(world.guild.id, alice.id)
    assert counts["complaints"] >= 1
    cog = world.bot.get_cog("complaints")
    assert await cog.store.get(world.guild.id, ticket.id) is None
    again = await world.bot.privacy.export_user(world.guild.id, alice.id)
    assert again["data"]["complaints"]["tickets"] == []


async def test_deleting_the_thread_of_a_forgotten_ticket_is_quiet(world):
    await world.set_config(CONFIG)
    alice, bob = world.member("alice"), world.member("bob")
    forgotten, gone = await opened_ticket(world, alice)
    kept, also_gone = await opened_ticket(world, bob)
    await world.bot.privacy.forget_user(world.guild.id, alice.id)
    cog = world.bot.get_cog("complaints")
    guild = world.bot.get_guild(world.guild.id)
    # Both threads vanish while nobody listens; the sweep after a reconnect finds them.
    for thread in (gone, also_gone):
        world.guild.channels.pop(thread.id)
        world.sb.world.messages.pop(thread.id, None)
        guild._remove_thread(guild.get_thread(thread.id))
    assert await upkeep.sweep_missing_places(cog.desk) == 1
    assert gone.id not in cog.desk.watched and also_gone.id not in cog.desk.watched
    closed = await cog.store.get(world.guild.id, kept.id)
    assert closed.status.value == "closed"
    assert [r for r in world.logs if r.levelname == "ERROR"] == []


async def test_a_failing_listener_logs_its_guild_and_stays_inside(world, monkeypatch):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    await opened_ticket(world, alice)
    seen = asyncio.Event()
    records: list[logging.LogRecord] = []

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "ailed" in record.getMessage() or "Ignoring exception" in record.getMessage():
                records.append(record)
                seen.set()

    async def boom(*args, **kwargs):
        raise RuntimeError("database is locked")

    # Each world's bot imports the cog afresh: patch the module this bot really uses.
    monkeypatch.setattr(sys.modules["cogs.complaints.upkeep"], "member_presence", boom)
    watch = Watch()
    logging.getLogger().addHandler(watch)
    try:
        await alice.leave()
        await asyncio.wait_for(seen.wait(), 5)
    finally:
        logging.getLogger().removeHandler(watch)
    [record] = records
    assert record.name == "cogs.complaints.listeners"
    assert record.getMessage() == (
        f"complaints: flagging a member leaving failed in guild {world.guild.id}"
    )
    assert record.exc_info is not None and "database is locked" in str(record.exc_info[1])
