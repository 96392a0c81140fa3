"""500 joins in 10 seconds through the sandbox, with Discord's real rate limits.

Vigie greets newcomers (with the rules gate on, so every join also arms two persistent timers
and a 7-day activity check). Greetings beyond ``welcome.raid.burst_joins`` per window are
batched into one message, so the channel stays under Discord's 5 messages / 5 s. We count the
429 answers (must be 0), the journey rows (must be 500) and how long until every newcomer was
greeted. The baseline beside it is a naive bot that posts one greeting per join: at 5 messages
per 5 s per channel it needs at least 500 s to greet them all (computed, not run: it would
only wait on the same bucket).

Run alone: ``python -m bench welcome_joins`` or ``python bench/welcome_joins.py``.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

JOINS = 500
SECONDS = 10.0
CHANNEL_LIMIT = (5, 5.0)  # Discord: 5 messages per 5 s per channel
DOCUMENT = """\
channels:
  modlog: modlog
welcome:
  enabled: true
  channel: welcome
  rules:
    enabled: true
    channel: rules
    remind_after: 1d
    remove_after: 3d
  raid:
    batch_window: 10s
    burst_joins: 5
    max_mentions: 20
"""
CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
_BATCH = re.compile(r"(\d+) newcomers")


def _greeted(messages: list[dict[str, Any]]) -> int:
    """Members greeted so far: one per single greeting, N per batch message."""
    total = 0
    for message in messages:
        found = _BATCH.search(message.get("content") or "")
        if found:
            total += int(found.group(1))
        elif message.get("embeds"):
            total += 1
    return total


async def _run_vigie() -> dict[str, Any]:
    from bot.scene import launch_vigie
    from bot.settings import Settings
    from sandbox import Sandbox

    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        async with Sandbox(rate_limits="discord") as sb:
            guild = sb.create_guild(
                "Bench", owner="olivia", channels=["welcome", "rules", "modlog"]
            )
            sb.add_bot_to(guild)
            settings = Settings(
                token=sb.application.token,
                database_path=Path(tmp) / "vigie.db",
                config_dir=CONFIG_DIR,
                dev_guild_id=guild.id,
                api_base=sb.api_base,
                gateway_url=sb.gateway_url,
                guild_ready_timeout=0.05,
            )
            running = await launch_vigie(settings)
            try:
                await running.wait_ready()
                bot = running.bot
                await bot.configs.set_document(guild.id, DOCUMENT, guild.owner_id)
                joined = 0
                all_joined = asyncio.Event()

                async def on_onboarding_step(
                    guild_id: int, user_id: int, step: str, at: Any
                ) -> None:
                    nonlocal joined
                    if step == "joined" and guild_id == guild.id:
                        joined += 1
                        if joined >= JOINS:
                            all_joined.set()

                bot.add_listener(on_onboarding_step)
                requests_before = len(sb.requests)
                started = time.perf_counter()
                for index in range(JOINS):
                    await sb.join(f"newcomer{index}", guild=guild)
                    # Pacing of the load generator (joins spread over 10 s), not a wait for an effect.
                    await asyncio.sleep(SECONDS / JOINS)
                injected = time.perf_counter() - started
                await asyncio.wait_for(all_joined.wait(), 60)
                welcome = guild.channel("welcome")
                await sb.changed.wait_for(
                    lambda: _greeted(sb.messages(welcome)) >= JOINS, 60, "every newcomer greeted"
                )
                greeted_after = time.perf_counter() - started
                await bot.get_cog("welcome").first_messages.flush()
                rows = await bot.db.fetchval(
                    "SELECT COUNT(*) FROM welcome_journeys WHERE guild_id = ?", (guild.id,)
                )
                timers = await bot.db.fetchval(
                    "SELECT COUNT(*) FROM timers WHERE guild_id = ? AND kind LIKE 'welcome_%'",
                    (guild.id,),
                )
                new_requests = sb.requests[requests_before:]
                return {
                    "joins": JOINS,
                    "injected_s": injected,
                    "greeted_all_s": greeted_after,
                    "greeting_messages": len(sb.messages(welcome)),
                    "http_429": sum(1 for r in new_requests if r.status == 429),
                    "journey_rows": int(rows or 0),
                    "lost_journeys": JOINS - int(rows or 0),
                    "timers_armed": int(timers or 0),
                }
            finally:
                await running.stop()


def run() -> list[dict]:
    """Vigie's row and the naive baseline's, with the ratios."""
    ours = asyncio.run(_run_vigie())
    per, seconds = CHANNEL_LIMIT
    naive_seconds = JOINS / per * seconds
    rows: list[dict] = [
        {
            "case": "vigie (batched greetings)",
            **ours,
            "ok": ours["http_429"] == 0 and ours["lost_journeys"] == 0,
        },
        {
            "case": "naive: one message per join (bound)",
            "joins": JOINS,
            "greeted_all_s": naive_seconds,
            "greeting_messages": JOINS,
        },
        {
            "case": "ratio naive / vigie",
            "greeted_all_s": naive_seconds / ours["greeted_all_s"],
            "greeting_messages": JOINS / max(1, ours["greeting_messages"]),
        },
    ]
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.__main__ import print_table

    print_table("welcome_joins", run())
