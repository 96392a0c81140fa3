"""The gateway websocket: HELLO/IDENTIFY/READY, heartbeats, RESUME with replay, faults."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from sandbox import serializers as S
from sandbox.events import GUILD_MEMBERS, MESSAGE_CONTENT, Event, required_intent
from sandbox.signal import DEFAULT_WAIT, Signal

if TYPE_CHECKING:
    from sandbox.state import World

log = logging.getLogger("sandbox.gateway")

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT = 0, 1, 2, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41250
REPLAY_LIMIT = 20_000
PRIVILEGED = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content

_zstd: Any
try:  # zstd-stream only when the client could ask for it (zstandard is in the test extra)
    import zstandard as _zstd
except ImportError:  # pragma: no cover - depends on the environment
    _zstd = None


class _Encoder:
    """Frames for one connection: plain text, zlib-stream or zstd-stream."""

    def __init__(self, compress: str | None) -> None:
        self.mode = compress
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._zstd = (
            _zstd.ZstdCompressor().compressobj() if compress == "zstd-stream" and _zstd else None
        )

    def encode(self, payload: dict[str, Any]) -> str | bytes:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        if self._zlib is not None:
            raw = text.encode()
            return self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        if self._zstd is not None:
            return self._zstd.compress(text.encode()) + self._zstd.flush(
                _zstd.COMPRESSOBJ_FLUSH_BLOCK
            )
        return text


@dataclass
class Connection:
    ws: web.WebSocketResponse
    encoder: _Encoder
    queue: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)
    session: Session | None = None
    transport: asyncio.Transport | None = None


@dataclass
class Session:
    id: str
    intents: int
    seq: int = 0
    # The last REPLAY_LIMIT dispatches, for RESUME (bounded: benchmarks send a lot).
    buffer: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=REPLAY_LIMIT))
    connection: Connection | None = None


class Gateway:
    """All gateway sessions of the one bot; fed by the world's event bus."""

    def __init__(self, world: World, url: Callable[[], str]) -> None:
        self.world = world
        self._url = url
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.received: list[dict[str, Any]] = []  # every payload the client sent
        # The `compress` query of every accepted connection, in order (None: plain text).
        self.compress_modes: list[str | None] = []
        self._received_changed = Signal()
        world.bus.subscribe(self._on_event)

    # ---- what tests use --------------------------------------------------------------------
    async def drop(self, *, abrupt: bool = False) -> None:
        """Close every socket: the client must RESUME and get the missed events replayed.

        Default: a close frame with code 4000 (Discord's "unknown error"); abrupt=True cuts
        the TCP connection without any frame, like a network failure.
        """
        for conn in list(self.connections):
            if abrupt and conn.transport is not None:
                self._detach(conn)
                conn.transport.abort()
            else:
                await self._close(conn, 4000)

    async def reconnect(self) -> None:
        """Send op 7 RECONNECT: the client closes and RESUMEs."""
        for conn in list(self.connections):
            conn.queue.put_nowait({"op": RECONNECT, "d": None})

    async def invalid_session(self, resumable: bool = False) -> None:
        """Send op 9; when not resumable, the session is forgotten and the client re-IDENTIFYs.

        discord.py sleeps 5 s in `before_identify_hook` before a non-initial IDENTIFY; test
        clients override that hook to return at once.
        """
        for conn in list(self.connections):
            if not resumable and conn.session is not None:
                self.sessions.pop(conn.session.id, None)
            conn.queue.put_nowait({"op": INVALID_SESSION, "d": resumable})

    async def wait_for_op(
        self,
        op: int,
        *,
        count: int = 1,
        timeout: float = DEFAULT_WAIT,  # noqa: ASYNC109 (the documented sandbox API)
    ) -> list[dict[str, Any]]:
        """Wait until the client has sent `count` payloads with opcode `op`."""

        def matching() -> list[dict[str, Any]]:
            return [p for p in self.received if p.get("op") == op]

        return await self._received_changed.wait_for(
            lambda: matching() if len(matching()) >= count else None, timeout, f"op {op}"
        )

    # ---- the websocket handler -------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        compress = request.query.get("compress")
        self.compress_modes.append(compress)
        conn = Connection(ws=ws, encoder=_Encoder(compress), transport=request.transport)
        self.connections.append(conn)
        writer = asyncio.create_task(self._writer(conn))
        conn.queue.put_nowait({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_payload(conn, json.loads(msg.data))
                elif msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            self._detach(conn)
            with contextlib.suppress(Exception):
                await writer
        return ws

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await self._close(conn, 1001)

    def _detach(self, conn: Connection) -> None:
        if conn.session is not None and conn.session.connection is conn:
            conn.session.connection = None
        if conn in self.connections:
            self.connections.remove(conn)
        conn.queue.put_nowait(None)

    async def _close(self, conn: Connection, code: int) -> None:
        self._detach(conn)
        with contextlib.suppress(Exception):
            await conn.ws.close(code=code)

    async def _writer(self, conn: Connection) -> None:
        while True:
            payload = await conn.queue.get()
            if payload is None or conn.ws.closed:
                return
            try:
                data = conn.encoder.encode(payload)
                if isinstance(data, bytes):
                    await conn.ws.send_bytes(data)
                else:
                    await conn.ws.send_str(data)
            except (ConnectionError, RuntimeError):
                return

    async def _on_payload(self, conn: Connection, payload: dict[str, Any]) -> None:
        self.received.append(payload)
        self._received_changed.notify()
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            conn.queue.put_nowait({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            self._identify(conn, data or {})
        elif op == RESUME:
            self._resume(conn, data or {})
        elif op == REQUEST_MEMBERS:
            self._request_members(conn, data or {})

    def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token", "").removeprefix("Bot ") != self.world.application.token:
            asyncio.get_running_loop().create_task(self._close(conn, 4004))
            return
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED & ~self.world.application.privileged_intents:
            asyncio.get_running_loop().create_task(self._close(conn, 4014))
            return
        session = Session(id=secrets.token_hex(16), intents=intents)
        self.sessions[session.id] = session
        session.connection = conn
        conn.session = session
        bot = self.world.bot
        guilds = [g for g in self.world.guilds.values() if bot.id in g.members]
        ready = {
            "v": 10,
            "user": {**S.user(bot), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "resume_gateway_url": self._url(),
            "session_type": "normal",
            "shard": [0, 1],
            "application": {"id": str(self.world.application.id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
            "_trace": ["sandbox"],
        }
        self._send_dispatch(session, "READY", ready)
        for guild in guilds:
            self._send_dispatch(session, "GUILD_CREATE", self._guild_create(session, guild.id))

    def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if (
            session is None
            or data.get("token", "").removeprefix("Bot ") != self.world.application.token
        ):
            conn.queue.put_nowait({"op": INVALID_SESSION, "d": False})
            return
        if session.connection is not None and session.connection is not conn:
            old = session.connection
            asyncio.get_running_loop().create_task(self._close(old, 4000))
        session.connection = conn
        conn.session = session
        last = int(data.get("seq") or 0)
        if session.buffer and last < session.buffer[0]["s"] - 1:
            # Missed more than we kept: Discord would not resume either.
            self.sessions.pop(session.id, None)
            conn.session = None
            conn.queue.put_nowait({"op": INVALID_SESSION, "d": False})
            return
        for frame in session.buffer:
            if frame["s"] > last:
                conn.queue.put_nowait(frame)
        self._send_dispatch(session, "RESUMED", {"_trace": ["sandbox"]})

    def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        session = conn.session
        guild = self.world.guilds.get(int(data.get("guild_id", 0)))
        if session is None or guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.id in wanted]
        elif data.get("query"):
            q = str(data["query"]).lower()
            members = [m for m in members if m.user.username.lower().startswith(q)]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [S.member(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    # ---- dispatching -----------------------------------------------------------------------
    def _guild_create(self, session: Session, guild_id: int) -> dict[str, Any]:
        return S.guild_create(
            self.world.guilds[guild_id],
            include_members=bool(session.intents & GUILD_MEMBERS),
            bot_id=self.world.bot.id,
            users=self.world.users,
        )

    def _send_dispatch(self, session: Session, name: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": DISPATCH, "t": name, "s": session.seq, "d": data}
        session.buffer.append(frame)
        if session.connection is not None:
            session.connection.queue.put_nowait(frame)

    def _on_event(self, event: Event) -> None:
        for session in list(self.sessions.values()):
            if event.name == "GUILD_CREATE" and "__guild__" in event.data:
                data = self._guild_create(session, event.data["__guild__"])
                del data["unavailable"]  # a join, not an outage ending: no `unavailable` key
                self._send_dispatch(session, "GUILD_CREATE", data)
                continue
            needed = required_intent(event.name, event.data)
            if needed and not session.intents & needed:
                continue
            data = event.data
            if event.name in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
                data = self._gate_content(session, event)
            self._send_dispatch(session, event.name, data)

    def _gate_content(self, session: Session, event: Event) -> dict[str, Any]:
        """Without MESSAGE_CONTENT, content is empty unless the bot wrote it or is mentioned."""
        if session.intents & MESSAGE_CONTENT or self.world.bot.id in event.content_exempt_ids:
            return event.data
        return {**event.data, "content": "", "embeds": [], "attachments": [], "components": []}
