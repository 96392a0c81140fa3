"""Run a sandbox on its own: `python -m sandbox --port 8765` prints the settings a bot needs."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from sandbox.sandbox import Sandbox
from sandbox.scene import demo_scene


async def serve(port: int, token: str | None) -> None:
    async with Sandbox(port=port, token=token, rate_limits="discord") as sb:
        guild = demo_scene(sb)
        print(f"DISCORD_TOKEN={sb.application.token}")
        print(f"DISCORD_API_BASE={sb.api_base}")
        print(f"DISCORD_GATEWAY_URL={sb.gateway_url}")
        print(f"DEV_GUILD_ID={guild.id}", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="A local Discord for discord.py bots.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default=None, help="bot token to accept (default: random)")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.token))


if __name__ == "__main__":
    main()
