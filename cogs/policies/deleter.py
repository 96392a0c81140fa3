"""Batched message deletion: ids queued per channel, flushed as bulk deletes of up to 100.

A spam wave of 1,000 messages in a few channels costs a dozen REST calls instead of 1,000.
Messages older than 14 days cannot be bulk deleted; they are deleted one by one (rare: only
edits of old messages get here).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from typing import Any

import discord

log = logging.getLogger(__name__)

BULK_MAX = 100
BULK_MAX_AGE = 14 * 86400 - 60  # a minute of margin under Discord's limit
DISCORD_EPOCH_MS = 1420070400000
# A Discord server error (a 503, or a 500 still failing after discord.py's own retries) must
# not leave a scam link in place: the ids are queued again, a few times, further apart.
SERVER_ERROR_TRIES = 3
SERVER_ERROR_DELAY = 2.0


def snowflake_age(message_id: int, now: float | None = None) -> float:
    """Seconds since the message with this id was created."""
    created = ((message_id >> 22) + DISCORD_EPOCH_MS) / 1000.0
    return (time.time() if now is None else now) - created


class BulkDeleter:
    """Queues deletions; one background task flushes them every ``delay`` seconds."""

    def __init__(self, bot: Any, delay: float = 0.4) -> None:
        self.bot = bot
        self.delay = delay
        self._queue: dict[int, set[int]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self.deleted = 0
        self._failures: dict[int, int] = {}  # message id -> server errors met so far
        self._closed = False

    def queue(self, channel_id: int, message_id: int) -> None:
        """Delete this message soon (duplicates are merged)."""
        self._queue[channel_id].add(message_id)
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="vigie-policies-deleter")

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            # Let a burst accumulate: a wave arrives over a few hundred milliseconds.
            await asyncio.sleep(self.delay)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("policies: deletion batch failed")

    async def flush(self) -> int:
        """Delete everything queued now; returns how many messages were deleted."""
        batch, self._queue = self._queue, defaultdict(set)
        done = 0
        for channel_id, ids in batch.items():
            channel = self.bot.get_channel(channel_id)
            if channel is None:
                continue
            young = sorted(i for i in ids if snowflake_age(i) < BULK_MAX_AGE)
            old = [i for i in ids if i not in set(young)]
            chunks = [young[s : s + BULK_MAX] for s in range(0, len(young), BULK_MAX)]
            for chunk in chunks + [[message_id] for message_id in old]:
                try:
                    done += await self._delete(channel, chunk)
                except discord.DiscordServerError as exc:
                    self._again_later(channel_id, chunk, exc)
                    continue
                for message_id in chunk:
                    self._failures.pop(message_id, None)
        self.deleted += done
        return done

    def _again_later(self, channel_id: int, ids: list[int], exc: Exception) -> None:
        again = []
        for message_id in ids:
            failures = self._failures.get(message_id, 0) + 1
            if failures < SERVER_ERROR_TRIES:
                self._failures[message_id] = failures
                again.append(message_id)
            else:
                self._failures.pop(message_id, None)
        log.warning("policies: deleting %d message(s) in %s failed (%s); %d queued again",
                    len(ids), channel_id, exc, len(again))  # fmt: skip
        if again and not self._closed:
            delay = SERVER_ERROR_DELAY * self._failures[again[0]]
            asyncio.get_running_loop().call_later(delay, self._requeue, channel_id, again)

    def _requeue(self, channel_id: int, ids: list[int]) -> None:
        if not self._closed:
            for message_id in ids:
                self.queue(channel_id, message_id)

    @staticmethod
    async def _delete(channel: Any, ids: list[int]) -> int:
        try:
            if len(ids) == 1:
                await channel.get_partial_message(ids[0]).delete()
            else:
                await channel.delete_messages([discord.Object(id=i) for i in ids])
            return len(ids)
        except discord.NotFound:
            # Someone was faster (the author, a moderator): fine. A bulk delete with one
            # unknown id fails whole, so retry those one by one.
            if len(ids) == 1:
                return 0
            count = 0
            for message_id in ids:
                try:
                    await channel.get_partial_message(message_id).delete()
                    count += 1
                except discord.NotFound:
                    continue
            return count
        except discord.DiscordServerError:
            raise  # queued again by flush
        except discord.HTTPException as exc:
            log.warning("policies: cannot delete %d message(s) in %s: %s", len(ids), channel, exc)
            return 0

    async def close(self) -> None:
        """Flush what is queued and stop."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
        await self.flush()
