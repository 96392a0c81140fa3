"""Poll rules: options, ballots, tallies and results. Pure logic, no discord import.

A ballot is the set of option indexes one member chose. Single-choice polls hold at most one
index per ballot; clicking the chosen option again withdraws the vote, clicking another moves it.
Multiple-choice polls toggle each option independently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .models import KeyedError

MIN_OPTIONS = 2
MAX_OPTIONS = 10
# A button label holds 80 characters at most.
OPTION_MAX = 80
# Embed titles hold 256 characters; the question is the poll's title.
QUESTION_MAX = 256

_SEPARATORS = re.compile(r"\s*(?:;|\||\n)\s*")


class PollError(KeyedError):
    """Invalid poll input; ``key`` is the locale key explaining it, ``fields`` its values."""


def parse_options(text: str) -> list[str]:
    """Split a typed list of options (``a; b; c`` or ``a | b`` or one per line) and check it.

    Blank items are dropped; duplicates (ignoring case and spaces) are refused rather than merged
    because merging would silently change what the author asked.
    """
    items = [item.strip() for item in _SEPARATORS.split(text or "")]
    items = [item for item in items if item]
    return validate_options(items)


def validate_options(items: Iterable[str]) -> list[str]:
    """Return the options unchanged when they make a valid poll, else raise :class:`PollError`."""
    options = [" ".join(item.split()) for item in items]
    if len(options) < MIN_OPTIONS:
        raise PollError("poll.too_few_options", min=MIN_OPTIONS)
    if len(options) > MAX_OPTIONS:
        raise PollError("poll.too_many_options", max=MAX_OPTIONS, count=len(options))
    for option in options:
        if len(option) > OPTION_MAX:
            raise PollError("poll.option_too_long", max=OPTION_MAX, option=option[:40])
    folded = [option.casefold() for option in options]
    if len(set(folded)) != len(folded):
        raise PollError("poll.duplicate_options")
    return options


def validate_question(text: str) -> str:
    """Return the cleaned question, or raise :class:`PollError`."""
    question = " ".join((text or "").split())
    if not question:
        raise PollError("poll.empty_question")
    if len(question) > QUESTION_MAX:
        raise PollError("poll.question_too_long", max=QUESTION_MAX)
    return question


def apply_vote(
    ballot: frozenset[int], option: int, *, multiple: bool, n_options: int
) -> frozenset[int]:
    """Return a member's new ballot after they click ``option``."""
    if not 0 <= option < n_options:
        raise PollError("poll.unknown_option")
    if option in ballot:
        return ballot - {option}
    if multiple:
        return ballot | {option}
    return frozenset({option})


def tally(ballots: Iterable[Iterable[int]], n_options: int) -> list[int]:
    """Votes per option; indexes out of range (an edited poll) are ignored."""
    counts = [0] * n_options
    for ballot in ballots:
        for option in set(ballot):
            if 0 <= option < n_options:
                counts[option] += 1
    return counts


@dataclass(frozen=True)
class OptionResult:
    """One line of a poll's results."""

    index: int
    label: str
    votes: int
    percent: float
    winner: bool


@dataclass(frozen=True)
class PollResults:
    """Results of a poll: per option, the number of voters and whether anyone voted."""

    options: tuple[OptionResult, ...]
    voters: int
    total_votes: int

    @property
    def winners(self) -> tuple[OptionResult, ...]:
        return tuple(option for option in self.options if option.winner)


def results(options: list[str], ballots: Mapping[int, Iterable[int]]) -> PollResults:
    """Compute the results from the ballots of each member (``member_id -> indexes``).

    Percentages are of voters, not of votes, so in a multiple-choice poll they read as
    "share of voters who picked this" and may sum past 100.
    """
    non_empty = [set(b) for b in ballots.values() if set(b)]
    counts = tally(non_empty, len(options))
    voters = len(non_empty)
    top = max(counts) if counts else 0
    rows = tuple(
        OptionResult(
            index=i,
            label=label,
            votes=counts[i],
            percent=round(100.0 * counts[i] / voters, 1) if voters else 0.0,
            winner=top > 0 and counts[i] == top,
        )
        for i, label in enumerate(options)
    )
    return PollResults(options=rows, voters=voters, total_votes=sum(counts))


def bar(percent: float, width: int = 12) -> str:
    """A text bar for embeds (``█████░░░░░░░``), so results read even without the image."""
    filled = round(width * max(0.0, min(100.0, percent)) / 100)
    return "█" * filled + "░" * (width - filled)
