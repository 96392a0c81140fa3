"""The complaints config section: JSON Schema, semantic checks, typed view."""

from __future__ import annotations

from datetime import timedelta

import jsonschema
import pytest
from helpers_complaints import config, default_section

from bot.durations import is_duration
from cogs.complaints.config import ComplaintsConfig
from cogs.complaints.schema import SCHEMA, SECTION, check

_FORMATS = jsonschema.FormatChecker()
_FORMATS.checks("duration")(lambda value: value is None or is_duration(value))


def errors_of(section: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=_FORMATS)
    return [e.message for e in validator.iter_errors(section)]


def test_section_name() -> None:
    assert SECTION == "complaints"


def test_default_section_is_valid() -> None:
    section = default_section()
    assert errors_of(section) == []
    assert check(section) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("mode", "forum"),
        ("max_open", 0),
        ("reminder_before", "soon"),
        ("cooldown", "10 minutes"),
        ("tiers", []),
        ("surprise", True),
        ("categories", [{"key": "Bad Key", "priority": "normal"}]),
        ("categories", [{"key": "x", "priority": "critical"}]),
    ],
)
def test_schema_rejects(key: str, value: object) -> None:
    section = default_section()
    section[key] = value
    assert errors_of(section)


def test_check_finds_duplicates_and_inverted_deadlines() -> None:
    section = default_section()
    section["categories"].append({"key": "general", "priority": "low"})
    section["tiers"].append({"name": "moderators", "role": "Admin"})
    section["deadlines"]["high"] = {"first_response": "2d", "resolution": "1d"}
    section["tiers"][1]["deadlines"] = {"urgent": {"first_response": "5h"}}
    paths = {path for path, _ in check(section)}
    assert ("categories", 4, "key") in paths
    assert ("tiers", 2, "name") in paths
    assert ("deadlines", "high", "first_response") in paths
    # The tier override is checked against the default resolution it inherits (4h).
    assert ("tiers", 1, "deadlines", "urgent", "first_response") in paths


def test_typed_view_and_tier_overrides() -> None:
    section = default_section()
    section["tiers"][1]["deadlines"] = {"urgent": {"first_response": "15m"}}
    cfg = ComplaintsConfig.from_section(section)
    assert cfg.top_tier == 1
    assert cfg.clocks("urgent", 0).first_response == timedelta(minutes=30)
    assert cfg.clocks("urgent", 1).first_response == timedelta(minutes=15)
    assert cfg.clocks("urgent", 1).resolution == timedelta(hours=4)
    # Tiers beyond the configured ones use the last tier (a config shrank under a ticket).
    assert cfg.clocks("urgent", 7) == cfg.clocks("urgent", 1)
    assert cfg.cooldown == timedelta(minutes=10)
    assert cfg.reopen_window == timedelta(days=7)


def test_labels_and_fallbacks() -> None:
    cfg = config(notes_channel=None, log_channel="tickets-log")
    harassment = cfg.category_by_key("harassment")
    assert harassment is not None
    assert harassment.label("fr") == "Harcèlement"
    assert harassment.label("de") == "Harassment"
    assert cfg.category_by_key("nope") is None
    assert cfg.staff_log_channel == "tickets-log"
    assert config(notes_channel="staff", log_channel="x").staff_log_channel == "staff"


def test_null_cooldown_and_window() -> None:
    cfg = config(cooldown=None, reopen_window=None)
    assert cfg.cooldown is None
    assert cfg.reopen_window is None
