"""A token that Discord rejects at login: one line, exit 2, no traceback, token not echoed.

Runs ``python -m bot run`` against the local sandbox (no real Discord is contacted).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sandbox import Sandbox

REPO = Path(__file__).resolve().parents[3]
WRONG = "MTExMTExMTEx.wrong.not-the-sandbox-token"


async def run_bot_against(sb: Sandbox, token: str, tmp_path: Path) -> tuple[int, str]:
    """``python -m bot run`` in a subprocess pointed at the sandbox: exit code and stderr."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "DISCORD_TOKEN": token,
        "DISCORD_API_BASE": sb.api_base,
        "DISCORD_GATEWAY_URL": sb.gateway_url,
        "DATABASE_PATH": str(tmp_path / "vigie.db"),
        "CONFIG_DIR": str(REPO / "config"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, err.decode()


async def test_rejected_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    async with Sandbox() as sb:
        code, stderr = await run_bot_against(sb, WRONG, tmp_path)
    assert code == 2, stderr
    assert WRONG not in stderr and "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("vigie: DISCORD_TOKEN was rejected") and ".env" in last
    # Anything before it is ordinary log lines, never an error dump.
    assert all(" ERROR " not in line for line in stderr.splitlines()[:-1]), stderr


async def test_privileged_intents_refused_is_one_clear_line(tmp_path: Path) -> None:
    async with Sandbox() as sb:
        sb.application.privileged_intents = 0  # the portal switches are off
        code, stderr = await run_bot_against(sb, sb.application.token, tmp_path)
        token = sb.application.token
    assert code == 2, stderr
    assert "Traceback" not in stderr and token not in stderr
    last = stderr.strip().splitlines()[-1]
    assert "privileged intents" in last and "Message Content Intent" in last
