"""``trivia check``: per file, the count of questions or each error with its line; exit 1 on error."""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
from pathlib import Path

from cogs.games.cli import check_files, main, register

ROOT = Path(__file__).resolve().parents[3]


def test_check_reports_counts_and_errors_with_lines(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("Q1?:\n- a\nQ2?:\n- true\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nquestions:\n  - question: Q\n    answers: [a]\n    choices: [b, c]\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert check_files([str(good), str(bad)], out) == 1
    text = out.getvalue()
    assert f"{good}: 2 questions (red format)" in text
    assert f"{bad}: 1 error(s)" in text
    assert f"{bad}:5: the first answer 'a' must be one of the choices" in text


def test_shipped_lists_pass(capsys):
    files = sorted(str(p) for p in (ROOT / "config" / "trivia").glob("*.yaml"))
    assert main(["trivia", "check", *files]) == 0
    out = capsys.readouterr().out
    counts = {
        Path(m.group(1)).name: int(m.group(2))
        for m in re.finditer(r"^(\S+): (\d+) questions", out, re.M)
    }
    assert counts["general-fr.yaml"] >= 100 and counts["general-en.yaml"] >= 100
    assert len(counts) == len(files)


def test_register_wires_a_func_returning_the_exit_code(tmp_path):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    missing = tmp_path / "nope.yaml"
    args = parser.parse_args(["trivia", "check", str(missing)])
    assert args.func(args) == 1


def test_module_runs_alone_and_exits_1_on_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("Q?: not a list\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "cogs.games.cli", "trivia", "check", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"{bad}:1: question 'Q?' must be a list of answers" in done.stdout


def test_wired_into_python_m_bot(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("CONFIG:\n  delay: 1\nQ?:\n- a\n", encoding="utf-8")
    good = ROOT / "config" / "trivia" / "red-sample.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "trivia", "check", str(good), str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert f"{good}: 10 questions (red format)" in done.stdout
    assert f"{bad}:2: delay in CONFIG must be a number of seconds, at least 4" in done.stdout
