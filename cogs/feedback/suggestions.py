"""Suggestion rules: votes, statuses, colours and sorting. Pure logic, no discord import.

Each member has at most one vote on a suggestion, +1 (for) or -1 (against). Clicking the same
button again withdraws it; clicking the other one changes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .models import KeyedError
from .schema import STATUSES

UP = 1
DOWN = -1

#: Embed colour of each status; chosen to read on both Discord themes.
STATUS_COLOURS: dict[str, int] = {
    "open": 0x5865F2,  # blurple: new, nobody looked yet
    "under_review": 0xF0B232,  # amber: staff are on it
    "approved": 0x23A55A,  # green
    "denied": 0xDA373C,  # red
    "implemented": 0x1ABC9C,  # teal: done, distinct from approved
}

#: Emoji shown beside a status in lists and embeds.
STATUS_EMOJI: dict[str, str] = {
    "open": "🗳️",
    "under_review": "🔎",
    "approved": "✅",
    "denied": "⛔",
    "implemented": "🚀",
}

SORTS: tuple[str, ...] = ("top", "new", "old", "controversial")

# Embed description limit is 4096; a suggestion also carries status text and a reason.
TEXT_MAX = 2000
REASON_MAX = 1000


class SuggestionError(KeyedError):
    """Invalid suggestion action; ``key`` is the locale key explaining it."""


def apply_vote(current: int | None, value: int) -> int | None:
    """A member's new vote after clicking ``value`` (``None`` means no vote)."""
    if value not in (UP, DOWN):
        raise SuggestionError("suggest.bad_vote")
    return None if current == value else value


def count_votes(votes: Iterable[int]) -> tuple[int, int]:
    """``(for, against)`` from the votes of all members."""
    up = down = 0
    for value in votes:
        if value == UP:
            up += 1
        elif value == DOWN:
            down += 1
    return up, down


def check_status_change(
    current: str, new: str, reason: str | None, reason_required: Iterable[str]
) -> str | None:
    """Validate a status change and return the cleaned reason (``None`` when empty)."""
    if new not in STATUSES:
        raise SuggestionError("suggest.unknown_status", status=new)
    if new == current:
        raise SuggestionError("suggest.same_status")
    cleaned = " ".join((reason or "").split()) or None
    if cleaned is None and new in set(reason_required):
        raise SuggestionError("suggest.reason_required")
    if cleaned is not None and len(cleaned) > REASON_MAX:
        raise SuggestionError("suggest.reason_too_long", max=REASON_MAX)
    return cleaned


def validate_text(text: str) -> str:
    """Return the cleaned suggestion text, or raise."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise SuggestionError("suggest.empty")
    if len(cleaned) > TEXT_MAX:
        raise SuggestionError("suggest.too_long", max=TEXT_MAX)
    return cleaned


@dataclass(frozen=True)
class Ranked:
    """What sorting needs to know about a suggestion."""

    id: int
    up: int
    down: int
    created_at: datetime

    @property
    def score(self) -> int:
        return self.up - self.down


def controversy(up: int, down: int) -> float:
    """High when many people vote and they disagree (Reddit's idea, without the exponent)."""
    if up == 0 or down == 0:
        return 0.0
    balance = min(up, down) / max(up, down)
    return (up + down) * balance


def sort_suggestions(items: Iterable[Ranked], sort: str) -> list[Ranked]:
    """Order suggestions for ``/suggestions list`` (ties broken by newest first, then id)."""
    rows = list(items)
    if sort not in SORTS:
        raise SuggestionError("suggest.unknown_sort", sort=sort)
    if sort == "new":
        return sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    if sort == "old":
        return sorted(rows, key=lambda r: (r.created_at, r.id))
    if sort == "controversial":
        return sorted(
            rows, key=lambda r: (controversy(r.up, r.down), r.created_at, r.id), reverse=True
        )
    return sorted(rows, key=lambda r: (r.score, r.up, r.created_at, r.id), reverse=True)


def vote_summary(votes: Mapping[int, int]) -> tuple[int, int]:
    """``(for, against)`` from ``member_id -> vote``."""
    return count_votes(votes.values())
