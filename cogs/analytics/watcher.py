"""The reputation watch's Discord side: read a feed over HTTP, post new mentions, remember them."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from typing import TYPE_CHECKING

import aiohttp
import discord
import yarl

from bot.modlog import resolve_channel

from .embeds import COLOUR
from .schema import AnalyticsConfig
from .store import AnalyticsStore
from .watch import mentions, parse_feed

if TYPE_CHECKING:
    from bot.app import Vigie

log = logging.getLogger(__name__)

MAX_FEED_BYTES = 2 * 1024 * 1024
MAX_POSTS_PER_FEED = 5  # the first read of a busy feed must not flood the channel
MAX_REDIRECTS = 3
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Feeds are named by the managers of any server the bot is in: the bot must not become their
# way into the network it runs in (cloud metadata, services on localhost). Tests serving feeds
# on 127.0.0.1 turn this on.
ALLOW_PRIVATE_ADDRESSES = False


class FeedRefused(Exception):
    """The feed's host resolves to a private, local or reserved address."""


async def ensure_public(url: yarl.URL) -> None:
    """Raise :class:`FeedRefused` unless every address of the URL's host is a public one."""
    if ALLOW_PRIVATE_ADDRESSES:
        return
    if url.host is None:
        raise FeedRefused(str(url))
    infos = await asyncio.get_running_loop().getaddrinfo(
        url.host, url.port, type=socket.SOCK_STREAM
    )
    for *_, sockaddr in infos:
        if not ipaddress.ip_address(sockaddr[0]).is_global:
            raise FeedRefused(str(url))


class ReputationWatch:
    """Reads the configured feeds; each item is considered once per server, ever."""

    def __init__(self, bot: Vigie, store: AnalyticsStore) -> None:
        self.bot = bot
        self.store = store
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _fetch(self, url: str) -> bytes:
        session = self.bot.http_session
        if session is None:
            self._session = self._session or aiohttp.ClientSession()
            session = self._session
        timeout = aiohttp.ClientTimeout(total=15)
        target = yarl.URL(url)
        # Redirects are followed by hand so that every hop is checked like the first.
        for _ in range(MAX_REDIRECTS + 1):
            await ensure_public(target)
            async with session.get(target, timeout=timeout, allow_redirects=False) as response:
                location = response.headers.get("Location")
                if response.status in REDIRECTS and location:
                    target = response.url.join(yarl.URL(location))
                    continue
                response.raise_for_status()
                return await response.content.read(MAX_FEED_BYTES)
        raise aiohttp.ClientError(f"more than {MAX_REDIRECTS} redirects")

    async def poll(self, guild: discord.Guild, config: AnalyticsConfig, url: str) -> None:
        try:
            content = await self._fetch(url)
        except FeedRefused:
            log.warning("analytics watch of guild %s: %s is not a public address", guild.id, url)
            await self.bot.modlog.write(guild, "analytics.watch_refused", url=url)
            return
        except (aiohttp.ClientError, OSError) as exc:  # OSError: DNS failures and timeouts
            log.warning("analytics watch of guild %s: %s: %s", guild.id, url, exc)
            await self.bot.modlog.write(
                guild, "analytics.watch_failed", url=url, reason=str(exc)[:200]
            )
            return
        # Parsing up to 2 MiB of XML takes long enough to stall every message: off the loop.
        items = await asyncio.to_thread(parse_feed, content)
        unseen = await self.store.unseen(guild.id, [item.key for item in items])
        fresh = [item for item in items if item.key in unseen]
        found = mentions(fresh, config.watch.keywords)[:MAX_POSTS_PER_FEED]
        channel = (
            resolve_channel(guild, config.watch.channel)
            or resolve_channel(guild, config.reports_channel)
            or self.bot.modlog.channel_for(guild, "reports")
        )
        if channel is not None and found:
            t = self.bot.i18n.bound(guild)
            for mention in found:
                embed = discord.Embed(
                    title=mention.item.title[:256] or mention.item.link[:256],
                    url=mention.item.link or None,
                    description=mention.item.summary[:400] or None,
                    colour=COLOUR,
                )
                embed.set_author(
                    name=t("analytics.watch_title", feed=mention.item.feed_title or url)[:256]
                )
                embed.set_footer(
                    text=t("analytics.watch_keywords", keywords=", ".join(mention.keywords))
                )
                await channel.send(embed=embed)
        await self.store.mark_seen(guild.id, [item.key for item in fresh], time.time())
