"""End-to-end harness: the real Vigie against the local sandbox, on a fresh SQLite file.

Fixture API (feature e2e tests use this; keep it stable)
--------------------------------------------------------
``world`` (async fixture) — a running world (about 0.5 s to start on an idle machine; most of
it is the bot building its catalogue and validating the defaults):

- ``world.sb``           the :class:`sandbox.Sandbox` (relaxed rate limits: headers sent,
                         buckets high; ``make_world(rate_limits="discord")`` for Discord's own
                         numbers, ``False`` for none).
- ``world.guild``        the demo guild "Vigie Demo": channels ``general``, ``modlog``,
                         ``reports``, ``welcome``, ``rules``, ``feedback``, ``support``,
                         ``games``, ``announcements``; roles ``Moderator`` and ``Manager`` below
                         the bot's role; the bot is in it with Administrator.
- ``world.bot``          the running :class:`bot.app.Vigie` (``None`` while stopped).
- ``world.db_path``      the SQLite file (``tmp_path / "world0" / "vigie.db"``).
- ``world.config_dir``   a temporary config dir: a copy of ``config/default.yaml`` in which
                         ``roles.managers: [Manager]``, ``roles.moderators: [Moderator]``,
                         ``channels.modlog: modlog`` and ``channels.reports: reports`` are set
                         (so the guild has no stored config version at start).
- ``world.owner``        actor "olivia", the guild owner.
- ``world.manager``      actor "maya" with the Manager role.
- ``world.moderator``    actor "mo" with the Moderator role.
- ``world.member(name, roles=[...])`` -> actor (created on first use; roles by name).
- ``await world.set_config(yaml_text)`` stores a guild document as a new version (as the
  owner) through the bot's own service; raises ``ConfigInvalid`` like ``/config import`` does.
- ``await world.restart(before_setup=None)`` stops Vigie cleanly and starts a fresh one on the
  same database, config dir and sandbox; waits until it is ready again.
- ``await world.stop()`` / ``await world.start(before_setup=None)`` for finer control.
- ``world.logs``         every log record of the run (``logging.LogRecord``), all loggers, at
  INFO and above (``make_world(log_level="DEBUG")`` for everything);
  ``world.log_text()`` the formatted lines, tracebacks included.
- ``world.startup_seconds`` how long the last start took (bot constructed -> ready + synced).
- ``world.t(message_key, locale="en", **fields)`` the bot's catalogue, to assert on exact
  texts (the key is positional, so a placeholder may be called ``key``).

``make_world`` (async fixture) — a factory for worlds with options, for tests that need them:
``w = await make_world(rate_limits="discord", start=True, faults=lambda sb: ..., before_setup=...,
config="locale: fr\n", log_level="DEBUG")``. ``faults(sb)`` runs before the bot connects
(faults pre-set);
``before_setup(bot)`` (sync or async) runs after ``Vigie`` is built and before its
``setup_hook`` (register a test store, a timer handler, an extra cog). Every world it made is
stopped and closed at teardown.

Actors come from the sandbox (``docs/sandbox-api.md``): ``await world.manager.slash("config
show")``, ``r = ...; await r.response()``, ``await actor.click(record, "Apply")`` and so on.
"""

from __future__ import annotations

import functools
import logging
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
CHANNELS = [
    "general",
    "modlog",
    "reports",
    "welcome",
    "rules",
    "feedback",
    "support",
    "games",
    "announcements",
]
ROLES = ["Moderator", "Manager"]
READY_TIMEOUT = 10.0
# libyaml when present: the pure-Python parser costs ~0.1 s per world on a busy machine.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
SYNC_ROUTE = "/applications/{application_id}/guilds/{guild_id}/commands"

Hook = Callable[[Any], Awaitable[None] | None]


