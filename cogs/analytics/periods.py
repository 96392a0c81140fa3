"""Reporting periods in a server's timezone: a day, a week, a month, and the one before.

Pure logic: no discord import. Periods are half-open ``[start, end)`` in UTC, computed from
local calendar boundaries so a monthly report covers the month as the community lives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_LAST_N_DAYS = re.compile(r"^(\d{1,3})d$")


class PeriodError(ValueError):
    """The text does not name a period; the message is a catalogue key."""


@dataclass(frozen=True)
class Period:
    """A half-open interval ``[start, end)`` in UTC with the label shown to managers."""

    start: datetime
    end: datetime
    label: str

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("period bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("period must not be empty")

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> Period:
        """The period of the same kind just before this one (same length for day counts)."""
        if _MONTH.match(self.label):
            year, month = (int(part) for part in self.label.split("-"))
            tz = _zone_of(self.start.tzinfo)
            before = month_period(year - (month == 1), (month - 2) % 12 + 1, tz)
            if self.end == month_period(year, month, tz).end:
                return before
            # A month so far compares with the same stretch of the month before.
            elapsed = self.end - self.start
            return Period(before.start, min(before.end, before.start + elapsed), before.label)
        start = self.start - self.length
        # Shown in both languages ("compared with ..."): local dates, not English words.
        return Period(start, self.start, _span(start, self.start))

    def days(self) -> list[date]:
        """Every UTC calendar day the period touches, in order."""
        first = self.start.astimezone(UTC).date()
        last = (self.end - timedelta(microseconds=1)).astimezone(UTC).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _span(start: datetime, end: datetime) -> str:
    """The first and last calendar day of ``[start, end)``, like ``2026-10-25 – 2026-11-23``."""
    first, last = start.date(), (end - timedelta(microseconds=1)).date()
    return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"


def _zone_of(tz: object) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo("UTC")


def month_period(year: int, month: int, tz: ZoneInfo) -> Period:
    """The calendar month ``year-month`` in ``tz``, expressed in UTC-aware datetimes of ``tz``."""
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return Period(start, end, f"{year:04d}-{month:02d}")


def parse_period(text: str | None, now: datetime, tz: ZoneInfo) -> Period:
    """Read what a manager typed: ``7d``/``30d`` (the last N days), ``week``, ``month``
    (the month so far), ``last-month``, or ``YYYY-MM``. Empty means the last 30 days."""
    local_now = now.astimezone(tz)
    value = (text or "30d").strip().lower()
    if match := _LAST_N_DAYS.match(value):
        days = int(match.group(1))
        if not 1 <= days <= 366:
            raise PeriodError("analytics.period_invalid")
        return Period(local_now - timedelta(days=days), local_now, f"{days}d")
    if value == "week":
        return Period(local_now - timedelta(days=7), local_now, "7d")
    if value == "month":
        period = month_period(local_now.year, local_now.month, tz)
        return Period(period.start, local_now, period.label)
    if value == "last-month":
        this = month_period(local_now.year, local_now.month, tz)
        return this.previous()
    if month := parse_month(value):
        period = month_period(*month, tz)
        if period.start > local_now:
            raise PeriodError("analytics.period_future")
        return period
    raise PeriodError("analytics.period_invalid")


def next_month_start(now: datetime, tz: ZoneInfo) -> datetime:
    """When the next monthly report is due: midnight of the 1st of next month, local time."""
    local = now.astimezone(tz)
    return month_period(local.year, local.month, tz).end


def hour_bucket(timestamp: float) -> int:
    """The UTC hour a Unix time falls in, as a Unix timestamp (the key of hourly aggregates)."""
    seconds = int(timestamp)
    return seconds - seconds % 3600


def parse_month(text: str) -> tuple[int, int] | None:
    """``YYYY-MM`` as (year, month), or None."""
    match = _MONTH.match(text)
    return (int(match.group(1)), int(match.group(2))) if match else None
