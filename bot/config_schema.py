"""Schemas of guild config documents and their validation into ``file:line: path: message``.

Core owns the top-level keys below; each cog owns one section through ``cogs/<name>/schema.py``
(``SECTION``, ``SCHEMA``, optional ``check(section)``), loaded by file path so that discovery
never imports a cog package (nor discord). Pure logic, no discord import.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import logging
import sys
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema

from bot.discovery import CogInfo
from bot.durations import is_duration
from bot.yaml_lines import KeyPath, LoadedYaml, YamlSyntaxError, load_with_lines

log = logging.getLogger(__name__)

_ID_OR_NAME: dict[str, Any] = {
    "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "minLength": 1}]
}
_CHANNEL: dict[str, Any] = {
    "anyOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "minLength": 1},
        {"type": "null"},
    ]
}

CORE_PROPERTIES: dict[str, Any] = {
    "locale": {"enum": ["en", "fr", None]},
    "timezone": {"type": "string", "minLength": 1},
    "roles": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "managers": {"type": "array", "items": _ID_OR_NAME},
            "moderators": {"type": "array", "items": _ID_OR_NAME},
        },
    },
    "channels": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"modlog": _CHANNEL, "reports": _CHANNEL},
    },
}

SemanticCheck = Callable[[dict[str, Any]], list[tuple[tuple[Any, ...], str]]]


@dataclass(frozen=True)
class ConfigError:
    """One problem in a config document; ``str()`` is ``file:line: key.path: message``."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


