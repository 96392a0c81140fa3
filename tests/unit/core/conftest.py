"""Fixtures of the core unit tests: a temporary database and config folder (no discord)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config_schema import SchemaRegistry
from bot.db import Database
from bot.discovery import CORE_DIR
from bot.guild_config import GuildConfigs

DEFAULT_YAML = """\
# test defaults
locale: null
timezone: UTC
roles:
  managers: []
  moderators: []
channels:
  modlog: null
  reports: null
demo:
  enabled: true
  delay: 10m
  limit: 5
"""

DEMO_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "enabled": {"type": "boolean"},
        "delay": {"type": "string", "format": "duration"},
        "limit": {"type": "integer", "minimum": 1},
    },
}


def demo_check(section: dict) -> list[tuple[tuple, str]]:
    if section.get("limit", 0) > 100:
        return [(("limit",), "at most 100")]
    return []


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "vigie.db")
    await database.migrate("core", CORE_DIR / "migrations")
    yield database
    await database.close()


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "default.yaml").write_text(DEFAULT_YAML, encoding="utf-8")
    return folder


@pytest.fixture
def registry() -> SchemaRegistry:
    reg = SchemaRegistry()
    reg.add_section("demo", DEMO_SCHEMA, demo_check)
    return reg


@pytest.fixture
def changes() -> list[int]:
    return []


@pytest.fixture
def configs(
    db: Database, config_dir: Path, registry: SchemaRegistry, changes: list[int]
) -> GuildConfigs:
    return GuildConfigs(db, config_dir, registry, on_change=changes.append)
