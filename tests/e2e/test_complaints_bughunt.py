"""Complaints end to end: bugs found by hunting (each test failed before its fix)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from cogs.complaints import tickets as tk
from cogs.complaints.cog import NOTE_MAX
from cogs.complaints.forms import STATEMENT_MAX
from tests.e2e.test_complaints_deadlines import pass_time
from tests.e2e.test_complaints_open import CONFIG, open_complaint, opened_ticket


async def test_a_ticket_whose_thread_was_deleted_is_not_reopened_into_nowhere(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice)
    cog = world.bot.get_cog("complaints")
    closed = asyncio.ensure_future(world.bot.wait_for("complaint_closed", timeout=5))
    await asyncio.sleep(0)  # let wait_for register before the event can arrive
    await world.owner.delete_channel(thread)
    await closed
    # Still within the reopen window, but there is no thread to talk in any more.
    refused = await (await alice.slash("ticket reopen", number=ticket.number)).answer()
    assert refused.content == world.t("complaints.errors.place_missing")
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert stored.status.value == "closed"
    assert thread.id not in cog.desk.watched


async def test_a_long_resolution_by_command_keeps_the_rating_prompt(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice)
    mo = world.moderator
    # The close form caps a resolution at 1500 characters; the command must too, or the
    # closing message is cut at Discord's 2000 and the member never reads the rating prompt.
    with pytest.raises(ValueError, match="max_length"):
        await mo.slash("ticket close", in_channel=thread, resolution="x" * 1950)
    r = await mo.slash("ticket close", in_channel=thread, resolution="y" * 1500)
    await r.followups(1)
    closing = world.sb.messages(thread)[-1]
    assert "y" * 1500 in closing["content"]
    prompt = world.t("complaints.rate_prompt", member=f"<@{alice.id}>")
    assert closing["content"].endswith(prompt)


@pytest.mark.parametrize(
    ("command", "option", "longest", "posted_in"),
    [("ticket escalate", "reason", 500, None), ("ticket note", "text", NOTE_MAX, "reports")],
)
async def test_a_long_reason_or_note_by_command_is_posted_whole(
    world, command, option, longest, posted_in
):
    await world.set_config(CONFIG)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    mo = world.moderator
    with pytest.raises(ValueError, match="max_length"):
        await mo.slash(command, in_channel=thread, **{option: "x" * 1950})
    await (await mo.slash(command, in_channel=thread, **{option: "z" * longest})).answer()
    place = world.guild.channel(posted_in) if posted_in else thread
    assert any(m["content"].endswith("z" * longest) for m in world.sb.messages(place))


async def test_same_priority_refusal_names_the_priority_in_the_server_language(world):
    await world.set_config(CONFIG)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    assert ticket.priority == "high"
    await world.set_config("locale: fr\n" + CONFIG)
    mo = world.moderator
    same = await (await mo.slash("ticket priority", in_channel=thread, level="high")).answer()
    assert same.content == "La priorité est déjà haute."


THREE_TIERS = CONFIG + (
    "  tiers:\n"
    "    - {name: moderators, role: Moderator}\n"
    "    - {name: managers, role: Manager}\n"
    "    - {name: owners, role: Owners}\n"
)


async def test_two_moderators_escalating_at_once_move_the_ticket_up_one_tier(world):
    await world.set_config(THREE_TIERS)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    mo, mia = world.moderator, world.member("mia", roles=["Moderator"])
    header = world.sb.messages(thread)[0]
    # mia opens the escalate form; while she types, mo escalates by command.
    click = await mia.click(header, world.t("complaints.button.escalate"))
    await click.response()
    await (await mo.slash("ticket escalate", in_channel=thread, reason="Needs a manager")).answer()
    late = await (await mia.submit_modal(click, {"reason": "Managers should see this"})).answer()
    assert late.content == world.t("complaints.errors.moved_meanwhile", number=1, tier="managers")
    stored = await world.bot.get_cog("complaints").store.get(world.guild.id, ticket.id)
    assert stored.tier == 1


async def test_an_automatic_escalation_racing_a_command_moves_the_ticket_one_tier(
    world, monkeypatch
):
    await world.set_config(THREE_TIERS)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    cog = world.bot.get_cog("complaints")
    save = cog.store.save
    raced = []

    async def deadline_wins(old, new):
        # The breach timer saves its escalation between the command's read and its write.
        if not raced:
            raced.append(True)
            assert await save(old, tk.escalate(old, datetime.now(UTC), top_tier=2))
        return await save(old, new)

    monkeypatch.setattr(cog.store, "save", deadline_wins)
    r = await world.moderator.slash("ticket escalate", in_channel=thread, reason="Needs a manager")
    refused = await r.answer()
    assert refused.content == world.t(
        "complaints.errors.moved_meanwhile", number=1, tier="managers"
    )
    assert (await cog.store.get(world.guild.id, ticket.id)).tier == 1


async def test_a_ticket_staff_opened_for_a_member_does_not_start_her_cooldown(world):
    await world.set_config(CONFIG + "  cooldown: 1h\n  max_open: 5\n")
    alice, mo = world.member("alice"), world.moderator
    r = await mo.slash("tickets open", member=alice)
    await r.response()
    fields = {"subject": "Reported by DM", "category": "general", "description": "Seen"}
    await (await mo.submit_modal(r, fields)).followups(1)
    # Alice has not opened a ticket herself: her own complaint goes through.
    ticket, _ = await opened_ticket(world, alice, subject="My own")
    assert (ticket.number, ticket.opened_by) == (2, alice.id)


async def test_reopening_cannot_take_a_member_past_the_open_limit(world):
    await world.set_config(CONFIG + "  cooldown: null\n  max_open: 1\n")
    alice, mo = world.member("alice"), world.moderator
    first, thread = await opened_ticket(world, alice)
    await (await mo.slash("ticket close", in_channel=thread, resolution="Done")).followups(1)
    await opened_ticket(world, alice, subject="Another thing")
    refused = await (await alice.slash("ticket reopen", number=first.number)).answer()
    assert refused.content == world.t("complaints.errors.too_many", max=1)
    cog = world.bot.get_cog("complaints")
    assert not (await cog.store.get(world.guild.id, first.id)).is_open
    # Staff may still reopen it for her, as they may open tickets for her.
    back = await (await mo.slash("ticket reopen", number=first.number)).answer()
    assert back.content == world.t("complaints.done.reopened", number=first.number)


async def test_a_long_statement_is_shown_whole_in_the_mediation(world):
    await world.set_config(CONFIG)
    bob, carol = world.member("bob"), world.member("carol")
    r = await bob.slash("dispute", member=carol)
    await r.response()
    # The form stops a statement that would not fit in one message with its "view of" line.
    with pytest.raises(ValueError, match="at most"):
        await bob.submit_modal(r, {"subject": "Art", "statement": "b" * 2000})
    done = await bob.submit_modal(r, {"subject": "Art", "statement": "b" * STATEMENT_MAX})
    await done.followups(1)
    cog = world.bot.get_cog("complaints")
    [ticket] = await cog.store.open_tickets(world.guild.id)
    thread = world.guild.channels[ticket.channel_id]
    click = await carol.click(world.sb.messages(thread)[0], world.t("complaints.button.state"))
    await click.response()
    with pytest.raises(ValueError, match="at most"):
        await carol.submit_modal(click, {"statement": "c" * 2000})
    await (await carol.submit_modal(click, {"statement": "c" * STATEMENT_MAX})).answer()
    said = [m["content"] for m in world.sb.messages(thread)]
    assert any(text.endswith("b" * STATEMENT_MAX) for text in said)
    assert any(text.endswith("c" * STATEMENT_MAX) for text in said)


async def test_a_reminder_for_a_claimant_who_left_goes_to_the_tier(world):
    await world.set_config(
        CONFIG + "  deadlines:\n    high: {first_response: 1h, resolution: 1d}\n"
    )
    ticket, thread = await opened_ticket(world, world.member("alice"))
    mo = world.moderator
    await (await mo.slash("ticket claim", in_channel=thread)).answer()
    await world.stop()
    await mo.leave()  # while Vigie is offline: nothing hands the claim back
    await world.start()
    await pass_time(world, ticket.id, 31 * 60)
    reminder = await world.sb.wait_for_message(
        thread, where=lambda d: d["content"].startswith("⏰")
    )
    # Nobody would read a ping to someone gone: the tier is reminded instead.
    assert f"<@&{world.guild.role('Moderator').id}>" in reminder["content"]
    assert f"<@{mo.id}>" not in reminder["content"]


async def test_a_ticket_that_cannot_be_set_up_leaves_no_empty_thread_behind(world):
    await world.set_config(CONFIG)
    world.sb.faults.error(
        "PUT /channels/{channel_id}/thread-members/{user_id}", status=403, code=50013, times=1
    )
    _, done = await open_complaint(world.member("alice"))
    [refused] = await done.followups(1)
    assert refused.content == world.t("complaints.errors.cannot_create_place")
    assert not [c for c in world.guild.channels.values() if c.name == "ticket-0001"]


async def test_a_member_blocked_after_her_ticket_closed_cannot_reopen_it(world):
    world.sb.create_role(world.guild, "No tickets")
    await world.set_config(CONFIG + "  blocked_role: No tickets\n")
    alice, mo = world.member("alice"), world.moderator
    ticket, thread = await opened_ticket(world, alice)
    await (await mo.slash("ticket close", in_channel=thread, resolution="Done")).followups(1)
    await world.owner.set_roles(alice, add=["No tickets"])
    refused = await (await alice.slash("ticket reopen", number=ticket.number)).answer()
    assert refused.content == world.t("complaints.errors.blocked")
    cog = world.bot.get_cog("complaints")
    assert not (await cog.store.get(world.guild.id, ticket.id)).is_open


async def test_a_claimant_leaving_the_server_gives_the_ticket_back_to_the_tier(world):
    await world.set_config(CONFIG)
    ticket, thread = await opened_ticket(world, world.member("alice"))
    mo, mia = world.moderator, world.member("mia", roles=["Moderator"])
    await (await mo.slash("ticket claim", in_channel=thread)).answer()
    await mo.leave()
    role = world.guild.role("Moderator")
    back = world.t("complaints.claimant_left", who=f"<@{mo.id}>", number=1, role=f"<@&{role.id}>")
    await world.sb.wait_for_message(thread, where=lambda d: d["content"] == back)
    cog = world.bot.get_cog("complaints")
    stored = await cog.store.get(world.guild.id, ticket.id)
    assert (stored.status.value, stored.claimant_id) == ("open", None)
    taken = await (await mia.slash("ticket claim", in_channel=thread)).answer()
    assert taken.content == world.t("complaints.done.claimed", number=1)
