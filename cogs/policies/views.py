"""The moderators' alert: an embed with a jump link and persistent buttons.

Buttons are DynamicItems whose custom id carries the case (``vigie:policies:alert:<action>:
<case>``), so they keep working after a restart without any stored view state.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot import checks
from bot.errors import handle_interaction_error
from bot.modlog import resolve_channel

log = logging.getLogger(__name__)

ACTIONS = ("confirm", "undo", "escalate")


def alert_buttons(case_number: int, labels: dict[str, str]) -> discord.ui.View:
    """A view with the three buttons of one alert (persistent through AlertButton)."""
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(AlertButton(action, case_number, labels[action]))
    return view


class AlertButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"vigie:policies:alert:(?P<action>confirm|undo|escalate):(?P<case>\d+)",
):
    """Confirm (keep the action), undo (lift it and pardon the case), escalate (to managers)."""

    def __init__(self, action: str, case: int, label: str | None = None) -> None:
        style = {
            "confirm": discord.ButtonStyle.success,
            "undo": discord.ButtonStyle.secondary,
            "escalate": discord.ButtonStyle.danger,
        }[action]
        super().__init__(
            discord.ui.Button(
                label=label or action.title(),
                style=style,
                custom_id=f"vigie:policies:alert:{action}:{case}",
            )
        )
        self.action = action
        self.case = case

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> AlertButton:
        # discord.py types the item as any component; only our buttons carry this custom id,
        # and anything else would keep the default label.
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match["action"], int(match["case"]), label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await checks.require(interaction, checks.Privilege.MODERATOR)
            cog = interaction.client.get_cog("policies")
            await cog.alert_action(interaction, self.action, self.case)
        except Exception as exc:  # DynamicItems have no view on_error of ours: route it here
            await handle_interaction_error(interaction, exc, where=f"alert {self.action}")


def alert_channel(bot: Any, guild: discord.Guild) -> Any:
    """``policies.alert_channel``, else ``channels.reports``."""
    config = bot.configs.get(guild.id)
    ref = config.section("policies").get("alert_channel") or config.get("channels.reports")
    return resolve_channel(guild, ref)
