"""The command line: check-config exit codes and messages, db migrate and backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_core_settings import REPO, run_cli


def test_check_config_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("locale: fr\nchannels:\n  modlog: mod-log\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("locale: fr\nroles:\n  managerz: [Mods]\n", encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("locale: fr\nroles: [\n", encoding="utf-8")
    config_dir = ["--config-dir", str(REPO / "config")]

    ok = run_cli(["check-config", str(good), *config_dir], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert f"{good}: ok" in ok.stdout

    invalid = run_cli(["check-config", str(good), str(bad), str(broken), *config_dir], tmp_path)
    assert invalid.returncode == 1
    assert f"{bad}:3: roles.managerz: unknown key" in invalid.stderr
    assert f"{broken}:" in invalid.stderr and "invalid YAML" in invalid.stderr
    assert "Traceback" not in invalid.stderr

    missing = run_cli(["check-config", str(tmp_path / "nope.yaml"), *config_dir], tmp_path)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_shipped_default_config_is_valid(tmp_path: Path) -> None:
    result = run_cli(
        [
            "check-config",
            str(REPO / "config" / "default.yaml"),
            "--config-dir",
            str(REPO / "config"),
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr


def test_db_migrate_then_backup(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "data" / "vigie.db")}
    first = run_cli(["db", "migrate"], tmp_path, env)
    assert first.returncode == 0, first.stderr
    assert "applied core/0001_core" in first.stdout
    second = run_cli(["db", "migrate"], tmp_path, env)
    assert second.returncode == 0 and "0 migrations applied" in second.stdout
    backup = run_cli(["db", "backup", str(tmp_path / "copy.db")], tmp_path, env)
    assert backup.returncode == 0, backup.stderr
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        components = {r[0] for r in copy.execute("SELECT component FROM schema_migrations")}
    assert "core" in components
