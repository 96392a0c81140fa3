"""The help desk: every ticket operation with its effects on Discord, the store and timers.

The cog's commands, buttons and listeners call these; the rules themselves live in the pure
modules (``tickets``, ``deadlines``). Transitions are read-modify-write with compare-and-set
(:meth:`Desk.transition`), so concurrent presses are safe and the loser is told who won.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import discord

from bot.checks import Privilege, privilege_of, role_matches
from bot.timers import Timer
from bot.user_error import UserError

from . import deadlines as dl
from . import effects
from . import tickets as tk
from .config import ComplaintsConfig
from .rows import event_row
from .schema import SECTION
from .store import EVENT_INSERT, ComplaintsStore
from .tickets import IllegalTransition, Ticket
from .transcript import Entry

log = logging.getLogger(__name__)

TIMER_KIND = "complaints_deadline"
# How long closing waits for background work (a first response being recorded) to end.
DRAIN_SECONDS = 10.0


def now() -> datetime:
    """The current UTC time (one place, so the rules all see the same clock)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Watched:
    """What the hot path needs about an open ticket's place."""

    guild_id: int
    ticket_id: int
    parties: tuple[int, ...]


def user_error(exc: IllegalTransition) -> UserError:
    """An :class:`IllegalTransition` as the message shown to the user (ids become mentions)."""
    fields = dict(exc.fields)
    if "by" in fields:
        fields["by"] = f"<@{fields['by']}>" if fields["by"] else "?"
    return UserError(exc.key, **fields)


