"""The message catalogue: ``bot/locales`` and every ``cogs/<name>/locales`` merged (pure).

``t(locale, key, **fields)`` formats named placeholders (``{user}``); a key missing in a locale
falls back to English and is logged once.
"""

from __future__ import annotations

import functools
import logging
import string
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.durations import Duration
from bot.yaml_lines import SAFE_LOADER

log = logging.getLogger(__name__)

LOCALES = ("en", "fr")
FALLBACK = "en"


def normalize_locale(value: object) -> str:
    """``fr-FR``, ``Locale.french``, ``FR`` -> ``fr``; unknown -> ``en``."""
    try:
        return _normalize_cached(value)
    except TypeError:  # unhashable: not worth caching
        return _normalize(value)


@functools.lru_cache(maxsize=256)
def _normalize_cached(value: object) -> str:
    return _normalize(value)


def _normalize(value: object) -> str:
    raw = str(getattr(value, "value", value) or "").lower()
    base = raw.split("-")[0].split("_")[0]
    return base if base in LOCALES else FALLBACK


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Nested mappings to dotted keys; leaves become strings."""
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            child = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten(value, child))
    elif data is not None and prefix:
        out[prefix] = str(data)
    return out


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` in a message."""
    names: set[str] = set()
    for _, field_name, _, _ in string.Formatter().parse(text):
        if field_name:
            names.add(field_name.split(".")[0].split("[")[0])
    return names


@functools.lru_cache(maxsize=256)
def _parse_cached(path: Path, mtime_ns: int) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 (safe loader)


def _parse(path: Path) -> Any:
    """A catalogue file's data; parsed once per process while the file is unchanged (every
    bot start of a test run reads the same files)."""
    return _parse_cached(path, path.stat().st_mtime_ns)


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Catalogue:
    """Messages per locale, loaded from one or more ``locales/`` folders."""

    def __init__(self, messages: dict[str, dict[str, str]] | None = None) -> None:
        self.messages: dict[str, dict[str, str]] = {loc: {} for loc in LOCALES}
        for locale, table in (messages or {}).items():
            self.messages.setdefault(locale, {}).update(table)
        self._warned: set[tuple[str, str]] = set()

    @classmethod
    def load(cls, folders: Iterable[Path]) -> Catalogue:
        """Merge ``<folder>/<locale>.yaml`` of every folder (later folders may not override)."""
        catalogue = cls()
        for folder in folders:
            for locale in LOCALES:
                path = folder / f"{locale}.yaml"
                if path.is_file():
                    catalogue.add_file(locale, path)
        return catalogue

    def add_file(self, locale: str, path: Path) -> None:
        """Add one YAML file of messages to ``locale``."""
        try:
            data = _parse(path)
        except (OSError, yaml.YAMLError):
            log.exception("cannot read message catalogue %s", path)
            return
        table = self.messages.setdefault(locale, {})
        for key, text in flatten(data).items():
            if key in table and table[key] != text:
                log.warning("%s: key %s already defined elsewhere; keeping the first", path, key)
                continue
            table[key] = text

    def has(self, locale: str, key: str) -> bool:
        return key in self.messages.get(locale, {})

    def lookup(self, locale: str | None, key: str) -> str | None:
        """The raw message, with English fallback (logged once per key and locale)."""
        loc = normalize_locale(locale)
        text = self.messages.get(loc, {}).get(key)
        if text is not None:
            return text
        fallback = self.messages[FALLBACK].get(key)
        if (loc, key) not in self._warned:
            self._warned.add((loc, key))
            if fallback is None:
                log.warning("unknown message key %s (shown as is)", key)
            else:
                log.warning("message %s missing in locale %s; using %s", key, loc, FALLBACK)
        return fallback

    def duration(self, locale: str | None, value: Duration) -> str:
        """``value`` in ``locale``'s words: ``duration.<unit>`` for each part, ``duration.join``
        between them (English keeps the config spelling, ``1h30m``)."""
        words = [
            (self.lookup(locale, f"duration.{unit}") or f"{{n}}{unit}").format(n=count)
            for unit, count in value.parts()
        ]
        return (self.lookup(locale, "duration.join") or "").join(words)

    def t(self, locale: str | None, key: str, /, **fields: Any) -> str:
        """Translate and format ``key``; an unknown key returns the key itself."""
        text = self.lookup(locale, key)
        if text is None:
            return key
        for name, value in fields.items():
            if isinstance(value, Duration):
                fields[name] = self.duration(locale, value)
        try:
            return text.format_map(_Missing(fields))
        except (ValueError, IndexError, AttributeError, KeyError):
            log.warning("message %s: bad placeholders in %r", key, text)
            return text
