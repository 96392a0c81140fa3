"""The feedback catalogues: French complete, same placeholders, every key the code uses."""

import re
from pathlib import Path

import yaml

from bot.catalogue import flatten, placeholders

ROOT = Path("cogs/feedback")
EN = flatten(yaml.safe_load((ROOT / "locales/en.yaml").read_text(encoding="utf-8")))
FR = flatten(yaml.safe_load((ROOT / "locales/fr.yaml").read_text(encoding="utf-8")))


def test_french_has_every_key_with_the_same_placeholders():
    assert set(EN) == set(FR)
    for key in EN:
        assert placeholders(EN[key]) == placeholders(FR[key]), key


def test_every_key_in_the_code_exists():
    used: set[str] = set()
    for path in ROOT.glob("*.py"):
        used |= set(re.findall(r'"(feedback\.[a-z_]+\.[a-z_.]+)"', path.read_text()))
        # keys of the pure modules' errors are shown with the "feedback." prefix
        used |= {
            "feedback." + k
            for k in re.findall(
                r'(?:Error|_parse_int\(.*)\("?((?:form|poll|suggest|survey)\.[a-z_]+)"',
                path.read_text(),
            )
        }
    used.discard("feedback.csv")
    missing = sorted(k for k in used if k not in EN)
    assert missing == []
    for kind in ("rating", "nps"):
        assert f"feedback.survey.bad_{kind}" in EN
