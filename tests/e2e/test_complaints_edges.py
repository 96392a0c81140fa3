"""Complaints end to end: disputes, staff tools, and the edge cases (member leaves, thread deleted)."""

from __future__ import annotations

import asyncio

from tests.e2e.test_complaints_open import CONFIG, opened_ticket


async def test_member_leaving_flags_the_ticket_and_coming_back_clears_it(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice)
    cog = world.bot.get_cog("complaints")
    await alice.leave()
    await world.sb.wait_for_message(thread, where=lambda d: "has left the server" in d["content"])
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert stored.member_left and stored.is_open
    queue = await (await world.moderator.slash("tickets queue")).answer()
    assert world.t("complaints.queue.left_flag").strip(" ·") in queue.embeds[0]["description"]
    await world.sb.join("alice", guild=world.guild)
    await world.sb.wait_for_message(thread, where=lambda d: "is back on the server" in d["content"])
    assert not (await cog.store.get(world.guild.id, ticket.id)).member_left


async def test_thread_deleted_by_hand_closes_the_ticket_with_a_note(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice)
    # A moderator deletes the thread in their client: Discord sends THREAD_DELETE.
    await world.owner.delete_channel(thread)
    reports = world.guild.channel("reports")
    await world.sb.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        where=lambda rec: rec.params.get("channel_id") == str(reports.id),
    )
    cog = world.bot.get_cog("complaints")
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert stored.status.value == "closed"
    assert stored.resolution == world.t("complaints.place_deleted_resolution")
    assert await world.bot.timers.pending(world.guild.id, "complaints_deadline") == []
    history = await cog.store.history(world.guild.id, ticket.id)
    assert [e.kind for e in history if e.internal] == ["place_deleted"]


async def test_staff_tools_priority_participants_deescalate_and_on_behalf(world):
    await world.set_config(CONFIG)
    alice, bob = world.member("alice"), world.member("bob")
    mo, maya = world.moderator, world.manager
    # A moderator opens a ticket on behalf of alice, at urgent priority.
    r = await mo.slash("tickets open", member=alice, priority="urgent")
    await r.response()
    done = await mo.submit_modal(
        r,
        {
            "subject": "Reported by DM",
            "category": "general",
            "description": "She wrote to me privately",
        },
    )
    await done.followups(1)
    cog = world.bot.get_cog("complaints")
    [ticket] = await cog.store.open_tickets(world.guild.id)
    assert (ticket.member_id, ticket.opened_by, ticket.priority) == (alice.id, mo.id, "urgent")
    thread = world.guild.channels[ticket.channel_id]
    assert {alice.id, mo.id} <= set(thread.thread_members)
    # Priority, participants.
    changed = await (await mo.slash("ticket priority", in_channel=thread, level="low")).answer()
    assert changed.content == world.t("complaints.done.priority", number=1)
    assert (await cog.store.get(world.guild.id, ticket.id)).priority == "low"
    await (await mo.slash("ticket add", in_channel=thread, member=bob)).answer()
    assert bob.id in thread.thread_members
    await (await mo.slash("ticket remove", in_channel=thread, member=bob)).answer()
    assert bob.id not in thread.thread_members
    refused = await (await mo.slash("ticket remove", in_channel=thread, member=alice)).answer()
    assert refused.content == world.t("complaints.errors.cannot_remove_party")
    # Escalate by command, then de-escalate; the top and bottom are refused clearly.
    await (await mo.slash("ticket escalate", in_channel=thread, reason="Needs a manager")).answer()
    top = await (await maya.slash("ticket escalate", in_channel=thread, reason="more")).answer()
    assert top.content == world.t("complaints.errors.top_tier", number=1)
    down = await (
        await maya.slash("ticket deescalate", in_channel=thread, reason="Handled below")
    ).answer()
    assert down.content == world.t("complaints.done.moved", number=1)
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert (stored.tier, stored.status.value) == (0, "open")
    # Outside a ticket thread, a number is needed.
    lost = await (await mo.slash("ticket claim")).answer()
    assert lost.content == world.t("complaints.errors.no_ticket_here")
    by_number = await (await mo.slash("ticket claim", number=1)).answer()
    assert by_number.content == world.t("complaints.done.claimed", number=1)


async def test_dispute_with_both_statements_and_an_outcome_linked_to_a_case(world):
    await world.set_config(CONFIG)
    bob, carol, mo = world.member("bob"), world.member("carol"), world.moderator
    r = await bob.slash("dispute", member=carol)
    opened = await r.response()
    assert opened.modal["title"] == world.t("complaints.form.dispute_title")
    done = await bob.submit_modal(r, {"subject": "Stolen idea", "statement": "Carol copied my art"})
    await done.followups(1)
    cog = world.bot.get_cog("complaints")
    [ticket] = await cog.store.open_tickets(world.guild.id)
    assert (ticket.kind.value, ticket.member_id, ticket.other_party_id) == (
        "dispute",
        bob.id,
        carol.id,
    )
    thread = world.guild.channels[ticket.channel_id]
    assert {bob.id, carol.id, mo.id} <= set(thread.thread_members)
    header = world.sb.messages(thread)[0]
    click = await carol.click(header, world.t("complaints.button.state"))
    await click.response()
    stated = await (await carol.submit_modal(click, {"statement": "We drew it together"})).answer()
    assert stated.content == world.t("complaints.done.stated")
    outsider = await (
        await world.member("dave").click(header, world.t("complaints.button.state"))
    ).answer()
    assert outsider.content == world.t("complaints.errors.not_party")
    views = {s.member_id: s.text for s in await cog.store.statements(world.guild.id, ticket.id)}
    assert views == {bob.id: "Carol copied my art", carol.id: "We drew it together"}
    await (await mo.click(header, world.t("complaints.button.claim"))).answer()
    linked = asyncio.ensure_future(world.bot.wait_for("complaint_case_linked", timeout=5))
    r = await mo.slash(
        "ticket close", in_channel=thread, resolution="Shared credit agreed", case="42"
    )
    [closed] = await r.followups(1)
    linked_ticket, linked_case = await linked
    assert (linked_ticket.id, linked_case) == (ticket.id, "42")
    assert closed.content == world.t("complaints.done.closed", number=1)
    assert await cog.store.policy_case(world.guild.id, ticket.id) == "42"
    closing = world.sb.messages(thread)[-1]
    assert world.t("complaints.case_link", case="42") in closing["content"]


