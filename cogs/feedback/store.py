"""The feedback store: one class over the per-aggregate stores, surveys, digests and privacy.

Every SQL statement of the feedback feature lives in the store modules: entries and replies
(with anonymity) in :mod:`.store_entries`, suggestions and polls in :mod:`.store_votes`,
survey responses, digests and the privacy walk across all tables here. Rows come back as
frozen dataclasses.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from . import anonymity
from .models import SurveyResponse, format_time
from .store_entries import EntryStore
from .store_votes import PollStore, SuggestionStore


class FeedbackStore(EntryStore, SuggestionStore, PollStore):
    """Entries, replies, suggestions, polls and survey responses of every guild."""

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
        row: dict[str, Any] = {
            "guild_id": guild_id,
            "survey": survey,
            "user_id": user_id,
            "answers": json.dumps(answers, ensure_ascii=False),
            "created_at": format_time(now),
        }
        try:
            row["id"] = await self.db.execute(
                "INSERT INTO feedback_survey_responses (guild_id, survey, user_id, answers,"
                " created_at) VALUES (:guild_id, :survey, :user_id, :answers, :created_at)",
                row,
            )
        except sqlite3.IntegrityError:
            return None
        # Built from the values just stored (read back the way a fetched row is): no second
        # query, and no "row vanished" case to invent.
        return SurveyResponse.from_row(row)

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
