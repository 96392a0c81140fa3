"""Every SQL statement of the policies feature: cases, points, raid state.

Cases are numbered per guild through a counter row bumped in the same transaction as the
insert, so two simultaneous cases never share a number. Every query filters on guild_id.
Cases are a moderation record and are kept when a member asks to be forgotten: their
evidence (the member's own words) is erased and their points are deleted.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Any

from bot.db import Store

from .points import Balance


@dataclass(frozen=True)
class Case:
    """One moderation case."""

    guild_id: int
    number: int
    kind: str
    user_id: int
    moderator_id: int | None
    rule: str | None
    reason: str | None
    duration: int | None
    expires_at: float | None
    evidence: str | None
    channel_id: int | None
    message_id: int | None
    points: int
    pardoned: bool
    created_at: float

    @classmethod
    def from_row(cls, row: Any) -> Case:
        """Build from a ``policies_cases`` row."""
        return cls(
            guild_id=int(row["guild_id"]),
            number=int(row["number"]),
            kind=str(row["kind"]),
            user_id=int(row["user_id"]),
            moderator_id=row["moderator_id"],
            rule=row["rule"],
            reason=row["reason"],
            duration=row["duration"],
            expires_at=row["expires_at"],
            evidence=row["evidence"],
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            points=int(row["points"]),
            pardoned=bool(row["pardoned"]),
            created_at=float(row["created_at"]),
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly fields."""
        return asdict(self)


@dataclass(frozen=True)
class NewCase:
    """What opening a case needs; the number and time are given by the store."""

    kind: str
    user_id: int
    moderator_id: int | None = None
    rule: str | None = None
    reason: str | None = None
    duration: int | None = None
    expires_at: float | None = None
    evidence: str | None = None
    channel_id: int | None = None
    message_id: int | None = None
    points: int = 0


@dataclass(frozen=True)
class RaidState:
    """Whether raid mode is on in a guild, since when and why."""

    active: bool
    since: float | None
    reason: str | None


