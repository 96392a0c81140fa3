"""Complaints end to end: bugs found by hunting (each test failed before its fix)."""

from __future__ import annotations

from tests.e2e.test_complaints_open import CONFIG, opened_ticket


async def test_a_ticket_whose_thread_was_deleted_is_not_reopened_into_nowhere(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice)
    cog = world.bot.get_cog("complaints")
    await world.owner.delete_channel(thread)
    reports = world.guild.channel("reports")
    await world.sb.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        where=lambda rec: rec.params.get("channel_id") == str(reports.id),
    )
    # Still within the reopen window, but there is no thread to talk in any more.
    refused = await (await alice.slash("ticket reopen", number=ticket.number)).answer()
    assert refused.content == world.t("complaints.errors.place_missing")
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert stored.status.value == "closed"
    assert thread.id not in cog.desk.watched
