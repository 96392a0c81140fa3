"""Every SQL statement of the complaints feature; rows come back as dataclasses.

The tickets themselves are in :mod:`.store_tickets` (their compare-and-set ``save`` is what
lets exactly one of two simultaneous claims win); this module adds their history, deadline
marks, ratings, statements, figures and privacy. Deadline marks are inserted with a primary
key on (ticket, epoch, mark), which is what makes a deadline act at most once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from .rows import Rating, Statement, dt, event_row
from .stats import TicketFacts
from .store_tickets import SELECT_TICKETS, TicketStore
from .tickets import Kind, Ticket
from .transcript import Entry

# The hot path queues history rows for a BatchWriter with this statement (see desk.py). A row
# whose ticket was deleted meanwhile (forget_user) is skipped instead of failing the batch.
EVENT_INSERT = (
    "INSERT INTO complaints_events (guild_id, ticket_id, at, kind, author_id, author_name, text,"
    " attachments, internal, message_id, fields)"
    " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
    " WHERE EXISTS (SELECT 1 FROM complaints_tickets WHERE guild_id = ? AND id = ?)"
)


class ComplaintsStore(TicketStore):
    """Tickets, history, deadline marks, ratings and dispute statements."""

    # -- history --------------------------------------------------------------------------------

    async def add_event(self, guild_id: int, ticket_id: int, entry: Entry) -> None:
        """Append one entry to the history now (staff actions; messages go through a batch)."""
        await self.db.execute(EVENT_INSERT, event_row(guild_id, ticket_id, entry))

    async def history(self, guild_id: int, ticket_id: int) -> list[Entry]:
        """The whole history, ordered by time then insertion."""
        rows = await self.db.fetchall(
            "SELECT id, at, kind, author_id, author_name, text, attachments, internal,"
            " message_id, fields FROM complaints_events WHERE guild_id = ? AND ticket_id = ?"
            " ORDER BY at, id",
            (guild_id, ticket_id),
        )
        return [
            Entry(
                at=datetime.fromtimestamp(float(r["at"]), UTC),
                kind=r["kind"],
                author_id=r["author_id"],
                author_name=r["author_name"],
                text=r["text"],
                attachments=tuple(json.loads(r["attachments"] or "[]")),
                internal=bool(r["internal"]),
                message_id=r["message_id"],
                seq=int(r["id"]),
                fields=json.loads(r["fields"] or "{}"),
            )
            for r in rows
        ]

    # -- deadlines ------------------------------------------------------------------------------

    async def marks(self, guild_id: int, ticket_id: int, epoch: int) -> frozenset[str]:
        """Deadline marks already done in ``epoch``."""
        rows = await self.db.fetchall(
            "SELECT mark FROM complaints_marks WHERE guild_id = ? AND ticket_id = ? AND epoch = ?",
            (guild_id, ticket_id, epoch),
        )
        return frozenset(r[0] for r in rows)

    async def apply_deadline(
        self, old: Ticket, new: Ticket | None, marks: tuple[str, ...], at: datetime
    ) -> bool:
        """Record ``marks`` of ``old.epoch`` and save ``new`` (if any) in one transaction.

        False, with nothing written, when a mark was already taken (a duplicate or re-fired
        timer) or the ticket changed meanwhile: the caller then does nothing.
        """
        assert old.id is not None
        try:
            async with self.db.transaction():
                for mark in marks:
                    changed = await self.db.execute_count(
                        "INSERT OR IGNORE INTO complaints_marks"
                        " (guild_id, ticket_id, epoch, mark, at) VALUES (?, ?, ?, ?, ?)",
                        (old.guild_id, old.id, old.epoch, mark, at.timestamp()),
                    )
                    if changed != 1:
                        raise _Lost
                if new is not None and not await self.save(old, new):
                    raise _Lost
                if (
                    new is None
                    and await self.db.fetchval(
                        "SELECT version FROM complaints_tickets WHERE guild_id = ? AND id = ?",
                        (old.guild_id, old.id),
                    )
                    != old.version
                ):
                    # Claimed, closed or moved since it was read: a reminder planned on the
                    # old state would ping the wrong people (or a closed ticket).
                    raise _Lost
        except _Lost:
            return False
        return True

    # -- ratings and statements -----------------------------------------------------------------

    async def rate(
        self, guild_id: int, ticket_id: int, member_id: int, score: int, comment: str, at: datetime
    ) -> bool:
        """Record the member's rating; False if the ticket was already rated."""
        changed = await self.db.execute_count(
            "INSERT OR IGNORE INTO complaints_ratings (guild_id, ticket_id, member_id, score,"
            " comment, at) VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, ticket_id, member_id, score, comment, at.timestamp()),
        )
        return changed == 1

    async def rating(self, guild_id: int, ticket_id: int) -> Rating | None:
        """The rating of a ticket, if any."""
        row = await self.db.fetchone(
            "SELECT ticket_id, member_id, score, comment, at FROM complaints_ratings"
            " WHERE guild_id = ? AND ticket_id = ?",
            (guild_id, ticket_id),
        )
        if row is None:
            return None
        return Rating(
            int(row[0]), int(row[1]), int(row[2]), row[3], dt(row[4]) or datetime.now(UTC)
        )

    async def state(
        self, guild_id: int, ticket_id: int, member_id: int, text: str, at: datetime
    ) -> None:
        """Record (or replace) a party's statement in a dispute."""
        await self.db.execute(
            "INSERT INTO complaints_statements (guild_id, ticket_id, member_id, text, at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (ticket_id, member_id)"
            " DO UPDATE SET text = excluded.text, at = excluded.at",
            (guild_id, ticket_id, member_id, text, at.timestamp()),
        )

    async def statements(self, guild_id: int, ticket_id: int) -> list[Statement]:
        """Statements of a dispute, oldest first."""
        rows = await self.db.fetchall(
            "SELECT ticket_id, member_id, text, at FROM complaints_statements"
            " WHERE guild_id = ? AND ticket_id = ? ORDER BY at",
            (guild_id, ticket_id),
        )
        return [Statement(int(r[0]), int(r[1]), r[2], dt(r[3]) or datetime.now(UTC)) for r in rows]

    # -- figures --------------------------------------------------------------------------------

    async def facts(self, guild_id: int, since: datetime) -> list[TicketFacts]:
        """What stats need about every ticket touched since ``since``."""
        cut = since.timestamp()
        rows = await self.db.fetchall(
            "SELECT t.id, t.opened_at, t.first_response_at, t.closed_at, r.score"
            " FROM complaints_tickets t LEFT JOIN complaints_ratings r ON r.ticket_id = t.id"
            " WHERE t.guild_id = ? AND (t.opened_at >= ? OR t.closed_at >= ?"
            " OR EXISTS (SELECT 1 FROM complaints_marks m WHERE m.ticket_id = t.id AND m.at >= ?))",
            (guild_id, cut, cut, cut),
        )
        breaches: dict[int, list[datetime]] = {}
        for mark in await self.db.fetchall(
            "SELECT ticket_id, at FROM complaints_marks WHERE guild_id = ? AND at >= ?"
            " AND mark LIKE 'breach_%'",
            (guild_id, cut),
        ):
            at = dt(mark[1])
            assert at is not None
            breaches.setdefault(int(mark[0]), []).append(at)
        facts: list[TicketFacts] = []
        for r in rows:
            opened_at = dt(r[1])
            assert opened_at is not None
            facts.append(
                TicketFacts(
                    opened_at=opened_at,
                    first_response_at=dt(r[2]),
                    closed_at=dt(r[3]),
                    breaches=tuple(sorted(breaches.get(int(r[0]), []))),
                    rating=r[4],
                )
            )
        return facts

    # -- privacy --------------------------------------------------------------------------------

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """The user's tickets (as member or other party), what they wrote, their ratings."""
        tickets = await self.db.fetchall(
            # Not the tickets staff opened for someone else: those hold the member's words.
            SELECT_TICKETS + " AND (member_id = ? OR other_party_id = ?) ORDER BY id",
            (guild_id, user_id, user_id),
        )
        events = await self.db.fetchall(
            "SELECT e.at, e.kind, e.text, e.attachments, t.number FROM complaints_events e"
            " JOIN complaints_tickets t ON t.id = e.ticket_id"
            " WHERE e.guild_id = ? AND e.author_id = ? AND e.internal = 0 ORDER BY e.at, e.id",
            (guild_id, user_id),
        )
        ratings = await self.db.fetchall(
            "SELECT t.number, r.score, r.comment, r.at FROM complaints_ratings r"
            " JOIN complaints_tickets t ON t.id = r.ticket_id"
            " WHERE r.guild_id = ? AND r.member_id = ?",
            (guild_id, user_id),
        )
        statements = await self.db.fetchall(
            "SELECT t.number, s.text, s.at FROM complaints_statements s"
            " JOIN complaints_tickets t ON t.id = s.ticket_id"
            " WHERE s.guild_id = ? AND s.member_id = ?",
            (guild_id, user_id),
        )

        def iso(value: Any) -> str | None:
            moment = dt(value)
            return None if moment is None else moment.isoformat()

        return {
            "tickets": [
                {
                    "number": r["number"],
                    "kind": r["kind"],
                    "subject": r["subject"],
                    "description": r["description"],
                    "category": r["category"],
                    "status": r["status"],
                    "opened_at": iso(r["opened_at"]),
                    "closed_at": iso(r["closed_at"]),
                    "resolution": r["resolution"],
                }
                for r in tickets
            ],
            "messages": [
                {
                    "ticket": r[4],
                    "at": iso(r[0]),
                    "kind": r[1],
                    "text": r[2],
                    "attachments": json.loads(r[3] or "[]"),
                }
                for r in events
            ],
            "ratings": [
                {"ticket": r[0], "score": r[1], "comment": r[2], "at": iso(r[3])} for r in ratings
            ],
            "statements": [{"ticket": r[0], "text": r[1], "at": iso(r[2])} for r in statements],
        }

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        """Delete the user's own complaints (with their history) and everything they wrote
        elsewhere; in tickets they handled as staff, their id is cleared. Disputes in which
        they are one party keep the other party's side, with theirs removed."""
        changed = 0
        async with self.db.transaction():
            changed += await self.db.execute_count(
                "DELETE FROM complaints_tickets WHERE guild_id = ? AND member_id = ? AND kind = ?",
                (guild_id, user_id, str(Kind.COMPLAINT)),
            )
            changed += await self.db.execute_count(
                "DELETE FROM complaints_events WHERE guild_id = ? AND author_id = ?",
                (guild_id, user_id),
            )
            changed += await self.db.execute_count(
                "DELETE FROM complaints_ratings WHERE guild_id = ? AND member_id = ?",
                (guild_id, user_id),
            )
            changed += await self.db.execute_count(
                "DELETE FROM complaints_statements WHERE guild_id = ? AND member_id = ?",
                (guild_id, user_id),
            )
            # Column names come from this fixed tuple, never from input.
            for column, blank in (
                ("claimant_id", None),
                ("closed_by", None),
                ("other_party_id", None),
                ("opened_by", 0),
                ("member_id", 0),
            ):
                changed += await self.db.execute_count(
                    f"UPDATE complaints_tickets SET {column} = ?"  # noqa: S608
                    f" WHERE guild_id = ? AND {column} = ?",
                    (blank, guild_id, user_id),
                )
        return changed


class _Lost(Exception):
    """Raised inside apply_deadline's transaction to roll back a partial write."""
