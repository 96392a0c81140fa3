"""Ticket figures for ``/tickets stats`` and the analytics event (pure logic, no discord).

Percentiles use the nearest-rank method (the p90 is a time that really happened, never an
interpolation between two tickets). Within a period ``[start, end)``: *opened* counts tickets
opened in it; first-response times are those of tickets opened in it that got an answer;
*closed*, resolution times and ratings are those of tickets closed in it; breaches are the
breaches that happened in it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median


@dataclass(frozen=True)
class TicketFacts:
    """What the figures need to know about one ticket."""

    opened_at: datetime
    first_response_at: datetime | None = None
    closed_at: datetime | None = None
    breaches: tuple[datetime, ...] = ()
    rating: int | None = None


@dataclass(frozen=True)
class Stats:
    """Figures over one period; durations are None when there is no sample."""

    start: datetime
    end: datetime
    opened: int = 0
    closed: int = 0
    first_response_median: timedelta | None = None
    first_response_p90: timedelta | None = None
    resolution_median: timedelta | None = None
    resolution_p90: timedelta | None = None
    breaches: int = 0
    ratings: int = 0
    rating_average: float | None = None
    rating_histogram: dict[int, int] = field(default_factory=dict)

    def as_event(self) -> dict[str, object]:
        """A JSON-friendly dict (seconds for durations) for ``complaints_stats`` listeners."""

        def secs(value: timedelta | None) -> float | None:
            return None if value is None else value.total_seconds()

        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "opened": self.opened,
            "closed": self.closed,
            "first_response_median_s": secs(self.first_response_median),
            "first_response_p90_s": secs(self.first_response_p90),
            "resolution_median_s": secs(self.resolution_median),
            "resolution_p90_s": secs(self.resolution_p90),
            "breaches": self.breaches,
            "ratings": self.ratings,
            "rating_average": self.rating_average,
        }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile ``q`` in (0, 100] of a non-empty sequence."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < q <= 100:
        raise ValueError("q must be in (0, 100]")
    ordered = sorted(values)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def _spread(values: list[float]) -> tuple[timedelta | None, timedelta | None]:
    if not values:
        return None, None
    return timedelta(seconds=median(values)), timedelta(seconds=percentile(values, 90))


def compute(facts: Iterable[TicketFacts], start: datetime, end: datetime) -> Stats:
    """Figures for tickets over ``[start, end)``."""

    def inside(at: datetime | None) -> bool:
        return at is not None and start <= at < end

    opened = closed = breaches = 0
    first: list[float] = []
    resolution: list[float] = []
    ratings: list[int] = []
    for fact in facts:
        breaches += sum(1 for at in fact.breaches if inside(at))
        if inside(fact.opened_at):
            opened += 1
            if fact.first_response_at is not None:
                first.append((fact.first_response_at - fact.opened_at).total_seconds())
        if inside(fact.closed_at):
            closed += 1
            assert fact.closed_at is not None
            resolution.append((fact.closed_at - fact.opened_at).total_seconds())
            if fact.rating is not None:
                ratings.append(fact.rating)
    fr_median, fr_p90 = _spread(first)
    res_median, res_p90 = _spread(resolution)
    histogram = {score: ratings.count(score) for score in range(1, 6) if score in ratings}
    return Stats(
        start=start,
        end=end,
        opened=opened,
        closed=closed,
        first_response_median=fr_median,
        first_response_p90=fr_p90,
        resolution_median=res_median,
        resolution_p90=res_p90,
        breaches=breaches,
        ratings=len(ratings),
        rating_average=round(sum(ratings) / len(ratings), 2) if ratings else None,
        rating_histogram=histogram,
    )
