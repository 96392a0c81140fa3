"""Digest numbers: NPS, trends, periods, schedule, highlights and CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.feedback import digest
from cogs.feedback.models import FeedbackEntry, Poll, Suggestion, SurveyResponse
from cogs.feedback.polls import results

T0 = datetime(2026, 3, 10, 12, tzinfo=UTC)


def entry(i, rating=3, category="product", text="fine", anonymous=False, author=7, when=T0):
    return FeedbackEntry(
        i, 1, category, rating, text, anonymous, None if anonymous else author, when
    )


def suggestion(i, up=0, down=0, text="idea", when=T0):
    return Suggestion(i, 1, 5, text, "open", None, None, None, None, up, down, when, when)


# ---------------------------------------------------------------- NPS


def test_nps_known_values():
    assert digest.nps([]) is None
    assert digest.nps([10, 9, 10]) == 100
    assert digest.nps([0, 6, 3]) == -100
    assert digest.nps([7, 8]) == 0
    assert digest.nps([10, 9, 8, 7, 6]) == 20  # 2 promoters, 1 detractor, 5 answers
    assert digest.nps([10, 0, 8]) == 0


@given(st.lists(st.integers(0, 10), min_size=1))
def test_nps_bounds_and_definition(scores):
    value = digest.nps(scores)
    assert -100 <= value <= 100
    exact = 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
    assert abs(value - exact) <= 0.5


@given(st.lists(st.integers(0, 10), min_size=1))
def test_nps_is_antisymmetric_when_promoters_and_detractors_swap(scores):
    mirrored = [10 if s <= 6 else 0 if s >= 9 else s for s in scores]
    assert digest.nps(mirrored) == -digest.nps(scores)


# ---------------------------------------------------------------- trends


@pytest.mark.parametrize(
    ("current", "previous", "direction"),
    [
        (4.0, 3.0, "up"),
        (3.0, 4.0, "down"),
        (4.0, 3.98, "flat"),
        (4.0, None, "new"),
        (None, 3.0, "none"),
    ],
)
def test_trend_direction(current, previous, direction):
    assert digest.Trend(current, previous).direction == direction


@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=50),
    st.lists(st.integers(1, 5), min_size=1, max_size=50),
)
def test_trend_delta_is_difference_of_means(now, before):
    trend = digest.Trend(digest.average(now), digest.average(before))
    assert trend.delta == pytest.approx(sum(now) / len(now) - sum(before) / len(before))
    assert (trend.direction == "up") == (trend.delta >= digest.TREND_EPSILON)


# ---------------------------------------------------------------- periods and schedule


def test_week_period_and_previous():
    start, end = digest.period_bounds("week", T0)
    assert end - start == timedelta(days=7)
    assert digest.previous_bounds("week", start) == (start - timedelta(days=7), start)


@pytest.mark.parametrize(
    "before", [datetime(2026, 10, 13, 12, tzinfo=UTC), datetime(2026, 3, 17, 12, tzinfo=UTC)]
)
def test_weekly_digests_across_a_clock_change_cover_every_hour_once(before):
    # Paris changes its clocks on the last Sunday of October and of March: the digest due on
    # the Monday after covers from the previous digest's end, no hour lost or counted twice.
    paris = "Europe/Paris"
    first = digest.next_run("week", before, paris, 0, 9)
    second = digest.next_run("week", first, paris, 0, 9)
    assert digest.period_bounds("week", second, paris) == (first, second)
    start, _ = digest.period_bounds("week", first, paris)
    assert digest.previous_bounds("week", first, paris) == (start, first)


def test_month_period_is_previous_calendar_month_in_guild_zone():
    end = datetime(2026, 3, 1, 8, tzinfo=UTC)  # 09:00 in Paris on the 1st
    start, stop = digest.period_bounds("month", end, "Europe/Paris")
    paris = ZoneInfo("Europe/Paris")
    assert start.astimezone(paris) == datetime(2026, 2, 1, tzinfo=paris)
    assert stop.astimezone(paris) == datetime(2026, 3, 1, tzinfo=paris)
    prev = digest.previous_bounds("month", start, "Europe/Paris")
    assert prev[0].astimezone(paris) == datetime(2026, 1, 1, tzinfo=paris) and prev[1] == start


def test_january_previous_month_is_december():
    start, stop = digest.period_bounds("month", datetime(2026, 1, 15, tzinfo=UTC))
    assert (start.year, start.month, stop.month) == (2025, 12, 1)


MOMENTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)
ZONES = st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"])


@given(MOMENTS, ZONES, st.integers(0, 6), st.integers(0, 23))
def test_next_weekly_run_is_soon_and_on_the_right_local_day(now, tz, weekday, hour):
    due = digest.next_run("week", now, tz, weekday, hour)
    assert now < due <= now + timedelta(days=7, hours=1)
    local = due.astimezone(ZoneInfo(tz))
    assert local.weekday() == weekday


@given(MOMENTS, ZONES, st.integers(0, 23))
def test_next_monthly_run_is_on_the_first(now, tz, hour):
    due = digest.next_run("month", now, tz, 0, hour)
    assert now < due <= now + timedelta(days=32)
    assert due.astimezone(ZoneInfo(tz)).day == 1


# ---------------------------------------------------------------- digest


def test_build_digest_counts_averages_and_highlights():
    now = [
        entry(1, 5, "product", "Love the new release, smooth and fast"),
        entry(2, 1, "events", "The event started an hour late and nobody said why"),
        entry(3, 3, "product", "ok"),
        entry(4, 4, "brand", ""),
    ]
    before = [entry(10, 2), entry(11, 3)]
    digest_ = digest.build_digest(
        "week",
        T0 - timedelta(days=7),
        T0,
        now,
        before,
        [suggestion(1, up=3), suggestion(2, up=9, down=8), suggestion(3)],
        [10, 9, 3],
        [5],
        categories=("product", "community", "events", "brand"),
        top=2,
        comments=2,
    )
    assert digest_.by_category == {"product": 2, "community": 0, "events": 1, "brand": 1}
    assert digest_.rating.current == pytest.approx(3.25)
    assert digest_.rating.direction == "up"
    assert digest_.category_ratings["product"] == 4.0
    assert (digest_.nps, digest_.previous_nps, digest_.nps_answers) == (33, -100, 3)
    assert [s.id for s in digest_.top_suggestions] == [2, 1]
    assert [c.id for c in digest_.comments] == [2, 1]  # strong opinions with substance


def test_notable_comments_spread_over_categories():
    many = [entry(i, 5, "product", "great " * 10) for i in range(5)]
    many.append(entry(9, 4, "events", "nice event overall"))
    chosen = digest.notable_comments(many, 3)
    assert "events" in {c.category for c in chosen}
    assert len(chosen) == 3


def test_nps_scores_pick_only_nps_questions():
    responses = [
        SurveyResponse(1, 1, "q", 5, {"rec": 9, "why": "x", "r": 4}, T0),
        SurveyResponse(2, 1, "q", 6, {"rec": None}, T0),
        SurveyResponse(3, 1, "other", 6, {"rec": 1}, T0),
    ]
    assert digest.nps_scores(responses, {"q": {"rec"}}) == [9]


# ---------------------------------------------------------------- CSV


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, for spreadsheet programs
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_feedback_csv_hides_anonymous_authors_and_neutralises_formulas():
    rows = read(
        digest.feedback_csv(
            [entry(1, text='=HYPERLINK("x")', author=42), entry(2, anonymous=True, text="ça va")]
        )
    )
    assert rows[0][:4] == ["id", "created_at", "category", "rating"]
    assert rows[1][5] == "42" and rows[1][6] == '\'=HYPERLINK("x")'
    assert rows[2][5] == "" and rows[2][6] == "ça va"
    assert rows[1][1] == "2026-03-10T12:00:00+00:00"


@given(st.lists(st.text(max_size=50), min_size=1, max_size=10))
def test_csv_round_trips_any_text(texts):
    entries = [entry(i, text=t) for i, t in enumerate(texts)]
    rows = read(digest.feedback_csv(entries))
    assert len(rows) == len(texts) + 1
    for row, text in zip(rows[1:], texts, strict=True):
        expected = "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
        # the csv module turns a lone \r inside a field back into \r, and \r\n stays \r\n
        assert row[6] == expected


def test_suggestions_poll_and_survey_csv():
    rows = read(digest.suggestions_csv([suggestion(1, up=3, down=1)]))
    assert rows[1][2:6] == ["open", "3", "1", "2"]
    poll = Poll(1, 1, 2, 3, 4, "Day?", ("Mon", "Tue"), False, False, T0, None)
    rows = read(digest.poll_csv(poll, results(list(poll.options), {1: {1}})))
    assert rows[1:] == [["1", "Day?", "Mon", "0", "0.0"], ["1", "Day?", "Tue", "1", "100.0"]]
    rows = read(digest.survey_csv(["a", "b"], [SurveyResponse(1, 1, "s", 9, {"a": 4}, T0)]))
    assert rows[0] == ["response_id", "survey", "created_at", "a", "b"]
    assert rows[1][3:] == ["4", ""]
