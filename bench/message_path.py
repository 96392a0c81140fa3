"""Messages per second ingested through the sandbox: a bare discord.py client (the baseline)
against Vigie with its core only, then with each message-path feature, in the same run.

The sandbox runs in its own process; the rate is the number of messages divided by the CPU
time the client's event-loop thread spent receiving them (parse, dispatch, our hooks and
listeners), which is what a feature adds to the message path. Database writes happen in
aiosqlite's own thread, off that path, and are not counted. Best of several rounds, rounds interleaved, because a
shared two-core machine is noisy. Also reports how long Vigie takes to be ready.
"""

from __future__ import annotations

import asyncio
import gc
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord

from bench._feeder import Feeder
from bot.app import create_bot, make_intents, point_discord_at
from bot.db import Database
from bot.discovery import discover_cogs
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "4000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
# Features whose listeners run on every message, measured one by one and together.
HOT_PATH_FEATURES = ("analytics", "games", "policies")


class _Counter:
    """Counts MESSAGE_CREATE events reaching a client, and wakes the waiter at a target."""

    def __init__(self) -> None:
        self.count = 0
        self.target = -1
        self.done = asyncio.Event()

    def seen(self) -> None:
        self.count += 1
        if self.count == self.target:
            self.done.set()

    def expect(self, n: int) -> None:
        self.count, self.target = 0, n
        self.done.clear()


async def _measure(client: discord.Client, counter: _Counter, feeder: Feeder) -> float:
    """CPU seconds the client's loop spent to receive MESSAGES messages.

    The messages are queued in the socket while the client's loop is held, then read as fast
    as the client can: a client fed slower than it reads wakes up for every frame, and its CPU
    per message would depend on how fast the sandbox writes rather than on the client.
    """
    counter.expect(MESSAGES)
    # Every subject starts the window with the same collector state: the start-up heap (which
    # differs by the modules each feature imports) moved out of the garbage collector's scans.
    gc.collect()
    gc.freeze()
    feeder.queue_messages(MESSAGES, longest=MESSAGES / 500)  # blocks the loop on purpose
    cpu = time.thread_time()
    await asyncio.wait_for(counter.done.wait(), timeout=300)
    spent = time.thread_time() - cpu
    await feeder.settle()
    return spent


class _Subject:
    """A client under test: started once, measured several times, closed at the end."""

    def __init__(self, label: str, build: Callable[[], Any]) -> None:
        self.label = label
        self.build = build
        self.client: discord.Client | None = None
        self.counter = _Counter()
        self.ready_seconds = float("inf")
        self.best = float("inf")
        self._task: asyncio.Task[None] | None = None
        self._db: Database | None = None

    async def start(self, token: str) -> None:
        self.client, self._db = await self.build()
        counter, dispatch = self.counter, self.client.dispatch

        def counting_dispatch(event: str, /, *args: Any, **kwargs: Any) -> None:
            # Counted synchronously inside dispatch: the same cost for every subject, and no
            # listener of the bench's own on the measured path.
            if event == "message":
                counter.seen()
            dispatch(event, *args, **kwargs)

        # The connection state keeps its own reference to the client's dispatch.
        self.client._connection.dispatch = counting_dispatch
        started = time.perf_counter()
        self._task = asyncio.create_task(self.client.start(token))
        await asyncio.wait_for(self.client.wait_until_ready(), timeout=30)
        self.ready_seconds = min(self.ready_seconds, time.perf_counter() - started)

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if self._db is not None:
            await self._db.close()
        self.client = self._task = self._db = None


async def _bare() -> tuple[discord.Client, None]:
    return discord.Client(intents=make_intents(), guild_ready_timeout=0.05), None


def _vigie(features: tuple[str, ...], workdir: Path) -> Callable[[], Any]:
    async def build() -> tuple[discord.Client, Database]:
        name = "-".join(features) or "core"
        settings = Settings(
            token="unused-here",
            database_path=workdir / f"{name}.db",
            config_dir=ROOT / "config",
            guild_ready_timeout=0.05,
        )
        db = await Database.open(settings.database_path)
        return create_bot(settings, db, enabled_cogs=set(features), sync_commands=False), db

    return build


async def _run() -> list[dict[str, Any]]:
    feeder = Feeder()
    available = {info.name for info in discover_cogs(ROOT / "cogs")}
    point_discord_at(feeder.info["api_base"], feeder.info["gateway_url"])
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        features = [f for f in HOT_PATH_FEATURES if f in available]
        subjects = [
            _Subject("bare discord.py client (baseline)", _bare),
            _Subject("Vigie, core only", _vigie((), workdir)),
            *(_Subject(f"Vigie + {f}", _vigie((f,), workdir)) for f in features),
        ]
        if len(features) > 1:
            subjects.append(
                _Subject("Vigie + " + " + ".join(features), _vigie(tuple(features), workdir))
            )
        try:
            # One client connected at a time: every session of the bot receives each message.
            for _ in range(ROUNDS):
                for subject in subjects:
                    await subject.start(feeder.info["token"])
                    try:
                        assert subject.client is not None
                        cpu = await _measure(subject.client, subject.counter, feeder)
                    finally:
                        await subject.close()
                    subject.best = min(subject.best, cpu)
        finally:
            feeder.close()
    baseline = MESSAGES / subjects[0].best
    core = MESSAGES / subjects[1].best
    for subject in subjects:
        rate = MESSAGES / subject.best
        rows.append(
            {
                "client": subject.label,
                "msg/s (CPU)": rate,
                "vs baseline": rate / baseline,
                "vs core": rate / core,
                "ready (s)": subject.ready_seconds,
            }
        )
    return rows


def run() -> list[dict[str, Any]]:
    """Targets: core >= 0.80 of the baseline; ready < 1 s; each feature costs the core <= its
    budget (analytics 10%, games 5%)."""
    return asyncio.run(_run())


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table("message path", run())
