"""Complaints end to end under a slow Discord: every interaction is answered in time.

Discord gives an interaction 3 seconds for its first answer (the sandbox enforces it:
10062 after that). Commands that talk to Discord several times must acknowledge first and do
that work after, so here Discord is made slow and the order of the recorded calls is checked.
"""

from __future__ import annotations

from tests.e2e.test_complaints_open import CONFIG, opened_ticket

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
THREAD_MEMBER = "/channels/{channel_id}/thread-members/{user_id}"
MESSAGES = "/channels/{channel_id}/messages"


def _callback(record):
    [call] = [r for r in record.requests if r.route == CALLBACK]
    return call


def _calls_after(world, start, method, route):
    return [r for r in world.sb.requests[start:] if r.method == method and r.route == route]


async def test_escalate_to_a_large_tier_answers_before_adding_its_members(make_world):
    world = await make_world(start=False)
    # Made before the bot connects, so that its cache knows them as the role's members.
    managers = [world.member(f"manager{i:02d}", roles=["Manager"]) for i in range(12)]
    await world.start()
    await world.set_config(CONFIG)
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice)
    # 13 managers added one request each at 0.3 s: about 4 s, past Discord's 3 s window.
    world.sb.faults.slow(f"PUT {THREAD_MEMBER}", seconds=0.3)
    start = len(world.sb.requests)
    r = await world.moderator.slash("ticket escalate", in_channel=thread, reason="Needs a ban")
    reply = await r.answer(timeout=15)
    assert reply.content == world.t("complaints.done.moved", number=ticket.number)
    assert reply.ephemeral
    first = await r.response()
    assert first.type == 5 and first.ephemeral  # acknowledged ("thinking"), then followed up
    callback = _callback(r)
    assert callback.status == 200
    adds = _calls_after(world, start, "PUT", THREAD_MEMBER)
    assert len(adds) == len(managers) + 1  # maya too
    assert callback.at < min(a.at for a in adds)
    assert {m.id for m in managers} <= set(thread.thread_members)


async def test_handling_commands_and_buttons_answer_before_talking_to_discord(world):
    await world.set_config(CONFIG)
    alice, bob = world.member("alice"), world.member("bob")
    mo = world.moderator
    ticket, thread = await opened_ticket(world, alice)
    header = world.sb.messages(thread)[0]
    # Each of these posts in the ticket (or the staff log): that post must follow the answer.
    steps = [
        (lambda: mo.click(header, world.t("complaints.button.claim")), "claimed"),
        (lambda: mo.slash("ticket unclaim", in_channel=thread), "unclaimed"),
        (lambda: mo.slash("ticket claim", in_channel=thread), "claimed"),
        (lambda: mo.slash("ticket priority", in_channel=thread, level="low"), "priority"),
        (lambda: mo.slash("ticket note", in_channel=thread, text="seen before"), "noted"),
        (lambda: mo.slash("ticket add", in_channel=thread, member=bob), "added"),
        (lambda: mo.slash("ticket remove", in_channel=thread, member=bob), "removed"),
    ]
    world.sb.faults.slow(f"POST {MESSAGES}", seconds=0.2)
    for act, done in steps:
        start = len(world.sb.requests)
        r = await act()
        reply = await r.answer()
        assert reply.ephemeral
        assert reply.content == world.t(f"complaints.done.{done}", number=1, who=bob.mention)
        posts = _calls_after(world, start, "POST", MESSAGES)
        assert posts, done
        assert _callback(r).at < min(p.at for p in posts), done


async def test_close_reopen_and_statement_answer_first(world):
    await world.set_config(CONFIG)
    alice, bob = world.member("alice"), world.member("bob")
    r = await alice.slash("dispute", member=bob)
    await r.response()
    done = await alice.submit_modal(r, {"subject": "Stolen idea", "statement": "Bob copied me"})
    await done.followups(1)
    cog = world.bot.get_cog("complaints")
    [ticket] = await cog.store.open_tickets(world.guild.id)
    thread = world.guild.channels[ticket.channel_id]
    header = world.sb.messages(thread)[0]
    world.sb.faults.slow(f"POST {MESSAGES}", seconds=0.2)
    # Bob's statement, through the button's modal.
    click = await bob.click(header, world.t("complaints.button.state"))
    await click.response()
    start = len(world.sb.requests)
    stated = await bob.submit_modal(click, {"statement": "I did not"})
    assert (await stated.answer()).content == world.t("complaints.done.stated")
    posts = _calls_after(world, start, "POST", MESSAGES)
    assert posts and _callback(stated).at < min(p.at for p in posts)
    # Close by command, then reopen with the button under the closing message.
    start = len(world.sb.requests)
    r = await world.moderator.slash("ticket close", in_channel=thread, resolution="Talked it out")
    assert (await r.answer()).content == world.t("complaints.done.closed", number=1)
    posts = _calls_after(world, start, "POST", MESSAGES)
    assert posts and _callback(r).at < min(p.at for p in posts)
    closing = world.sb.messages(thread)[-1]
    start = len(world.sb.requests)
    back = await alice.click(closing, world.t("complaints.button.reopen"))
    assert (await back.answer()).content == world.t("complaints.done.reopened", number=1)
    posts = _calls_after(world, start, "POST", MESSAGES)
    assert posts and _callback(back).at < min(p.at for p in posts)
