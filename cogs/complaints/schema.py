"""Schema of the ``complaints`` config section.

Pure logic (no discord import): the core validates the section against :data:`SCHEMA` and
:func:`check`, loading this file by path, so it defines no class (see ``config.py`` for the
typed view the cog reads).

Deadlines are given per priority (``deadlines.<priority>.first_response|resolution``); a tier
may override some of them (``tiers[n].deadlines.<priority>...``) because a higher tier usually
answers faster but has less time overall, or the reverse.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.durations import DurationError, parse_duration

SECTION = "complaints"

PRIORITIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
MODES: tuple[str, ...] = ("thread", "channel")

_REF = {"type": ["string", "integer", "null"]}
_DURATION = {"type": "string", "format": "duration"}
_OPT_DURATION = {"type": ["string", "null"], "format": "duration"}
_CLOCKS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"first_response": _DURATION, "resolution": _DURATION},
}
_FULL_CLOCKS = {**_CLOCKS, "required": ["first_response", "resolution"]}
_LABEL = {
    "oneOf": [
        {"type": "string", "minLength": 1, "maxLength": 100},
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "en": {"type": "string", "minLength": 1, "maxLength": 100},
                "fr": {"type": "string", "minLength": 1, "maxLength": 100},
            },
            "minProperties": 1,
        },
    ]
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "enabled": {"type": "boolean"},
        "mode": {"enum": list(MODES)},
        "channel": _REF,
        "category": _REF,
        "log_channel": _REF,
        "notes_channel": _REF,
        "blocked_role": _REF,
        "tiers": {
            "type": "array",
            "minItems": 1,
            "maxItems": 10,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "role"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 50},
                    "role": {"type": ["string", "integer"]},
                    "deadlines": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {p: _CLOCKS for p in PRIORITIES},
                    },
                },
            },
        },
        "categories": {
            "type": "array",
            "minItems": 1,
            "maxItems": 25,  # a Discord select menu holds at most 25 options
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "priority"],
                "properties": {
                    "key": {"type": "string", "pattern": "^[a-z0-9_-]{1,32}$"},
                    "label": _LABEL,
                    "priority": {"enum": list(PRIORITIES)},
                },
            },
        },
        "deadlines": {
            "type": "object",
            "additionalProperties": False,
            "required": list(PRIORITIES),
            "properties": {p: _FULL_CLOCKS for p in PRIORITIES},
        },
        "reminder_before": _DURATION,
        "cooldown": _OPT_DURATION,
        "max_open": {"type": "integer", "minimum": 1, "maximum": 50},
        "reopen_window": _OPT_DURATION,
        "rating": {"type": "boolean"},
        "member_transcript": {"type": "boolean"},
    },
}


def _duration_or_none(value: Any) -> timedelta | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except DurationError:
        return None


def check(section: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Semantic errors the JSON Schema cannot express: duplicates and inverted deadlines."""
    errors: list[tuple[tuple[Any, ...], str]] = []
    keys = [c.get("key") for c in section.get("categories") or [] if isinstance(c, dict)]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            errors.append((("categories", index, "key"), f"duplicate category {key!r}"))
    names = [t.get("name") for t in section.get("tiers") or [] if isinstance(t, dict)]
    for index, name in enumerate(names):
        if name in names[:index]:
            errors.append((("tiers", index, "name"), f"duplicate tier {name!r}"))
    base = section.get("deadlines") or {}
    scopes: list[tuple[tuple[Any, ...], dict[str, Any]]] = [(("deadlines",), base)]
    for index, tier in enumerate(section.get("tiers") or []):
        if isinstance(tier, dict) and isinstance(tier.get("deadlines"), dict):
            scopes.append((("tiers", index, "deadlines"), tier["deadlines"]))
    for path, clocks in scopes:
        for priority in PRIORITIES:
            own = clocks.get(priority) or {}
            fallback = base.get(priority) or {}
            first = _duration_or_none(own.get("first_response", fallback.get("first_response")))
            whole = _duration_or_none(own.get("resolution", fallback.get("resolution")))
            if first is not None and whole is not None and first > whole:
                errors.append(
                    (
                        (*path, priority, "first_response"),
                        "first response deadline is longer than the resolution deadline",
                    )
                )
    return errors
