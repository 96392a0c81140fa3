"""Per-guild configuration: defaults + guild document, validated, versioned, cached.

A guild's document comes from ``config/guilds/<guild_id>.yaml`` when that file exists (managed
by file, read-only from Discord); otherwise from the newest version stored in SQLite. Invalid
documents are never applied: the last good one stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.config_schema import ConfigError, SchemaRegistry, deep_merge
from bot.config_validator import ConfigInvalid, DocumentValidator
from bot.db import Database
from bot.user_error import UserError
from bot.yaml_lines import load_with_lines

__all__ = ["ConfigInvalid", "ConfigVersion", "GuildConfig", "GuildConfigs", "set_path"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConfigVersion:
    """One stored version of a guild's document."""

    guild_id: int
    version: int
    document: str
    author_id: int | None
    created_at: str

    @classmethod
    def from_row(cls, row: Any) -> ConfigVersion:
        return cls(
            int(row["guild_id"]),
            int(row["version"]),
            str(row["document"]),
            None if row["author_id"] is None else int(row["author_id"]),
            str(row["created_at"]),
        )


@dataclass(frozen=True)
class GuildConfig:
    """The effective config of one guild (treat ``raw`` and sections as read-only)."""

    guild_id: int
    raw: dict[str, Any]
    version: int = 0
    source: str = "default"  # default | db | file
    document: str = ""
    _empty: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def section(self, name: str) -> dict[str, Any]:
        """The section of a cog (an empty mapping if absent)."""
        value = self.raw.get(name)
        return value if isinstance(value, dict) else self._empty

    def get(self, path: str, default: Any = None) -> Any:
        """Value at a dotted path such as ``channels.modlog``."""
        node: Any = self.raw
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    @property
    def locale(self) -> str | None:
        value = self.raw.get("locale")
        return value if isinstance(value, str) else None

    @property
    def timezone(self) -> str:
        value = self.raw.get("timezone")
        return value if isinstance(value, str) else "UTC"

    @property
    def file_managed(self) -> bool:
        return self.source == "file"


