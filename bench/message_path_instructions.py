"""Instructions per message through the sandbox, counted by valgrind's callgrind: a bare
discord.py client (the baseline) against Vigie with its core only, then with each message-path
feature, then with all of them.

Why: ``bench/message_path.py`` measures CPU time, whose noise on a shared two-core machine
(about +/-15%) is larger than the budgets it has to verify (games <= 5%, analytics <= 10%).
An instruction count is far steadier: two runs here agreed within 0.2-1% for most subjects and
2.4% for the core (what remains varies with timing: frames read per wake-up, heartbeats), so a
difference of a few percent in "vs core" is still at the edge of what it can resolve.

Method: the sandbox (``bench._feeder.Feeder``) runs in this process's child, natively. Each
subject runs in its own child process under ``valgrind --tool=callgrind --trace-children=no``
(only the client is instrumented), which builds the client exactly as ``bench.message_path``
does, connects to the sandbox, and prints ``ready`` on its stdout; the parent then has the
sandbox send the messages and waits for the child, which exits once its counting dispatch has
seen them all (an ``asyncio.Event``, no polling). Each subject runs once with N messages and
once with 2N: start-up, connection and shutdown cost the same in both, so
``(instr(2N) - instr(N)) / N`` is the cost of one message. Callgrind separates threads
(``--separate-threads=yes``): the main thread runs the event loop, which is what
``bench.message_path`` measures; the column for all threads adds aiosqlite's writer thread.
Hash randomisation is fixed (``PYTHONHASHSEED=0``) so that runs are comparable. Subjects run
two at a time (``BENCH_INSTR_WORKERS``), each pair of runs with its own sandbox: counts do not
depend on the load of the machine.

Instruction counts weigh every instruction alike (a cache miss or a system call costs no more
than an add), so this is a proxy for CPU time, not a replacement: it is the one to compare
features against each other, CPU time the one for absolute rates.
"""

from __future__ import annotations

import asyncio
import gc
import os
import queue
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = int(os.environ.get("BENCH_INSTR_MESSAGES", "300"))
WORKERS = int(os.environ.get("BENCH_INSTR_WORKERS", str(min(2, os.cpu_count() or 1))))
CHILD_TIMEOUT = 900.0  # seconds, for one client under callgrind
# Subject keys: "bare", "core", or comma-separated feature names.
HOT_PATH_FEATURES = ("analytics", "games", "policies")
_TOTAL = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


# --------------------------------------------------------------------------------------------
# Child: one client under callgrind.


async def _child(key: str, count: int) -> None:
    import discord  # noqa: F401  (imported before the subject, as in bench.message_path)

    from bench.message_path import _bare, _Counter, _vigie
    from bot.app import point_discord_at

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

        def counting_dispatch(event: str, /, *args: Any, **kwargs: Any) -> None:
            # The same wrapper as bench.message_path: counted synchronously inside dispatch.
            if event == "message":
                counter.seen()
            dispatch(event, *args, **kwargs)

        client._connection.dispatch = counting_dispatch
        counter.expect(count)
        task = asyncio.create_task(client.start(os.environ["VIGIE_BENCH_TOKEN"]))
        try:
            await asyncio.wait_for(client.wait_until_ready(), timeout=CHILD_TIMEOUT)
            gc.collect()
            gc.freeze()
            print("ready", flush=True)  # the parent now has the sandbox send `count` messages
            await asyncio.wait_for(counter.done.wait(), timeout=CHILD_TIMEOUT)
        finally:
            await client.close()
            await asyncio.gather(task, return_exceptions=True)
            if db is not None:
                await db.close()


# --------------------------------------------------------------------------------------------
# Parent: the sandbox, and one callgrind run per subject and message count.


def _read_total(path: Path) -> int:
    match = _TOTAL.search(path.read_text())
    if match is None:
        raise RuntimeError(f"no summary/totals line in {path.name}")
    return int(match.group(1))


def _instructions(feeder: Any, key: str, count: int, outdir: Path) -> tuple[int, int]:
    """Run one subject under callgrind, receiving ``count`` messages; return the instructions
    of its main (event-loop) thread and of all its threads."""
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
        str(count),
    ]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None
            line = child.stdout.readline()  # blocks until the client is connected (or died)
            if line.strip() != "ready":
                raise RuntimeError(f"{key}: client did not get ready (exit {child.wait()})")
            if not feeder.queue_messages(count, longest=CHILD_TIMEOUT):
                raise RuntimeError(f"{key}: the sandbox did not send {count} messages in time")
            code = child.wait(timeout=CHILD_TIMEOUT)
        except BaseException:
            child.kill()
            raise
    if code != 0:
        raise RuntimeError(f"{key}: client exited with {code}")
    # With --separate-threads=yes: callgrind.out.<pid> is left empty, callgrind.out.<pid>-01
    # holds the main thread, -02... the others.
    files = sorted(outdir.glob("callgrind.out.*-*"))
    main = [f for f in files if f.name.endswith("-01")]
    if len(main) != 1:
        raise RuntimeError(f"{key}: unexpected callgrind files {[f.name for f in files]}")
    totals = {f: _read_total(f) for f in files}
    for f in outdir.glob("callgrind.out.*"):
        f.unlink()
    return totals[main[0]], sum(totals.values())


def run() -> list[dict[str, Any]]:
    """Targets (as bench.message_path): core >= 0.80 of the baseline; each feature costs the
    core <= its budget (analytics 10%, games 5%)."""
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
    per_message: dict[str, tuple[float, float]] = {}

    def worker() -> None:
        # Each worker has its own sandbox: every session connected to a sandbox receives each
        # of its messages, so two clients must never share one.
        feeder = Feeder()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                outdir = Path(tmp)
                while True:
                    try:
                        key = jobs.get_nowait()
                    except queue.Empty:
                        return
                    main_n, all_n = _instructions(feeder, key, MESSAGES, outdir)
                    main_2n, all_2n = _instructions(feeder, key, 2 * MESSAGES, outdir)
                    per_message[key] = (
                        (main_2n - main_n) / MESSAGES,
                        (all_2n - all_n) / MESSAGES,
                    )
        finally:
            feeder.close()

    # Instruction counts do not depend on what else runs on the machine, so the subjects run
    # side by side, one per core, to keep the whole benchmark within minutes.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for future in [pool.submit(worker) for _ in range(WORKERS)]:
            future.result()
    baseline, core = per_message["bare"][0], per_message["core"][0]
    return [
        {
            "client": label,
            "instructions/msg": per_message[key][0],
            # Ratios as in bench.message_path: throughput relative, so higher is cheaper.
            "vs baseline": baseline / per_message[key][0],
            "vs core": core / per_message[key][0],
            "all threads/msg": per_message[key][1],
        }
        for label, key in subjects
    ]


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        asyncio.run(_child(sys.argv[2], int(sys.argv[3])))
    else:
        from bench.__main__ import print_table

        print_table(f"message path, instructions ({MESSAGES} vs {2 * MESSAGES} msgs)", run())
