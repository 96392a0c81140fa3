"""Validation of guild documents merged over ``default.yaml`` (pure, no database, no discord).

Used by :class:`bot.guild_config.GuildConfigs` and by ``vigie check-config``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config_schema import ConfigError, SchemaRegistry, deep_merge, parse_document
from bot.user_error import UserError
from bot.yaml_lines import KeyPath, LoadedYaml


class ConfigInvalid(UserError):
    """A document failed validation; nothing was stored. ``errors`` says where and why."""

    def __init__(self, errors: list[ConfigError]) -> None:
        super().__init__("config.invalid", errors="\n".join(str(e) for e in errors[:20]))
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class DocumentValidator:
    """The validated defaults plus the schemas; validates guild documents against both."""

    def __init__(self, config_dir: Path, registry: SchemaRegistry) -> None:
        self.config_dir = Path(config_dir)
        self.registry = registry
        self.defaults_loaded: LoadedYaml | None = None
        self.defaults: dict[str, Any] = {}
        self.load_defaults()

    @property
    def default_path(self) -> Path:
        return self.config_dir / "default.yaml"

    def load_defaults(self) -> None:
        """Read and validate ``default.yaml``; raise :class:`ConfigInvalid` if it is broken."""
        name = str(self.default_path)
        try:
            text = self.default_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigInvalid([ConfigError(name, 1, "", f"cannot read: {exc.strerror}")]) from exc
        loaded, errors = parse_document(text, name)
        if loaded is None or errors:
            raise ConfigInvalid(errors)
        errors = self.registry.validate_merged(
            loaded.data, lambda p: (name, loaded.line_of(p) or 1)
        )
        if errors:
            raise ConfigInvalid(errors)
        self.defaults_loaded = loaded
        self.defaults = loaded.data

    def validate(self, text: str, filename: str) -> tuple[dict[str, Any] | None, list[ConfigError]]:
        """The effective config (None if invalid) and the errors of a guild document."""
        loaded, errors = parse_document(text, filename)
        if loaded is None:
            return None, errors
        merged = deep_merge(self.defaults, loaded.data)
        defaults = self.defaults_loaded
        default_name = str(self.default_path)

        def locate(path: KeyPath) -> tuple[str, int]:
            # Exact key in the guild document, else in the defaults, else the nearest ancestor.
            if path in loaded.lines:
                return filename, loaded.lines[path]
            if defaults is not None and path in defaults.lines:
                return default_name, defaults.lines[path]
            if path[:1] in loaded.lines:
                return filename, loaded.line_of(path) or 1
            if defaults is not None and path[:1] in defaults.lines:
                return default_name, defaults.line_of(path) or 1
            return filename, loaded.lines.get((), 1)

        errors += self.registry.validate_merged(merged, locate)
        return (merged if not errors else None), errors

    def validate_document(self, text: str, filename: str) -> list[ConfigError]:
        """Errors only (empty list: valid)."""
        return self.validate(text, filename)[1]
