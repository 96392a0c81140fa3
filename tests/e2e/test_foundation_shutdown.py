"""``python -m bot run`` stopped by SIGTERM (systemd, Docker): a clean shutdown that loses nothing.

The bot runs in a subprocess against the local sandbox; a member's message earns XP that lives
in memory until the next flush. SIGTERM must close the bot like Ctrl-C does, so the XP is in
the database when the process exits 0.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import sys
from pathlib import Path

from sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
GUILD_CONFIG = """\
games:
  xp:
    min: 100
    max: 100
    announce: channel
    announce_channel: general
"""


async def test_sigterm_closes_cleanly_and_writes_what_was_in_memory(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    shutil.copytree(REPO / "config", config_dir)
    database = tmp_path / "vigie.db"
    async with Sandbox() as sb:
        guild = sb.create_guild("Shutdown", owner="olivia", channels=["general"])
        sb.add_bot_to(guild)
        (config_dir / "guilds").mkdir(exist_ok=True)
        (config_dir / "guilds" / f"{guild.id}.yaml").write_text(GUILD_CONFIG, encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(REPO),
            "DISCORD_TOKEN": sb.application.token,
            "DISCORD_API_BASE": sb.api_base,
            "DISCORD_GATEWAY_URL": sb.gateway_url,
            "DATABASE_PATH": str(database),
            "CONFIG_DIR": str(config_dir),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            mia = sb.member("mia", guild=guild)
            # Messages sent before the bot is connected reach nobody: say hello until the
            # level-up (100 XP, in memory only) is announced.
            deadline = asyncio.get_running_loop().time() + 60
            announced = None
            while announced is None:
                assert asyncio.get_running_loop().time() < deadline, "the bot never answered"
                await mia.say("#general", "hello")
                try:
                    announced = await sb.wait_for_message(
                        "general", timeout=0.5, where=lambda m: m["author"].get("bot", False)
                    )
                except TimeoutError:
                    continue
            process.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(process.communicate(), timeout=60)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in err.decode()
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT xp FROM games_xp WHERE guild_id = ? AND user_id = ?", (guild.id, mia.id)
        ).fetchone()
    assert row == (100,)
