"""Schema of the ``welcome:`` config section (JSON Schema + semantic checks).

Pure logic, no discord import. The core validates a guild document against :data:`SCHEMA`
(types, unknown keys, ``"format": "duration"``) and then calls :func:`check` for what JSON Schema
cannot say: template placeholders, timer order, menu consistency. Roles the bot cannot manage
are checked against the live guild by the cog (see ``cog.py``), since the schema has no guild.
"""

from __future__ import annotations

from typing import Any

from bot.durations import DurationError, parse_seconds
from cogs.welcome import templates

SECTION = "welcome"

MENU_ID_PATTERN = r"^[a-z0-9_-]{1,32}$"
MAX_MENU_OPTIONS = 25  # Discord: a select holds 25 options; 5 rows of 5 buttons
MAX_LABEL = 80  # Discord: button label and select option label

_ROLE_REF: dict[str, Any] = {
    "description": "a role id or exact name",
    "oneOf": [
        {"type": "integer", "minimum": 1},
        {"type": "string", "minLength": 1, "maxLength": 100},
    ],
}
_CHANNEL_REF: dict[str, Any] = {
    "description": "a channel id or name, or null",
    "oneOf": [
        {"type": "null"},
        {"type": "integer", "minimum": 1},
        {"type": "string", "minLength": 1, "maxLength": 100},
    ],
}
_OPTIONAL_DURATION: dict[str, Any] = {
    "oneOf": [{"type": "null"}, {"type": "string", "format": "duration"}]
}
_TEMPLATES: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string", "minLength": 1, "maxLength": templates.MAX_TEMPLATE_LENGTH},
    "maxItems": 50,
}
_ROLES: dict[str, Any] = {"type": "array", "items": _ROLE_REF, "maxItems": 25}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "enabled": {"type": "boolean"},
        "channel": _CHANNEL_REF,
        "dm": {"type": "boolean"},
        "embed": {"type": "boolean"},
        "greetings": _TEMPLATES,
        "dm_greetings": _TEMPLATES,
        "goodbye": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean"},
                "channel": _CHANNEL_REF,
                "messages": _TEMPLATES,
            },
        },
        "rules": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean"},
                "channel": _CHANNEL_REF,
                "newcomer_role": {"oneOf": [{"type": "null"}, _ROLE_REF]},
                "accepted_roles": _ROLES,
                "remind_after": _OPTIONAL_DURATION,
                "remove_after": _OPTIONAL_DURATION,
                "gate_rejoin": {"type": "boolean"},
                "invite": {"oneOf": [{"type": "null"}, {"type": "string", "maxLength": 200}]},
            },
        },
        "roles": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "on_join": _ROLES,
                "delayed": {
                    "type": "array",
                    "maxItems": 25,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["role", "after"],
                        "properties": {
                            "role": _ROLE_REF,
                            "after": {"type": "string", "format": "duration"},
                        },
                    },
                },
                "sticky": _ROLES,
            },
        },
        "menus": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "options"],
                "properties": {
                    "id": {"type": "string", "pattern": MENU_ID_PATTERN},
                    "title": {"type": "string", "minLength": 1, "maxLength": 256},
                    "style": {"enum": ["buttons", "select"]},
                    "max": {"type": "integer", "minimum": 1, "maximum": MAX_MENU_OPTIONS},
                    "options": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": MAX_MENU_OPTIONS,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["role"],
                            "properties": {
                                "role": _ROLE_REF,
                                "label": {"type": "string", "minLength": 1, "maxLength": MAX_LABEL},
                                "emoji": {"type": "string", "minLength": 1, "maxLength": 64},
                                "group": {"type": "string", "minLength": 1, "maxLength": 32},
                            },
                        },
                    },
                },
            },
        },
        "raid": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "batch_window": {"type": "string", "format": "duration"},
                "burst_joins": {"type": "integer", "minimum": 1, "maximum": 1000},
                "max_mentions": {"type": "integer", "minimum": 0, "maximum": 50},
            },
        },
    },
}

Path = tuple[str | int, ...]


def _seconds(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_seconds(value)
    except DurationError:
        return None


def _check_templates(section: dict, path: Path, errors: list[tuple[Path, str]]) -> None:
    node: object = section
    for key in path:
        if not isinstance(node, dict):
            return
        node = node.get(key)
    if not isinstance(node, list):
        return
    for index, source in enumerate(node):
        problem = templates.validate(source)
        if problem is not None:
            errors.append(((*path, index), problem))


def _check_menus(menus: object, errors: list[tuple[Path, str]]) -> None:
    if not isinstance(menus, list):
        return
    seen_ids: set[str] = set()
    for index, menu in enumerate(menus):
        if not isinstance(menu, dict):
            continue
        menu_id = menu.get("id")
        if isinstance(menu_id, str):
            if menu_id in seen_ids:
                errors.append((("menus", index, "id"), f"menu id {menu_id!r} is used twice"))
            seen_ids.add(menu_id)
        options = menu.get("options")
        if not isinstance(options, list):
            continue
        roles_seen: set[str] = set()
        for opt_index, option in enumerate(options):
            if not isinstance(option, dict):
                continue
            role = option.get("role")
            key = str(role).casefold()
            if key in roles_seen:
                errors.append(
                    (
                        ("menus", index, "options", opt_index, "role"),
                        f"role {role!r} is listed twice",
                    )
                )
            roles_seen.add(key)
        maximum = menu.get("max")
        if isinstance(maximum, int) and maximum > len(options):
            errors.append(
                (
                    ("menus", index, "max"),
                    f"max is {maximum} but the menu has only {len(options)} option(s)",
                )
            )


def check(section: dict) -> list[tuple[Path, str]]:
    """Semantic errors of a ``welcome`` section as ``(key path, message)`` pairs."""
    errors: list[tuple[Path, str]] = []
    if not isinstance(section, dict):
        return errors
    _check_templates(section, ("greetings",), errors)
    _check_templates(section, ("dm_greetings",), errors)
    _check_templates(section, ("goodbye", "messages"), errors)
    rules = section.get("rules")
    if isinstance(rules, dict):
        remind = _seconds(rules.get("remind_after"))
        remove = _seconds(rules.get("remove_after"))
        if remind is not None and remove is not None and remove <= remind:
            errors.append(
                (
                    ("rules", "remove_after"),
                    f"must be longer than remind_after ({rules.get('remind_after')}), "
                    "or the reminder would come after the removal",
                )
            )
        invite = rules.get("invite")
        if isinstance(invite, str) and not invite.startswith(("https://", "http://")):
            errors.append((("rules", "invite"), "must be a link starting with https://"))
    _check_menus(section.get("menus"), errors)
    return errors
