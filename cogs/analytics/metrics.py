"""Growth and engagement figures computed from a period's aggregates.

Pure logic: no discord import, no I/O. The store builds a ``PeriodData`` from SQLite for a
period and for the one before; ``overview`` turns the pair into figures with their change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import mean

from .periods import Period, parse_month

FUNNEL_STEPS = ("joined", "accepted_rules", "first_message", "active_7d")


@dataclass(frozen=True)
class Join:
    user_id: int
    at: datetime
    left_at: datetime | None = None  # first leave after this join, whenever it happened


@dataclass(frozen=True)
class PeriodData:
    """Everything the figures of one period are computed from (counts and identifiers only)."""

    period: Period
    members_at_end: int
    joins: Sequence[Join] = ()
    leaves: int = 0
    active_by_day: Mapping[date, frozenset[int]] = field(default_factory=dict)
    messages_by_channel: Mapping[int, int] = field(default_factory=dict)
    messages_by_hour: Mapping[int, int] = field(default_factory=dict)  # unix hour -> messages
    onboarding: Mapping[str, frozenset[int]] = field(default_factory=dict)  # step -> users
    cases: int = 0
    ticket_deadlines: Sequence[bool] = ()  # one per deadline that came due: met or not
    feedback_ratings: Sequence[int] = ()  # 1..5
    nps_scores: Sequence[int] = ()  # 0..10
    game_players: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Figure:
    """One line of a report: the value now, the value before, and the relative change."""

    key: str
    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """Relative change in percent; None when there is nothing to compare with."""
        if self.value is None or self.previous is None or self.previous == 0:
            return None
        return (self.value - self.previous) / abs(self.previous) * 100.0


def nps(scores: Sequence[int]) -> float | None:
    """Net Promoter Score: % of 9-10 minus % of 0-6, from -100 to 100."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return (promoters - detractors) * 100.0 / len(scores)


def distinct_active(data: PeriodData, days: int) -> int:
    """Members active on at least one of the last ``days`` days of the period."""
    last = data.period.days()[-days:]
    users: set[int] = set()
    for day in last:
        users |= data.active_by_day.get(day, frozenset())
    return len(users)


def average_daily_active(data: PeriodData) -> float:
    days = data.period.days()
    return sum(len(data.active_by_day.get(day, ())) for day in days) / len(days)


def retention(data: PeriodData, days: int) -> float | None:
    """Share (%) of the period's newcomers still members ``days`` after joining, among those
    who joined at least ``days`` before the period's end (the others can't be judged yet)."""
    horizon = timedelta(days=days)
    eligible = [join for join in data.joins if join.at + horizon <= data.period.end]
    if not eligible:
        return None
    stayed = sum(
        1 for join in eligible if join.left_at is None or join.left_at >= join.at + horizon
    )
    return stayed * 100.0 / len(eligible)


def funnel(data: PeriodData) -> list[tuple[str, int]]:
    """Newcomers of the period at each onboarding step, each step a subset of the one before."""
    reached = {join.user_id for join in data.joins}
    steps = [("joined", len(reached))]
    for step in FUNNEL_STEPS[1:]:
        reached &= set(data.onboarding.get(step, frozenset()))
        steps.append((step, len(reached)))
    return steps


def top_channels(data: PeriodData, limit: int = 5) -> list[tuple[int, int]]:
    ranked = sorted(data.messages_by_channel.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:limit]


def activity_by_weekday_hour(data: PeriodData) -> list[list[int]]:
    """A 7x24 grid (Monday first, hours of the period's time zone) of messages, for the heatmap."""
    grid = [[0] * 24 for _ in range(7)]
    for hour, count in data.messages_by_hour.items():
        moment = datetime.fromtimestamp(hour, data.period.start.tzinfo)
        grid[moment.weekday()][moment.hour] += count
    return grid


def _figures(data: PeriodData) -> dict[str, float | None]:
    span = len(data.period.days())
    # A calendar month counts as a whole (in a zone off UTC a 31-day month touches 32 UTC
    # days); longer periods take their last 30 days.
    whole = span <= 31 or parse_month(data.period.label) is not None
    mau = distinct_active(data, span if whole else 30)
    dau = average_daily_active(data)
    deadlines = data.ticket_deadlines
    return {
        "members": float(data.members_at_end),
        "joins": float(len(data.joins)),
        "leaves": float(data.leaves),
        "net_growth": float(len(data.joins) - data.leaves),
        "dau": dau,
        "wau": float(distinct_active(data, 7)),
        "mau": float(mau),
        "stickiness": dau * 100.0 / mau if mau else None,
        "messages": float(sum(data.messages_by_channel.values())),
        "retention_7d": retention(data, 7),
        "retention_30d": retention(data, 30),
        "cases": float(data.cases),
        "ticket_deadlines_met": sum(deadlines) * 100.0 / len(deadlines) if deadlines else None,
        "feedback_rating": mean(data.feedback_ratings) if data.feedback_ratings else None,
        "nps": nps(data.nps_scores),
        "game_players": float(len(data.game_players)),
    }


def overview(current: PeriodData, previous: PeriodData | None) -> list[Figure]:
    """Every figure of the current period beside the previous period's value."""
    now = _figures(current)
    before = _figures(previous) if previous is not None else {}
    return [Figure(key, value, before.get(key)) for key, value in now.items()]
