"""Analytics end to end: the real bot counts a scripted stretch of activity in the sandbox,
answers /stats and /report with the hand-computed figures, posts the monthly report once across
a restart, and watches feeds served from a local HTTP server."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sqlite3
import subprocess
import sys
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from tests.e2e.conftest import REPO

MONTHLY = "analytics_monthly"


async def _flush(world) -> None:
    await world.bot.get_cog("analytics").flush()


async def _stats_export(world, metric=None, period="7d"):
    options = {"period": period}
    if metric:
        options["metric"] = metric
    r = await world.manager.slash("stats export", options=options)
    first = await r.response()
    assert first.ephemeral
    message = (await r.followups(1, timeout=30))[0]
    ((name, data),) = [(a.filename, a.data) for a in message.attachments]
    return name, list(csv.reader(io.StringIO(data.decode())))


async def test_counts_match_the_scripted_activity(world):
    alice, bob = world.member("alice"), world.member("bob")
    for text in ("hello", "how are you", "fine"):
        await alice.say("#general", text)
    await bob.say("#general", "hi all")
    await bob.say("#games", "gg")
    await world.sb.join("newcomer")
    # The gateway is ordered: the bot has counted every event above before the command arrives.
    name, rows = await _stats_export(world)
    today = datetime.now(UTC).date().isoformat()
    header, *days = rows
    assert header == ["day", "joins", "leaves", "messages", "active", "cases"]
    by_day = {row[0]: row for row in days}
    assert by_day[today][1:] == ["1", "0", "5", "2", "0"]
    assert name.endswith(".csv")


async def test_summary_embeds_and_charts(world):
    alice = world.member("alice")
    await alice.say("#general", "one")
    await alice.say("#general", "two")
    r = await world.manager.slash("stats summary", period="30d")
    message = (await r.followups(1, timeout=30))[0]
    assert message.ephemeral
    embed = message.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "Messages: **2**" in fields["Engagement"]
    assert "Monthly active: **1**" in fields["Engagement"]
    names = sorted(a.filename for a in message.attachments)
    assert names == ["activity.png", "funnel.png", "growth.png", "moderation.png"]
    assert all(a.data.startswith(b"\x89PNG") for a in message.attachments)


async def test_bad_period_is_refused_clearly(world):
    r = await world.manager.slash("stats summary", period="next-year")
    first = await r.response()
    assert first.ephemeral
    assert first.content == world.t("analytics.period_invalid")


async def test_members_cannot_read_stats(world):
    r = await world.member("eve").slash("stats summary")
    first = await r.response()
    assert first.ephemeral
    assert first.content == world.t("errors.not_manager")


async def test_feature_events_reach_the_report(world):
    world.bot.dispatch("analytics_event", world.guild.id, "case", 42)
    world.bot.dispatch("analytics_event", world.guild.id, "nps", 42, 10.0)
    world.bot.dispatch("analytics_event", world.guild.id, "nps", 43, 2.0)
    r = await world.manager.slash("stats summary", period="7d")
    message = (await r.followups(1, timeout=30))[0]
    fields = {f["name"]: f["value"] for f in message.embeds[0]["fields"]}
    assert "Moderation cases: **1**" in fields["Community health"]
    assert "NPS: **0.0**" in fields["Community health"]


async def test_monthly_report_fires_once_across_restarts(world):
    now = datetime.now(UTC)
    first_of_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (first_of_month - timedelta(days=1)).strftime("%Y-%m")
    # armed when the bot is ready, for the next 1st of the month
    (pending,) = await _wait_for_timer(world, MONTHLY, lambda t: t.due_at > now)
    await world.stop()
    # The month turned while the bot was down: its timer is overdue at the next start.
    with sqlite3.connect(world.db_path) as db:
        db.execute(
            "UPDATE timers SET due_at = ? WHERE id = ?", (first_of_month.timestamp(), pending.id)
        )
    await world.start()
    report = await world.sb.wait_for_message(
        "#reports", timeout=10, where=lambda m: bool(m.get("embeds"))
    )
    assert report["embeds"][0]["title"] == f"Monthly report: {last_month}"
    names = sorted(a["filename"] for a in report["attachments"])
    assert f"vigie-report-{last_month}.html" in names and f"vigie-{last_month}.csv" in names
    (following,) = await _wait_for_timer(world, MONTHLY, lambda t: t.due_at > now)
    assert following.due_at.day == 1  # the guild's timezone is UTC here

    # The same month due again (a crash after posting, say): the database refuses a second post.
    await world.bot.timers.schedule(world.guild.id, MONTHLY, first_of_month, key="again")
    await _wait_for_timer(world, MONTHLY, lambda t: t.key != "again", count=1)
    await world.restart()
    posted = [m for m in world.sb.messages("#reports") if m.get("embeds")]
    assert len(posted) == 1


async def test_a_stop_during_a_background_flush_loses_no_count(make_world, monkeypatch):
    from cogs.analytics import cog as analytics_cog

    monkeypatch.setattr(analytics_cog, "FLUSH_SECONDS", 0.05)
    world = await make_world()
    cog = world.bot.get_cog("analytics")
    writing, release = asyncio.Event(), asyncio.Event()
    real_write, real_unload = cog.store.write, cog.cog_unload

    async def slow_write(batch):
        if batch.messages:  # hold the background flush that carries the message
            writing.set()
            await release.wait()
        await real_write(batch)

    async def unload():
        # The write is released just after the unload began (the old unload cancelled it).
        asyncio.get_running_loop().call_soon(release.set)
        await real_unload()

    cog.store.write = slow_write
    cog.cog_unload = unload
    await world.member("alice").say("#general", "hello")
    await asyncio.wait_for(writing.wait(), timeout=5)
    db_path = world.db_path
    await world.stop()
    with sqlite3.connect(db_path) as db:
        (counted,) = db.execute("SELECT SUM(messages) FROM analytics_hourly").fetchone()
    assert counted == 1


async def test_a_guild_joined_after_start_gets_its_monthly_report_armed(world):
    from sandbox import permissions as P

    other = world.sb.create_guild("Other", owner="olivia", channels=["general", "reports"])
    joined = asyncio.ensure_future(
        world.bot.wait_for("config_changed", check=lambda gid: gid == other.id, timeout=5)
    )
    world.sb.add_bot_to(other, permissions=P.ADMINISTRATOR)
    await joined  # the join reloads the guild's config and tells the cogs
    for _ in range(500):
        if await world.bot.timers.pending(other.id, MONTHLY):
            break
        await asyncio.sleep(0.01)
    (armed,) = await world.bot.timers.pending(other.id, MONTHLY)
    assert armed.due_at > datetime.now(UTC) and armed.due_at.day == 1


async def _wait_for_timer(world, kind, ok, count=None):
    """Poll the timers table (a few ms per look) until the pending timers satisfy ``ok``."""
    for _ in range(500):
        pending = await world.bot.timers.pending(world.guild.id, kind)
        if pending and all(ok(t) for t in pending) and (count is None or len(pending) == count):
            return pending
        await asyncio.sleep(0.01)
    raise AssertionError(f"timers of {kind} never settled: {pending}")


@asynccontextmanager
async def _serving(routes):
    """A local HTTP server with ``routes`` ({path: handler}); yields its base URL."""
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def feed_server(monkeypatch):
    """/feed.xml serves ``items["xml"]``; /moved redirects to it."""
    from cogs.analytics import watcher

    monkeypatch.setattr(watcher, "ALLOW_PRIVATE_ADDRESSES", True)  # served on 127.0.0.1
    items = {"xml": ""}

    async def feed(request):
        return web.Response(body=items["xml"].encode(), content_type="application/rss+xml")

    async def moved(request):
        raise web.HTTPFound("/feed.xml")

    async with _serving({"/feed.xml": feed, "/moved": moved}) as base:
        yield items, f"{base}/feed.xml"


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Tech news</title>
<item><guid>1</guid><title>Acme launches a new game</title><link>http://news/1</link></item>
<item><guid>2</guid><title>Unrelated story</title><link>http://news/2</link></item>
</channel></rss>"""


