"""The XP hot path: counters in memory, flushed to SQLite in batches by a background task.

No discord import and no SQL here: the cog gives ``flush`` a ``write(rows)`` coroutine (one
``executemany`` upsert in ``store.py``). Guarantees:
- ``add`` never awaits; it is a few dictionary operations.
- A crash loses at most what was added since the last flush (one flush interval).
- ``close`` flushes what is left, so a clean shutdown loses nothing.
- A failed write puts its rows back, merged with what arrived meanwhile, for the next flush.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import NamedTuple

log = logging.getLogger(__name__)

Key = tuple[int, str, int]  # (guild_id, season, user_id)
# (guild_id, season, user_id, xp_delta, messages_delta, last_message_at)
Row = tuple[int, str, int, int, int, float]
Writer = Callable[[list[Row]], Awaitable[None]]

RECENT_AWARDS = 20_000  # how many awarded message ids we remember, to take XP back


class Credit(NamedTuple):
    """What an ``add`` did to a member's total; ``before``/``after`` are None until loaded.

    A NamedTuple rather than a frozen dataclass: one is built per XP-earning message, and a
    frozen dataclass's ``__init__`` costs several times more.
    """

    key: Key
    xp: int
    before: int | None
    after: int | None


class XpLedger:
    """Pending XP deltas and the known totals they apply to."""

    def __init__(self, recent_awards: int = RECENT_AWARDS) -> None:
        self._pending: dict[Key, list[float]] = {}  # key -> [xp, messages, last_at]
        # (guild, season) -> member -> total, for the seasons whose stored totals are loaded.
        self._seasons: dict[tuple[int, str], dict[int, int]] = {}
        # Awarded message id -> (key, xp), oldest first.
        self._recent: dict[int, tuple[Key, int]] = {}
        self._recent_cap = recent_awards
        # Trimmed at each flush; at twice the cap in ``add`` too, so a stalled flush cannot
        # let it grow without bound.
        self._recent_ceiling = 2 * recent_awards

    # -- hot path -------------------------------------------------------------------------
    def add(
        self,
        guild_id: int,
        season: str,
        user_id: int,
        xp: int,
        now: float,
        message_id: int | None = None,
        messages: int = 1,
    ) -> int | None:
        """Record a delta; return the member's new total, or None while totals are not loaded.

        Returns a bare int rather than a ``Credit``: this runs for every XP-earning message, and
        building a NamedTuple costs more than the rest of the method.
        """
        key = (guild_id, season, user_id)
        entry = self._pending.get(key)
        if entry is None:
            self._pending[key] = [xp, messages, now]
        else:
            entry[0] += xp
            entry[1] += messages
            if now > entry[2]:
                entry[2] = now
        if message_id is not None and xp:
            recent = self._recent
            recent[message_id] = (key, xp)
            if len(recent) > self._recent_ceiling:  # flushes are stuck (a database stall)
                self._trim_recent()
        totals = self._seasons.get((guild_id, season))
        if totals is None:
            return None
        after = totals.get(user_id, 0) + xp
        totals[user_id] = after
        return after

    def revoke(self, message_id: int, now: float) -> Credit | None:
        """Take back the XP a message earned (automod removed it); None if it earned none."""
        found = self._recent.pop(message_id, None)
        if found is None:
            return None
        key, xp = found
        after = self.add(key[0], key[1], key[2], -xp, now, messages=-1)
        return Credit(key, -xp, None if after is None else after + xp, after)

    # -- totals ---------------------------------------------------------------------------
    def is_loaded(self, guild_id: int, season: str) -> bool:
        return (guild_id, season) in self._seasons

    def load(self, guild_id: int, season: str, stored: Iterable[tuple[int, int]]) -> list[Credit]:
        """Install the stored totals of a guild's season; pending deltas are added on top.

        Returns a credit per member who earned XP before the load, so the cog can still
        announce a level-up that happened while the totals were loading.
        """
        totals = {user_id: int(xp) for user_id, xp in stored}
        credits = []
        for key, (pending, _messages, _at) in self._pending.items():
            if key[0] == guild_id and key[1] == season:
                delta = int(pending)
                base = totals.get(key[2], 0)
                totals[key[2]] = base + delta
                credits.append(Credit(key, delta, base, base + delta))
        self._seasons[(guild_id, season)] = totals
        return credits

    def total(self, guild_id: int, season: str, user_id: int) -> int | None:
        totals = self._seasons.get((guild_id, season))
        return None if totals is None else totals.get(user_id, 0)

    def set_total(self, guild_id: int, season: str, user_id: int, stored_total: int) -> None:
        """A manager wrote a member's total straight to the database: align the cache on it."""
        totals = self._seasons.get((guild_id, season))
        if totals is not None:
            pending = self._pending.get((guild_id, season, user_id))
            totals[user_id] = stored_total + int(pending[0] if pending else 0)

    def unload(self, guild_id: int, season: str | None = None) -> None:
        """Drop cached totals (season rolled over, guild left, XP reset or imported)."""
        for key in [k for k in self._seasons if k[0] == guild_id and season in (None, k[1])]:
            del self._seasons[key]

    def pending_count(self) -> int:
        return len(self._pending)

    def discard_pending(self, guild_id: int, user_id: int | None = None) -> None:
        """Forget unflushed XP (the member asked to be forgotten, or XP was reset)."""
        for key in [k for k in self._pending if k[0] == guild_id and user_id in (None, k[2])]:
            del self._pending[key]
        for mid in [
            m for m, (k, _) in self._recent.items() if k[0] == guild_id and user_id in (None, k[2])
        ]:
            del self._recent[mid]

    # -- flushing -------------------------------------------------------------------------
    def take_batch(self) -> list[Row]:
        """Swap the pending deltas out (synchronously, so nothing added meanwhile is lost).

        The awards remembered for ``revoke`` are trimmed to the cap here, not in ``add``.
        """
        self._trim_recent()
        batch, self._pending = self._pending, {}
        return [(g, s, u, int(v[0]), int(v[1]), float(v[2])) for (g, s, u), v in batch.items()]

    def _trim_recent(self) -> None:
        """Forget the oldest awards beyond the cap (a plain dict keeps insertion order)."""
        excess = len(self._recent) - self._recent_cap
        if excess > 0:
            for message_id in list(itertools.islice(self._recent, excess)):
                del self._recent[message_id]

    def restore(self, rows: list[Row]) -> None:
        """Put back rows whose write failed, merged with anything that arrived since."""
        for guild_id, season, user_id, xp, messages, at in rows:
            key = (guild_id, season, user_id)
            entry = self._pending.get(key)
            if entry is None:
                self._pending[key] = [xp, messages, at]
            else:
                entry[0] += xp
                entry[1] += messages
                entry[2] = max(entry[2], at)

    async def flush(self, write: Writer) -> int:
        """Write every pending delta in one call; returns how many rows were written."""
        rows = self.take_batch()
        if not rows:
            return 0
        try:
            await write(rows)
        except BaseException:
            self.restore(rows)
            raise
        return len(rows)


