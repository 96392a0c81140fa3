"""Result embeds stay within Discord's limits however many people vote."""

from datetime import UTC, datetime

from cogs.feedback import polls, render
from cogs.feedback.models import Poll


def t(key, **fields):
    return key + " " + " ".join(f"{k}={v}" for k, v in fields.items())


def test_results_embed_of_a_huge_public_poll_fits_in_6000_characters():
    labels = tuple(f"{i}" + "x" * 79 for i in range(10))
    poll = Poll(1, 1, 2, 3, 4, "q" * 256, labels, True, False, datetime.now(UTC), None)
    ballots = {10**18 + n: set(range(10)) for n in range(300)}
    results = polls.results(list(labels), ballots)
    voters = {o: sorted(ballots) for o in range(10)}
    embed = render.results_embed(t, poll, results, voters)
    assert len(embed) <= 6000
    assert len(embed.fields) <= 25
    assert all(0 < len(f.value) <= 1024 for f in embed.fields)


def test_anonymous_results_list_nobody():
    poll = Poll(1, 1, 2, 3, 4, "q", ("a", "b"), False, True, datetime.now(UTC), None)
    results = polls.results(["a", "b"], {42: {0}})
    embed = render.results_embed(t, poll, results, {0: [42]})
    assert "42" not in str(embed.to_dict().get("fields"))
