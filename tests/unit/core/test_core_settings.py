"""Settings: one clear line and exit 2 on a missing/malformed value; the token never leaks."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.logging_setup import REDACTED, RedactSecrets
from bot.settings import Settings, SettingsError

REPO = Path(__file__).resolve().parents[3]
TOKEN = "MTIzNDU2Nzg5.abcdef.secret-token-value"


def run_cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli(["run"], tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DISCORD_TOKEN" in lines[0] and ".env" in lines[0]
    assert "Traceback" not in result.stderr


def test_malformed_setting_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli(["run"], tmp_path, {"DISCORD_TOKEN": TOKEN, "DEV_GUILD_ID": "my-guild"})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "DEV_GUILD_ID" in line and TOKEN not in result.stderr


def test_dotenv_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"DISCORD_TOKEN={TOKEN}\nDATABASE_PATH=x/y.db\nLOG_LEVEL=debug\n", encoding="utf-8"
    )
    settings = Settings.from_env({"LOG_LEVEL": "WARNING"}, dotenv_path=env_file)
    assert settings.token == TOKEN and settings.database_path == Path("x/y.db")
    assert settings.log_level == "WARNING" and settings.config_dir == Path("config")
    assert settings.dev_guild_id is None and settings.owner_ids == frozenset()


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": "Bot " + TOKEN}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": "two words"}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": "127.0.0.1:80"}, "DISCORD_API_BASE"),
        ({"DISCORD_TOKEN": TOKEN, "DISCORD_GATEWAY_URL": "http://x"}, "DISCORD_GATEWAY_URL"),
        ({"DISCORD_TOKEN": TOKEN, "BOT_OWNER_IDS": "1,abc"}, "BOT_OWNER_IDS"),
        ({"DISCORD_TOKEN": TOKEN, "GUILD_READY_TIMEOUT": "0"}, "GUILD_READY_TIMEOUT"),
    ],
)
def test_bad_values_name_the_setting(env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env, dotenv_path=None)
    assert caught.value.name == name and str(caught.value).startswith(name)
    assert TOKEN not in str(caught.value)


def test_token_not_in_repr() -> None:
    settings = Settings.from_env(
        {"DISCORD_TOKEN": TOKEN, "BOT_OWNER_IDS": "1, 2"}, dotenv_path=None
    )
    assert TOKEN not in repr(settings) and settings.owner_ids == frozenset({1, 2})


def test_redaction_filter_scrubs_messages_args_and_tracebacks() -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(RedactSecrets([TOKEN]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("token is %s", TOKEN)
        logger.warning(f"inline {TOKEN}")
        try:
            raise ValueError(f"bad {TOKEN}")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert len(records) == 3
    assert all(TOKEN not in r for r in records)
    assert REDACTED in records[0] and REDACTED in records[2]


def test_invalid_default_config_stops_before_connecting(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "default.yaml").write_text("locale: fr\nroles:\n  admins: []\n", encoding="utf-8")
    env = {
        "DISCORD_TOKEN": TOKEN,
        "CONFIG_DIR": str(config),
        "DATABASE_PATH": str(tmp_path / "vigie.db"),
        # Never Discord: a closed local port, in case the check did not stop the start.
        "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
        "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/gateway",
    }
    result = run_cli(["run"], tmp_path, env)
    assert result.returncode == 2, result.stderr
    assert f"{config / 'default.yaml'}:3: roles.admins: unknown key" in result.stderr
    assert "Traceback" not in result.stderr and TOKEN not in result.stderr
