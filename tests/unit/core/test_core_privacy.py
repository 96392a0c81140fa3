"""Privacy: export and forget walk every registered store, on a real database."""

from __future__ import annotations

import json
from typing import Any

from bot.db import Database, Store
from bot.privacy import Privacy, store_name


class NotesStore(Store):
    """A minimal feature store, as a cog would write one."""

    async def setup(self) -> None:
        await self.db.execute(
            "CREATE TABLE notes (guild_id INTEGER NOT NULL, user_id INTEGER NOT NULL, text TEXT)"
        )

    async def add(self, guild_id: int, user_id: int, text: str) -> None:
        await self.db.execute("INSERT INTO notes VALUES (?, ?, ?)", (guild_id, user_id, text))

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        rows = await self.db.fetchall(
            "SELECT text FROM notes WHERE guild_id = ? AND user_id = ? ORDER BY rowid",
            (guild_id, user_id),
        )
        return {"notes": [r["text"] for r in rows]}

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        return await self.db.execute_count(
            "DELETE FROM notes WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )


async def test_export_and_forget_only_touch_that_member_in_that_guild(db: Database) -> None:
    store = NotesStore(db)
    await store.setup()
    await store.add(1, 7, "hello")
    await store.add(1, 7, "again")
    await store.add(1, 8, "someone else")
    await store.add(2, 7, "other guild")
    privacy = Privacy()
    privacy.register(store)
    privacy.register(store)  # registering twice keeps one
    exported = json.loads(await privacy.export_json(1, 7))
    assert exported["data"] == {"notes": {"notes": ["hello", "again"]}}
    assert (exported["guild_id"], exported["user_id"]) == (1, 7)
    assert await privacy.forget_user(1, 7) == {"notes": 2}
    assert (await privacy.export_user(1, 7))["data"] == {"notes": {"notes": []}}
    assert await db.fetchval("SELECT COUNT(*) FROM notes") == 2


def test_store_name() -> None:
    assert store_name(NotesStore(None)) == "notes"  # type: ignore[arg-type]
