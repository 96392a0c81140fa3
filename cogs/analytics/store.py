"""Every SQL statement of analytics. Rows are counts and identifiers, never message content."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.db import Store

from .collector import Batch
from .metrics import Join, PeriodData
from .periods import Period

ONBOARDING_PREFIX = "onboarding:"


def _ts(moment: datetime) -> float:
    return moment.timestamp()


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


def _day_before(end: datetime) -> str:
    """The UTC day of the last instant before an exclusive end (midnight belongs to the day
    it closes, not to the next one)."""
    return _day(end - timedelta(microseconds=1))


class AnalyticsStore(Store):
    """Aggregates written in batches off the message path, and the queries of reports."""

    async def write(self, batch: Batch) -> None:
        """One transaction for everything a flush carries (additive upserts)."""
        async with self.db.transaction() as db:
            await db.executemany(
                "INSERT INTO analytics_hourly (guild_id, hour, channel_id, messages, reactions)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, hour, channel_id) DO UPDATE SET"
                " messages = messages + excluded.messages,"
                " reactions = reactions + excluded.reactions",
                batch.hourly_rows(),
            )
            await db.executemany(
                "INSERT INTO analytics_active (guild_id, day, user_id, messages) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (guild_id, day, user_id) DO UPDATE SET"
                " messages = messages + excluded.messages",
                batch.active_rows(),
            )
            await db.executemany(
                "INSERT INTO analytics_commands (guild_id, day, name, uses) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (guild_id, day, name) DO UPDATE SET uses = uses + excluded.uses",
                batch.command_rows(),
            )
            await db.executemany(
                "INSERT INTO analytics_members (guild_id, user_id, kind, at, stayed)"
                " VALUES (?, ?, ?, ?, ?)",
                batch.members,
            )
            await db.executemany(
                "INSERT INTO analytics_events (guild_id, kind, user_id, value, at)"
                " VALUES (?, ?, ?, ?, ?)",
                batch.events,
            )
            await db.executemany(
                "INSERT INTO analytics_member_counts (guild_id, day, members) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id, day) DO UPDATE SET members = excluded.members",
                batch.member_count_rows(),
            )

    async def members_at(self, guild_id: int, moment: datetime, members_now: int) -> int:
        """The server's size at a moment (a period's end): the snapshot of the day that moment
        closes, else today's size minus the joins since and plus the leaves since."""
        day = _day_before(moment)
        snapshot = await self.db.fetchval(
            "SELECT members FROM analytics_member_counts WHERE guild_id = ? AND day <= ?"
            " ORDER BY day DESC LIMIT 1",
            (guild_id, day),
        )
        if snapshot is not None and day < _day(datetime.now(UTC)):
            return int(snapshot)
        rows = await self.db.fetchall(
            "SELECT kind, COUNT(*) FROM analytics_members WHERE guild_id = ? AND at >= ?"
            " GROUP BY kind",
            (guild_id, _ts(moment)),
        )
        since = {row[0]: row[1] for row in rows}
        return max(0, members_now - since.get("join", 0) + since.get("leave", 0))

    async def period_data(self, guild_id: int, period: Period, members_now: int) -> PeriodData:
        """Everything the figures of ``period`` need."""
        start, end = _ts(period.start), _ts(period.end)
        args = (guild_id, start, end)
        join_rows = await self.db.fetchall(
            "SELECT j.user_id, j.at, (SELECT MIN(l.at) FROM analytics_members l"
            "  WHERE l.guild_id = j.guild_id AND l.user_id = j.user_id AND l.kind = 'leave'"
            "  AND l.at >= j.at) FROM analytics_members j"
            " WHERE j.guild_id = ? AND j.kind = 'join' AND j.at >= ? AND j.at < ? ORDER BY j.at",
            args,
        )
        joins = [
            Join(
                row[0],
                datetime.fromtimestamp(row[1], UTC),
                None if row[2] is None else datetime.fromtimestamp(row[2], UTC),
            )
            for row in join_rows
        ]
        leaves = await self.db.fetchval(
            "SELECT COUNT(*) FROM analytics_members WHERE guild_id = ? AND kind = 'leave'"
            " AND at >= ? AND at < ?",
            args,
        )
        active: dict[date, set[int]] = defaultdict(set)
        for row in await self.db.fetchall(
            "SELECT day, user_id FROM analytics_active WHERE guild_id = ? AND day >= ? AND day <= ?",
            (guild_id, _day(period.start), _day_before(period.end)),
        ):
            active[date.fromisoformat(row[0])].add(row[1])
        by_channel: dict[int, int] = {}
        by_hour: dict[int, int] = defaultdict(int)
        for row in await self.db.fetchall(
            "SELECT hour, channel_id, messages FROM analytics_hourly"
            " WHERE guild_id = ? AND hour >= ? AND hour < ?",
            args,
        ):
            by_channel[row[1]] = by_channel.get(row[1], 0) + row[2]
            by_hour[row[0]] += row[2]
        events: dict[str, list[tuple[int | None, float | None]]] = defaultdict(list)
        for row in await self.db.fetchall(
            "SELECT kind, user_id, value FROM analytics_events"
            " WHERE guild_id = ? AND at >= ? AND at < ?",
            args,
        ):
            events[row[0]].append((row[1], row[2]))
        # Onboarding steps of the period's newcomers may come after the period ends.
        onboarding: dict[str, set[int]] = defaultdict(set)
        for row in await self.db.fetchall(
            "SELECT kind, user_id FROM analytics_events WHERE guild_id = ? AND kind LIKE ?"
            " AND at >= ?",
            (guild_id, ONBOARDING_PREFIX + "%", start),
        ):
            onboarding[row[0].removeprefix(ONBOARDING_PREFIX)].add(row[1])
        return PeriodData(
            period=period,
            members_at_end=await self.members_at(guild_id, period.end, members_now),
            joins=joins,
            leaves=int(leaves or 0),
            active_by_day={day: frozenset(users) for day, users in active.items()},
            messages_by_channel=by_channel,
            messages_by_hour=dict(by_hour),
            onboarding={step: frozenset(users) for step, users in onboarding.items()},
            cases=len(events["case"]),
            ticket_deadlines=[bool(value) for _, value in events["ticket_deadline"]],
            feedback_ratings=[int(value) for _, value in events["feedback_rating"] if value],
            nps_scores=[int(value) for _, value in events["nps"] if value is not None],
            game_players=frozenset(user for user, _ in events["game_player"] if user),
        )

    async def daily_series(self, guild_id: int, period: Period) -> dict[str, dict[str, float]]:
        """Per UTC day: joins, leaves, messages, active members and cases (for charts, CSV)."""
        start, end = _ts(period.start), _ts(period.end)
        series: dict[str, dict[str, float]] = {
            day.isoformat(): defaultdict(float) for day in period.days()
        }

        def add(day: str, metric: str, value: float) -> None:
            if day in series:
                series[day][metric] += value

        for row in await self.db.fetchall(
            "SELECT date(at, 'unixepoch'), kind, COUNT(*) FROM analytics_members"
            " WHERE guild_id = ? AND at >= ? AND at < ? GROUP BY 1, 2",
            (guild_id, start, end),
        ):
            add(row[0], "joins" if row[1] == "join" else "leaves", row[2])
        for row in await self.db.fetchall(
            "SELECT date(hour, 'unixepoch'), SUM(messages) FROM analytics_hourly"
            " WHERE guild_id = ? AND hour >= ? AND hour < ? GROUP BY 1",
            (guild_id, start, end),
        ):
            add(row[0], "messages", row[1])
        for row in await self.db.fetchall(
            "SELECT day, COUNT(*) FROM analytics_active WHERE guild_id = ? AND day >= ?"
            " AND day <= ? GROUP BY day",
            (guild_id, _day(period.start), _day_before(period.end)),
        ):
            add(row[0], "active", row[1])
        for row in await self.db.fetchall(
            "SELECT date(at, 'unixepoch'), COUNT(*) FROM analytics_events"
            " WHERE guild_id = ? AND kind = 'case' AND at >= ? AND at < ? GROUP BY 1",
            (guild_id, start, end),
        ):
            add(row[0], "cases", row[1])
        return {day: dict(values) for day, values in series.items()}

    async def unseen(self, guild_id: int, keys: list[str]) -> set[str]:
        """The feed items not yet posted in this server."""
        if not keys:
            return set()
        marks = ",".join("?" * len(keys))
        rows = await self.db.fetchall(
            f"SELECT item_key FROM analytics_watch_seen WHERE guild_id = ? AND item_key IN ({marks})",  # noqa: S608 (placeholders only)
            (guild_id, *keys),
        )
        return set(keys) - {row[0] for row in rows}

    async def mark_seen(self, guild_id: int, keys: list[str], at: float) -> None:
        await self.db.executemany(
            "INSERT OR IGNORE INTO analytics_watch_seen (guild_id, item_key, seen_at)"
            " VALUES (?, ?, ?)",
            [(guild_id, key, at) for key in keys],
        )

    async def claim_monthly_report(self, guild_id: int, month: str, at: float) -> bool:
        """True the first time a month's report is claimed for posting, False ever after."""
        changed = await self.db.execute_count(
            "INSERT OR IGNORE INTO analytics_reports_sent (guild_id, month, posted_at)"
            " VALUES (?, ?, ?)",
            (guild_id, month, at),
        )
        return changed == 1

    async def release_monthly_report(self, guild_id: int, month: str) -> None:
        """Give the claim back when posting failed, so the retry can post it."""
        await self.db.execute(
            "DELETE FROM analytics_reports_sent WHERE guild_id = ? AND month = ?", (guild_id, month)
        )

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        active = await self.db.fetchall(
            "SELECT day, messages FROM analytics_active WHERE guild_id = ? AND user_id = ?"
            " ORDER BY day",
            (guild_id, user_id),
        )
        members = await self.db.fetchall(
            "SELECT kind, at FROM analytics_members WHERE guild_id = ? AND user_id = ? ORDER BY at",
            (guild_id, user_id),
        )
        events = await self.db.fetchall(
            "SELECT kind, value, at FROM analytics_events WHERE guild_id = ? AND user_id = ?"
            " ORDER BY at",
            (guild_id, user_id),
        )
        return {
            "active_days": [{"day": r[0], "messages": r[1]} for r in active],
            "joins_and_leaves": [
                {"kind": r[0], "at": datetime.fromtimestamp(r[1], UTC).isoformat()} for r in members
            ],
            "events": [
                {"kind": r[0], "value": r[1], "at": datetime.fromtimestamp(r[2], UTC).isoformat()}
                for r in events
            ],
        }

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        """Delete the member's identifiable rows; hourly counts carry no identity and stay."""
        changed = 0
        async with self.db.transaction() as db:
            for table in ("analytics_active", "analytics_members", "analytics_events"):
                changed += await db.execute_count(
                    f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?",  # noqa: S608 (fixed names)
                    (guild_id, user_id),
                )
        return changed
