"""The ``policies`` config section as frozen dataclasses, parsed with precise errors.

Pure logic, no discord import. ``parse_rules(section)`` returns the rules and a list of
``(key path, message)`` errors; the JSON Schema (schema.py) has already checked the shapes,
this checks meaning: durations, wildcards, actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.durations import DurationError, parse_seconds

from .actions import MAX_TIMEOUT_SECONDS, SIMPLE_ACTIONS, Action

Path = tuple[Any, ...]
Error = tuple[Path, str]

EVENTS = ("message", "edit", "name")
MATCH_ON = ("raw", "normalized", "both")


@dataclass(frozen=True, slots=True)
class Scope:
    """Who and where a rule applies. Channel and role entries are ids or exact names."""

    channels: frozenset[str] = frozenset()
    exclude_channels: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    exclude_categories: frozenset[str] = frozenset()
    exempt_roles: frozenset[str] = frozenset()
    required_roles: frozenset[str] = frozenset()
    account_younger_than: int | None = None  # seconds; None: any account
    joined_within: int | None = None  # seconds; None: any member
    include_bots: bool = False
    include_staff: bool = False


@dataclass(frozen=True, slots=True)
class Window:
    """``amount`` events within ``window`` seconds."""

    amount: int
    window: int


@dataclass(frozen=True, slots=True)
class Triggers:
    """Everything that can make a rule fire; any one trigger is enough."""

    words: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    regex_on: str = "both"
    invites: bool = False
    invites_allow: frozenset[str] = frozenset()
    links_deny: tuple[str, ...] = ()
    links_allow: tuple[str, ...] = ()
    links_any: bool = False  # every link not allowed fires (allow-list mode)
    mentions_max: int | None = None
    mentions_window: Window | None = None
    rate: Window | None = None
    duplicates: Window | None = None
    duplicates_across_channels: bool = True
    caps_ratio: float | None = None
    caps_min_letters: int = 10
    emoji_max: int | None = None
    lines_max: int | None = None
    attachments_max: int | None = None
    attachments_extensions: frozenset[str] = frozenset()
    zalgo_marks: int | None = None

    @property
    def stateful(self) -> bool:
        """True when the trigger keeps per-member history (rate, duplicates, mention windows)."""
        return bool(self.rate or self.duplicates or self.mentions_window)


@dataclass(frozen=True, slots=True)
class Rule:
    """One named rule of a guild's policy."""

    name: str
    triggers: Triggers
    scope: Scope = field(default_factory=Scope)
    actions: tuple[Action, ...] = ()
    points: int = 0
    mode: str = "enforce"  # or "log-only": hits are recorded, nothing is done
    events: frozenset[str] = frozenset({"message", "edit"})
    reason: str | None = None

    @property
    def enforced(self) -> bool:
        """False for a rule in ``log-only`` mode."""
        return self.mode == "enforce"


def _seconds(value: Any, path: Path, errors: list[Error]) -> int | None:
    if value is None:
        return None
    try:
        return parse_seconds(str(value))
    except DurationError as exc:
        errors.append((path, str(exc)))
        return None


def _keys(values: Any) -> frozenset[str]:
    return frozenset(str(v).casefold() for v in (values or ()))


def check_wildcard(word: str) -> str | None:
    """Why a word-list entry is invalid, or None. ``*`` only at the start or end, like AutoMod."""
    core = word.strip()
    if core.startswith("*"):
        core = core[1:]
    if core.endswith("*"):
        core = core[:-1]
    if not core.strip():
        return f"{word!r} matches everything: give at least one letter"
    if "*" in core:
        return f"{word!r}: '*' is allowed only at the start or the end of a word"
    return None


def _window(value: Any, path: Path, errors: list[Error]) -> Window | None:
    if not value:
        return None
    amount = int(value.get("amount", 0))
    seconds = _seconds(value.get("window"), (*path, "window"), errors)
    if amount < 1:
        errors.append(((*path, "amount"), "amount must be at least 1"))
    if seconds is None or amount < 1:
        return None
    return Window(amount, seconds)


