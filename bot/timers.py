"""Persistent timers: rows in ``timers`` with a due time, fired by one scheduler task.

The row is deleted only after its handler returns, so a crash re-fires it at the next start;
handlers must be idempotent. No discord import: the bot passes ``dispatch`` and a ready gate.
"""

from __future__ import annotations

import asyncio
import heapq
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, overload

from bot.db import Database

log = logging.getLogger(__name__)

TimerHandler = Callable[["Timer"], Awaitable[None]]
# A failed handler is retried later in this run (and at every start): 30 s doubling to 1 h.
RETRY_BASE_SECONDS = 30.0
RETRY_MAX_SECONDS = 3600.0


@dataclass(frozen=True)
class Timer:
    """One pending timer."""

    id: int
    guild_id: int
    kind: str
    key: str | None
    due_at: datetime
    payload: dict[str, Any]
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> Timer:
        return cls(
            id=int(row["id"]),
            guild_id=int(row["guild_id"]),
            kind=str(row["kind"]),
            key=row["key"],
            due_at=datetime.fromtimestamp(float(row["due_at"]), UTC),
            payload=json.loads(row["payload"] or "{}"),
            created_at=datetime.fromtimestamp(float(row["created_at"]), UTC),
        )


def _epoch(when: datetime) -> float:
    if when.tzinfo is None:
        raise ValueError("due_at must be timezone-aware (use datetime.now(UTC) + delta)")
    return when.timestamp()


