"""Login-time routes: the bot user, the application, the gateway URL, DM channels."""

from __future__ import annotations

from typing import Any

from sandbox import serializers as S
from sandbox.errors import unknown
from sandbox.router import Ctx, route


def application_json(ctx: Ctx) -> dict[str, Any]:
    app = ctx.sb.application
    owner = ctx.sb.owner
    return {
        "id": str(app.id),
        "name": app.name,
        "icon": None,
        "description": "Vigie in the sandbox",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": 0,
        "flags_new": "0",
        "owner": S.user(owner),
        "team": None,
        "bot": S.user(app.bot_user),
        "rpc_origins": [],
        "redirect_uris": [],
        "tags": [],
        "approximate_guild_count": len(ctx.world.guilds),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["applications.commands", "bot"],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "integration_types_config": {"0": {}},
    }


@route("GET", "/oauth2/applications/@me")
async def get_application(ctx: Ctx) -> Any:
    return application_json(ctx)


@route("GET", "/applications/@me")
async def get_application_me(ctx: Ctx) -> Any:
    return application_json(ctx)


@route("GET", "/users/@me")
async def get_me(ctx: Ctx) -> Any:
    return {
        **S.user(ctx.sb.application.bot_user),
        "verified": True,
        "mfa_enabled": False,
        "locale": "en-US",
        "email": None,
    }


@route("GET", "/users/{user_id}")
async def get_user(ctx: Ctx) -> Any:
    user = ctx.world.users.get(ctx.int_param("user_id"))
    if user is None:
        raise unknown("User")
    return S.user(user)


@route("GET", "/gateway")
async def get_gateway(ctx: Ctx) -> Any:
    return {"url": ctx.sb.gateway_url}


@route("GET", "/gateway/bot")
async def get_gateway_bot(ctx: Ctx) -> Any:
    return {
        "url": ctx.sb.gateway_url,
        "shards": 1,
        "session_start_limit": {
            "total": 1000,
            "remaining": 999,
            "reset_after": 14400000,
            "max_concurrency": 1,
        },
    }


@route("POST", "/users/@me/channels")
async def create_dm(ctx: Ctx) -> Any:
    user = ctx.world.users.get(int((ctx.json or {}).get("recipient_id", 0)))
    if user is None:
        raise unknown("User")
    return S.channel(ctx.world.dm_channel(user), users=ctx.world.users)
