"""PoliciesStore.latest_case on a real SQLite file: kinds, order, one guild only."""

from __future__ import annotations

from cogs.policies.store import NewCase
from tests.unit.policies.test_store import store

__all__ = ["store"]  # the fixture, shared with the store's own tests


async def test_latest_case_of_some_kinds_in_one_guild(store) -> None:  # noqa: F811
    for kind in ("tempban", "warn", "ban", "timeout"):
        await store.open_case(1, NewCase(kind, 7))
    await store.open_case(1, NewCase("ban", 8))  # another user
    await store.open_case(2, NewCase("tempban", 7))  # another guild
    assert (await store.latest_case(1, 7, ("ban", "tempban"))).number == 3
    assert (await store.latest_case(1, 7, ("timeout",))).number == 4
    assert (await store.latest_case(2, 7, ("ban", "tempban"))).number == 1
    assert await store.latest_case(1, 7, ("kick",)) is None
    assert await store.latest_case(3, 7, ("ban",)) is None