async def test_reputation_watch_posts_each_mention_once(world, feed_server):
    items, url = feed_server
    items["xml"] = RSS
    await world.set_config(
        f"analytics:\n  watch:\n    enabled: true\n    keywords: [Acme]\n    feeds: ['{url}']\n"
    )
    found = await world.sb.wait_for_message(
        "#reports", timeout=10, where=lambda m: bool(m.get("embeds"))
    )
    assert found["embeds"][0]["title"] == "Acme launches a new game"
    assert found["embeds"][0]["url"] == "http://news/1"
    (armed,) = await _wait_for_timer(
        world, "analytics_watch", lambda t: t.due_at > datetime.now(UTC) + timedelta(minutes=1)
    )
    # After a restart the watch reads the feed again: the item is known and is not posted twice.
    await world.stop()
    with sqlite3.connect(world.db_path) as db:
        db.execute("UPDATE timers SET due_at = 0 WHERE id = ?", (armed.id,))
    await world.start()
    await _wait_for_timer(
        world, "analytics_watch", lambda t: t.due_at > datetime.now(UTC) + timedelta(minutes=1)
    )
    posted = [m for m in world.sb.messages("#reports") if m.get("embeds")]
    assert len(posted) == 1


async def test_feeds_are_parsed_off_the_event_loop(world, feed_server, monkeypatch):
    import threading

    from cogs.analytics import watcher

    items, url = feed_server
    items["xml"] = RSS
    threads, real_parse = [], watcher.parse_feed

    def parse(content):
        threads.append(threading.current_thread())
        return real_parse(content)

    monkeypatch.setattr(watcher, "parse_feed", parse)
    await world.set_config(
        f"analytics:\n  watch:\n    enabled: true\n    keywords: [Acme]\n    feeds: ['{url}']\n"
    )
    await world.sb.wait_for_message("#reports", timeout=10, where=lambda m: bool(m.get("embeds")))
    assert threads and threading.main_thread() not in threads


