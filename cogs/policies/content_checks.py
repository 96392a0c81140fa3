"""Per-rule checks for the non-word content triggers, built once per rule.

Pure logic, no discord import. Each check is ``(facts, content, skeleton) -> (trigger, matched)``
or None; a rule gets only the checks it configured, so the hot loop never tests a trigger
that no rule uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .rules import Triggers
from .triggers import caps_ratio, emoji_count, host_in, invite_codes, link_hosts, zalgo

Check = Callable[[Any, str, str], "tuple[str, str] | None"]


def _invites(t: Triggers) -> Check:
    allowed = t.invites_allow

    def check(m: Any, content: str, skeleton: str) -> tuple[str, str] | None:
        if not content:
            return None
        plain, hidden = invite_codes(content, skeleton)
        for code in plain:
            owner = m.known_invites.get(code)
            if code.casefold() in allowed or owner == m.guild_id or str(owner) in allowed:
                continue
            return "invites", code
        return ("invites", "obfuscated invite") if hidden else None

    return check


def _links(t: Triggers) -> Check:
    def check(m: Any, content: str, skeleton: str) -> tuple[str, str] | None:
        for host in link_hosts(content):
            if host_in(host, t.links_deny):
                return "links", host
            if t.links_any and not host_in(host, t.links_allow):
                return "links", host
        return None

    return check


def _mentions(limit: int) -> Check:
    def check(m: Any, content: str, skeleton: str) -> tuple[str, str] | None:
        return ("mentions", str(m.mentions)) if m.mentions > limit else None

    return check


def _caps(ratio_min: float, letters_min: int) -> Check:
    def check(m: Any, content: str, skeleton: str) -> tuple[str, str] | None:
        if len(content) < letters_min:
            return None
        ratio, letters = caps_ratio(content)
        if letters >= letters_min and ratio >= ratio_min:
            return "caps", f"{ratio:.0%}"
        return None

    return check


def _emoji(limit: int) -> Check:
    def check(m: Any, content: str, skeleton: str) -> tuple[str, str] | None:
        count = emoji_count(content)
        return ("emoji", str(count)) if count > limit else None

    return check


def _lines(limit: int) -> Check:
    def check(m: Any, content: str, skeleton: str) -> tuple[str, str] | None:
        lines = content.count("\n") + 1
        return ("lines", str(lines)) if lines > limit else None

    return check


def _attachments(limit: int | None, extensions: frozenset[str]) -> Check:
    def check(m: Any, content: str, skeleton: str) -> tuple[str, str] | None:
        files = m.attachments
        if limit is not None and len(files) > limit:
            return "attachments", str(len(files))
        for name in files:
            ext = name.rsplit(".", 1)[-1].casefold() if "." in name else ""
            if ext in extensions:
                return "attachments", name
        return None

    return check


def _zalgo(marks: int) -> Check:
    def check(m: Any, content: str, skeleton: str) -> tuple[str, str] | None:
        return ("zalgo", content[:20]) if zalgo(content, marks) else None

    return check


def build(t: Triggers) -> tuple[Check, ...]:
    """The checks a rule's triggers need, cheapest first."""
    checks: list[Check] = []
    if t.mentions_max is not None:
        checks.append(_mentions(t.mentions_max))
    if t.attachments_max is not None or t.attachments_extensions:
        checks.append(_attachments(t.attachments_max, t.attachments_extensions))
    if t.lines_max is not None:
        checks.append(_lines(t.lines_max))
    if t.invites:
        checks.append(_invites(t))
    if t.links_deny or t.links_any:
        checks.append(_links(t))
    if t.caps_ratio is not None:
        checks.append(_caps(t.caps_ratio, t.caps_min_letters))
    if t.emoji_max is not None:
        checks.append(_emoji(t.emoji_max))
    if t.zalgo_marks is not None:
        checks.append(_zalgo(t.zalgo_marks))
    return tuple(checks)
