"""The reputation watch against DNS rebinding: the address checked is the address connected to.

A hostile DNS answers a public address to the first question and 127.0.0.1 to the next. The
"public" host is a second local server: the event loop's ``sock_connect`` sends connections
for the public address there, so nothing leaves the machine and the check stays fully on
(``ALLOW_PRIVATE_ADDRESSES`` is never set here).
"""

from __future__ import annotations

import asyncio
import socket
from contextlib import AsyncExitStack
from types import SimpleNamespace

import pytest
import yarl
from aiohttp import web

from cogs.analytics.watcher import FeedRefused, ReputationWatch, ensure_public

PUBLIC = "93.184.216.34"  # a global address; connections to it are sent to a local server


async def _serve(stack: AsyncExitStack, handler) -> int:
    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return site._server.sockets[0].getsockname()[1]


@pytest.fixture
async def network(monkeypatch):
    """A private server (what the attacker wants read), a public one, and a rebinding DNS:
    ``answers[name]`` is the list of addresses given on successive questions (the last one
    repeats). Yields a namespace with the ports, the requests each server saw, the questions
    asked and the addresses connected to."""
    net = SimpleNamespace(private=[], public=[], questions=[], connects=[], answers={})

    async def private(request):
        net.private.append(request.path)
        return web.Response(body=b"<rss>secret metadata</rss>")

    async def public(request):
        net.public.append(request.path)
        if request.path.startswith("/to/"):  # /to/<host> redirects to that host's private port
            raise web.HTTPFound(f"http://{request.path[4:]}:{net.private_port}/latest")
        return web.Response(body=b"<rss>public feed</rss>")

    async with AsyncExitStack() as stack:
        net.private_port = await _serve(stack, private)
        net.public_port = await _serve(stack, public)
        loop = asyncio.get_running_loop()
        real_getaddrinfo, real_connect = loop.getaddrinfo, loop.sock_connect

        async def getaddrinfo(host, port, *args, **kwargs):
            if host not in net.answers:
                return await real_getaddrinfo(host, port, *args, **kwargs)
            net.questions.append(host)
            queue = net.answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]

        async def sock_connect(sock, address):
            net.connects.append(address[0])
            if address[0] == PUBLIC:
                address = ("127.0.0.1", net.public_port)
            return await real_connect(sock, address)

        monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(loop, "sock_connect", sock_connect)
        watch = ReputationWatch(SimpleNamespace(http_session=None), store=None)
        net.fetch = watch._fetch
        try:
            yield net
        finally:
            await watch.close()


async def test_a_rebinding_dns_cannot_send_the_fetch_to_a_private_address(network):
    network.answers["feed.example"] = [PUBLIC, "127.0.0.1"]
    url = f"http://feed.example:{network.private_port}/feed.xml"
    body = await network.fetch(url)
    assert body == b"<rss>public feed</rss>"  # read from the address that was checked
    assert network.private == []
    assert network.questions == ["feed.example"]  # one answer, for the check and the connect
    assert network.connects == [PUBLIC]


async def test_a_private_answer_is_refused_before_any_connection(network):
    network.answers["feed.example"] = ["127.0.0.1"]
    with pytest.raises(FeedRefused):
        await network.fetch(f"http://feed.example:{network.private_port}/feed.xml")
    with pytest.raises(FeedRefused):
        await ensure_public(yarl.URL(f"http://feed.example:{network.private_port}/feed.xml"))
    assert network.connects == [] and network.private == []


@pytest.mark.parametrize("target", ["internal.example", "127.0.0.1"])
async def test_each_redirect_hop_is_checked(network, target):
    network.answers["feed.example"] = [PUBLIC]
    network.answers["internal.example"] = ["127.0.0.1"]
    with pytest.raises(FeedRefused):
        await network.fetch(f"http://feed.example:{network.private_port}/to/{target}")
    assert network.public == [f"/to/{target}"]  # the first hop was read, the second refused
    assert network.private == []
    assert network.connects == [PUBLIC]
