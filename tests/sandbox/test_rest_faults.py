"""REST faults and limits: 429s are waited out, errors surface as discord.py exceptions."""

from __future__ import annotations

import time

import aiohttp
import discord
import pytest

from sandbox import RateLimitConfig, Sandbox, point_discord_py_at
from tests.sandbox.conftest import FastClient, intents, running

MESSAGES = "/channels/{channel_id}/messages"


def general(client: discord.Client, sb: Sandbox) -> discord.TextChannel:
    guild = next(iter(sb.world.guilds.values()))
    channel = client.get_channel(guild.channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_injected_429_is_waited_out_then_succeeds(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        sb.faults.rate_limit(f"POST {MESSAGES}", times=1, retry_after=0.2)
        started = time.perf_counter()
        await general(client, sb).send("after the wait")
        assert time.perf_counter() - started >= 0.2
        statuses = [r.status for r in sb.requests if r.route == MESSAGES]
        assert statuses == [429, 200]
        assert sb.messages("#general")[-1]["content"] == "after the wait"


async def test_global_429(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        sb.faults.rate_limit("*", times=1, retry_after=0.1, global_=True)
        await general(client, sb).send("ok")
        first = next(r for r in sb.requests if r.status == 429)
        assert first.route == MESSAGES


async def test_injected_403_surfaces_as_forbidden(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        sb.faults.error(f"POST {MESSAGES}", status=403, code=50013)
        with pytest.raises(discord.Forbidden) as exc:
            await general(client, sb).send("nope")
        assert exc.value.code == 50013 and exc.value.text == "Missing Permissions"
        await general(client, sb).send("fine now")  # times=1: the fault is used up


async def test_server_error_then_retry(sb: Sandbox) -> None:
    # discord.py sleeps 1 + 2n s before retrying a 5xx: one retry costs ~1 s.
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        sb.faults.server_error(f"POST {MESSAGES}", status=502, times=1)
        await general(client, sb).send("eventually")
        assert [r.status for r in sb.requests if r.route == MESSAGES] == [502, 200]


async def test_slow_route(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        sb.faults.slow(f"POST {MESSAGES}", seconds=0.3, times=1)
        started = time.perf_counter()
        await general(client, sb).send("slow")
        assert time.perf_counter() - started >= 0.3


async def test_real_bucket_per_channel_with_headers() -> None:
    config = RateLimitConfig(messages_per_channel=(2, 0.4))
    async with Sandbox(rate_limits=config) as sb:
        point_discord_py_at(sb)
        sb.create_guild("Demo", channels=["general"], with_bot=True)
        async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
            channel = general(client, sb)
            for i in range(3):
                await channel.send(f"m{i}")
            sent = [r for r in sb.requests if r.route == MESSAGES]
            limits = sent[1].response_headers
            assert limits["X-RateLimit-Limit"] == "2" and limits["X-RateLimit-Remaining"] == "0"
            assert float(limits["X-RateLimit-Reset-After"]) <= 0.4
            assert limits["X-RateLimit-Bucket"] == sent[0].response_headers["X-RateLimit-Bucket"]
            # discord.py saw remaining=0 after two and waited for the reset, so no 429 at all.
            assert [r.status for r in sent] == [200, 200, 200]
            assert sent[2].at - sent[1].at >= 0.2


async def test_unknown_route_is_discord_json_404(sb: Sandbox) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(sb.api_base + "/no/such/route") as resp:
            assert resp.status == 404
            assert resp.headers["Content-Type"] == "application/json"
            assert await resp.json() == {"message": "404: Not Found", "code": 0}
        headers = {"Authorization": f"Bot {sb.application.token}"}
        async with http.get(sb.api_base + "/channels/123/messages/abc", headers=headers) as resp:
            assert resp.status == 404 and (await resp.json())["code"] in (0, 10003)
        async with http.get(sb.api_base + "/users/@me") as resp:
            assert resp.status == 401 and await resp.json() == {
                "message": "401: Unauthorized",
                "code": 0,
            }
        async with http.get(sb.api_base + "/channels/1", headers=headers) as resp:
            assert await resp.json() == {"message": "Unknown Channel", "code": 10003}


async def test_limits_content_and_embeds(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        channel = general(client, sb)
        with pytest.raises(discord.HTTPException) as long:
            await channel.send("x" * 2001)
        assert long.value.code == 50035 and "In content: Must be 2000" in long.value.text
        with pytest.raises(discord.HTTPException) as big:
            await channel.send(embeds=[discord.Embed(description="y" * 4000) for _ in range(2)])
        assert big.value.code == 50035 and "6000" in big.value.text
        await channel.send("x" * 2000)