class _Capture(logging.Handler):
    """Keeps every record; formatting happens in the test so nothing is lost to a formatter."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@functools.cache
def _demo_defaults(source: str) -> str:
    """default.yaml with the demo guild's roles and channels (cached: parsed once per run)."""
    defaults = yaml.load(source, Loader=_Loader)
    defaults.setdefault("roles", {}).update(managers=["Manager"], moderators=["Moderator"])
    defaults.setdefault("channels", {}).update(modlog="modlog", reports="reports")
    return yaml.dump(defaults, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def prepare_config_dir(target: Path) -> Path:
    """A copy of ``config/`` (defaults only) with the demo guild's roles and channels."""
    target.mkdir(parents=True, exist_ok=True)
    source = (REPO / "config" / "default.yaml").read_text(encoding="utf-8")
    (target / "default.yaml").write_text(_demo_defaults(source), encoding="utf-8")
    for extra in ("examples", "trivia"):
        # Copied, not linked: a test may add files there without touching the repository.
        if (REPO / "config" / extra).is_dir():
            shutil.copytree(REPO / "config" / extra, target / extra, dirs_exist_ok=True)
    return target


class World:
    """A sandbox, a demo guild and a Vigie process-in-a-task; see the module docstring."""

    def __init__(self, sb: Sandbox, tmp_path: Path, capture: _Capture) -> None:
        self.sb = sb
        self.tmp_path = tmp_path
        self.db_path = tmp_path / "vigie.db"
        self.config_dir = prepare_config_dir(tmp_path / "config")
        self._capture = capture
        self.bot: Any = None
        self._running: Any = None
        self.startup_seconds = 0.0
        self.guild = sb.create_guild("Vigie Demo", owner="olivia", channels=CHANNELS, roles=ROLES)
        sb.add_bot_to(self.guild)
        self.owner = sb.member("olivia", guild=self.guild)
        self.manager = sb.member("maya", guild=self.guild, roles=["Manager"])
        self.moderator = sb.member("mo", guild=self.guild, roles=["Moderator"])

    # -- people and config ----------------------------------------------------------------
    def member(self, name: str, roles: list[str] | tuple[str, ...] = ()) -> Any:
        """The actor ``name`` in the demo guild (created with ``roles`` on first use)."""
        return self.sb.member(name, guild=self.guild, roles=list(roles))

    async def set_config(self, yaml_text: str) -> Any:
        """Store ``yaml_text`` as the guild's newest config version (author: the owner)."""
        return await self.bot.configs.set_document(self.guild.id, yaml_text, self.owner.user.id)

    def t(self, message_key: str, /, locale: str = "en", **fields: Any) -> str:
        """The catalogue's text for ``message_key`` (fields may include one named ``key``)."""
        return self.bot.i18n.t(locale, message_key, **fields)

    @property
    def logs(self) -> list[logging.LogRecord]:
        return self._capture.records

    def log_text(self) -> str:
        formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
        return "\n".join(formatter.format(r) for r in self._capture.records)

    # -- the bot's life -------------------------------------------------------------------
    def settings(self) -> Any:
        from bot.settings import Settings

        return Settings(
            token=self.sb.application.token,
            database_path=self.db_path,
            config_dir=self.config_dir,
            log_level="DEBUG",
            dev_guild_id=self.guild.id,
            api_base=self.sb.api_base,
            gateway_url=self.sb.gateway_url,
            guild_ready_timeout=0.05,
        )

    async def start(self, before_setup: Hook | None = None) -> Any:
        """Build a fresh Vigie on this world's database and wait until it is ready and synced."""
        from bot.scene import launch_vigie

        assert self.bot is None, "already running: stop() first"
        started = time.perf_counter()
        synced = lambda r: 200 <= r.status < 300  # noqa: E731
        syncs_before = len(self.sb.recorder.find("PUT", SYNC_ROUTE, synced))
        self._running = await launch_vigie(self.settings(), before_setup=before_setup)
        self.bot = self._running.bot
        try:
            await self._running.wait_ready(READY_TIMEOUT)
            await self.sb.wait_for_request(
                "PUT", SYNC_ROUTE, timeout=READY_TIMEOUT, where=synced, count=syncs_before + 1
            )
        except BaseException:
            await self.stop()
            raise
        self.startup_seconds = time.perf_counter() - started
        return self.bot

    async def stop(self) -> None:
        """Close Vigie cleanly (its database too) and wait for its task to end."""
        running, self._running, self.bot = self._running, None, None
        if running is not None:
            await running.stop(READY_TIMEOUT)

    async def restart(self, before_setup: Hook | None = None) -> Any:
        """A clean stop and a fresh Vigie on the same database, config and sandbox."""
        await self.stop()
        return await self.start(before_setup=before_setup)


@pytest.fixture
async def make_world(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[World]]]:
    """Factory of worlds (see the module docstring); everything is torn down after the test."""
    capture = _Capture()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(capture)
    # INFO by default: aiosqlite and discord.py at DEBUG log every query and frame, which
    # slows the bot down; a test that needs everything asks make_world(log_level="DEBUG").
    root.setLevel(logging.INFO)
    stacks: list[tuple[World, Sandbox]] = []

    async def make(
        *,
        rate_limits: bool | str = True,
        start: bool = True,
        faults: Callable[[Sandbox], None] | None = None,
        before_setup: Hook | None = None,
        config: str | None = None,
        log_level: str = "INFO",
    ) -> World:
        if logging.getLevelName(log_level) < root.level:
            root.setLevel(log_level)
        sb = Sandbox(rate_limits=rate_limits, owner="olivia")
        await sb.__aenter__()
        world = World(sb, tmp_path / f"world{len(stacks)}", capture)
        stacks.append((world, sb))
        if faults is not None:
            faults(sb)
        if start:
            await world.start(before_setup=before_setup)
            if config is not None:
                await world.set_config(config)
        return world

    try:
        yield make
    finally:
        for world, sb in reversed(stacks):
            try:
                await world.stop()
            finally:
                await sb.__aexit__(None, None, None)
        root.removeHandler(capture)
        root.setLevel(previous_level)


@pytest.fixture
async def world(make_world: Callable[..., Awaitable[World]]) -> World:
    """A running world with relaxed rate limits (see the module docstring)."""
    return await make_world()
