"""Instructions per message through the sandbox, counted by valgrind's callgrind: a bare
discord.py client (the baseline) against Vigie with its core only, then with each message-path
feature, then with all of them.

Why: ``bench/message_path.py`` measures CPU time, whose noise on a shared two-core machine
(about +/-15%) is larger than the budgets it has to verify (games <= 5%, analytics <= 10%).
Instructions do not depend on the machine's load.

Method: the sandbox (``bench._feeder.Feeder``) runs in this process's child, natively. Each
subject runs in one child process under ``valgrind --tool=callgrind`` (only the client is
instrumented), built exactly as ``bench.message_path`` builds it. Once connected, the child
measures WINDOWS windows of MESSAGES messages each, from 20 members in turn; XP cooldowns run
on a simulated clock at CHAT_PACE seconds per message, so that one message in five earns XP,
as in a lively chat of established members (SEEDED_XP each) of a server that runs a weekly
challenge counted on messages (GAMES_DOCUMENT). For each window the child zeroes callgrind's
counters through a client request (``bench/callgrind_marks.c``, compiled here with ``cc``),
tells the parent, which has the sandbox send the messages (they wait in the socket and are
read as fast as the client can), and dumps the counters once its counting dispatch has seen them all. A window
holds nothing but those messages: no start-up, no connection, no shutdown. The first window is
a warm-up (first-time paths: per-guild caches, code not yet run) and is left out; the figure
of a subject is the median of the others, and the spread (max - min) / median is printed so
that a reader sees how far to trust a difference.

Callgrind separates threads (``--separate-threads=yes``): the main thread runs the event loop,
which is what ``bench.message_path`` measures; the column for all threads adds the database's
writer thread. Hash randomisation is fixed (``PYTHONHASHSEED=0``). Subjects run two at a time
(``BENCH_INSTR_WORKERS``), each with its own sandbox.

Time-driven work (the five-second flushes of XP and analytics, heartbeats) lands in a window
when its clock says so; under valgrind a window lasts seconds, so such work is counted far more
often per message than at native speed. It is part of the cost, and it is why a spread shows.

Instruction counts weigh every instruction alike (a cache miss or a system call costs no more
than an add), so this is a proxy for CPU time, not a replacement: it is the one to compare
features against each other, CPU time the one for absolute rates. Needs ``valgrind`` with its
headers (``valgrind/callgrind.h``) and a C compiler.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import gc
import operator
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = int(os.environ.get("BENCH_INSTR_MESSAGES", "300"))
WINDOWS = int(os.environ.get("BENCH_INSTR_WINDOWS", "6"))  # the first one is a warm-up
WORKERS = int(os.environ.get("BENCH_INSTR_WORKERS", str(min(2, os.cpu_count() or 1))))
# The chat's pace for XP cooldowns: 20 members speak in turn, one message every CHAT_PACE
# seconds of a simulated clock (the games cog's ``clock``), so each member speaks every 12 s
# and, with the default 60 s cooldown, one message in five earns XP. Real time would not do:
# under valgrind a window lasts seconds and nobody's cooldown would ever end in it.
CHAT_PACE = 0.6
SEEDED_XP = 50_000
# The games subjects run a server with a weekly challenge counted on messages, as a community
# running challenges would: each XP award also counts a step (nobody reaches the target here).
GAMES_DOCUMENT = """\
games:
  challenges:
    list:
      - {id: talk, kind: messages, target: 100000, xp: 100}
