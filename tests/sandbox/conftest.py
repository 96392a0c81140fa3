"""Fixtures: a sandbox with one guild, and a helper that runs a discord.py client against it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import discord
import pytest

from sandbox import Sandbox, point_discord_py_at


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox() as sandbox:
        point_discord_py_at(sandbox)
        sandbox.create_guild(
            "Demo",
            owner="olivia",
            channels=["general", "modlog"],
            roles=["Moderator", "Manager"],
            with_bot=True,
        )
        yield sandbox


def intents() -> discord.Intents:
    i = discord.Intents.default()
    i.members = True
    i.message_content = True
    return i


class FastClient(discord.Client):
    """discord.py sleeps 5 s before a non-initial IDENTIFY; tests don't."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


@contextlib.asynccontextmanager
async def running(
    client: discord.Client,
    sb: Sandbox,
    timeout: float = 5.0,  # noqa: ASYNC109
) -> AsyncIterator[discord.Client]:
    """Start `client` against `sb`, wait until ready, and close it afterwards."""
    task = asyncio.create_task(client.start(sb.application.token))
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait(
        {task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
    )
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()  # raise the client's error
        raise TimeoutError("client did not become ready")
    try:
        yield client
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)


class MessageRecorder(FastClient):
    """A bare client that keeps the content of every message it sees, in order."""

    def __init__(self) -> None:
        super().__init__(intents=intents(), guild_ready_timeout=0.05)
        self.contents: list[str] = []
        self.changed = asyncio.Condition()

    async def on_message(self, message: discord.Message) -> None:
        async with self.changed:
            self.contents.append(message.content)
            self.changed.notify_all()

    async def wait_contents(self, n: int) -> list[str]:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: len(self.contents) >= n), 5)
        return self.contents
