"""The feedback store on a real SQLite file: anonymity, votes, polls, surveys, privacy."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import Database
from cogs.feedback.store import FeedbackStore

MIGRATIONS = Path("cogs/feedback/migrations")
G, OTHER_G = 111, 222
ALICE, BOB = 1001, 1002
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path):
    db = await Database.open(tmp_path / "t.db")
    await db.migrate("feedback", MIGRATIONS)
    yield FeedbackStore(db)
    await db.close()


async def test_anonymous_entry_hides_author_from_every_staff_read(store):
    entry = await store.add_entry(G, ALICE, "product", 4, "secret opinion", True, NOW)
    assert entry.anonymous and entry.author_id is None
    raw = await store.db.fetchone("SELECT * FROM feedback_entries WHERE id = ?", (entry.id,))
    assert raw["author_id"] is None
    assert str(ALICE) not in " ".join(str(v) for v in tuple(raw))
    [listed] = await store.entries_between(G, NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert listed.author_id is None
    # the bot alone can still reach the author to deliver a reply
    assert await store.entry_recipient(G, entry.id) == ALICE
    export = await store.export_user(G, ALICE)
    assert export["feedback_entries"] == []


async def test_author_sees_and_deletes_own_entries_others_cannot(store):
    anon = await store.add_entry(G, ALICE, "product", 4, "a", True, NOW)
    named = await store.add_entry(G, ALICE, "events", 2, "b", False, NOW)
    await store.add_entry(G, BOB, "events", 5, "c", False, NOW)
    assert [e.id for e in await store.entries_of(G, ALICE)] == [named.id, anon.id]
    assert await store.entries_of(OTHER_G, ALICE) == []
    assert await store.delete_own_entry(G, BOB, anon.id) is None
    deleted = await store.delete_own_entry(G, ALICE, anon.id)
    assert deleted is not None and deleted.id == anon.id
    assert await store.get_entry(G, anon.id) is None


async def test_replies_are_kept_per_entry(store):
    entry = await store.add_entry(G, ALICE, "product", 4, "a", False, NOW)
    await store.add_reply(G, entry.id, BOB, "thanks!", True, NOW)
    replies = await store.replies_to(G, [entry.id])
    assert [r.text for r in replies[entry.id]] == ["thanks!"]
    assert await store.replies_to(OTHER_G, [entry.id]) == {}


async def test_suggestion_votes_one_per_member_changeable(store):
    s = await store.add_suggestion(G, ALICE, "More events", NOW)
    assert await store.vote_suggestion(G, s.id, BOB, 1, NOW) == 1
    assert await store.vote_suggestion(G, s.id, ALICE, 1, NOW) == 1
    assert await store.vote_suggestion(G, s.id, BOB, -1, NOW) == -1
    s = await store.get_suggestion(G, s.id)
    assert (s.up, s.down) == (1, 1)
    assert await store.vote_suggestion(G, s.id, BOB, -1, NOW) is None
    s = await store.get_suggestion(G, s.id)
    assert (s.up, s.down) == (1, 0)
    assert await store.set_status(G, s.id, "approved", "yes", BOB, NOW, "open")
    # a second moderator who read "open" too changes nothing
    assert not await store.set_status(G, s.id, "denied", "no", ALICE, NOW, "open")
    assert [x.id for x in await store.list_suggestions(G, "approved")] == [s.id]
    assert await store.list_suggestions(G, "denied") == []
    assert await store.get_suggestion(OTHER_G, s.id) is None


async def test_poll_ballots_and_close_once(store):
    poll = await store.add_poll(G, 5, ALICE, "Day?", ["Mon", "Tue", "Wed"], False, False, NOW)
    assert await store.vote_poll(G, poll, BOB, 1, NOW) == {1}
    assert await store.vote_poll(G, poll, BOB, 2, NOW) == {2}
    multi = await store.add_poll(G, 5, ALICE, "Days?", ["Mon", "Tue"], True, True, NOW)
    await store.vote_poll(G, multi, BOB, 0, NOW)
    assert await store.vote_poll(G, multi, BOB, 1, NOW) == {0, 1}
    assert await store.ballots(G, poll.id) == {BOB: {2}}
    # a manager exporting BOB's data sees his public ballot, not the anonymous one
    assert [b["poll_id"] for b in (await store.export_user(G, BOB))["poll_votes"]] == [poll.id]
    assert await store.close_poll(G, poll.id, NOW)
    assert not await store.close_poll(G, poll.id, NOW)
    assert (await store.get_poll(G, poll.id)).closed_at == NOW


async def test_survey_answered_once(store):
    added = await store.add_response(G, "s", ALICE, {"q": 4, "why": "café"}, NOW)
    assert await store.has_answered(G, "s", ALICE)
    assert await store.add_response(G, "s", ALICE, {"q": 5}, NOW) is None
    assert not await store.has_answered(OTHER_G, "s", ALICE)
    [response] = await store.responses_between(G, NOW, NOW + timedelta(seconds=1))
    assert response.answers == {"q": 4, "why": "café"}
    # what add_response hands back is the row as stored, read back or not
    assert added == response


async def test_forget_user_anonymises_everything_and_keeps_counts(store):
    anon = await store.add_entry(G, ALICE, "product", 4, "a", True, NOW)
    named = await store.add_entry(G, ALICE, "product", 2, "b", False, NOW)
    s = await store.add_suggestion(G, ALICE, "idea", NOW)
    await store.vote_suggestion(G, s.id, ALICE, 1, NOW)
    poll = await store.add_poll(G, 5, ALICE, "Day?", ["Mon", "Tue"], False, False, NOW)
    await store.vote_poll(G, poll, ALICE, 0, NOW)
    await store.add_response(G, "s", ALICE, {"q": 4}, NOW)
    before = await store.export_user(G, ALICE)
    assert len(before["feedback_entries"]) == 1 and len(before["suggestion_votes"]) == 1

    changed = await store.forget_user(G, ALICE)
    assert changed == 7
    after = await store.export_user(G, ALICE)
    assert all(not rows for rows in after.values())
    assert await store.entries_of(G, ALICE) == []
    assert await store.entry_recipient(G, anon.id) is None
    assert (await store.get_entry(G, named.id)).author_id is None
    kept = await store.get_suggestion(G, s.id)
    assert kept.author_id is None and kept.up == 1
    assert sum(len(b) for b in (await store.ballots(G, poll.id)).values()) == 1
    assert not await store.has_answered(G, "s", ALICE)


async def test_changed_process_secret_never_unseals_to_a_stranger(store, monkeypatch):
    entry = await store.add_entry(G, ALICE, "product", 4, "a", True, NOW)
    assert await store.entry_recipient(G, entry.id) == ALICE
    monkeypatch.setenv("VIGIE_FEEDBACK_SECRET", "rotated")
    rotated = FeedbackStore(store.db)  # a restart with another secret
    assert await rotated.entry_recipient(G, entry.id) is None
    assert await rotated.entries_of(G, ALICE) == []
