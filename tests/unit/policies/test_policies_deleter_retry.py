"""Batched deletions meeting Discord server errors: queued again, a bounded number of times."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import discord

from cogs.policies import deleter as deleter_module
from cogs.policies.deleter import SERVER_ERROR_TRIES, BulkDeleter
from sandbox.snowflake import new_id


class DownChannel:
    """A channel whose bulk deletes answer 503 until ``up`` is set."""

    def __init__(self) -> None:
        self.id = 1
        self.up = False
        self.calls: list[list[int]] = []

    async def delete_messages(self, objects) -> None:
        self.calls.append([o.id for o in objects])
        if not self.up:
            response = SimpleNamespace(status=503, reason="Service Unavailable")
            raise discord.DiscordServerError(response, "upstream connect error")


class OneChannelBot:
    def __init__(self, channel: DownChannel) -> None:
        self.channel = channel

    def get_channel(self, channel_id: int) -> DownChannel | None:
        return self.channel if channel_id == self.channel.id else None


def deleter_down(monkeypatch) -> tuple[BulkDeleter, DownChannel, asyncio.Queue[list[int]]]:
    """A deleter on a failing channel whose re-queued ids land in a queue at once."""
    monkeypatch.setattr(deleter_module, "SERVER_ERROR_DELAY", 0.0)
    channel = DownChannel()
    deleter = BulkDeleter(OneChannelBot(channel))
    requeued: asyncio.Queue[list[int]] = asyncio.Queue()
    monkeypatch.setattr(deleter, "_requeue", lambda channel_id, ids: requeued.put_nowait(ids))
    return deleter, channel, requeued


async def test_server_errors_queue_again_then_give_up(monkeypatch, caplog) -> None:
    deleter, channel, requeued = deleter_down(monkeypatch)
    ids = sorted(new_id() for _ in range(2))
    caplog.set_level(logging.WARNING, logger="cogs.policies.deleter")
    for attempt in range(1, SERVER_ERROR_TRIES):
        deleter._queue[1].update(ids)
        assert await deleter.flush() == 0
        assert sorted(await asyncio.wait_for(requeued.get(), 5)) == ids, attempt
    deleter._queue[1].update(ids)
    assert await deleter.flush() == 0  # the last try: given up, nothing scheduled
    assert caplog.records[-1].getMessage().endswith("; 0 queued again")
    assert deleter._failures == {} and len(channel.calls) == SERVER_ERROR_TRIES


async def test_success_after_a_server_error_forgets_the_failure(monkeypatch) -> None:
    deleter, channel, requeued = deleter_down(monkeypatch)
    ids = sorted(new_id() for _ in range(2))
    deleter._queue[1].update(ids)
    await deleter.flush()
    deleter._queue[1].update(await asyncio.wait_for(requeued.get(), 5))
    channel.up = True
    assert await deleter.flush() == 2
    assert deleter._failures == {}
