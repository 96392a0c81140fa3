"""Process settings from the environment (and ``.env`` via python-dotenv).

A missing or malformed value raises :class:`SettingsError`; the command line turns it into one
line on stderr and exit code 2. The token is never part of a repr or a log line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """One setting is missing or malformed; ``str()`` is the one line shown to the operator."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name} {problem} (set it in the environment or in .env)")
        self.name = name


@dataclass(frozen=True)
class Settings:
    """Everything the process needs from its environment."""

    token: str = field(repr=False)
    database_path: Path = Path("data/vigie.db")
    config_dir: Path = Path("config")
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    api_base: str | None = None
    gateway_url: str | None = None
    owner_ids: frozenset[int] = frozenset()
    guild_ready_timeout: float = 2.0

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        dotenv_path: str | Path | None = ".env",
        require_token: bool = True,
    ) -> Settings:
        """Read settings; ``env`` defaults to ``os.environ`` over the values of ``.env``."""
        values: dict[str, str] = {}
        if dotenv_path is not None and Path(dotenv_path).is_file():
            values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
        values.update(os.environ if env is None else env)

        def get(name: str) -> str:
            return values.get(name, "").strip()

        token = get("DISCORD_TOKEN")
        if require_token:
            if not token:
                raise SettingsError("DISCORD_TOKEN", "is missing")
            if token.lower().startswith("bot "):
                raise SettingsError("DISCORD_TOKEN", "must be the bare token, without 'Bot '")
            if any(c.isspace() for c in token) or not token.isprintable():
                raise SettingsError("DISCORD_TOKEN", "is malformed (it contains spaces)")
        level = (get("LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            raise SettingsError(
                "LOG_LEVEL", f"must be one of {', '.join(LOG_LEVELS)}, not {level!r}"
            )
        return cls(
            token=token,
            database_path=Path(get("DATABASE_PATH") or "data/vigie.db"),
            config_dir=Path(get("CONFIG_DIR") or "config"),
            log_level=level,
            dev_guild_id=_snowflake("DEV_GUILD_ID", get("DEV_GUILD_ID")),
            api_base=_url("DISCORD_API_BASE", get("DISCORD_API_BASE"), ("http://", "https://")),
            gateway_url=_url(
                "DISCORD_GATEWAY_URL", get("DISCORD_GATEWAY_URL"), ("ws://", "wss://")
            ),
            owner_ids=frozenset(
                _snowflake("BOT_OWNER_IDS", part.strip()) or 0
                for part in get("BOT_OWNER_IDS").split(",")
                if part.strip()
            ),
            guild_ready_timeout=_positive_float(
                "GUILD_READY_TIMEOUT", get("GUILD_READY_TIMEOUT"), 2.0
            ),
        )


def _snowflake(name: str, raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**64:
        raise SettingsError(name, f"must be a Discord id (digits), not {raw!r}")
    return int(raw)


def _url(name: str, raw: str, schemes: tuple[str, ...]) -> str | None:
    if not raw:
        return None
    if not raw.startswith(schemes) or " " in raw:
        raise SettingsError(
            name, f"must be a URL starting with {' or '.join(schemes)}, not {raw!r}"
        )
    return raw.rstrip("/")


def _positive_float(name: str, raw: str, default: float) -> float:
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(name, f"must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(name, "must be greater than 0")
    return value
