"""Ticket figures: counts, nearest-rank median and p90, breaches, satisfaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers_complaints import T0
from hypothesis import given
from hypothesis import strategies as st

from cogs.complaints.stats import TicketFacts, compute, percentile

H = timedelta(hours=1)
END = T0 + timedelta(days=7)


def test_percentile_nearest_rank() -> None:
    assert percentile([5.0], 90) == 5.0
    assert percentile(list(map(float, range(1, 11))), 90) == 9.0
    assert percentile(list(map(float, range(1, 11))), 50) == 5.0
    assert percentile([3.0, 1.0, 2.0], 100) == 3.0
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 0)


def test_compute_over_a_week() -> None:
    facts = [
        TicketFacts(T0, T0 + H, T0 + 10 * H, (T0 + 9 * H,), rating=5),
        TicketFacts(T0 + H, T0 + 3 * H, T0 + 25 * H, (), rating=3),
        TicketFacts(T0 + 2 * H, None, None, (T0 + 10 * H, T0 + 80 * H)),
        TicketFacts(T0 + 3 * H, T0 + 4 * H, T0 + 30 * H, ()),
        # Opened before the period, closed inside it.
        TicketFacts(T0 - 50 * H, T0 - 49 * H, T0 + 5 * H, (T0 - 2 * H,), rating=1),
        # Entirely after the period.
        TicketFacts(END, END + H, END + 2 * H, (END,), rating=2),
    ]
    s = compute(facts, T0, END)
    assert (s.opened, s.closed, s.breaches) == (4, 4, 3)
    # First responses of tickets opened in the period: 1h, 2h, 1h.
    assert s.first_response_median == H and s.first_response_p90 == 2 * H
    # Resolutions of tickets closed in the period: 10h, 24h, 27h, 55h.
    assert s.resolution_median == timedelta(hours=25.5)
    assert s.resolution_p90 == 55 * H
    assert (s.ratings, s.rating_average, s.rating_histogram) == (3, 3.0, {1: 1, 3: 1, 5: 1})
    event = s.as_event()
    assert event["opened"] == 4 and event["first_response_p90_s"] == 7200.0


def test_empty_period() -> None:
    s = compute([], T0, END)
    assert (s.opened, s.closed, s.first_response_median, s.rating_average) == (0, 0, None, None)
    assert s.as_event()["resolution_p90_s"] is None


@given(st.lists(st.floats(min_value=0, max_value=1e7, allow_nan=False), min_size=1, max_size=200))
def test_p90_is_a_sample_at_least_the_lower_median(values: list[float]) -> None:
    p90 = percentile(values, 90)
    assert p90 in values
    assert p90 >= percentile(values, 50)
    assert sum(v <= p90 for v in values) >= 0.9 * len(values)
