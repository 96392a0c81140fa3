"""Schema of the ``analytics`` config section and its typed, frozen view.

Pure logic (no discord import): the core validates the section against :data:`SCHEMA` and
:func:`check`; the cog reads it through :meth:`AnalyticsConfig.from_section`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from bot.durations import parse_duration

SECTION = "analytics"

_REF = {"type": ["string", "integer", "null"]}
_REFS = {"type": "array", "items": {"type": ["string", "integer"]}}
MIN_WATCH_INTERVAL = timedelta(minutes=5)

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "enabled": {"type": "boolean"},
        "monthly_report": {"type": "boolean"},
        "reports_channel": _REF,
        "ignored_channels": _REFS,
        "watch": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean"},
                "channel": _REF,
                "interval": {"type": "string", "format": "duration"},
                "keywords": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 2, "maxLength": 100},
                    "maxItems": 50,
                },
                "feeds": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
            },
        },
    },
}


def check(section: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Feeds must be http(s) URLs and the watch may not poll more often than every 5 minutes."""
    errors: list[tuple[tuple[Any, ...], str]] = []
    watch = section.get("watch") or {}
    for index, url in enumerate(watch.get("feeds") or []):
        parsed = urlparse(str(url))
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            errors.append((("watch", "feeds", index), f"not an http(s) URL: {url!r}"))
    interval = watch.get("interval")
    if isinstance(interval, str):
        try:
            if parse_duration(interval) < MIN_WATCH_INTERVAL:
                errors.append((("watch", "interval"), "must be at least 5m"))
        except ValueError:
            pass  # the duration format check already reports it
    if watch.get("enabled") and not watch.get("feeds"):
        errors.append((("watch", "feeds"), "the watch is enabled but lists no feed"))
    return errors


@dataclass(frozen=True)
class WatchConfig:
    enabled: bool
    channel: str | int | None
    interval: timedelta
    keywords: tuple[str, ...]
    feeds: tuple[str, ...]


@dataclass(frozen=True)
class AnalyticsConfig:
    enabled: bool
    monthly_report: bool
    reports_channel: str | int | None
    ignored_channels: tuple[str | int, ...]
    watch: WatchConfig

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> AnalyticsConfig:
        watch = section.get("watch") or {}
        return cls(
            enabled=bool(section.get("enabled", True)),
            monthly_report=bool(section.get("monthly_report", True)),
            reports_channel=section.get("reports_channel"),
            ignored_channels=tuple(section.get("ignored_channels") or ()),
            watch=WatchConfig(
                enabled=bool(watch.get("enabled", False)),
                channel=watch.get("channel"),
                interval=parse_duration(str(watch.get("interval", "30m"))),
                keywords=tuple(watch.get("keywords") or ()),
                feeds=tuple(watch.get("feeds") or ()),
            ),
        )
