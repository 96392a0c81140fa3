"""The ``complaints`` config section as a typed, frozen view (pure logic, no discord)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.durations import parse_duration

from .schema import PRIORITIES


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
