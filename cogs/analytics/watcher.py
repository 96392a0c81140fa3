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
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

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


def is_public(address: str) -> bool:
    """Whether the bot may connect to ``address`` (an IP literal) on a manager's word."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class CheckedResolver(AbstractResolver):
    """Resolves a feed's host once, for the check and the connection alike.

    Checking the addresses and then letting the client resolve again to connect would let a
    hostile DNS answer a public address to the first and 127.0.0.1 to the second (DNS
    rebinding): the connector gets exactly the addresses that passed, or :class:`FeedRefused`.
    """

    def __init__(self) -> None:
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        if not ALLOW_PRIVATE_ADDRESSES and not all(is_public(a["host"]) for a in answers):
            raise FeedRefused(host)
        return answers

    async def close(self) -> None:
        await self._inner.close()


def _check_literal(url: yarl.URL) -> None:
    """An IP literal never reaches the resolver (the client connects to it as it is)."""
    if ALLOW_PRIVATE_ADDRESSES:
        return
    if url.host is None:
        raise FeedRefused(str(url))
    # A name is left to the resolver, which checks what it resolves to.
    if _is_literal(url.host) and not is_public(url.host):
        raise FeedRefused(str(url))


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def ensure_public(url: yarl.URL) -> None:
    """Raise :class:`FeedRefused` unless every address of the URL's host is a public one.

    Only a verdict: a fetch must connect through :class:`CheckedResolver`, not after this."""
    _check_literal(url)
    if ALLOW_PRIVATE_ADDRESSES or url.host is None or _is_literal(url.host):
        return
    await CheckedResolver().resolve(url.host, url.port or 0, socket.AF_UNSPEC)


class ReputationWatch:
    """Reads the configured feeds; each item is considered once per server, ever."""

    def __init__(self, bot: Vigie, store: AnalyticsStore) -> None:
        self.bot = bot
        self.store = store
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        # Its own session, not the bot's shared one: only this connector resolves through the
        # check. No DNS cache: each connection resolves (and checks) once, for itself.
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(resolver=CheckedResolver(), use_dns_cache=False)
            self._session = aiohttp.ClientSession(connector=connector)
        return self._session

    async def _fetch(self, url: str) -> bytes:
        session = self._client()
        timeout = aiohttp.ClientTimeout(total=15)
        target = yarl.URL(url)
        # Redirects are followed by hand so that every hop is checked like the first: a name
        # through the connector's resolver, an IP literal here.
        for _ in range(MAX_REDIRECTS + 1):
            _check_literal(target)
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
