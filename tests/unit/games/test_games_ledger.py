"""The XP ledger: memory accumulation, batch flush, failure recovery, crash and clean shutdown."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.db import Database
from cogs.games.xp_ledger import Flusher, XpLedger

UPSERT = (
    "INSERT INTO xp (guild_id, season, user_id, xp, messages, last_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (guild_id, season, user_id) DO UPDATE SET xp = xp + excluded.xp, "
    "messages = messages + excluded.messages, last_at = max(last_at, excluded.last_at)"
)


async def open_db(path) -> Database:
    db = await Database.open(path)
    await db.execute(
        "CREATE TABLE IF NOT EXISTS xp (guild_id INTEGER NOT NULL, season TEXT NOT NULL,"
        " user_id INTEGER NOT NULL, xp INTEGER NOT NULL, messages INTEGER NOT NULL,"
        " last_at REAL NOT NULL, PRIMARY KEY (guild_id, season, user_id))"
    )
    return db


async def stored(db: Database) -> dict[tuple[int, str, int], int]:
    rows = await db.fetchall("SELECT guild_id, season, user_id, xp FROM xp")
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def test_add_accumulates_per_member_and_reports_totals_once_loaded():
    ledger = XpLedger()
    assert ledger.add(1, "all", 10, 20, now=1.0, message_id=500) is None  # totals not loaded yet
    ledger.add(1, "all", 10, 5, now=2.0)
    late = ledger.load(1, "all", [(10, 100), (11, 40)])
    assert [(c.key, c.before, c.after) for c in late] == [((1, "all", 10), 100, 125)]
    assert ledger.add(1, "all", 11, 15, now=3.0) == 55
    assert ledger.total(1, "all", 12) == 0
    assert ledger.total(2, "all", 10) is None
    rows = sorted(ledger.take_batch())
    assert rows == [(1, "all", 10, 25, 2, 2.0), (1, "all", 11, 15, 1, 3.0)]
    assert ledger.take_batch() == []


def test_revoke_takes_back_a_message_xp_once():
    ledger = XpLedger()
    ledger.load(1, "all", [])
    ledger.add(1, "all", 10, 20, now=1.0, message_id=500)
    credit = ledger.revoke(500, now=2.0)
    assert credit is not None and (credit.before, credit.after) == (20, 0)
    assert ledger.revoke(500, now=3.0) is None
    assert ledger.revoke(999, now=3.0) is None
    assert ledger.take_batch() == [(1, "all", 10, 0, 0, 2.0)]


def test_recent_awards_are_bounded_at_each_flush():
    ledger = XpLedger(recent_awards=3)
    for mid in range(5):
        ledger.add(1, "all", 10, 1, now=float(mid), message_id=mid)
    ledger.take_batch()  # keeps the 3 latest awards
    assert ledger.revoke(0, now=9) is None and ledger.revoke(1, now=9) is None
    assert all(ledger.revoke(mid, now=9) is not None for mid in (2, 3, 4))


def test_recent_awards_stay_bounded_when_flushes_are_stuck():
    ledger = XpLedger(recent_awards=3)
    for mid in range(7):  # no flush: the ceiling (twice the cap) trims in add
        ledger.add(1, "all", 10, 1, now=float(mid), message_id=mid)
    assert [ledger.revoke(mid, now=9) is None for mid in range(7)] == [True] * 4 + [False] * 3


def test_set_total_unload_and_discard():
    ledger = XpLedger()
    ledger.load(1, "all", [(10, 100)])
    ledger.add(1, "all", 10, 7, now=1.0)
    ledger.set_total(1, "all", 10, 1000)
    assert ledger.total(1, "all", 10) == 1007  # the pending 7 lands on top of the new value
    ledger.discard_pending(1, 10)
    assert ledger.pending_count() == 0
    ledger.unload(1)
    assert ledger.total(1, "all", 10) is None and not ledger.is_loaded(1, "all")


@given(
    st.lists(st.tuples(st.integers(1, 3), st.integers(1, 20), st.integers(-30, 60)), max_size=200)
)
def test_take_batch_preserves_every_delta(events):
    ledger = XpLedger()
    expected: dict[tuple[int, str, int], int] = {}
    for i, (guild, user, xp) in enumerate(events):
        ledger.add(guild, "all", user, xp, now=float(i))
        expected[(guild, "all", user)] = expected.get((guild, "all", user), 0) + xp
        if i % 17 == 0:  # a failed write halfway: rows come back merged
            ledger.restore(ledger.take_batch())
    got = {(g, s, u): xp for g, s, u, xp, _m, _t in ledger.take_batch()}
    assert got == expected


async def test_flush_writes_with_one_executemany_and_a_failed_write_loses_nothing(tmp_path):
    db = await open_db(tmp_path / "x.db")
    ledger = XpLedger()
    for user in range(100):
        ledger.add(1, "all", user, 10, now=1.0)
    calls = []

    async def write(rows):
        calls.append(len(rows))
        await db.executemany(UPSERT, rows)

    assert await ledger.flush(write) == 100
    assert calls == [100]

    async def broken(rows):
        raise RuntimeError("disk full")

    ledger.add(1, "all", 5, 3, now=2.0)
    with pytest.raises(RuntimeError):
        await ledger.flush(broken)
    ledger.add(1, "all", 5, 4, now=3.0)
    assert await ledger.flush(write) == 1
    data = await stored(db)
    assert data[(1, "all", 5)] == 17 and data[(1, "all", 6)] == 10
    await db.close()


async def test_crash_loses_at_most_one_interval_and_clean_close_loses_nothing(tmp_path):
    path = tmp_path / "x.db"
    db = await open_db(path)

    async def write(rows):
        await db.executemany(UPSERT, rows)

    ledger = XpLedger()
    flusher = Flusher(ledger, write, interval=3600)  # no loop: the flush is explicit here
    ledger.add(1, "all", 10, 20, now=1.0)
    await flusher.flush_now()
    ledger.add(1, "all", 10, 30, now=2.0)  # not flushed yet: a crash now loses only this
    assert (await stored(db))[(1, "all", 10)] == 20
    del ledger, flusher  # the process dies: nothing else reaches the database

    ledger2 = XpLedger()
    flusher2 = Flusher(ledger2, write, interval=3600)
    flusher2.start()
    ledger2.add(1, "all", 10, 5, now=3.0)
    ledger2.add(1, "all", 11, 7, now=3.0)
    await flusher2.close()  # clean shutdown
    await db.close()

    db = await open_db(path)
    assert await stored(db) == {(1, "all", 10): 20 + 5, (1, "all", 11): 7}
    await db.close()


async def test_background_flusher_runs_on_its_interval(tmp_path):
    db = await open_db(tmp_path / "x.db")
    written = asyncio.Event()

    async def write(rows):
        await db.executemany(UPSERT, rows)
        written.set()

    ledger = XpLedger()
    flusher = Flusher(ledger, write, interval=0.05)
    flusher.start()
    ledger.add(1, "all", 10, 20, now=1.0)
    await asyncio.wait_for(written.wait(), timeout=5)
    assert (await stored(db))[(1, "all", 10)] == 20
    await flusher.close()
    await db.close()


async def test_a_flush_cannot_slip_between_reading_totals_and_installing_them(tmp_path):
    """The cog loads a season's totals inside ``paused()``: a batch flushed while they were
    being read would be in neither the totals read nor the pending deltas."""
    db = await open_db(tmp_path / "x.db")

    async def write(rows):
        await db.executemany(UPSERT, rows)

    ledger = XpLedger()
    flusher = Flusher(ledger, write, interval=3600)
    ledger.add(1, "all", 10, 50, now=1.0)  # earned before the totals were loaded

    async def load():
        async with flusher.paused():
            rows = await db.fetchall("SELECT user_id, xp FROM xp WHERE guild_id = 1")
            ledger.load(1, "all", [(r[0], r[1]) for r in rows])

    # The load's SELECT is queued first; the flush comes while it is in flight.
    await asyncio.gather(load(), flusher.flush_now())
    assert (await stored(db))[(1, "all", 10)] == 50
    assert ledger.total(1, "all", 10) == 50  # neither lost nor counted twice
    await db.close()
