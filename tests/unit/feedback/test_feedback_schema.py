"""The feedback config section: schema, semantic checks and the typed settings."""

from pathlib import Path

import jsonschema
import yaml

from cogs.feedback import schema

DEFAULT = yaml.safe_load(Path("config/default.yaml").read_text())["feedback"]
VALIDATOR = jsonschema.Draft202012Validator(schema.SCHEMA)


def test_default_section_is_valid_and_typed():
    assert list(VALIDATOR.iter_errors(DEFAULT)) == []
    assert schema.check(DEFAULT) == []
    settings = schema.FeedbackSettings.from_section(DEFAULT)
    assert settings.categories == ("product", "community", "events", "brand")
    assert settings.weekday == 0 and settings.reason_required == {"denied"}
    survey = settings.surveys["satisfaction"]
    assert [q.kind for q in survey.questions] == ["rating", "nps", "choice", "text"]
    assert survey.questions[3].required is False


def test_schema_refuses_unknown_keys_and_bad_types():
    bad = {"enabled": "yes", "colour": 1, "digests": {"hour": 24, "weekday": "funday"}}
    messages = [e.message for e in VALIDATOR.iter_errors(bad)]
    assert len(messages) == 4


def test_schema_refuses_bad_questions():
    section = {
        "surveys": {
            "s": {"title": "S", "questions": [{"id": "Bad Id", "type": "slider", "prompt": ""}]}
        }
    }
    assert len(list(VALIDATOR.iter_errors(section))) == 3


def test_check_finds_semantic_errors():
    section = {
        "categories": ["a", "a"],
        "surveys": {
            "s": {
                "title": "S",
                "questions": [
                    {"id": "x", "type": "choice", "prompt": "?", "options": ["One"]},
                    {"id": "x", "type": "text", "prompt": "?", "options": ["A", "B"]},
                    {"id": "y", "type": "choice", "prompt": "?", "options": ["A", "a "]},
                ],
            }
        },
        "polls": {"default_duration": "2w", "max_duration": "1w"},
    }
    paths = [path for path, _ in schema.check(section)]
    assert paths == [
        ("categories",),
        ("surveys", "s", "questions", 0, "options"),
        ("surveys", "s", "questions", 1, "id"),
        ("surveys", "s", "questions", 1, "options"),
        ("surveys", "s", "questions", 2, "options"),
        ("polls", "default_duration"),
    ]


def test_settings_defaults_when_section_is_empty():
    settings = schema.FeedbackSettings.from_section({})
    assert settings.enabled and settings.categories == ("general",)
    assert settings.poll_default_duration == "1d" and settings.surveys == {}
