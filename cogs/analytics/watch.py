"""Reputation watch: which new items of RSS/Atom feeds mention the brand.

Pure logic: no discord import, no network. The cog fetches feed bytes over HTTP and keeps the
keys of items already posted; this module parses, matches and names each item.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import feedparser


@dataclass(frozen=True)
class FeedItem:
    key: str  # stable identity across restarts: the entry id, else its link, else its text
    title: str
    link: str
    summary: str
    feed_title: str


@dataclass(frozen=True)
class Mention:
    item: FeedItem
    keywords: tuple[str, ...]


def fold(text: str) -> str:
    """Casefolded text without accents, so "Vigié" and "VIGIE" meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_TAGS = re.compile(r"<[^>]+>")


def parse_feed(content: bytes) -> list[FeedItem]:
    """Items of an RSS or Atom document; a malformed document yields what could be read."""
    parsed = feedparser.parse(content)
    feed_title = str(parsed.feed.get("title", ""))
    items = []
    for entry in parsed.entries:
        title = str(entry.get("title", "")).strip()
        link = str(entry.get("link", "")).strip()
        summary = _TAGS.sub(" ", str(entry.get("summary", ""))).strip()
        identity = str(entry.get("id") or link or title + summary)
        key = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
        items.append(FeedItem(key, title, link, summary, feed_title))
    return items


@lru_cache(maxsize=64)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    # Python's \b is Unicode-aware on str patterns, so accented French words match whole.
    alternatives = "|".join(
        re.escape(fold(word)) for word in sorted(keywords, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def mentions(items: Iterable[FeedItem], keywords: Sequence[str]) -> list[Mention]:
    """Items whose title or summary names at least one keyword as a whole word."""
    wanted = tuple(word for word in keywords if word.strip())
    if not wanted:
        return []
    pattern = _keyword_pattern(wanted)
    by_folded = {fold(word): word for word in wanted}
    found = []
    for item in items:
        hits = pattern.findall(fold(f"{item.title}\n{item.summary}"))
        if hits:
            names = tuple(dict.fromkeys(by_folded.get(hit, hit) for hit in hits))
            found.append(Mention(item, names))
    return found