class Flusher:
    """Runs ``ledger.flush(write)`` every ``interval`` seconds until ``close``."""

    def __init__(
        self,
        ledger: XpLedger,
        write: Writer,
        interval: float,
        on_tick: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.ledger = ledger
        self._write = write
        # Other batched work that rides on the same clock (challenge progress, season checks).
        self._on_tick = on_tick
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._stopping = False

    @contextlib.asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        """No flush runs inside: read stored totals and install them here.

        A flush that took its batch while totals were being read would write rows the read
        did not see and that are no longer pending: the member's total in memory would fall
        short by that batch, and the levels they cross again would be announced twice.
        """
        async with self._lock:
            yield

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="games-xp-flusher")

    async def flush_now(self) -> int:
        # One flush at a time: two concurrent ones could reorder a failed batch's restore.
        async with self._lock:
            try:
                written = await self.ledger.flush(self._write)
            finally:
                if self._on_tick is not None:
                    await self._on_tick()
            return written

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            self._wake.clear()
            if self._stopping:
                break
            try:
                await self.flush_now()
            except Exception:
                # Rows were restored; the next tick retries. Logged, never fatal.
                log.exception(
                    "XP flush failed; %d rows kept for the next try", self.ledger.pending_count()
                )

    async def close(self) -> None:
        """Stop the loop and write what is left (a clean shutdown loses nothing).

        The loop is asked to stop rather than cancelled: cancelling a write that SQLite's
        thread finishes anyway would restore rows already committed, and count them twice.
        """
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self.flush_now()
