"""A change signal that synchronous code can raise and coroutines can wait on (no polling)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# How long the waits of the test API wait by default. A passing test never waits this long;
# a loaded two-core CI machine can take several seconds to draw charts or start a bot.
DEFAULT_WAIT = 15.0


class Signal:
    """Waiters re-check their predicate after every `notify()`, until it holds or time runs out."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float,  # noqa: ASYNC109 (mirrors asyncio.wait_for)
        what: str = "condition",
    ) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result is not None and result is not False:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no {what} within {timeout}s")
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue
