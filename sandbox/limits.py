"""Discord's documented limits on message payloads, with its error bodies."""

from __future__ import annotations

from typing import Any

from sandbox.errors import ApiError, field_error

MAX_CONTENT = 2000
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # per request; INTERACTION_CREATE announces it
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
_EMBED_FIELD_LIMITS = {"title": 256, "description": 4096}


def _embed_size(embed: dict[str, Any]) -> int:
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    for f in embed.get("fields") or []:
        size += len(f.get("name") or "") + len(f.get("value") or "")
    return size


def check_message(payload: dict[str, Any], *, has_files: bool, editing: bool = False) -> None:
    """Raise Discord's error for a message payload that breaks a documented limit."""
    content = payload.get("content")
    if content is not None and len(content) > MAX_CONTENT:
        raise field_error(
            ["content"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length."
        )
    embeds = payload.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        raise field_error(
            ["embeds"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length."
        )
    for i, embed in enumerate(embeds):
        for key, limit in _EMBED_FIELD_LIMITS.items():
            if len(embed.get(key) or "") > limit:
                raise field_error(
                    ["embeds", i, key],
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {limit} or fewer in length.",
                )
        if len(embed.get("fields") or []) > 25:
            raise field_error(
                ["embeds", i, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        for j, f in enumerate(embed.get("fields") or []):
            if len(f.get("name") or "") > 256:
                raise field_error(
                    ["embeds", i, "fields", j, "name"],
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 256 or fewer in length.",
                )
            if len(f.get("value") or "") > 1024:
                raise field_error(
                    ["embeds", i, "fields", j, "value"],
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 1024 or fewer in length.",
                )
    if sum(_embed_size(e) for e in embeds) > MAX_EMBED_TOTAL:
        raise field_error(
            ["embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}",
        )
    if len(payload.get("components") or []) > 5 and not (payload.get("flags", 0) & (1 << 15)):
        raise field_error(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    if (
        not editing
        and not has_files
        and not content
        and not embeds
        and not payload.get("components")
        and not payload.get("sticker_ids")
        and not payload.get("poll")
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")
