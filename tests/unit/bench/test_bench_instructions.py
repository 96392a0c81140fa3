"""The instruction benchmark's bookkeeping: which dump is which window, and the summary."""

from __future__ import annotations

from pathlib import Path

from bench.message_path_instructions import _target, summarize, window_totals


def dump(directory: Path, name: str, total: int) -> None:
    (directory / name).write_text(f"version: 1\nevents: Ir\nsummary: {total}\n")


def test_windows_are_read_in_dump_order_with_every_thread(tmp_path: Path) -> None:
    dump(tmp_path, "callgrind.out.42.2-01", 2_000)
    dump(tmp_path, "callgrind.out.42.10-01", 10_000)  # numeric order, not text order
    dump(tmp_path, "callgrind.out.42.1-01", 1_000)
    dump(tmp_path, "callgrind.out.42.1-02", 5)  # another thread of the first window
    dump(tmp_path, "callgrind.out.42-01", 99_999)  # what ran after the last window
    dump(tmp_path, "callgrind.out.42", 0)
    assert window_totals(tmp_path) == [(1_000, 1_005), (2_000, 2_000), (10_000, 10_000)]


def test_the_warm_up_window_is_left_out_and_the_median_resists_one_flush() -> None:
    totals = [(900_000, 900_000)] + [(300_000, 300_000)] * 4 + [(330_000, 331_000)]
    summary = summarize(totals, count=300)
    assert summary["median"] == 1_000
    assert summary["mean"] == 1_020
    assert summary["spread"] == 0.1
    assert summary["all"] == 1_000


def test_targets_follow_the_budgets() -> None:
    assert _target("core", vs_baseline=0.93, added=0.0) == (">= 0.80 of the bare client", True)
    assert _target("core", vs_baseline=0.79, added=0.0)[1] is False
    assert _target("games", vs_baseline=0.9, added=0.041) == (
        "adds <= 5% to core (adds +4.1%)",
        True,
    )
    assert _target("games", vs_baseline=0.9, added=0.051)[1] is False
    assert _target("analytics", vs_baseline=0.9, added=0.099)[1] is True
    assert _target("policies", vs_baseline=0.9, added=0.3) == ("(reported)", True)
