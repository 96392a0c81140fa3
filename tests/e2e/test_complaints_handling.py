"""Complaints end to end: claim (and the claim race), escalation, notes, close, rating, reopen."""

from __future__ import annotations

import asyncio

from tests.e2e.test_complaints_open import CONFIG, opened_ticket


def header_of(world, thread):
    return world.sb.messages(thread)[0]


def files_of(world, channel, message_json):
    """(filename -> text) of a message's attachments, read from the sandbox's store."""
    msg = world.sb.world.messages[channel.id][int(message_json["id"])]
    return {a.filename: a.data.decode("utf-8") for a in msg.attachments}


async def test_two_staff_press_claim_at_once_one_wins_the_other_is_told(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    mia = world.member("mia", roles=["Moderator"])
    ticket, thread = await opened_ticket(world, alice)
    header = header_of(world, thread)
    label = world.t("complaints.button.claim")
    clicks = await asyncio.gather(world.moderator.click(header, label), mia.click(header, label))
    answers = [await c.answer() for c in clicks]
    cog = world.bot.get_cog("complaints")
    stored = await cog.store.get(world.guild.id, ticket.id)
    winner = world.moderator if stored.claimant_id == world.moderator.id else mia
    texts = sorted(a.content for a in answers)
    assert texts == sorted(
        [
            world.t("complaints.done.claimed", number=1),
            world.t("complaints.errors.already_claimed", number=1, by=winner.mention),
        ]
    )
    assert all(a.ephemeral for a in answers)
    claims = [m for m in world.sb.messages(thread) if "has taken ticket" in m["content"]]
    assert len(claims) == 1  # one winner, announced once


async def test_claim_escalate_note_close_rate_and_reopen(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    mo, maya = world.moderator, world.manager
    ticket, thread = await opened_ticket(world, alice)
    cog = world.bot.get_cog("complaints")
    header = header_of(world, thread)
    # Members cannot handle their own ticket.
    refused = await (await alice.click(header, world.t("complaints.button.claim"))).answer()
    assert refused.content == world.t("complaints.errors.staff_only")
    done = await (await mo.click(header, world.t("complaints.button.claim"))).answer()
    assert done.content == world.t("complaints.done.claimed", number=1)
    # A staff message is the first response.
    answered = asyncio.ensure_future(world.bot.wait_for("complaint_first_response", timeout=5))
    await alice.say(thread, "Any news?")
    await mo.say(thread, "Looking into it now.")
    await answered
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert stored.first_response_at is not None and stored.tier_responded_at is not None
    # Escalate with a reason through the button's modal: managers are added and told why.
    click = await mo.click(header, world.t("complaints.button.escalate"))
    modal = await click.response()
    assert modal.modal is not None
    moved = await (await mo.submit_modal(click, {"reason": "Needs a ban decision"})).answer()
    assert moved.content == world.t("complaints.done.moved", number=1)
    assert maya.id in thread.thread_members
    manager_role = world.guild.role("Manager")
    told = [m for m in world.sb.messages(thread) if "Needs a ban decision" in m["content"]]
    assert len(told) == 1 and f"<@&{manager_role.id}>" in told[0]["content"]
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert (stored.tier, stored.status.value, stored.claimant_id) == (1, "escalated", None)
    # An internal note goes to the staff log only.
    noted = await (
        await maya.slash("ticket note", in_channel=thread, text="Prior warnings: 3")
    ).answer()
    assert noted.content == world.t("complaints.done.noted", number=1)
    assert not any("Prior warnings" in m["content"] for m in world.sb.messages(thread))
    reports = world.guild.channel("reports")
    assert any("Prior warnings" in m["content"] for m in world.sb.messages(reports))
    await alice.edit(await alice.say(thread, "typo"), "fixed text")
    # Close with a resolution through the modal.
    click = await maya.click(header, world.t("complaints.button.close"))
    await click.response()
    submitted = await maya.submit_modal(click, {"resolution": "Warned and muted for a week."})
    [closed_reply] = await submitted.followups(1)
    assert closed_reply.content == world.t("complaints.done.closed", number=1)
    assert thread.locked
    closing = world.sb.messages(thread)[-1]
    assert "Warned and muted for a week." in closing["content"]
    log_posts = [m for m in world.sb.messages(reports) if m["attachments"]]
    assert len(log_posts) == 1
    staff_files = files_of(world, reports, log_posts[0])
    assert set(staff_files) == {"ticket-0001.html", "ticket-0001.txt"}
    text = staff_files["ticket-0001.txt"]
    assert "Member: Alice" in text
    for piece in (
        "Any news?",
        "Looking into it now.",
        "Needs a ban decision",
        "Prior warnings: 3",
        "fixed text",
    ):
        assert piece in text, piece
    assert (
        text.index("Any news?") < text.index("Looking into it now.") < text.index("Prior warnings")
    )
    [dm] = [m for m in world.sb.dms(alice.user) if m["attachments"]]
    member_files = files_of(world, world.sb.world.dm_channel(alice.user), dm)
    assert "Looking into it now." in member_files["ticket-0001.txt"]
    assert "Prior warnings" not in member_files["ticket-0001.txt"]
    assert "Prior warnings" not in member_files["ticket-0001.html"]
    # The member rates the handling 4/5 with a comment; a second rating is refused.
    star = await alice.click(closing, "4")
    await star.response()
    rated = await (await alice.submit_modal(star, {"comment": "Quick, thanks"})).answer()
    assert rated.content == world.t("complaints.done.rated", score=4)
    assert (await cog.store.rating(world.guild.id, ticket.id)).score == 4
    again = await alice.click(closing, "5")
    await again.response()
    refused = await (await alice.submit_modal(again, {"comment": ""})).answer()
    assert refused.content == world.t("complaints.errors.already_rated")
    # Reopen within the window.
    back = await (await alice.click(closing, world.t("complaints.button.reopen"))).answer()
    assert back.content == world.t("complaints.done.reopened", number=1)
    assert not thread.locked
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert stored.status.value == "reopened" and stored.is_open


async def test_queue_and_stats(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    await opened_ticket(world, alice)
    queue = await (await world.moderator.slash("tickets queue")).answer()
    assert queue.ephemeral
    assert queue.embeds[0]["title"] == world.t("complaints.queue.title", count=1)
    assert "**#1** Noise" in queue.embeds[0]["description"]
    refused = await (await alice.slash("tickets queue")).answer()
    assert refused.content == world.t("complaints.errors.staff_only")
    stats_seen = asyncio.ensure_future(world.bot.wait_for("complaints_stats", timeout=5))
    stats = await (await world.moderator.slash("tickets stats", period="7d")).answer()
    guild_id, figures = await stats_seen
    assert guild_id == world.guild.id and figures["opened"] == 1 and figures["closed"] == 0
    assert stats.embeds[0]["title"] == world.t("complaints.stats.title", period="1w")
    keys = ("opened", "closed", "breaches", "first_response", "resolution", "satisfaction")
    fields = [(f["name"], f["value"]) for f in stats.embeds[0]["fields"]]
    assert [name for name, _ in fields] == [world.t(f"complaints.stats.{k}") for k in keys]
    assert fields[0][1] == "1" and fields[1][1] == "0"
    bad = await (await world.moderator.slash("tickets stats", period="soon")).answer()
    assert bad.content == world.t("complaints.errors.bad_period", period="soon")