def _triggers(raw: dict[str, Any], path: Path, errors: list[Error]) -> Triggers:
    words = tuple(str(w) for w in raw.get("words") or ())
    for i, word in enumerate(words):
        problem = check_wildcard(word)
        if problem:
            errors.append(((*path, "words", i), problem))
    invites = raw.get("invites")
    links = raw.get("links") or {}
    mentions = raw.get("mentions") or {}
    caps = raw.get("caps") or {}
    attachments = raw.get("attachments") or {}
    duplicates = raw.get("duplicates") or {}
    mention_window = None
    if mentions.get("window") is not None:
        mention_window = _window(
            {"amount": mentions.get("max", 0), "window": mentions["window"]},
            (*path, "mentions"),
            errors,
        )
    return Triggers(
        words=words,
        allow=tuple(str(w) for w in raw.get("allow") or ()),
        regex=tuple(str(r) for r in raw.get("regex") or ()),
        regex_on=str(raw.get("regex_on", "both")),
        invites=invites is True or isinstance(invites, dict),  # "invites: {}" is on too
        invites_allow=_keys(invites.get("allow") if isinstance(invites, dict) else ()),
        links_deny=tuple(str(d).casefold().strip(".") for d in links.get("deny") or ()),
        links_allow=tuple(str(d).casefold().strip(".") for d in links.get("allow") or ()),
        links_any=bool(links.get("allow")) or bool(links.get("any", False)),
        mentions_max=None if mention_window or not mentions else mentions.get("max"),
        mentions_window=mention_window,
        rate=_window(raw.get("rate"), (*path, "rate"), errors),
        duplicates=_window(duplicates or None, (*path, "duplicates"), errors),
        duplicates_across_channels=bool(duplicates.get("across_channels", True)),
        caps_ratio=caps.get("ratio"),
        caps_min_letters=int(caps.get("min_letters", 10)),
        emoji_max=(raw.get("emoji") or {}).get("max"),
        lines_max=(raw.get("lines") or {}).get("max"),
        attachments_max=attachments.get("max"),
        attachments_extensions=frozenset(
            str(e).casefold().lstrip(".") for e in attachments.get("extensions") or ()
        ),
        zalgo_marks=(raw.get("zalgo") or {}).get("marks"),
    )


def parse_action(raw: Any, path: Path, errors: list[Error]) -> Action | None:
    """One action: a name (``delete``) or a one-key mapping (``{timeout: 1h}``)."""
    if isinstance(raw, str):
        if raw in SIMPLE_ACTIONS:
            return Action(raw)
        if raw == "timeout":
            return Action("timeout", 3600)
        errors.append((path, f"unknown action {raw!r} (known: {', '.join(ACTION_NAMES)})"))
        return None
    if not isinstance(raw, dict) or len(raw) != 1:
        errors.append((path, "an action is a name or a mapping with one key, like {timeout: 1h}"))
        return None
    ((kind, value),) = raw.items()
    if kind == "timeout":
        seconds = _seconds(value or "1h", path + ("timeout",), errors)
        if seconds is not None and seconds > MAX_TIMEOUT_SECONDS:
            seconds = MAX_TIMEOUT_SECONDS  # capped below Discord's 28-day limit
        return Action("timeout", seconds) if seconds else None
    if kind == "ban":
        value = value or {}
        if not isinstance(value, dict):
            errors.append(((*path, "ban"), "ban takes {purge: 1d, duration: 7d} or nothing"))
            return None
        purge = _seconds(value.get("purge"), (*path, "ban", "purge"), errors) or 0
        if purge > 7 * 86400:
            errors.append(((*path, "ban", "purge"), "Discord purges at most 7d of messages"))
        duration = _seconds(value.get("duration"), (*path, "ban", "duration"), errors)
        return Action("ban", duration, purge=min(purge, 7 * 86400))
    if kind in ("add_role", "remove_role"):
        if value in (None, ""):
            errors.append(((*path, kind), "name the role (id or exact name)"))
            return None
        return Action(kind, role=str(value))
    errors.append((path, f"unknown action {kind!r} (known: {', '.join(ACTION_NAMES)})"))
    return None


ACTION_NAMES = (*SIMPLE_ACTIONS, "timeout", "add_role", "remove_role")


def _scope(raw: dict[str, Any], path: Path, errors: list[Error]) -> Scope:
    return Scope(
        channels=_keys(raw.get("channels")),
        exclude_channels=_keys(raw.get("exclude_channels")),
        categories=_keys(raw.get("categories")),
        exclude_categories=_keys(raw.get("exclude_categories")),
        exempt_roles=_keys(raw.get("exempt_roles")),
        required_roles=_keys(raw.get("required_roles")),
        account_younger_than=_seconds(
            raw.get("account_younger_than"), (*path, "account_younger_than"), errors
        ),
        joined_within=_seconds(raw.get("joined_within"), (*path, "joined_within"), errors),
        include_bots=bool(raw.get("include_bots", False)),
        include_staff=bool(raw.get("include_staff", False)),
    )


def parse_rules(section: dict[str, Any]) -> tuple[tuple[Rule, ...], list[Error]]:
    """Parse ``section["rules"]``; every problem is reported with its key path."""
    errors: list[Error] = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(section.get("rules") or ()):
        path: Path = ("rules", index)
        name = str(raw.get("name", f"rule {index + 1}"))
        if name.casefold() in seen:
            errors.append(((*path, "name"), f"two rules are named {name!r}"))
        seen.add(name.casefold())
        triggers = _triggers(raw.get("triggers") or {}, (*path, "triggers"), errors)
        actions = []
        for i, item in enumerate(raw.get("actions") or ()):
            action = parse_action(item, (*path, "actions", i), errors)
            if action:
                actions.append(action)
        events = frozenset(raw.get("events") or ("message", "edit"))
        rules.append(
            Rule(
                name=name,
                triggers=triggers,
                scope=_scope(raw.get("scope") or {}, (*path, "scope"), errors),
                actions=tuple(actions),
                points=int(raw.get("points", 0)),
                mode=str(raw.get("mode", "enforce")),
                events=events,
                reason=raw.get("reason"),
            )
        )
    return tuple(rules), errors
