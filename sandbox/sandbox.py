"""`Sandbox`: the local Discord — world, REST server, gateway, faults, recorder, actors."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from sandbox import moderation
from sandbox import permissions as P
from sandbox import serializers as S
from sandbox.actors import Actor
from sandbox.application import Application
from sandbox.events import EventBus
from sandbox.faults import Faults
from sandbox.gateway import Gateway
from sandbox.interactions import InteractionRecord
from sandbox.models import Attachment, Channel, Guild, Member, Role, User
from sandbox.ratelimits import RateLimitConfig, RateLimiter
from sandbox.recorder import Recorder, RequestRecord
from sandbox.server import ApiServer
from sandbox.signal import DEFAULT_WAIT, Signal
from sandbox.state import World


class Sandbox:
    """A local Discord on 127.0.0.1. Use as `async with Sandbox() as sb:`.

    rate_limits: True/None -> relaxed buckets (headers sent, limits high enough for tests);
    "discord" -> Discord's numbers (5 messages / 5 s / channel); False -> never 429;
    or a RateLimitConfig. interaction_deadline: seconds the bot has for its first callback
    (Discord: 3); None disables the check.
    """

    def __init__(
        self,
        *,
        rate_limits: bool | str | RateLimitConfig | None = True,
        interaction_deadline: float | None = 3.0,
        bot_name: str = "Vigie",
        owner: str = "owner",
        port: int = 0,
        token: str | None = None,
    ) -> None:
        self.requested_port = port  # 0: a free port chosen by the OS
        self.bus = EventBus()
        self.world = World(self.bus, bot_name=bot_name)
        if token is not None:
            self.world.application.token = token
        self.owner: User = self.world.create_user(owner)
        self.recorder = Recorder()
        self.faults = Faults()
        self.ratelimiter = RateLimiter(_rate_config(rate_limits))
        self.interaction_deadline = interaction_deadline
        self.gateway = Gateway(self.world, lambda: self.gateway_url)
        self.server = ApiServer(self)
        self.attachments: dict[int, Attachment] = {}
        self.interactions: list[InteractionRecord] = []
        self._by_token: dict[str, InteractionRecord] = {}
        self.changed = Signal()  # every state change and interaction answer notifies here
        self.bus.subscribe(self._on_event)

    # ---- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        await self.server.start()

    async def stop(self) -> None:
        await self.gateway.close_all()
        await self.server.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.server.port}/gateway"

    @property
    def application(self) -> Application:
        return self.world.application

    @property
    def bot_user(self) -> User:
        return self.world.bot

    # ---- building the world ----------------------------------------------------------------
    def create_guild(
        self,
        name: str,
        *,
        owner: str | User | None = None,
        channels: list[str] | None = None,
        roles: list[str] | None = None,
        categories: dict[str, list[str]] | None = None,
        with_bot: bool = False,
        bot_permissions: int = P.ADMINISTRATOR,
    ) -> Guild:
        guild = self.world.create_guild(
            name, owner=owner or self.owner, channels=channels, roles=roles, categories=categories
        )
        if with_bot:
            self.add_bot_to(guild, permissions=bot_permissions)
        return guild

    def add_bot_to(self, guild: Guild, *, permissions: int = P.ADMINISTRATOR) -> Member:
        return self.world.add_bot_to(guild, permissions=permissions)

    def create_role(
        self,
        guild: Guild | None,
        name: str,
        *,
        permissions: int = 0,
        position: int = 1,
        color: int = 0,
        hoist: bool = False,
        mentionable: bool = False,
        by: str | User | None = None,
        reason: str | None = None,
    ) -> Role:
        """A role created in the server settings by `by` (default: the guild owner).

        position 1 (the default, as on Discord) is just above @everyone; roles at or above
        `position` move up one. Connected clients get GUILD_ROLE_UPDATE for each role moved,
        then GUILD_ROLE_CREATE; the audit log gets ROLE_CREATE in `by`'s name."""
        guild = self._default_guild(guild)
        author = self.world.users[guild.owner_id] if by is None else self.world.ensure_user(by)
        return moderation.create_role(
            self.world,
            guild,
            name,
            by=author,
            reason=reason,
            permissions=permissions,
            position=position,
            color=color,
            hoist=hoist,
            mentionable=mentionable,
        )

    def _default_guild(self, guild: Guild | None) -> Guild:
        if guild is not None:
            return guild
        if len(self.world.guilds) == 1:
            return next(iter(self.world.guilds.values()))
        raise ValueError("several guilds exist: pass guild=")

    def user(self, name: str) -> User:
        return self.world.ensure_user(name)

    def member(
        self, name: str, *, guild: Guild | None = None, roles: list[str] | None = None
    ) -> Actor:
        """The actor `name` as a member of `guild` (created silently if needed: no event)."""
        guild = self._default_guild(guild)
        user = self.world.ensure_user(name)
        member = guild.members.get(user.id)
        if member is None:
            member = Member(user=user, guild_id=guild.id)
            guild.members[user.id] = member
        for role_name in roles or []:
            role_id = guild.role(role_name).id
            if role_id not in member.roles:
                member.roles.append(role_id)
        return Actor(self, user, guild)

    def actor(self, name: str, *, guild: Guild | None = None) -> Actor:
        """An actor for a user that may not be a member of any guild (DMs)."""
        return Actor(self, self.world.ensure_user(name), guild)

    async def join(
        self, name: str, *, guild: Guild | None = None, roles: list[str] | None = None
    ) -> Actor:
        """`name` joins `guild`: GUILD_MEMBER_ADD."""
        guild = self._default_guild(guild)
        user = self.world.ensure_user(name)
        if user.id in guild.bans:
            raise PermissionError(f"{name} is banned from {guild.name}")
        role_ids = [guild.role(r).id for r in roles or []]
        self.world.add_member(guild, user, role_ids)
        return Actor(self, user, guild)

    # ---- attachments and interactions ------------------------------------------------------
    def add_attachment(self, att: Attachment) -> None:
        att.url = f"{self.base_url}/attachments/{att.id}/{att.filename}"
        self.attachments[att.id] = att

    def new_interaction(self, **fields: Any) -> InteractionRecord:
        rec = InteractionRecord(token=_token(), changed=self.changed, **fields)
        self.interactions.append(rec)
        self._by_token[rec.token] = rec
        return rec

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        return self._by_token.get(token)

    # ---- what Discord saw ------------------------------------------------------------------
    @property
    def requests(self) -> list[RequestRecord]:
        return self.recorder.requests

    async def wait_for_request(
        self,
        method: str,
        route: str,
        *,
        timeout: float = DEFAULT_WAIT,  # noqa: ASYNC109 (the documented sandbox API)
        where: Callable[[RequestRecord], bool] | None = None,
        count: int = 1,
    ) -> RequestRecord:
        return await self.recorder.wait_for(
            method, route, timeout=timeout, where=where, count=count
        )

    def _channel(self, channel: Channel | int | str, guild: Guild | None = None) -> Channel:
        if isinstance(channel, Channel):
            return channel
        if isinstance(channel, int):
            found = self.world.channel(channel)
            if found is None:
                raise KeyError(channel)
            return found
        return self._default_guild(guild).channel(channel)

    def messages(
        self, channel: Channel | int | str, *, guild: Guild | None = None
    ) -> list[dict[str, Any]]:
        """Current (non-ephemeral) messages of a channel, oldest first, as Discord JSON."""
        ch = self._channel(channel, guild)
        msgs = sorted(self.world.messages.get(ch.id, {}).values(), key=lambda m: m.id)
        return [self.world.message_json(m) for m in msgs if not m.ephemeral]

    def dms(self, user: User | Actor | str) -> list[dict[str, Any]]:
        """Messages in the DM channel between the bot and `user`, oldest first."""
        u = (
            user.user
            if isinstance(user, Actor)
            else self.world.ensure_user(user)
            if isinstance(user, str)
            else user
        )
        return self.messages(self.world.dm_channel(u))

    async def wait_for_message(
        self,
        channel: Channel | int | str | None = None,
        *,
        timeout: float = DEFAULT_WAIT,  # noqa: ASYNC109 (the documented sandbox API)
        where: Callable[[dict[str, Any]], bool] | None = None,
        author: User | None = None,
        guild: Guild | None = None,
    ) -> dict[str, Any]:
        """The first MESSAGE_CREATE (from now on or already seen) matching; JSON dict."""
        ch = self._channel(channel, guild) if channel is not None else None
        author = author or self.world.bot

        def find() -> dict[str, Any] | None:
            for event in self.bus.history:
                if event.name != "MESSAGE_CREATE":
                    continue
                d = event.data
                if ch is not None and d["channel_id"] != str(ch.id):
                    continue
                if d["author"]["id"] != str(author.id):
                    continue
                if where is None or where(d):
                    return d
            return None

        return await self.changed.wait_for(find, timeout, "matching message")

    def _on_event(self, event: Any) -> None:
        self.changed.notify()

    def user_json(self, user: User) -> dict[str, Any]:
        return S.user(user)


def _token() -> str:
    return "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)


def _rate_config(value: bool | str | RateLimitConfig | None) -> RateLimitConfig:
    if isinstance(value, RateLimitConfig):
        return value
    if value is False:
        return RateLimitConfig.off()
    if value == "discord":
        return RateLimitConfig.discord()
    return RateLimitConfig.relaxed()