def set_path(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Return a copy of ``document`` with ``value`` at dotted ``path`` (mappings created)."""
    parts = [p for p in path.split(".") if p]
    if not parts:
        raise UserError("config.bad_key", key=path)
    result = deep_merge({}, document)
    node = result
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value
    return result


# (guild_id, candidate config) -> [(dotted.key.path, message)]: checks that need the live server.
GuildCheck = Callable[[int, "GuildConfig"], list[tuple[str, str]]]


class _ConfigCache(dict[int, GuildConfig]):
    """Guild id -> its effective config; a guild never loaded gets the defaults on first read."""

    def __init__(self, make: Callable[[int], GuildConfig]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, guild_id: int) -> GuildConfig:
        config = self[guild_id] = self._make(guild_id)
        return config


class GuildConfigs:
    """All guild configs: validation, versions in SQLite, file-managed overrides, the cache."""

    def __init__(
        self,
        db: Database,
        config_dir: Path,
        registry: SchemaRegistry,
        *,
        on_change: Callable[[int], None] | None = None,
    ) -> None:
        self.db = db
        self.config_dir = Path(config_dir)
        self.registry = registry
        self.on_change = on_change
        self.validator = DocumentValidator(self.config_dir, registry)
        self._cache = _ConfigCache(lambda guild_id: GuildConfig(guild_id, self.defaults))
        # get(guild_id) -> GuildConfig: the cached effective config (defaults if the guild has
        # no document). A dictionary read in C, not a Python method: the message hooks of
        # automod, XP and analytics call it for every message they look at.
        self.get: Callable[[int], GuildConfig] = self._cache.__getitem__
        self._guild_checks: dict[str, GuildCheck] = {}

    # -- defaults and validation ----------------------------------------------------------------

    @property
    def default_path(self) -> Path:
        return self.validator.default_path

    def guild_file(self, guild_id: int) -> Path:
        return self.config_dir / "guilds" / f"{int(guild_id)}.yaml"

    async def reload_defaults(self) -> None:
        """Re-read ``default.yaml``, then every cached guild over it (each hears ``on_change``).

        Raises :class:`ConfigInvalid` if the file is broken, keeping the old defaults and
        configs. A guild's document is merged again rather than dropped: clearing the cache would
        leave guilds with a stored version on the bare defaults until their next load.
        """
        self.validator.load_defaults()
        for guild_id in list(self._cache):
            await self.load(guild_id)

    @property
    def defaults(self) -> dict[str, Any]:
        return self.validator.defaults

    def validate_document(self, text: str, filename: str) -> list[ConfigError]:
        """Errors of a guild document merged over the defaults (empty list: valid)."""
        return self.validator.validate(text, filename)[1]

    def _validate(
        self, text: str, filename: str
    ) -> tuple[dict[str, Any] | None, list[ConfigError]]:
        return self.validator.validate(text, filename)

    def add_guild_check(self, section: str, check: GuildCheck) -> None:
        """Register a check that needs the live server (roles the bot cannot give...).

        ``check(guild_id, candidate)`` gets the whole candidate config and returns
        ``(dotted.key.path, message)`` pairs; any pair refuses a document written from Discord.
        Files under ``config/guilds/`` cannot be checked this way before they are read: their
        problems are the feature's to report in the mod log.
        """
        self._guild_checks[section] = check

    def remove_guild_check(self, section: str) -> None:
        self._guild_checks.pop(section, None)

    def _check_against_guild(
        self, guild_id: int, merged: dict[str, Any], text: str, filename: str
    ) -> list[ConfigError]:
        if not self._guild_checks:
            return []
        candidate = GuildConfig(guild_id, merged, document=text)
        found: list[tuple[str, str]] = []
        for section, check in self._guild_checks.items():
            if not candidate.section(section).get("enabled", True):
                continue
            try:
                found.extend(check(guild_id, candidate))
            except Exception:
                log.exception("guild check of section %s crashed", section)
        if not found:
            return []
        lines = load_with_lines(text) if text.strip() else None
        errors = []
        for path, message in found:
            keys = tuple(int(k) if k.isdigit() else k for k in path.split("."))
            line = (lines.line_of(keys) if lines is not None else None) or 1
            errors.append(ConfigError(filename, line, path, message))
        return errors

    # -- reads ----------------------------------------------------------------------------------

    async def load(self, guild_id: int, *, notify: bool = True) -> GuildConfig:
        """(Re)read a guild's document from its file or SQLite into the cache.

        Cogs that parse a guild's section or arm its schedules hear ``on_change`` (a file edited
        by hand, a guild just joined), like after a stored change; start-up loads stay quiet.
        """
        path = self.guild_file(guild_id)
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            merged, errors = self._validate(text, str(path))
            if merged is None:
                for error in errors:
                    log.error("guild %s: %s (keeping the last good config)", guild_id, error)
                return self.get(guild_id)
            config = GuildConfig(guild_id, merged, 0, "file", text)
        else:
            latest = await self._latest(guild_id)
            if latest is None:
                config = GuildConfig(guild_id, self.defaults)
            else:
                merged, errors = self._validate(latest.document, f"version {latest.version}")
                if merged is None:
                    # Stored versions were valid when written; a schema change can break them.
                    for error in errors:
                        log.error("guild %s: %s (using defaults)", guild_id, error)
                    return self.get(guild_id)
                config = GuildConfig(guild_id, merged, latest.version, "db", latest.document)
        self._cache[guild_id] = config
        if notify and self.on_change is not None:
            self.on_change(guild_id)
        return config

    async def load_all(self, guild_ids: list[int] | None = None) -> None:
        """Load every guild that has a stored version or a file (plus ``guild_ids``)."""
        ids = set(guild_ids or [])
        rows = await self.db.fetchall("SELECT DISTINCT guild_id FROM guild_config_versions")
        ids.update(int(r[0]) for r in rows)
        guild_dir = self.config_dir / "guilds"
        if guild_dir.is_dir():
            ids.update(int(p.stem) for p in guild_dir.glob("*.yaml") if p.stem.isdigit())
        for guild_id in sorted(ids):
            await self.load(guild_id, notify=False)

    async def _latest(self, guild_id: int) -> ConfigVersion | None:
        row = await self.db.fetchone(
            "SELECT * FROM guild_config_versions WHERE guild_id = ? ORDER BY version DESC LIMIT 1",
            (guild_id,),
        )
        return None if row is None else ConfigVersion.from_row(row)

    async def versions(self, guild_id: int) -> list[ConfigVersion]:
        """Stored versions of a guild, newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM guild_config_versions WHERE guild_id = ? ORDER BY version DESC",
            (guild_id,),
        )
        return [ConfigVersion.from_row(r) for r in rows]

    async def document(self, guild_id: int) -> str:
        """The guild's own document (file text or newest version; empty if none)."""
        path = self.guild_file(guild_id)
        if path.is_file():
            return path.read_text(encoding="utf-8")
        latest = await self._latest(guild_id)
        return "" if latest is None else latest.document

    # -- writes ---------------------------------------------------------------------------------

    def _refuse_if_file_managed(self, guild_id: int) -> None:
        path = self.guild_file(guild_id)
        if path.is_file():
            raise UserError("config.file_managed", path=f"config/guilds/{path.name}")

    async def set_document(
        self,
        guild_id: int,
        yaml_text: str,
        author_id: int | None,
        *,
        filename: str = "document.yaml",
    ) -> ConfigVersion:
        """Validate and store a new version; raise :class:`ConfigInvalid` (nothing stored)."""
        self._refuse_if_file_managed(guild_id)
        merged, errors = self._validate(yaml_text, filename)
        if merged is None:
            raise ConfigInvalid(errors)
        errors = self._check_against_guild(guild_id, merged, yaml_text, filename)
        if errors:
            raise ConfigInvalid(errors)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        async with self.db.transaction():
            current = await self.db.fetchval(
                "SELECT MAX(version) FROM guild_config_versions WHERE guild_id = ?", (guild_id,)
            )
            version = int(current or 0) + 1
            await self.db.execute(
                "INSERT INTO guild_config_versions (guild_id, version, document, author_id, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (guild_id, version, yaml_text, author_id, created),
            )
        # The writer refreshes the cache itself: readers never see a stale config.
        self._cache[guild_id] = GuildConfig(guild_id, merged, version, "db", yaml_text)
        if self.on_change is not None:
            self.on_change(guild_id)
        return ConfigVersion(guild_id, version, yaml_text, author_id, created)

    async def set_key(
        self, guild_id: int, key: str, value: str, author_id: int | None
    ) -> ConfigVersion:
        """Set one dotted key from YAML text (``10m``, ``true``, ``[Mods, 123]``) and store."""
        self._refuse_if_file_managed(guild_id)
        current_text = await self.document(guild_id)
        current = yaml.safe_load(current_text) if current_text.strip() else {}
        if not isinstance(current, dict):
            current = {}
        try:
            parsed = yaml.safe_load(value) if value.strip() else None
            updated = set_path(current, key, parsed)
            text = yaml.safe_dump(updated, sort_keys=False, allow_unicode=True)
        except yaml.YAMLError as exc:
            raise ConfigInvalid(
                [ConfigError("value", 1, key, f"invalid YAML value: {exc}")]
            ) from exc
        except RecursionError as exc:  # PyYAML reads and writes nested values recursively
            raise ConfigInvalid(
                [ConfigError("value", 1, key, "invalid YAML value: nested too deeply")]
            ) from exc
        return await self.set_document(guild_id, text, author_id, filename=f"set {key}")

    async def rollback(
        self, guild_id: int, version: int | None = None, author_id: int | None = None
    ) -> ConfigVersion:
        """Store a new version equal to ``version`` (default: the one before the newest)."""
        self._refuse_if_file_managed(guild_id)
        history = await self.versions(guild_id)
        if version is None:
            if len(history) < 2:
                raise UserError("config.nothing_to_rollback")
            target = history[1]
        else:
            found = [v for v in history if v.version == version]
            if not found:
                raise UserError("config.no_such_version", version=version)
            target = found[0]
        return await self.set_document(
            guild_id, target.document, author_id, filename=f"version {target.version}"
        )
