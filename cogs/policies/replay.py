"""Replay DiscordChatExporter JSON exports through a policy, to tune rules on real history.

Pure logic, no discord import. Exports are streamed with ijson (a C parser), never loaded
whole, and several exports are merged in order of time, so the rate and duplicate windows see
messages as the guild did. The report gives hits per rule, a few examples, the messages per
second sustained, and optionally a CSV with one line per hit for review.
"""

from __future__ import annotations

import csv
import heapq
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import ijson
import yaml

from .engine import Engine, MessageFacts
from .spreadsheet import spreadsheet_safe

DISCORD_EPOCH_MS = 1420070400000
CSV_COLUMNS = (
    "timestamp",
    "channel_id",
    "channel",
    "message_id",
    "author_id",
    "author",
    "rule",
    "trigger",
    "matched",
    "enforced",
    "actions",
    "content",
)


def snowflake_time(snowflake: int) -> float:
    """Creation time (epoch seconds) encoded in a Discord id."""
    return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000.0


def _timestamp(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _header(path: Path, key: str) -> dict[str, Any]:
    # guild and channel come before messages in DiscordChatExporter files: this stops early.
    with path.open("rb") as handle:
        for item in ijson.items(handle, key):
            return item if isinstance(item, dict) else {}
    return {}


@dataclass(frozen=True, slots=True)
class ExportMessage:
    """One message of an export, with the channel it belongs to."""

    at: float
    guild_id: int
    channel_id: int
    channel_name: str
    category_name: str
    raw: dict[str, Any]


def iter_export(path: Path) -> Iterator[ExportMessage]:
    """Stream the messages of one export (guild, channel, messages[]) in file order."""
    guild = _header(path, "guild")
    channel = _header(path, "channel")
    guild_id = int(guild.get("id") or 0)
    channel_id = int(channel.get("id") or 0)
    channel_name = str(channel.get("name") or "")
    category = str(channel.get("category") or "")
    with path.open("rb") as handle:
        for raw in ijson.items(handle, "messages.item", use_float=True):
            stamp = raw.get("timestamp")
            at = _timestamp(stamp) if stamp else snowflake_time(int(raw.get("id") or 0))
            yield ExportMessage(at, guild_id, channel_id, channel_name, category, raw)


def load_config(path: Path) -> tuple[dict[str, Any], frozenset[str]]:
    """The policies section of a guild document (or a bare section) and the staff role keys."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    section = doc.get("policies", doc) if isinstance(doc, dict) else {}
    roles = doc.get("roles") or {} if isinstance(doc, dict) else {}
    staff = frozenset(
        str(r).casefold()
        for r in [*(roles.get("moderators") or ()), *(roles.get("managers") or ())]
    )
    return section, staff


def facts_of(item: ExportMessage, staff: frozenset[str]) -> MessageFacts:
    """MessageFacts for one exported message (account age from the author's id)."""
    raw = item.raw
    author = raw.get("author") or {}
    author_id = int(author.get("id") or 0)
    roles = author.get("roles") or ()
    role_ids = frozenset(int(r["id"]) for r in roles if str(r.get("id", "")).isdigit())
    role_names = frozenset(str(r.get("name", "")) for r in roles)
    keys = {str(r) for r in role_ids} | {n.casefold() for n in role_names}
    content = str(raw.get("content") or "")
    mentions = len(raw.get("mentions") or ())
    if "@everyone" in content or "@here" in content:
        mentions += 1
    return MessageFacts(
        guild_id=item.guild_id,
        channel_id=item.channel_id,
        author_id=author_id,
        content=content,
        created_at=item.at,
        message_id=int(raw.get("id") or 0),
        channel_name=item.channel_name,
        category_name=item.category_name,
        role_ids=role_ids,
        role_names=role_names,
        is_bot=bool(author.get("isBot")),
        is_staff=bool(keys & staff),
        account_created=snowflake_time(author_id) if author_id else None,
        mentions=mentions,
        attachments=tuple(str(a.get("fileName", "")) for a in raw.get("attachments") or ()),
    )


@dataclass
class ReplayReport:
    """What a replay found."""

    messages: int = 0
    seconds: float = 0.0
    hits: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    actions: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        """Messages per second sustained (parsing included)."""
        return self.messages / self.seconds if self.seconds > 0 else 0.0

    def render(self, rules: Mapping[str, str]) -> str:
        """A plain-text summary: hits per rule (with mode), examples, actions, speed."""
        lines = [f"{self.messages} messages in {self.seconds:.2f}s ({self.rate:,.0f} msg/s)"]
        lines.append(f"{'rule':<28} {'mode':<9} {'hits':>7}")
        for name, mode in rules.items():
            lines.append(f"{name:<28} {mode:<9} {self.hits.get(name, 0):>7}")
            for example in self.examples.get(name, ()):
                lines.append(f"    e.g. {example}")
        if self.actions:
            done = ", ".join(f"{k} x{v}" for k, v in sorted(self.actions.items()))
            lines.append(f"actions: {done}")
        return "\n".join(lines)


def replay(
    section: Mapping[str, Any],
    exports: list[Path],
    *,
    staff: frozenset[str] = frozenset(),
    csv_out: IO[str] | None = None,
    examples: int = 3,
) -> ReplayReport:
    """Run the policy over the exports in order of time; nothing is done, everything counted."""
    engine = Engine.from_section(section)
    report = ReplayReport()
    writer = csv.writer(csv_out) if csv_out is not None else None
    if writer:
        writer.writerow(CSV_COLUMNS)
    streams = [iter_export(p) for p in exports]
    started = time.perf_counter()
    for item in heapq.merge(*streams, key=lambda m: m.at):
        report.messages += 1
        facts = facts_of(item, staff)
        verdict = engine.evaluate(facts)
        if not verdict:
            continue
        report.actions.update(verdict.plan.describe())
        author = item.raw.get("author") or {}
        for hit in verdict.hits:
            report.hits[hit.rule] += 1
            if len(report.examples[hit.rule]) < examples:
                report.examples[hit.rule].append(
                    f"{hit.trigger} {hit.matched!r}: {facts.content[:80]!r}"
                )
            if writer:
                row = (
                    datetime.fromtimestamp(item.at).astimezone().isoformat(),
                    item.channel_id,
                    item.channel_name,
                    facts.message_id,
                    facts.author_id,
                    author.get("name", ""),
                    hit.rule,
                    hit.trigger,
                    hit.matched,
                    "yes" if hit.enforced else "log-only",
                    " ".join(verdict.plan.describe()),
                    facts.content[:200],
                )
                writer.writerow([spreadsheet_safe(cell) for cell in row])
    report.seconds = time.perf_counter() - started
    return report
