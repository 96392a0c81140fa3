"""``python -m bot sandbox``: the local Discord and Vigie in one process, playing a scene.

A demo server is created in the sandbox, Vigie connects to it on a temporary database, and
every feature plays its part: each ``cogs/<name>/scene.py`` that defines
``async def play(stage) -> None`` is run, ordered by its optional ``ORDER`` (default 100) then
by name. The transcript is built from the sandbox's own records (gateway events for what
members did, REST requests for what Vigie did), so it shows what Discord would have seen.

What ``play(stage)`` gets (:class:`Stage`): ``stage.sb`` (the sandbox), ``stage.guild`` (the
demo guild: channels general, welcome, rules, modlog, reports, feedback, support, games,
announcements; roles Moderator and Manager; roles and channels already set in its config),
``stage.bot`` (the running Vigie), actors ``stage.owner`` (olivia), ``stage.manager`` (maya),
``stage.moderator`` (mo), ``stage.member(name, roles=())``, ``await stage.join(name)``,
``stage.channel(name)`` and ``stage.narrate(text)`` for a heading. A part waits on the
sandbox's records (``await r.response()``, ``sb.wait_for_message``), never on sleeps.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from bot.discovery import discover_cogs
from bot.settings import Settings
from bot.transcript import Transcript

log = logging.getLogger(__name__)

DEMO_CHANNELS = [
    "general",
    "welcome",
    "rules",
    "modlog",
    "reports",
    "feedback",
    "support",
    "games",
    "announcements",
]
DEMO_ROLES = ["Moderator", "Manager"]
# The demo server's own document: who manages, who moderates, where the log goes.
DEMO_CONFIG = """\
roles:
  managers: [Manager]
  moderators: [Moderator]
channels:
  modlog: modlog
  reports: reports
