"""Timers: survive restarts, fire once, idempotent keys, failures keep the row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.db import Database
from bot.timers import Timer, Timers

GUILD = 5


class Recorder:
    """A handler that records its calls and lets the test wait for the n-th one."""

    def __init__(self, fail: bool = False, hold: asyncio.Event | None = None) -> None:
        self.calls: list[Timer] = []
        self.fail = fail
        self.hold = hold
        self.changed = asyncio.Event()

    async def __call__(self, timer: Timer) -> None:
        self.calls.append(timer)
        self.changed.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.fail:
            raise RuntimeError("handler crashed")

    async def wait_calls(self, n: int, limit: float = 5.0) -> None:
        async def until() -> None:
            while len(self.calls) < n:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(until(), limit)


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


def soon(**delta: float) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


async def test_due_while_down_fires_exactly_once_at_start(db: Database) -> None:
    before = Timers(db)
    await before.schedule(GUILD, "unban", ago(hours=1), {"user_id": 9}, key="9")
    # "Restart": a new scheduler on the same database, with the handler registered.
    dispatched: list[tuple[Any, ...]] = []
    timers = Timers(db, dispatch=lambda *args: dispatched.append(args))
    handler = Recorder()
    timers.handler("unban", handler)
    assert await timers.start() == 1
    await handler.wait_calls(1)
    await timers.stop()
    assert [t.payload for t in handler.calls] == [{"user_id": 9}]
    assert await timers.pending() == []
    assert dispatched == [("unban_timer", handler.calls[0])]

    again = Timers(db)
    second = Recorder()
    again.handler("unban", second)
    assert await again.start() == 0
    await again.stop()
    assert second.calls == []


async def test_idempotent_key_replaces_the_pending_timer(db: Database) -> None:
    timers = Timers(db)
    first = await timers.schedule(GUILD, "reminder", soon(hours=1), {"n": 1}, key="a")
    second = await timers.schedule(GUILD, "reminder", soon(hours=2), {"n": 2}, key="a")
    await timers.schedule(GUILD, "reminder", soon(hours=3), {"n": 3}, key="b")
    await timers.schedule(GUILD + 1, "reminder", soon(hours=3), {"n": 4}, key="a")
    pending = await timers.pending(guild_id=GUILD, kind="reminder")
    assert [(t.key, t.payload["n"]) for t in pending] == [("a", 2), ("b", 3)]
    assert second != first and await timers.get(first) is None
    assert await timers.cancel(GUILD, "reminder", "a") is True
    assert await timers.cancel(GUILD, "reminder", "a") is False
    assert len(await timers.pending()) == 2


async def test_handler_failure_keeps_the_row(db: Database) -> None:
    timers = Timers(db)
    timer_id = await timers.schedule(GUILD, "report", ago(seconds=1), {"month": "2026-10"})
    handler = Recorder(fail=True)
    timers.handler("report", handler)
    await timers.start()
    await handler.wait_calls(1)
    await timers.stop()  # waits for the running handler to finish
    kept = await timers.get(timer_id)
    assert kept is not None and kept.payload == {"month": "2026-10"}
    assert timers.fired == 0

    retry = Timers(db)
    ok = Recorder()
    retry.handler("report", ok)
    await retry.start()
    await ok.wait_calls(1)
    await retry.stop()
    assert await retry.get(timer_id) is None


async def test_earlier_timer_wakes_the_scheduler_and_no_double_fire(db: Database) -> None:
    timers = Timers(db)
    await timers.schedule(GUILD, "late", soon(hours=5), {})
    hold = asyncio.Event()
    slow = Recorder(hold=hold)
    timers.handler("slow", slow)
    await timers.start()
    await timers.schedule(GUILD, "slow", soon(seconds=0.05), {"i": 1})
    await slow.wait_calls(1)
    # While the first handler is held, more scheduling wakes the loop: it must not re-fire it.
    await timers.schedule(GUILD, "slow", soon(seconds=0.05), {"i": 2})
    await slow.wait_calls(2)
    assert [t.payload["i"] for t in slow.calls] == [1, 2]
    hold.set()
    await timers.stop()
    assert [t.kind for t in await timers.pending()] == ["late"]


async def test_due_timer_waits_for_its_handler(db: Database) -> None:
    timers = Timers(db)
    await timers.schedule(GUILD, "orphan", ago(seconds=5), {})
    await timers.start()
    handler = Recorder()
    timers.handler("orphan", handler)
    await handler.wait_calls(1)
    await timers.stop()
    assert await timers.pending() == []


async def test_gate_holds_firing_until_ready(db: Database) -> None:
    timers = Timers(db)
    await timers.schedule(GUILD, "gated", ago(seconds=5), {})
    ready = asyncio.Event()
    handler = Recorder()
    timers.handler("gated", handler)
    await timers.start(gate=ready.wait)
    with pytest.raises(TimeoutError):
        await handler.wait_calls(1, limit=0.2)
    ready.set()
    await handler.wait_calls(1)
    await timers.stop()


async def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(ValueError):
        await Timers(db).schedule(GUILD, "x", datetime.now(), {})
