"""Schema of the ``games:`` config section (JSON Schema + semantic checks). No discord import."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.durations import DurationError, parse_seconds

SECTION = "games"

CHALLENGE_KINDS = ("messages", "trivia_answers", "suggestion_votes", "ticket_help")
MAX_ROUNDS = 50

_REF: dict[str, Any] = {
    "description": "an id or exact name",
    "anyOf": [
        {"type": "integer", "minimum": 1},
        {"type": "string", "minLength": 1, "maxLength": 100},
    ],
}
_OPTIONAL_REF: dict[str, Any] = {"anyOf": [{"type": "null"}, _REF]}
_REFS: dict[str, Any] = {"type": "array", "items": _REF, "maxItems": 100}
_MULTIPLIERS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "number", "minimum": 0, "maximum": 10},
    "maxProperties": 100,
}
_DURATION: dict[str, Any] = {"type": "string", "format": "duration"}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "enabled": {"type": "boolean"},
        "trivia": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "channels": _REFS,
                "default_list": {"type": "string", "pattern": r"^[\w.-]{1,64}$"},
                "rounds": {"type": "integer", "minimum": 1, "maximum": MAX_ROUNDS},
                "question_time": _DURATION,
                "hint_after": {"anyOf": [{"type": "null"}, _DURATION]},
                "pause": _DURATION,
                "max_unanswered": {"type": "integer", "minimum": 1, "maximum": 50},
                "max_score": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 1}]},
                "reveal_answer": {"type": "boolean"},
                "xp_per_answer": {"type": "integer", "minimum": 0, "maximum": 10000},
            },
        },
        "xp": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean"},
                "min": {"type": "integer", "minimum": 0, "maximum": 10000},
                "max": {"type": "integer", "minimum": 0, "maximum": 10000},
                "cooldown": _DURATION,
                "ignored_channels": _REFS,
                "ignored_roles": _REFS,
                "channel_multipliers": _MULTIPLIERS,
                "role_multipliers": _MULTIPLIERS,
                "ignore_duplicates": {"type": "boolean"},
                "curve": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "a": {"type": "integer", "minimum": 0, "maximum": 1000},
                        "b": {"type": "integer", "minimum": 0, "maximum": 100000},
                        "c": {"type": "integer", "minimum": 1, "maximum": 1000000},
                    },
                },
                "announce": {"enum": ["channel", "dm", "off"]},
                "announce_channel": _OPTIONAL_REF,
                "rewards": {"type": "object", "additionalProperties": _REF, "maxProperties": 100},
                "stack_rewards": {"type": "boolean"},
            },
        },
        "seasons": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "mode": {"enum": ["none", "monthly", "custom"]},
                "start": {"type": "string"},
                "length": _DURATION,
                "announce_channel": _OPTIONAL_REF,
            },
        },
        "challenges": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean"},
                "list": {
                    "type": "array",
                    "maxItems": 10,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["id", "kind", "target"],
                        "properties": {
                            "id": {"type": "string", "pattern": r"^[a-z0-9_-]{1,32}$"},
                            "kind": {"enum": list(CHALLENGE_KINDS)},
                            "target": {"type": "integer", "minimum": 1, "maximum": 100000},
                            "xp": {"type": "integer", "minimum": 0, "maximum": 100000},
                            "channel": _OPTIONAL_REF,
                        },
                    },
                },
                "streak_bonus": {"type": "integer", "minimum": 0, "maximum": 100000},
            },
        },
    },
}

_LEVEL_KEY = re.compile(r"^\d{1,4}$")


def check(section: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """What JSON Schema cannot say: XP range order, reward levels, season start, time order."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    xp = section.get("xp") or {}
    if isinstance(xp.get("min"), int) and isinstance(xp.get("max"), int) and xp["min"] > xp["max"]:
        problems.append((("xp", "min"), "min must not be above max"))
    for level in xp.get("rewards") or {}:
        if not _LEVEL_KEY.match(str(level)) or int(str(level)) < 1:
            problems.append((("xp", "rewards", level), "reward levels are whole numbers from 1"))
    seasons = section.get("seasons") or {}
    if "start" in seasons:
        try:
            date.fromisoformat(str(seasons["start"]))
        except ValueError:
            problems.append((("seasons", "start"), "start must be a date like 2026-01-01"))
    if seasons.get("length") is not None:
        try:
            if parse_seconds(str(seasons["length"])) < 86400:
                problems.append((("seasons", "length"), "a season lasts at least one day"))
        except DurationError:
            pass  # the schema's duration format already reports it
    trivia = section.get("trivia") or {}
    try:
        question = parse_seconds(str(trivia.get("question_time", "30s")))
        if question < 2:
            problems.append((("trivia", "question_time"), "give players at least 2 seconds"))
        hint = trivia.get("hint_after")
        if hint is not None and parse_seconds(str(hint)) >= question:
            problems.append(
                (("trivia", "hint_after"), "the hint must come before the question time ends")
            )
    except DurationError:
        pass
    ids = [
        c.get("id")
        for c in (section.get("challenges") or {}).get("list") or []
        if isinstance(c, dict)
    ]
    for index, challenge_id in enumerate(ids):
        if challenge_id is not None and ids.index(challenge_id) != index:
            problems.append(
                (
                    ("challenges", "list", index, "id"),
                    f"challenge id {challenge_id!r} is used twice",
                )
            )
    return problems
