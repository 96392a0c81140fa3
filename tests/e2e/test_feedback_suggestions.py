"""Suggestions end to end: posting with votes and a thread, statuses, the list, a lost channel."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from cogs.feedback.suggestions import STATUS_COLOURS

CONFIG = "feedback:\n  channels:\n    suggestions: feedback\n"
POST = "/channels/{channel_id}/messages"


async def _suggest(world, actor, idea):
    """The member's answer: at once for a refusal, else after the post (the command defers)."""
    return await (await actor.slash("suggest", idea=idea)).answer()


def _suggestion_message(world):
    [message] = [m for m in world.sb.messages(world.guild.channel("feedback")) if m.get("embeds")]
    return message


def _fields(message):
    return {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}


async def test_suggestion_posts_embed_with_votes_and_thread(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    reply = await _suggest(world, alice, "A monthly game night")
    assert (
        reply.ephemeral
        and world.t("feedback.suggest.posted", id=1, link="").split(":")[0] in reply.content
    )
    message = _suggestion_message(world)
    embed = message["embeds"][0]
    assert embed["description"] == "A monthly game night"
    assert embed["color"] == STATUS_COLOURS["open"]
    labels = [c["label"] for row in message["components"] for c in row["components"]]
    assert labels == [
        world.t("feedback.suggest.vote_for"),
        world.t("feedback.suggest.vote_against"),
    ]
    suggestion = await world.bot.get_cog("feedback").store.get_suggestion(world.guild.id, 1)
    assert suggestion.thread_id is not None  # the discussion thread exists


async def test_votes_one_per_member_changeable_with_live_counts(world):
    await world.set_config(CONFIG)
    alice, bob, carol = world.member("alice"), world.member("bob"), world.member("carol")
    await _suggest(world, alice, "More voice events")
    message = _suggestion_message(world)
    for actor, label in (
        (bob, "vote_for"),
        (carol, "vote_for"),
        (bob, "vote_for"),
        (bob, "vote_against"),
    ):
        click = await actor.click(message, world.t(f"feedback.suggest.{label}"))
        await click.response()
        await click.followups(1)
        message = _suggestion_message(world)
    counts = _fields(message)[world.t("feedback.suggest.votes")]
    assert counts == world.t("feedback.suggest.counts", up=1, down=1)
    s = await world.bot.get_cog("feedback").store.get_suggestion(world.guild.id, 1)
    assert (s.up, s.down) == (1, 1)


async def test_status_with_reason_recolours_embed_and_tells_author(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    await _suggest(world, alice, "Dark mode for the website")
    # denied needs a reason (config default): refused, nothing changes
    r = await world.moderator.slash("suggestions status", suggestion=1, status="denied")
    assert (await r.response()).content == world.t("feedback.suggest.reason_required")
    r = await world.moderator.slash(
        "suggestions status", suggestion=1, status="approved", reason="Planned for May"
    )
    said = await r.answer()
    assert said.ephemeral and said.content == world.t(
        "feedback.suggest.status_set", id=1, status=world.t("feedback.status.approved")
    )
    await world.sb.wait_for_request("PATCH", "/channels/{channel_id}/messages/{message_id}")
    embed = _suggestion_message(world)["embeds"][0]
    assert embed["color"] == STATUS_COLOURS["approved"]
    fields = _fields(_suggestion_message(world))
    assert fields[world.t("feedback.suggest.reason")] == "Planned for May"
    assert world.t("feedback.status.approved") in fields[world.t("feedback.suggest.status")]
    [dm] = world.sb.dms(alice.user)
    assert "Planned for May" in dm["content"]
    assert world.t("feedback.status.approved") in dm["content"]


async def test_members_cannot_set_status(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    await _suggest(world, alice, "Idea")
    r = await alice.slash("suggestions status", suggestion=1, status="approved", reason="me")
    assert (await r.response()).content == world.t("errors.not_moderator")
    s = await world.bot.get_cog("feedback").store.get_suggestion(world.guild.id, 1)
    assert s.status == "open"


async def test_list_filters_and_sorts(world):
    await world.set_config(CONFIG)
    alice, bob = world.member("alice"), world.member("bob")
    for idea in ("First idea", "Second idea", "Third idea"):
        await _suggest(world, alice, idea)
    store = world.bot.get_cog("feedback").store
    await store.vote_suggestion(world.guild.id, 2, bob.id, 1, datetime.now(UTC))
    r = await world.moderator.slash("suggestions status", suggestion=3, status="under_review")
    await r.answer()
    listed = (await (await bob.slash("suggestions list", sort="top")).response()).content
    assert listed.index("#2") < listed.index("#1")
    reviewed = (
        await (await bob.slash("suggestions list", status="under_review")).response()
    ).content
    assert "#3" in reviewed and "#1" not in reviewed
    empty = (await (await bob.slash("suggestions list", status="implemented")).response()).content
    assert empty == world.t("feedback.suggest.list_empty")


async def test_a_slow_thread_creation_never_loses_the_members_answer(world, monkeypatch):
    await world.set_config(CONFIG)
    # Discord's 3-second answer window, shortened; the thread takes longer than that to open.
    monkeypatch.setattr(world.sb, "interaction_deadline", 0.5)
    world.sb.faults.slow("POST /channels/{channel_id}/messages/{message_id}/threads", seconds=1.0)
    reply = await _suggest(world, world.member("alice"), "Slow but sure")
    assert reply.ephemeral and reply.content.startswith(
        world.t("feedback.suggest.posted", id=1, link="").split(":")[0]
    )
    suggestion = await world.bot.get_cog("feedback").store.get_suggestion(world.guild.id, 1)
    assert suggestion.thread_id is not None


async def test_french_list_names_its_sort_in_french(world):
    await world.set_config("locale: fr\n" + CONFIG)
    await _suggest(world, world.member("alice"), "Une soirée jeux")
    listed = await (await world.member("bob").slash("suggestions list", sort="new")).response()
    sort = world.t("feedback.suggest.sorts.new", locale="fr")
    assert sort == "date (les plus récentes d'abord)"
    header = world.t("feedback.suggest.list_header", locale="fr", count=1, sort=sort)
    assert listed.content.splitlines()[0] == header


async def test_deleted_suggestions_channel_is_reported_clearly(world):
    await world.set_config(CONFIG)
    channel = world.bot.get_channel(world.guild.channel("feedback").id)
    await channel.delete()
    modlog = world.guild.channel("modlog")
    line = await world.sb.wait_for_message(
        modlog, where=lambda m: "feedback" in m["content"] and "#feedback" in m["content"]
    )
    assert line["content"] == world.t("feedback.modlog.suggestions_deleted", channel="feedback")
    reply = await _suggest(world, world.member("alice"), "Still an idea")
    assert reply.content == world.t("feedback.suggest.no_channel")
    assert await world.bot.get_cog("feedback").store.list_suggestions(world.guild.id) == []


async def test_status_change_on_a_deleted_suggestion_message_still_applies(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    await _suggest(world, alice, "Idea whose post gets deleted")
    await world.owner.delete(_suggestion_message(world))
    r = await world.moderator.slash(
        "suggestions status", suggestion=1, status="implemented", reason="Shipped"
    )
    said = (await r.answer()).content
    assert world.t("feedback.suggest.message_gone") in said
    s = await world.bot.get_cog("feedback").store.get_suggestion(world.guild.id, 1)
    assert (s.status, s.reason) == ("implemented", "Shipped")
    assert "Shipped" in world.sb.dms(alice.user)[0]["content"]


async def test_two_moderators_setting_the_same_status_at_once_tell_the_author_once(world):
    await world.set_config(CONFIG)
    alice = world.member("alice")
    mia = world.member("mia", roles=["Moderator"])
    await _suggest(world, alice, "A shared calendar")
    # Both answers to Discord are slow, so both moderators pass the check before either saves.
    world.sb.faults.slow(
        "POST /interactions/{interaction_id}/{interaction_token}/callback", seconds=0.5, times=2
    )
    first = await world.moderator.slash(
        "suggestions status", suggestion=1, status="approved", reason="Yes"
    )
    second = await mia.slash("suggestions status", suggestion=1, status="approved", reason="Yes")
    said = sorted([(await first.answer()).content, (await second.answer()).content])
    set_text = world.t(
        "feedback.suggest.status_set", id=1, status=world.t("feedback.status.approved")
    )
    assert said == sorted([set_text, world.t("feedback.suggest.same_status")])
    assert len(world.sb.dms(alice.user)) == 1


async def test_two_votes_at_once_leave_the_right_counts_on_the_message(world, monkeypatch):
    await world.set_config(CONFIG)
    await _suggest(world, world.member("alice"), "A weekly quiz")
    message = _suggestion_message(world)
    label = world.t("feedback.suggest.vote_for")
    store = world.bot.get_cog("feedback").store
    voted = asyncio.Event()
    record_vote = store.vote_suggestion

    async def vote_and_signal(*args, **kwargs):
        result = await record_vote(*args, **kwargs)
        voted.set()
        return result

    monkeypatch.setattr(store, "vote_suggestion", vote_and_signal)
    # Bob's answer to Discord is slow and so is the next message update: Carol votes meanwhile.
    # Whatever order the updates land in, the message must end with both votes.
    world.sb.faults.slow(
        "POST /interactions/{interaction_id}/{interaction_token}/callback", seconds=0.5, times=1
    )
    world.sb.faults.slow(
        "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original", seconds=0.5, times=1
    )
    first = await world.member("bob").click(message, label)
    await asyncio.wait_for(voted.wait(), timeout=5)
    second = await world.member("carol").click(message, label)
    for click in (first, second):
        await click.followups(1)
    counts = _fields(_suggestion_message(world))[world.t("feedback.suggest.votes")]
    assert counts == world.t("feedback.suggest.counts", up=2, down=0)
