"""``python -m bot replay --config FILE EXPORT.json... [--csv PATH]``: rehearse a policy.

Discovered by core (``cogs/<name>/cli.py``); no discord import.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay exports through the policy of ``--config``; exit 0, or 2 on bad input."""
    from .engine import EngineError
    from .replay import load_config, replay

    config = Path(args.config)
    exports = [Path(p) for p in args.exports]
    missing = [str(p) for p in [config, *exports] if not p.is_file()]
    if missing:
        print(f"vigie replay: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        section, staff = load_config(config)
    except Exception as exc:  # YAML errors: one clear line, no traceback
        print(f"vigie replay: cannot read {config}: {exc}", file=sys.stderr)
        return 2
    csv_handle = open(args.csv, "w", newline="", encoding="utf-8") if args.csv else None  # noqa: SIM115
    try:
        report = replay(section, exports, staff=staff, csv_out=csv_handle)
    except EngineError as exc:
        for path, message in exc.errors:
            print(f"{config}: policies.{'.'.join(map(str, path))}: {message}", file=sys.stderr)
        return 2
    except ValueError as exc:  # ijson: malformed export
        print(f"vigie replay: malformed export: {exc}", file=sys.stderr)
        return 2
    finally:
        if csv_handle:
            csv_handle.close()
    modes = {str(r.get("name")): str(r.get("mode", "enforce")) for r in section.get("rules") or ()}
    print(report.render(modes))
    if args.csv:
        print(f"hits written to {args.csv}")
    return 0


def register(subparsers: Any) -> None:
    """Add the ``replay`` subcommand."""
    parser = subparsers.add_parser(
        "replay",
        help="run a policy over DiscordChatExporter JSON exports (nothing is done)",
        description="Replays exported history through the rules of a config file and reports"
        " hits per rule, examples, speed, and optionally a CSV of every hit.",
    )
    parser.add_argument("--config", required=True, metavar="FILE", help="guild config YAML")
    parser.add_argument("exports", nargs="+", metavar="EXPORT.json")
    parser.add_argument("--csv", metavar="PATH", help="write every hit to this CSV file")
    parser.set_defaults(func=cmd_replay)
