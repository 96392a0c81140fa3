"""Transcripts of a ticket: its ordered history as HTML and as plain text.

Pure logic (no discord import). The history is a list of :class:`Entry` (messages, edits,
deletions, joins and leaves, claims, escalations, notes, statements, the close...). Two
audiences: ``staff`` sees everything; ``member`` never sees internal entries (notes). Every
piece of user text is HTML-escaped, and the page carries no script and no remote resource,
so a transcript opened in a browser cannot run or fetch anything.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

STAFF = "staff"
MEMBER = "member"

# Entry kinds whose text is written by a person (rendered as a message body).
SPOKEN = frozenset({"message", "edit", "note", "statement"})


@dataclass(frozen=True)
class Entry:
    """One event of a ticket's history; ``internal`` entries are for staff only."""

    at: datetime
    kind: str
    author_id: int | None = None
    author_name: str = ""
    text: str = ""
    attachments: tuple[str, ...] = ()
    internal: bool = False
    message_id: int | None = None
    seq: int = 0
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Header:
    """What the transcript is about."""

    guild_name: str
    number: int
    subject: str
    member_name: str
    category: str
    priority: str
    opened_at: datetime
    closed_at: datetime | None = None
    resolution: str | None = None


# Turns an entry into one translated line of description (``claimed by alice``); the cog
# passes one bound to the guild's locale, tests pass a plain one.
Describe = Callable[[Entry], str]


def default_describe(entry: Entry) -> str:
    """English fallback description of an entry, for tests and logs."""
    extra = " ".join(f"{k}={v}" for k, v in sorted(entry.fields.items()))
    return f"{entry.kind} {entry.author_name} {extra}".strip()


def visible(entries: Iterable[Entry], audience: str) -> list[Entry]:
    """Entries the audience may see, in order (time, then sequence)."""
    if audience not in (STAFF, MEMBER):
        raise ValueError(f"unknown audience {audience!r}")
    kept = [e for e in entries if audience == STAFF or not e.internal]
    return sorted(kept, key=lambda e: (e.at, e.seq))


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC")


def _indented(text: str) -> str:
    """Continuation lines of user text, indented: a message cannot forge an entry line."""
    return "\n    ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def render_text(
    header: Header,
    entries: Iterable[Entry],
    audience: str,
    describe: Describe = default_describe,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Plain text transcript; ``labels`` translates the few fixed words of the layout."""
    words = {**_LABELS, **(labels or {})}
    lines = [
        f"{header.guild_name} — {words['ticket']} #{header.number}: {header.subject}",
        f"{words['member']}: {header.member_name} · {words['category']}: {header.category}"
        f" · {words['priority']}: {header.priority}",
        f"{words['opened']}: {_stamp(header.opened_at)}",
    ]
    if header.closed_at is not None:
        lines.append(f"{words['closed']}: {_stamp(header.closed_at)}")
    if header.resolution:
        lines.append(f"{words['resolution']}: {_indented(header.resolution)}")
    lines.append("")
    for entry in visible(entries, audience):
        prefix = f"[{_stamp(entry.at)}]"
        if entry.internal:
            prefix += f" [{words['internal']}]"
        if entry.kind in SPOKEN:
            tag = "" if entry.kind == "message" else f" ({describe(entry)})"
            lines.append(f"{prefix} {entry.author_name}{tag}: {_indented(entry.text)}")
        else:
            said = f": {_indented(entry.text)}" if entry.text else ""
            lines.append(f"{prefix} {describe(entry)}{said}")
        for name in entry.attachments:
            lines.append(f"    [{words['attachment']}] {name}")
    return "\n".join(lines) + "\n"


_LABELS = {
    "ticket": "Ticket",
    "member": "Member",
    "category": "Category",
    "priority": "Priority",
    "opened": "Opened",
    "closed": "Closed",
    "resolution": "Resolution",
    "internal": "internal note",
    "attachment": "attachment",
    "transcript": "Transcript",
}

_STYLE = (
    "body{font-family:sans-serif;max-width:50em;margin:auto;padding:1em;color:#222}"
    "li{margin:.4em 0;list-style:none}.t{color:#777;font-size:.85em}"
    ".ev{color:#555;font-style:italic}.note{background:#fff4d6;border-left:3px solid #e0a800;"
    "padding:.2em .5em}.att{color:#555;font-size:.9em}.body{white-space:pre-wrap}"
)


def render_html(
    header: Header,
    entries: Iterable[Entry],
    audience: str,
    describe: Describe = default_describe,
    labels: Mapping[str, str] | None = None,
    lang: str = "en",
) -> str:
    """A self-contained HTML page; all text is escaped, no script, no external resource."""
    words = {**_LABELS, **(labels or {})}
    esc = html.escape
    title = f"{words['ticket']} #{header.number}: {header.subject}"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(lang)}"><head><meta charset="utf-8">',
        # A CSP in the page itself: even a browser that ignored escaping would run nothing.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{esc(header.guild_name)} — {esc(title)}</h1>",
        "<dl>",
        f"<dt>{esc(words['member'])}</dt><dd>{esc(header.member_name)}</dd>",
        f"<dt>{esc(words['category'])}</dt><dd>{esc(header.category)}</dd>",
        f"<dt>{esc(words['priority'])}</dt><dd>{esc(header.priority)}</dd>",
        f"<dt>{esc(words['opened'])}</dt><dd>{esc(_stamp(header.opened_at))}</dd>",
    ]
    if header.closed_at is not None:
        out.append(f"<dt>{esc(words['closed'])}</dt><dd>{esc(_stamp(header.closed_at))}</dd>")
    if header.resolution:
        out.append(
            f'<dt>{esc(words["resolution"])}</dt><dd class="body">{esc(header.resolution)}</dd>'
        )
    out.append("</dl><ol>")
    for entry in visible(entries, audience):
        css = "note" if entry.internal else ("msg" if entry.kind in SPOKEN else "ev")
        stamp = f'<span class="t">{esc(_stamp(entry.at))}</span> '
        if entry.kind in SPOKEN:
            tag = "" if entry.kind == "message" else f" <em>({esc(describe(entry))})</em>"
            body = (
                f"<strong>{esc(entry.author_name)}</strong>{tag}: "
                f'<span class="body">{esc(entry.text)}</span>'
            )
        else:
            body = esc(describe(entry))
            if entry.text:
                body += f': <span class="body">{esc(entry.text)}</span>'
        atts = "".join(
            f'<div class="att">{esc(words["attachment"])}: {esc(name)}</div>'
            for name in entry.attachments
        )
        out.append(f'<li class="{css}">{stamp}{body}{atts}</li>')
    out.append("</ol></body></html>")
    return "\n".join(out) + "\n"
