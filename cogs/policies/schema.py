"""Schema of the ``policies:`` config section (JSON Schema + semantic checks).

Pure logic, no discord import. Core loads this file by path, validates a guild document
against :data:`SCHEMA` (types, unknown keys, durations) and then calls :func:`check`, which
compiles the rules the way the engine will: an invalid regex is reported with RE2's reason, a
costly one with its size, a misplaced ``*`` wildcard or an unknown action with the key path.
"""

from __future__ import annotations

from typing import Any

SECTION = "policies"

_REF: dict[str, Any] = {
    "description": "an id or an exact name",
    "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "minLength": 1}],
}
_REFS: dict[str, Any] = {"type": "array", "items": _REF, "maxItems": 100}
_DURATION: dict[str, Any] = {"type": "string", "format": "duration"}
_OPT_DURATION: dict[str, Any] = {"anyOf": [{"type": "null"}, _DURATION]}
_CHANNEL: dict[str, Any] = {"anyOf": [{"type": "null"}, _REF]}
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
_WINDOW: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["amount", "window"],
    "properties": {"amount": {"type": "integer", "minimum": 1}, "window": _DURATION},
}


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        out["required"] = required
    return out


_ACTION: dict[str, Any] = {
    "description": "delete, warn, kick, ban, alert, log, or {timeout: 1h}, {ban: {purge: 1d,"
    " duration: 7d}}, {add_role: ROLE}, {remove_role: ROLE}",
    "anyOf": [
        {"type": "string"},
        _obj({"timeout": _DURATION}, ["timeout"]),
        _obj(
            {
                "ban": {
                    "anyOf": [{"type": "null"}, _obj({"purge": _DURATION, "duration": _DURATION})]
                }
            },
            ["ban"],
        ),
        _obj({"add_role": _REF}, ["add_role"]),
        _obj({"remove_role": _REF}, ["remove_role"]),
    ],
}

TRIGGERS: dict[str, Any] = _obj(
    {
        "words": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 20000},
        "allow": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 5000},
        "regex": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 200},
        "regex_on": {"enum": ["raw", "normalized", "both"]},
        "invites": {
            "anyOf": [{"type": "boolean"}, _obj({"allow": {"type": "array", "items": _REF}})]
        },
        "links": _obj(
            {
                "deny": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "allow": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "any": {"type": "boolean"},
            }
        ),
        "mentions": _obj({"max": _COUNT, "window": _OPT_DURATION}, ["max"]),
        "rate": _WINDOW,
        "duplicates": _obj(
            {
                "amount": {"type": "integer", "minimum": 2},
                "window": _DURATION,
                "across_channels": {"type": "boolean"},
            },
            ["amount", "window"],
        ),
        "caps": _obj(
            {
                "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "min_letters": {"type": "integer", "minimum": 1},
            },
            ["ratio"],
        ),
        "emoji": _obj({"max": _COUNT}, ["max"]),
        "lines": _obj({"max": {"type": "integer", "minimum": 1}}, ["max"]),
        "attachments": _obj(
            {"max": _COUNT, "extensions": {"type": "array", "items": {"type": "string"}}}
        ),
        "zalgo": _obj({"marks": {"type": "integer", "minimum": 1}}),
    }
)

SCOPE: dict[str, Any] = _obj(
    {
        "channels": _REFS,
        "exclude_channels": _REFS,
        "categories": _REFS,
        "exclude_categories": _REFS,
        "exempt_roles": _REFS,
        "required_roles": _REFS,
        "account_younger_than": _OPT_DURATION,
        "joined_within": _OPT_DURATION,
        "include_bots": {"type": "boolean"},
        "include_staff": {"type": "boolean"},
    }
)

RULE: dict[str, Any] = _obj(
    {
        "name": {"type": "string", "minLength": 1, "maxLength": 64},
        "mode": {"enum": ["enforce", "log-only"]},
        "events": {
            "type": "array",
            "items": {"enum": ["message", "edit", "name"]},
            "minItems": 1,
            "uniqueItems": True,
        },
        "triggers": TRIGGERS,
        "scope": SCOPE,
        "actions": {"type": "array", "items": _ACTION, "maxItems": 10},
        "points": {"type": "integer", "minimum": 0, "maximum": 100},
        "reason": {"type": ["string", "null"], "maxLength": 400},
    },
    ["name", "triggers"],
)

_LADDER_STEP: dict[str, Any] = _obj(
    {
        "at": {"type": "integer", "minimum": 1},
        "action": {"enum": ["warn", "timeout", "kick", "ban"]},
        "duration": _OPT_DURATION,
    },
    ["at", "action"],
)

SCHEMA: dict[str, Any] = _obj(
    {
        "enabled": {"type": "boolean"},
        "alert_channel": _CHANNEL,
        "dm_members": {"type": "boolean"},
        "rules": {"type": "array", "items": RULE, "maxItems": 100},
        "points": _obj(
            {
                "warn": {"type": "integer", "minimum": 0, "maximum": 100},
                "decay": _obj(
                    {"points": {"type": "integer", "minimum": 0}, "every": _DURATION},
                    ["points", "every"],
                ),
                "ladder": {"type": "array", "items": _LADDER_STEP, "maxItems": 20},
            }
        ),
        "raid": _obj(
            {
                "enabled": {"type": "boolean"},
                "joins": {"type": "integer", "minimum": 2},
                "window": _DURATION,
                "new_account_age": _DURATION,
                "new_accounts": {"type": "integer", "minimum": 2},
                "action": {"enum": ["timeout", "role", "kick", "none"]},
                "quarantine_role": {"anyOf": [{"type": "null"}, _REF]},
                "timeout": _DURATION,
                "quiet_period": _DURATION,
            }
        ),
        "spam_wave": _obj(
            {
                "enabled": {"type": "boolean"},
                "messages": {"type": "integer", "minimum": 2},
                "window": _DURATION,
            }
        ),
    }
)


def check(section: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Semantic errors: bad regex (RE2's reason), costly regex, bad wildcard, unknown action,
    a ladder whose thresholds repeat, a quarantine without a role."""
    from cogs.policies.engine import compile_errors  # absolute: core loads this file by path

    errors = list(compile_errors(section))
    seen: set[int] = set()
    for index, step in enumerate((section.get("points") or {}).get("ladder") or ()):
        at = step.get("at")
        if at in seen:
            errors.append((("points", "ladder", index, "at"), f"two ladder steps at {at}"))
        seen.add(at)
    raid = section.get("raid") or {}
    if raid.get("action") == "role" and not raid.get("quarantine_role"):
        errors.append((("raid", "quarantine_role"), "action 'role' needs a quarantine_role"))
    return errors
