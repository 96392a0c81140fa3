"""Shared builders for the complaints unit tests (no discord objects)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from cogs.complaints.config import ComplaintsConfig
from cogs.complaints.tickets import Ticket, new_ticket

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def default_section() -> dict[str, Any]:
    """The complaints section shipped in config/default.yaml (a fresh copy)."""
    doc = yaml.safe_load((ROOT / "config" / "default.yaml").read_text(encoding="utf-8"))
    return copy.deepcopy(doc["complaints"])


def config(**changes: Any) -> ComplaintsConfig:
    """The default config with top-level keys of the section replaced."""
    section = default_section()
    section.update(changes)
    return ComplaintsConfig.from_section(section)


def ticket(priority: str = "normal", **changes: Any) -> Ticket:
    """A fresh ticket opened at T0."""
    from dataclasses import replace

    base = new_ticket(
        guild_id=1,
        number=1,
        member_id=10,
        opened_by=10,
        subject="noise",
        category="general",
        priority=priority,
        now=T0,
    )
    return replace(base, **changes) if changes else base