"""
READY_TIMEOUT = 15.0
DEFAULT_ORDER = 100
REPO_CONFIG = Path(__file__).resolve().parent.parent / "config"

Hook = Callable[[Any], Awaitable[None] | None]


@dataclass
class Running:
    """A Vigie started in a task of this event loop, with the database it owns."""

    bot: Any
    task: asyncio.Task[None]
    db: Any

    async def wait_ready(self, limit: float = READY_TIMEOUT) -> None:
        await wait_ready(self.bot, self.task, limit)

    async def stop(self, limit: float = 10.0) -> None:
        """Close the bot (timers, batches, gateway), wait for its task, close the database."""
        try:
            await self.bot.close()
            await asyncio.wait_for(self.task, limit)
        finally:
            await self.db.close()


async def launch_vigie(settings: Settings, *, before_setup: Hook | None = None) -> Running:
    """Open the database, build Vigie for ``settings`` and start it in a task.

    The bot is not ready yet when this returns (see :meth:`Running.wait_ready`).
    ``before_setup(bot)`` runs just before the bot's own ``setup_hook``: tests use it to
    register a store, a timer handler or an extra cog that must exist before commands sync.
    """
    from bot.app import create_bot
    from bot.db import Database

    db = await Database.open(settings.database_path)
    bot = create_bot(settings, db)
    if before_setup is not None:
        original = bot.setup_hook

        async def setup_hook() -> None:
            result = before_setup(bot)
            if inspect.isawaitable(result):
                await result
            await original()

        # Per instance on purpose: the hook runs first, then Vigie's own setup.
        bot.setup_hook = setup_hook  # type: ignore[method-assign]
    task = asyncio.create_task(bot.start(settings.token), name="vigie")
    return Running(bot, task, db)


async def wait_ready(bot: Any, task: asyncio.Task[None], limit: float = READY_TIMEOUT) -> None:
    """Wait for READY, or re-raise the failure if the bot's task ended first."""
    ready = asyncio.ensure_future(bot.wait_until_ready())
    done, _ = await asyncio.wait({ready, task}, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    if ready in done:
        return
    ready.cancel()
    if task in done:
        task.result()
        raise RuntimeError("Vigie stopped before it was ready")
    raise TimeoutError(f"Vigie was not ready within {limit:.0f}s")


def scene_modules() -> list[ModuleType]:
    """Every ``cogs/<name>/scene.py`` with a ``play`` coroutine, in ``ORDER`` then name order."""
    found: list[tuple[int, str, ModuleType]] = []
    for info in discover_cogs():
        if not (info.path / "scene.py").is_file():
            continue
        module = importlib.import_module(f"{info.module}.scene")
        if inspect.iscoroutinefunction(getattr(module, "play", None)):
            found.append((int(getattr(module, "ORDER", DEFAULT_ORDER)), info.name, module))
    return [module for _, _, module in sorted(found, key=lambda item: (item[0], item[1]))]


@dataclass
class Stage:
    """What a feature's ``play(stage)`` gets: the sandbox, the demo guild, Vigie and actors."""

    sb: Any
    guild: Any
    bot: Any
    transcript: Transcript
    owner: Any
    manager: Any
    moderator: Any
    out: TextIO = field(default=sys.stdout)
    _printed: int = 0
    _requests_seen: int = 0

    def member(self, name: str, roles: list[str] | tuple[str, ...] = ()) -> Any:
        """The actor ``name`` in the demo guild (created with ``roles`` on first use)."""
        actor = self.sb.member(name, guild=self.guild, roles=list(roles))
        self.transcript.users[actor.user.id] = name
        return actor

    async def join(self, name: str) -> Any:
        """``name`` joins the demo guild (Discord sends GUILD_MEMBER_ADD)."""
        actor = await self.sb.join(name, guild=self.guild)
        self.transcript.users[actor.user.id] = name
        return actor

    def channel(self, name: str) -> Any:
        return self.guild.channel(name)

    def narrate(self, text: str) -> None:
        """A heading in the transcript; everything recorded so far is printed first."""
        self.flush()
        self.transcript.narrate(text)
        self.flush()

    def flush(self) -> None:
        """Print the transcript lines not printed yet, in time order."""
        self._collect()
        lines = self.transcript.render()
        for line in lines[self._printed :]:
            print(line, file=self.out)
        self._printed = len(lines)
        self.out.flush()

    def _collect(self) -> None:
        # Requests are read from the sandbox's log; events arrive through the bus subscription.
        for record in self.sb.requests[self._requests_seen :]:
            self.transcript.on_request(
                record.method,
                record.route,
                record.json,
                record.status,
                record.params,
                files=record.files,
                at=record.at,
                reason=record.reason,
            )
        self._requests_seen = len(self.sb.requests)


def build_demo(sb: Any) -> tuple[Any, Transcript]:
    """The demo guild, its people and a transcript wired to the sandbox's records."""
    guild = sb.create_guild("Vigie Demo", owner="olivia", channels=DEMO_CHANNELS, roles=DEMO_ROLES)
    sb.add_bot_to(guild)
    transcript = Transcript(
        bot_id=sb.application.bot_user.id, resolve_channel=lambda ident: _channel_name(sb, ident)
    )
    for channel in guild.channels.values():
        transcript.names[channel.id] = f"#{channel.name}"
    for role in guild.roles.values():
        transcript.roles[role.id] = role.name
    sb.bus.subscribe(lambda event: transcript.on_event(event.name, event.data, time.time()))
    return guild, transcript


def _channel_name(sb: Any, channel_id: int) -> str | None:
    """'#name' for a channel or thread, 'DM to alice' for a direct message channel."""
    channel = sb.world.channel(channel_id)
    if channel is None:
        return None
    if channel.name:
        return f"#{channel.name}"
    names = [sb.world.users[u].username for u in channel.recipients if u in sb.world.users]
    return "DM to " + ", ".join(names) if names else None


async def play_scene(
    *,
    out: TextIO = sys.stdout,
    database: str | None = None,
    keep_running: bool = False,
    config_dir: Path | None = None,
) -> int:
    """Run the whole scene; 0 when every part played, 1 when one failed (it is printed)."""
    from sandbox import Sandbox

    failures = 0
    with tempfile.TemporaryDirectory(prefix="vigie-scene-") as tmp:
        async with Sandbox() as sb:
            guild, transcript = build_demo(sb)
            settings = Settings(
                token=sb.application.token,
                database_path=Path(database) if database else Path(tmp) / "vigie.db",
                config_dir=config_dir or REPO_CONFIG,
                dev_guild_id=guild.id,
                api_base=sb.api_base,
                gateway_url=sb.gateway_url,
                guild_ready_timeout=0.05,
            )
            print(f"Sandbox Discord on {sb.api_base} (gateway {sb.gateway_url})", file=out)
            print(f"Database: {settings.database_path}", file=out)
            running = await launch_vigie(settings)
            bot = running.bot
            try:
                await running.wait_ready()
                await bot.configs.set_document(guild.id, DEMO_CONFIG, guild.owner_id)
                stage = Stage(
                    sb,
                    guild,
                    bot,
                    transcript,
                    owner=sb.member("olivia", guild=guild),
                    manager=sb.member("maya", guild=guild, roles=["Manager"]),
                    moderator=sb.member("mo", guild=guild, roles=["Moderator"]),
                    out=out,
                )
                for name, actor in (
                    ("olivia", stage.owner),
                    ("maya", stage.manager),
                    ("mo", stage.moderator),
                ):
                    transcript.users[actor.user.id] = name
                stage.narrate(
                    f"Vigie is online in “{guild.name}” (owner olivia, manager maya, moderator mo)"
                )
                for module in scene_modules():
                    part = module.__name__.split(".")[1]
                    try:
                        await module.play(stage)
                    except Exception:
                        failures += 1
                        stage.flush()
                        print(f"!! the {part} scene failed:", file=out)
                        print(traceback.format_exc(), file=out)
                    stage.flush()
                stage.narrate(
                    "End of the scene" + (f": {failures} part(s) failed" if failures else "")
                )
                if keep_running:
                    print("Still running (Ctrl-C to stop).", file=out)
                    await _until_interrupted(stage)
            finally:
                try:
                    await running.stop()
                except Exception:
                    log.exception("Vigie did not stop cleanly")
    return 1 if failures else 0


async def _until_interrupted(stage: Stage) -> None:
    try:
        while True:
            await asyncio.sleep(1)  # a heartbeat for the live transcript, not a wait for an effect
            stage.flush()
    except asyncio.CancelledError:
        pass


def main(argv: Any = None) -> int:
    """Entry point of ``python -m bot sandbox [--keep-running] [--database PATH]``.

    ``argv`` is a list of arguments, or the core parser's namespace (its ``extra`` list).
    """
    import argparse

    if isinstance(argv, argparse.Namespace):
        argv = list(getattr(argv, "extra", None) or [])

    parser = argparse.ArgumentParser(
        prog="python -m bot sandbox",
        description="Run the local Discord and Vigie in one process and play the demo scene.",
    )
    parser.add_argument(
        "--keep-running", action="store_true", help="leave the sandbox and Vigie up"
    )
    parser.add_argument("--database", help="SQLite file to use (default: a temporary one)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Voice is not used: discord.py's warnings about its optional libraries are noise here.
    logging.getLogger("discord.client").setLevel(logging.ERROR)
    try:
        return asyncio.run(play_scene(database=args.database, keep_running=args.keep_running))
    except KeyboardInterrupt:
        return 0
