"""Polls end to end: buttons, one ballot per member, closing by timer (also across a restart),
results with a chart, anonymous and multiple-choice polls, a deleted poll message, bad input."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from cogs.feedback.poll_cog import TIMER_KIND


async def _poll(world, actor=None, **options):
    actor = actor or world.moderator
    # "options" is also the sandbox's keyword for a dict of options, so pass them that way
    r = await actor.slash("poll", in_channel="general", options=options)
    return r, await r.response()


async def _results(world):
    """The results message (it carries the chart), waited for as the bot posts it."""
    return await world.sb.wait_for_message(
        world.guild.channel("general"),
        timeout=10,
        where=lambda m: bool(m.get("attachments")) and bool(m.get("embeds")),
    )


async def _close_now(world, poll_id: int) -> None:
    """Bring the poll's own close timer forward (same path as when it falls due)."""
    await world.bot.timers.schedule(
        world.guild.id, TIMER_KIND, datetime.now(UTC), {"poll_id": poll_id}, key=str(poll_id)
    )


async def _vote(actor, record, label):
    click = await actor.click(record, label)
    return await click.response()


async def test_poll_votes_and_results_with_chart(world):
    r, posted = await _poll(world, question="Best day?", options="Mon; Tue; Wed", duration="1h")
    assert not posted.ephemeral and posted.embeds[0]["title"] == "Best day?"
    alice, bob, carol = world.member("alice"), world.member("bob"), world.member("carol")
    assert (await _vote(alice, r, "1. Mon")).content == world.t(
        "feedback.poll.voted", options="Mon"
    )
    await _vote(bob, r, "2. Tue")
    await _vote(carol, r, "2. Tue")
    # single choice: alice moves her vote, then carol withdraws hers
    assert (await _vote(alice, r, "2. Tue")).content == world.t(
        "feedback.poll.voted", options="Tue"
    )
    assert (await _vote(carol, r, "2. Tue")).content == world.t("feedback.poll.vote_withdrawn")
    await _close_now(world, 1)
    message = await _results(world)
    assert message["attachments"][0]["filename"] == "poll.png"
    embed = message["embeds"][0]
    assert embed["title"] == world.t("feedback.poll.results_title", question="Best day?")
    assert "**Tue** 🏆" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields[world.t("feedback.poll.voters")] == "2"
    assert alice.mention in fields["Tue"] and bob.mention in fields["Tue"]
    poll = await world.bot.get_cog("feedback").store.get_poll(world.guild.id, 1)
    assert poll.closed_at is not None
    # the buttons are removed from the closed poll
    await world.sb.wait_for_request(
        "PATCH",
        "/channels/{channel_id}/messages/{message_id}",
        where=lambda rec: rec.params.get("message_id") == str(poll.message_id),
    )
    [original] = [
        m
        for m in world.sb.messages(world.guild.channel("general"))
        if m["id"] == str(poll.message_id)
    ]
    assert not original.get("components")


async def test_anonymous_multiple_choice_results_name_nobody(world):
    r, _ = await _poll(
        world,
        question="Which games?",
        options="Chess | Go | Poker",
        duration="1h",
        multiple=True,
        anonymous=True,
    )
    alice = world.member("alice")
    await _vote(alice, r, "1. Chess")
    reply = await _vote(alice, r, "3. Poker")
    assert reply.content == world.t("feedback.poll.voted", options="Chess, Poker")
    await _close_now(world, 1)
    message = await _results(world)
    assert alice.mention not in str(message) and str(alice.id) not in str(message)
    assert "**Chess** 🏆" in message["embeds"][0]["description"]


