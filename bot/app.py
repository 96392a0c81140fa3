"""Vigie, the bot: services as typed attributes, cog discovery, start-up and shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable, Collection, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl
from discord.ext import commands

from bot.batch import BatchWriter
from bot.catalogue import Catalogue
from bot.config_schema import SchemaRegistry
from bot.db import Database, MigrationError
from bot.discovery import CORE_DIR, DEFAULT_COGS_DIR, CogInfo, discover_cogs
from bot.errors import VigieTree
from bot.guild_config import GuildConfigs
from bot.i18n import I18n, VigieTranslator
from bot.modlog import ModLog
from bot.privacy import Privacy, UserDataStore
from bot.settings import Settings
from bot.timers import Timers

log = logging.getLogger(__name__)

MessageHook = Callable[[discord.Message], None]


def make_intents() -> discord.Intents:
    """Guilds, members, messages (with content), reactions and moderation events."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.members = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = True
    intents.reactions = True
    intents.moderation = True
    return intents


def point_discord_at(api_base: str | None, gateway_url: str | None) -> None:
    """Send discord.py's REST calls to ``api_base`` and its gateway to ``gateway_url``.

    ``Route.BASE`` is a class attribute shared by the HTTP client and webhooks (interaction
    follow-ups). A plain client connects to ``DiscordWebSocket.DEFAULT_GATEWAY`` (it never asks
    ``GET /gateway/bot``), and reconnects to READY's ``resume_gateway_url``.
    """
    if api_base:
        discord.http.Route.BASE = api_base
        discord.webhook.async_.Route.BASE = api_base
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class Vigie(commands.Bot):
    """The bot. Cogs reach the core services through these attributes."""

    settings: Settings
    db: Database
    http_session: aiohttp.ClientSession | None
    configs: GuildConfigs
    timers: Timers
    i18n: I18n
    modlog: ModLog
    privacy: Privacy
    started_at: datetime

    def __init__(
        self,
        settings: Settings,
        db: Database,
        http_session: aiohttp.ClientSession | None = None,
        *,
        cogs_dir: Path | None = None,
        enabled_cogs: Collection[str] | None = None,
        guild_ready_timeout: float | None = None,
        sync_commands: bool = True,
        before_setup: Callable[[Vigie], Any] | None = None,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=make_intents(),
            tree_cls=VigieTree,
            help_command=None,
            owner_ids=set(settings.owner_ids) or None,
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=True),
            guild_ready_timeout=guild_ready_timeout or settings.guild_ready_timeout,
        )
        self.settings = settings
        self.db = db
        self.http_session = http_session
        self.started_at = datetime.now(UTC)
        self.cogs_dir = cogs_dir or DEFAULT_COGS_DIR
        every_cog = discover_cogs(self.cogs_dir)
        self.cog_infos: list[CogInfo] = [
            c for c in every_cog if enabled_cogs is None or c.name in enabled_cogs
        ]
        self.failed_cogs: dict[str, str] = {}
        self.sync_commands = sync_commands
        # Tests and the scene register stores, timer handlers or extra cogs before setup runs.
        self.before_setup = before_setup
        # Documents may hold every feature's section, loaded here or not: validate them all.
        self.schemas = SchemaRegistry.discover(every_cog)
        self.configs = GuildConfigs(
            db,
            settings.config_dir,
            self.schemas,
            on_change=lambda gid: self.dispatch("config_changed", gid),
        )
        self.catalogue = Catalogue.load(
            [CORE_DIR / "locales", *(c.locales_dir for c in self.cog_infos)]
        )
        self.i18n = I18n(self.catalogue, self.configs, self)
        self.timers = Timers(db, dispatch=self.dispatch)
        self.modlog = ModLog(self)
        self.privacy = Privacy()
        self._batches: list[BatchWriter] = []
        self._message_hooks: list[MessageHook] = []
        self._event_tasks: set[asyncio.Task[Any]] = set()
        # How long close() lets running listeners finish before the database goes away.
        self.close_grace = 2.0

    # -- services for cogs ----------------------------------------------------------------------

    def register_store(self, store: UserDataStore) -> None:
        """Make a store part of ``/privacy`` export and forget."""
        self.privacy.register(store)

    def feature_enabled(self, guild_id: int | None, section: str) -> bool:
        """``<section>.enabled`` of the guild's cached config (no guild: False)."""
        if guild_id is None:
            return False
        return bool(self.configs.get(guild_id).section(section).get("enabled", True))

    def batch_writer(self, sql: str, *, interval: float = 2.0, name: str = "batch") -> BatchWriter:
        """A started :class:`BatchWriter` that is flushed when the bot closes."""
        writer = BatchWriter(self.db, sql, interval=interval, name=name)
        writer.start()
        self._batches.append(writer)
        return writer

    # -- start-up -------------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        if self.before_setup is not None:
            result = self.before_setup(self)
            if inspect.isawaitable(result):
                await result
        await self.db.migrate("core", CORE_DIR / "migrations")
        for info in self.cog_infos:
            try:
                await self.db.migrate(info.name, info.migrations_dir)
            except MigrationError as exc:
                log.error("cog %s not loaded: %s", info.name, exc)
                self.failed_cogs[info.name] = str(exc)
        await self.configs.load_all()
        await self.tree.set_translator(VigieTranslator(self.catalogue))
        from bot.owner import OwnerCommands  # the owner commands need the bot type

        await self.add_cog(OwnerCommands(self))
        await self._load_cogs()
        armed = await self.timers.start(gate=self.wait_until_ready)
        log.info(
            "%d timers armed; cogs loaded: %s", armed, ", ".join(sorted(self.extensions)) or "none"
        )
        if self.settings.dev_guild_id and self.sync_commands:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to development guild %s", len(synced), guild.id)

    async def _load_cogs(self) -> None:
        if self.cogs_dir != DEFAULT_COGS_DIR and str(self.cogs_dir.parent) not in sys.path:
            sys.path.insert(0, str(self.cogs_dir.parent))
        for info in self.cog_infos:
            if info.name in self.failed_cogs or not info.has_setup:
                continue
            module = f"{self.cogs_dir.name}.{info.name}"
            try:
                await self.load_extension(module)
            except Exception as exc:
                # One broken cog must not take the others down.
                cause = exc.__cause__ or exc
                log.error(
                    "cog %s failed to load",
                    info.name,
                    exc_info=(type(cause), cause, cause.__traceback__),
                )
                self.failed_cogs[info.name] = f"{type(cause).__name__}: {cause}"

    # -- the message hot path -------------------------------------------------------------------

    def add_message_hook(self, hook: MessageHook) -> None:
        """Run ``hook(message)`` for every message, synchronously, before any listener task.

        This is the per-message path of automod, XP and analytics: a hook updates memory (or
        spawns a task when there is real work, like a verdict to enforce) and never awaits.
        One hook costs a function call; an ``on_message`` listener costs a task per message.
        """
        self._message_hooks.append(hook)

    def remove_message_hook(self, hook: MessageHook) -> None:
        with contextlib.suppress(ValueError):
            self._message_hooks.remove(hook)

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if event_name != "message":
            super().dispatch(event_name, *args, **kwargs)
            return
        message: discord.Message = args[0]
        for hook in self._message_hooks:
            try:
                hook(message)
            except Exception:
                log.exception("message hook %s failed on message %s", hook, message.id)
        # The on_message tasks only when something needs them: a mention of the bot (owner
        # text commands), an on_message listener, or a wait_for("message").
        mentioned = self.user is not None and self.user.id in message.raw_mentions
        waiting = bool(getattr(self, "_listeners", {}).get("message"))
        if mentioned or waiting or self.extra_events.get("on_message"):
            super().dispatch(event_name, *args, **kwargs)

    async def on_message(self, message: discord.Message, /) -> None:
        # Text commands are owner tools reached by mention: every other message (the hot path)
        # skips the prefix parsing that commands.Bot would do for it.
        if self.user is not None and self.user.id in message.raw_mentions:
            await self.process_commands(message)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.configs.load(guild.id)

    async def on_command_error(
        self, context: commands.Context[Any], exception: commands.CommandError, /
    ) -> None:
        # Text commands are owner tools reached by mention; stay quiet for everyone else.
        if isinstance(exception, commands.CommandNotFound | commands.CheckFailure):
            return
        log.error("text command %s failed", context.command, exc_info=exception)

    def _schedule_event(
        self,
        coro: Callable[..., Coroutine[Any, Any, Any]],
        event_name: str,
        *args: Any,
        **kwargs: Any,
    ) -> asyncio.Task[Any]:
        # Tracked so that close() can let listeners finish their database work first.
        task = super()._schedule_event(coro, event_name, *args, **kwargs)
        self._event_tasks.add(task)
        task.add_done_callback(self._event_tasks.discard)
        return task

    async def close(self) -> None:
        await self.timers.stop()
        current = asyncio.current_task()
        running = [t for t in self._event_tasks if t is not current and not t.done()]
        if running:
            started = asyncio.get_running_loop().time()
            _, still = await asyncio.wait(running, timeout=self.close_grace)
            log.info(
                "close: waited %.2fs for %d running listeners (%d still running)",
                asyncio.get_running_loop().time() - started,
                len(running),
                len(still),
            )
        # Cogs go before the batch writers: a cog_unload may still queue rows (work it let
        # finish), and a writer closed before that would keep them pending for good.
        for extension in tuple(self.extensions):
            try:
                await self.unload_extension(extension)
            except Exception:
                log.exception("extension %s failed to unload", extension)
        for name in tuple(self.cogs):
            try:
                await self.remove_cog(name)
            except Exception:
                log.exception("cog %s failed to unload", name)
        for writer in self._batches:
            try:
                await writer.close()
            except Exception:
                log.exception("batch %s could not be flushed at close", writer.name)
        await super().close()


