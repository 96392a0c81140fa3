"""Validating sandbox answers against Discord's OpenAPI description (read in place)."""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "discord-api-spec" / "openapi.json"


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any] | None:
    if not SPEC_PATH.exists():
        return None
    return json.loads(SPEC_PATH.read_text())


def _shape(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", template)


def response_schema(
    spec: dict[str, Any], method: str, template: str, status: int
) -> dict[str, Any] | None:
    """The JSON schema Discord documents for this answer, or None if it documents none."""
    wanted = _shape(template)
    for path, item in spec["paths"].items():
        if _shape(path) != wanted:
            continue
        op = item.get(method.lower())
        if op is None:
            return None
        responses = op.get("responses", {})
        resp = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
        if resp is None:
            return None
        if "$ref" in resp:
            resp = _resolve_pointer(spec, resp["$ref"])
        content = resp.get("content", {}).get("application/json")
        return None if content is None else content["schema"]
    return None


def _resolve_pointer(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _overlapping_oneof_as_anyof(node: Any) -> Any:
    """Discord's spec lists overlapping alternatives under `oneOf` without a discriminator
    (e.g. a guild text channel also satisfies the thread schema's required keys), so a
    correct answer can match two of them. We require *at least one*; each alternative is
    still checked in full."""
    if isinstance(node, dict):
        out = {k: _overlapping_oneof_as_anyof(v) for k, v in node.items()}
        if "oneOf" in out:
            out["anyOf"] = out.pop("oneOf")
        return out
    if isinstance(node, list):
        return [_overlapping_oneof_as_anyof(v) for v in node]
    return node


@lru_cache(maxsize=1)
def _root() -> dict[str, Any]:
    spec = load_spec()
    assert spec is not None
    root = _overlapping_oneof_as_anyof(copy.deepcopy({"components": spec["components"]}))
    # The spec reuses `Error` (integer code) for field errors, but Discord answers
    # `{"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": ...}]}` with string codes
    # (see discord.py's _flatten_error_dict). Only that one item schema is corrected.
    inner = root["components"]["schemas"]["InnerErrors"]["properties"]["_errors"]
    inner["items"] = {
        "type": "object",
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        "required": ["code", "message"],
        "additionalProperties": False,
    }
    return root


def validate(schema: dict[str, Any], instance: Any) -> list[str]:
    """Error messages (empty when the instance conforms)."""
    import jsonschema

    root = _root()
    full = {**_overlapping_oneof_as_anyof(schema), "components": root["components"]}
    validator = jsonschema.Draft202012Validator(
        full, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}" for e in errors]
