"""Feedback form end to end: modal, thank-you, anonymity, staff replies by DM, own entries."""

from __future__ import annotations

import asyncio

INBOX_CONFIG = "feedback:\n  channels:\n    inbox: feedback\n"


async def _send_form(actor, values, **options):
    r = await actor.slash("feedback", **options)
    opened = await r.response()
    assert opened.modal is not None
    submitted = await actor.submit_modal(r, values)
    return opened, await submitted.response()


async def test_form_stores_entry_thanks_member_and_posts_to_inbox(world):
    await world.set_config(INBOX_CONFIG)
    alice = world.member("alice")
    opened, reply = await _send_form(alice, {"category": "2", "rating": "4", "text": "Great vibe"})
    assert opened.modal["title"] == world.t("feedback.form.title")
    assert reply.ephemeral
    assert reply.content == world.t("feedback.form.thanks", id=1)
    [entry] = await world.bot.get_cog("feedback").store.entries_of(world.guild.id, alice.id)
    assert (entry.category, entry.rating, entry.text, entry.author_id) == (
        "community",
        4,
        "Great vibe",
        alice.id,
    )
    inbox = world.guild.channel("feedback")
    await world.sb.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        where=lambda rec: rec.params.get("channel_id") == str(inbox.id),
    )
    [posted] = world.sb.messages(inbox)
    assert str(alice.id) in str(posted["embeds"][0])


async def test_startup_arms_digest_timers_without_errors(world):
    await asyncio.wait_for(world.bot.get_cog("feedback").digests_armed.wait(), 5)
    pending = {t.key for t in await world.bot.timers.pending(world.guild.id, "feedback_digest")}
    assert pending == {"week", "month"}
    errors = [r for r in world.logs if r.levelname == "ERROR" and "feedback" in r.name]
    assert errors == []
