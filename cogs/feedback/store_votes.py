"""SQL of the two things members vote on: suggestions (for/against) and polls (options)."""

from __future__ import annotations

import json
from datetime import datetime

from bot.db import Store

from . import polls as poll_rules
from . import suggestions as suggestion_rules
from .models import Poll, Suggestion, format_time

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


class SuggestionStore(Store):
    """Suggestions, their votes and statuses."""

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
        current: str,
    ) -> bool:
        """Move the suggestion from ``current`` to ``status``; False if someone changed it first
        (two moderators at once: only one change, one DM to the author)."""
        changed = await self.db.execute_count(
            "UPDATE feedback_suggestions SET status = ?, reason = ?, status_by = ?, updated_at = ?"
            " WHERE guild_id = ? AND id = ? AND status = ?",
            (status, reason, staff_id, format_time(now), guild_id, suggestion_id, current),
        )
        return changed == 1

    async def suggestions_active_between(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[Suggestion]:
        """Suggestions created or voted on in the period (their counts are all-time)."""
        rows = await self.db.fetchall(
            _SUGGESTION_ACTIVE,
            (guild_id, *(format_time(t) for t in (start, end, start, end))),
        )
        return [Suggestion.from_row(r) for r in rows]


class PollStore(Store):
    """Polls, their ballots, and the claim that posts results once."""

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
