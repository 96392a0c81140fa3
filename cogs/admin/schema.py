"""Config section of the admin cog: it only exists so that every section looks alike.

The admin commands are how managers change the configuration, so they cannot be turned off
from a guild document (that would lock the server out of its own settings).
"""

from __future__ import annotations

from typing import Any

SECTION = "admin"

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "enabled": {"type": "boolean"},
    },
}


def check(section: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """Semantic errors of the section: the admin commands cannot be disabled."""
    if section.get("enabled") is False:
        return [(("enabled",), "the admin commands cannot be disabled (managers need them)")]
    return []
