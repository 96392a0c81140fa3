"""Pure text helpers for the admin cog: diffs, chunking, sizes, JSON dumps.

No discord import here, so it is unit-tested on its own.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from bot.yaml_lines import SAFE_LOADER

# Discord refuses message content over 2000 characters; code fences and a header line
# need a little room, so pages are cut well below that.
PAGE_CHARS = 1800
# Past this many pages a reader is better served by a file than by a wall of messages.
MAX_INLINE_PAGES = 1


def dump_yaml(data: Mapping[str, Any]) -> str:
    """YAML a person can read: keys in document order, unicode kept, block style."""
    if not data:
        return "{}\n"
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, default_flow_style=False)


def uses_aliases(text: str) -> bool:
    """True when the YAML text refers to an anchor (``*name``).

    The core's validator walks the document once per reference, so a few nested aliases
    (a 700-byte "billion laughs") would freeze the whole bot. Scanning tokens is linear.
    Text that is not YAML gives False: the validator reports it with its line.
    """
    try:
        return any(isinstance(token, yaml.AliasToken) for token in yaml.scan(text, SAFE_LOADER))
    except yaml.YAMLError:
        return False


def unified_diff(old: str, new: str, *, old_name: str, new_name: str) -> str:
    """A unified diff of two YAML documents, or '' when they are the same text."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=False),
        new.splitlines(keepends=False),
        fromfile=old_name,
        tofile=new_name,
        lineterm="",
        n=2,
    )
    return "\n".join(lines)


def semantic_equal(old: str, new: str) -> bool:
    """True when two YAML texts load to the same data (comments and layout aside)."""
    try:
        return (yaml.safe_load(old) or {}) == (yaml.safe_load(new) or {})
    except yaml.YAMLError:
        return False


def paginate(text: str, limit: int = PAGE_CHARS) -> list[str]:
    """Cut ``text`` into pages of at most ``limit`` characters, on line boundaries.

    A single line longer than ``limit`` is cut hard, so no page ever exceeds the limit.
    """
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.splitlines():
        while len(line) > limit:
            if current:
                pages.append("\n".join(current))
                current, size = [], 0
            pages.append(line[:limit])
            line = line[limit:]
        extra = len(line) + (1 if current else 0)
        if size + extra > limit and current:
            pages.append("\n".join(current))
            current, size = [], 0
            extra = len(line)
        current.append(line)
        size += extra
    if current or not pages:
        pages.append("\n".join(current))
    return pages


def code_block(text: str, lang: str = "yaml") -> str:
    """Wrap ``text`` in a fenced block; backticks inside cannot close the fence early."""
    safe = text.replace("```", "`\u200b``")
    return f"```{lang}\n{safe}\n```"


def human_bytes(size: int) -> str:
    """1536 -> '1.5 KiB'; units are binary because that is what file managers show."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def human_uptime(seconds: float) -> str:
    """3725 -> '1h 2m 5s'; days shown when relevant, zero parts omitted."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours or days:
        parts.append(f"{hours}h")
    if minutes or hours or days:
        parts.append(f"{minutes}m")
    parts.append(f"{secs}s")
    return " ".join(parts)


def json_dump(data: Any) -> bytes:
    """Stable, readable JSON for data exports; non-JSON values (datetimes) become strings."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str).encode()


def bullet_lines(items: Iterable[str], limit: int = PAGE_CHARS) -> str:
    """Lines prefixed with '- ', truncated with an ellipsis line when over ``limit``."""
    out: list[str] = []
    size = 0
    for item in items:
        line = f"- {item}"
        if size + len(line) + 1 > limit:
            out.append("- …")
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)
