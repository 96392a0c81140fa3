"""Complaints end to end: opening a ticket (modal, private thread, limits, refusals)."""

from __future__ import annotations

import asyncio

import pytest

CONFIG = "complaints:\n  channel: support\n  log_channel: reports\n"


async def open_complaint(actor, subject="Noise", category="harassment", text="He yells at night"):
    r = await actor.slash("complaint")
    opened = await r.response()
    assert opened.modal is not None
    done = await actor.submit_modal(
        r, {"subject": subject, "category": category, "description": text}
    )
    return opened, done


async def opened_ticket(world, actor, **kw):
    """Open a complaint and return (ticket, thread) once the header is posted."""
    _, done = await open_complaint(actor, **kw)
    [reply] = await done.followups(1)
    cog = world.bot.get_cog("complaints")
    tickets = [t for t in await cog.store.open_tickets(world.guild.id) if t.member_id == actor.id]
    ticket = tickets[-1]
    assert reply.content == world.t(
        "complaints.opened.reply", number=ticket.number, place=f"<#{ticket.channel_id}>"
    )
    thread = world.guild.channels[ticket.channel_id]
    return ticket, thread


async def complaints_at_once(actor, count):
    """``count`` complaint forms filled in, then all sent in the same instant: the replies."""
    forms = [await actor.slash("complaint") for _ in range(count)]
    for form in forms:
        await form.response()
    sent = await asyncio.gather(
        *(
            actor.submit_modal(
                form, {"subject": f"Noise {i}", "category": "general", "description": "Loud"}
            )
            for i, form in enumerate(forms)
        )
    )
    return [(await s.followups(1))[0].content for s in sent]


async def test_complaint_opens_private_thread_with_member_and_first_tier(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    ticket, thread = await opened_ticket(world, alice)
    assert (ticket.number, ticket.priority, ticket.category, ticket.subject) == (
        1,
        "high",
        "harassment",
        "Noise",
    )
    assert thread.type == 12 and not thread.invitable  # private thread
    assert thread.parent_id == world.guild.channel("support").id
    assert alice.id in thread.thread_members and world.moderator.id in thread.thread_members
    assert world.manager.id not in thread.thread_members  # the second tier is not in yet
    [header] = world.sb.messages(thread)
    assert header["content"] == world.t(
        "complaints.opened.complaint",
        number=1,
        member=alice.mention,
        role=f"<@&{world.guild.role('Moderator').id}>",
    )
    labels = [c["label"] for row in header["components"] for c in row["components"]]
    assert labels == [
        world.t(f"complaints.button.{a}") for a in ("claim", "unclaim", "escalate", "close")
    ]
    assert header["embeds"][0]["description"] == "He yells at night"
    # The number is per server and keeps counting.
    bob = world.member("bob")
    second, _ = await opened_ticket(world, bob, category="general")
    assert (second.number, second.priority) == (2, "normal")
    timers = await world.bot.timers.pending(world.guild.id, "complaints_deadline")
    assert {t.key for t in timers} == {str(ticket.id), str(second.id)}


async def test_cooldown_limit_and_blocked_role_refuse_clearly(world):
    await world.set_config(CONFIG + "  cooldown: 1h\n  max_open: 1\n  blocked_role: Manager\n")
    alice = world.member("alice")
    await opened_ticket(world, alice)
    _, again = await open_complaint(alice, subject="Again")
    [refusal] = await again.followups(1)
    assert refusal.content == world.t("complaints.errors.too_many", max=1)
    blocked = world.member("blocked", roles=["Manager"])
    _, refused = await open_complaint(blocked)
    [answer] = await refused.followups(1)
    assert answer.content == world.t("complaints.errors.blocked")
    cog = world.bot.get_cog("complaints")
    assert len(await cog.store.open_tickets(world.guild.id)) == 1  # nothing half-written


async def test_cooldown_counts_from_the_last_ticket(world):
    await world.set_config(CONFIG + "  cooldown: 1h\n  max_open: 5\n")
    alice = world.member("alice")
    await opened_ticket(world, alice)
    _, again = await open_complaint(alice, subject="Again")
    [refusal] = await again.followups(1)
    assert refusal.content.startswith(world.t("complaints.errors.cooldown", when="")[:20])


async def test_disputes_count_toward_the_cooldown_and_the_limit(world):
    await world.set_config(CONFIG + "  cooldown: 1h\n  max_open: 5\n")
    alice, bob = world.member("alice"), world.member("bob")
    r = await alice.slash("dispute", member=bob)
    await r.response()
    done = await alice.submit_modal(r, {"subject": "Stolen idea", "statement": "Bob copied me"})
    await done.followups(1)
    r = await alice.slash("dispute", member=world.member("carol"))
    await r.response()
    again = await alice.submit_modal(r, {"subject": "Again", "statement": "And Carol too"})
    [refusal] = await again.followups(1)
    assert refusal.content.startswith(world.t("complaints.errors.cooldown", when="")[:20])
    _, complaint = await open_complaint(alice, subject="Meanwhile")
    [refusal] = await complaint.followups(1)
    assert refusal.content.startswith(world.t("complaints.errors.cooldown", when="")[:20])
    cog = world.bot.get_cog("complaints")
    assert len(await cog.store.open_tickets(world.guild.id)) == 1  # nothing half-written


async def test_complaints_sent_at_once_respect_the_open_limit(world):
    await world.set_config(CONFIG + "  cooldown: null\n  max_open: 1\n")
    replies = await complaints_at_once(world.member("alice"), 3)
    cog = world.bot.get_cog("complaints")
    [ticket] = await cog.store.open_tickets(world.guild.id)
    opened = world.t(
        "complaints.opened.reply", number=ticket.number, place=f"<#{ticket.channel_id}>"
    )
    too_many = world.t("complaints.errors.too_many", max=1)
    assert sorted(replies) == sorted([opened, too_many, too_many])
    # Nothing half-made: one thread, and the refusals used no ticket number.
    threads = [r for r in world.sb.requests if r.route == "/channels/{channel_id}/threads"]
    assert len(threads) == 1 and ticket.number == 1


async def test_complaints_sent_at_once_respect_the_cooldown(world):
    await world.set_config(CONFIG + "  cooldown: 1h\n  max_open: 5\n")
    replies = await complaints_at_once(world.member("alice"), 2)
    cooldown = world.t("complaints.errors.cooldown", when="")
    assert sum(reply.startswith(cooldown[:20]) for reply in replies) == 1
    cog = world.bot.get_cog("complaints")
    assert len(await cog.store.open_tickets(world.guild.id)) == 1


@pytest.mark.parametrize("locale", ["fr"])
async def test_french_server_gets_french_form(world, locale):
    await world.set_config(f"locale: {locale}\n" + CONFIG)
    r = await world.member("alice").slash("complaint")
    opened = await r.response()
    assert opened.modal["title"] == "Ouvrir un ticket"
