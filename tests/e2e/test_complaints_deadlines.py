"""Complaints deadlines end to end: reminder, breach escalation, restarts, never twice."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

from bot.timers import Timer
from cogs.complaints import upkeep
from tests.e2e.test_complaints_open import CONFIG, opened_ticket

DAY = 86400


def auto_moves(world, thread):
    return [m for m in world.sb.messages(thread) if "automatically" in m["content"]]


async def pass_time(world, ticket_id, seconds):
    """Move the ticket's clock ``seconds`` back and re-arm: as if that much time had passed."""
    await world.bot.db.execute(
        "UPDATE complaints_tickets SET opened_at = opened_at - ?, tier_started_at = tier_started_at - ?"
        " WHERE guild_id = ? AND id = ?",
        (seconds, seconds, world.guild.id, ticket_id),
    )
    cog = world.bot.get_cog("complaints")
    await cog.desk.arm(await cog.store.get(world.guild.id, ticket_id))


async def test_reminder_then_breach_escalates_and_pings_next_tier(world):
    # Reminder 30 min before the first-response deadline of 1 h, then the breach; the clock is
    # moved forward by the test instead of waited for.
    await world.set_config(
        CONFIG
        + "  reminder_before: 30m\n  deadlines:\n    high: {first_response: 1h, resolution: 1d}\n"
    )
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice)
    mod_role = world.guild.role("Moderator")
    await pass_time(world, ticket.id, 31 * 60)
    reminder = await world.sb.wait_for_message(
        thread, where=lambda d: d["content"].startswith("⏰")
    )
    assert f"<@&{mod_role.id}>" in reminder["content"]  # unclaimed: the tier is reminded
    assert not auto_moves(world, thread)  # the reminder comes first, alone
    await pass_time(world, ticket.id, 30 * 60)
    moved = await world.sb.wait_for_message(thread, where=lambda d: "automatically" in d["content"])
    assert f"<@&{world.guild.role('Manager').id}>" in moved["content"]
    assert world.manager.id in thread.thread_members
    stored = await world.bot.get_cog("complaints").store.get(world.guild.id, ticket.id)
    assert (stored.tier, stored.status.value, stored.epoch) == (1, "escalated", 1)


async def test_restart_during_a_deadline_still_escalates_once(world):
    await world.set_config(
        CONFIG + "  deadlines:\n    high: {first_response: 3s, resolution: 1h}\n"
    )
    ticket, thread = await opened_ticket(world, world.member("alice"))
    await world.restart()
    await world.sb.wait_for_message(
        thread, timeout=10, where=lambda d: "automatically" in d["content"]
    )
    stored = await world.bot.get_cog("complaints").store.get(world.guild.id, ticket.id)
    assert (stored.tier, stored.epoch) == (1, 1)
    assert len(auto_moves(world, thread)) == 1


async def test_breach_during_downtime_escalates_exactly_once_at_start(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice)
    await world.stop()
    # Five days pass while Vigie is down: both clocks of tier 0 breach, reminders go stale.
    with sqlite3.connect(world.db_path) as db:
        db.execute(
            "UPDATE complaints_tickets SET opened_at = opened_at - ?,"
            " tier_started_at = tier_started_at - ? WHERE id = ?",
            (5 * DAY, 5 * DAY, ticket.id),
        )
        db.execute(
            "UPDATE timers SET due_at = due_at - ? WHERE kind = 'complaints_deadline'", (5 * DAY,)
        )
    await world.start()
    moved = await world.sb.wait_for_message(thread, where=lambda d: "automatically" in d["content"])
    assert world.t("complaints.clock.first_response") in moved["content"]
    assert world.t("complaints.clock.resolution") in moved["content"]
    cog = world.bot.get_cog("complaints")
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert (stored.tier, stored.epoch) == (1, 1)
    assert await cog.store.marks(world.guild.id, ticket.id, 0) == {
        "remind_first",
        "breach_first",
        "remind_resolution",
        "breach_resolution",
    }
    # No stale reminder was sent, and the next tier's clock starts now, not five days ago.
    assert not [m for m in world.sb.messages(thread) if m["content"].startswith("⏰")]
    [pending] = await world.bot.timers.pending(world.guild.id, "complaints_deadline")
    assert pending.due_at > datetime.now(UTC) + timedelta(hours=1)  # high: 2h, reminder 30m before
    # Another restart finds nothing due: still exactly one escalation.
    await world.restart()
    [pending] = await world.bot.timers.pending(world.guild.id, "complaints_deadline")
    assert pending.due_at > datetime.now(UTC) + timedelta(hours=1)  # high: 2h, reminder 30m before
    assert len(auto_moves(world, thread)) == 1
    stored = await world.bot.get_cog("complaints").store.get(world.guild.id, ticket.id)
    assert stored.tier == 1


async def test_the_same_deadline_firing_twice_at_once_acts_once(world):
    await world.set_config(CONFIG)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    cog = world.bot.get_cog("complaints")
    await world.bot.db.execute(
        "UPDATE complaints_tickets SET opened_at = opened_at - ?, tier_started_at = tier_started_at - ?"
        " WHERE guild_id = ? AND id = ?",
        (3 * 3600, 3 * 3600, world.guild.id, ticket.id),
    )
    now = datetime.now(UTC)
    timer = Timer(
        0,
        world.guild.id,
        "complaints_deadline",
        str(ticket.id),
        now,
        {"ticket_id": ticket.id, "epoch": 0},
        now,
    )
    await asyncio.gather(cog.desk.on_deadline(timer), cog.desk.on_deadline(timer))
    await cog.desk.on_deadline(timer)
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert stored.tier == 1
    await world.sb.wait_for_message(thread, where=lambda d: "automatically" in d["content"])
    assert len(auto_moves(world, thread)) == 1
    assert await cog.store.marks(world.guild.id, ticket.id, 0) == {"remind_first", "breach_first"}


async def test_a_first_response_being_recorded_at_shutdown_is_not_lost(world):
    await world.set_config(CONFIG)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    cog = world.bot.get_cog("complaints")
    answered = datetime.now(UTC)
    started = asyncio.Event()

    async def slow_first_response():
        started.set()
        # A busy database: the staff answer is still being recorded when the bot is told to stop.
        await asyncio.sleep(0.5)
        await upkeep.first_response(cog.desk, world.guild.id, ticket.id, answered)

    cog.desk.spawn(slow_first_response())
    await started.wait()
    await world.stop()
    with sqlite3.connect(world.db_path) as db:
        [(responded,)] = db.execute(
            "SELECT tier_responded_at FROM complaints_tickets WHERE id = ?", (ticket.id,)
        ).fetchall()
    assert responded == answered.timestamp()
    assert [r for r in world.logs if r.levelname == "ERROR"] == []