def create_bot(
    settings: Settings,
    db: Database,
    http_session: aiohttp.ClientSession | None = None,
    **options: Any,
) -> Vigie:
    """Build the bot (and point discord.py at the configured API and gateway)."""
    point_discord_at(settings.api_base, settings.gateway_url)
    return Vigie(settings, db, http_session, **options)


@dataclass
class Services:
    """What the process opens once and closes once."""

    settings: Settings
    db: Database
    http_session: aiohttp.ClientSession


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """Open the database and the HTTP session; close both on the way out."""
    db = await Database.open(settings.database_path)
    try:
        async with aiohttp.ClientSession() as session:
            yield Services(settings, db, session)
    finally:
        await db.close()


async def run_bot(settings: Settings, **options: Any) -> None:
    """Run until closed; raises ``discord.LoginFailure`` when the token is rejected.

    SIGTERM (how systemd, Docker and most process managers stop a service) closes the bot as
    Ctrl-C does: cogs unload and write what they hold in memory (XP, activity counts) before
    the database closes. Without a handler, SIGTERM would end the process on the spot.
    """
    async with open_services(settings) as services:
        bot = create_bot(settings, services.db, services.http_session, **options)
        async with bot:
            loop = asyncio.get_running_loop()
            closing: list[asyncio.Task[None]] = []
            with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
                loop.add_signal_handler(
                    signal.SIGTERM, lambda: closing.append(asyncio.create_task(bot.close()))
                )
            try:
                await bot.start(settings.token)
            finally:
                with contextlib.suppress(NotImplementedError):
                    loop.remove_signal_handler(signal.SIGTERM)
                await asyncio.gather(*closing)
