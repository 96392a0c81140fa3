"""Complaint deadlines reach the analytics reports: met when staff answer in time, missed on a
breach (the neutral ``analytics_event`` the analytics package documents)."""

from __future__ import annotations

import asyncio

from tests.e2e.test_complaints_deadlines import pass_time
from tests.e2e.test_complaints_open import CONFIG, opened_ticket


def deadline_events(world):
    seen: list[float] = []

    async def on_analytics_event(guild_id, kind, user_id=None, value=None):
        if kind == "ticket_deadline":
            seen.append(value)

    world.bot.add_listener(on_analytics_event)
    return seen


async def test_answer_in_time_then_close_counts_two_met_deadlines(world):
    await world.set_config(CONFIG)
    seen = deadline_events(world)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    answered = asyncio.ensure_future(world.bot.wait_for("complaint_first_response", timeout=5))
    await world.moderator.say(thread, "We are on it.")
    await answered
    closed = asyncio.ensure_future(world.bot.wait_for("complaint_closed", timeout=5))
    r = await world.moderator.slash(
        "ticket close", in_channel=thread, resolution="Sorted out", number=ticket.number
    )
    await r.response()
    await closed
    assert seen == [1, 1]
    r = await world.manager.slash("stats summary", period="7d")
    message = (await r.followups(1, timeout=30))[0]
    fields = {f["name"]: f["value"] for f in message.embeds[0]["fields"]}
    assert "Ticket deadlines met: **100%**" in fields["Community health"]


async def test_a_breach_counts_as_a_missed_deadline(world):
    await world.set_config(
        CONFIG + "  deadlines:\n    high: {first_response: 1h, resolution: 1d}\n"
    )
    seen = deadline_events(world)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    await pass_time(world, ticket.id, 61 * 60)  # the hour runs out, without waiting for it
    await world.sb.wait_for_message(
        thread, timeout=10, where=lambda d: "automatically" in d["content"]
    )
    assert seen == [0]
