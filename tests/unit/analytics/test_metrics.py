from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cogs.analytics.metrics import (
    Figure,
    Join,
    PeriodData,
    activity_by_weekday_hour,
    funnel,
    nps,
    overview,
    retention,
    top_channels,
)
from cogs.analytics.periods import Period

START = datetime(2026, 10, 1, tzinfo=UTC)
PERIOD = Period(START, START + timedelta(days=31), "2026-10")


def day(n: int):
    return (START + timedelta(days=n)).date()


def test_nps_known_values():
    assert nps([]) is None
    assert nps([10, 9, 8, 7, 0]) == 20.0  # 2 promoters, 1 detractor, 5 answers
    assert nps([0] * 4) == -100.0


@given(st.lists(st.integers(0, 10), min_size=1))
def test_nps_bounds(scores):
    assert -100.0 <= nps(scores) <= 100.0


def test_retention_counts_only_judgeable_newcomers():
    joins = [
        Join(1, START, left_at=START + timedelta(days=2)),  # left before 7 days
        Join(2, START, left_at=START + timedelta(days=10)),  # stayed 7 days, not 30
        Join(3, START + timedelta(days=1)),  # still here
        Join(4, START + timedelta(days=29)),  # joined too late to judge 7 days
    ]
    data = PeriodData(PERIOD, members_at_end=10, joins=joins)
    assert retention(data, 7) == 200 / 3
    assert retention(data, 30) == 100 / 3  # users 1, 2, 3 judgeable: only 3 stayed
    assert retention(PeriodData(PERIOD, 0), 7) is None


def test_funnel_steps_are_nested():
    data = PeriodData(
        PERIOD,
        members_at_end=5,
        joins=[Join(u, START) for u in (1, 2, 3, 4)],
        onboarding={
            "accepted_rules": frozenset({1, 2, 3, 99}),  # 99 joined before the period
            "first_message": frozenset({1, 2, 4}),  # 4 talked without accepting
            "active_7d": frozenset({1}),
        },
    )
    assert funnel(data) == [
        ("joined", 4),
        ("accepted_rules", 3),
        ("first_message", 2),
        ("active_7d", 1),
    ]


def test_overview_figures_and_changes():
    current = PeriodData(
        PERIOD,
        members_at_end=120,
        joins=[Join(u, START) for u in range(30)],
        leaves=10,
        active_by_day={day(0): frozenset({1, 2}), day(30): frozenset({2, 3, 4})},
        messages_by_channel={7: 40, 8: 60},
        cases=4,
        ticket_deadlines=[True, True, False, True],
        feedback_ratings=[4, 5],
        nps_scores=[10, 3],
        game_players=frozenset({1, 2}),
    )
    previous = PeriodData(
        Period(START - timedelta(days=31), START, "2026-09"),
        members_at_end=100,
        joins=[Join(1, START - timedelta(days=3))],
        leaves=0,
        messages_by_channel={7: 50},
    )
    figures = {fig.key: fig for fig in overview(current, previous)}
    assert figures["members"].change == 20.0
    assert figures["net_growth"].value == 20.0
    assert figures["messages"].value == 100.0 and figures["messages"].change == 100.0
    assert figures["mau"].value == 4.0
    assert figures["wau"].value == 3.0
    assert figures["dau"].value == 5 / 31
    assert figures["stickiness"].value == (5 / 31) * 100 / 4
    assert figures["ticket_deadlines_met"].value == 75.0
    assert figures["feedback_rating"].value == 4.5
    assert figures["nps"].value == 0.0
    assert figures["game_players"].value == 2.0
    assert figures["cases"].change is None  # nothing before to compare with


def test_change_of_zero_previous_is_undefined():
    assert Figure("x", 5.0, 0.0).change is None
    assert Figure("x", None, 3.0).change is None
    assert Figure("x", 3.0, 4.0).change == -25.0


def test_top_channels_and_heatmap():
    data = PeriodData(
        PERIOD,
        1,
        messages_by_channel={1: 5, 2: 9, 3: 5},
        messages_by_hour={int(START.timestamp()) + 3600 * 5: 7},
    )
    assert top_channels(data, 2) == [(2, 9), (1, 5)]
    grid = activity_by_weekday_hour(data)
    assert grid[START.weekday()][5] == 7
    assert sum(map(sum, grid)) == 7


def test_a_month_counts_whole_in_any_timezone():
    """A 31-day month in a zone off UTC touches 32 UTC days: the MAU used to keep only the
    last 30 of them, dropping whoever was active only on the month's first day."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from cogs.analytics.periods import month_period

    for zone, first_day in (
        ("America/New_York", date(2026, 3, 1)),
        ("Europe/Paris", date(2026, 3, 1)),
    ):
        march = month_period(2026, 3, ZoneInfo(zone))
        assert len(march.days()) == 32
        data = PeriodData(
            march, 10, active_by_day={first_day: frozenset({1}), date(2026, 3, 20): frozenset({2})}
        )
        figures = {f.key: f.value for f in overview(data, None)}
        assert figures["mau"] == 2.0, zone
    # Longer periods still count their last 30 days.
    long = Period(START, START + timedelta(days=90), "90d")
    data = PeriodData(long, 10, active_by_day={START.date(): frozenset({1})})
    assert {f.key: f.value for f in overview(data, None)}["mau"] == 0.0
