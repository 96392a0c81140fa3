"""Digests for marketing: periods, averages and trends, NPS, highlights, CSV. No discord import.

A digest covers a period ending at a given moment (weekly: the 7 days before it; monthly: the
calendar month before it, in the guild's time zone) and compares it with the period just before.
Digests never name authors: marketing needs what was said, not who said it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .models import FeedbackEntry, Poll, Suggestion, SurveyResponse
from .polls import PollResults

PERIODS: tuple[str, ...] = ("week", "month")
# A change in average rating smaller than this is noise, shown as stable.
TREND_EPSILON = 0.05
COMMENT_MAX = 300


# ---------------------------------------------------------------- periods and schedule


def _month_start(local: datetime) -> datetime:
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _shift_month(local: datetime, months: int) -> datetime:
    index = local.year * 12 + (local.month - 1) + months
    return local.replace(year=index // 12, month=index % 12 + 1)


def period_bounds(period: str, end: datetime, tz: str = "UTC") -> tuple[datetime, datetime]:
    """``(start, end)`` of the period that ends at ``end`` (aware datetimes, UTC).

    ``week``: the 7 days before ``end`` on the guild's clock. ``month``: the month before
    ``end``'s month in the guild's time zone (so a digest sent on the 1st covers exactly the previous month, and an
    on-demand report mid-month covers the last complete month).
    """
    if period == "week":
        # 7 days on the guild's clock: across a clock change the week is 167 or 169 hours,
        # like the gap between two weekly digests, so no hour is lost or counted twice
        zone = ZoneInfo(tz)
        local = end.astimezone(zone).replace(tzinfo=None)
        start = (local - timedelta(days=7)).replace(tzinfo=zone).astimezone(end.tzinfo)
        return start, end
    if period == "month":
        zone = ZoneInfo(tz)
        this_month = _month_start(end.astimezone(zone)).replace(tzinfo=None)
        start_local = _shift_month(this_month, -1)
        start = start_local.replace(tzinfo=zone).astimezone(end.tzinfo)
        stop = this_month.replace(tzinfo=zone).astimezone(end.tzinfo)
        return start, stop
    raise ValueError(f"unknown period {period!r}")


def previous_bounds(period: str, start: datetime, tz: str = "UTC") -> tuple[datetime, datetime]:
    """The period of the same kind just before the one starting at ``start``."""
    return period_bounds(period, start, tz)


def next_run(period: str, now: datetime, tz: str, weekday: int, hour: int) -> datetime:
    """Next time (UTC, strictly after ``now``) a ``period`` digest is due.

    Weekly digests go out on ``weekday`` (0 = Monday) at ``hour`` local time; monthly ones on
    the 1st of the month at ``hour``.
    """
    zone = ZoneInfo(tz)
    local = now.astimezone(zone).replace(tzinfo=None)
    if period == "week":
        candidate = local.replace(hour=hour, minute=0, second=0, microsecond=0)
        candidate += timedelta(days=(weekday - candidate.weekday()) % 7)
        step = timedelta(days=7)
        while candidate.replace(tzinfo=zone) <= now:
            candidate += step
        return candidate.replace(tzinfo=zone).astimezone(now.tzinfo)
    if period == "month":
        candidate = _month_start(local).replace(hour=hour)
        while candidate.replace(tzinfo=zone) <= now:
            candidate = _shift_month(candidate, 1)
        return candidate.replace(tzinfo=zone).astimezone(now.tzinfo)
    raise ValueError(f"unknown period {period!r}")


# ---------------------------------------------------------------- numbers


def average(values: Iterable[float]) -> float | None:
    """Arithmetic mean, ``None`` for no values."""
    items = list(values)
    return sum(items) / len(items) if items else None


@dataclass(frozen=True)
class Trend:
    """An average against the previous period's; ``direction`` is up, down, flat or new."""

    current: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def direction(self) -> str:
        delta = self.delta
        if delta is None:
            return "new" if self.current is not None else "none"
        if delta >= TREND_EPSILON:
            return "up"
        if delta <= -TREND_EPSILON:
            return "down"
        return "flat"


def nps(scores: Iterable[int]) -> int | None:
    """Net Promoter Score: % of 9-10 minus % of 0-6, rounded; ``None`` without answers."""
    items = list(scores)
    if not items:
        return None
    promoters = sum(1 for s in items if s >= 9)
    detractors = sum(1 for s in items if s <= 6)
    # round half away from zero, so +50.5 and -50.5 are treated alike
    value = 100 * (promoters - detractors) / len(items)
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def nps_scores(responses: Iterable[SurveyResponse], nps_ids: dict[str, set[str]]) -> list[int]:
    """Every NPS answer in ``responses``; ``nps_ids`` maps survey name -> ids of NPS questions."""
    scores: list[int] = []
    for response in responses:
        for qid in nps_ids.get(response.survey, ()):
            value = response.answers.get(qid)
            if isinstance(value, int):
                scores.append(value)
    return scores


