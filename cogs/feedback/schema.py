"""Config section ``feedback``: JSON Schema, semantic checks and typed, frozen views of it.

Pure logic, no discord import. ``SCHEMA`` is validated by the core; :func:`check` adds what a
JSON Schema cannot say (unique survey question ids, choice questions with options); the
``*.from_section`` constructors turn the validated dict into frozen dataclasses for the cog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.durations import DurationError, parse_seconds

SECTION = "feedback"

#: Suggestion statuses, in the order staff usually move through them.
STATUSES: tuple[str, ...] = ("open", "under_review", "approved", "denied", "implemented")
#: Question kinds a survey may ask.
QUESTION_KINDS: tuple[str, ...] = ("rating", "choice", "text", "nps")
WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)

# Discord caps a modal text input's label at 45 characters and its placeholder at 100; longer
# prompts are cut for the label and shown whole in the placeholder, so 100 is the real limit.
PROMPT_MAX = 100
# A choice answer is typed in a text input, so each option must be short enough to read back.
OPTION_MAX = 80

_CHANNEL = {"type": ["integer", "string", "null"]}

_QUESTION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "type", "prompt"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9_]{1,32}$"},
        "type": {"enum": list(QUESTION_KINDS)},
        "prompt": {"type": "string", "minLength": 1, "maxLength": PROMPT_MAX},
        "options": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": OPTION_MAX},
            "maxItems": 25,
        },
        "required": {"type": "boolean"},
        "max_length": {"type": "integer", "minimum": 1, "maximum": 4000},
    },
}

_SURVEY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "questions"],
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 100},
        "description": {"type": "string", "maxLength": 1000},
        "questions": {"type": "array", "minItems": 1, "maxItems": 25, "items": _QUESTION},
    },
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "enabled": {"type": "boolean"},
        "categories": {
            "type": "array",
            "minItems": 1,
            "maxItems": 25,
            "items": {"type": "string", "pattern": "^[a-z0-9_]{1,32}$"},
        },
        "anonymous_allowed": {"type": "boolean"},
        "channels": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "suggestions": _CHANNEL,
                "inbox": _CHANNEL,
                "reports": _CHANNEL,
            },
        },
        "suggestions": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "thread": {"type": "boolean"},
                "reason_required": {
                    "type": "array",
                    "items": {"enum": list(STATUSES)},
                    "uniqueItems": True,
                },
            },
        },
        "polls": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "default_duration": {"type": "string", "format": "duration"},
                "max_duration": {"type": "string", "format": "duration"},
            },
        },
        "surveys": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z0-9_-]{1,32}$"},
            "additionalProperties": _SURVEY,
        },
        "digests": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "weekly": {"type": "boolean"},
                "monthly": {"type": "boolean"},
                "weekday": {"enum": list(WEEKDAYS)},
                "hour": {"type": "integer", "minimum": 0, "maximum": 23},
                "top_suggestions": {"type": "integer", "minimum": 0, "maximum": 10},
                "notable_comments": {"type": "integer", "minimum": 0, "maximum": 10},
            },
        },
    },
}


def check(section: dict) -> list[tuple[tuple, str]]:
    """Semantic errors a JSON Schema cannot express, as ``(key path, message)`` pairs."""
    errors: list[tuple[tuple, str]] = []
    categories = section.get("categories") or []
    if len(set(categories)) != len(categories):
        errors.append((("categories",), "categories must be unique"))
    for name, survey in (section.get("surveys") or {}).items():
        if not isinstance(survey, dict):
            continue
        seen: set[str] = set()
        for index, question in enumerate(survey.get("questions") or []):
            if not isinstance(question, dict):
                continue
            path = ("surveys", name, "questions", index)
            qid = question.get("id")
            if not isinstance(qid, str):
                continue  # a missing or non-text id is the JSON Schema's error, reported there
            if qid in seen:
                errors.append((path + ("id",), f"duplicate question id {qid!r}"))
            seen.add(qid)
            options = question.get("options") or []
            if question.get("type") == "choice":
                if len(options) < 2:
                    errors.append(
                        (path + ("options",), "a choice question needs 2 options or more")
                    )
                folded = [o.strip().casefold() for o in options]
                if len(set(folded)) != len(folded):
                    errors.append((path + ("options",), "options must be unique"))
            elif options:
                errors.append((path + ("options",), "only choice questions take options"))
    polls = section.get("polls") or {}
    default, maximum = polls.get("default_duration"), polls.get("max_duration")
    if default and maximum:
        try:
            if parse_seconds(default) > parse_seconds(maximum):
                errors.append((("polls", "default_duration"), "longer than polls.max_duration"))
        except DurationError:
            pass  # the schema's duration format already reports it
    return errors


@dataclass(frozen=True)
class Question:
    """One survey question as configured."""

    id: str
    kind: str
    prompt: str
    options: tuple[str, ...] = ()
    required: bool = True
    max_length: int = 1000

    @classmethod
    def from_dict(cls, raw: dict) -> Question:
        return cls(
            id=raw["id"],
            kind=raw["type"],
            prompt=raw["prompt"],
            options=tuple(raw.get("options") or ()),
            required=bool(raw.get("required", True)),
            max_length=int(raw.get("max_length", 1000)),
        )


@dataclass(frozen=True)
class SurveyDef:
    """A survey defined in the guild config."""

    name: str
    title: str
    description: str
    questions: tuple[Question, ...]

    @classmethod
    def from_dict(cls, name: str, raw: dict) -> SurveyDef:
        return cls(
            name=name,
            title=raw["title"],
            description=raw.get("description", ""),
            questions=tuple(Question.from_dict(q) for q in raw["questions"]),
        )


@dataclass(frozen=True)
class FeedbackSettings:
    """Typed view of the effective ``feedback`` section of one guild."""

    enabled: bool
    categories: tuple[str, ...]
    anonymous_allowed: bool
    suggestions_channel: int | str | None
    inbox_channel: int | str | None
    reports_channel: int | str | None
    suggestion_thread: bool
    reason_required: frozenset[str]
    poll_default_duration: str
    poll_max_duration: str
    surveys: dict[str, SurveyDef]
    weekly: bool
    monthly: bool
    weekday: int
    hour: int
    top_suggestions: int
    notable_comments: int

    @classmethod
    def from_section(cls, section: dict) -> FeedbackSettings:
        channels = section.get("channels") or {}
        suggestions = section.get("suggestions") or {}
        polls = section.get("polls") or {}
        digests = section.get("digests") or {}
        return cls(
            enabled=bool(section.get("enabled", True)),
            categories=tuple(section.get("categories") or ("general",)),
            anonymous_allowed=bool(section.get("anonymous_allowed", True)),
            suggestions_channel=channels.get("suggestions"),
            inbox_channel=channels.get("inbox"),
            reports_channel=channels.get("reports"),
            suggestion_thread=bool(suggestions.get("thread", True)),
            reason_required=frozenset(suggestions.get("reason_required") or ("denied",)),
            poll_default_duration=polls.get("default_duration", "1d"),
            poll_max_duration=polls.get("max_duration", "4w"),
            surveys={
                name: SurveyDef.from_dict(name, raw)
                for name, raw in (section.get("surveys") or {}).items()
            },
            weekly=bool(digests.get("weekly", True)),
            monthly=bool(digests.get("monthly", True)),
            weekday=WEEKDAYS.index(digests.get("weekday", "monday")),
            hour=int(digests.get("hour", 9)),
            top_suggestions=int(digests.get("top_suggestions", 5)),
            notable_comments=int(digests.get("notable_comments", 5)),
        )
