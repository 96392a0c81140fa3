"""Benchmark: the XP hot path and its batched flush, each beside its baseline in this process.

1. Flush: 10,000 members' pending XP written by one ``executemany`` upsert through
   ``bot.db.Database`` (WAL, synchronous=NORMAL) into a table that already holds them.
   Target: < 100 ms. Baseline beside it: the same rows committed one statement at a time.
2. Message path: what the bot does with a MESSAGE_CREATE frame (inflate, JSON, parse,
   dispatch to an ``on_message`` task) against the cog's XP accounting on the same messages
   (``XpEngine.on_message``: cooldown, gate, ledger, level check). Target: the accounting adds
   at most 5%.
3. Through the sandbox (real sockets, the whole bot): CPU time with the games off and on,
   reported only: its run-to-run noise (about 15%) is larger than the budget, which
   ``bench.message_path_instructions`` checks in instructions.

Run alone: ``python -m bench.games_xp`` (or ``python bench/games_xp.py``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import sys
import tempfile
import time
import zlib
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import discord  # noqa: E402

from bot.db import Database  # noqa: E402
from cogs.games.leveling import XpGate, XpRules  # noqa: E402
from cogs.games.xp_engine import GuildXp, XpEngine  # noqa: E402
from cogs.games.xp_ledger import XpLedger  # noqa: E402

log = logging.getLogger(__name__)
MEMBERS = 10_000
REPO = Path(__file__).resolve().parent.parent
MESSAGES = 20_000
GUILD = 1
UPSERT = (
    "INSERT INTO bench_xp (guild_id, season, user_id, xp, messages, last_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (guild_id, season, user_id) DO UPDATE SET xp = xp + excluded.xp, "
    "messages = messages + excluded.messages, last_at = max(last_at, excluded.last_at)"
)


async def _flush_numbers() -> tuple[float, float]:
    """(best wall-clock ms to flush 10,000 members in one batch, ms for single commits)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.db")
        await db.execute(
            "CREATE TABLE bench_xp (guild_id INTEGER NOT NULL, season TEXT NOT NULL,"
            " user_id INTEGER NOT NULL, xp INTEGER NOT NULL, messages INTEGER NOT NULL,"
            " last_at REAL NOT NULL, PRIMARY KEY (guild_id, season, user_id))"
        )
        ledger = XpLedger()

        async def write(rows: list) -> None:
            await db.executemany(UPSERT, rows)

        timings = []
        for round_ in range(6):
            for user in range(MEMBERS):
                ledger.add(GUILD, "all", 10_000 + user, 20, now=float(round_))
            start = time.perf_counter()
            written = await ledger.flush(write)
            timings.append(time.perf_counter() - start)
            assert written == MEMBERS
        # Round 0 inserts; the later ones update existing rows, the steady state. Best of five:
        # the machine is shared, and the least disturbed run is the code's own speed.
        batch_ms = min(timings[1:]) * 1000
        rows = [(GUILD, "all", 10_000 + u, 1, 1, 9.0) for u in range(1000)]
        start = time.perf_counter()
        for row in rows:
            await db.execute(UPSERT, row)
        single_ms = (time.perf_counter() - start) * 1000 * (MEMBERS / len(rows))
        total = await db.fetchval("SELECT sum(xp) FROM bench_xp")
        assert total == MEMBERS * 20 * 6 + 1000
        await db.close()
    return batch_ms, single_ms


