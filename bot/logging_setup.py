"""Logging: one stderr handler, and a filter that redacts secrets from every record."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

REDACTED = "[REDACTED]"


class RedactSecrets(logging.Filter):
    """Replace each secret in the formatted message and traceback (defence in depth)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Very short strings would redact ordinary words; tokens are long.
        self.secrets = [s for s in secrets if s and len(s) >= 8]

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


class DropVoiceNotices(logging.Filter):
    """Vigie never uses voice: discord.py's notices about missing voice libraries are noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name == "discord.client" and "voice will NOT be supported" in str(record.msg)
        )


def setup_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> logging.Handler:
    """Configure the root logger once; every handler redacts ``secrets``."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    redact = RedactSecrets(secrets)
    handler.addFilter(redact)
    handler.addFilter(DropVoiceNotices())
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # discord.py's gateway chatter at DEBUG is huge; keep it at INFO unless asked otherwise.
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))
    return handler


def add_redaction(secrets: Iterable[str]) -> None:
    """Add a redacting filter to every current root handler (e.g. pytest's capture handler)."""
    redact = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