async def test_staff_open_a_mediation_for_two_members(world):
    await world.set_config(CONFIG)
    bob, carol, mo = world.member("bob"), world.member("carol"), world.moderator
    same = await (await mo.slash("tickets dispute", first=bob, second=bob)).answer()
    assert same.content == world.t("complaints.errors.bad_party")
    r = await mo.slash("tickets dispute", first=bob, second=carol)
    await r.response()
    done = await mo.submit_modal(r, {"subject": "Shouting match", "statement": "Seen in #general"})
    await done.followups(1)
    cog = world.bot.get_cog("complaints")
    [ticket] = await cog.store.open_tickets(world.guild.id)
    assert (ticket.member_id, ticket.other_party_id, ticket.opened_by) == (bob.id, carol.id, mo.id)
    assert await cog.store.statements(world.guild.id, ticket.id) == []  # staff's context is no side
    thread = world.guild.channels[ticket.channel_id]
    assert {bob.id, carol.id, mo.id} <= set(thread.thread_members)
    assert thread.name == "dispute-0001"


async def test_attachments_in_transcript_and_reopen_window_expiry(world):
    await world.set_config(CONFIG + "  reopen_window: 1h\n")
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice)
    await alice.upload(thread, [("screenshot.png", b"\x89PNG fake")], content="Proof")
    r = await world.moderator.slash("ticket close", in_channel=thread, resolution="Handled")
    await r.followups(1)
    reports = world.guild.channel("reports")
    [post] = [m for m in world.sb.messages(reports) if m["attachments"]]
    msg = world.sb.world.messages[reports.id][int(post["id"])]
    text = {a.filename: a.data.decode() for a in msg.attachments}["ticket-0001.txt"]
    assert "Proof" in text and "screenshot.png" in text
    # Two hours later the window is over: reopening is refused clearly.
    await world.bot.db.execute(
        "UPDATE complaints_tickets SET closed_at = closed_at - 7200 WHERE guild_id = ? AND id = ?",
        (world.guild.id, ticket.id),
    )
    late = await (await alice.slash("ticket reopen", number=1)).answer()
    assert late.content == world.t("complaints.errors.reopen_expired", number=1)
    stranger = await (await world.member("eve").slash("ticket reopen", number=1)).answer()
    assert stranger.content == world.t("complaints.errors.staff_only")


async def test_disabled_feature_refuses_to_open(world):
    await world.set_config("complaints:\n  enabled: false\n")
    r = await world.member("alice").slash("complaint")
    refused = await r.response()
    assert refused.content == world.t("complaints.errors.disabled")


async def test_thread_deleted_while_offline_closes_the_ticket_at_start(world):
    await world.set_config(CONFIG)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    await world.stop()
    await world.owner.delete_channel(thread)  # gone, and no client was there to hear it
    await world.start()
    reports = world.guild.channel("reports")
    await world.sb.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        where=lambda rec: rec.params.get("channel_id") == str(reports.id),
    )
    stored = await world.bot.get_cog("complaints").store.get(world.guild.id, ticket.id)
    assert stored.status.value == "closed"
    assert stored.resolution == world.t("complaints.place_deleted_resolution")


async def test_someone_leaving_the_thread_is_in_the_transcript(world):
    await world.set_config(CONFIG)
    alice, bob = world.member("alice"), world.member("bob")
    ticket, thread = await opened_ticket(world, alice)
    await (await world.moderator.slash("ticket add", in_channel=thread, member=bob)).answer()
    await (await world.moderator.slash("ticket remove", in_channel=thread, member=bob)).answer()
    mo_left = asyncio.ensure_future(
        world.bot.wait_for(
            "thread_member_remove", check=lambda m: m.id == world.moderator.id, timeout=5
        )
    )
    await asyncio.sleep(0)  # let wait_for register before the event can arrive
    await world.moderator.leave_thread(thread)  # mo leaves from their client
    await mo_left
    cog = world.bot.get_cog("complaints")
    await cog.desk.history.flush()
    kinds = [(e.kind, e.author_id) for e in await cog.store.history(world.guild.id, ticket.id)]
    assert ("left", world.moderator.id) in kinds
    assert ("leave", bob.id) in kinds and ("left", bob.id) not in kinds  # no echo of our own
