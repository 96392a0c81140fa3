"""Gateway faults: dropped sockets resume without losing events, RECONNECT, INVALID_SESSION."""

from __future__ import annotations

import asyncio
import json
import zlib

import aiohttp

from sandbox import Sandbox
from sandbox.gateway import IDENTIFY, RESUME
from tests.sandbox.conftest import FastClient, MessageRecorder, intents, running


async def test_drop_then_resume_loses_no_event(sb: Sandbox) -> None:
    client = MessageRecorder()
    async with running(client, sb):
        alice = sb.member("alice")
        await alice.say("#general", "before")
        await client.wait_contents(1)
        resumed = asyncio.create_task(client.wait_for("resumed", timeout=5))
        await sb.gateway.drop()
        await alice.say("#general", "while down 1")  # buffered for the session
        await alice.say("#general", "while down 2")
        await resumed
        await alice.say("#general", "after")
        assert await client.wait_contents(4) == ["before", "while down 1", "while down 2", "after"]
        assert len(await sb.gateway.wait_for_op(RESUME)) == 1
        assert len([p for p in sb.gateway.received if p["op"] == IDENTIFY]) == 1


async def test_reconnect_opcode_resumes(sb: Sandbox) -> None:
    client = MessageRecorder()
    async with running(client, sb):
        resumed = asyncio.create_task(client.wait_for("resumed", timeout=5))
        await sb.gateway.reconnect()
        await resumed
        await sb.member("alice").say("#general", "still here")
        assert await client.wait_contents(1) == ["still here"]


async def test_invalid_session_non_resumable_reidentifies(sb: Sandbox) -> None:
    client = MessageRecorder()
    async with running(client, sb):
        ready_again = asyncio.create_task(client.wait_for("ready", timeout=5))
        await sb.gateway.invalid_session(resumable=False)
        await ready_again
        assert len(await sb.gateway.wait_for_op(IDENTIFY, count=2)) == 2
        await sb.member("alice").say("#general", "new session")
        assert await client.wait_contents(1) == ["new session"]


async def test_invalid_session_resumable_resumes(sb: Sandbox) -> None:
    client = MessageRecorder()
    async with running(client, sb):
        resumed = asyncio.create_task(client.wait_for("resumed", timeout=5))
        await sb.gateway.invalid_session(resumable=True)
        await resumed


async def _raw_session(sb: Sandbox, compress: str | None) -> list[dict]:
    """Speak the gateway by hand; return HELLO, READY, GUILD_CREATE and HEARTBEAT_ACK."""
    url = sb.gateway_url + "?v=10&encoding=json" + (f"&compress={compress}" if compress else "")
    inflate = zlib.decompressobj()
    frames: list[dict] = []
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        while len(frames) < 4:
            msg = await asyncio.wait_for(ws.receive(), 5)
            if msg.type == aiohttp.WSMsgType.BINARY:
                assert compress == "zlib-stream" and msg.data.endswith(b"\x00\x00\xff\xff")
                frames.append(json.loads(inflate.decompress(msg.data)))
            else:
                assert msg.type == aiohttp.WSMsgType.TEXT and compress is None
                frames.append(json.loads(msg.data))
            if frames[-1]["op"] == 10:
                await ws.send_json(
                    {
                        "op": 2,
                        "d": {"token": sb.application.token, "intents": 513, "properties": {}},
                    }
                )
                await ws.send_json({"op": 1, "d": None})
    return frames


async def test_plain_text_and_zlib_stream_frames(sb: Sandbox) -> None:
    for compress in (None, "zlib-stream"):
        hello, ready, guild, ack = await _raw_session(sb, compress)
        assert ack == {"op": 11}
        assert hello["d"]["heartbeat_interval"] > 0
        assert ready["t"] == "READY" and ready["d"]["session_id"]
        assert ready["d"]["resume_gateway_url"] == sb.gateway_url
        assert guild["t"] == "GUILD_CREATE"
        # Without GUILD_MEMBERS only the bot is sent, and member_count stays the real count.
        assert [m["user"]["id"] for m in guild["d"]["members"]] == [str(sb.bot_user.id)]
        assert guild["d"]["member_count"] == 2


async def test_request_guild_members_answers_with_nonce(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        guild = client.get_guild(next(iter(sb.world.guilds)))
        assert guild is not None
        sb.member("zed")  # silently added: the client does not know it yet
        found = await guild.query_members(user_ids=[sb.world.user_named("zed").id])
        assert [m.name for m in found] == ["zed"]
        sent = await sb.gateway.wait_for_op(8)
        assert sent[0]["d"]["nonce"]


async def test_abrupt_drop_resumes(sb: Sandbox) -> None:
    client = MessageRecorder()
    async with running(client, sb):
        resumed = asyncio.create_task(client.wait_for("resumed", timeout=5))
        await sb.gateway.drop(abrupt=True)
        await sb.member("alice").say("#general", "during the cut")
        await resumed
        assert await client.wait_contents(1) == ["during the cut"]


async def test_resume_beyond_the_replay_window_is_refused(sb: Sandbox) -> None:
    client = MessageRecorder()
    async with running(client, sb):
        (session,) = sb.gateway.sessions.values()
        ready_again = asyncio.create_task(client.wait_for("ready", timeout=5))
        await sb.gateway.drop()
        session.buffer.clear()  # as if far more events happened than are kept
        sb.gateway._send_dispatch(session, "TYPING_START", {"channel_id": "1", "user_id": "1"})
        sb.gateway._send_dispatch(session, "TYPING_START", {"channel_id": "1", "user_id": "1"})
        session.buffer.popleft()
        await ready_again  # INVALID_SESSION(false) then a fresh IDENTIFY
        assert len(await sb.gateway.wait_for_op(IDENTIFY, count=2)) == 2
