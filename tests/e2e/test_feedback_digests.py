"""Digests and exports end to end: numbers, CSV files, the scheduled digest posted once,
analytics events, and /privacy forget anonymising a member's feedback."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cogs.feedback.reports import TIMER_KIND

SURVEY = """\
feedback:
  surveys:
    pulse:
      title: Pulse
      questions:
        - {id: rec, type: nps, prompt: "Recommend us?"}
"""


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def _seed(world):
    """Two named and one anonymous entry, a voted suggestion, three NPS answers."""
    store = world.bot.get_cog("feedback").store
    g, now = world.guild.id, datetime.now(UTC)
    alice, bob, carol = world.member("alice"), world.member("bob"), world.member("carol")
    await store.add_entry(
        g, alice.id, "product", 5, "The new release is fast and lovely", False, now
    )
    await store.add_entry(g, bob.id, "events", 2, "Events start too late for Europe", True, now)
    await store.add_entry(g, carol.id, "product", 4, "ok", False, now)
    # last week: one entry rated 2, so the average goes up
    await store.add_entry(g, carol.id, "brand", 2, "meh", False, now - timedelta(days=8))
    s = await store.add_suggestion(g, alice.id, "Add a French channel", now)
    for voter in (bob, carol):
        await store.vote_suggestion(g, s.id, voter.id, 1, now)
    for voter, score in ((alice, 10), (bob, 9), (carol, 3)):
        await store.add_response(g, "pulse", voter.id, {"rec": score}, now)
    return alice, bob, carol


async def test_report_gives_digest_numbers_and_csv(world):
    await world.set_config(SURVEY)
    _, bob, _ = await _seed(world)
    r = await world.manager.slash("feedback-admin report", period="week")
    [message] = await r.followups(1)
    assert message.ephemeral
    fields = {f["name"]: f["value"] for f in message.embeds[0]["fields"]}
    assert fields[world.t("feedback.digest.entries")] == world.t(
        "feedback.digest.entries_value", count=3, previous=1
    )
    assert fields[world.t("feedback.digest.rating")].startswith("3.67/5 ↗ (+1.67)")
    assert fields["NPS"] == world.t("feedback.digest.nps_value", nps="+33", answers=3)
    assert (
        "#1 · 👍 2 👎 0 · Add a French channel"
        in fields[world.t("feedback.digest.top_suggestions")]
    )
    assert "Events start too late" in fields[world.t("feedback.digest.comments")]
    files = {a.filename.split("-")[0]: a.data for a in message.attachments}
    rows = _csv(files["feedback"])
    assert len(rows) == 4
    anonymous = [row for row in rows[1:] if row[4] == "1"]
    assert anonymous and anonymous[0][5] == ""  # no author for the anonymous entry
    assert str(bob.id) not in files["feedback"].decode("utf-8-sig")
    assert "survey" in files


async def test_monthly_files_are_named_by_the_guilds_own_dates(world):
    await world.set_config("timezone: Europe/Paris\n")
    await _seed(world)
    r = await world.manager.slash("feedback-admin report", period="month")
    [message] = await r.followups(1)
    local = datetime.now(ZoneInfo("Europe/Paris"))
    this_month = local.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    stamp = f"{last_month:%Y%m%d}-{this_month:%Y%m%d}"
    names = sorted(a.filename for a in message.attachments)
    assert names == [f"feedback-{stamp}.csv", f"suggestions-{stamp}.csv"]


async def test_export_and_permissions(world):
    await _seed(world)
    r = await world.manager.slash("feedback-admin export")
    assert (await r.response()).type == 5  # deferred: the files may take a while
    [said] = await r.followups(1)
    assert said.ephemeral
    names = sorted(a.filename for a in said.attachments)
    assert names == ["feedback.csv", "suggestions.csv", "survey-pulse.csv"]
    refused = await (await world.member("zoe").slash("feedback-admin export")).response()
    assert refused.content == world.t("errors.not_manager")
    refused = await (await world.moderator.slash("feedback-admin report")).response()
    assert refused.content == world.t("errors.not_manager")


async def test_scheduled_digest_posts_once_and_rearms(world):
    await world.set_config(SURVEY)
    await _seed(world)
    due = datetime.now(UTC)
    # listened for before the timer exists, so its end cannot be missed
    fired = asyncio.ensure_future(world.bot.wait_for("feedback_digest_timer", timeout=10))
    await world.bot.timers.schedule(world.guild.id, TIMER_KIND, due, {"period": "week"}, key="week")
    reports = world.guild.channel("reports")
    message = await world.sb.wait_for_message(
        reports, timeout=10, where=lambda m: bool(m.get("embeds"))
    )
    assert message["embeds"][0]["title"] == world.t("feedback.digest.title_week")
    assert {a["filename"].split("-")[0] for a in message["attachments"]} >= {
        "feedback",
        "suggestions",
    }
    await fired
    pending = await world.bot.timers.pending(world.guild.id, TIMER_KIND)
    [timer] = [t for t in pending if t.key == "week"]
    assert timer.due_at > due
    # the same period firing again (a crash before the timer row was deleted) posts nothing
    posted = await world.bot.get_cog("feedback").reports.post(world.guild, "week", due)
    assert posted is False
    assert len([m for m in world.sb.messages(reports) if m.get("embeds")]) == 1


async def test_each_entry_vote_and_answer_is_dispatched(world):
    await world.set_config("feedback:\n  channels:\n    suggestions: feedback\n")
    alice = world.member("alice")
    entry = asyncio.ensure_future(world.bot.wait_for("feedback_entry", timeout=5))
    r = await alice.slash("feedback", anonymous=True)
    await r.response()
    await (await alice.submit_modal(r, {"category": "1", "rating": "5", "text": "x"})).response()
    payload = await entry
    assert payload["rating"] == 5 and payload["anonymous"] is True
    assert alice.id not in payload.values()
    await (await alice.slash("suggest", idea="An idea")).followups(1)
    vote = asyncio.ensure_future(world.bot.wait_for("feedback_suggestion_vote", timeout=5))
    [message] = [m for m in world.sb.messages(world.guild.channel("feedback")) if m.get("embeds")]
    await (
        await world.member("bob").click(message, world.t("feedback.suggest.vote_for"))
    ).response()
    assert (await vote)["vote"] == 1


async def test_forget_member_anonymises_but_keeps_entries(world):
    alice, _, _ = await _seed(world)
    exported = await world.bot.privacy.export_user(world.guild.id, alice.id)
    assert len(exported["data"]["feedback"]["feedback_entries"]) == 1
    await world.bot.privacy.forget_user(world.guild.id, alice.id)
    store = world.bot.get_cog("feedback").store
    entry = await store.get_entry(world.guild.id, 1)
    assert entry is not None and entry.author_id is None and entry.anonymous
    assert (await store.get_suggestion(world.guild.id, 1)).author_id is None
    after = await world.bot.privacy.export_user(world.guild.id, alice.id)
    assert all(not rows for rows in after["data"]["feedback"].values())


async def test_digest_timers_follow_the_config(world):
    await asyncio.wait_for(world.bot.get_cog("feedback").digests_armed.wait(), 5)
    await world.set_config("feedback:\n  digests:\n    weekly: false\n    hour: 7\n")
    cog = world.bot.get_cog("feedback")
    await cog.reports.ensure_schedule(world.guild.id)  # what on_config_changed does, awaited
    pending = {t.key: t for t in await world.bot.timers.pending(world.guild.id, TIMER_KIND)}
    assert set(pending) == {"month"}
    assert pending["month"].due_at.hour == 7 and pending["month"].due_at.day == 1


async def test_a_failing_digest_schedule_is_logged_with_its_guild(world, monkeypatch):
    cog = world.bot.get_cog("feedback")
    await asyncio.wait_for(cog.digests_armed.wait(), 5)
    seen = asyncio.Event()
    records: list[logging.LogRecord] = []

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                records.append(record)
                seen.set()

    async def boom(guild_id):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(cog.reports, "ensure_schedule", boom)
    watch = Watch()
    logging.getLogger().addHandler(watch)
    try:
        await world.set_config("feedback:\n  digests:\n    weekly: false\n")
        await asyncio.wait_for(seen.wait(), 5)
    finally:
        logging.getLogger().removeHandler(watch)
    [record] = records
    assert record.name == "cogs.feedback.cog"
    assert record.getMessage() == f"digest timers of guild {world.guild.id} not armed"
    assert "database is locked" in str(record.exc_info[1])


async def test_export_of_many_surveys_respects_discords_ten_files_per_message(world):
    # a survey a month, each removed from the config once done: the export keeps them all
    store = world.bot.get_cog("feedback").store
    alice, now = world.member("alice"), datetime.now(UTC)
    for month in range(1, 10):
        await store.add_response(world.guild.id, f"pulse-{month}", alice.id, {"rec": 9}, now)
    r = await world.manager.slash("feedback-admin export")
    first = await r.answer()
    assert first.content == world.t("feedback.export.done", count=11)
    sent = await r.followups(2)
    # Discord refuses a message with more than 10 attachments (maxItems 10 in its API)
    assert all(len(message.attachments) <= 10 for message in sent)
    names = sorted(a.filename for message in sent for a in message.attachments)
    assert names == sorted(
        ["feedback.csv", "suggestions.csv", *(f"survey-pulse-{m}.csv" for m in range(1, 10))]
    )


async def test_a_digest_refused_in_its_channel_names_that_channel_in_the_mod_log(world):
    # the reports channel is set, but Discord refuses the post (the bot lost its permission)
    world.sb.faults.error("POST /channels/{channel_id}/messages", status=403, code=50013, times=1)
    guild = world.bot.get_guild(world.guild.id)
    posted = await world.bot.get_cog("feedback").reports.post(guild, "week", datetime.now(UTC))
    assert posted is False
    told = world.t(
        "feedback.modlog.reports_refused", channel=f"<#{world.guild.channel('reports').id}>"
    )
    line = await world.sb.wait_for_message(
        world.guild.channel("modlog"), where=lambda m: m["content"] == told
    )
    assert line
