"""SQL of feedback entries and staff replies, with the anonymity keys that guard authors.

Anonymity is enforced here: an anonymous entry is written without ``author_id`` and every
staff-facing read returns :class:`FeedbackEntry` rows whose ``author_id`` is ``None``. The only
way back to the author is :meth:`EntryStore.entry_recipient`, used to deliver a staff reply
by DM, and :meth:`EntryStore.entries_of`, used by the author on themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from dotenv import dotenv_values

from bot.db import Database, Store

from . import anonymity
from .models import FeedbackEntry, Reply, format_time

# Optional process secret mixed into every guild key (see anonymity.py).
SECRET_ENV = "VIGIE_FEEDBACK_SECRET"


def process_secret() -> str | None:
    """``VIGIE_FEEDBACK_SECRET`` from the environment over ``.env``, the way Settings reads."""
    values: dict[str, str] = {}
    if Path(".env").is_file():
        values.update({k: v for k, v in dotenv_values(".env").items() if v is not None})
    values.update(os.environ)
    return values.get(SECRET_ENV, "").strip() or None


class EntryStore(Store):
    """Feedback entries, their replies, and each guild's anonymity key."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._keys: dict[int, bytes] = {}

    # -- anonymity keys ----------------------------------------------------------------------

    async def key(self, guild_id: int) -> bytes:
        """The guild's anonymity key (created on first use, cached)."""
        cached = self._keys.get(guild_id)
        if cached is not None:
            return cached
        await self.db.execute(
            "INSERT OR IGNORE INTO feedback_keys (guild_id, secret) VALUES (?, ?)",
            (guild_id, anonymity.new_guild_secret()),
        )
        secret = await self.db.fetchval(
            "SELECT secret FROM feedback_keys WHERE guild_id = ?", (guild_id,)
        )
        key = anonymity.derive_key(bytes(secret), process_secret())
        self._keys[guild_id] = key
        return key

    # -- feedback entries ---------------------------------------------------------------------

    async def add_entry(
        self,
        guild_id: int,
        user_id: int,
        category: str,
        rating: int,
        text: str,
        anonymous: bool,
        now: datetime,
    ) -> FeedbackEntry:
        """Store an answer to the form; an anonymous one keeps no readable author."""
        key = await self.key(guild_id)
        author_key = anonymity.author_key(key, guild_id, user_id)
        async with self.db.transaction():
            entry_id = await self.db.execute(
                "INSERT INTO feedback_entries (guild_id, category, rating, text, anonymous,"
                " author_id, author_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    category,
                    rating,
                    text,
                    int(anonymous),
                    None if anonymous else user_id,
                    author_key,
                    format_time(now),
                ),
            )
            if anonymous:
                sealed = anonymity.seal_author(key, guild_id, entry_id, user_id)
                await self.db.execute(
                    "UPDATE feedback_entries SET sealed_author = ? WHERE guild_id = ? AND id = ?",
                    (sealed, guild_id, entry_id),
                )
        entry = await self.get_entry(guild_id, entry_id)
        assert entry is not None
        return entry

    async def set_inbox_message(
        self, guild_id: int, entry_id: int, channel_id: int, message_id: int
    ) -> None:
        await self.db.execute(
            "UPDATE feedback_entries SET inbox_channel_id = ?, inbox_message_id = ?"
            " WHERE guild_id = ? AND id = ?",
            (channel_id, message_id, guild_id, entry_id),
        )

    async def get_entry(self, guild_id: int, entry_id: int) -> FeedbackEntry | None:
        row = await self.db.fetchone(
            "SELECT * FROM feedback_entries WHERE guild_id = ? AND id = ?", (guild_id, entry_id)
        )
        return None if row is None else FeedbackEntry.from_row(row)

    async def entry_recipient(self, guild_id: int, entry_id: int) -> int | None:
        """Who should receive a reply to the entry: never shown, only used to send a DM."""
        row = await self.db.fetchone(
            "SELECT anonymous, author_id, author_key, sealed_author FROM feedback_entries"
            " WHERE guild_id = ? AND id = ?",
            (guild_id, entry_id),
        )
        if row is None:
            return None
        if not row["anonymous"]:
            return row["author_id"]
        if row["sealed_author"] is None:
            return None  # forgotten
        key = await self.key(guild_id)
        user_id = anonymity.unseal_author(key, guild_id, entry_id, row["sealed_author"])
        # a changed VIGIE_FEEDBACK_SECRET would unseal garbage: never DM a stranger
        if anonymity.author_key(key, guild_id, user_id) != row["author_key"]:
            return None
        return user_id

    async def entries_of(self, guild_id: int, user_id: int) -> list[FeedbackEntry]:
        """A member's own entries, anonymous ones included (shown only to that member)."""
        author_key = anonymity.author_key(await self.key(guild_id), guild_id, user_id)
        rows = await self.db.fetchall(
            "SELECT * FROM feedback_entries WHERE guild_id = ? AND author_key = ? ORDER BY id DESC",
            (guild_id, author_key),
        )
        return [FeedbackEntry.from_row(r) for r in rows]

    async def delete_own_entry(
        self, guild_id: int, user_id: int, entry_id: int
    ) -> FeedbackEntry | None:
        """Delete the entry if ``user_id`` wrote it; returns it (for its inbox message)."""
        author_key = anonymity.author_key(await self.key(guild_id), guild_id, user_id)
        row = await self.db.fetchone(
            "SELECT * FROM feedback_entries WHERE guild_id = ? AND id = ? AND author_key = ?",
            (guild_id, entry_id, author_key),
        )
        if row is None:
            return None
        await self.db.execute(
            "DELETE FROM feedback_entries WHERE guild_id = ? AND id = ?", (guild_id, entry_id)
        )
        return FeedbackEntry.from_row(row)

    async def entries_between(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[FeedbackEntry]:
        rows = await self.db.fetchall(
            "SELECT * FROM feedback_entries WHERE guild_id = ? AND created_at >= ?"
            " AND created_at < ? ORDER BY id",
            (guild_id, format_time(start), format_time(end)),
        )
        return [FeedbackEntry.from_row(r) for r in rows]

    async def add_reply(
        self, guild_id: int, entry_id: int, staff_id: int, text: str, delivered: bool, now: datetime
    ) -> int:
        return await self.db.execute(
            "INSERT INTO feedback_replies (guild_id, entry_id, staff_id, text, delivered,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, entry_id, staff_id, text, int(delivered), format_time(now)),
        )

    async def replies_to(self, guild_id: int, entry_ids: Iterable[int]) -> dict[int, list[Reply]]:
        ids = list(entry_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = await self.db.fetchall(
            f"SELECT * FROM feedback_replies WHERE guild_id = ? AND entry_id IN ({marks})"  # noqa: S608  (placeholders only)
            " ORDER BY id",
            (guild_id, *ids),
        )
        found: dict[int, list[Reply]] = {}
        for row in rows:
            reply = Reply.from_row(row)
            found.setdefault(reply.entry_id, []).append(reply)
        return found

    async def all_entries(self, guild_id: int) -> list[FeedbackEntry]:
        rows = await self.db.fetchall(
            "SELECT * FROM feedback_entries WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return [FeedbackEntry.from_row(r) for r in rows]
