"""What the feedback cogs share: the store, typed settings, DMs, channels, events.

Analytics events dispatched by this package (``bot.dispatch(name, payload)``; listeners get
``on_<name>(payload)``, payload a plain dict with ``guild_id`` and the fields listed):

- ``feedback_entry``: ``entry_id, category, rating, anonymous, length`` (no author, ever)
- ``feedback_suggestion``: ``suggestion_id, author_id``
- ``feedback_suggestion_vote``: ``suggestion_id, user_id, vote`` (1, -1 or None: withdrawn)
- ``feedback_suggestion_status``: ``suggestion_id, status, staff_id``
- ``feedback_poll_vote``: ``poll_id, user_id, options`` (``None`` as user for anonymous polls)
- ``feedback_poll_closed``: ``poll_id, voters, counts``
- ``feedback_survey_answer``: ``survey, response_id, answers`` (no member id)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.errors import UserError
from bot.modlog import PostableChannel, resolve_channel

from .models import KeyedError
from .schema import SECTION, FeedbackSettings
from .store import FeedbackStore

if TYPE_CHECKING:
    from bot.app import Vigie

log = logging.getLogger(__name__)

EVENTS = (
    "feedback_entry",
    "feedback_suggestion",
    "feedback_suggestion_vote",
    "feedback_suggestion_status",
    "feedback_poll_vote",
    "feedback_poll_closed",
    "feedback_survey_answer",
)


def now() -> datetime:
    return datetime.now(UTC)


class FeedbackService:
    """Shared by the feedback cogs (one instance per bot)."""

    def __init__(self, bot: Vigie) -> None:
        self.bot = bot
        self.store = FeedbackStore(bot.db)

    def settings(self, guild_id: int) -> FeedbackSettings:
        return FeedbackSettings.from_section(self.bot.configs.get(guild_id).section(SECTION))

    def ensure_enabled(self, guild_id: int | None) -> FeedbackSettings:
        """The guild's settings, or a clear refusal outside a server or when switched off."""
        if guild_id is None:
            raise UserError("errors.guild_only")
        settings = self.settings(guild_id)
        if not settings.enabled:
            raise UserError("feedback.disabled")
        return settings

    async def dm(self, user_id: int, text: str) -> bool:
        """DM a member; False when Discord refuses (closed DMs, a deleted account)."""
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(text[:2000], allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.info("feedback DM not delivered: %s", error)
            return False
        return True

    def channel(self, guild: discord.Guild, ref: Any) -> discord.abc.Messageable | None:
        return resolve_channel(guild, ref)

    def reports_channel(self, guild: discord.Guild) -> PostableChannel | None:
        ref = self.settings(guild.id).reports_channel
        if ref in (None, ""):
            ref = self.bot.configs.get(guild.id).get("channels.reports")
        return resolve_channel(guild, ref)

    def emit(self, name: str, **payload: Any) -> None:
        """Dispatch an analytics event (see the module docstring)."""
        self.bot.dispatch(name, payload)


class FeedbackPart(commands.Cog):
    """Base of the feedback cogs: the bot, the shared service and its store."""

    def __init__(self, bot: Vigie, service: FeedbackService) -> None:
        self.bot = bot
        self.service = service
        self.store = service.store


def category_name(t: Callable[..., str], category: str) -> str:
    """A category's translated name; a server's own category shows as written."""
    key = f"feedback.categories.{category}"
    text = t(key)
    return category if text == key else text


def status_name(t: Callable[..., str], status: str) -> str:
    return t(f"feedback.status.{status}")


def user_error_from(error: KeyedError) -> UserError:
    """Turn a pure-logic refusal into a translated UserError."""
    return UserError(f"feedback.{error.key}", **error.fields)