class Timers:
    """Schedule, cancel and fire persistent timers."""

    def __init__(
        self,
        db: Database,
        *,
        dispatch: Callable[..., Any] | None = None,
        clock: Callable[[], float] = time.time,
        max_concurrent: int = 16,
    ) -> None:
        self.db = db
        self.dispatch = dispatch
        self.clock = clock
        self._handlers: dict[str, TimerHandler] = {}
        self._heap: list[tuple[float, int]] = []
        self._running: dict[int, asyncio.Task[None]] = {}
        self._failures: dict[int, int] = {}
        # Due timers whose kind has no handler yet, re-armed when one registers.
        self._waiting: dict[str, list[tuple[float, int]]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._gate: Callable[[], Awaitable[Any]] | None = None
        self.fired = 0
        # After downtime thousands may be due at once: bound the handlers running together so
        # they queue on our side instead of bursting into Discord's rate limits.
        self._slots = asyncio.Semaphore(max_concurrent)

    # -- registry -------------------------------------------------------------------------------

    @overload
    def handler(self, kind: str) -> Callable[[TimerHandler], TimerHandler]: ...
    @overload
    def handler(self, kind: str, func: TimerHandler) -> TimerHandler: ...

    def handler(self, kind: str, func: TimerHandler | None = None) -> Any:
        """Register ``async def handle(timer)`` for ``kind`` (call or decorator)."""

        def register(f: TimerHandler) -> TimerHandler:
            self._handlers[kind] = f
            for due, timer_id in self._waiting.pop(kind, []):
                self._push(due, timer_id)
            return f

        return register if func is None else register(func)

    def remove_handler(self, kind: str) -> None:
        """Forget the handler of ``kind`` (cog unload); its timers wait for the next one."""
        self._handlers.pop(kind, None)

    # -- rows -----------------------------------------------------------------------------------

    async def schedule(
        self,
        guild_id: int,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> int:
        """Add a timer; with ``key``, replace the pending one of (guild, kind, key)."""
        due = _epoch(due_at)
        body = json.dumps(payload or {}, separators=(",", ":"), default=str)
        async with self.db.transaction():
            if key is not None:
                await self.db.execute(
                    "DELETE FROM timers WHERE guild_id = ? AND kind = ? AND key = ?",
                    (guild_id, kind, key),
                )
            timer_id = await self.db.execute(
                "INSERT INTO timers (guild_id, kind, key, due_at, payload, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, kind, key, due, body, self.clock()),
            )
        self._push(due, timer_id)
        return timer_id

    async def cancel(self, guild_id: int, kind: str, key: str) -> bool:
        """Delete the pending timer (guild, kind, key); True if there was one."""
        count = await self.db.execute_count(
            "DELETE FROM timers WHERE guild_id = ? AND kind = ? AND key = ?", (guild_id, kind, key)
        )
        return count > 0

    async def cancel_id(self, timer_id: int) -> bool:
        """Delete a pending timer by id."""
        return await self.db.execute_count("DELETE FROM timers WHERE id = ?", (timer_id,)) > 0

    async def pending(self, guild_id: int | None = None, kind: str | None = None) -> list[Timer]:
        """Pending timers, soonest first, optionally of one guild and/or kind."""
        rows = await self.db.fetchall(
            "SELECT * FROM timers WHERE (? IS NULL OR guild_id = ?) AND (? IS NULL OR kind = ?)"
            " ORDER BY due_at, id",
            (guild_id, guild_id, kind, kind),
        )
        return [Timer.from_row(r) for r in rows]

    async def get(self, timer_id: int) -> Timer | None:
        row = await self.db.fetchone("SELECT * FROM timers WHERE id = ?", (timer_id,))
        return None if row is None else Timer.from_row(row)

    # -- scheduler ------------------------------------------------------------------------------

    def _push(self, due: float, timer_id: int) -> None:
        earliest = self._heap[0][0] if self._heap else None
        heapq.heappush(self._heap, (due, timer_id))
        if earliest is None or due < earliest:
            self._wake.set()

    async def start(self, gate: Callable[[], Awaitable[Any]] | None = None) -> int:
        """Arm every pending timer (no page limit); start the scheduler. Returns how many."""
        self._gate = gate
        rows = await self.db.fetchall("SELECT id, due_at FROM timers")
        self._heap = [(float(r["due_at"]), int(r["id"])) for r in rows]
        heapq.heapify(self._heap)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="vigie-timers")
        return len(self._heap)

    async def stop(self) -> None:
        """Stop the scheduler and wait for the handlers that are running."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        running = list(self._running.values())
        if running:
            await asyncio.gather(*running, return_exceptions=True)

    async def _run(self) -> None:
        if self._gate is not None:
            await self._gate()
        while True:
            now = self.clock()
            while self._heap and self._heap[0][0] <= now:
                _, timer_id = heapq.heappop(self._heap)
                if timer_id not in self._running:
                    self._running[timer_id] = asyncio.create_task(
                        self._fire(timer_id), name=f"vigie-timer-{timer_id}"
                    )
            self._wake.clear()
            delay = (self._heap[0][0] - now) if self._heap else None
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def _fire(self, timer_id: int) -> None:
        async with self._slots:
            await self._fire_one(timer_id)

    async def _fire_one(self, timer_id: int) -> None:
        try:
            timer = await self.get(timer_id)
            if timer is None:
                return  # cancelled or replaced
            handler = self._handlers.get(timer.kind)
            if handler is None:
                # The cog may be disabled or broken: keep the row for a later start.
                log.warning(
                    "timer %s (%s) is due but no handler is registered", timer.id, timer.kind
                )
                self._waiting.setdefault(timer.kind, []).append((_epoch(timer.due_at), timer.id))
                return
            try:
                await handler(timer)
            except Exception:
                failures = self._failures.get(timer_id, 0) + 1
                self._failures[timer_id] = failures
                retry = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** (failures - 1))
                log.exception(
                    "timer %s (%s, guild %s) failed; kept, retrying in %.0fs",
                    timer.id,
                    timer.kind,
                    timer.guild_id,
                    retry,
                )
                self._push(self.clock() + retry, timer_id)
                return
            await self.db.execute("DELETE FROM timers WHERE id = ?", (timer_id,))
            self._failures.pop(timer_id, None)
            self.fired += 1
            if self.dispatch is not None:
                self.dispatch(f"{timer.kind}_timer", timer)
        except Exception:
            log.exception("timer %s: unexpected scheduler error", timer_id)
        finally:
            self._running.pop(timer_id, None)
