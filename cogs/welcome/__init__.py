"""Welcome and onboarding: greet newcomers, gate them behind the rules, give roles, follow them.

Events dispatched (for analytics and other cogs; never import this package):

- ``onboarding_step(guild_id: int, user_id: int, step: str, at: datetime)`` once per step and
  journey, when the step is first reached. ``step`` is one of ``joined``, ``accepted_rules``,
  ``picked_roles``, ``first_message``, ``active_7d`` (see ``journey.py``). ``active_7d`` means:
  seven days after joining, still a member and has posted at least once.
- ``welcome_dm_closed(guild_id, user_id)`` the first time a newcomer's DMs are found closed.
- ``analytics_event(guild_id, "onboarding:<step>", user_id=..., value=1)`` alongside, for every
  step but ``joined`` (the analytics cog's neutral event; it counts joins itself).

Events listened to:

- ``raid_mode_changed(guild_id: int, on: bool)`` (dispatched by the policies cog): while on,
  greetings are batched into one message per ``welcome.raid.batch_window`` and no greeting DM is
  sent. A burst of joins (more than ``welcome.raid.burst_joins`` within the window) is batched
  the same way even without raid mode.
- ``config_changed(guild_id)`` (core): role problems are re-checked and reported to the mod log.

Timers (``bot.timers`` kinds, key = the member id): ``welcome_gate_remind``,
``welcome_gate_remove``, ``welcome_delayed_role`` (key ``<user_id>:<index>``),
``welcome_active_check``.

Custom ids: ``vigie:welcome:accept:<guild_id>``, ``vigie:welcome:role:<menu>:<role_id>``,
``vigie:welcome:menu:<menu>`` (dynamic items, working after a restart).
"""

from __future__ import annotations

from typing import Any


async def setup(bot: Any) -> None:
    """Load the welcome cog into ``bot``."""
    from .cog import WelcomeCog

    await bot.add_cog(WelcomeCog(bot))
