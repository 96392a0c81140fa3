"""Analytics: growth and engagement metrics, monthly reports with charts, reputation watch.

Listens to members, messages, reactions and command use (counts and identifiers only, never
message content) and to a neutral event any feature can dispatch:
``bot.dispatch("analytics_event", guild_id, kind, user_id=None, value=None)``. Kinds read by
the reports: ``case``, ``ticket_deadline`` (value 1 met, 0 breached), ``feedback_rating``
(1-5), ``nps`` (0-10), ``game_player``, and ``onboarding:<step>`` for the onboarding funnel
(``accepted_rules``, ``first_message``, ``active_7d``).

Time: counts are stored in UTC buckets (messages and reactions per UTC hour; active members,
command uses and the server's size per UTC day; joins, leaves and feature events at their
exact time), while a report's period and the monthly report's month run from midnight in the
server's ``timezone``; the pending monthly timer moves when that setting changes. So exact-time
counts are cut at local midnight, hourly ones at the hour (exact for zones a whole number of
hours from UTC), and daily ones (active members, the CSV's rows) cover the UTC days the
period touches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Vigie


async def setup(bot: Vigie) -> None:
    from .cog import AnalyticsCog

    await bot.add_cog(AnalyticsCog(bot))