class Desk:
    """Ticket operations for one bot; the cog owns one."""

    def __init__(self, bot: Any, store: ComplaintsStore) -> None:
        self.bot = bot
        self.store = store
        self.watched: dict[int, Watched] = {}
        # Tickets whose current tier already answered: the hot path skips them for free.
        self.answered: set[int] = set()
        self.history = bot.batch_writer(EVENT_INSERT, interval=1.0, name="complaints-history")
        self._configs: dict[int, tuple[int, ComplaintsConfig]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        # (place id, user id) of removals Vigie made itself: the gateway echo is not news.
        self.own_removals: set[tuple[int, int]] = set()

    # -- config, words, people ------------------------------------------------------------------

    def config(self, guild_id: int) -> ComplaintsConfig:
        """The guild's complaints section, parsed once per config version."""
        current = self.bot.configs.get(guild_id)
        cached = self._configs.get(guild_id)
        if cached is not None and cached[0] == current.version:
            return cached[1]
        parsed = ComplaintsConfig.from_section(current.section(SECTION))
        self._configs[guild_id] = (current.version, parsed)
        return parsed

    def t(self, where: Any, key: str, /, **fields: Any) -> str:
        """``key`` in the guild's language (``where``: a guild id, guild or interaction)."""
        return self.bot.i18n.t(self.bot.i18n.locale_for(where), key, **fields)

    def is_staff(self, member: Any, config: ComplaintsConfig) -> bool:
        """Moderators, managers, owners, and anyone holding a tier role."""
        if not isinstance(member, discord.Member):
            return False
        if privilege_of(self.bot, member) >= Privilege.MODERATOR:
            return True
        refs = [tier.role for tier in config.tiers]
        return any(role_matches(role, refs) for role in member.roles)

    def require_staff(self, member: Any, config: ComplaintsConfig) -> None:
        """Raise the staff-only refusal unless ``member`` is staff."""
        if not self.is_staff(member, config):
            raise UserError("complaints.errors.staff_only")

    def spawn(self, work: Any) -> None:
        """Run ``work`` in the background, keeping a reference and logging its failure."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("complaints background task failed", exc_info=t.exception())

        task.add_done_callback(done)

    async def drain(self) -> None:
        """Let background work (first responses being recorded) end before the database closes."""
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=DRAIN_SECONDS)
            if late:
                log.warning("complaints: %d background tasks still running at unload", len(late))

    # -- the hot-path map -----------------------------------------------------------------------

    def watch(self, ticket: Ticket) -> None:
        """Start following messages in the ticket's place."""
        if ticket.channel_id is not None and ticket.id is not None and ticket.is_open:
            self.watched[ticket.channel_id] = Watched(ticket.guild_id, ticket.id, ticket.parties())
            if ticket.tier_responded_at is not None:
                self.answered.add(ticket.id)
            else:
                self.answered.discard(ticket.id)

    def unwatch(self, ticket: Ticket) -> None:
        """Stop following the place (closed ticket)."""
        if ticket.channel_id is not None:
            self.watched.pop(ticket.channel_id, None)
        if ticket.id is not None:
            self.answered.discard(ticket.id)

    async def warm(self) -> None:
        """Fill the map from the database and re-arm every open ticket's deadlines."""
        # Re-arming is idempotent (one keyed timer per ticket) and heals a timer lost between
        # a saved transition and its scheduling.
        for guild_id, _channel_id, ticket_id in await self.store.all_open_channels():
            ticket = await self.store.get(guild_id, ticket_id)
            if ticket is not None:
                self.watch(ticket)
                await self.arm(ticket)
        log.info("complaints: following %d open ticket places", len(self.watched))

    async def rearm_guild(self, guild_id: int) -> None:
        """The guild's config changed (deadlines, tiers, enabled): re-arm its open tickets."""
        for ticket in await self.store.open_tickets(guild_id):
            await self.arm(ticket)

    # -- history --------------------------------------------------------------------------------

    async def record(
        self,
        ticket: Ticket,
        kind: str,
        actor: Any = None,
        text: str = "",
        *,
        internal: bool = False,
        at: datetime | None = None,
        **fields: Any,
    ) -> None:
        """Append a staff or system event to the ticket's history now."""
        assert ticket.id is not None
        entry = Entry(
            at=at or now(),
            kind=kind,
            author_id=getattr(actor, "id", None),
            author_name=getattr(actor, "display_name", "") or "",
            text=text,
            internal=internal,
            fields={k: str(v) for k, v in fields.items()},
        )
        await self.store.add_event(ticket.guild_id, ticket.id, entry)

    def queue_message(self, watched: Watched, message: discord.Message, kind: str) -> None:
        """Queue a member or staff message for the history (synchronous: hot path)."""
        entry = Entry(
            at=(message.edited_at if kind == "edit" and message.edited_at else message.created_at),
            kind=kind,
            author_id=message.author.id,
            author_name=message.author.display_name,
            text=message.content,
            attachments=tuple(a.filename for a in message.attachments),
            message_id=message.id,
        )
        self.history.add(event_row(watched.guild_id, watched.ticket_id, entry))

    def queue_leave(self, watched: Watched, user_id: int, name: str) -> None:
        """Someone left the place on their own (or was removed by hand): history, batched."""
        entry = Entry(at=now(), kind="left", author_id=user_id, author_name=name)
        self.history.add(event_row(watched.guild_id, watched.ticket_id, entry))

    # -- transitions ----------------------------------------------------------------------------

    async def get(self, guild_id: int, ticket_id: int) -> Ticket:
        """The ticket, or the refusal that it does not exist."""
        ticket = await self.store.get(guild_id, ticket_id)
        if ticket is None:
            raise UserError("complaints.errors.no_ticket")
        return ticket

    async def transition(
        self, guild_id: int, ticket_id: int, change: Callable[[Ticket], Ticket | None]
    ) -> tuple[Ticket, Ticket | None]:
        """Apply ``change`` with compare-and-set, re-reading on a lost race (a few times)."""
        for _ in range(5):
            old = await self.get(guild_id, ticket_id)
            try:
                new = change(old)
            except IllegalTransition as exc:
                raise user_error(exc) from None
            if new is None or await self.store.save(old, new):
                return old, new
        raise UserError("complaints.errors.busy")

    # -- deadlines ------------------------------------------------------------------------------

    async def arm(self, ticket: Ticket) -> None:
        """Schedule the ticket's next deadline checkpoint (or cancel it when there is none)."""
        assert ticket.id is not None
        key = str(ticket.id)
        due = None
        if ticket.is_open:
            done = await self.store.marks(ticket.guild_id, ticket.id, ticket.epoch)
            due = dl.next_due(ticket, self.config(ticket.guild_id), done)
        if due is None:
            await self.bot.timers.cancel(ticket.guild_id, TIMER_KIND, key)
            return
        payload = {"ticket_id": ticket.id, "epoch": ticket.epoch}
        await self.bot.timers.schedule(ticket.guild_id, TIMER_KIND, due, payload, key=key)

    async def on_deadline(self, timer: Timer) -> None:
        """A checkpoint is due: remind, or record the breach and escalate once.

        Safe to run twice or late: marks are taken atomically with the escalation, and a
        ticket that moved on (closed, another epoch) is simply re-armed.
        """
        ticket = await self.store.get(timer.guild_id, int(timer.payload.get("ticket_id", 0)))
        if ticket is None or not ticket.is_open:
            return
        config = self.config(ticket.guild_id)
        if not config.enabled:
            return  # re-armed by rearm_guild when the feature is turned back on
        assert ticket.id is not None
        moment = now()
        done = await self.store.marks(ticket.guild_id, ticket.id, ticket.epoch)
        plan = dl.plan(ticket, config, moment, done)
        if plan.idle:
            await self.arm(ticket)
            return
        moved = tk.escalate(ticket, moment, top_tier=config.top_tier) if plan.escalate else None
        if not await self.store.apply_deadline(ticket, moved, plan.marks, moment):
            fresh = await self.store.get(ticket.guild_id, ticket.id)
            if fresh is not None:
                await self.arm(fresh)
            return
        current = moved or ticket
        await effects.announce_deadline(self, ticket, current, plan, config)
        await self.arm(current)
