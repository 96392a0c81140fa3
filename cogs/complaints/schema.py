"""Schema of the ``complaints`` config section and its typed, frozen view.

Pure logic (no discord import): the core validates the section against :data:`SCHEMA` and
:func:`check`; the cog reads it through :meth:`ComplaintsConfig.from_section`.

Deadlines are given per priority (``deadlines.<priority>.first_response|resolution``); a tier
may override some of them (``tiers[n].deadlines.<priority>...``) because a higher tier usually
answers faster but has less time overall, or the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Category:
    """A kind of complaint members pick in the modal; it sets the starting priority."""

    key: str
    priority: str
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, locale: str) -> str:
        """The label in ``locale``, else English, else any, else the key."""
        return (
            self.labels.get(locale)
            or self.labels.get("en")
            or next(iter(self.labels.values()), self.key)
        )


@dataclass(frozen=True)
class Clocks:
    """First-response and resolution durations for one priority at one tier."""

    first_response: timedelta
    resolution: timedelta


@dataclass(frozen=True)
class Tier:
    """One escalation level: a staff role, and deadlines that may differ from the defaults."""

    name: str
    role: str | int
    clocks: dict[str, Clocks]


@dataclass(frozen=True)
class ComplaintsConfig:
    """The ``complaints`` section, parsed; durations are timedeltas."""

    enabled: bool
    mode: str
    channel: str | int | None
    category: str | int | None
    log_channel: str | int | None
    notes_channel: str | int | None
    blocked_role: str | int | None
    tiers: tuple[Tier, ...]
    categories: tuple[Category, ...]
    reminder_before: timedelta
    cooldown: timedelta | None
    max_open: int
    reopen_window: timedelta | None
    rating: bool
    member_transcript: bool

    @property
    def top_tier(self) -> int:
        """Index of the highest tier (tiers are numbered from 0)."""
        return len(self.tiers) - 1

    @property
    def staff_log_channel(self) -> str | int | None:
        """Where internal notes go: ``notes_channel``, else the tickets log channel."""
        return self.notes_channel if self.notes_channel is not None else self.log_channel

    def category_by_key(self, key: str) -> Category | None:
        """The category named ``key``, or None."""
        return next((c for c in self.categories if c.key == key), None)

    def clocks(self, priority: str, tier: int) -> Clocks:
        """Deadlines for ``priority`` at ``tier`` (clamped to the configured tiers)."""
        tier = max(0, min(tier, self.top_tier))
        return self.tiers[tier].clocks[priority]

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> ComplaintsConfig:
        """Build from an already validated section (defaults merged in by the core)."""
        base: dict[str, Clocks] = {}
        for priority in PRIORITIES:
            raw = section["deadlines"][priority]
            base[priority] = Clocks(
                parse_duration(raw["first_response"]), parse_duration(raw["resolution"])
            )
        tiers: list[Tier] = []
        for raw_tier in section["tiers"]:
            overrides = raw_tier.get("deadlines") or {}
            clocks: dict[str, Clocks] = {}
            for priority in PRIORITIES:
                own = overrides.get(priority) or {}
                clocks[priority] = Clocks(
                    parse_duration(own["first_response"])
                    if "first_response" in own
                    else base[priority].first_response,
                    parse_duration(own["resolution"])
                    if "resolution" in own
                    else base[priority].resolution,
                )
            tiers.append(Tier(str(raw_tier["name"]), raw_tier["role"], clocks))
        categories: list[Category] = []
        for raw_cat in section["categories"]:
            label = raw_cat.get("label")
            labels = {"en": label} if isinstance(label, str) else dict(label or {})
            categories.append(Category(raw_cat["key"], raw_cat["priority"], labels))
        cooldown = section.get("cooldown")
        window = section.get("reopen_window")
        return cls(
            enabled=bool(section.get("enabled", True)),
            mode=section.get("mode", "thread"),
            channel=section.get("channel"),
            category=section.get("category"),
            log_channel=section.get("log_channel"),
            notes_channel=section.get("notes_channel"),
            blocked_role=section.get("blocked_role"),
            tiers=tuple(tiers),
            categories=tuple(categories),
            reminder_before=parse_duration(section.get("reminder_before", "30m")),
            cooldown=parse_duration(cooldown) if cooldown else None,
            max_open=int(section.get("max_open", 3)),
            reopen_window=parse_duration(window) if window else None,
            rating=bool(section.get("rating", True)),
            member_transcript=bool(section.get("member_transcript", True)),
        )
