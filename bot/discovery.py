"""Find the feature packages under ``cogs/`` without importing them (no discord import).

A cog is a package ``cogs/<name>/`` (names starting ``_`` skipped); it may have ``setup`` in
``__init__.py``, a ``schema.py``, ``locales/``, ``migrations/`` and a ``cli.py``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

DEFAULT_COGS_DIR = Path(__file__).resolve().parent.parent / "cogs"
CORE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class CogInfo:
    """What core knows about one feature package before importing it."""

    name: str
    path: Path
    has_setup: bool

    @property
    def module(self) -> str:
        """The extension name for ``load_extension``."""
        return f"cogs.{self.name}"

    @property
    def schema_path(self) -> Path:
        return self.path / "schema.py"

    @property
    def locales_dir(self) -> Path:
        return self.path / "locales"

    @property
    def migrations_dir(self) -> Path:
        return self.path / "migrations"

    @property
    def cli_path(self) -> Path:
        return self.path / "cli.py"


def _defines_setup(init_file: Path) -> bool:
    try:
        tree = ast.parse(init_file.read_text(encoding="utf-8"), filename=str(init_file))
    except (OSError, SyntaxError):
        # Let load_extension report the real error with a traceback.
        return True
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "setup":
            return True
        if isinstance(node, ast.ImportFrom) and any(
            a.asname == "setup" or a.name == "setup" for a in node.names
        ):
            return True
    return False


def discover_cogs(cogs_dir: Path | None = None) -> list[CogInfo]:
    """Every feature package under ``cogs_dir`` (default: the repository's ``cogs/``), sorted."""
    root = cogs_dir or DEFAULT_COGS_DIR
    if not root.is_dir():
        return []
    found: list[CogInfo] = []
    for child in sorted(root.iterdir()):
        init = child / "__init__.py"
        if not child.is_dir() or child.name.startswith(("_", ".")) or not init.is_file():
            continue
        found.append(CogInfo(child.name, child, _defines_setup(init)))
    return found