def _guild_payload() -> dict:
    everyone = {
        "id": str(GUILD),
        "name": "@everyone",
        "permissions": "0",
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    return {
        "id": str(GUILD),
        "name": "bench",
        "roles": [everyone],
        "emojis": [],
        "stickers": [],
        "features": [],
        "owner_id": "2",
        "unavailable": False,
        "member_count": 1,
        "members": [],
        "channels": [
            {"id": "100", "type": 0, "name": "general", "position": 0, "permission_overwrites": []}
        ],
    }


def _messages(rng: random.Random, members: int) -> list[dict]:
    words = "hello world trivia level xp salut tout le monde merci bravo quiz".split()
    out = []
    for i in range(MESSAGES):
        user = rng.randrange(members)
        out.append(
            {
                "id": str(10**17 + i),
                "channel_id": "100",
                "guild_id": str(GUILD),
                "type": 0,
                "author": {
                    "id": str(10_000 + user),
                    "username": f"u{user}",
                    "discriminator": "0",
                    "avatar": None,
                    "global_name": None,
                },
                "member": {
                    "roles": [],
                    "joined_at": "2026-01-01T00:00:00+00:00",
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                },
                "content": " ".join(rng.choice(words) for _ in range(rng.randint(2, 12))),
                "timestamp": "2026-11-24T00:00:00+00:00",
                "edited_timestamp": None,
                "tts": False,
                "mention_everyone": False,
                "mentions": [],
                "mention_roles": [],
                "attachments": [],
                "embeds": [],
                "pinned": False,
            }
        )
    return out


async def _gateway_path(payloads: list[dict]) -> tuple[float, list[discord.Message]]:
    """CPU seconds for the bot's own message path, best of three, and the messages it built.

    What the gateway does with each MESSAGE_CREATE frame, in process: zlib-stream inflate,
    JSON decode (orjson when installed, as discord.py does), ``parse_message_create``, and
    ``Client.dispatch`` scheduling the ``on_message`` listener as a task, which then runs. Only
    the socket read is missing, so the share measured here is an upper bound of the real one.
    """
    client = discord.Client(intents=discord.Intents.all(), max_messages=1000)
    await client._async_setup_hook()
    state = client._connection
    state._add_guild_from_data(_guild_payload())  # type: ignore[arg-type]
    parser = state.parsers["MESSAGE_CREATE"]
    built: list[discord.Message] = []

    async def on_message(message: discord.Message) -> None:  # the bare listener
        if message.guild is None or message.author.bot:
            return
        built.append(message)

    client.event(on_message)
    decompressor = discord.utils._ActiveDecompressionContext()
    zlib_stream = decompressor.COMPRESSION_TYPE == "zlib-stream"
    compressor = zlib.compressobj()
    frames: list[bytes | str] = []
    for seq, data in enumerate(payloads, 1):
        raw = json.dumps({"op": 0, "t": "MESSAGE_CREATE", "s": seq, "d": data})
        if zlib_stream:
            frames.append(compressor.compress(raw.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH))
        else:
            frames.append(raw)
    runs = []
    for _ in range(3):
        built.clear()
        decompressor = discord.utils._ActiveDecompressionContext()
        start = time.process_time()
        for index, frame in enumerate(frames):
            text = decompressor.decompress(frame) if zlib_stream else frame  # type: ignore[arg-type]
            assert text is not None  # each frame is one whole message
            message = discord.utils._from_json(text)
            parser(message["d"])
            if index % 200 == 199:
                await asyncio.sleep(0)  # let the scheduled listener tasks run
        await asyncio.sleep(0)
        runs.append(time.process_time() - start)
        if not zlib_stream:
            break
    await client.close()
    assert len(built) == len(payloads)
    return min(runs), list(built)


async def _message_path_numbers(
    members: int, seconds_per_message: float
) -> tuple[float, float, float]:
    """(µs per message of the bot's message path, µs of XP accounting, share earning XP).

    Both in CPU time (``process_time``), best of three runs, the accounting with a fresh engine
    each run and timed on its own over the messages the path built: the machine is shared and
    noisy, and subtracting two noisy totals could not resolve a few percent. The accounting is
    exactly the cog's listener body: ids out of the ``discord.Message``, then ``XpEngine``.
    """
    payloads = _messages(random.Random(20261124), members)
    path_seconds, messages = await _gateway_path(payloads)
    account_runs, earning = [], 0.0
    for run_index in range(3):
        engine = XpEngine(XpLedger(), XpGate(random.Random(run_index)))
        engine.configure(GUILD, GuildXp(rules=XpRules(cooldown_seconds=60)))
        now = time.time()
        engine.loaded(GUILD, engine.season(GUILD, now), [])
        on_message = engine.on_message
        start = time.process_time()
        for message in messages:
            now += seconds_per_message
            if message.guild is None or message.author.bot:
                continue
            author = message.author
            on_message(
                message.guild.id,
                author.id,
                message.channel.id,
                getattr(author, "_roles", ()),
                message.content,
                message.id,
                now,
            )
        account_runs.append(time.process_time() - start)
        earning = len(engine.ledger._recent) / len(messages)
    per = 1e6 / len(payloads)
    return path_seconds * per, min(account_runs) * per, earning


SANDBOX_MEMBERS = 300
SANDBOX_MESSAGES = 1500


async def _sandbox_numbers() -> tuple[float, float, float]:
    """(CPU µs per message with the games off, with XP on, share of messages earning XP).

    The whole path through real sockets: the sandbox's gateway frame, discord.py, every cog's
    listeners. Same bot, same members and messages; only ``games.enabled`` differs. Runs
    alternate off, on, on, off (three times) and the best of each side counts. Each XP run starts with
    an empty cooldown memory, so every member's first message earns, the rest cool down.
    """
    from bot.scene import launch_vigie
    from bot.settings import Settings
    from sandbox import Sandbox

    repo = REPO
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        async with Sandbox(rate_limits=False) as sb:
            guild = sb.create_guild(
                "Bench", owner="olivia", channels=["general", "modlog"], roles=["Manager"]
            )
            sb.add_bot_to(guild)
            settings = Settings(
                token=sb.application.token,
                database_path=Path(tmp) / "bench.db",
                config_dir=repo / "config",
                dev_guild_id=guild.id,
                api_base=sb.api_base,
                gateway_url=sb.gateway_url,
                guild_ready_timeout=0.05,
                log_level="WARNING",
            )
            running = await launch_vigie(settings)
            try:
                await running.wait_ready()
                bot = running.bot
                games = bot.get_cog("games")
                seen = [0]
                done = asyncio.Event()
                target = [0]

                async def count(message: discord.Message) -> None:
                    seen[0] += 1
                    if seen[0] >= target[0]:
                        done.set()

                bot.add_listener(count, "on_message")
                actors = [sb.member(f"m{i}", guild=guild) for i in range(SANDBOX_MEMBERS)]
                rng = random.Random(7)
                texts = [
                    f"message {i} " + "lorem ipsum " * rng.randint(0, 6)
                    for i in range(SANDBOX_MESSAGES)
                ]
                speakers = [rng.choice(actors) for _ in range(SANDBOX_MESSAGES)]
                documents = {
                    False: "games:\n  enabled: false\n",
                    True: "games:\n  enabled: true\n  xp: {cooldown: 60s}\n",
                }
                timings: dict[bool, list[float]] = {False: [], True: []}
                earning = 0.0
                for xp_on in (False, True, True, False) * 3:  # ABBA: drift hits both sides alike
                    await bot.configs.set_document(guild.id, documents[xp_on], guild.owner_id)
                    games.engine.gate.prune(time.time(), older_than=-1.0)  # forget every cooldown
                    seen[0], target[0] = 0, SANDBOX_MESSAGES
                    done.clear()
                    start = time.process_time()
                    for actor, text in zip(speakers, texts, strict=True):
                        await actor.say("#general", text)
                    await asyncio.wait_for(done.wait(), timeout=120)
                    timings[xp_on].append(time.process_time() - start)
                    if xp_on:
                        earning = len(games.engine.gate) / SANDBOX_MESSAGES
                    log.debug("sandbox run xp=%s: %.3f s", xp_on, timings[xp_on][-1])
                await games.flusher.flush_now()
            finally:
                await running.stop()
    per = 1e6 / SANDBOX_MESSAGES
    return min(timings[False]) * per, min(timings[True]) * per, earning


def run() -> list[dict]:
    """Rows: name, ours, baseline, ratio, target, ok."""
    batch_ms, single_ms = asyncio.run(_flush_numbers())
    rows = [
        {
            "name": f"games: flush {MEMBERS:,} members' XP (executemany upsert), ms",
            "ours": round(batch_ms, 1),
            "baseline": round(single_ms, 1),
            "ratio": round(single_ms / batch_ms, 1),
            "target": "< 100 ms (baseline: one commit per row, extrapolated)",
            "ok": batch_ms < 100,
        }
    ]
    # A lively channel: 300 members, 20 messages a second, so each member speaks about every
    # 15 s and most messages arrive during their author's 60 s cooldown, as in a real chat.
    # Worst case: 2,000 members, every message from a member whose cooldown is over.
    for label, members, step, target in (
        ("lively chat, 300 members", 300, 0.05, 0.05),
        ("worst case, 2,000 members", 2000, 0.5, None),
    ):
        parse_us, xp_us, earning = asyncio.run(_message_path_numbers(members, step))
        rows.append(
            {
                "name": f"games: message path µs/msg, {label} ({earning:.0%} earn XP)",
                "ours": round(parse_us + xp_us, 2),
                "baseline": round(parse_us, 2),
                "ratio": round((parse_us + xp_us) / parse_us, 3),
                "target": "XP adds <= 5%" if target is not None else "(reported, no target)",
                "ok": xp_us / parse_us <= target if target is not None else True,
            }
        )
    off_us, on_us, earning = asyncio.run(_sandbox_numbers())
    rows.append(
        {
            "name": f"games: through the sandbox, CPU µs/msg, games off vs XP on ({earning:.0%} earn XP)",
            "ours": round(on_us, 1),
            "baseline": round(off_us, 1),
            "ratio": round(on_us / off_us, 3),
            # CPU time here moves by about 15% from run to run, more than the budget:
            # bench.message_path_instructions checks the 5% in instructions.
            "target": "(reported; the 5% is checked by message_path_instructions)",
            "ok": True,
        }
    )
    return rows


def main() -> int:
    """Print the table; exit 1 if a target is missed."""
    from bench.__main__ import run_alone

    return run_alone("games_xp", run())


if __name__ == "__main__":
    sys.exit(main())