def notable_comments(entries: Sequence[FeedbackEntry], limit: int) -> list[FeedbackEntry]:
    """Comments worth a marketer's time: strong opinions first, then substance, spread out.

    A 1 or a 5 says more than a 3, and a long text more than "ok"; at most two per category
    on the first pass so one busy category does not fill the list.
    """
    with_text = [e for e in entries if len(e.text.strip()) >= 3]
    ranked = sorted(
        with_text,
        key=lambda e: (abs(e.rating - 3), min(len(e.text), 280), e.created_at, e.id),
        reverse=True,
    )
    chosen: list[FeedbackEntry] = []
    per_category: Counter[str] = Counter()
    for entry in ranked:
        if len(chosen) >= limit:
            break
        if per_category[entry.category] < 2:
            chosen.append(entry)
            per_category[entry.category] += 1
    for entry in ranked:
        if len(chosen) >= limit:
            break
        if entry not in chosen:
            chosen.append(entry)
    return chosen


def top_suggestions(suggestions: Iterable[Suggestion], limit: int) -> list[Suggestion]:
    """Most supported suggestions: votes for, then score, then newest."""
    return sorted(suggestions, key=lambda s: (s.up, s.score, s.created_at, s.id), reverse=True)[
        :limit
    ]


@dataclass(frozen=True)
class Digest:
    """Everything a digest shows, computed once and rendered by the cog."""

    period: str
    start: datetime
    end: datetime
    entries: int
    previous_entries: int
    by_category: dict[str, int]
    rating: Trend
    category_ratings: dict[str, float]
    nps: int | None
    previous_nps: int | None
    nps_answers: int
    top_suggestions: tuple[Suggestion, ...]
    comments: tuple[FeedbackEntry, ...]


def build_digest(
    period: str,
    start: datetime,
    end: datetime,
    entries: Sequence[FeedbackEntry],
    previous: Sequence[FeedbackEntry],
    suggestions: Iterable[Suggestion],
    nps_now: Sequence[int],
    nps_before: Sequence[int],
    *,
    categories: Sequence[str] = (),
    top: int = 5,
    comments: int = 5,
) -> Digest:
    """Assemble a digest from the rows of this period and the previous one."""
    counts = Counter(e.category for e in entries)
    by_category = {c: counts.get(c, 0) for c in categories}
    for category, count in sorted(counts.items()):
        by_category.setdefault(category, count)  # categories since removed from the config
    category_ratings = {
        c: round(sum(e.rating for e in entries if e.category == c) / n, 2)
        for c, n in counts.items()
    }
    return Digest(
        period=period,
        start=start,
        end=end,
        entries=len(entries),
        previous_entries=len(previous),
        by_category=by_category,
        rating=Trend(average(e.rating for e in entries), average(e.rating for e in previous)),
        category_ratings=category_ratings,
        nps=nps(nps_now),
        previous_nps=nps(nps_before),
        nps_answers=len(nps_now),
        top_suggestions=tuple(top_suggestions(suggestions, top)),
        comments=tuple(notable_comments(entries, comments)),
    )


# ---------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if value is None:
        return ""
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV bytes in UTF-8 with a BOM, which spreadsheet programs need to show accents right."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def feedback_csv(entries: Iterable[FeedbackEntry]) -> bytes:
    """Feedback entries; the author column is empty for anonymous ones."""
    return write_csv(
        ("id", "created_at", "category", "rating", "anonymous", "author_id", "text"),
        (
            (e.id, e.created_at, e.category, e.rating, int(e.anonymous), e.author_id, e.text)
            for e in entries
        ),
    )


def suggestions_csv(suggestions: Iterable[Suggestion]) -> bytes:
    """Suggestions with their votes and status."""
    return write_csv(
        ("id", "created_at", "status", "votes_for", "votes_against", "score", "reason", "text"),
        (
            (s.id, s.created_at, s.status, s.up, s.down, s.score, s.reason, s.text)
            for s in suggestions
        ),
    )


def poll_csv(poll: Poll, results: PollResults) -> bytes:
    """A poll's results, one row per option."""
    return write_csv(
        ("poll_id", "question", "option", "votes", "percent_of_voters"),
        ((poll.id, poll.question, o.label, o.votes, o.percent) for o in results.options),
    )


def survey_csv(question_ids: Sequence[str], responses: Iterable[SurveyResponse]) -> bytes:
    """Survey answers, one row per response, one column per question (no member ids)."""
    return write_csv(
        ("response_id", "survey", "created_at", *question_ids),
        (
            (r.id, r.survey, r.created_at, *(r.answers.get(q) for q in question_ids))
            for r in responses
        ),
    )
