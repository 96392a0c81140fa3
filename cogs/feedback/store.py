"""Every SQL statement of the feedback feature; rows come back as frozen dataclasses.

Anonymity is enforced here: an anonymous entry is written without ``author_id`` and every
staff-facing read returns :class:`FeedbackEntry` rows whose ``author_id`` is ``None``. The only
way back to the author is :meth:`FeedbackStore.entry_recipient`, used to deliver a staff reply
by DM, and :meth:`FeedbackStore.entries_of`, used by the author on themselves.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from bot.db import Database, Store

from . import anonymity
from . import polls as poll_rules
from . import suggestions as suggestion_rules
from .models import FeedbackEntry, Poll, Reply, Suggestion, SurveyResponse, format_time

# Optional process secret mixed into every guild key (see anonymity.py).
SECRET_ENV = "VIGIE_FEEDBACK_SECRET"


def process_secret() -> str | None:
    """``VIGIE_FEEDBACK_SECRET`` from the environment over ``.env``, the way Settings reads."""
    values: dict[str, str] = {}
    if Path(".env").is_file():
        values.update({k: v for k, v in dotenv_values(".env").items() if v is not None})
    values.update(os.environ)
    return values.get(SECRET_ENV, "").strip() or None


_SUGGESTION = (
    "SELECT s.*,"
    " (SELECT COUNT(*) FROM feedback_suggestion_votes v WHERE v.suggestion_id = s.id AND v.value = 1) AS up,"
    " (SELECT COUNT(*) FROM feedback_suggestion_votes v WHERE v.suggestion_id = s.id AND v.value = -1) AS down"
    " FROM feedback_suggestions s"
)

_SUGGESTION_ACTIVE = (
    _SUGGESTION + " WHERE s.guild_id = ? AND ((s.created_at >= ? AND s.created_at < ?)"  # noqa: S608  (constant text)
    " OR EXISTS (SELECT 1 FROM feedback_suggestion_votes v WHERE v.suggestion_id = s.id"
    " AND v.voted_at >= ? AND v.voted_at < ?))"
)


class FeedbackStore(Store):
    """Entries, replies, suggestions, polls and survey responses of every guild."""

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

    # -- suggestions --------------------------------------------------------------------------

    async def add_suggestion(
        self, guild_id: int, author_id: int, text: str, now: datetime
    ) -> Suggestion:
        suggestion_id = await self.db.execute(
            "INSERT INTO feedback_suggestions (guild_id, author_id, text, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (guild_id, author_id, text, format_time(now), format_time(now)),
        )
        found = await self.get_suggestion(guild_id, suggestion_id)
        assert found is not None
        return found

    async def set_suggestion_message(
        self,
        guild_id: int,
        suggestion_id: int,
        channel_id: int,
        message_id: int,
        thread_id: int | None,
    ) -> None:
        await self.db.execute(
            "UPDATE feedback_suggestions SET channel_id = ?, message_id = ?, thread_id = ?"
            " WHERE guild_id = ? AND id = ?",
            (channel_id, message_id, thread_id, guild_id, suggestion_id),
        )

    async def get_suggestion(self, guild_id: int, suggestion_id: int) -> Suggestion | None:
        row = await self.db.fetchone(
            _SUGGESTION + " WHERE s.guild_id = ? AND s.id = ?", (guild_id, suggestion_id)
        )
        return None if row is None else Suggestion.from_row(row)

    async def delete_suggestion(self, guild_id: int, suggestion_id: int) -> None:
        await self.db.execute(
            "DELETE FROM feedback_suggestions WHERE guild_id = ? AND id = ?",
            (guild_id, suggestion_id),
        )

    async def list_suggestions(self, guild_id: int, status: str | None = None) -> list[Suggestion]:
        rows = await self.db.fetchall(
            _SUGGESTION + " WHERE s.guild_id = ? AND (? IS NULL OR s.status = ?) ORDER BY s.id",
            (guild_id, status, status),
        )
        return [Suggestion.from_row(r) for r in rows]

    async def vote_suggestion(
        self, guild_id: int, suggestion_id: int, user_id: int, value: int, now: datetime
    ) -> int | None:
        """Apply a click on a vote button; returns the member's vote afterwards."""
        async with self.db.transaction():
            current = await self.db.fetchval(
                "SELECT value FROM feedback_suggestion_votes"
                " WHERE guild_id = ? AND suggestion_id = ? AND user_id = ?",
                (guild_id, suggestion_id, user_id),
            )
            new = suggestion_rules.apply_vote(current, value)
            if new is None:
                await self.db.execute(
                    "DELETE FROM feedback_suggestion_votes"
                    " WHERE guild_id = ? AND suggestion_id = ? AND user_id = ?",
                    (guild_id, suggestion_id, user_id),
                )
            else:
                await self.db.execute(
                    "INSERT INTO feedback_suggestion_votes"
                    " (guild_id, suggestion_id, user_id, value, voted_at) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (suggestion_id, user_id)"
                    " DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at",
                    (guild_id, suggestion_id, user_id, new, format_time(now)),
                )
        return new

    async def set_status(
        self,
        guild_id: int,
        suggestion_id: int,
        status: str,
        reason: str | None,
        staff_id: int,
        now: datetime,
    ) -> None:
        await self.db.execute(
            "UPDATE feedback_suggestions SET status = ?, reason = ?, status_by = ?, updated_at = ?"
            " WHERE guild_id = ? AND id = ?",
            (status, reason, staff_id, format_time(now), guild_id, suggestion_id),
        )

    async def suggestions_active_between(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[Suggestion]:
        """Suggestions created or voted on in the period (their counts are all-time)."""
        rows = await self.db.fetchall(
            _SUGGESTION_ACTIVE,
            (guild_id, *(format_time(t) for t in (start, end, start, end))),
        )
        return [Suggestion.from_row(r) for r in rows]

    # -- polls --------------------------------------------------------------------------------

    async def add_poll(
        self,
        guild_id: int,
        channel_id: int,
        author_id: int,
        question: str,
        options: list[str],
        multiple: bool,
        anonymous: bool,
        closes_at: datetime,
    ) -> Poll:
        poll_id = await self.db.execute(
            "INSERT INTO feedback_polls (guild_id, channel_id, author_id, question, options,"
            " multiple, anonymous, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                channel_id,
                author_id,
                question,
                json.dumps(options, ensure_ascii=False),
                int(multiple),
                int(anonymous),
                format_time(closes_at),
            ),
        )
        poll = await self.get_poll(guild_id, poll_id)
        assert poll is not None
        return poll

    async def set_poll_message(self, guild_id: int, poll_id: int, message_id: int | None) -> None:
        await self.db.execute(
            "UPDATE feedback_polls SET message_id = ? WHERE guild_id = ? AND id = ?",
            (message_id, guild_id, poll_id),
        )

    async def delete_poll(self, guild_id: int, poll_id: int) -> None:
        await self.db.execute(
            "DELETE FROM feedback_polls WHERE guild_id = ? AND id = ?", (guild_id, poll_id)
        )

    async def get_poll(self, guild_id: int, poll_id: int) -> Poll | None:
        row = await self.db.fetchone(
            "SELECT * FROM feedback_polls WHERE guild_id = ? AND id = ?", (guild_id, poll_id)
        )
        return None if row is None else Poll.from_row(row)

    async def ballots(self, guild_id: int, poll_id: int) -> dict[int, set[int]]:
        """``member -> options``; forgotten members' votes count under negative keys."""
        rows = await self.db.fetchall(
            "SELECT id, user_id, option FROM feedback_poll_votes WHERE guild_id = ? AND poll_id = ?",
            (guild_id, poll_id),
        )
        found: dict[int, set[int]] = {}
        for row in rows:
            voter = row["user_id"] if row["user_id"] is not None else -row["id"]
            found.setdefault(voter, set()).add(row["option"])
        return found

    async def vote_poll(
        self, guild_id: int, poll: Poll, user_id: int, option: int, now: datetime
    ) -> frozenset[int]:
        """Apply a click on an option; returns the member's ballot afterwards."""
        async with self.db.transaction():
            rows = await self.db.fetchall(
                "SELECT option FROM feedback_poll_votes"
                " WHERE guild_id = ? AND poll_id = ? AND user_id = ?",
                (guild_id, poll.id, user_id),
            )
            ballot = poll_rules.apply_vote(
                frozenset(r["option"] for r in rows),
                option,
                multiple=poll.multiple,
                n_options=len(poll.options),
            )
            await self.db.execute(
                "DELETE FROM feedback_poll_votes WHERE guild_id = ? AND poll_id = ? AND user_id = ?",
                (guild_id, poll.id, user_id),
            )
            await self.db.executemany(
                "INSERT INTO feedback_poll_votes (guild_id, poll_id, user_id, option, voted_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(guild_id, poll.id, user_id, o, format_time(now)) for o in sorted(ballot)],
            )
        return ballot

    async def close_poll(self, guild_id: int, poll_id: int, now: datetime) -> bool:
        """Mark the poll closed; False if it already was (so results post once)."""
        changed = await self.db.execute_count(
            "UPDATE feedback_polls SET closed_at = ? WHERE guild_id = ? AND id = ?"
            " AND closed_at IS NULL",
            (format_time(now), guild_id, poll_id),
        )
        return changed == 1

    async def reopen_poll(self, guild_id: int, poll_id: int) -> None:
        """Undo :meth:`close_poll` when the results could not be posted (retried later)."""
        await self.db.execute(
            "UPDATE feedback_polls SET closed_at = NULL WHERE guild_id = ? AND id = ?",
            (guild_id, poll_id),
        )

    # -- surveys ------------------------------------------------------------------------------

    async def has_answered(self, guild_id: int, survey: str, user_id: int) -> bool:
        found = await self.db.fetchval(
            "SELECT 1 FROM feedback_survey_responses WHERE guild_id = ? AND survey = ?"
            " AND user_id = ?",
            (guild_id, survey, user_id),
        )
        return found is not None

    async def add_response(
        self, guild_id: int, survey: str, user_id: int, answers: dict[str, Any], now: datetime
    ) -> SurveyResponse | None:
        """Store a complete response; ``None`` if the member had already answered."""
        try:
            response_id = await self.db.execute(
                "INSERT INTO feedback_survey_responses (guild_id, survey, user_id, answers,"
                " created_at) VALUES (?, ?, ?, ?, ?)",
                (
                    guild_id,
                    survey,
                    user_id,
                    json.dumps(answers, ensure_ascii=False),
                    format_time(now),
                ),
            )
        except sqlite3.IntegrityError:
            return None
        row = await self.db.fetchone(
            "SELECT * FROM feedback_survey_responses WHERE guild_id = ? AND id = ?",
            (guild_id, response_id),
        )
        return SurveyResponse.from_row(row)  # type: ignore[arg-type]

    async def responses_between(
        self, guild_id: int, start: datetime, end: datetime, survey: str | None = None
    ) -> list[SurveyResponse]:
        rows = await self.db.fetchall(
            "SELECT * FROM feedback_survey_responses WHERE guild_id = ? AND created_at >= ?"
            " AND created_at < ? AND (? IS NULL OR survey = ?) ORDER BY id",
            (guild_id, format_time(start), format_time(end), survey, survey),
        )
        return [SurveyResponse.from_row(r) for r in rows]

    # -- digests ------------------------------------------------------------------------------

    async def digest_posted(self, guild_id: int, period: str, end: datetime) -> bool:
        found = await self.db.fetchval(
            "SELECT 1 FROM feedback_digests WHERE guild_id = ? AND period = ? AND period_end = ?",
            (guild_id, period, format_time(end)),
        )
        return found is not None

    async def record_digest(
        self, guild_id: int, period: str, end: datetime, message_id: int | None, now: datetime
    ) -> None:
        await self.db.execute(
            "INSERT OR IGNORE INTO feedback_digests (guild_id, period, period_end, message_id,"
            " posted_at) VALUES (?, ?, ?, ?, ?)",
            (guild_id, period, format_time(end), message_id, format_time(now)),
        )

    async def all_entries(self, guild_id: int) -> list[FeedbackEntry]:
        rows = await self.db.fetchall(
            "SELECT * FROM feedback_entries WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return [FeedbackEntry.from_row(r) for r in rows]

    async def all_responses(self, guild_id: int) -> list[SurveyResponse]:
        rows = await self.db.fetchall(
            "SELECT * FROM feedback_survey_responses WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return [SurveyResponse.from_row(r) for r in rows]

    # -- privacy ------------------------------------------------------------------------------

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """What is kept about the member. Anonymous entries are left out on purpose: managers
        can export a member, and listing them would unmask the author. The member sees them
        with ``/my-feedback``."""
        entries = await self.db.fetchall(
            "SELECT id, category, rating, text, created_at FROM feedback_entries"
            " WHERE guild_id = ? AND author_id = ? AND anonymous = 0 ORDER BY id",
            (guild_id, user_id),
        )
        suggestions = await self.db.fetchall(
            "SELECT id, text, status, created_at FROM feedback_suggestions"
            " WHERE guild_id = ? AND author_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        votes = await self.db.fetchall(
            "SELECT suggestion_id, value, voted_at FROM feedback_suggestion_votes"
            " WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        # votes in anonymous polls are left out for the same reason as anonymous entries
        ballots = await self.db.fetchall(
            "SELECT v.poll_id, v.option, v.voted_at FROM feedback_poll_votes v"
            " JOIN feedback_polls p ON p.id = v.poll_id AND p.guild_id = v.guild_id"
            " WHERE v.guild_id = ? AND v.user_id = ? AND p.anonymous = 0 ORDER BY v.id",
            (guild_id, user_id),
        )
        responses = await self.db.fetchall(
            "SELECT survey, answers, created_at FROM feedback_survey_responses"
            " WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return {
            "feedback_entries": [dict(r) for r in entries],
            "suggestions": [dict(r) for r in suggestions],
            "suggestion_votes": [dict(r) for r in votes],
            "poll_votes": [dict(r) for r in ballots],
            "survey_responses": [
                {**dict(r), "answers": json.loads(r["answers"])} for r in responses
            ],
        }

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        """Anonymise: entries, suggestions, votes and answers stay (digests and closed results
        do not change) but nothing ties them to the member any more, not even for the bot."""
        author_key = anonymity.author_key(await self.key(guild_id), guild_id, user_id)
        changed = 0
        statements = [
            (
                "UPDATE feedback_entries SET author_id = NULL, author_key = NULL,"
                " sealed_author = NULL, anonymous = 1"
                " WHERE guild_id = ? AND (author_id = ? OR author_key = ?)",
                (guild_id, user_id, author_key),
            ),
            (
                "UPDATE feedback_replies SET staff_id = NULL WHERE guild_id = ? AND staff_id = ?",
                (guild_id, user_id),
            ),
            (
                "UPDATE feedback_suggestions SET author_id = NULL"
                " WHERE guild_id = ? AND author_id = ?",
                (guild_id, user_id),
            ),
            (
                "UPDATE feedback_suggestions SET status_by = NULL"
                " WHERE guild_id = ? AND status_by = ?",
                (guild_id, user_id),
            ),
            (
                "UPDATE feedback_suggestion_votes SET user_id = NULL"
                " WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            ),
            (
                "UPDATE feedback_polls SET author_id = NULL WHERE guild_id = ? AND author_id = ?",
                (guild_id, user_id),
            ),
            (
                "UPDATE feedback_poll_votes SET user_id = NULL WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            ),
            (
                "UPDATE feedback_survey_responses SET user_id = NULL"
                " WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            ),
        ]
        async with self.db.transaction():
            for sql, params in statements:
                changed += await self.db.execute_count(sql, params)
        return changed
