"""UserError and the single error handler of the CommandTree, views and modals.

A :class:`UserError` is shown translated and ephemeral; known discord.py failures map to clear
messages; anything else gets a generic apology and ``log.exception`` with guild, user, command.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.user_error import UserError

if TYPE_CHECKING:
    from bot.app import Vigie

__all__ = [
    "UserError",
    "UserCheckFailure",
    "VigieTree",
    "handle_interaction_error",
    "describe_error",
]

log = logging.getLogger(__name__)


class UserCheckFailure(app_commands.CheckFailure):
    """A check refused the command; carries the :class:`UserError` to show."""

    def __init__(self, error: UserError) -> None:
        super().__init__(error.message_key)
        self.user_error = error


def _permission_list(names: list[str]) -> str:
    return ", ".join(n.replace("_", " ").replace("guild", "server").title() for n in names)


def describe_error(error: BaseException) -> tuple[UserError | None, BaseException]:
    """Map an exception to the UserError to show (None: unexpected) and the root exception."""
    root: BaseException = error
    if isinstance(root, app_commands.CommandInvokeError):
        root = root.original
    if isinstance(root, UserError):
        return root, root
    if isinstance(root, UserCheckFailure):
        return root.user_error, root
    if isinstance(root, app_commands.MissingPermissions):
        return UserError(
            "errors.missing_permissions", permissions=_permission_list(root.missing_permissions)
        ), root
    if isinstance(root, app_commands.BotMissingPermissions):
        return UserError(
            "errors.bot_missing_permissions", permissions=_permission_list(root.missing_permissions)
        ), root
    if isinstance(root, app_commands.CommandOnCooldown):
        return UserError("errors.cooldown", seconds=max(1, round(root.retry_after))), root
    if isinstance(root, app_commands.NoPrivateMessage):
        return UserError("errors.guild_only"), root
    if isinstance(root, app_commands.TransformerError):
        return UserError("errors.bad_argument", value=str(root.value)[:100]), root
    if isinstance(root, app_commands.CheckFailure):
        return UserError("errors.not_allowed"), root
    if isinstance(root, discord.Forbidden):
        return UserError("errors.bot_forbidden"), root
    return None, root


async def send_ephemeral(interaction: discord.Interaction, content: str) -> None:
    """Answer or follow up ephemerally, whichever is still possible."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True)
        else:
            await interaction.response.send_message(content, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell user %s about an error", interaction.user.id, exc_info=True)


async def handle_interaction_error(
    interaction: discord.Interaction, error: BaseException, *, where: str | None = None
) -> None:
    """The one place where command, view and modal errors end up."""
    user_error, root = describe_error(error)
    client: Any = interaction.client
    i18n = getattr(client, "i18n", None)
    locale = i18n.locale_for(interaction) if i18n is not None else "en"
    if user_error is None:
        command = interaction.command.qualified_name if interaction.command else None
        log.error(
            "unexpected error in %s (guild %s, user %s)",
            where or (f"/{command}" if command else "interaction"),
            interaction.guild_id,
            interaction.user.id,
            exc_info=(type(root), root, root.__traceback__),
        )
        user_error = UserError("errors.unexpected")
    elif isinstance(root, discord.Forbidden):
        log.warning("forbidden in guild %s: %s", interaction.guild_id, root)
    text = (
        i18n.t(locale, user_error.message_key, **user_error.fields)
        if i18n is not None
        else user_error.message_key
    )
    await send_ephemeral(interaction, text[:2000])


class VigieTree(app_commands.CommandTree["Vigie"]):
    """The command tree: every application-command error goes through one handler."""

    async def on_error(
        self, interaction: discord.Interaction[Vigie], error: app_commands.AppCommandError
    ) -> None:
        await handle_interaction_error(interaction, error)
