"""Games: trivia, XP and levels, weekly challenges and leaderboards.

Commands: ``/trivia start|stop|lists|leaderboard`` and ``/rank``, ``/leaderboard``,
``/challenges`` (everyone), ``/trivia upload`` and ``/xp set|add|reset|import`` (managers).

Events listened to:

- ``automod_removed(message: discord.Message)``: a message another feature removed earns no
  XP (its XP is taken back and the member's cooldown reopens). Deleted messages
  (``on_raw_message_delete``, bulk deletes) are treated the same way.
- ``feedback_suggestion_vote(payload)`` and ``complaint_closed(ticket)`` count toward the
  ``suggestion_votes`` and ``ticket_help`` weekly challenges (the ticket's claimant helped).
- ``config_changed(guild_id)`` (core): the guild's settings are parsed again.

Events dispatched: ``analytics_event(guild_id, "game_player", user_id=..., value=1)`` once per
player at the end of each trivia game.

XP is counted in memory and written every 5 seconds (``cog.FLUSH_INTERVAL``) and on unload: a
crash loses at most those seconds. Trivia games live in memory: a restart ends them.
"""

from __future__ import annotations

from typing import Any


async def setup(bot: Any) -> None:
    """Load the games cogs into ``bot``."""
    from .cog import GamesCog
    from .commands import LevelCommands
    from .trivia_cog import TriviaCog

    games = GamesCog(bot)
    await bot.add_cog(games)
    await bot.add_cog(LevelCommands(bot, games))
    await bot.add_cog(TriviaCog(bot, games))
