"""WelcomeStore on a real SQLite file: journeys, gate states, accepted members, sticky roles,
export and forget (every query filtered by guild)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.batch import BatchWriter
from bot.db import Database
from cogs.welcome.gate import GateState
from cogs.welcome.journey import Step
from cogs.welcome.store import FIRST_MESSAGE_SQL, WelcomeStore, first_message_row

MIGRATIONS = Path(__file__).resolve().parents[3] / "cogs" / "welcome" / "migrations"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
G, OTHER = 1000, 2000


@pytest.fixture
async def store(tmp_path: Path):
    db = await Database.open(tmp_path / "w.db")
    await db.migrate("welcome", MIGRATIONS)
    yield WelcomeStore(db)
    await db.close()


async def test_journey_steps_are_recorded_once_on_the_current_journey(store: WelcomeStore) -> None:
    await store.start_journey(G, 7, T0, GateState.PENDING)
    await store.start_journey(OTHER, 7, T0, GateState.UNGATED)
    assert await store.mark_step(G, 7, Step.ACCEPTED_RULES, T0 + timedelta(minutes=3))
    assert not await store.mark_step(G, 7, Step.ACCEPTED_RULES, T0 + timedelta(minutes=9))
    record = await store.current(G, 7)
    assert record is not None
    assert record.journey.accepted_at == T0 + timedelta(minutes=3)
    # The other guild's journey of the same user is untouched.
    other = await store.current(OTHER, 7)
    assert other is not None and other.journey.accepted_at is None
    # A rejoin starts a new journey.
    await store.start_journey(G, 7, T0 + timedelta(days=1), GateState.PENDING)
    record = await store.current(G, 7)
    assert record is not None and record.journey.accepted_at is None
    assert await store.count_journeys(G) == 2


async def test_gate_state_compare_and_set(store: WelcomeStore) -> None:
    await store.start_journey(G, 7, T0, GateState.PENDING)
    assert await store.set_gate_state(G, 7, GateState.REMINDED, only_from=[GateState.PENDING])
    assert not await store.set_gate_state(G, 7, GateState.REMINDED, only_from=[GateState.PENDING])
    assert (await store.current(G, 7)).gate_state is GateState.REMINDED  # type: ignore[union-attr]
    assert not await store.set_gate_state(OTHER, 7, GateState.ACCEPTED)


async def test_dm_failure_is_noted_once(store: WelcomeStore) -> None:
    await store.start_journey(G, 7, T0, GateState.UNGATED)
    assert await store.note_dm_failed(G, 7)
    assert not await store.note_dm_failed(G, 7)


async def test_accepted_and_sticky_roles(store: WelcomeStore) -> None:
    assert not await store.has_accepted(G, 7)
    await store.record_accepted(G, 7, T0)
    await store.record_accepted(G, 7, T0 + timedelta(days=1))  # first time kept
    assert await store.has_accepted(G, 7) and not await store.has_accepted(OTHER, 7)
    await store.save_sticky(G, 7, [3, 1], T0)
    await store.save_sticky(G, 7, [2], T0)  # replaced, not added
    assert await store.sticky_roles(G, 7) == [2]
    assert await store.sticky_roles(OTHER, 7) == []


async def test_first_messages_batched_and_awaiting(store: WelcomeStore) -> None:
    for user in (1, 2, 3):
        await store.start_journey(G, user, T0, GateState.UNGATED)
    await store.mark_left(G, 3, T0 + timedelta(hours=1))
    assert sorted(await store.awaiting_first_message(G, T0 - timedelta(days=1))) == [1, 2]
    writer = BatchWriter(store.db, FIRST_MESSAGE_SQL)
    writer.add(first_message_row(G, 1, T0 + timedelta(minutes=1)))
    writer.add(first_message_row(G, 1, T0 + timedelta(minutes=2)))  # the first one wins
    assert await writer.flush() == 2
    record = await store.current(G, 1)
    assert record is not None and record.journey.first_message_at == T0 + timedelta(minutes=1)
    assert await store.awaiting_first_message(G, T0 - timedelta(days=1)) == [2]


async def test_journeys_since_and_funnel_inputs(store: WelcomeStore) -> None:
    await store.start_journey(G, 1, T0 - timedelta(days=40), GateState.UNGATED)
    await store.start_journey(G, 2, T0, GateState.PENDING)
    recent = await store.journeys_since(G, T0 - timedelta(days=30))
    assert [j.user_id for j in recent] == [2]


async def test_export_and_forget(store: WelcomeStore) -> None:
    await store.start_journey(G, 7, T0, GateState.PENDING)
    await store.mark_step(G, 7, Step.ACCEPTED_RULES, T0 + timedelta(minutes=1))
    await store.record_accepted(G, 7, T0 + timedelta(minutes=1))
    await store.save_sticky(G, 7, [5], T0)
    await store.start_journey(OTHER, 7, T0, GateState.UNGATED)
    exported = await store.export_user(G, 7)
    assert exported["journeys"][0]["accepted_at"] == "2026-03-01T12:01:00+00:00"
    assert exported["accepted_rules_at"] is not None and exported["sticky_roles"] == [5]
    assert await store.forget_user(G, 7) == 3
    assert await store.export_user(G, 7) == {
        "journeys": [],
        "accepted_rules_at": None,
        "sticky_roles": [],
    }
    assert await store.current(OTHER, 7) is not None  # other guilds keep their data
