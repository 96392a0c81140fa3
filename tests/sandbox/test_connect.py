"""A bare discord.py client logs in, connects and sees the guild as Discord would send it."""

from __future__ import annotations

import time

import discord
import pytest

from sandbox import Sandbox
from tests.sandbox.conftest import FastClient, intents, running


async def test_bare_client_ready_under_one_second(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    started = time.perf_counter()
    async with running(client, sb):
        elapsed = time.perf_counter() - started
        assert elapsed < 1.0, elapsed
        assert client.user is not None and client.user.id == sb.bot_user.id
        assert client.application_id == sb.application.id
        guild = client.get_guild(next(iter(sb.world.guilds)))
        assert guild is not None and guild.name == "Demo"
        assert guild.chunked and guild.member_count == len(guild.members) == 2
        assert {c.name for c in guild.text_channels} == {"general", "modlog"}
        assert guild.me.guild_permissions.administrator
        # discord.py asks for zlib-stream (zstd-stream when zstandard is installed).
        assert sb.gateway.connections[0].encoder.mode in ("zlib-stream", "zstd-stream")
    methods = [(r.method, r.route) for r in sb.requests]
    assert ("GET", "/users/@me") in methods


async def test_privileged_intent_not_enabled_is_refused(sb: Sandbox) -> None:
    sb.application.privileged_intents = 0
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await client.start(sb.application.token)
    await client.close()


async def test_bad_token_is_refused(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    with pytest.raises(discord.LoginFailure):
        await client.start("not-the-token")
    await client.close()
