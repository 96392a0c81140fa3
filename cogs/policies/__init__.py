"""Policies: automatic moderation, manual moderation, cases, escalation and anti-raid.

Dispatches ``bot.dispatch("infraction", case)`` (a :class:`cogs.policies.store.Case`) for
every case opened, and ``analytics_event(guild_id, "case", user_id=..., value=1)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Vigie


async def setup(bot: Vigie) -> None:
    from .cases_cog import CasesCog
    from .cog import PoliciesCog
    from .moderation import ModerationCog
    from .raid_mode import RaidCog

    policies = PoliciesCog(bot)
    await bot.add_cog(policies)
    await bot.add_cog(ModerationCog(bot, policies))
    await bot.add_cog(CasesCog(bot, policies))
    await bot.add_cog(RaidCog(bot, policies))
