"""The README is the newcomer's manual: it must name every setting, config key and CLI command."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def key_paths(node: object, prefix: str = "") -> list[str]:
    if not isinstance(node, dict):
        return []
    paths = []
    for key, value in node.items():
        path = f"{prefix}{key}"
        paths.append(path)
        paths.extend(key_paths(value, f"{path}."))
    return paths


def documented(path: str) -> bool:
    """Named in its own row, or shown inside its parent's default (``low: {resolution: 7d}``)."""
    if f"`{path}`" in README:
        return True
    parent, _, leaf = path.rpartition(".")
    rows = [line for line in README.splitlines() if line.startswith(f"| `{parent}` |")]
    return bool(parent) and any(f"{leaf}:" in row for row in rows)


def test_every_config_key_is_documented():
    defaults = yaml.safe_load((ROOT / "config" / "default.yaml").read_text(encoding="utf-8"))
    missing = [path for path in key_paths(defaults) if not documented(path)]
    assert not missing, f"README lacks config keys: {missing}"


def test_every_setting_is_documented():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = re.findall(r"^([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE)
    assert names, ".env.example lists no setting"
    missing = [name for name in names if f"`{name}`" not in README]
    assert not missing, f"README lacks settings: {missing}"


def test_every_command_line_command_is_documented():
    from bot.__main__ import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    missing = [name for name in subparsers.choices if f"`{name}" not in README]
    assert not missing, f"README lacks CLI commands: {missing}"