def _check_core(doc: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    tz = doc.get("timezone")
    if isinstance(tz, str):
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return [
                (("timezone",), f"unknown time zone {tz!r} (use an IANA name like Europe/Paris)")
            ]
    return []


FORMAT_CHECKER = jsonschema.FormatChecker()


@FORMAT_CHECKER.checks("duration")
def _is_duration_format(value: object) -> bool:
    # Non-strings are the "type" keyword's business.
    return not isinstance(value, str) or is_duration(value)


def _load_schema_module(info: CogInfo) -> Any:
    spec = importlib.util.spec_from_file_location(f"_vigie_schema_{info.name}", info.schema_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {info.schema_path}")
    module = importlib.util.module_from_spec(spec)
    # dataclasses (and typing) look the module up in sys.modules while it executes.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(spec.name, None)
        raise
    return module


_CHECKED_SCHEMAS: set[str] = set()


def _check_schema_once(cls: Any, schema: dict[str, Any]) -> None:
    """Check a schema against its metaschema once per process: a broken cog schema is a
    programmer's error, and checking costs more than a whole bot start otherwise does."""
    digest = json.dumps(schema, sort_keys=True, default=str)
    if digest not in _CHECKED_SCHEMAS:
        cls.check_schema(schema)
        _CHECKED_SCHEMAS.add(digest)


class SchemaRegistry:
    """Core's schema plus every discovered cog section; validates whole documents."""

    def __init__(self) -> None:
        self.properties: dict[str, Any] = copy.deepcopy(CORE_PROPERTIES)
        self.checks: dict[str | None, SemanticCheck] = {None: _check_core}
        self.load_errors: list[str] = []
        self._validator: jsonschema.protocols.Validator | None = None

    def add_section(
        self, section: str, schema: dict[str, Any], check: SemanticCheck | None = None
    ) -> None:
        """Register the schema of one cog section (and its semantic check)."""
        if section in self.properties:
            raise ValueError(f"config section {section!r} is declared twice")
        self.properties[section] = schema
        if check is not None:
            self.checks[section] = check
        self._validator = None

    @classmethod
    def discover(cls, cogs: list[CogInfo]) -> SchemaRegistry:
        """Core + the ``schema.py`` of each cog; a broken schema file is recorded, not fatal."""
        registry = cls()
        for info in cogs:
            if not info.schema_path.is_file():
                continue
            try:
                module = _load_schema_module(info)
                section = getattr(module, "SECTION", info.name)
                registry.add_section(section, module.SCHEMA, getattr(module, "check", None))
            except Exception as exc:
                message = f"{info.schema_path}: cannot load schema: {exc}"
                registry.load_errors.append(message)
                log.exception("%s", message)
        return registry

    @property
    def schema(self) -> dict[str, Any]:
        """The JSON Schema of a whole (merged) document."""
        return {"type": "object", "additionalProperties": False, "properties": self.properties}

    def validator(self) -> jsonschema.protocols.Validator:
        if self._validator is None:
            cls = jsonschema.validators.validator_for(
                self.schema, default=jsonschema.Draft202012Validator
            )
            _check_schema_once(cls, self.schema)
            self._validator = cls(self.schema, format_checker=FORMAT_CHECKER)
        return self._validator

    def validate_merged(
        self, merged: Any, locate: Callable[[KeyPath], tuple[str, int]]
    ) -> list[ConfigError]:
        """Validate an effective document; ``locate(path)`` gives (file, line) of a key path."""
        errors: list[ConfigError] = []

        def add(path: KeyPath, message: str) -> None:
            file, line = locate(path)
            errors.append(ConfigError(file, line, ".".join(str(p) for p in path), message))

        for error in self.validator().iter_errors(merged):
            path: KeyPath = tuple(error.absolute_path)
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                known = set(error.schema.get("properties", {}))
                for key in sorted(k for k in error.instance if k not in known):
                    add((*path, key), "unknown key")
                continue
            if error.validator == "format" and error.validator_value == "duration":
                add(
                    path, f"bad duration {error.instance!r} (examples: 30s, 10m, 2h, 7d, 1w, 1h30m)"
                )
                continue
            add(path, _short_message(error))
        if errors or not isinstance(merged, dict):
            return sorted(errors, key=lambda e: (e.file, e.line, e.path))
        for section, check in self.checks.items():
            target = merged if section is None else merged.get(section)
            if not isinstance(target, dict):
                continue
            prefix: KeyPath = () if section is None else (section,)
            try:
                found = check(target)
            except Exception as exc:
                log.exception("semantic check of section %s crashed", section)
                found = [((), f"check failed: {exc}")]
            for sub_path, message in found:
                add((*prefix, *sub_path), message)
        return sorted(errors, key=lambda e: (e.file, e.line, e.path))


def _short_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "type":
        return f"expected {_type_words(error.validator_value)}, got {error.instance!r}"
    if error.validator == "enum":
        choices = ", ".join("null" if v is None else str(v) for v in error.validator_value)
        return f"must be one of: {choices} (got {error.instance!r})"
    if error.validator == "anyOf" and error.context:
        kinds = sorted(
            {_type_words(e.validator_value) for e in error.context if e.validator == "type"}
        )
        if kinds:
            return f"expected {' or '.join(kinds)}, got {error.instance!r}"
    return error.message


def _type_words(value: Any) -> str:
    if isinstance(value, list):
        return " or ".join(str(v) for v in value)
    return {
        "integer": "an integer",
        "string": "a string",
        "boolean": "true or false",
        "object": "a mapping",
        "array": "a list",
        "number": "a number",
        "null": "null",
    }.get(str(value), str(value))


def deep_merge(base: Any, override: Any) -> Any:
    """Mappings merge key by key (recursively); anything else in ``override`` replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = {k: copy.deepcopy(v) for k, v in base.items()}
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


def parse_document(text: str, filename: str) -> tuple[LoadedYaml | None, list[ConfigError]]:
    """Parse a guild document: a mapping (an empty document is ``{}``)."""
    try:
        loaded = load_with_lines(text)
    except YamlSyntaxError as exc:
        return None, [ConfigError(filename, exc.line, "", exc.message)]
    if loaded.data is None:
        loaded.data = {}
    if not isinstance(loaded.data, dict):
        return None, [
            ConfigError(
                filename, loaded.lines.get((), 1), "", "the document must be a mapping of keys"
            )
        ]
    errors = [
        ConfigError(filename, line, ".".join(str(p) for p in path), "key given twice")
        for path, line in loaded.duplicates
    ]
    return loaded, errors
