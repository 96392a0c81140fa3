from hypothesis import given
from hypothesis import strategies as st

from cogs.analytics.collector import ActivityCollector

T0 = 1_764_000_000.0  # a fixed moment, on an hour boundary plus some seconds


def ms(seconds: float) -> int:
    """A message's time as the hot path hands it over: Unix milliseconds."""
    return int(seconds * 1000)


def test_counts_messages_per_channel_hour_and_active_users():
    collector = ActivityCollector()
    collector.record_message(1, 10, 100, ms(T0))
    collector.record_message(1, 10, 100, ms(T0 + 5))
    collector.record_message(1, 11, 101, ms(T0 + 3600))
    collector.record_reaction(1, 10, T0)
    collector.record_command(1, "stats", T0)
    batch = collector.drain()
    hourly = {(g, c): (m, r) for g, h, c, m, r in batch.hourly_rows()}
    assert hourly == {(1, 10): (2, 1), (1, 11): (1, 0)}
    assert sorted(n for *_, n in batch.active_rows()) == [1, 2]
    assert batch.command_rows()[0][2:] == ("stats", 1)
    assert not collector.drain()


def test_a_message_counts_in_the_hour_of_its_millisecond():
    collector = ActivityCollector()
    hour = int(T0) - int(T0) % 3600
    collector.record_message(1, 10, 100, hour * 1000 - 1)  # the previous hour's last ms
    collector.record_message(1, 10, 100, hour * 1000)
    collector.record_message(1, 10, 100, (hour + 3599) * 1000 + 999)
    hourly = {h: m for _, h, _, m, _ in collector.drain().hourly_rows()}
    assert hourly == {hour - 3600: 1, hour: 2}


def test_failed_write_is_restored_and_nothing_is_lost():
    collector = ActivityCollector()
    collector.record_message(1, 10, 100, ms(T0))
    failed = collector.drain()
    collector.record_message(1, 10, 100, ms(T0))
    collector.restore(failed)
    assert collector.drain().hourly_rows()[0][3] == 2


def test_forget_guild_drops_only_that_guild():
    collector = ActivityCollector()
    collector.record_message(1, 10, 100, ms(T0))
    collector.record_message(2, 20, 200, ms(T0))
    collector.forget_guild(1)
    assert {row[0] for row in collector.drain().hourly_rows()} == {2}


@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 9), st.floats(0, 7 * 86400)),
        max_size=200,
    )
)
def test_totals_are_preserved(events):
    collector = ActivityCollector()
    for guild, channel, user, offset in events:
        collector.record_message(guild, channel, user, ms(T0 + offset))
    batch = collector.drain()
    assert sum(row[3] for row in batch.hourly_rows()) == len(events)
    assert sum(row[3] for row in batch.active_rows()) == len(events)


def test_forget_user_drops_only_that_members_pending_rows():
    collector = ActivityCollector()
    collector.record_message(1, 10, 100, ms(T0))
    collector.record_message(1, 10, 101, ms(T0))
    collector.record_message(2, 20, 100, ms(T0))
    collector.record_member(1, 100, "join", T0)
    collector.record_event(1, "case", T0, user_id=100)
    collector.record_event(1, "nps", T0, value=9)
    assert collector.forget_user(1, 100) == 3
    batch = collector.drain()
    assert sorted((g, u) for g, _, u, _ in batch.active_rows()) == [(1, 101), (2, 100)]
    assert batch.members == [] and [e[1] for e in batch.events] == ["nps"]
    # the hourly counts carry no identity and stay whole
    assert sum(row[3] for row in batch.hourly_rows()) == 3
