"""Every JSON answer the sandbox gives in a broad scenario matches Discord's OpenAPI schema."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from sandbox import Sandbox
from tests.conformance.openapi import SPEC_PATH, load_spec, response_schema, validate

# Routes the scenario must exercise, so the test cannot pass by validating nothing.
REQUIRED = {
    ("GET", "/users/@me"),
    ("GET", "/oauth2/applications/@me"),
    ("GET", "/gateway/bot"),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"),
    ("POST", "/channels/{channel_id}/messages"),
    ("GET", "/channels/{channel_id}/messages"),
    ("GET", "/channels/{channel_id}/messages/{message_id}"),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    ("POST", "/users/@me/channels"),
    ("GET", "/channels/{channel_id}"),
    ("PATCH", "/channels/{channel_id}"),
    ("POST", "/guilds/{guild_id}/channels"),
    ("POST", "/channels/{channel_id}/messages/{message_id}/threads"),
    ("POST", "/channels/{channel_id}/threads"),
    ("GET", "/guilds/{guild_id}/members/{user_id}"),
    ("GET", "/guilds/{guild_id}/members"),
    ("PATCH", "/guilds/{guild_id}/members/{user_id}"),
    ("GET", "/guilds/{guild_id}/bans"),
    ("GET", "/guilds/{guild_id}/bans/{user_id}"),
    ("GET", "/guilds/{guild_id}"),
    ("GET", "/guilds/{guild_id}/preview"),
    ("POST", "/guilds/{guild_id}/roles"),
    ("PATCH", "/guilds/{guild_id}/roles/{role_id}"),
    ("GET", "/guilds/{guild_id}/roles"),
    ("GET", "/guilds/{guild_id}/audit-logs"),
    ("POST", "/interactions/{interaction_id}/{interaction_token}/callback"),
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"),
    ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
    ("GET", "/guilds/{guild_id}/threads/active"),
    ("GET", "/channels/{channel_id}/thread-members"),
}


async def scenario(sb: Sandbox) -> None:
    guild = sb.create_guild(
        "Demo", owner="olivia", channels=["general"], roles=["Mod"], with_bot=True
    )
    alice = sb.member("alice", roles=["Mod"])
    general = guild.channel("general")
    base = sb.api_base
    auth = {"Authorization": f"Bot {sb.application.token}", "X-Audit-Log-Reason": "test"}
    async with aiohttp.ClientSession(headers=auth) as http:

        async def call(method: str, path: str, **kw: Any) -> Any:
            async with http.request(method, base + path, **kw) as resp:
                assert resp.status < 300, (method, path, resp.status, await resp.text())
                return await resp.json() if resp.status != 204 else None

        for path in ("/users/@me", "/oauth2/applications/@me", "/gateway/bot"):
            await call("GET", path)
        app, gid, cid = sb.application.id, guild.id, general.id
        await call(
            "PUT",
            f"/applications/{app}/guilds/{gid}/commands",
            json=[
                {
                    "name": "ping",
                    "description": "Ping",
                    "type": 1,
                    "options": [{"name": "who", "description": "who", "type": 6, "required": True}],
                }
            ],
        )
        user_msg = await alice.say("#general", "hello", files=[("a.txt", b"abc")])
        sent = await call(
            "POST",
            f"/channels/{cid}/messages",
            json={
                "content": f"hi {alice.mention}",
                "embeds": [
                    {"title": "t", "description": "d", "fields": [{"name": "n", "value": "v"}]}
                ],
                "components": [
                    {
                        "type": 1,
                        "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go"}],
                    }
                ],
                "message_reference": {"message_id": str(user_msg.id)},
            },
        )
        await call("GET", f"/channels/{cid}/messages?limit=10")
        await call("GET", f"/channels/{cid}/messages/{sent['id']}")
        await call("PATCH", f"/channels/{cid}/messages/{sent['id']}", json={"content": "edited"})
        await call("PUT", f"/channels/{cid}/messages/{user_msg.id}/reactions/%F0%9F%91%8D/@me")
        await call("GET", f"/channels/{cid}/messages/{user_msg.id}")
        await call("POST", "/users/@me/channels", json={"recipient_id": str(alice.id)})
        await call("GET", f"/channels/{cid}")
        await call("PATCH", f"/channels/{cid}", json={"rate_limit_per_user": 5, "topic": "x"})
        await call("POST", f"/guilds/{gid}/channels", json={"name": "staff", "type": 4})
        await call("POST", f"/channels/{cid}/messages/{user_msg.id}/threads", json={"name": "t"})
        private = await call("POST", f"/channels/{cid}/threads", json={"name": "p", "type": 12})
        await call("PUT", f"/channels/{private['id']}/thread-members/{alice.id}")
        await call("GET", f"/channels/{private['id']}/thread-members")
        await call("GET", f"/guilds/{gid}/threads/active")
        await call("GET", f"/guilds/{gid}/members/{alice.id}")
        await call("GET", f"/guilds/{gid}/members?limit=100")
        await call("PATCH", f"/guilds/{gid}/members/{alice.id}", json={"nick": "Al"})
        mallory = sb.member("mallory")
        await call("PUT", f"/guilds/{gid}/bans/{mallory.id}", json={})
        await call("GET", f"/guilds/{gid}/bans")
        await call("GET", f"/guilds/{gid}/bans/{mallory.id}")
        await call("GET", f"/guilds/{gid}?with_counts=true")
        await call("GET", f"/guilds/{gid}/preview")
        role = await call("POST", f"/guilds/{gid}/roles", json={"name": "Helper"})
        await call("PATCH", f"/guilds/{gid}/roles/{role['id']}", json={"color": 255})
        await call("GET", f"/guilds/{gid}/roles")
        await call("GET", f"/guilds/{gid}/audit-logs")
        rec = await alice.slash("ping", who="olivia")
        await call(
            "POST",
            f"/interactions/{rec.id}/{rec.token}/callback?with_response=true",
            json={"type": 4, "data": {"content": "pong", "flags": 64}},
        )
        await call("POST", f"/webhooks/{app}/{rec.token}?wait=true", json={"content": "more"})
        await call("GET", f"/webhooks/{app}/{rec.token}/messages/@original")
        await call(
            "PATCH", f"/webhooks/{app}/{rec.token}/messages/@original", json={"content": "pong!"}
        )
        # Error answers are checked against Discord's error schemas too.
        for method, path, kw, status in (
            ("GET", "/channels/1", {}, 404),
            ("POST", f"/channels/{cid}/messages/bulk-delete", {"json": {"messages": ["1"]}}, 400),
            ("POST", f"/channels/{cid}/messages", {"json": {"content": "x" * 2001}}, 400),
        ):
            async with http.request(method, base + path, **kw) as resp:
                assert resp.status == status, (path, resp.status)
        sb.faults.rate_limit("GET /users/@me", retry_after=0.05)
        async with http.get(base + "/users/@me") as resp:
            assert resp.status == 429


@pytest.mark.skipif(not SPEC_PATH.exists(), reason=f"Discord OpenAPI spec absent at {SPEC_PATH}")
async def test_rest_answers_match_discord_openapi() -> None:
    spec = load_spec()
    assert spec is not None
    async with Sandbox() as sb:
        await scenario(sb)
    checked: set[tuple[str, str]] = set()
    errors_checked: set[int] = set()
    failures: list[str] = []
    for rec in sb.requests:
        if rec.response is None:
            continue
        schema = response_schema(spec, rec.method, rec.route, rec.status)
        if schema is None:
            continue
        checked.add((rec.method, rec.route))
        if rec.status >= 400:
            errors_checked.add(rec.status)
        failures += [f"{rec.method} {rec.route}: {err}" for err in validate(schema, rec.response)]
    missing = REQUIRED - checked
    assert not missing, f"scenario did not exercise/validate: {sorted(missing)}"
    assert errors_checked == {400, 404, 429}, errors_checked
    assert not failures, "\n".join(failures)


@pytest.mark.skipif(not SPEC_PATH.exists(), reason=f"Discord OpenAPI spec absent at {SPEC_PATH}")
def test_validator_rejects_a_wrong_shape() -> None:
    """The check has teeth: a message without an author or with a numeric id fails."""
    spec = load_spec()
    assert spec is not None
    schema = response_schema(spec, "GET", "/channels/{channel_id}/messages/{message_id}", 200)
    assert schema is not None
    assert validate(schema, {"id": 1, "content": "x"})
