"""Every SQL statement of the games cog. Parameterized, and filtered by guild_id."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.db import Store

XP_UPSERT = (
    "INSERT INTO games_xp (guild_id, season, user_id, xp, messages, last_message_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (guild_id, season, user_id) DO UPDATE SET"
    " xp = max(0, games_xp.xp + excluded.xp),"
    " messages = max(0, games_xp.messages + excluded.messages),"
    " last_message_at = max(games_xp.last_message_at, excluded.last_message_at)"
)
PROGRESS_UPSERT = (
    "INSERT INTO games_challenge_progress (guild_id, week, challenge_id, user_id, progress)"
    " VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (guild_id, week, challenge_id, user_id) DO UPDATE SET"
    " progress = games_challenge_progress.progress + excluded.progress"
)


@dataclass(frozen=True)
class XpRow:
    user_id: int
    xp: int
    messages: int

    @classmethod
    def from_row(cls, row: Any) -> XpRow:
        return cls(int(row["user_id"]), int(row["xp"]), int(row["messages"]))


@dataclass(frozen=True)
class ScoreRow:
    user_id: int
    points: int
    games: int
    wins: int

    @classmethod
    def from_row(cls, row: Any) -> ScoreRow:
        return cls(int(row["user_id"]), int(row["points"]), int(row["games"]), int(row["wins"]))


@dataclass(frozen=True)
class StoredList:
    name: str
    content: str
    questions: int
    uploaded_by: int

    @classmethod
    def from_row(cls, row: Any) -> StoredList:
        return cls(
            str(row["name"]), str(row["content"]), int(row["questions"]), int(row["uploaded_by"])
        )


@dataclass(frozen=True)
class ProgressRow:
    challenge_id: str
    user_id: int
    progress: int
    completed: bool

    @classmethod
    def from_row(cls, row: Any) -> ProgressRow:
        return cls(
            str(row["challenge_id"]),
            int(row["user_id"]),
            int(row["progress"]),
            row["completed_at"] is not None,
        )


class GamesStore(Store):
    """XP, seasons, trivia lists and scores, challenge progress and streaks."""

    # -- XP -------------------------------------------------------------------------------
    async def write_xp(self, rows: Sequence[tuple[int, str, int, int, int, float]]) -> None:
        """The ledger's batch: one executemany, one transaction."""
        await self.db.executemany(XP_UPSERT, rows)

    async def season_totals(self, guild_id: int, season: str) -> list[tuple[int, int]]:
        rows = await self.db.fetchall(
            "SELECT user_id, xp FROM games_xp WHERE guild_id = ? AND season = ?", (guild_id, season)
        )
        return [(int(r["user_id"]), int(r["xp"])) for r in rows]

    async def xp_of(self, guild_id: int, season: str, user_id: int) -> XpRow | None:
        row = await self.db.fetchone(
            "SELECT user_id, xp, messages FROM games_xp WHERE guild_id = ? AND season = ? AND user_id = ?",
            (guild_id, season, user_id),
        )
        return None if row is None else XpRow.from_row(row)

    async def rank_of(self, guild_id: int, season: str, xp: int) -> int:
        ahead = await self.db.fetchval(
            "SELECT count(*) FROM games_xp WHERE guild_id = ? AND season = ? AND xp > ?",
            (guild_id, season, xp),
        )
        return int(ahead or 0) + 1

    async def leaderboard(self, guild_id: int, season: str, offset: int, limit: int) -> list[XpRow]:
        rows = await self.db.fetchall(
            "SELECT user_id, xp, messages FROM games_xp WHERE guild_id = ? AND season = ? AND xp > 0"
            " ORDER BY xp DESC, user_id LIMIT ? OFFSET ?",
            (guild_id, season, limit, offset),
        )
        return [XpRow.from_row(r) for r in rows]

    async def count_ranked(self, guild_id: int, season: str) -> int:
        value = await self.db.fetchval(
            "SELECT count(*) FROM games_xp WHERE guild_id = ? AND season = ? AND xp > 0",
            (guild_id, season),
        )
        return int(value or 0)

    async def set_xp(self, guild_id: int, season: str, user_id: int, xp: int) -> None:
        await self.db.execute(
            "INSERT INTO games_xp (guild_id, season, user_id, xp) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (guild_id, season, user_id) DO UPDATE SET xp = excluded.xp",
            (guild_id, season, user_id, max(0, xp)),
        )

    async def reset_xp(self, guild_id: int, season: str, user_id: int | None = None) -> int:
        if user_id is None:
            return await self.db.execute_count(
                "DELETE FROM games_xp WHERE guild_id = ? AND season = ?", (guild_id, season)
            )
        return await self.db.execute_count(
            "DELETE FROM games_xp WHERE guild_id = ? AND season = ? AND user_id = ?",
            (guild_id, season, user_id),
        )

    async def import_xp(self, guild_id: int, season: str, rows: Iterable[tuple[int, int]]) -> int:
        """Set each member's XP (CSV import), all or nothing."""
        batch = [(guild_id, season, user_id, max(0, xp)) for user_id, xp in rows]
        await self.db.executemany(
            "INSERT INTO games_xp (guild_id, season, user_id, xp) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (guild_id, season, user_id) DO UPDATE SET xp = excluded.xp",
            batch,
        )
        return len(batch)

    # -- seasons --------------------------------------------------------------------------
    async def open_season(self, guild_id: int) -> str | None:
        return await self.db.fetchval(
            "SELECT season FROM games_seasons WHERE guild_id = ? AND ended_at IS NULL"
            " ORDER BY started_at DESC LIMIT 1",
            (guild_id,),
        )

    async def roll_season(self, guild_id: int, new_season: str, now: float) -> str | None:
        """Close the open season (if another) and open ``new_season``; returns the closed one."""
        async with self.db.transaction():
            previous = await self.open_season(guild_id)
            if previous == new_season:
                return None
            if previous is not None:
                await self.db.execute(
                    "UPDATE games_seasons SET ended_at = ? WHERE guild_id = ? AND season = ?",
                    (now, guild_id, previous),
                )
            await self.db.execute(
                "INSERT INTO games_seasons (guild_id, season, started_at) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id, season) DO UPDATE SET ended_at = NULL",
                (guild_id, new_season, now),
            )
            return previous

    async def seasons(self, guild_id: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT season FROM games_seasons WHERE guild_id = ? ORDER BY started_at", (guild_id,)
        )
        return [str(r["season"]) for r in rows]

    # -- trivia ---------------------------------------------------------------------------
    async def save_list(
        self, guild_id: int, name: str, content: str, questions: int, user_id: int
    ) -> None:
        await self.db.execute(
            "INSERT INTO games_trivia_lists (guild_id, name, content, questions, uploaded_by, uploaded_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, name) DO UPDATE SET"
            " content = excluded.content, questions = excluded.questions,"
            " uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at",
            (guild_id, name, content, questions, user_id, time.time()),
        )

    async def uploaded_lists(self, guild_id: int) -> list[StoredList]:
        rows = await self.db.fetchall(
            "SELECT name, content, questions, uploaded_by FROM games_trivia_lists WHERE guild_id = ? ORDER BY name",
            (guild_id,),
        )
        return [StoredList.from_row(r) for r in rows]

    async def uploaded_list(self, guild_id: int, name: str) -> StoredList | None:
        row = await self.db.fetchone(
            "SELECT name, content, questions, uploaded_by FROM games_trivia_lists WHERE guild_id = ? AND name = ?",
            (guild_id, name),
        )
        return None if row is None else StoredList.from_row(row)

    async def start_session(
        self, guild_id: int, channel_id: int, list_name: str, user_id: int
    ) -> int:
        return await self.db.execute(
            "INSERT INTO games_trivia_sessions (guild_id, channel_id, list_name, started_by, started_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (guild_id, channel_id, list_name, user_id, time.time()),
        )

    async def end_session(
        self,
        guild_id: int,
        session_id: int,
        list_name: str,
        questions: int,
        reason: str,
        scores: dict[int, int],
        winner: int | None,
    ) -> None:
        """Record a finished game and add it to the all-time scores, in one transaction."""
        async with self.db.transaction():
            await self.db.execute(
                "UPDATE games_trivia_sessions SET ended_at = ?, questions = ?, end_reason = ?"
                " WHERE guild_id = ? AND id = ?",
                (time.time(), questions, reason, guild_id, session_id),
            )
            await self.db.executemany(
                "INSERT INTO games_trivia_session_scores (session_id, guild_id, user_id, points) VALUES (?, ?, ?, ?)",
                [(session_id, guild_id, user, points) for user, points in scores.items()],
            )
            await self.db.executemany(
                "INSERT INTO games_trivia_scores (guild_id, list_name, user_id, points, games, wins)"
                " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (guild_id, list_name, user_id) DO UPDATE SET"
                " points = points + excluded.points, games = games + 1, wins = wins + excluded.wins",
                [
                    (guild_id, list_name, user, points, int(user == winner))
                    for user, points in scores.items()
                ],
            )

    async def close_abandoned_sessions(self, guild_id: int, running: set[int]) -> int:
        """Games a crash interrupted (never ended, not running now) are closed as ``interrupted``."""
        rows = await self.db.fetchall(
            "SELECT id FROM games_trivia_sessions WHERE guild_id = ? AND ended_at IS NULL",
            (guild_id,),
        )
        stale = [int(r["id"]) for r in rows if int(r["id"]) not in running]
        await self.db.executemany(
            "UPDATE games_trivia_sessions SET ended_at = ?, end_reason = 'interrupted' WHERE guild_id = ? AND id = ?",
            [(time.time(), guild_id, session_id) for session_id in stale],
        )
        return len(stale)

    async def trivia_leaderboard(
        self, guild_id: int, list_name: str | None, limit: int = 10
    ) -> list[ScoreRow]:
        """All-time scores for one list, or for the whole server (every list summed)."""
        if list_name is None:
            rows = await self.db.fetchall(
                "SELECT user_id, sum(points) AS points, sum(games) AS games, sum(wins) AS wins"
                " FROM games_trivia_scores WHERE guild_id = ? GROUP BY user_id"
                " ORDER BY points DESC, user_id LIMIT ?",
                (guild_id, limit),
            )
        else:
            rows = await self.db.fetchall(
                "SELECT user_id, points, games, wins FROM games_trivia_scores WHERE guild_id = ? AND list_name = ?"
                " ORDER BY points DESC, user_id LIMIT ?",
                (guild_id, list_name, limit),
            )
        return [ScoreRow.from_row(r) for r in rows]

    # -- challenges -----------------------------------------------------------------------
    async def write_progress(self, rows: Sequence[tuple[int, str, str, int, int]]) -> None:
        await self.db.executemany(PROGRESS_UPSERT, rows)

    async def newly_completed(
        self, guild_id: int, week: str, challenge_id: str, target: int
    ) -> list[int]:
        """Members who reached ``target`` and were not yet marked complete; marks them."""
        async with self.db.transaction():
            rows = await self.db.fetchall(
                "SELECT user_id FROM games_challenge_progress WHERE guild_id = ? AND week = ?"
                " AND challenge_id = ? AND progress >= ? AND completed_at IS NULL",
                (guild_id, week, challenge_id, target),
            )
            users = [int(r["user_id"]) for r in rows]
            await self.db.executemany(
                "UPDATE games_challenge_progress SET completed_at = ? WHERE guild_id = ? AND week = ?"
                " AND challenge_id = ? AND user_id = ?",
                [(time.time(), guild_id, week, challenge_id, u) for u in users],
            )
        return users

    async def progress_of(self, guild_id: int, week: str, user_id: int) -> list[ProgressRow]:
        rows = await self.db.fetchall(
            "SELECT challenge_id, user_id, progress, completed_at FROM games_challenge_progress"
            " WHERE guild_id = ? AND week = ? AND user_id = ?",
            (guild_id, week, user_id),
        )
        return [ProgressRow.from_row(r) for r in rows]

    async def streak_of(self, guild_id: int, user_id: int) -> tuple[str, int] | None:
        row = await self.db.fetchone(
            "SELECT last_week, streak FROM games_streaks WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return None if row is None else (str(row["last_week"]), int(row["streak"]))

    async def set_streak(self, guild_id: int, user_id: int, week: str, streak: int) -> None:
        await self.db.execute(
            "INSERT INTO games_streaks (guild_id, user_id, last_week, streak) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (guild_id, user_id) DO UPDATE SET last_week = excluded.last_week, streak = excluded.streak",
            (guild_id, user_id, week, streak),
        )

    # -- privacy --------------------------------------------------------------------------
    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        xp = await self.db.fetchall(
            "SELECT season, xp, messages FROM games_xp WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        scores = await self.db.fetchall(
            "SELECT list_name, points, games, wins FROM games_trivia_scores WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        progress = await self.db.fetchall(
            "SELECT week, challenge_id, progress, completed_at FROM games_challenge_progress"
            " WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        streak = await self.streak_of(guild_id, user_id)
        return {
            "xp": [dict(r) for r in xp],
            "trivia_scores": [dict(r) for r in scores],
            "challenges": [dict(r) for r in progress],
            "streak": None if streak is None else {"last_week": streak[0], "weeks": streak[1]},
        }

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        changed = 0
        async with self.db.transaction():
            for table in (
                "games_xp",
                "games_trivia_scores",
                "games_trivia_session_scores",
                "games_challenge_progress",
                "games_streaks",
            ):
                # Table names come from the fixed tuple above, never from input.
                changed += await self.db.execute_count(
                    f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?",  # noqa: S608
                    (guild_id, user_id),
                )
        return changed
