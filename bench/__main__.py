"""Run every benchmark in ``bench/`` and print one table per module.

A benchmark is a module ``bench/<name>.py`` exposing ``run() -> list[dict]``; each dict is a
row (same keys across a module's rows). ``python -m bench name ...`` runs only those.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from collections.abc import Sequence

import bench


def discover() -> list[str]:
    """Benchmark module names, in a stable order."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules(bench.__path__)
        if not info.name.startswith("_") and info.name != "table"
    )


def format_cell(value: object) -> str:
    if isinstance(value, float):
        if value >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3g}"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    return str(value)


def print_table(title: str, rows: Sequence[dict]) -> None:
    print(f"\n## {title}")
    if not rows:
        print("(no rows)")
        return
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    cells = [[format_cell(row.get(col, "")) for col in columns] for row in rows]
    widths = [max(len(col), *(len(line[i]) for line in cells)) for i, col in enumerate(columns)]
    print("  ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for line in cells:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))


def run_alone(title: str, rows: Sequence[dict]) -> int:
    """For a benchmark run on its own: print its table; exit 1 if a row says it missed."""
    print_table(title, rows)
    return 0 if all(row.get("ok", True) for row in rows) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args(argv)
    names = args.names or discover()
    failed = 0
    for name in names:
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            rows = module.run()
        except Exception as exc:  # one broken benchmark must not hide the others
            failed += 1
            print(f"\n## {name}\nFAILED: {type(exc).__name__}: {exc}")
            continue
        print_table(f"{name} ({time.perf_counter() - started:.1f} s)", rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
