"""UserError: a refusal shown to the member, translated and ephemeral (pure, no discord)."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """Raise with a catalogue key and named fields: ``UserError("errors.not_manager")``."""

    def __init__(self, message_key: str, **fields: Any) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.fields = fields

    def __repr__(self) -> str:
        return f"UserError({self.message_key!r}, **{self.fields!r})"
