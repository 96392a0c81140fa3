"""SQL of the tickets themselves: numbering, lookups, and the compare-and-set save.

Tickets are saved with a compare-and-set on ``version`` (:meth:`TicketStore.save`), which is
what lets exactly one of two simultaneous claims win.
"""

from __future__ import annotations

from datetime import datetime

from bot.db import Store

from .rows import dt, ticket_from_row, ts
from .tickets import OpenLimits, Status, Ticket, check_may_open

SELECT_TICKETS = (
    "SELECT description, id, guild_id, number, kind, member_id, other_party_id, opened_by, subject, category,"
    " priority, status, tier, claimant_id, channel_id, opened_at, first_response_at,"
    " tier_started_at, tier_responded_at, closed_at, closed_by, resolution, member_left,"
    " epoch, version FROM complaints_tickets WHERE guild_id = ?"
)


class TicketStore(Store):
    """Tickets: create, read, save with compare-and-set, and the per-member load."""

    # -- tickets --------------------------------------------------------------------------------

    async def create(
        self, ticket: Ticket, description: str = "", limits: OpenLimits | None = None
    ) -> Ticket:
        """Insert ``ticket`` with the guild's next number; returns it with ``id`` and ``number``.

        With ``limits``, the member's load is read in the same write transaction as the insert
        (``BEGIN IMMEDIATE``): two openings at once are counted one after the other, and a
        refusal (:class:`~.tickets.IllegalTransition`) rolls back, using no number.
        """
        async with self.db.transaction():
            if limits is not None:
                load, last = await self.member_load(ticket.guild_id, ticket.member_id)
                check_may_open(load, last, limits, ticket.opened_at)
            row = await self.db.fetchone(
                "INSERT INTO complaints_counters (guild_id, last_number) VALUES (?, 1)"
                " ON CONFLICT (guild_id) DO UPDATE SET last_number = last_number + 1"
                " RETURNING last_number",
                (ticket.guild_id,),
            )
            assert row is not None
            number = int(row[0])
            ticket_id = await self.db.execute(
                "INSERT INTO complaints_tickets (guild_id, number, kind, member_id,"
                " other_party_id, opened_by, subject, description, category, priority, status,"
                " tier, channel_id, opened_at, tier_started_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ticket.guild_id,
                    number,
                    str(ticket.kind),
                    ticket.member_id,
                    ticket.other_party_id,
                    ticket.opened_by,
                    ticket.subject,
                    description,
                    ticket.category,
                    ticket.priority,
                    str(ticket.status),
                    ticket.tier,
                    ticket.channel_id,
                    ts(ticket.opened_at),
                    ts(ticket.clock_start),
                ),
            )
        got = await self.get(ticket.guild_id, ticket_id)
        assert got is not None
        return got

    async def discard(self, guild_id: int, ticket_id: int) -> None:
        """Delete a ticket whose place could not be made (its number stays used)."""
        await self.db.execute(
            "DELETE FROM complaints_tickets WHERE guild_id = ? AND id = ?", (guild_id, ticket_id)
        )

    async def open_tickets_of(self, guild_id: int, user_id: int) -> list[Ticket]:
        """Open tickets in which the user is the member or the other party."""
        rows = await self.db.fetchall(
            SELECT_TICKETS
            + " AND status != ? AND (member_id = ? OR other_party_id = ?) ORDER BY id",
            (guild_id, str(Status.CLOSED), user_id, user_id),
        )
        return [ticket_from_row(r) for r in rows]

    async def claimed_by(self, guild_id: int, user_id: int) -> list[Ticket]:
        """Open tickets that ``user_id`` holds as claimant."""
        rows = await self.db.fetchall(
            SELECT_TICKETS + " AND status = ? AND claimant_id = ? ORDER BY id",
            (guild_id, str(Status.CLAIMED), user_id),
        )
        return [ticket_from_row(r) for r in rows]

    async def get(self, guild_id: int, ticket_id: int) -> Ticket | None:
        """The ticket with row id ``ticket_id`` in the guild."""
        row = await self.db.fetchone(
            SELECT_TICKETS + " AND id = ?",
            (guild_id, ticket_id),
        )
        return None if row is None else ticket_from_row(row)

    async def by_number(self, guild_id: int, number: int) -> Ticket | None:
        """The ticket ``#number`` of the guild."""
        row = await self.db.fetchone(
            SELECT_TICKETS + " AND number = ?",
            (guild_id, number),
        )
        return None if row is None else ticket_from_row(row)

    async def by_channel(self, guild_id: int, channel_id: int) -> Ticket | None:
        """The ticket living in thread or channel ``channel_id`` (newest if several)."""
        row = await self.db.fetchone(
            SELECT_TICKETS + " AND channel_id = ? ORDER BY id DESC LIMIT 1",
            (guild_id, channel_id),
        )
        return None if row is None else ticket_from_row(row)

    async def description(self, guild_id: int, ticket_id: int) -> str:
        """What the member wrote when opening."""
        value = await self.db.fetchval(
            "SELECT description FROM complaints_tickets WHERE guild_id = ? AND id = ?",
            (guild_id, ticket_id),
        )
        return value or ""

    async def open_tickets(self, guild_id: int) -> list[Ticket]:
        """Tickets not closed, oldest first."""
        rows = await self.db.fetchall(
            SELECT_TICKETS + " AND status != ? ORDER BY opened_at, id",
            (guild_id, str(Status.CLOSED)),
        )
        return [ticket_from_row(r) for r in rows]

    async def all_open_channels(self) -> list[tuple[int, int, int]]:
        """(guild_id, channel_id, ticket_id) of every open ticket, to warm the hot-path map.

        The only cross-guild read: it runs once at start and returns each row's own guild.
        """
        rows = await self.db.fetchall(
            "SELECT guild_id, channel_id, id FROM complaints_tickets"
            " WHERE status != ? AND channel_id IS NOT NULL",
            (str(Status.CLOSED),),
        )
        return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    async def member_load(self, guild_id: int, member_id: int) -> tuple[int, datetime | None]:
        """(open tickets of the member, when they last opened one) for limits and cooldown.

        Complaints and the disputes the member asked for both count: a mediation request is a
        ticket too, so it cannot be a way around the cooldown or the limit. The cooldown runs
        from a ticket the member opened themselves, not one staff opened for them.
        """
        row = await self.db.fetchone(
            "SELECT SUM(CASE WHEN status != ? THEN 1 ELSE 0 END),"
            " MAX(CASE WHEN opened_by = member_id THEN opened_at END)"
            " FROM complaints_tickets WHERE guild_id = ? AND member_id = ?",
            (str(Status.CLOSED), guild_id, member_id),
        )
        if row is None:
            return 0, None
        return int(row[0] or 0), dt(row[1])

    async def save(self, old: Ticket, new: Ticket) -> bool:
        """Write ``new`` if the stored version is still ``old.version``; False if someone won."""
        if old.id is None or new.id != old.id or new.version != old.version + 1:
            raise ValueError("save() takes a ticket and its next version")
        changed = await self.db.execute_count(
            "UPDATE complaints_tickets SET priority = ?, status = ?, tier = ?, claimant_id = ?,"
            " channel_id = ?, first_response_at = ?, tier_started_at = ?, tier_responded_at = ?,"
            " closed_at = ?, closed_by = ?, resolution = ?, member_left = ?, epoch = ?,"
            " version = ? WHERE guild_id = ? AND id = ? AND version = ?",
            (
                new.priority,
                str(new.status),
                new.tier,
                new.claimant_id,
                new.channel_id,
                ts(new.first_response_at),
                ts(new.tier_started_at),
                ts(new.tier_responded_at),
                ts(new.closed_at),
                new.closed_by,
                new.resolution,
                int(new.member_left),
                new.epoch,
                new.version,
                old.guild_id,
                old.id,
                old.version,
            ),
        )
        return changed == 1

    async def set_policy_case(self, guild_id: int, ticket_id: int, case: str | None) -> None:
        """Link a dispute's outcome to a policy case number (or unlink with None)."""
        await self.db.execute(
            "UPDATE complaints_tickets SET policy_case = ? WHERE guild_id = ? AND id = ?",
            (case, guild_id, ticket_id),
        )

    async def policy_case(self, guild_id: int, ticket_id: int) -> str | None:
        """The policy case a dispute's outcome links to."""
        return await self.db.fetchval(
            "SELECT policy_case FROM complaints_tickets WHERE guild_id = ? AND id = ?",
            (guild_id, ticket_id),
        )
