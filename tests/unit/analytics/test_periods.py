from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.analytics.periods import (
    PeriodError,
    hour_bucket,
    month_period,
    next_month_start,
    parse_period,
)

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)


def test_month_follows_local_midnight():
    period = month_period(2026, 3, PARIS)
    assert period.start.astimezone(UTC) == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    # the end of March is after the switch to summer time (UTC+2)
    assert period.end.astimezone(UTC) == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)
    assert period.label == "2026-03"


def test_december_rolls_over_to_january():
    period = month_period(2025, 12, PARIS)
    assert period.end == datetime(2026, 1, 1, tzinfo=PARIS)
    assert period.previous().label == "2025-11"
    assert month_period(2026, 1, PARIS).previous().label == "2025-12"


def test_parse_forms():
    assert parse_period("7d", NOW, PARIS).length == timedelta(days=7)
    assert parse_period(None, NOW, PARIS).length == timedelta(days=30)
    assert parse_period("2026-10", NOW, PARIS).label == "2026-10"
    assert parse_period("last-month", NOW, PARIS).label == "2026-10"
    so_far = parse_period("month", NOW, PARIS)
    assert so_far.label == "2026-11" and so_far.end == NOW
    # a month so far compares with the same stretch of the month before
    before = so_far.previous()
    assert before.start == month_period(2026, 10, PARIS).start
    assert before.length == so_far.length


def test_a_day_count_compares_with_dates_not_english_words():
    # The label lands in French text too ("Comparé à ..."): it names the local days.
    before = parse_period("7d", NOW, PARIS).previous()
    assert before.label == "2026-11-10 – 2026-11-17"
    assert before.end == NOW - timedelta(days=7)
    assert before.previous().length == timedelta(days=7)


@pytest.mark.parametrize("text", ["", "abc", "0d", "999d", "2026-13", "2027-01", "12-2026"])
def test_parse_rejects(text):
    if text == "":
        return  # empty means the default period
    with pytest.raises(PeriodError):
        parse_period(text, NOW, PARIS)


def test_next_month_start_is_local_first_of_month():
    assert next_month_start(NOW, PARIS) == datetime(2026, 12, 1, tzinfo=PARIS)


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1)))
def test_hour_bucket_is_start_of_hour(moment):
    aware = moment.replace(tzinfo=UTC)
    bucket = hour_bucket(aware.timestamp())
    assert bucket % 3600 == 0
    assert 0 <= aware.timestamp() - bucket < 3600


@given(st.integers(2000, 2090), st.integers(1, 12))
def test_consecutive_months_tile_time(year, month):
    period = month_period(year, month, PARIS)
    following = month_period(year + (month == 12), month % 12 + 1, PARIS)
    assert period.end == following.start
    assert following.previous() == period
