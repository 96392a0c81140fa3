"""Gateway transport compression: zstd-stream, zlib-stream and plain text frames.

discord.py 2.7 asks for zstd-stream when `zstandard` is importable (it is in the `test`
extra) and zlib-stream otherwise, so a real bot may use either: both are driven here by the
real client, across a RESUME (a new socket starts a new compression stream).
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import Iterator

import aiohttp
import discord
import pytest
import zstandard

from sandbox import Sandbox
from tests.sandbox.conftest import MessageRecorder, running


class _ZlibContext:
    """discord.py's own zlib-stream decompression (utils._ZlibDecompressionContext), which
    it only defines when no zstd module is importable: a client without zstandard."""

    COMPRESSION_TYPE = "zlib-stream"

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.context = zlib.decompressobj()

    def decompress(self, data: bytes, /) -> str | None:
        self.buffer.extend(data)
        if len(data) < 4 or data[-4:] != b"\x00\x00\xff\xff":
            return None
        msg = self.context.decompress(self.buffer)
        self.buffer = bytearray()
        return msg.decode("utf-8")


@pytest.fixture
def without_zstd(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """discord.py as installed without zstandard: it connects with compress=zlib-stream."""
    monkeypatch.setattr(discord.utils, "_ActiveDecompressionContext", _ZlibContext)
    yield


async def _talk_across_a_resume(sb: Sandbox, client: MessageRecorder) -> None:
    """Messages (one large, one non-ASCII) before and after a dropped socket all arrive."""
    async with running(client, sb):
        alice = sb.member("alice")
        long_text = "é" * 1990  # multi-byte and near Discord's 2000-character limit
        await alice.say("#general", "before")
        await alice.say("#general", long_text)
        await client.wait_contents(2)
        resumed = asyncio.create_task(client.wait_for("resumed", timeout=5))
        await sb.gateway.drop()
        await alice.say("#general", "while down")
        await resumed
        await alice.say("#general", "after ✓")
        got = await client.wait_contents(4)
        assert got == ["before", long_text, "while down", "after ✓"]


async def test_real_client_with_zstandard_uses_zstd_stream(sb: Sandbox) -> None:
    assert discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE == "zstd-stream"
    await _talk_across_a_resume(sb, MessageRecorder())
    assert sb.gateway.compress_modes == ["zstd-stream", "zstd-stream"]


@pytest.mark.usefixtures("without_zstd")
async def test_real_client_without_zstandard_uses_zlib_stream(sb: Sandbox) -> None:
    await _talk_across_a_resume(sb, MessageRecorder())
    assert sb.gateway.compress_modes == ["zlib-stream", "zlib-stream"]


async def _raw_frames(sb: Sandbox, compress: str | None) -> tuple[list[dict], set[str]]:
    """Speak the gateway by hand up to the heartbeat ACK; frames and websocket frame types."""
    url = sb.gateway_url + "?v=10&encoding=json" + (f"&compress={compress}" if compress else "")
    inflate = zlib.decompressobj()
    unzstd = zstandard.ZstdDecompressor().decompressobj()
    frames: list[dict] = []
    kinds: set[str] = set()
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        while not frames or frames[-1]["op"] != 11:
            msg = await asyncio.wait_for(ws.receive(), 5)
            kinds.add(msg.type.name)
            if msg.type == aiohttp.WSMsgType.TEXT:
                frames.append(json.loads(msg.data))
            elif compress == "zlib-stream":
                assert msg.data.endswith(b"\x00\x00\xff\xff")  # one Z_SYNC_FLUSH per payload
                frames.append(json.loads(inflate.decompress(msg.data)))
            else:
                # Each zstd websocket message decodes to exactly one whole payload.
                frames.append(json.loads(unzstd.decompress(msg.data)))
            if frames[-1]["op"] == 10:
                identify = {"token": sb.application.token, "intents": 513, "properties": {}}
                await ws.send_json({"op": 2, "d": identify})
            if frames[-1].get("t") == "GUILD_CREATE":
                await ws.send_json({"op": 1, "d": frames[-1]["s"]})
    return frames, kinds


@pytest.mark.parametrize(
    ("compress", "kind"),
    [(None, "TEXT"), ("zlib-stream", "BINARY"), ("zstd-stream", "BINARY")],
)
async def test_raw_frames_per_mode(sb: Sandbox, compress: str | None, kind: str) -> None:
    frames, kinds = await _raw_frames(sb, compress)
    assert kinds == {kind}
    assert [f["op"] for f in frames] == [10, 0, 0, 11]
    assert [f.get("t") for f in frames[1:3]] == ["READY", "GUILD_CREATE"]
    assert sb.gateway.compress_modes == [compress]
