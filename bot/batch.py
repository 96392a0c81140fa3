"""BatchWriter: the hot-path writer (memory buffer + background ``executemany``).

Listeners on every message call :meth:`BatchWriter.add`, which never awaits; a background task
flushes the buffer in one transaction every ``interval`` seconds and on close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from bot.db import Database

log = logging.getLogger(__name__)


class BatchWriter:
    """Buffer rows for one SQL statement and write them in batches."""

    def __init__(
        self,
        db: Database,
        sql: str,
        *,
        interval: float = 2.0,
        max_pending: int = 200_000,
        name: str = "batch",
    ) -> None:
        self.db = db
        self.sql = sql
        self.interval = interval
        self.max_pending = max_pending
        self.name = name
        self._rows: list[Sequence[Any]] = []
        self._task: asyncio.Task[None] | None = None
        self._flush_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._closing = False
        self.rows_written = 0
        # Set after every flush that wrote rows (tests and shutdown code wait on it).
        self.flushed = asyncio.Event()

    def add(self, row: Sequence[Any]) -> None:
        """Queue one row (synchronous: safe on the hot path)."""
        self._rows.append(row)
        if len(self._rows) >= self.max_pending:
            # Flush early instead of growing without bound under a flood.
            self._wake.set()

    def extend(self, rows: Sequence[Sequence[Any]]) -> None:
        """Queue several rows."""
        for row in rows:
            self.add(row)

    @property
    def pending(self) -> int:
        """Rows waiting for the next flush."""
        return len(self._rows)

    def start(self) -> None:
        """Start the background flusher (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"vigie-batch-{self.name}")

    async def _run(self) -> None:
        while not self._closing:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("batch %s: flush failed; rows kept for the next attempt", self.name)

    async def flush(self) -> int:
        """Write every queued row now in one transaction; return how many were written."""
        async with self._flush_lock:
            if not self._rows:
                return 0
            rows, self._rows = self._rows, []
            try:
                await self.db.executemany(self.sql, rows)
            except Exception:
                # Put them back in front, bounded, so a transient error loses nothing.
                self._rows = (rows + self._rows)[-self.max_pending :]
                raise
            self.rows_written += len(rows)
            self.flushed.set()
            return len(rows)

    async def close(self) -> None:
        """Stop the flusher and write what is left."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            try:
                await self._task
            except Exception:
                log.exception("batch %s: flusher ended with an error", self.name)
            self._task = None
        await self.flush()
