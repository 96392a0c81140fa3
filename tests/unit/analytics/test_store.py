from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import Database
from cogs.analytics.collector import ActivityCollector
from cogs.analytics.metrics import funnel, overview
from cogs.analytics.periods import Period
from cogs.analytics.store import AnalyticsStore

MIGRATIONS = Path(__file__).resolve().parents[3] / "cogs" / "analytics" / "migrations"
START = datetime(2026, 10, 1, tzinfo=UTC)
PERIOD = Period(START, START + timedelta(days=31), "2026-10")
G, OTHER = 1, 2


@pytest.fixture
async def store(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    await db.migrate("analytics", MIGRATIONS)
    yield AnalyticsStore(db)
    await db.close()


def at(days: float) -> float:
    return (START + timedelta(days=days)).timestamp()


def at_ms(days: float) -> int:
    """A message's time as the hot path hands it over: Unix milliseconds."""
    return int(at(days) * 1000)


async def test_a_scripted_month_gives_the_hand_computed_figures(store):
    c = ActivityCollector()
    for user in (10, 11, 12):
        c.record_member(G, user, "join", at(1))
    c.record_member(G, 12, "leave", at(3), stayed=2 * 86400)
    c.record_member(OTHER, 99, "join", at(1))  # another server: never counted here
    for day in range(31):
        c.record_message(G, 500, 10, at_ms(day + 0.5))
    c.record_message(G, 501, 11, at_ms(2))
    c.record_message(OTHER, 900, 99, at_ms(2))
    c.record_event(G, "onboarding:accepted_rules", at(1.1), user_id=10)
    c.record_event(G, "onboarding:accepted_rules", at(1.1), user_id=11)
    c.record_event(G, "onboarding:first_message", at(1.2), user_id=10)
    c.record_event(G, "case", at(5), user_id=11)
    c.record_event(G, "feedback_rating", at(6), user_id=10, value=4)
    c.record_event(G, "nps", at(6), user_id=10, value=10)
    await store.write(c.drain())

    data = await store.period_data(G, PERIOD, members_now=50)
    assert [j.user_id for j in data.joins] == [10, 11, 12]
    assert data.joins[2].left_at == datetime.fromtimestamp(at(3), UTC)
    assert data.leaves == 1
    assert data.messages_by_channel == {500: 31, 501: 1}
    assert funnel(data) == [
        ("joined", 3),
        ("accepted_rules", 2),
        ("first_message", 1),
        ("active_7d", 0),
    ]
    figures = {f.key: f.value for f in overview(data, None)}
    assert figures["messages"] == 32
    assert figures["mau"] == 2
    assert figures["retention_7d"] == 200 / 3
    assert figures["cases"] == 1 and figures["nps"] == 100.0 and figures["feedback_rating"] == 4


async def test_upserts_add_up_across_flushes(store):
    c = ActivityCollector()
    c.record_message(G, 500, 10, at_ms(0))
    await store.write(c.drain())
    c.record_message(G, 500, 10, at_ms(0))
    await store.write(c.drain())
    data = await store.period_data(G, PERIOD, members_now=1)
    assert data.messages_by_channel == {500: 2}


async def test_members_at_past_end_uses_the_snapshot(store):
    c = ActivityCollector()
    c.record_member_count(G, 40, at(30.5))
    c.record_member(G, 10, "join", at(40))
    await store.write(c.drain())
    assert await store.members_at(G, PERIOD.end, members_now=45) == 40


async def test_members_at_a_midnight_end_is_the_size_of_the_day_it_closes(store):
    # October ends at 1 November 00:00: the size then is October 31's, not November 1's.
    c = ActivityCollector()
    c.record_member_count(G, 100, at(30.9))
    c.record_member_count(G, 130, at(31.5))  # 30 joins on November 1
    await store.write(c.drain())
    assert await store.members_at(G, PERIOD.end, members_now=150) == 100
    data = await store.period_data(G, PERIOD, members_now=150)
    assert data.members_at_end == 100


async def test_forget_and_export_are_scoped_to_the_guild(store):
    c = ActivityCollector()
    c.record_message(G, 500, 10, at_ms(1))
    c.record_message(OTHER, 900, 10, at_ms(1))
    c.record_member(G, 10, "join", at(1))
    await store.write(c.drain())
    exported = await store.export_user(G, 10)
    assert exported["active_days"][0]["messages"] == 1
    assert await store.forget_user(G, 10) == 2
    assert (await store.export_user(G, 10))["active_days"] == []
    assert (await store.export_user(OTHER, 10))["active_days"] != []
    # counts without identity stay, so the server's history keeps its shape
    data = await store.period_data(G, PERIOD, members_now=1)
    assert data.messages_by_channel == {500: 1}


async def test_watch_dedup(store):
    assert await store.unseen(G, ["a", "b"]) == {"a", "b"}
    await store.mark_seen(G, ["a"], at(0))
    assert await store.unseen(G, ["a", "b"]) == {"b"}
    assert await store.unseen(OTHER, ["a"]) == {"a"}
