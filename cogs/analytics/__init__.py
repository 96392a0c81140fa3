"""Analytics: growth and engagement metrics, monthly reports with charts, reputation watch.

Listens to members, messages, reactions and command use (counts and identifiers only, never
message content) and to a neutral event any feature can dispatch:
``bot.dispatch("analytics_event", guild_id, kind, user_id=None, value=None)``. Kinds read by
the reports: ``case``, ``ticket_deadline`` (value 1 met, 0 breached), ``feedback_rating``
(1-5), ``nps`` (0-10), ``game_player``, and ``onboarding:<step>`` for the onboarding funnel
(``accepted_rules``, ``first_message``, ``active_7d``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Vigie


async def setup(bot: Vigie) -> None:
    from .cog import AnalyticsCog

    await bot.add_cog(AnalyticsCog(bot))
