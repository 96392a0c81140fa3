"""Weekly challenges: week ids, progress counters kept in memory, streaks. Pure, no discord import.

Progress is counted in memory (``ProgressCounter.bump`` never awaits) and written with the XP
flush; completion is checked after each flush, off the message path.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

ProgressKey = tuple[int, str, str, int]  # (guild_id, week, challenge_id, user_id)


def week_id(when: datetime) -> str:
    """ISO week of ``when`` in UTC: ``2026-W48``. Weeks start on Monday."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    year, week, _ = when.astimezone(UTC).isocalendar()
    return f"{year:04d}-W{week:02d}"


def previous_week(week: str) -> str:
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    return week_id(datetime.combine(monday - timedelta(days=7), datetime.min.time(), UTC))


def next_streak(last: tuple[str, int] | None, week: str) -> int:
    """The streak after completing every challenge of ``week``.

    Consecutive weeks extend it; a gap restarts at 1; completing the same week twice (a
    second check after a restart) does not count twice.
    """
    if last is None:
        return 1
    last_week, streak = last
    if last_week == week:
        return streak
    if last_week == previous_week(week):
        return streak + 1
    return 1


def streak_bonus(streak: int, per_week: int) -> int:
    """Week 1 of a streak earns no bonus, week 2 one bonus, week 3 two..."""
    return max(0, streak - 1) * per_week


class ProgressCounter:
    """Increments per (guild, week, challenge, member), swapped out in one piece by the flush."""

    def __init__(self) -> None:
        self._pending: dict[ProgressKey, int] = {}

    def bump(
        self, guild_id: int, week: str, challenge_id: str, user_id: int, amount: int = 1
    ) -> None:
        key = (guild_id, week, challenge_id, user_id)
        self._pending[key] = self._pending.get(key, 0) + amount

    def take(self) -> list[tuple[int, str, str, int, int]]:
        batch, self._pending = self._pending, {}
        return [(g, w, c, u, n) for (g, w, c, u), n in batch.items()]

    def restore(self, rows: list[tuple[int, str, str, int, int]]) -> None:
        for guild_id, week, challenge_id, user_id, amount in rows:
            self.bump(guild_id, week, challenge_id, user_id, amount)

    def discard(self, guild_id: int, user_id: int) -> None:
        """Forget a member's unwritten progress (they asked to be forgotten)."""
        for key in [k for k in self._pending if k[0] == guild_id and k[3] == user_id]:
            del self._pending[key]

    def touched(self, rows: list[tuple[int, str, str, int, int]]) -> set[tuple[int, str, str]]:
        """(guild, week, challenge) triples a batch changed: only those need a completion check."""
        return {(g, w, c) for g, w, c, _u, _n in rows}
