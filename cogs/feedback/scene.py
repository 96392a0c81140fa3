"""The feedback part of the sandbox scene: a suggestion voted on and approved, a poll that
closes with its results, and an anonymous piece of feedback answered by DM.

This module imports nothing of discord: it drives the sandbox as members and staff would.
"""

from __future__ import annotations

from typing import Any

import yaml

ORDER = 50

FEEDBACK_DOCUMENT = {"feedback": {"channels": {"suggestions": "feedback", "inbox": "reports"}}}


def _merged(current: str) -> str:
    document = yaml.safe_load(current or "") or {}
    section = document.setdefault("feedback", {})
    section.setdefault("channels", {}).update(FEEDBACK_DOCUMENT["feedback"]["channels"])
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


async def play(stage: Any) -> None:
    """ana suggests, three members vote, mo approves; mo runs a poll that closes with a chart."""
    sb, guild, bot = stage.sb, stage.guild, stage.bot
    current = await bot.configs.document(guild.id)
    await bot.configs.set_document(guild.id, _merged(current), guild.owner_id)
    store = bot.get_cog("feedback").store
    ana, ben, chloe, dev = (stage.member(n) for n in ("ana", "ben", "chloe", "dev"))
    mo = stage.moderator

    stage.narrate("Feedback: ana suggests a monthly game night with /suggest")
    r = await ana.slash("suggest", in_channel="general", idea="A monthly game night on Fridays")
    await r.answer()
    [suggestion] = await store.list_suggestions(guild.id)
    message = next(
        m for m in sb.messages(guild.channel("feedback")) if m["id"] == str(suggestion.message_id)
    )

    stage.narrate("Feedback: ben and chloe vote for, dev votes against then changes his mind")
    for actor, label in ((ben, "For"), (chloe, "For"), (dev, "Against"), (dev, "For")):
        click = await actor.click(message, label)
        await click.response(timeout=10)
        await click.followups(1, timeout=10)
        message = next(
            m for m in sb.messages(guild.channel("feedback")) if m["id"] == message["id"]
        )

    stage.narrate("Feedback: mo approves the suggestion with a reason; ana is told by DM")
    r = await mo.slash(
        "suggestions status",
        suggestion=suggestion.id,
        status="approved",
        reason="First one on June 6!",
    )
    await r.answer()

    stage.narrate("Feedback: mo asks the server when to hold it with a 5-second /poll")
    r = await mo.slash(
        "poll",
        in_channel="general",
        options={
            "question": "Which Friday time suits you?",
            "options": "18:00; 20:00; 22:00",
            "duration": "5s",
        },
    )
    await r.response(timeout=10)
    for actor, label in (
        (ana, "2. 20:00"),
        (ben, "2. 20:00"),
        (chloe, "1. 18:00"),
        (dev, "2. 20:00"),
    ):
        click = await actor.click(r, label)
        await click.response(timeout=10)
    stage.narrate("Feedback: the poll closes on its timer and Vigie posts the results with a chart")
    await sb.wait_for_message(
        guild.channel("general"),
        timeout=15,
        where=lambda m: bool(m.get("attachments")) and bool(m.get("embeds")),
    )

    stage.narrate(
        "Feedback: chloe sends anonymous feedback; mo answers it without knowing who she is"
    )
    r = await chloe.slash("feedback", in_channel="general", anonymous=True)
    await r.response(timeout=10)
    done = await chloe.submit_modal(
        r,
        {
            "category": "events",
            "rating": "4",
            "text": "Love the events, but please post them earlier.",
        },
    )
    await done.response(timeout=10)
    inbox = await sb.wait_for_message(
        guild.channel("reports"), timeout=10, where=lambda m: bool(m.get("embeds"))
    )
    click = await mo.click(inbox, "Reply")
    await click.response(timeout=10)
    answered = await mo.submit_modal(click, {"text": "Thanks! From now on, a week ahead."})
    await answered.answer()