"""
CHILD_TIMEOUT = 900.0  # seconds, for one step of a client under callgrind
# Subject keys: "bare", "core", or comma-separated feature names.
HOT_PATH_FEATURES = ("analytics", "games", "policies")
_TOTAL = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)
_DUMP = re.compile(r"callgrind\.out\.\d+\.(\d+)-(\d+)$")


# --------------------------------------------------------------------------------------------
# Child: one client under callgrind.


async def _child(key: str, count: int, windows: int, marks_path: str) -> None:
    import discord  # noqa: F401  (imported before the subject, as in bench.message_path)
    from discord.ext import commands

    from bench.message_path import _bare, _Counter, _vigie
    from bot.app import point_discord_at

    marks = ctypes.CDLL(marks_path)
    point_discord_at(os.environ["VIGIE_BENCH_API_BASE"], os.environ["VIGIE_BENCH_GATEWAY"])
    with tempfile.TemporaryDirectory() as tmp:
        if key == "bare":
            build = _bare
        else:
            features = () if key == "core" else tuple(key.split(","))
            build = _vigie(features, Path(tmp))
        client, db = await build()
        counter = _Counter()
        dispatch = client.dispatch
        chat_time = [time.time()]

        def counting_dispatch(event: str, /, *args: Any, **kwargs: Any) -> None:
            # The same wrapper as bench.message_path: counted synchronously inside dispatch.
            if event == "message":
                counter.seen()
                chat_time[0] += CHAT_PACE
            dispatch(event, *args, **kwargs)

        client._connection.dispatch = counting_dispatch
        task = asyncio.create_task(client.start(os.environ["VIGIE_BENCH_TOKEN"]))
        try:
            await asyncio.wait_for(client.wait_until_ready(), timeout=CHILD_TIMEOUT)
            games: Any = client.get_cog("games") if isinstance(client, commands.Bot) else None
            if games is not None:
                # A C-level callable, like the time.time it replaces: a Python lambda would
                # add a Python call per message that the real clock does not cost.
                games.clock = functools.partial(operator.getitem, chat_time, 0)
                # Established members (50,000 XP: level 26, the next one 1,255 XP away, some 20
                # windows of XP): nobody levels up here. A level-up is an event (an announcement,
                # reward roles), paid once per level, not per message like the accounting.
                for guild in client.guilds:
                    await games.bot.configs.set_document(guild.id, GAMES_DOCUMENT, None)
                    games.settings(guild)
                    season = games.engine.season(guild.id, chat_time[0])
                    members = [(m.id, SEEDED_XP) for m in guild.members if not m.bot]
                    games.engine.loaded(guild.id, season, members)
            for _ in range(windows):
                counter.expect(count)
                gc.collect()
                gc.freeze()
                marks.vigie_zero_stats()
                print("ready", flush=True)  # the parent now has the sandbox send the messages
                await asyncio.wait_for(counter.done.wait(), timeout=CHILD_TIMEOUT)
                marks.vigie_dump_stats()
        finally:
            await client.close()
            await asyncio.gather(task, return_exceptions=True)
            if db is not None:
                await db.close()


# --------------------------------------------------------------------------------------------
# Parent: the sandbox, and one callgrind run per subject.


def compile_marks(directory: Path) -> Path:
    """Build the client-request library the children load (see callgrind_marks.c)."""
    library = directory / "callgrind_marks.so"
    source = Path(__file__).with_name("callgrind_marks.c")
    command = ["cc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"cannot build {source.name} (valgrind headers?): {done.stderr}")
    return library


def _read_total(path: Path) -> int:
    match = _TOTAL.search(path.read_text())
    if match is None:
        raise RuntimeError(f"no summary/totals line in {path.name}")
    return int(match.group(1))


def window_totals(outdir: Path) -> list[tuple[int, int]]:
    """(main thread, all threads) instructions of each dump, in order."""
    dumps: dict[int, dict[int, int]] = {}
    for path in outdir.iterdir():
        match = _DUMP.match(path.name)
        if match:
            dump, thread = int(match.group(1)), int(match.group(2))
            dumps.setdefault(dump, {})[thread] = _read_total(path)
    return [(threads[1], sum(threads.values())) for _, threads in sorted(dumps.items())]


def _windows(feeder: Any, key: str, marks: Path, outdir: Path) -> list[tuple[int, int]]:
    """Run one subject under callgrind; the instructions of each window of MESSAGES."""
    for old in outdir.iterdir():
        old.unlink()
    env = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "VIGIE_BENCH_API_BASE": feeder.info["api_base"],
        "VIGIE_BENCH_GATEWAY": feeder.info["gateway_url"],
        "VIGIE_BENCH_TOKEN": feeder.info["token"],
    }
    command = [
        "valgrind",
        "--tool=callgrind",
        "--trace-children=no",
        "--separate-threads=yes",
        f"--callgrind-out-file={outdir}/callgrind.out.%p",
        f"--log-file={outdir}/valgrind.log",
        sys.executable,
        "-m",
        "bench.message_path_instructions",
        "--child",
        key,
        str(MESSAGES),
        str(WINDOWS),
        str(marks),
    ]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None
            for _ in range(WINDOWS):
                line = child.stdout.readline()  # blocks until the window is armed (or died)
                if line.strip() != "ready":
                    raise RuntimeError(f"{key}: client did not get ready (exit {child.wait()})")
                if not feeder.queue_messages(MESSAGES, longest=CHILD_TIMEOUT):
                    raise RuntimeError(f"{key}: the sandbox did not send the messages in time")
            code = child.wait(timeout=CHILD_TIMEOUT)
        except BaseException:
            child.kill()
            raise
    if code != 0:
        raise RuntimeError(f"{key}: client exited with {code}")
    totals = window_totals(outdir)
    if len(totals) != WINDOWS:
        raise RuntimeError(f"{key}: {len(totals)} callgrind dumps for {WINDOWS} windows")
    return totals


def summarize(totals: list[tuple[int, int]], count: int) -> dict[str, float]:
    """Per message, warm-up window left out: the main thread's median, mean and spread, and
    the median of all threads."""
    measured = totals[1:] if len(totals) > 1 else totals
    main = [m / count for m, _ in measured]
    middle = statistics.median(main)
    return {
        "median": middle,
        "mean": statistics.fmean(main),
        "spread": (max(main) - min(main)) / middle,
        "all": statistics.median(a / count for _, a in measured),
    }


def run() -> list[dict[str, Any]]:
    """Targets (as bench.message_path): core >= 0.80 of the baseline; each feature costs the
    core <= its budget (FEATURE_BUDGETS: analytics 10%, games 5%), on medians."""
    from bench._feeder import Feeder
    from bot.discovery import discover_cogs

    available = {info.name for info in discover_cogs(ROOT / "cogs")}
    features = [f for f in HOT_PATH_FEATURES if f in available]
    subjects = [("bare discord.py client (baseline)", "bare"), ("Vigie, core only", "core")]
    subjects += [(f"Vigie + {f}", f) for f in features]
    if len(features) > 1:
        subjects.append(("Vigie + " + " + ".join(features), ",".join(features)))
    jobs: queue.SimpleQueue[str] = queue.SimpleQueue()
    for _, key in subjects:
        jobs.put(key)
    per_message: dict[str, dict[str, float]] = {}

    with tempfile.TemporaryDirectory() as build:
        marks = compile_marks(Path(build))

        def worker() -> None:
            # Each worker has its own sandbox: every session connected to a sandbox receives
            # each of its messages, so two clients must never share one.
            feeder = Feeder()
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    while True:
                        try:
                            key = jobs.get_nowait()
                        except queue.Empty:
                            return
                        totals = _windows(feeder, key, marks, Path(tmp))
                        per_message[key] = summarize(totals, MESSAGES)
            finally:
                feeder.close()

        # Instruction counts do not depend on what else runs on the machine, so the subjects
        # run side by side, one per core, to keep the whole benchmark within minutes.
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for future in [pool.submit(worker) for _ in range(WORKERS)]:
                future.result()
    baseline, core = per_message["bare"], per_message["core"]
    rows = []
    for label, key in subjects:
        median = per_message[key]["median"]
        target, ok = _target(key, baseline["median"] / median, median / core["median"] - 1)
        rows.append(
            {
                "client": label,
                "instructions/msg": median,
                "spread": f"{per_message[key]['spread']:.1%}",
                # Ratios as in bench.message_path: throughput relative, so higher is cheaper.
                "vs baseline": baseline["median"] / median,
                "vs core": core["median"] / median,
                # The mean keeps the windows where a flush or a heartbeat fell: their cost
                # counted as often as valgrind's slowness makes them fall, far more than at
                # native speed.
                "vs core (means)": core["mean"] / per_message[key]["mean"],
                "all threads/msg": per_message[key]["all"],
                "target": target,
                "ok": ok,
            }
        )
    return rows


# What each feature may add to the core's instructions per message (the issues' budgets).
FEATURE_BUDGETS = {"analytics": 0.10, "games": 0.05}


def _target(key: str, vs_baseline: float, added: float) -> tuple[str, bool]:
    """(the row's target, whether the medians meet it); rows without a budget are reported."""
    if key == "core":
        return ">= 0.80 of the bare client", vs_baseline >= 0.80
    if key in FEATURE_BUDGETS:
        budget = FEATURE_BUDGETS[key]
        return f"adds <= {budget:.0%} to core (adds {added:+.1%})", added <= budget
    return "(reported)", True


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        asyncio.run(_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]))
    else:
        from bench.__main__ import run_alone

        title = f"message path, instructions ({WINDOWS - 1} windows of {MESSAGES} msgs)"
        sys.exit(run_alone(title, run()))
