"""Welcome e2e: the 7-day activity step, and the journey in /privacy exports."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

CONFIG = """\
welcome:
  enabled: true
  channel: welcome
"""


async def _joined_and_posted(w: Any, name: str) -> Any:
    first = asyncio.ensure_future(
        w.bot.wait_for(
            "onboarding_step",
            check=lambda g, u, step, at: u == w.sb.user(name).id and step == "first_message",
            timeout=5,
        )
    )
    actor = await w.sb.join(name, guild=w.guild)
    await w.sb.wait_for_message("welcome", timeout=5, where=lambda m: actor.mention in m["content"])
    await actor.say("#general", "hello")
    await first
    return actor


async def test_active_after_seven_days_only_for_members_who_stayed_and_posted(world: Any) -> None:
    w = world
    await w.set_config(CONFIG)
    stayer = await _joined_and_posted(w, "stella")
    leaver = await _joined_and_posted(w, "lou")
    cog = w.bot.get_cog("welcome")
    await cog.first_messages.flush()
    gone = asyncio.ensure_future(
        w.bot.wait_for("member_remove", check=lambda m: m.id == leaver.id, timeout=5)
    )
    await leaver.leave()
    await gone  # the bot's cache no longer has them
    # Seven days pass: move both journeys back and fire their activity checks now.
    week_ago = (datetime.now(UTC) - timedelta(days=8)).timestamp()
    await w.bot.db.execute(
        "UPDATE welcome_journeys SET joined_at = ? WHERE guild_id = ?", (week_ago, w.guild.id)
    )
    active = asyncio.ensure_future(
        w.bot.wait_for(
            "onboarding_step", check=lambda g, u, step, at: step == "active_7d", timeout=5
        )
    )
    fired = asyncio.ensure_future(
        w.bot.wait_for(
            "welcome_active_check_timer",
            check=lambda t: t.payload["user_id"] == leaver.id,
            timeout=5,
        )
    )
    for actor in (stayer, leaver):
        await w.bot.timers.schedule(
            w.guild.id,
            "welcome_active_check",
            datetime.now(UTC),
            {"user_id": actor.id},
            key=str(actor.id),
        )
    _, user_id, _, _ = await active
    assert user_id == stayer.id
    await fired
    record = await cog.store.current(w.guild.id, leaver.id)
    assert record.journey.active_7d_at is None


async def test_a_join_during_the_ready_reload_keeps_its_first_message_watch(world: Any) -> None:
    w = world
    await w.set_config(CONFIG)
    cog = w.bot.get_cog("welcome")
    querying, release = asyncio.Event(), asyncio.Event()
    real_query = cog.store.awaiting_first_message

    async def slow_query(guild_id: int, since: datetime) -> list[int]:
        rows = await real_query(guild_id, since)  # read before the join below is stored
        querying.set()
        await release.wait()
        return rows

    cog.store.awaiting_first_message = slow_query
    reload = asyncio.ensure_future(cog.on_ready())  # as after a reconnect
    await asyncio.wait_for(querying.wait(), timeout=5)
    started = asyncio.ensure_future(
        w.bot.wait_for("onboarding_step", check=lambda g, u, step, at: step == "joined", timeout=5)
    )
    nina = await w.sb.join("nina", guild=w.guild)
    await started
    release.set()
    await reload
    assert nina.id in cog.awaiting_first[w.guild.id]


async def test_privacy_export_contains_the_journey(world: Any) -> None:
    w = world
    await w.set_config(CONFIG)
    pat = await _joined_and_posted(w, "pat")
    await w.bot.get_cog("welcome").first_messages.flush()
    reply = await (await pat.slash("privacy mine")).response()
    [(_, data)] = reply.attachments
    exported = json.loads(data)["data"]["welcome"]
    [journey] = exported["journeys"]
    assert journey["joined_at"] and journey["first_message_at"]
    assert journey["gate_state"] == "ungated"
