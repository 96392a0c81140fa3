"""Translation for members: the guild's locale, the catalogue, and the app_commands Translator."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.catalogue import FALLBACK, Catalogue, normalize_locale
from bot.durations import Duration

if TYPE_CHECKING:
    from bot.guild_config import GuildConfigs

log = logging.getLogger(__name__)

# What a locale can be chosen for: a guild (or its id), an interaction, a member, or nothing.
Target = int | discord.Guild | discord.Interaction | discord.Member | None

_NAME_OK = re.compile(r"[^\w-]+", re.UNICODE)


class I18n:
    """``t(locale, key, **fields)`` plus the locale of a guild or interaction."""

    def __init__(
        self,
        catalogue: Catalogue,
        configs: GuildConfigs | None = None,
        client: discord.Client | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.configs = configs
        self.client = client

    def t(self, locale: str | None, key: str, /, **fields: Any) -> str:
        """The message ``key`` in ``locale`` (English fallback), placeholders filled."""
        return self.catalogue.t(locale, key, **fields)

    def duration(self, locale: str | None, value: Duration | timedelta | int) -> str:
        """A duration in ``locale``'s words (``1 h 30 min`` in French), for text built outside
        ``t``; inside ``t``, pass ``Duration(value)`` as a field instead."""
        as_duration = value if isinstance(value, Duration) else Duration(value)
        return self.catalogue.duration(locale, as_duration)

    def locale_for(self, target: Target) -> str:
        """Guild config ``locale``, else the guild's preferred locale, else the user's, else en.

        A member stands for their server: its id is not a guild id.
        """
        if target is None:
            return FALLBACK
        if isinstance(target, discord.Member):
            target = target.guild
        if isinstance(target, discord.Interaction):
            if target.guild_id is None:
                return normalize_locale(target.locale)
            configured = self._configured(target.guild_id)
            if configured:
                return configured
            return normalize_locale(target.guild_locale or target.locale)
        guild_id = target if isinstance(target, int) else target.id
        configured = self._configured(guild_id)
        if configured:
            return configured
        guild = target if isinstance(target, discord.Guild) else None
        if guild is None and self.client is not None:
            guild = self.client.get_guild(guild_id)
        if guild is not None:
            return normalize_locale(guild.preferred_locale)
        return FALLBACK

    def _configured(self, guild_id: int) -> str | None:
        if self.configs is None:
            return None
        locale = self.configs.get(guild_id).locale
        return normalize_locale(locale) if locale else None

    def bound(self, target: Target) -> Callable[..., str]:
        """``t`` with the locale of ``target`` already chosen: ``t = i18n.bound(guild)``."""
        locale = self.locale_for(target)
        return lambda key, /, **fields: self.t(locale, key, **fields)

    def for_guild(self, target: Target, key: str, /, **fields: Any) -> str:
        """Shortcut: ``t(locale_for(target), key, **fields)``."""
        return self.t(self.locale_for(target), key, **fields)


class VigieTranslator(app_commands.Translator):
    """Localizes command names, descriptions, parameters and choices from the catalogue.

    Keys: ``commands.<qualified.name>.name|description``,
    ``commands.<qualified>.params.<param>.name|description``,
    ``commands.<qualified>.choices.<value>``. A ``locale_str(..., key="...")`` overrides the key.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        # discord.py translates a parameter's choices right after the parameter itself.
        self._last_param: str | None = None

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        target = normalize_locale(locale)
        if target == FALLBACK or not str(locale.value).lower().startswith(target):
            return None  # English is the source language; other locales fall back by Discord.
        key = string.extras.get("key") or self._key_for(context)
        if key is None or not self.catalogue.has(target, key):
            return None
        text = self.catalogue.messages[target][key]
        loc = context.location
        if loc in (
            app_commands.TranslationContextLocation.command_name,
            app_commands.TranslationContextLocation.group_name,
            app_commands.TranslationContextLocation.parameter_name,
        ):
            # Discord refuses names with spaces or capitals; keep the catalogue forgiving.
            text = _NAME_OK.sub("-", text.strip().lower()).strip("-")[:32] or None  # type: ignore[assignment]
        return text[:100] if text else None

    def _key_for(self, context: app_commands.TranslationContextTypes) -> str | None:
        loc = context.location
        data: Any = context.data
        where = app_commands.TranslationContextLocation
        if loc in (where.command_name, where.group_name):
            return f"commands.{_qualified(data)}.name"
        if loc in (where.command_description, where.group_description):
            return f"commands.{_qualified(data)}.description"
        if loc in (where.parameter_name, where.parameter_description):
            base = f"commands.{_qualified(data.command)}"
            self._last_param = base
            suffix = "name" if loc is where.parameter_name else "description"
            return f"{base}.params.{data.name}.{suffix}"
        if loc is where.choice_name and self._last_param is not None:
            return f"{self._last_param}.choices.{data.value}"
        return None


def _qualified(command: Any) -> str:
    return str(getattr(command, "qualified_name", getattr(command, "name", ""))).replace(" ", ".")
