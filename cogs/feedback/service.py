"""What the feedback cogs share: the store, typed settings, translation, channels, events.

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

import functools
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import UserError
from bot.modlog import resolve_channel

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

    def locale(self, target: Any) -> str:
        return self.bot.i18n.locale_for(target)

    def t(self, target: Any, key: str, **fields: Any) -> str:
        """Translate ``key`` for a guild id, guild or interaction."""
        return self.bot.i18n.t(self.locale(target), key, **fields)

    def tl(self, locale: str, key: str, **fields: Any) -> str:
        return self.bot.i18n.t(locale, key, **fields)

    def translator(self, locale: str) -> Callable[..., str]:
        """``t(key, **fields)`` bound to ``locale``, the shape the embed builders take."""
        return functools.partial(self.tl, locale)

    def category_name(self, locale: str, category: str) -> str:
        key = f"feedback.categories.{category}"
        text = self.bot.i18n.t(locale, key)
        return category if text == key else text

    def status_name(self, locale: str, status: str) -> str:
        return self.bot.i18n.t(locale, f"feedback.status.{status}")

    def channel(self, guild: discord.Guild, ref: Any) -> discord.abc.Messageable | None:
        return resolve_channel(guild, ref)

    def reports_channel(self, guild: discord.Guild) -> discord.abc.Messageable | None:
        ref = self.settings(guild.id).reports_channel
        if ref in (None, ""):
            ref = self.bot.configs.get(guild.id).get("channels.reports")
        return resolve_channel(guild, ref)

    def emit(self, name: str, **payload: Any) -> None:
        """Dispatch an analytics event (see the module docstring)."""
        self.bot.dispatch(name, payload)


def user_error_from(error: Exception) -> UserError:
    """Turn a pure-logic error (``key`` + ``fields``) into a translated UserError."""
    key = getattr(error, "key", "errors.unexpected")
    fields = dict(getattr(error, "fields", {}))
    return UserError(f"feedback.{key}", **fields)