async def test_poll_closes_after_a_restart(world):
    r, _ = await _poll(world, question="Restart?", options="Yes; No", duration="1h")
    await _vote(world.member("alice"), r, "1. Yes")
    await world.stop()
    # The hour runs out while Vigie is down: only the stored timer can close the poll now.
    with sqlite3.connect(world.db_path) as db:
        db.execute(
            "UPDATE timers SET due_at = ? WHERE kind = ?",
            (datetime.now(UTC).timestamp(), TIMER_KIND),
        )
    await world.start()
    message = await _results(world)
    assert "**Yes** 🏆" in message["embeds"][0]["description"]
    poll = await world.bot.get_cog("feedback").store.get_poll(world.guild.id, 1)
    assert poll.closed_at is not None


async def test_poll_close_is_scheduled_as_a_persistent_timer(world):
    await _poll(world, question="Later?", options="Yes; No", duration="2h")
    [timer] = await world.bot.timers.pending(world.guild.id, TIMER_KIND)
    assert timer.key == "1" and timer.payload == {"poll_id": 1}


async def test_deleted_poll_message_still_gets_results(world):
    r, _ = await _poll(world, question="Gone?", options="A; B", duration="1h")
    await _vote(world.member("alice"), r, "2. B")
    poll = await world.bot.get_cog("feedback").store.get_poll(world.guild.id, 1)
    await world.owner.delete({"id": str(poll.message_id), "channel_id": str(poll.channel_id)})
    await _close_now(world, 1)
    message = await _results(world)
    assert "**B** 🏆" in message["embeds"][0]["description"]
    errors = [
        rec for rec in world.logs if rec.levelname == "ERROR" and "feedback" in rec.getMessage()
    ]
    assert errors == []


async def test_bad_poll_input_is_explained_and_nothing_is_stored(world):
    cases = [
        ({"options": "only one"}, world.t("feedback.poll.too_few_options", min=2)),
        (
            {"options": ";".join(str(i) for i in range(11))},
            world.t("feedback.poll.too_many_options", max=10, count=11),
        ),
        ({"options": "Yes; yes"}, world.t("feedback.poll.duplicate_options")),
        (
            {"options": "a; b", "duration": "soon"},
            world.t("feedback.poll.bad_duration", value="soon"),
        ),
        ({"options": "a; b", "duration": "5w"}, world.t("feedback.poll.too_long", max="4w")),
    ]
    for options, expected in cases:
        _, reply = await _poll(world, question="Q?", **options)
        assert reply.ephemeral and reply.content == expected
    _, refused = await _poll(world, actor=world.member("alice"), question="Q?", options="a; b")
    assert refused.content == world.t("errors.not_moderator")
    assert await world.bot.get_cog("feedback").store.get_poll(world.guild.id, 1) is None


async def test_poll_in_a_deleted_channel_closes_with_a_mod_log_line(world):
    r = await world.moderator.slash(
        "poll", in_channel="games", options={"question": "Q?", "options": "a; b", "duration": "1h"}
    )
    await r.response()
    await world.bot.get_channel(world.guild.channel("games").id).delete()
    await _close_now(world, 1)
    line = await world.sb.wait_for_message(
        world.guild.channel("modlog"),
        where=lambda m: m["content"] == world.t("feedback.modlog.poll_channel_missing", id=1),
    )
    assert line
    poll = await world.bot.get_cog("feedback").store.get_poll(world.guild.id, 1)
    assert poll.closed_at is not None


def _general(world) -> int:
    return world.guild.channel("general").id


async def test_results_refused_by_channel_permissions_are_reported_and_retried(world):
    await _poll(world, question="Pizza or tacos?", options="Pizza; Tacos", duration="1h")
    # the bot lost Send Messages in the poll's channel: Discord answers 403 Missing Permissions
    world.sb.faults.error("POST /channels/{channel_id}/messages", status=403, code=50013, times=1)
    await _close_now(world, 1)
    told = world.t("feedback.modlog.poll_forbidden", id=1, channel=f"<#{_general(world)}>")
    line = await world.sb.wait_for_message(
        world.guild.channel("modlog"), where=lambda m: m["content"] == told
    )
    assert line
    # still open for the timer's next try, once staff fix the permission
    poll = await world.bot.get_cog("feedback").store.get_poll(world.guild.id, 1)
    assert poll.closed_at is None
