"""The policies store on a real SQLite file: numbering, pardon, points, raid, privacy."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.db import Database
from cogs.policies.points import Balance
from cogs.policies.store import NewCase, PoliciesStore

MIGRATIONS = Path(__file__).resolve().parents[3] / "cogs" / "policies" / "migrations"


@pytest.fixture
async def store(tmp_path: Path):
    db = await Database.open(tmp_path / "p.db")
    await db.migrate("policies", MIGRATIONS)
    yield PoliciesStore(db)
    await db.close()


async def test_cases_are_numbered_per_guild_even_concurrently(store) -> None:
    opened = await asyncio.gather(*(store.open_case(1, NewCase("warn", 7)) for _ in range(20)))
    assert sorted(c.number for c in opened) == list(range(1, 21))
    other = await store.open_case(2, NewCase("kick", 7))
    assert other.number == 1
    assert (await store.case(1, 20)).kind == "warn"
    assert await store.case(2, 20) is None


async def test_reason_pardon_history(store) -> None:
    case = await store.open_case(1, NewCase("timeout", 7, 99, reason="x", duration=60, points=2))
    assert await store.set_reason(1, case.number, "y")
    assert not await store.set_reason(1, 42, "y")
    assert (await store.pardon(1, case.number)).points == 2
    assert await store.pardon(1, case.number) is None  # once
    [again] = await store.history(1, 7)
    assert again.reason == "y" and again.pardoned and again.duration == 60
    assert await store.history(2, 7) == []


async def test_points_and_raid_state(store) -> None:
    assert await store.balance(1, 7) == Balance()
    await store.save_balance(1, 7, Balance(3, 100.0))
    await store.save_balance(1, 7, Balance(4, 200.0))
    assert await store.balance(1, 7) == Balance(4, 200.0)
    assert not (await store.raid(1)).active
    await store.set_raid(1, True, "joins")
    state = await store.raid(1)
    assert state.active and state.reason == "joins"
    assert not (await store.raid(2)).active


async def test_export_and_forget_keep_cases_but_erase_words(store) -> None:
    await store.open_case(1, NewCase("warn", 7, evidence="words: connard | t'es un connard"))
    await store.open_case(1, NewCase("warn", 8, evidence="other member"))
    await store.save_balance(1, 7, Balance(1, 5.0))
    exported = await store.export_user(1, 7)
    assert exported["cases"][0]["evidence"].startswith("words")
    assert exported["points"]["points"] == 1
    assert await store.forget_user(1, 7) == 2
    after = await store.export_user(1, 7)
    assert after["cases"][0]["evidence"] is None and after["points"]["points"] == 0
    assert (await store.history(1, 8))[0].evidence == "other member"
