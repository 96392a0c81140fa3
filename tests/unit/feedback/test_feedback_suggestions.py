"""Suggestion rules: votes, statuses, sorting."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.feedback import suggestions as sg
from cogs.feedback.schema import STATUSES
from cogs.feedback.suggestions import DOWN, UP, Ranked, SuggestionError


def test_vote_is_changeable_and_withdrawable():
    assert sg.apply_vote(None, UP) == UP
    assert sg.apply_vote(UP, DOWN) == DOWN
    assert sg.apply_vote(DOWN, DOWN) is None


def test_vote_value_must_be_plus_or_minus_one():
    with pytest.raises(SuggestionError):
        sg.apply_vote(None, 2)


@given(st.lists(st.sampled_from([UP, DOWN]), max_size=20))
def test_one_member_counts_at_most_once(clicks):
    vote = None
    for value in clicks:
        vote = sg.apply_vote(vote, value)
    up, down = sg.count_votes([vote] if vote is not None else [])
    assert up + down <= 1


def test_every_status_has_a_distinct_colour_and_emoji():
    assert set(sg.STATUS_COLOURS) == set(STATUSES) == set(sg.STATUS_EMOJI)
    assert len(set(sg.STATUS_COLOURS.values())) == len(STATUSES)


def test_status_change_rules():
    assert sg.check_status_change("open", "approved", "  good   idea ", ["denied"]) == "good idea"
    assert sg.check_status_change("open", "approved", "", ["denied"]) is None
    with pytest.raises(SuggestionError) as caught:
        sg.check_status_change("open", "denied", "  ", ["denied"])
    assert caught.value.key == "suggest.reason_required"
    with pytest.raises(SuggestionError) as caught:
        sg.check_status_change("approved", "approved", "x", [])
    assert caught.value.key == "suggest.same_status"
    with pytest.raises(SuggestionError):
        sg.check_status_change("open", "maybe", "x", [])
    with pytest.raises(SuggestionError):
        sg.check_status_change("open", "approved", "r" * 1001, [])


def test_text_limits():
    assert sg.validate_text("  idea ") == "idea"
    with pytest.raises(SuggestionError):
        sg.validate_text(" ")
    assert sg.validate_text("x" * 2000)
    with pytest.raises(SuggestionError):
        sg.validate_text("x" * 2001)


T0 = datetime(2026, 1, 1, tzinfo=UTC)
ITEMS = [
    Ranked(1, up=10, down=0, created_at=T0),
    Ranked(2, up=6, down=5, created_at=T0 + timedelta(days=1)),
    Ranked(3, up=3, down=0, created_at=T0 + timedelta(days=2)),
]


def test_sorts():
    assert [r.id for r in sg.sort_suggestions(ITEMS, "top")] == [1, 3, 2]
    assert [r.id for r in sg.sort_suggestions(ITEMS, "new")] == [3, 2, 1]
    assert [r.id for r in sg.sort_suggestions(ITEMS, "old")] == [1, 2, 3]
    assert sg.sort_suggestions(ITEMS, "controversial")[0].id == 2
    with pytest.raises(SuggestionError):
        sg.sort_suggestions(ITEMS, "random")


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_controversy_is_symmetric_and_zero_without_disagreement(up, down):
    assert sg.controversy(up, down) == sg.controversy(down, up)
    if up == 0 or down == 0:
        assert sg.controversy(up, down) == 0
    else:
        assert 0 < sg.controversy(up, down) <= up + down
