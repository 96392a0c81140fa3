"""Greetings are batched during raid mode or a burst of joins."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cogs.welcome.raid_batching import Decision, GreetingBatcher, split_mentions


def test_calm_joins_are_greeted_one_by_one() -> None:
    batcher = GreetingBatcher(window=10, burst_joins=3)
    assert [batcher.offer(1, uid, now=uid * 20.0) for uid in range(5)] == [Decision.SEND] * 5


def test_burst_opens_one_batch() -> None:
    batcher = GreetingBatcher(window=10, burst_joins=3)
    decisions = [batcher.offer(1, uid, now=uid * 0.1) for uid in range(6)]
    assert decisions == [
        Decision.SEND,
        Decision.SEND,
        Decision.SEND,
        Decision.OPEN_BATCH,
        Decision.BATCHED,
        Decision.BATCHED,
    ]
    assert batcher.drain(1) == ([3, 4, 5], 0)
    assert batcher.drain(1) == ([], 0)


def test_raid_mode_batches_from_the_first_join() -> None:
    batcher = GreetingBatcher(window=10, burst_joins=100)
    batcher.set_raid_mode(1, True)
    assert batcher.raid_mode(1)
    assert batcher.offer(1, 7, now=0) is Decision.OPEN_BATCH
    assert batcher.offer(2, 8, now=0) is Decision.SEND  # other guilds are not affected
    batcher.set_raid_mode(1, False)
    assert not batcher.raid_mode(1)


def test_member_who_left_is_not_greeted() -> None:
    batcher = GreetingBatcher(window=10, burst_joins=0)
    batcher.offer(1, 7, now=0)
    batcher.offer(1, 8, now=0)
    batcher.discard(1, 7)
    batcher.discard(2, 7)
    assert batcher.drain(1) == ([8], 0)


def test_overflow_is_counted() -> None:
    batcher = GreetingBatcher(window=10, burst_joins=0)
    batcher.MAX_PENDING = 2
    for uid in range(5):
        batcher.offer(1, uid, now=0)
    assert batcher.drain(1) == ([0, 1], 3)


def test_split_mentions() -> None:
    assert split_mentions([1, 2, 3], 2) == (["<@1>", "<@2>"], 1)
    assert split_mentions([1], 0) == ([], 1)


@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), max_size=200))
def test_at_most_burst_sends_per_window_and_no_member_lost(gaps: list[float]) -> None:
    window, burst = 10.0, 5
    batcher = GreetingBatcher(window=window, burst_joins=burst)
    now = 0.0
    sent: list[float] = []
    batched: list[int] = []
    flush_due: float | None = None
    for uid, gap in enumerate(gaps):
        now += gap
        if flush_due is not None and now >= flush_due:
            batched += batcher.drain(1)[0]
            flush_due = None
        decision = batcher.offer(1, uid, now)
        if decision is Decision.SEND:
            sent.append(now)
        elif decision is Decision.OPEN_BATCH:
            flush_due = now + window
    batched += batcher.drain(1)[0]
    assert len(sent) + len(batched) == len(gaps)
    for t in sent:
        assert sum(1 for other in sent if t - window < other <= t) <= burst
