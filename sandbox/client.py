"""Pointing the real discord.py at a sandbox (no change to discord.py itself)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
import discord.gateway
import discord.http
import discord.webhook.async_
import yarl

if TYPE_CHECKING:
    from sandbox.sandbox import Sandbox


def point_discord_py_at(sb: Sandbox) -> None:
    """Send every REST call and the gateway connection of this process to `sb`.

    Sets `Route.BASE` (REST, shared by webhooks) and `DiscordWebSocket.DEFAULT_GATEWAY`
    (a plain `Client` connects there without asking /gateway/bot).
    """
    discord.http.Route.BASE = sb.api_base
    discord.webhook.async_.Route.BASE = sb.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sb.gateway_url)


def point_at(api_base: str, gateway_url: str) -> None:
    """Same, from URLs (for DISCORD_API_BASE / DISCORD_GATEWAY_URL settings)."""
    discord.http.Route.BASE = api_base
    discord.webhook.async_.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
