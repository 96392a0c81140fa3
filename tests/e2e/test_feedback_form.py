"""Feedback form end to end: modal, thank-you, anonymity, staff replies by DM, own entries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.guild_config import ConfigInvalid

INBOX_CONFIG = "feedback:\n  channels:\n    inbox: feedback\n"


async def _send_form(actor, values, **options):
    opened, reply, _ = await _send_form_record(actor, values, **options)
    return opened, reply


async def _send_form_record(actor, values, **options):
    r = await actor.slash("feedback", **options)
    opened = await r.response()
    assert opened.modal is not None
    submitted = await actor.submit_modal(r, values)
    return opened, await submitted.response(), submitted


async def test_form_stores_entry_thanks_member_and_posts_to_inbox(world):
    await world.set_config(INBOX_CONFIG)
    alice = world.member("alice")
    opened, reply = await _send_form(alice, {"category": "2", "rating": "4", "text": "Great vibe"})
    assert opened.modal["title"] == world.t("feedback.form.title")
    assert reply.ephemeral
    assert reply.content == world.t("feedback.form.thanks", id=1)
    [entry] = await world.bot.get_cog("feedback").store.entries_of(world.guild.id, alice.id)
    assert (entry.category, entry.rating, entry.text, entry.author_id) == (
        "community",
        4,
        "Great vibe",
        alice.id,
    )
    inbox = world.guild.channel("feedback")
    await world.sb.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        where=lambda rec: rec.params.get("channel_id") == str(inbox.id),
    )
    [posted] = world.sb.messages(inbox)
    assert str(alice.id) in str(posted["embeds"][0])
    # the rating reaches the analytics report (a value, never the author)
    r = await world.manager.slash("stats summary", period="7d")
    fields = {
        f["name"]: f["value"] for f in (await r.followups(1, timeout=30))[0].embeds[0]["fields"]
    }
    assert "Feedback rating (1-5): **4.0**" in fields["Community health"]


async def test_startup_arms_digest_timers_without_errors(world):
    await asyncio.wait_for(world.bot.get_cog("feedback").digests_armed.wait(), 5)
    pending = {t.key for t in await world.bot.timers.pending(world.guild.id, "feedback_digest")}
    assert pending == {"week", "month"}
    errors = [r for r in world.logs if r.levelname == "ERROR" and "feedback" in r.name]
    assert errors == []


async def _inbox_messages(world):
    inbox = world.guild.channel("feedback")
    await world.sb.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        where=lambda rec: rec.params.get("channel_id") == str(inbox.id),
    )
    return world.sb.messages(inbox)


async def test_anonymous_entry_never_shows_author_but_reply_reaches_them(world):
    await world.set_config(INBOX_CONFIG)
    alice = world.member("alice")
    opened, reply = await _send_form(
        alice, {"category": "events", "rating": "2", "text": "Too late at night"}, anonymous=True
    )
    assert opened.modal["title"] == world.t("feedback.form.title_anonymous")
    assert reply.content == world.t("feedback.form.thanks_anonymous", id=1)
    [posted] = await _inbox_messages(world)
    assert str(alice.id) not in str(posted) and "alice" not in str(posted)
    assert world.t("feedback.inbox.anonymous") in str(posted["embeds"][0])
    # staff click Reply on the inbox entry and answer in a modal
    click = await world.moderator.click(posted, world.t("feedback.inbox.reply"))
    done = await (
        await world.moderator.submit_modal(click, {"text": "We will move it earlier."})
    ).answer()
    assert done.ephemeral and done.content == world.t("feedback.reply.sent", id=1)
    assert str(alice.id) not in done.content
    [dm] = world.sb.dms(alice.user)
    assert "We will move it earlier." in dm["content"]
    # the anonymous author (and only them) sees it, with the reply, and can delete it
    mine_record = await alice.slash("my-feedback")
    mine = await mine_record.response()
    assert "#1" in mine.content and "We will move it earlier." in mine.content
    other = await (await world.member("bob").slash("my-feedback")).response()
    assert other.content == world.t("feedback.mine.none")
    click = await alice.click(mine_record, world.t("feedback.mine.delete", id=1))
    deleted = await click.response()
    assert deleted.content == world.t("feedback.mine.deleted", id=1)
    assert await world.bot.get_cog("feedback").store.get_entry(world.guild.id, 1) is None


async def test_members_cannot_reply_or_delete_others_entries(world):
    await world.set_config(INBOX_CONFIG)
    alice, bob = world.member("alice"), world.member("bob")
    await _send_form(alice, {"category": "1", "rating": "5", "text": "Nice"}, anonymous=True)
    [posted] = await _inbox_messages(world)
    refused = await (await bob.click(posted, world.t("feedback.inbox.reply"))).response()
    assert refused.content == world.t("errors.not_moderator")
    mine = await alice.slash("my-feedback")
    await mine.response()
    stolen = await (await bob.click(mine, world.t("feedback.mine.delete", id=1))).response()
    assert stolen.content == world.t("feedback.mine.not_yours")
    assert await world.bot.get_cog("feedback").store.get_entry(world.guild.id, 1) is not None


async def test_bad_rating_or_category_keeps_what_was_typed(world):
    alice = world.member("alice")
    typed = {"category": "9", "rating": "7", "text": "Long thoughts I do not want to lose"}
    _, reply, record = await _send_form_record(alice, typed)
    assert reply.ephemeral
    assert reply.content == world.t("feedback.form.bad_category", count=4)
    store = world.bot.get_cog("feedback").store
    assert await store.entries_of(world.guild.id, alice.id) == []
    retry = await alice.click(record, world.t("feedback.form.retry"))
    reopened = await retry.response()
    assert typed["text"] in str(reopened.modal)  # the text comes back as the input's value
    fixed = await alice.submit_modal(retry, {**typed, "category": "1", "rating": "x"})
    assert (await fixed.response()).content == world.t("feedback.survey.bad_rating", low=1, high=5)
    record = fixed
    again = await alice.click(record, world.t("feedback.form.retry"))
    await again.response()
    done = await alice.submit_modal(again, {**typed, "category": "1", "rating": "4"})
    assert (await done.response()).content == world.t("feedback.form.thanks", id=1)
    [entry] = await store.entries_of(world.guild.id, alice.id)
    assert entry.text == typed["text"]


async def test_text_at_modal_limit_is_kept_whole(world):
    alice = world.member("alice")
    long_text = "é" * 4000
    _, reply = await _send_form(alice, {"category": "brand", "rating": "3", "text": long_text})
    assert reply.content == world.t("feedback.form.thanks", id=1)
    [entry] = await world.bot.get_cog("feedback").store.entries_of(world.guild.id, alice.id)
    assert entry.text == long_text


async def test_reply_to_member_who_left_is_kept_and_said_so(world):
    alice = world.member("alice")
    await _send_form(alice, {"category": "1", "rating": "4", "text": "ok"})
    await alice.leave()
    world.sb.faults.error("POST /channels/{channel_id}/messages", status=403, code=50007, times=1)
    r = await world.moderator.slash("feedback-admin reply", entry=1, text="Thanks!")
    said = await r.answer()
    assert said.ephemeral and said.content == world.t("feedback.reply.kept", id=1)
    replies = await world.bot.get_cog("feedback").store.replies_to(world.guild.id, [1])
    assert [(x.text, x.delivered) for x in replies[1]] == [("Thanks!", False)]


async def test_form_in_french(world):
    await world.set_config("locale: fr\n")
    alice = world.member("alice")
    opened, reply = await _send_form(alice, {"category": "produit", "rating": "5", "text": "Top"})
    assert opened.modal["title"] == world.t("feedback.form.title", locale="fr")
    assert reply.content == world.t("feedback.form.thanks", locale="fr", id=1)


async def test_anonymous_refused_when_the_server_turns_it_off(world):
    await world.set_config("feedback:\n  anonymous_allowed: false\n")
    r = await world.member("alice").slash("feedback", anonymous=True)
    reply = await r.response()
    assert reply.modal is None and reply.ephemeral
    assert reply.content == world.t("feedback.form.anonymous_off")


async def test_feedback_switched_off(world):
    await world.set_config("feedback:\n  enabled: false\n")
    reply = await (await world.member("alice").slash("feedback")).response()
    assert reply.content == world.t("feedback.disabled")


async def _refused(world, document: str) -> str:
    try:
        await world.set_config(document)
    except ConfigInvalid as error:
        return "\n".join(str(e) for e in error.errors)
    raise AssertionError("an invalid feedback section was stored")


async def test_invalid_feedback_config_is_refused_with_its_key_path(world):
    text = await _refused(world, "feedback:\n  polls:\n    default_duration: soon\n")
    assert "feedback.polls.default_duration" in text
    # a semantic error (what the JSON Schema cannot say) also names its key path
    text = await _refused(
        world,
        "feedback:\n  surveys:\n    s:\n      title: S\n      questions:\n"
        "        - {id: a, type: choice, prompt: Pick, options: [One]}\n",
    )
    assert "feedback.surveys.s.questions.0.options" in text
    assert world.bot.configs.get(world.guild.id).version == 0


async def test_longest_reply_reaches_the_author_whole_on_a_long_named_server(make_world):
    world = await make_world(start=False)
    # Discord allows 100 characters in a server name; the DM's header names the server.
    world.sb.world.guilds[world.guild.id].name = "The Very Long Named Community Of Board Game Fans"
    await world.start()
    alice = world.member("alice")
    await _send_form(alice, {"category": "1", "rating": "2", "text": "Too slow " * 30})
    text = "We hear you. " * 138 + "Thank you!"  # 1804 characters: the reply's maximum, 1800
    r = await world.moderator.slash("feedback-admin reply", entry=1, text=text[-1800:])
    assert (await r.answer()).content == world.t("feedback.reply.sent", id=1)
    [dm] = world.sb.dms(alice.user)
    assert dm["content"].endswith(text[-1800:])


async def test_deleting_own_entry_twice_says_it_is_already_gone(world):
    alice = world.member("alice")
    await _send_form(alice, {"category": "1", "rating": "3", "text": "Meh"})
    mine = await alice.slash("my-feedback")
    await mine.response()
    label = world.t("feedback.mine.delete", id=1)
    first = await (await alice.click(mine, label)).response()
    assert first.content == world.t("feedback.mine.deleted", id=1)
    # the list is still on screen: a second click (or a double click) on her own entry
    again = await (await alice.click(mine, label)).response()
    assert again.ephemeral and again.content == world.t("feedback.mine.already_deleted", id=1)


async def test_inbox_shows_feedback_with_its_line_breaks(world):
    await world.set_config(INBOX_CONFIG)
    text = "Three things:\n1. the rules are hard to find\n2. events start late\n\nThanks!"
    await _send_form(world.member("alice"), {"category": "1", "rating": "3", "text": text})
    [posted] = await _inbox_messages(world)
    assert posted["embeds"][0]["description"] == text


async def test_my_feedback_lists_whole_entries_only_with_their_delete_buttons(world):
    alice = world.member("alice")
    store = world.bot.get_cog("feedback").store
    now = datetime.now(UTC)
    for _ in range(10):
        entry = await store.add_entry(world.guild.id, alice.id, "product", 3, "x" * 300, False, now)
        await store.add_reply(world.guild.id, entry.id, world.moderator.id, "y" * 300, True, now)
    r = await alice.slash("my-feedback")
    mine = await r.response()
    assert len(mine.content) <= 2000
    buttons = [c["label"] for row in mine.components for c in row["components"]]
    assert buttons  # the newest entries at least
    for label in buttons:
        entry_id = int(label.rsplit("#", 1)[1])
        assert f"**#{entry_id}**" in mine.content  # no button for an entry cut off the list