class PoliciesStore(Store):
    """Cases, points and raid state of every guild."""

    async def open_case(self, guild_id: int, new: NewCase, at: float | None = None) -> Case:
        """Insert a case with the guild's next number."""
        created = time.time() if at is None else at
        async with self.db.transaction():
            row = await self.db.fetchone(
                "INSERT INTO policies_case_counters (guild_id, last_number) VALUES (?, 1)"
                " ON CONFLICT (guild_id) DO UPDATE SET last_number = last_number + 1"
                " RETURNING last_number",
                (guild_id,),
            )
            number = int(row[0]) if row else 1
            await self.db.execute(
                "INSERT INTO policies_cases (guild_id, number, kind, user_id, moderator_id, rule, reason,"
                " duration, expires_at, evidence, channel_id, message_id, points, pardoned, created_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0,?)",
                (
                    guild_id,
                    number,
                    new.kind,
                    new.user_id,
                    new.moderator_id,
                    new.rule,
                    new.reason,
                    new.duration,
                    new.expires_at,
                    new.evidence,
                    new.channel_id,
                    new.message_id,
                    new.points,
                    created,
                ),
            )
        return Case(guild_id, number, new.kind, new.user_id, new.moderator_id, new.rule,
                    new.reason, new.duration, new.expires_at, new.evidence, new.channel_id,
                    new.message_id, new.points, False, created)  # fmt: skip

    async def case(self, guild_id: int, number: int) -> Case | None:
        """Case ``number`` of the guild, or None."""
        row = await self.db.fetchone(
            "SELECT * FROM policies_cases WHERE guild_id = ? AND number = ?",
            (guild_id, number),
        )
        return Case.from_row(row) if row else None

    async def set_reason(self, guild_id: int, number: int, reason: str) -> bool:
        """Change a case's reason; False if there is no such case."""
        changed = await self.db.execute_count(
            "UPDATE policies_cases SET reason = ? WHERE guild_id = ? AND number = ?",
            (reason, guild_id, number),
        )
        return changed > 0

    async def pardon(self, guild_id: int, number: int) -> Case | None:
        """Mark a case pardoned (once); returns it as it was, or None if unknown or pardoned."""
        async with self.db.transaction():
            case = await self.case(guild_id, number)
            if case is None or case.pardoned:
                return None
            await self.db.execute(
                "UPDATE policies_cases SET pardoned = 1 WHERE guild_id = ? AND number = ?",
                (guild_id, number),
            )
        return case

    async def history(self, guild_id: int, user_id: int, limit: int = 25) -> list[Case]:
        """The member's newest cases first."""
        rows = await self.db.fetchall(
            "SELECT * FROM policies_cases WHERE guild_id = ? AND user_id = ?"
            " ORDER BY number DESC LIMIT ?",
            (guild_id, user_id, limit),
        )
        return [Case.from_row(r) for r in rows]

    async def latest_case(self, guild_id: int, user_id: int, kinds: tuple[str, ...]) -> Case | None:
        """The user's newest case of one of ``kinds`` (e.g. ban, tempban), or None."""
        row = await self.db.fetchone(
            "SELECT * FROM policies_cases WHERE guild_id = ? AND user_id = ?"
            " AND kind IN (SELECT value FROM json_each(?)) ORDER BY number DESC LIMIT 1",
            (guild_id, user_id, json.dumps(list(kinds))),
        )
        return Case.from_row(row) if row else None

    async def all_cases(self, guild_id: int, since: float | None = None) -> list[Case]:
        """Every case of the guild (oldest first), for the CSV export."""
        rows = await self.db.fetchall(
            "SELECT * FROM policies_cases WHERE guild_id = ? AND created_at >= ? ORDER BY number",
            (guild_id, since or 0.0),
        )
        return [Case.from_row(r) for r in rows]

    async def balance(self, guild_id: int, user_id: int) -> Balance:
        """The member's stored points (before decay)."""
        row = await self.db.fetchone(
            "SELECT points, anchor FROM policies_points WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return Balance(int(row["points"]), float(row["anchor"])) if row else Balance()

    async def save_balance(self, guild_id: int, user_id: int, balance: Balance) -> None:
        """Store the member's points."""
        await self.db.execute(
            "INSERT INTO policies_points (guild_id, user_id, points, anchor) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (guild_id, user_id) DO UPDATE SET points = excluded.points,"
            " anchor = excluded.anchor",
            (guild_id, user_id, balance.points, balance.anchor),
        )

    async def raid(self, guild_id: int) -> RaidState:
        """The guild's raid mode."""
        row = await self.db.fetchone(
            "SELECT active, since, reason FROM policies_raid WHERE guild_id = ?", (guild_id,)
        )
        if row is None:
            return RaidState(False, None, None)
        return RaidState(bool(row["active"]), row["since"], row["reason"])

    async def set_raid(
        self, guild_id: int, active: bool, reason: str | None, by: int | None = None
    ) -> None:
        """Turn raid mode on or off."""
        await self.db.execute(
            "INSERT INTO policies_raid (guild_id, active, since, reason, changed_by)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET active = excluded.active,"
            " since = excluded.since, reason = excluded.reason, changed_by = excluded.changed_by",
            (guild_id, int(active), time.time(), reason, by),
        )

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """The member's cases and points."""
        cases = await self.db.fetchall(
            "SELECT * FROM policies_cases WHERE guild_id = ? AND user_id = ? ORDER BY number",
            (guild_id, user_id),
        )
        balance = await self.balance(guild_id, user_id)
        return {
            "cases": [Case.from_row(r).as_dict() for r in cases],
            "points": {"points": balance.points, "since": balance.anchor},
        }

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        """Delete the member's points and erase the evidence of their cases (cases stay)."""
        async with self.db.transaction():
            erased = await self.db.execute_count(
                "UPDATE policies_cases SET evidence = NULL"
                " WHERE guild_id = ? AND user_id = ? AND evidence IS NOT NULL",
                (guild_id, user_id),
            )
            deleted = await self.db.execute_count(
                "DELETE FROM policies_points WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
        return erased + deleted
