"""The welcome catalogues: French and English have the same keys and the same placeholders."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.catalogue import flatten, placeholders

LOCALES = Path(__file__).resolve().parents[3] / "cogs" / "welcome" / "locales"


def _load(locale: str) -> dict[str, str]:
    return flatten(yaml.safe_load((LOCALES / f"{locale}.yaml").read_text(encoding="utf-8")))


def test_french_is_complete_with_the_same_placeholders() -> None:
    en, fr = _load("en"), _load("fr")
    assert set(en) == set(fr)
    for key, text in en.items():
        assert placeholders(text) == placeholders(fr[key]), key
        assert fr[key].strip(), key


def test_built_in_greetings_only_use_template_placeholders() -> None:
    from cogs.welcome.templates import PLACEHOLDERS

    for locale in ("en", "fr"):
        table = _load(locale)
        for key in [k for k in table if k.startswith(("welcome.greeting_", "welcome.goodbye_"))]:
            assert placeholders(table[key]) <= set(PLACEHOLDERS), (locale, key)


def test_mod_log_lines_never_use_the_reserved_key_field() -> None:
    # ModLog.write(guild, key, **fields) takes the message key as ``key``.
    for key, text in _load("en").items():
        if key.startswith("welcome.log."):
            assert "key" not in placeholders(text), key
