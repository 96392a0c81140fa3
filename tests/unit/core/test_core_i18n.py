"""Catalogue: en/fr parity (keys and placeholders), fallback, formatting."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.catalogue import Catalogue, flatten, normalize_locale, placeholders
from bot.discovery import CORE_DIR, discover_cogs


def parity_problems(catalogue: Catalogue) -> list[str]:
    en, fr = catalogue.messages["en"], catalogue.messages["fr"]
    problems = [f"missing in fr: {k}" for k in sorted(en.keys() - fr.keys())]
    problems += [f"missing in en: {k}" for k in sorted(fr.keys() - en.keys())]
    for key in sorted(en.keys() & fr.keys()):
        if placeholders(en[key]) != placeholders(fr[key]):
            problems.append(
                f"{key}: placeholders {sorted(placeholders(en[key]))} vs {sorted(placeholders(fr[key]))}"
            )
    return problems


def test_core_catalogue_parity() -> None:
    catalogue = Catalogue.load([CORE_DIR / "locales"])
    assert catalogue.messages["en"], "the core catalogue is not empty"
    assert parity_problems(catalogue) == []


@pytest.mark.parametrize(
    "cog", [c for c in discover_cogs() if c.locales_dir.is_dir()], ids=lambda c: c.name
)
def test_every_cog_catalogue_parity(cog) -> None:
    assert parity_problems(Catalogue.load([cog.locales_dir])) == []


def test_fallback_to_english_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "en.yaml").write_text(
        "a:\n  only_en: 'Hello {name}'\n  both: Hi\n", encoding="utf-8"
    )
    (tmp_path / "fr.yaml").write_text("a:\n  both: Salut\n", encoding="utf-8")
    catalogue = Catalogue.load([tmp_path])
    with caplog.at_level(logging.WARNING):
        assert catalogue.t("fr", "a.only_en", name="Zoé") == "Hello Zoé"
        assert catalogue.t("fr-FR", "a.only_en", name="Zoé") == "Hello Zoé"
    assert caplog.text.count("a.only_en") == 1
    assert catalogue.t("fr", "a.both") == "Salut"
    assert catalogue.t("en", "a.unknown") == "a.unknown"


def test_missing_placeholder_is_left_visible() -> None:
    catalogue = Catalogue({"en": {"k": "{user} got {points} points"}})
    assert catalogue.t("en", "k", user="Ana") == "Ana got {points} points"


def test_helpers() -> None:
    assert flatten({"a": {"b": "x", "c": {"d": 1}}}) == {"a.b": "x", "a.c.d": "1"}
    assert placeholders("{a} and {b!r} and {c:>3}") == {"a", "b", "c"}
    assert [normalize_locale(x) for x in ("fr", "fr-FR", "FR", "en-US", "de", None)] == [
        "fr",
        "fr",
        "fr",
        "en",
        "en",
        "en",
    ]


def test_a_placeholder_may_be_called_key():
    from bot.catalogue import Catalogue

    catalogue = Catalogue({"en": {"config.set": "{key} is now {value}"}})
    assert catalogue.t("en", "config.set", key="locale", value="fr") == "locale is now fr"


def test_a_member_stands_for_their_server() -> None:
    """A member's id is not a guild id: their server's language is used."""
    import discord

    from bot.i18n import I18n

    class Configs:
        def get(self, guild_id: int):
            class Config:
                locale = "fr" if guild_id == 42 else None

            return Config()

    guild = discord.Object(id=42)
    member = discord.Member.__new__(discord.Member)
    member.guild = guild  # type: ignore[assignment]
    member._user = discord.Object(id=7)  # type: ignore[assignment]
    i18n = I18n(Catalogue.load([CORE_DIR / "locales"]), Configs())  # type: ignore[arg-type]
    assert i18n.locale_for(member) == "fr"
    assert i18n.locale_for(7) == "en"


def test_durations_read_in_the_message_language(tmp_path: Path) -> None:
    from bot.durations import Duration

    catalogue = Catalogue.load([CORE_DIR / "locales"])
    (tmp_path / "en.yaml").write_text('x: "within {delay}"\n', encoding="utf-8")
    (tmp_path / "fr.yaml").write_text('x: "dans un délai de {delay}"\n', encoding="utf-8")
    for locale in ("en", "fr"):
        catalogue.add_file(locale, tmp_path / f"{locale}.yaml")
    assert catalogue.t("en", "x", delay=Duration(5400)) == "within 1h30m"  # the config spelling
    assert catalogue.t("fr", "x", delay=Duration(3 * 86400)) == "dans un délai de 3 j"
    assert catalogue.duration("fr", Duration(604800 + 3600 + 5)) == "1 sem. 1 h 5 s"
    assert catalogue.duration("fr", Duration(0)) == "0 s"
    assert str(Duration(5400)) == "1h30m"
