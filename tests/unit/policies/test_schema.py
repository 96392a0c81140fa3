"""The policies section: schema + semantic checks, the examples, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config_schema import SchemaRegistry, deep_merge, parse_document
from cogs.policies import schema
from cogs.policies.engine import Engine, MessageFacts

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "config" / "examples"


def _registry() -> SchemaRegistry:
    registry = SchemaRegistry()
    registry.add_section(schema.SECTION, schema.SCHEMA, schema.check)
    return registry


def _defaults() -> dict:
    data = yaml.safe_load((REPO / "config" / "default.yaml").read_text(encoding="utf-8"))
    return {"policies": data["policies"]}


def _errors(text: str) -> list[str]:
    loaded, errors = parse_document(text, "guild.yaml")
    assert loaded is not None, errors
    merged = deep_merge(_defaults(), loaded.data)
    found = _registry().validate_merged(merged, lambda p: ("guild.yaml", loaded.line_of(p) or 1))
    return [str(e) for e in found]


def test_default_section_is_valid() -> None:
    assert _errors("{}\n") == []


@pytest.mark.parametrize("name", ["gaming.yaml", "marque-fr.yaml"])
def test_examples_are_valid_and_compile(name: str) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert _errors(text) == []
    section = deep_merge(_defaults(), yaml.safe_load(text))["policies"]
    engine = Engine.from_section(section)
    assert len(engine.rules) >= 10
    assert {"delete", "warn"} & {a.kind for r in engine.rules for a in r.actions}


def test_french_example_catches_insult_and_spares_innocent_words() -> None:
    section = yaml.safe_load((EXAMPLES / "marque-fr.yaml").read_text(encoding="utf-8"))["policies"]
    engine = Engine.from_section(section)

    def check(text: str) -> tuple[str, ...]:
        return engine.evaluate(MessageFacts(1, 2, 3, text, 1.0, channel_name="général")).rules

    assert check("Espèce de C0NNASSE") == ("insultes",)
    assert check("Appelez-moi au 06 12 34 56 78") == ("données personnelles",)
    assert check("La classe, ce nouveau produit ! Un vrai assistant, bravo l'équipe.") == ()
    assert check("J'ai consulté le débat, c'est constructif") == ()


def test_bad_regex_reported_with_file_line_and_reason() -> None:
    text = "policies:\n  rules:\n    - name: r\n      triggers:\n        regex: ['(a+)+$']\n"
    [error] = _errors(text)
    assert error.startswith("guild.yaml:5: policies.rules.0.triggers.regex.0: too costly")


def test_unknown_key_wrong_type_and_bad_duration() -> None:
    text = (
        "policies:\n"
        "  rules:\n"
        "    - name: r\n"
        "      triggers: {words: [x], colour: red}\n"
        "      actions: [{timeout: soon}]\n"
        "      points: lots\n"
    )
    errors = "\n".join(_errors(text))
    assert "policies.rules.0.triggers.colour: unknown key" in errors
    assert "policies.rules.0.points" in errors


def test_unknown_action_and_ladder_and_raid_checks() -> None:
    text = (
        "policies:\n"
        "  rules:\n"
        "    - {name: r, triggers: {words: [x]}, actions: [explode]}\n"
        "  points:\n"
        "    ladder: [{at: 3, action: kick}, {at: 3, action: ban}]\n"
        "  raid: {action: role}\n"
    )
    errors = "\n".join(_errors(text))
    assert "policies.rules.0.actions.0: unknown action 'explode'" in errors
    assert "policies.points.ladder.1.at: two ladder steps at 3" in errors
    assert "policies.raid.quarantine_role: action 'role' needs a quarantine_role" in errors


def test_duplicate_rule_names_refused() -> None:
    text = "policies:\n  rules:\n    - {name: a, triggers: {words: [x]}}\n    - {name: A, triggers: {words: [y]}}\n"
    assert any("two rules are named 'A'" in e for e in _errors(text))
