"""Benchmark: a spam wave and a join raid against the real bot in the sandbox, Discord's limits.

- A spam wave of 1,000 messages from 50 accounts is cleaned with at most 20 REST calls and no
  429 (the naive baseline, one DELETE per message, is 1,000 calls: the ratio is printed).
- Raid mode is on within 1 second of the join threshold being crossed.

Run alone: ``python -m bench.policies_sandbox``; ``run()`` returns the rows for ``python -m bench``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import yaml

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.scene import launch_vigie  # noqa: E402
from bot.settings import Settings  # noqa: E402
from sandbox import Sandbox  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = 50
MESSAGES = 1000
CHANNELS = ["general", "games"]
DELETE_ROUTES = (
    "/channels/{channel_id}/messages/bulk-delete",
    "/channels/{channel_id}/messages/{message_id}",
)
GUILD_DOC = """\
roles: {managers: [Manager], moderators: [Moderator]}
channels: {modlog: modlog, reports: reports}
policies:
  enabled: true
  raid: {joins: 10, window: 30s, new_accounts: 1000, action: none, quiet_period: 10m}
  spam_wave: {enabled: true, messages: 10, window: 1m}
"""


def _config_dir(root: Path, guild_id: int) -> Path:
    target = root / "config"
    (target / "guilds").mkdir(parents=True)
    defaults = (ROOT / "config" / "default.yaml").read_text(encoding="utf-8")
    (target / "default.yaml").write_text(defaults, encoding="utf-8")
    (target / "guilds" / f"{guild_id}.yaml").write_text(GUILD_DOC, encoding="utf-8")
    yaml.safe_load(GUILD_DOC)  # fail early on a typo here rather than in the bot
    return target


async def _scenario() -> dict[str, float]:
    async with Sandbox(rate_limits="discord", owner="olivia") as sb:
        guild = sb.create_guild(
            "Bench",
            owner="olivia",
            channels=[*CHANNELS, "modlog", "reports"],
            roles=["Moderator", "Manager"],
        )
        sb.add_bot_to(guild)
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                token=sb.application.token,
                database_path=Path(tmp) / "bench.db",
                config_dir=_config_dir(Path(tmp), guild.id),
                log_level="WARNING",
                dev_guild_id=guild.id,
                api_base=sb.api_base,
                gateway_url=sb.gateway_url,
                guild_ready_timeout=0.05,
            )
            running = await launch_vigie(settings)
            try:
                await running.wait_ready()
                return await _measure(sb, guild)
            finally:
                await running.stop()


async def _measure(sb: Sandbox, guild) -> dict[str, float]:
    spammers = [sb.member(f"spammer{i}", guild=guild) for i in range(ACCOUNTS)]
    start = len(sb.requests)
    text = "Claim your FREE nitro now at discord-gift dot example !!"
    sent = []
    for i in range(MESSAGES):
        actor = spammers[i % ACCOUNTS]
        sent.append(await actor.say("#" + CHANNELS[i % len(CHANNELS)], text))
    wanted = {str(m.id) for m in sent}

    def cleaned(_record) -> bool:
        present = {m["id"] for ch in CHANNELS for m in sb.messages("#" + ch)}
        return not wanted & present

    await sb.wait_for_request("POST", DELETE_ROUTES[0], timeout=60, where=cleaned)
    wave = sb.requests[start:]
    deletes = [r for r in wave if r.route in DELETE_ROUTES and r.method in ("POST", "DELETE")]
    writes = [r for r in wave if r.method != "GET"]
    limited = [r for r in wave if r.status == 429]
    # Raid: ten joins; time from the tenth to the alert in #reports.
    for i in range(9):
        await sb.join(f"raider{i}", guild=guild)
    started = time.perf_counter()
    await sb.join("raider9", guild=guild)
    await sb.wait_for_message(
        "#reports", timeout=10, where=lambda m: "Raid mode" in (m.get("content") or "")
    )
    raid_seconds = time.perf_counter() - started
    return {
        "delete_calls": len(deletes),
        "rest_calls": len(writes),
        "rate_limited": len(limited),
        "raid_seconds": raid_seconds,
    }


def run() -> list[dict]:
    """Rows: name, ours, baseline, ratio, target, ok."""
    found = asyncio.run(_scenario())
    calls = found["rest_calls"]
    return [
        {
            "name": f"policies: REST calls to clean a {MESSAGES}-message wave from {ACCOUNTS} accounts",
            "ours": int(calls),
            "baseline": MESSAGES,
            "ratio": round(MESSAGES / calls, 1) if calls else None,
            "target": "<= 20 calls, no 429",
            "ok": calls <= 20 and found["rate_limited"] == 0,
        },
        {
            "name": "policies: 429 answers during the wave",
            "ours": int(found["rate_limited"]),
            "baseline": None,
            "ratio": None,
            "target": "0",
            "ok": found["rate_limited"] == 0,
        },
        {
            "name": "policies: seconds from the 10th join to raid mode on",
            "ours": round(found["raid_seconds"], 3),
            "baseline": None,
            "ratio": None,
            "target": "< 1 s",
            "ok": found["raid_seconds"] < 1.0,
        },
    ]


def main() -> int:
    """Print the table; exit 1 if a target is missed."""
    from bench.__main__ import run_alone

    return run_alone("policies_sandbox", run())


if __name__ == "__main__":
    sys.exit(main())
