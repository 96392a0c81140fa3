"""The complaints catalogues: same keys and placeholders in en and fr, Discord's length limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.catalogue import flatten, placeholders

LOCALES = Path(__file__).resolve().parents[3] / "cogs" / "complaints" / "locales"
CODE = LOCALES.parent


def catalogue(locale: str) -> dict[str, str]:
    return flatten(yaml.safe_load((LOCALES / f"{locale}.yaml").read_text(encoding="utf-8")))


EN, FR = catalogue("en"), catalogue("fr")


def test_same_keys_and_placeholders() -> None:
    assert set(EN) == set(FR)
    for key in EN:
        assert placeholders(EN[key]) == placeholders(FR[key]), key


def test_every_key_the_code_uses_exists() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in CODE.glob("*.py"))
    used = set(re.findall(r'"(complaints\.[a-z_]+(?:\.[a-z_]+)+)"', source))
    assert used, "the pattern found no key at all"
    missing = sorted(k for k in used if k not in EN)
    assert missing == []
    for prefix in ("priority", "clock", "button", "history"):
        assert any(k.startswith(f"complaints.{prefix}.") for k in EN)


@pytest.mark.parametrize("table", [EN, FR], ids=["en", "fr"])
def test_discord_limits(table: dict[str, str]) -> None:
    for key, text in table.items():
        filled = text.format_map({name: "9999" for name in placeholders(text)})
        if key.startswith("complaints.form."):
            assert len(filled) <= 45, key  # modal titles and labels
        if key.startswith("complaints.button."):
            assert len(filled) <= 80, key
        if key.endswith(".name") and key.startswith("commands."):
            assert re.fullmatch(r"[a-z0-9_-]{1,32}", text), key
        if key.endswith(".description") and key.startswith("commands."):
            assert 1 <= len(text) <= 100, key


def test_french_is_translated() -> None:
    same = {k for k in EN if EN[k] == FR[k] and not k.startswith("commands.")}
    # Words that are the same in both languages.
    assert same <= {
        "complaints.transcript.ticket",
        "complaints.history.message",
        "complaints.stats.satisfaction",
    }


@pytest.mark.parametrize("table", [EN, FR], ids=["en", "fr"])
def test_the_open_limit_reads_right_when_it_is_one(table: dict[str, str]) -> None:
    # The catalogue has no plural forms: a limit of 1 must not read "1 open tickets".
    text = table["complaints.errors.too_many"].format(max=1)
    assert not re.search(r"\b1 (open )?tickets\b", text), text
    assert "qu'un d'eux" not in text  # French says "que l'un d'eux"
