"""Slash commands, buttons and listeners of the complaints feature (thin: see actions.py)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.user_error import UserError

from . import actions, forms, reports
from .buttons import ButtonHandlers, _member
from .desk import TIMER_KIND, Desk
from .listeners import TicketListeners
from .store import ComplaintsStore
from .tickets import Ticket
from .views import RateButton, TicketButton

if TYPE_CHECKING:
    from bot.app import Vigie

log = logging.getLogger(__name__)

PRIORITY_CHOICES = [
    app_commands.Choice(name=p, value=p) for p in ("low", "normal", "high", "urgent")
]
MODERATE = discord.Permissions(moderate_members=True)
NUMBER = "Ticket number (default: the ticket of this thread)"
REASON = "Why: the tier will read it"
# The same caps as the escalate and close forms: with the words around them, the ticket's
# message stays under Discord's 2000 characters (past it, the rating prompt was cut off).
REASON_MAX = 500
RESOLUTION_MAX = 1500
# An internal note is posted in the staff log after a short line: whole, under 2000.
NOTE_MAX = 1800


class ComplaintsCog(ButtonHandlers, TicketListeners, commands.Cog, name="complaints"):
    """Complaints and disputes: private tickets handled by staff tiers, with deadlines.

    Any member may open a complaint or ask for mediation; moderators (or any tier role)
    handle tickets; managers may also take a ticket from its claimant.
    """

    ticket = app_commands.Group(
        name="ticket",
        description="Handle a ticket (staff; the member may reopen).",
        guild_only=True,
    )
    tickets = app_commands.Group(
        name="tickets",
        description="Ticket queue, figures and tickets for others (moderators).",
        guild_only=True,
        default_permissions=MODERATE,
    )

    def __init__(self, bot: Vigie) -> None:
        self.bot = bot
        self.store = ComplaintsStore(bot.db)
        self.desk = Desk(bot, self.store)

    async def cog_load(self) -> None:
        self.bot.register_store(self.store)
        self.bot.add_message_hook(self.watch_message)
        self.bot.timers.handler(TIMER_KIND, self.desk.on_deadline)
        self.bot.add_dynamic_items(TicketButton, RateButton)
        await self.desk.warm()

    async def cog_unload(self) -> None:
        # The bot unloads cogs as it closes, before the database: nothing spawned is lost.
        self.bot.remove_message_hook(self.watch_message)
        await self.desk.drain()
        self.bot.timers.remove_handler(TIMER_KIND)
        self.bot.remove_dynamic_items(TicketButton, RateButton)

    # -- helpers --------------------------------------------------------------------------------

    async def _ticket_id(self, interaction: discord.Interaction, number: int | None) -> int:
        """The ticket named by ``number``, else the one whose thread this is."""
        assert interaction.guild_id is not None
        if number is not None:
            found = await self.store.by_number(interaction.guild_id, number)
        else:
            found = await self.store.by_channel(interaction.guild_id, interaction.channel_id or 0)
        if found is None or found.id is None:
            raise UserError(
                "complaints.errors.no_ticket_here"
                if number is None
                else "complaints.errors.no_ticket"
            )
        return found.id

    # -- opening --------------------------------------------------------------------------------

    @app_commands.command(
        name="complaint", description="Open a private complaint ticket with the staff (any member)."
    )
    @app_commands.guild_only()
    async def complaint(self, interaction: discord.Interaction) -> None:
        """Open a private complaint: a form, then a private thread with you and the staff."""
        member = _member(interaction)
        modal = forms.complaint_modal(self.desk, interaction, member=member, opened_by=member)
        await interaction.response.send_modal(modal)

    @app_commands.command(
        name="dispute",
        description="Ask the staff to mediate a disagreement with another member (any member).",
    )
    @app_commands.describe(member="The other member of the disagreement")
    @app_commands.guild_only()
    async def dispute(self, interaction: discord.Interaction, member: discord.Member) -> None:
        """Ask for mediation with another member: both of you and a mediator in a private thread."""
        me = _member(interaction)
        modal = forms.dispute_modal(self.desk, interaction, first=me, second=member, opened_by=me)
        await interaction.response.send_modal(modal)

    @tickets.command(name="open", description="Open a ticket on behalf of a member (moderators).")
    @app_commands.describe(
        member="The member the ticket is for",
        priority="Starting priority (default: the category's)",
    )
    @app_commands.choices(priority=PRIORITY_CHOICES)
    async def tickets_open(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        priority: app_commands.Choice[str] | None = None,
    ) -> None:
        """Open a ticket for a member (moderators): you are added to it with them."""
        staff = _member(interaction)
        self.desk.require_staff(staff, self.desk.config(staff.guild.id))
        modal = forms.complaint_modal(
            self.desk,
            interaction,
            member=member,
            opened_by=staff,
            priority=priority.value if priority else None,
        )
        await interaction.response.send_modal(modal)

    @tickets.command(
        name="dispute", description="Open a mediation between two members (moderators)."
    )
    @app_commands.describe(first="One member", second="The other member")
    async def tickets_dispute(
        self, interaction: discord.Interaction, first: discord.Member, second: discord.Member
    ) -> None:
        """Open a mediation ticket between two members (moderators)."""
        staff = _member(interaction)
        self.desk.require_staff(staff, self.desk.config(staff.guild.id))
        modal = forms.dispute_modal(
            self.desk, interaction, first=first, second=second, opened_by=staff
        )
        await interaction.response.send_modal(modal)

    # -- handling commands ----------------------------------------------------------------------

    async def _act(
        self,
        interaction: discord.Interaction,
        number: int | None,
        done_key: str,
        action: Callable[..., Awaitable[Ticket]],
        *args: Any,
        who: str = "",
        **kwargs: Any,
    ) -> None:
        """Run ``action(desk, guild, member, ticket_id, *args, **kwargs)``, confirm ``done_key``.

        Every action posts in the ticket or a log, some many times (escalate adds a whole
        tier): the interaction is acknowledged first, the confirmation follows.
        """
        member = _member(interaction)
        await self._ack(interaction)
        ticket_id = await self._ticket_id(interaction, number)
        ticket = await action(self.desk, member.guild, member, ticket_id, *args, **kwargs)
        await self._reply(interaction, done_key, number=ticket.number, who=who)

    @ticket.command(name="claim", description="Take this ticket (staff).")
    @app_commands.describe(number=NUMBER)
    async def claim(self, interaction: discord.Interaction, number: int | None = None) -> None:
        """Take the ticket (staff): you become its handler."""
        await self._act(interaction, number, "complaints.done.claimed", actions.claim)

    @ticket.command(name="unclaim", description="Give this ticket back to its tier (staff).")
    @app_commands.describe(number=NUMBER)
    async def unclaim(self, interaction: discord.Interaction, number: int | None = None) -> None:
        """Give the ticket back to its tier (its handler, or a manager)."""
        await self._act(interaction, number, "complaints.done.unclaimed", actions.unclaim)

    @ticket.command(
        name="escalate", description="Move this ticket to the next tier, saying why (staff)."
    )
    @app_commands.describe(reason=REASON, number=NUMBER)
    async def escalate(
        self,
        interaction: discord.Interaction,
        reason: app_commands.Range[str, 1, REASON_MAX],
        number: int | None = None,
    ) -> None:
        """Escalate to the next tier (staff); the tier is added and told why."""
        await self._act(interaction, number, "complaints.done.moved", actions.move, reason, up=True)

    @ticket.command(
        name="deescalate", description="Move this ticket back to the previous tier (staff)."
    )
    @app_commands.describe(reason=REASON, number=NUMBER)
    async def deescalate(
        self,
        interaction: discord.Interaction,
        reason: app_commands.Range[str, 1, REASON_MAX],
        number: int | None = None,
    ) -> None:
        """De-escalate to the previous tier (staff)."""
        await self._act(
            interaction, number, "complaints.done.moved", actions.move, reason, up=False
        )

    @ticket.command(name="priority", description="Change this ticket's priority (staff).")
    @app_commands.describe(level="The new priority", number=NUMBER)
    @app_commands.choices(level=PRIORITY_CHOICES)
    async def priority(
        self,
        interaction: discord.Interaction,
        level: app_commands.Choice[str],
        number: int | None = None,
    ) -> None:
        """Change the priority (staff); deadlines follow."""
        await self._act(
            interaction, number, "complaints.done.priority", actions.set_priority, level.value
        )

    @ticket.command(
        name="note", description="Add an internal note, never shown to the member (staff)."
    )
    @app_commands.describe(text="The note (never shown to the member)", number=NUMBER)
    async def note(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, NOTE_MAX],
        number: int | None = None,
    ) -> None:
        """Internal note (staff): kept from the member, posted to the staff log."""
        await self._act(interaction, number, "complaints.done.noted", actions.note, text)

    @ticket.command(name="add", description="Add someone to this ticket (staff).")
    @app_commands.describe(member="The member", number=NUMBER)
    async def add(
        self, interaction: discord.Interaction, member: discord.Member, number: int | None = None
    ) -> None:
        """Add a participant (staff)."""
        await self._act(
            interaction,
            number,
            "complaints.done.added",
            actions.participant,
            member,
            add=True,
            who=member.mention,
        )

    @ticket.command(name="remove", description="Remove someone from this ticket (staff).")
    @app_commands.describe(member="The member", number=NUMBER)
    async def remove(
        self, interaction: discord.Interaction, member: discord.Member, number: int | None = None
    ) -> None:
        """Remove a participant (staff); the ticket's parties stay."""
        await self._act(
            interaction,
            number,
            "complaints.done.removed",
            actions.participant,
            member,
            add=False,
            who=member.mention,
        )

    @ticket.command(name="close", description="Close this ticket with a resolution (staff).")
    @app_commands.describe(
        resolution="What was decided or done (the member reads it)",
        case="A policy case number the outcome refers to (optional)",
        number=NUMBER,
    )
    async def close(
        self,
        interaction: discord.Interaction,
        resolution: app_commands.Range[str, 1, RESOLUTION_MAX],
        case: str | None = None,
        number: int | None = None,
    ) -> None:
        """Close with a resolution (staff); transcripts go to the tickets log."""
        await self._act(
            interaction, number, "complaints.done.closed", actions.close, resolution, case
        )

    @ticket.command(
        name="reopen", description="Reopen a recently closed ticket (its member or staff)."
    )
    @app_commands.describe(number=NUMBER)
    async def reopen(self, interaction: discord.Interaction, number: int | None = None) -> None:
        """Reopen within the configured window (the ticket's member or staff)."""
        await self._act(interaction, number, "complaints.done.reopened", actions.reopen)

    # -- queue and figures ----------------------------------------------------------------------

    @tickets.command(
        name="queue", description="Open tickets by tier, age and deadline (moderators)."
    )
    async def queue(self, interaction: discord.Interaction) -> None:
        """The open tickets, highest tier first, with their deadline status (moderators)."""
        member = _member(interaction)
        self.desk.require_staff(member, self.desk.config(member.guild.id))
        embed = await reports.queue_embed(self.desk, member.guild)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @tickets.command(
        name="stats", description="Ticket figures over a period, e.g. 7d or 30d (moderators)."
    )
    @app_commands.describe(period="How far back: 7d, 30d, 12w... (default 30d)")
    async def stats(self, interaction: discord.Interaction, period: str = "30d") -> None:
        """Tickets opened and closed, response and resolution times, breaches, satisfaction."""
        member = _member(interaction)
        self.desk.require_staff(member, self.desk.config(member.guild.id))
        embed = await reports.stats_embed(self.desk, member.guild, period)
        await interaction.response.send_message(embed=embed, ephemeral=True)
