"""Helpers for the policies unit tests: build an engine and message facts tersely."""

from __future__ import annotations

from typing import Any

import pytest

from cogs.policies.engine import Engine, MessageFacts


def facts(content: str = "", at: float = 1_000_000.0, **fields: Any) -> MessageFacts:
    """Message facts with sensible defaults (guild 1, channel 10, author 100)."""
    base: dict[str, Any] = {"guild_id": 1, "channel_id": 10, "author_id": 100}
    base.update(fields)
    return MessageFacts(content=content, created_at=at, **base)


@pytest.fixture
def make_engine():
    def build(*rules: dict[str, Any], **section: Any) -> Engine:
        return Engine.from_section({"rules": list(rules), **section})

    return build
