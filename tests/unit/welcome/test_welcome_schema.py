"""The welcome section's JSON Schema and semantic checks, and its dataclass."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
import yaml

from cogs.welcome import schema
from cogs.welcome.config import WelcomeConfig

DEFAULT_YAML = Path(__file__).resolve().parents[3] / "config" / "default.yaml"


def _validator() -> jsonschema.Draft202012Validator:
    checker = jsonschema.FormatChecker()

    @checker.checks("duration")
    def _is_duration(value: object) -> bool:
        from bot.durations import is_duration

        return is_duration(value)

    return jsonschema.Draft202012Validator(schema.SCHEMA, format_checker=checker)


def _errors(section: dict) -> list[str]:
    return [e.message for e in _validator().iter_errors(section)]


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema.SCHEMA)
    assert schema.SECTION == "welcome"


def test_default_section_is_valid_when_present() -> None:
    document = yaml.safe_load(DEFAULT_YAML.read_text(encoding="utf-8")) or {}
    if "welcome" not in document:
        pytest.skip("welcome section not yet appended to default.yaml")
    section = document["welcome"]
    assert _errors(section) == []
    assert schema.check(section) == []
    assert WelcomeConfig.from_section(section) == WelcomeConfig()


def test_full_section_is_valid() -> None:
    section = {
        "enabled": True,
        "channel": "welcome",
        "dm": True,
        "embed": True,
        "greetings": ["Welcome {member}!", "Hi {member_name}, you are #{member_count}"],
        "dm_greetings": ["Welcome to {server}, read {rules_channel}"],
        "goodbye": {"enabled": True, "channel": 123, "messages": ["Bye {member_name}"]},
        "rules": {
            "enabled": True,
            "channel": "rules",
            "newcomer_role": "Newcomer",
            "accepted_roles": ["Member", 456],
            "remind_after": "1h",
            "remove_after": "1d",
            "gate_rejoin": False,
            "invite": "https://discord.gg/abc",
        },
        "roles": {
            "on_join": ["Joined"],
            "delayed": [{"role": "Regular", "after": "7d"}],
            "sticky": ["Red", "Blue"],
        },
        "menus": [
            {
                "id": "colours",
                "title": "Colours",
                "style": "select",
                "max": 1,
                "options": [
                    {"role": "Red", "label": "Red", "emoji": "🔴", "group": "colour"},
                    {"role": "Blue", "group": "colour"},
                ],
            }
        ],
        "raid": {"batch_window": "15s", "burst_joins": 5, "max_mentions": 20},
    }
    assert _errors(section) == []
    assert schema.check(section) == []
    config = WelcomeConfig.from_section(section)
    assert config.remind_after == timedelta(hours=1)
    assert config.remove_after == timedelta(days=1)
    assert config.delayed_roles[0].after == timedelta(days=7)
    assert config.gate.enabled and config.gate.remove_after == timedelta(days=1)
    assert config.menu("colours") is not None and config.menu("nope") is None
    paths = [path for path, _ in config.role_refs()]
    assert "welcome.rules.newcomer_role" in paths
    assert "welcome.menus.0.options.1.role" in paths


@pytest.mark.parametrize(
    "section",
    [
        {"unknown": 1},
        {"enabled": "yes"},
        {"rules": {"remind_after": "soon"}},
        {"rules": {"remind_after": "30m1h"}},
        {"roles": {"delayed": [{"role": "x"}]}},
        {"menus": [{"id": "Bad Id", "options": [{"role": "x"}]}]},
        {"menus": [{"id": "ok", "options": []}]},
        {"menus": [{"id": "ok", "style": "radio", "options": [{"role": "x"}]}]},
        {"menus": [{"id": "ok", "options": [{"role": "x", "label": "y" * 81}]}]},
        {"raid": {"max_mentions": 51}},
    ],
)
def test_schema_rejects(section: dict) -> None:
    assert _errors(section)


def test_check_reports_bad_placeholders_with_their_path() -> None:
    errors = schema.check(
        {
            "greetings": ["ok {member}", "bad {user}"],
            "dm_greetings": ["{member.guild}"],
            "goodbye": {"messages": ["{member_count:>9999}"]},
        }
    )
    paths = [path for path, _ in errors]
    assert paths == [("greetings", 1), ("dm_greetings", 0), ("goodbye", "messages", 0)]
    assert "unknown placeholder {user}" in errors[0][1]


def test_check_requires_removal_after_reminder() -> None:
    errors = schema.check({"rules": {"remind_after": "2d", "remove_after": "1d"}})
    assert errors and errors[0][0] == ("rules", "remove_after")
    assert schema.check({"rules": {"remind_after": None, "remove_after": "1d"}}) == []
    assert schema.check({"rules": {"remind_after": "1d", "remove_after": None}}) == []


def test_check_invite_must_be_a_link() -> None:
    assert schema.check({"rules": {"invite": "discord.gg/x"}})[0][0] == ("rules", "invite")


def test_check_menus() -> None:
    errors = schema.check(
        {
            "menus": [
                {"id": "a", "max": 3, "options": [{"role": "x"}, {"role": "X"}]},
                {"id": "a", "options": [{"role": 1}]},
            ]
        }
    )
    paths = [path for path, _ in errors]
    assert ("menus", 0, "options", 1, "role") in paths
    assert ("menus", 0, "max") in paths
    assert ("menus", 1, "id") in paths


def test_check_tolerates_wrong_types() -> None:
    # The JSON Schema reports those; check must not crash on them.
    assert schema.check({"greetings": "x", "rules": 3, "menus": {"a": 1}}) == []
    assert schema.check([]) == []  # type: ignore[arg-type]


def test_explicit_null_disables_timers() -> None:
    config = WelcomeConfig.from_section({"rules": {"remind_after": None, "remove_after": None}})
    assert config.remind_after is None and config.remove_after is None
