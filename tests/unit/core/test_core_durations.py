"""Durations: parsing, canonical formatting, and the round trip as a property."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.durations import MAX_SECONDS, DurationError, format_duration, is_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("10m", 600),
        ("2h", 7200),
        ("7d", 604800),
        ("1w", 604800),
        ("1h30m", 5400),
        ("1w2d3h4m5s", 788645),
        (" 2H ", 7200),
        ("1h 30m", 5400),
    ],
)
def test_parse_examples(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "text", ["", "10", "m", "10x", "-5m", "0s", "30m1h", "1h1h", "1.5h", "ten minutes"]
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)
    assert not is_duration(text)


def test_is_duration_rejects_non_strings() -> None:
    assert not is_duration(600)
    assert not is_duration(None)


def test_format_is_canonical() -> None:
    assert format_duration(timedelta(minutes=90)) == "1h30m"
    assert format_duration(604800 + 3600) == "1w1h"
    assert format_duration(0) == "0s"


@given(st.integers(min_value=1, max_value=MAX_SECONDS))
def test_parse_format_round_trip(seconds: int) -> None:
    text = format_duration(seconds)
    assert parse_duration(text).total_seconds() == seconds
    assert format_duration(parse_duration(text)) == text


@given(st.lists(st.integers(min_value=0, max_value=99), min_size=5, max_size=5).filter(any))
def test_any_ordered_spelling_round_trips(counts: list[int]) -> None:
    text = "".join(f"{n}{u}" for n, u in zip(counts, "wdhms", strict=True) if n)
    canonical = format_duration(parse_duration(text))
    assert parse_duration(canonical) == parse_duration(text)
    assert format_duration(parse_duration(canonical)) == canonical
