"""Points added concurrently (two hits of one burst) cross a ladder step once."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

from cogs.policies.enforcer import Enforcer
from cogs.policies.points import Balance


class SlowStore:
    """A points store whose reads and writes yield to the event loop, like aiosqlite."""

    def __init__(self) -> None:
        self.balances: dict[tuple[int, int], Balance] = {}

    async def balance(self, guild_id: int, user_id: int) -> Balance:
        await asyncio.sleep(0)
        return self.balances.get((guild_id, user_id), Balance())

    async def save_balance(self, guild_id: int, user_id: int, balance: Balance) -> None:
        await asyncio.sleep(0)
        self.balances[(guild_id, user_id)] = balance


def test_concurrent_points_fire_the_ladder_once() -> None:
    section = {"points": {"ladder": [{"at": 3, "action": "kick"}]}}
    config = SimpleNamespace(section=lambda name: section)
    bot = SimpleNamespace(configs=SimpleNamespace(get=lambda guild_id: config))
    store = SlowStore()
    store.balances[(1, 100)] = Balance(2, time.time())  # fresh: no decay yet
    enforcer = Enforcer(bot, store)  # type: ignore[arg-type]
    fired: list[Any] = []

    async def ladder(guild: Any, member: Any, step: Any, points: int) -> None:
        fired.append((step.action, points))

    enforcer._ladder = ladder  # type: ignore[method-assign]
    guild, member = SimpleNamespace(id=1), SimpleNamespace(id=100)

    async def burst() -> list[tuple[int, Any]]:
        return await asyncio.gather(*(enforcer.add_points(guild, member, 1) for _ in range(3)))

    results = asyncio.run(burst())
    assert sorted(points for points, _ in results) == [3, 4, 5]
    assert fired == [("kick", 3)]
    assert store.balances[(1, 100)].points == 5
