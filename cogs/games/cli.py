"""``python -m bot trivia check FILE...``: validate trivia lists in either format.

Core discovers this module and calls ``register(subparsers)``; the chosen subcommand's
``func(args) -> int`` gives the exit code. No discord import. Also runnable alone:
``python -m cogs.games.cli trivia check config/trivia/*.yaml``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from cogs.games.trivia_formats import TriviaFormatError, load_trivia_file


def check_files(paths: Sequence[str], out: TextIO) -> int:
    """Print, per file, how many questions loaded or each error with its line; 1 on any error."""
    failed = False
    for path in paths:
        try:
            loaded = load_trivia_file(path)
        except TriviaFormatError as exc:
            failed = True
            print(f"{path}: {len(exc.issues)} error(s)", file=out)
            for issue in exc.issues:
                print(f"  {issue}", file=out)
            continue
        multiple = sum(1 for q in loaded.questions if q.is_multiple_choice)
        print(
            f"{path}: {len(loaded.questions)} questions ({loaded.format} format"
            f"{f', {multiple} multiple choice' if multiple else ''})",
            file=out,
        )
    return 1 if failed else 0


def _run_check(args: argparse.Namespace) -> int:
    return check_files(args.files, sys.stdout)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``trivia check FILE...`` to the ``python -m bot`` command line."""
    trivia = subparsers.add_parser("trivia", help="trivia lists: check their format")
    actions = trivia.add_subparsers(dest="trivia_command", required=True)
    check = actions.add_parser(
        "check",
        help="validate trivia lists (Vigie or Red-DiscordBot format)",
        description="Print the number of questions of each list, or each error with its line.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="YAML trivia list")
    check.set_defaults(func=_run_check)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cogs.games.cli")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
