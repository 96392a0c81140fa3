"""ComplaintsStore on a real SQLite file: numbering, compare-and-set, marks, privacy."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from helpers_complaints import T0, ticket

from bot.db import Database
from cogs.complaints import tickets as tk
from cogs.complaints.store import ComplaintsStore
from cogs.complaints.transcript import Entry

MIGRATIONS = Path(__file__).resolve().parents[3] / "cogs" / "complaints" / "migrations"
G, OTHER = 1, 2


@pytest.fixture
async def store(tmp_path: Path):
    db = await Database.open(tmp_path / "t.db")
    await db.migrate("complaints", MIGRATIONS)
    try:
        yield ComplaintsStore(db)
    finally:
        await db.close()


async def test_numbers_are_per_guild_and_never_reused(store: ComplaintsStore) -> None:
    a = await store.create(ticket(), "first")
    b = await store.create(ticket(member_id=11))
    c = await store.create(replace(ticket(), guild_id=OTHER))
    assert (a.number, b.number, c.number) == (1, 2, 1)
    assert await store.description(G, a.id) == "first"
    await store.forget_user(G, 11)
    d = await store.create(ticket(member_id=12))
    assert d.number == 3
    assert (await store.by_number(G, 1)).id == a.id
    assert await store.get(OTHER, a.id) is None  # guild filter


async def test_compare_and_set_lets_one_claim_win(store: ComplaintsStore) -> None:
    base = await store.create(ticket())
    first, second = tk.claim(base, 20), tk.claim(base, 30)
    results = await asyncio.gather(store.save(base, first), store.save(base, second))
    assert sorted(results) == [False, True]
    stored = await store.get(G, base.id)
    assert stored.claimant_id == (20 if results[0] else 30)
    with pytest.raises(tk.IllegalTransition) as err:
        tk.claim(stored, 20 if not results[0] else 30)
    assert err.value.fields["by"] == stored.claimant_id


async def test_round_trip_of_every_field(store: ComplaintsStore) -> None:
    base = await store.create(ticket("high"))
    changed = tk.escalate(tk.record_staff_message(base, T0 + timedelta(minutes=4)), T0, top_tier=1)
    changed = replace(changed, channel_id=555, version=base.version + 1)
    assert await store.save(base, changed)
    assert await store.get(G, base.id) == changed
    assert await store.by_channel(G, 555) == changed
    assert await store.all_open_channels() == [(G, 555, base.id)]
    with pytest.raises(ValueError):
        await store.save(base, base)


async def test_marks_make_a_deadline_act_once(store: ComplaintsStore) -> None:
    base = await store.create(ticket())
    moved = tk.escalate(base, T0 + timedelta(hours=8), top_tier=1)
    marks = ("breach_first",)
    results = await asyncio.gather(
        store.apply_deadline(base, moved, marks, T0),
        store.apply_deadline(base, moved, marks, T0),
    )
    assert sorted(results) == [False, True]
    assert await store.marks(G, base.id, base.epoch) == {"breach_first"}
    assert (await store.get(G, base.id)).tier == 1
    # A stale ticket (changed meanwhile) writes no mark either.
    assert not await store.apply_deadline(base, moved, ("breach_resolution",), T0)
    assert await store.marks(G, base.id, base.epoch) == {"breach_first"}


async def test_history_ratings_statements_and_facts(store: ComplaintsStore) -> None:
    t = await store.create(ticket())
    await store.add_event(
        G, t.id, Entry(T0 + timedelta(minutes=2), "note", 20, "bob", "secret", internal=True)
    )
    await store.add_event(
        G, t.id, Entry(T0 + timedelta(minutes=1), "message", 10, "alice", "hi", ("a.png",))
    )
    history = await store.history(G, t.id)
    assert [(e.kind, e.attachments, e.internal) for e in history] == [
        ("message", ("a.png",), False),
        ("note", (), True),
    ]
    closed = tk.close(t, 20, T0 + timedelta(hours=2), "fixed")
    assert await store.save(t, closed)
    assert await store.rate(G, t.id, 10, 4, "quick", T0 + timedelta(hours=3))
    assert not await store.rate(G, t.id, 10, 1, "changed my mind", T0 + timedelta(hours=4))
    assert (await store.rating(G, t.id)).score == 4
    await store.state(G, t.id, 10, "my side", T0)
    await store.state(G, t.id, 10, "my side, again", T0 + timedelta(minutes=1))
    assert [s.text for s in await store.statements(G, t.id)] == ["my side, again"]
    facts = await store.facts(G, T0 - timedelta(days=1))
    assert len(facts) == 1 and facts[0].rating == 4 and facts[0].closed_at == closed.closed_at
    load = await store.member_load(G, 10)
    assert load == (0, T0)


async def test_export_and_forget(store: ComplaintsStore) -> None:
    mine = await store.create(ticket(), "my story")
    theirs = await store.create(ticket(member_id=11, opened_by=11))
    await store.add_event(G, mine.id, Entry(T0, "message", 10, "alice", "hello"))
    await store.add_event(G, theirs.id, Entry(T0, "message", 10, "alice", "witness"))
    await store.add_event(G, theirs.id, Entry(T0, "note", 10, "alice", "staff only", internal=True))
    await store.save(theirs, tk.claim(theirs, 10))
    for_her = await store.create(ticket(member_id=12, opened_by=10), "her words")
    export = await store.export_user(G, 10)
    # Only their own tickets: not the one they opened for member 12 as staff.
    assert [t["description"] for t in export["tickets"]] == ["my story"]
    assert for_her.opened_by == 10
    assert [m["text"] for m in export["messages"]] == ["hello", "witness"]
    assert await store.export_user(OTHER, 10) == {
        "tickets": [],
        "messages": [],
        "ratings": [],
        "statements": [],
    }
    assert await store.forget_user(G, 10) > 0
    assert await store.get(G, mine.id) is None
    kept = await store.get(G, theirs.id)
    assert kept is not None and kept.claimant_id is None
    assert await store.history(G, theirs.id) == []
    assert await store.export_user(G, 10) == {
        "tickets": [],
        "messages": [],
        "ratings": [],
        "statements": [],
    }


async def test_history_batches_skip_rows_of_forgotten_tickets(store: ComplaintsStore) -> None:
    from cogs.complaints.rows import event_row
    from cogs.complaints.store import EVENT_INSERT

    kept = await store.create(ticket())
    gone = await store.create(ticket(member_id=11, opened_by=11))
    await store.forget_user(G, 11)
    rows = [
        event_row(G, kept.id, Entry(T0, "message", 10, "alice", "stays")),
        event_row(G, gone.id, Entry(T0, "message", 11, "bob", "dropped")),
        event_row(OTHER, kept.id, Entry(T0, "message", 10, "alice", "wrong guild")),
    ]
    await store.db.executemany(EVENT_INSERT, rows)
    assert [e.text for e in await store.history(G, kept.id)] == ["stays"]


async def test_openings_at_once_never_pass_the_open_limit(store: ComplaintsStore) -> None:
    limits = tk.OpenLimits(max_open=2)
    results = await asyncio.gather(
        *(store.create(ticket(subject=f"s{i}"), "d", limits) for i in range(6)),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, tk.Ticket)]
    refused = [r for r in results if isinstance(r, tk.IllegalTransition)]
    assert len(made) == 2 and len(refused) == 4
    assert {(e.key, e.fields["max"]) for e in refused} == {("complaints.errors.too_many", 2)}
    assert len(await store.open_tickets(G)) == 2
    # A refusal rolled back whole: no number was used, the next ticket is #3.
    assert sorted(t.number for t in made) == [1, 2]
    assert (await store.create(ticket(member_id=11), "", limits)).number == 3
    # Another guild and another member have their own count.
    assert (await store.create(replace(ticket(), guild_id=OTHER), "", limits)).number == 1


async def test_openings_at_once_never_pass_the_cooldown(store: ComplaintsStore) -> None:
    limits = tk.OpenLimits(max_open=10, cooldown=timedelta(hours=1))
    results = await asyncio.gather(
        *(store.create(ticket(), "d", limits) for _ in range(3)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, tk.IllegalTransition)]
    assert len(refused) == 2
    assert {e.key for e in refused} == {"complaints.errors.cooldown"}
    assert all(e.fields["until"] == T0 + timedelta(hours=1) for e in refused)
    assert len(await store.open_tickets(G)) == 1
    # Staff openings for a member are not held to the limits.
    assert (await store.create(ticket(), "")).number == 2


async def test_a_reminder_on_a_ticket_changed_meanwhile_is_not_taken(
    store: ComplaintsStore,
) -> None:
    base = await store.create(ticket())
    # Claimed (or closed) between the timer's read and its write: the reminder it planned
    # would ping the tier about a ticket someone holds, so nothing is written.
    claimed = tk.claim(base, 20)
    assert await store.save(base, claimed)
    assert not await store.apply_deadline(base, None, ("remind_first",), T0)
    assert await store.marks(G, base.id, base.epoch) == frozenset()
    assert await store.apply_deadline(claimed, None, ("remind_first",), T0)
