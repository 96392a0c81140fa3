"""Every SQL statement of the welcome feature (journeys, accepted members, sticky roles).

All queries filter on ``guild_id``. Times are stored as UNIX epoch seconds. The current journey
of a member is their newest row (a rejoin starts a new one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.db import Store
from cogs.welcome.gate import GateState
from cogs.welcome.journey import Journey, Step

_STEP_COLUMN: dict[Step, str] = {
    Step.ACCEPTED_RULES: "accepted_at",
    Step.PICKED_ROLES: "picked_roles_at",
    Step.FIRST_MESSAGE: "first_message_at",
    Step.ACTIVE_7D: "active_7d_at",
}
_CURRENT = "(SELECT MAX(id) FROM welcome_journeys WHERE guild_id = ? AND user_id = ?)"

# Used by the message listener's BatchWriter (rows from first_message_row), flushed in batches.
FIRST_MESSAGE_SQL = (
    f"UPDATE welcome_journeys SET first_message_at = ? WHERE guild_id = ? AND id = {_CURRENT}"  # noqa: S608
    " AND first_message_at IS NULL"
)


def first_message_row(guild_id: int, user_id: int, at: datetime) -> tuple[float, int, int, int]:
    """Parameters of :data:`FIRST_MESSAGE_SQL` for one member."""
    return (_ts(at), guild_id, guild_id, user_id)


def _ts(when: datetime) -> float:
    return when.timestamp()


def _dt(value: Any) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(float(value), UTC)


@dataclass(frozen=True)
class JourneyRecord:
    """A stored journey with its gate state."""

    id: int
    journey: Journey
    gate_state: GateState
    dm_failed: bool

    @classmethod
    def from_row(cls, row: Any) -> JourneyRecord:
        journey = Journey(
            guild_id=int(row["guild_id"]),
            user_id=int(row["user_id"]),
            joined_at=_dt(row["joined_at"]),  # type: ignore[arg-type]
            accepted_at=_dt(row["accepted_at"]),
            picked_roles_at=_dt(row["picked_roles_at"]),
            first_message_at=_dt(row["first_message_at"]),
            active_7d_at=_dt(row["active_7d_at"]),
            left_at=_dt(row["left_at"]),
        )
        return cls(int(row["id"]), journey, GateState(row["gate_state"]), bool(row["dm_failed"]))


class WelcomeStore(Store):
    """Journeys, accepted members and sticky roles."""

    # -- journeys ---------------------------------------------------------------------------
    async def start_journey(
        self, guild_id: int, user_id: int, at: datetime, gate_state: GateState
    ) -> int:
        return await self.db.execute(
            "INSERT INTO welcome_journeys (guild_id, user_id, joined_at, gate_state)"
            " VALUES (?, ?, ?, ?)",
            (guild_id, user_id, _ts(at), gate_state.value),
        )

    async def current(self, guild_id: int, user_id: int) -> JourneyRecord | None:
        row = await self.db.fetchone(
            "SELECT * FROM welcome_journeys WHERE guild_id = ? AND user_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (guild_id, user_id),
        )
        return None if row is None else JourneyRecord.from_row(row)

    async def mark_step(self, guild_id: int, user_id: int, step: Step, at: datetime) -> bool:
        """Record ``step`` on the current journey if not yet reached; True when it is new."""
        column = _STEP_COLUMN[step]  # a fixed column name from the mapping above, never input
        changed = await self.db.execute_count(
            f"UPDATE welcome_journeys SET {column} = ? WHERE guild_id = ? AND id = {_CURRENT}"  # noqa: S608
            f" AND {column} IS NULL",
            (_ts(at), guild_id, guild_id, user_id),
        )
        return changed > 0

    async def set_gate_state(
        self,
        guild_id: int,
        user_id: int,
        state: GateState,
        only_from: Iterable[GateState] | None = None,
    ) -> bool:
        """Move the current journey to ``state`` (only from ``only_from`` states, when given)."""
        params: list[Any] = [state.value, guild_id, guild_id, user_id]
        guard = ""
        if only_from is not None:
            states = [s.value for s in only_from]
            guard = f" AND gate_state IN ({','.join('?' * len(states))})"
            params += states
        changed = await self.db.execute_count(
            f"UPDATE welcome_journeys SET gate_state = ? WHERE guild_id = ? AND id = {_CURRENT}"  # noqa: S608
            + guard,
            params,
        )
        return changed > 0

    async def mark_left(self, guild_id: int, user_id: int, at: datetime) -> None:
        await self.db.execute(
            f"UPDATE welcome_journeys SET left_at = ? WHERE guild_id = ? AND id = {_CURRENT}"  # noqa: S608
            " AND left_at IS NULL",
            (_ts(at), guild_id, guild_id, user_id),
        )

    async def note_dm_failed(self, guild_id: int, user_id: int) -> bool:
        """Remember that this member's DMs are closed; True the first time."""
        changed = await self.db.execute_count(
            f"UPDATE welcome_journeys SET dm_failed = 1 WHERE guild_id = ? AND id = {_CURRENT}"  # noqa: S608
            " AND dm_failed = 0",
            (guild_id, guild_id, user_id),
        )
        return changed > 0

    async def journeys_since(self, guild_id: int, since: datetime) -> list[Journey]:
        rows = await self.db.fetchall(
            "SELECT * FROM welcome_journeys WHERE guild_id = ? AND joined_at >= ? ORDER BY id",
            (guild_id, _ts(since)),
        )
        return [JourneyRecord.from_row(r).journey for r in rows]

    async def count_journeys(self, guild_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM welcome_journeys WHERE guild_id = ?", (guild_id,)
            )
            or 0
        )

    async def awaiting_first_message(self, guild_id: int, since: datetime) -> list[int]:
        """Members whose current journey (since ``since``) has no first message yet."""
        rows = await self.db.fetchall(
            "SELECT user_id FROM welcome_journeys j WHERE guild_id = ? AND joined_at >= ?"
            " AND first_message_at IS NULL AND left_at IS NULL"
            " AND id = (SELECT MAX(id) FROM welcome_journeys k"
            "           WHERE k.guild_id = j.guild_id AND k.user_id = j.user_id)",
            (guild_id, _ts(since)),
        )
        return [int(r["user_id"]) for r in rows]

    # -- accepted members ---------------------------------------------------------------------
    async def record_accepted(self, guild_id: int, user_id: int, at: datetime) -> None:
        await self.db.execute(
            "INSERT OR IGNORE INTO welcome_accepted (guild_id, user_id, accepted_at)"
            " VALUES (?, ?, ?)",
            (guild_id, user_id, _ts(at)),
        )

    async def has_accepted(self, guild_id: int, user_id: int) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM welcome_accepted WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return row is not None

    # -- sticky roles -------------------------------------------------------------------------
    async def save_sticky(
        self, guild_id: int, user_id: int, role_ids: Iterable[int], at: datetime
    ) -> None:
        """Replace the saved sticky roles of a member who is leaving."""
        rows = [(guild_id, user_id, role_id, _ts(at)) for role_id in role_ids]
        async with self.db.transaction():
            await self.db.execute(
                "DELETE FROM welcome_sticky_roles WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            await self.db.executemany(
                "INSERT INTO welcome_sticky_roles (guild_id, user_id, role_id, saved_at)"
                " VALUES (?, ?, ?, ?)",
                rows,
            )

    async def sticky_roles(self, guild_id: int, user_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT role_id FROM welcome_sticky_roles WHERE guild_id = ? AND user_id = ?"
            " ORDER BY role_id",
            (guild_id, user_id),
        )
        return [int(r["role_id"]) for r in rows]

    # -- privacy ------------------------------------------------------------------------------
    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        journeys = await self.db.fetchall(
            "SELECT * FROM welcome_journeys WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        accepted = await self.db.fetchval(
            "SELECT accepted_at FROM welcome_accepted WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )

        def iso(value: Any) -> str | None:
            moment = _dt(value)
            return None if moment is None else moment.isoformat(timespec="seconds")

        return {
            "journeys": [
                {
                    "joined_at": iso(r["joined_at"]),
                    "gate_state": r["gate_state"],
                    "accepted_at": iso(r["accepted_at"]),
                    "picked_roles_at": iso(r["picked_roles_at"]),
                    "first_message_at": iso(r["first_message_at"]),
                    "active_7d_at": iso(r["active_7d_at"]),
                    "left_at": iso(r["left_at"]),
                    "dm_failed": bool(r["dm_failed"]),
                }
                for r in journeys
            ],
            "accepted_rules_at": iso(accepted),
            "sticky_roles": await self.sticky_roles(guild_id, user_id),
        }

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        total = 0
        async with self.db.transaction():
            for table in ("welcome_journeys", "welcome_accepted", "welcome_sticky_roles"):
                total += await self.db.execute_count(
                    f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?",  # noqa: S608
                    (guild_id, user_id),
                )
        return total
