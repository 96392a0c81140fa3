"""Base classes for views and modals: their errors go through the single error handler."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import discord

from bot.errors import handle_interaction_error


class VigieView(discord.ui.View):
    """Subclass for every view; ``on_error`` shows UserErrors and logs the rest."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        custom_id = getattr(item, "custom_id", None) or type(item).__name__
        await handle_interaction_error(
            interaction, error, where=f"view {type(self).__name__}:{custom_id}"
        )


class VigieModal(discord.ui.Modal):
    """Subclass for every modal; ``on_error`` shows UserErrors and logs the rest."""

    async def on_error(  # type: ignore[override]  # discord.py's stub inherits View's arity
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await handle_interaction_error(interaction, error, where=f"modal {type(self).__name__}")


async def guarded(interaction: discord.Interaction[Any], where: str, work: Awaitable[None]) -> None:
    """Route a DynamicItem's errors to the single handler (DynamicItems have no ``on_error``)."""
    try:
        await work
    except Exception as error:  # every error is reported by the handler
        await handle_interaction_error(interaction, error, where=where)


def cog_or_fail(interaction: discord.Interaction[Any], name: str) -> Any:
    """The loaded cog ``name`` a persistent component belongs to; an error if it is gone."""
    cog = interaction.client.get_cog(name)  # type: ignore[attr-defined]
    if cog is None:
        raise RuntimeError(f"cog {name} is not loaded")
    return cog
