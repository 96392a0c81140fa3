"""A sandbox in its own process that sends member messages on demand, for message-path benches.

Running the sandbox in another process keeps its cost out of the measured process: the
benchmark measures the CPU time the client under test spends per message.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

TEXTS = (
    "Salut tout le monde, quelqu'un a testé la nouvelle mise à jour ?",
    "gg à l'équipe, c'était un super match hier soir",
    "Does anyone know when the next event starts? I can't find the schedule",
    "J'adore cette communauté, merci aux modérateurs pour leur travail",
    "lol that was hilarious, check the clip in #highlights",
    "Petite question : comment on obtient le rôle vétéran ?",
)


def _serve(conn: Connection) -> None:
    asyncio.run(_main(conn))


async def _main(conn: Connection) -> None:
    from sandbox import Sandbox

    async with Sandbox(rate_limits=False, interaction_deadline=None) as sb:
        guild = sb.create_guild("Bench", channels=["general", "random"], with_bot=True)
        speakers = [sb.member(f"member{i}", guild=guild) for i in range(20)]
        conn.send(
            {
                "api_base": sb.api_base,
                "gateway_url": sb.gateway_url,
                "token": sb.application.token,
                "guild_id": guild.id,
            }
        )
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            if command[0] == "stop":
                break
            count = int(command[1])
            for index in range(count):
                speaker = speakers[index % len(speakers)]
                channel = "#general" if index % 3 else "#random"
                await speaker.say(channel, TEXTS[index % len(TEXTS)])
            conn.send("sent")


class Feeder:
    """The parent's handle on the sandbox process."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        self.info: dict[str, Any] = self._conn.recv()

    def queue_messages(self, count: int, longest: float) -> bool:
        """Have ``count`` messages sent while the caller's event loop is held (it blocks here),
        so they wait in the socket for the client; True once all were sent within ``longest``
        seconds (False: the socket buffers filled first and the rest follow as it reads)."""
        self._conn.send(("messages", count))
        if self._conn.poll(longest):
            self._conn.recv()
            return True
        self._pending = True
        return False

    async def settle(self) -> None:
        """Wait for the end of a sending that outlasted :meth:`queue_messages`."""
        if getattr(self, "_pending", False):
            await asyncio.get_running_loop().run_in_executor(None, self._conn.recv)
            self._pending = False

    def close(self) -> None:
        try:
            self._conn.send(("stop",))
        finally:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()
