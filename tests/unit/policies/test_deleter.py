"""Batched deletions: grouped per channel, chunks of 100, old messages one by one."""

from __future__ import annotations

import time

from cogs.policies.deleter import BulkDeleter
from sandbox.snowflake import new_id


class FakeMessage:
    def __init__(self, channel: FakeChannel, message_id: int) -> None:
        self.channel, self.id = channel, message_id

    async def delete(self) -> None:
        self.channel.calls.append(("one", [self.id]))


class FakeChannel:
    def __init__(self, channel_id: int) -> None:
        self.id = channel_id
        self.calls: list[tuple[str, list[int]]] = []

    def get_partial_message(self, message_id: int) -> FakeMessage:
        return FakeMessage(self, message_id)

    async def delete_messages(self, objects) -> None:
        self.calls.append(("bulk", [o.id for o in objects]))


class FakeBot:
    def __init__(self, *channels: FakeChannel) -> None:
        self.channels = {c.id: c for c in channels}

    def get_channel(self, channel_id: int) -> FakeChannel | None:
        return self.channels.get(channel_id)


async def test_grouped_per_channel_in_chunks_and_old_ones_alone() -> None:
    a, b = FakeChannel(1), FakeChannel(2)
    deleter = BulkDeleter(FakeBot(a, b))
    young = [new_id() for _ in range(150)]
    old = new_id(at=time.time() - 20 * 86400)
    for message_id in young:
        deleter.queue(1, message_id)
        deleter.queue(1, message_id)  # duplicates merge
    deleter.queue(1, old)
    deleter.queue(2, young[0])
    deleter.queue(3, 99)  # unknown channel: skipped
    done = await deleter.flush()
    assert done == 152
    assert [(kind, len(ids)) for kind, ids in a.calls] == [("bulk", 100), ("bulk", 50), ("one", 1)]
    assert a.calls[2][1] == [old]
    assert b.calls == [("one", [young[0]])]
    assert await deleter.flush() == 0
    if deleter._task is not None:
        deleter._task.cancel()
