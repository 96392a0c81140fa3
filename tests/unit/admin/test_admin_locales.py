"""The admin catalogues: commands named in a message are spelled as that locale shows them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

LOCALES = Path(__file__).resolve().parents[3] / "cogs" / "admin" / "locales"
MENTION = re.compile(r"`/([^\s`]+)(?: ([^\s`:]+))?")


def _load(locale: str) -> dict:
    return yaml.safe_load((LOCALES / f"{locale}.yaml").read_text(encoding="utf-8"))


def test_commands_named_in_messages_exist_under_that_name_in_the_same_locale() -> None:
    # A French client only offers `/config importer`: a hint saying `/config import` leads nowhere.
    for locale in ("en", "fr"):
        catalogue = _load(locale)
        groups = {
            group["name"]: {sub["name"] for sub in group.values() if isinstance(sub, dict)}
            for group in catalogue["commands"].values()
        }
        for key, text in catalogue["admin"].items():
            for group, sub in MENTION.findall(text):
                assert group in groups, (locale, key, group)
                assert not sub or sub in groups[group], (locale, key, f"/{group} {sub}")
