"""Cog discovery and schema gathering never import the cog packages themselves."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config_schema import SchemaRegistry
from bot.discovery import discover_cogs

SCHEMA = """
from dataclasses import dataclass

SECTION = "alpha"
SCHEMA = {"type": "object", "additionalProperties": False,
          "properties": {"enabled": {"type": "boolean"}}}


@dataclass(frozen=True)
class AlphaConfig:  # dataclasses need the module registered while it runs
    enabled: bool


def check(section):
    return [] if section.get("enabled") is not None else [((), "enabled is required")]
"""


def make_cogs(root: Path) -> Path:
    cogs = root / "fakecogs"
    for name, init in (
        ("alpha", "raise RuntimeError('importing the package is not allowed here')\n"),
        ("beta", "async def setup(bot):\n    pass\n"),
        ("_hidden", "async def setup(bot):\n    pass\n"),
        ("gamma", "# no setup here\n"),
    ):
        (cogs / name).mkdir(parents=True)
        (cogs / name / "__init__.py").write_text(init, encoding="utf-8")
    (cogs / "alpha" / "schema.py").write_text(SCHEMA, encoding="utf-8")
    (cogs / "beta" / "schema.py").write_text(
        "SECTION = 'beta'\nSCHEMA = {'type': \n", encoding="utf-8"
    )
    (cogs / "notapackage").mkdir()
    return cogs


def test_discovery_and_schemas_without_importing_packages(tmp_path: Path) -> None:
    cogs = make_cogs(tmp_path)
    found = discover_cogs(cogs)
    assert [(c.name, c.has_setup) for c in found] == [
        ("alpha", False),
        ("beta", True),
        ("gamma", False),
    ]
    registry = SchemaRegistry.discover(found)
    assert "alpha" in registry.properties and "beta" not in registry.properties
    assert len(registry.load_errors) == 1 and "beta/schema.py" in registry.load_errors[0]
    assert not any(name.startswith("fakecogs") for name in sys.modules)
    errors = registry.validate_merged({"alpha": {}}, lambda path: ("f.yaml", 1))
    assert [str(e) for e in errors] == ["f.yaml:1: alpha: enabled is required"]
    errors = registry.validate_merged({"alpha": {"enabled": "yes"}}, lambda path: ("f.yaml", 2))
    assert [str(e) for e in errors] == [
        "f.yaml:2: alpha.enabled: expected true or false, got 'yes'"
    ]
