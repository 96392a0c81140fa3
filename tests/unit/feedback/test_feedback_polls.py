"""Poll rules: option parsing, ballots, tallies and results."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.feedback import polls
from cogs.feedback.polls import PollError


def test_parse_options_accepts_semicolons_pipes_and_lines():
    assert polls.parse_options("Red; Green | Blue\nYellow") == ["Red", "Green", "Blue", "Yellow"]


def test_parse_options_drops_blank_items_and_squeezes_spaces():
    assert polls.parse_options(" a  b ;; ;c ") == ["a b", "c"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("only one", "poll.too_few_options"),
        ("", "poll.too_few_options"),
        (";".join(str(i) for i in range(11)), "poll.too_many_options"),
        ("Yes; yes", "poll.duplicate_options"),
        ("a;" + "x" * 81, "poll.option_too_long"),
    ],
)
def test_parse_options_refuses_bad_lists(text, key):
    with pytest.raises(PollError) as caught:
        polls.parse_options(text)
    assert caught.value.key == key


def test_ten_options_of_eighty_characters_are_the_limit():
    items = [f"{i}" + "x" * 79 for i in range(10)]
    assert polls.validate_options(items) == items


def test_question_is_required_and_bounded():
    assert polls.validate_question("  Which   day? ") == "Which day?"
    with pytest.raises(PollError):
        polls.validate_question("   ")
    with pytest.raises(PollError):
        polls.validate_question("q" * 257)


def test_single_choice_moves_and_withdraws():
    ballot = polls.apply_vote(frozenset(), 1, multiple=False, n_options=3)
    assert ballot == {1}
    ballot = polls.apply_vote(ballot, 2, multiple=False, n_options=3)
    assert ballot == {2}
    assert polls.apply_vote(ballot, 2, multiple=False, n_options=3) == frozenset()


def test_multiple_choice_toggles_each_option():
    ballot = polls.apply_vote(frozenset(), 0, multiple=True, n_options=3)
    ballot = polls.apply_vote(ballot, 2, multiple=True, n_options=3)
    assert ballot == {0, 2}
    assert polls.apply_vote(ballot, 0, multiple=True, n_options=3) == {2}


def test_unknown_option_is_refused():
    with pytest.raises(PollError):
        polls.apply_vote(frozenset(), 3, multiple=False, n_options=3)


def test_results_count_voters_and_mark_ties_as_winners():
    res = polls.results(["a", "b", "c"], {1: {0}, 2: {1}, 3: {1, 0}, 4: set()})
    assert [o.votes for o in res.options] == [2, 2, 0]
    assert res.voters == 3  # the empty ballot (withdrawn vote) is no voter
    assert res.total_votes == 4
    assert [o.label for o in res.winners] == ["a", "b"]
    assert res.options[0].percent == pytest.approx(66.7)


def test_no_votes_means_no_winner():
    res = polls.results(["a", "b"], {})
    assert res.winners == ()
    assert all(o.percent == 0 for o in res.options)


def test_bar_is_fixed_width():
    assert polls.bar(0) == "░" * 12
    assert polls.bar(100) == "█" * 12
    assert len(polls.bar(37.5)) == 12


ballots_strategy = st.dictionaries(
    st.integers(1, 50), st.frozensets(st.integers(0, 9), max_size=10), max_size=40
)


@given(ballots_strategy)
def test_tally_sums_to_total_votes(ballots):
    counts = polls.tally(ballots.values(), 10)
    assert sum(counts) == sum(len(b) for b in ballots.values())
    assert all(0 <= c <= len(ballots) for c in counts)


@given(st.lists(st.integers(0, 4), max_size=30))
def test_single_choice_ballot_never_holds_two_options(clicks):
    ballot: frozenset[int] = frozenset()
    for option in clicks:
        ballot = polls.apply_vote(ballot, option, multiple=False, n_options=5)
        assert len(ballot) <= 1


@given(st.lists(st.integers(0, 4), max_size=30))
def test_multiple_choice_ballot_is_the_options_clicked_an_odd_number_of_times(clicks):
    ballot: frozenset[int] = frozenset()
    for option in clicks:
        ballot = polls.apply_vote(ballot, option, multiple=True, n_options=5)
    assert ballot == {o for o in range(5) if clicks.count(o) % 2}
