"""Complaints: private tickets, mediated disputes and tiered escalation with deadlines.

Members open tickets with ``/complaint`` (or ``/dispute member``); staff handle them with the
buttons in the ticket and ``/ticket ...``; ``/tickets queue|stats|open|dispute`` are for
moderators. Deadlines are ``complaints_deadline`` timers (one per ticket, keyed by its id).

Events dispatched for other features (``bot.dispatch``; listen with ``on_<name>``):

- ``complaint_opened(ticket)``
- ``complaint_claimed(ticket, staff_id)``
- ``complaint_first_response(ticket)`` (a staff message met the tier's first-response clock)
- ``complaint_escalated(ticket, reason, automatic)`` / ``complaint_deescalated(...)``
- ``complaint_breached(ticket, clocks)`` (``clocks``: ``first_response`` and/or ``resolution``)
- ``complaint_closed(ticket)`` / ``complaint_reopened(ticket)``
- ``complaint_rated(ticket, score)``
- ``complaint_case_linked(ticket, case)`` (an outcome that refers to a policy case number)
- ``complaints_stats(guild_id, figures)`` (a dict, see ``stats.Stats.as_event``)

``ticket`` is a frozen :class:`cogs.complaints.tickets.Ticket`.
"""

from __future__ import annotations

from typing import Any


async def setup(bot: Any) -> None:
    """Load the complaints cog into ``bot``."""
    from .cog import ComplaintsCog

    await bot.add_cog(ComplaintsCog(bot))