async def test_two_config_changes_at_once_arm_one_watch(world, feed_server):
    items, url = feed_server
    items["xml"] = RSS
    await world.set_config(
        f"analytics:\n  watch:\n    enabled: true\n    keywords: [Acme]\n    feeds: ['{url}']\n"
    )
    later = lambda t: t.due_at > datetime.now(UTC) + timedelta(minutes=1)  # noqa: E731
    await _wait_for_timer(world, "analytics_watch", later)  # the first read is done
    await world.bot.timers.cancel(world.guild.id, "analytics_watch", "watch")
    timers, armed = world.bot.timers, []
    real_schedule = timers.schedule

    async def schedule(guild_id, kind, due_at, payload=None, key=None):
        if kind == "analytics_watch" and due_at <= datetime.now(UTC):
            armed.append(due_at)
        return await real_schedule(guild_id, kind, due_at, payload, key)

    timers.schedule = schedule
    try:
        ensure = world.bot.get_cog("analytics").schedules.ensure
        await asyncio.gather(ensure(world.guild.id), ensure(world.guild.id))
    finally:
        del timers.schedule
    assert len(armed) == 1


async def test_a_feed_on_a_private_address_is_never_read(world):
    # A manager of any server must not make the bot read the network it runs in.
    requested = []

    async def handler(request):
        requested.append(request.path)
        return web.Response(body=RSS.encode(), content_type="application/rss+xml")

    async with _serving({"/feed.xml": handler}) as base:
        url = f"{base}/feed.xml"
        await world.set_config(
            f"analytics:\n  watch:\n    enabled: true\n    keywords: [Acme]\n    feeds: ['{url}']\n"
        )
        line = await world.sb.wait_for_message(
            "#modlog", timeout=10, where=lambda m: url in m["content"]
        )
        assert line["content"] == world.t("analytics.watch_refused", url=url)
        assert requested == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://10.0.0.7/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/feed",
        "http://localhost/feed",
    ],
)
async def test_private_feed_addresses_are_refused(url):
    from yarl import URL

    from cogs.analytics.watcher import FeedRefused, ensure_public

    with pytest.raises(FeedRefused):
        await ensure_public(URL(url))
    await ensure_public(URL("https://8.8.8.8/feed"))  # a public address passes (no DNS needed)


async def test_redirects_are_followed_hop_by_hop(world, feed_server):
    items, url = feed_server
    items["xml"] = RSS
    moved = url.replace("/feed.xml", "/moved")
    assert b"Acme launches" in await world.bot.get_cog("analytics").watcher._fetch(moved)


async def test_command_line_writes_a_standalone_html_report(world, tmp_path):
    alice = world.member("alice")
    await alice.say("#general", "hello")
    await world.sb.join("newcomer")
    r = await world.manager.slash("stats export", period="7d")
    await r.followups(1)  # the export flushed the counters to the database
    await world.stop()
    out = tmp_path / "report.html"
    month = datetime.now(UTC).strftime("%Y-%m")
    env = {
        **os.environ,
        "DATABASE_PATH": str(world.db_path),
        "CONFIG_DIR": str(world.config_dir),
    }
    done = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "bot",
            "report",
            "--guild",
            str(world.guild.id),
            "--month",
            month,
            "--out",
            str(out),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"report of {month}" in done.stdout and "1 joins, 1 messages" in done.stdout
    html = out.read_text("utf-8")
    assert html.count("data:image/png;base64,") == 4
    assert "<td>Joins</td>" in html

    bad = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "report", "--guild", "1", "--month", "2026-13"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "is not a month like 2026-10" in bad.stderr


async def test_forget_drops_pending_counts_so_nothing_comes_back(world):
    alice = world.member("alice")
    for text in ("one", "two", "three"):
        await alice.say("#general", text)
    r = await world.member("alice").slash("privacy mine")
    mine = (await r.response()).attachments
    assert b'"messages": 3' in mine[0][1]  # pending counts are part of what Vigie holds
    forgotten = await world.bot.privacy.forget_user(world.guild.id, alice.id)
    assert forgotten
    await world.restart()  # a clean stop flushes whatever is pending
    exported = await world.bot.privacy.export_user(world.guild.id, alice.id)
    assert exported["data"]["analytics"]["active_days"] == []
