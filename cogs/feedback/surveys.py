"""Surveys and modal forms: fields, pages of at most five, answer parsing. No discord import.

Discord modals hold at most five inputs and a modal cannot answer a modal, so a long survey is
cut into pages; after each page the member gets a "continue" button that opens the next one.
:class:`SurveyProgress` keeps the answers between pages and decides what comes next.

Every answer is typed in a text input (ratings and NPS as numbers, choices as a number or the
option's text) because text inputs are what every Discord client supports in modals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .models import KeyedError
from .schema import Question, SurveyDef

FIELDS_PER_MODAL = 5
LABEL_MAX = 45
PLACEHOLDER_MAX = 100
TITLE_MAX = 45
INPUT_MAX = 4000

RATING_MIN, RATING_MAX = 1, 5
NPS_MIN, NPS_MAX = 0, 10


class AnswerError(KeyedError):
    """An answer that does not fit its question; ``key`` is the locale key to show."""


def clip(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, with an ellipsis when something was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class FieldSpec:
    """A text input of a modal, within Discord's limits."""

    custom_id: str
    label: str
    placeholder: str | None
    paragraph: bool
    required: bool
    min_length: int | None
    max_length: int


def field_for(question: Question) -> FieldSpec:
    """The modal input that asks ``question``."""
    label = clip(question.prompt, LABEL_MAX)
    # a prompt cut in the label is shown whole in the placeholder
    placeholder = (
        clip(question.prompt, PLACEHOLDER_MAX) if len(question.prompt) > LABEL_MAX else None
    )
    paragraph = False
    if question.kind == "rating":
        placeholder, limit = placeholder or f"{RATING_MIN}–{RATING_MAX}", 1
    elif question.kind == "nps":
        placeholder, limit = placeholder or f"{NPS_MIN}–{NPS_MAX}", 2
    elif question.kind == "choice":
        # the options must be readable, so they take the placeholder over a long prompt
        listed = " · ".join(f"{i}. {o}" for i, o in enumerate(question.options, start=1))
        placeholder = clip(listed, PLACEHOLDER_MAX)
        # room for the longest option and for the number of the last one ("12")
        limit = max((len(o) for o in question.options), default=80)
        limit = max(limit, len(str(len(question.options))))
    else:
        limit = max(1, min(question.max_length, INPUT_MAX))
        paragraph = limit > 100
    return FieldSpec(question.id, label, placeholder, paragraph, question.required, None, limit)


def pages(questions: tuple[Question, ...] | list[Question]) -> list[tuple[Question, ...]]:
    """Cut the questions into consecutive pages of at most five, keeping their order."""
    items = tuple(questions)
    return [items[i : i + FIELDS_PER_MODAL] for i in range(0, len(items), FIELDS_PER_MODAL)]


def modal_title(title: str, page: int, total: int) -> str:
    """The modal's title: the survey's, with ``(2/3)`` when there are several pages."""
    if total <= 1:
        return clip(title, TITLE_MAX)
    suffix = f" ({page + 1}/{total})"
    return clip(title, TITLE_MAX - len(suffix)) + suffix


def _parse_int(text: str, low: int, high: int, key: str) -> int:
    cleaned = text.strip()
    if "/" in cleaned:  # "4/5" is a natural way to write a rating
        cleaned = cleaned.split("/", 1)[0].strip()
    try:
        value = int(cleaned)
    except ValueError:
        raise AnswerError(key, low=low, high=high) from None
    if not low <= value <= high:
        raise AnswerError(key, low=low, high=high)
    return value


def parse_rating(text: str) -> int:
    """A rating from 1 to 5."""
    return _parse_int(text, RATING_MIN, RATING_MAX, "survey.bad_rating")


def parse_nps(text: str) -> int:
    """A likelihood to recommend from 0 to 10."""
    return _parse_int(text, NPS_MIN, NPS_MAX, "survey.bad_nps")


def parse_choice(text: str, options: tuple[str, ...]) -> str:
    """An option, typed as its number or its text (case and spaces ignored, unique prefix ok)."""
    cleaned = " ".join(text.split()).casefold()
    if cleaned.isdigit() and 1 <= int(cleaned) <= len(options):
        return options[int(cleaned) - 1]
    exact = [o for o in options if o.casefold() == cleaned]
    if exact:
        return exact[0]
    prefixed = [o for o in options if cleaned and o.casefold().startswith(cleaned)]
    if len(prefixed) == 1:
        return prefixed[0]
    raise AnswerError("survey.bad_choice", count=len(options))


def parse_answer(question: Question, text: str | None) -> str | int | None:
    """The stored value of one answer; ``None`` when an optional question was left blank."""
    raw = (text or "").strip()
    if not raw:
        if question.required:
            raise AnswerError("survey.required")
        return None
    if question.kind == "rating":
        return parse_rating(raw)
    if question.kind == "nps":
        return parse_nps(raw)
    if question.kind == "choice":
        return parse_choice(raw, question.options)
    if len(raw) > question.max_length:
        raise AnswerError("survey.too_long", max=question.max_length)
    return raw


@dataclass(frozen=True)
class SurveyProgress:
    """A member's way through a survey: the page they are on and what they answered so far."""

    survey: SurveyDef
    page: int = 0
    answers: Mapping[str, str | int | None] = field(default_factory=dict)

    @property
    def total_pages(self) -> int:
        return len(pages(self.survey.questions))

    @property
    def done(self) -> bool:
        return self.page >= self.total_pages

    def current_fields(self) -> list[FieldSpec]:
        """The inputs of the page to show now."""
        return [field_for(q) for q in pages(self.survey.questions)[self.page]]

    def title(self) -> str:
        return modal_title(self.survey.title, self.page, self.total_pages)

    def submit(self, values: Mapping[str, str]) -> SurveyProgress:
        """Record the page's inputs (``custom_id -> text``) and move to the next page.

        Raises :class:`AnswerError` (with ``question`` set to the question's id) on the first
        invalid answer; the progress is then unchanged so the member can retry the same page.
        """
        if self.done:
            raise AnswerError("survey.already_done")
        answers = dict(self.answers)
        for question in pages(self.survey.questions)[self.page]:
            try:
                answers[question.id] = parse_answer(question, values.get(question.id))
            except AnswerError as error:
                error.fields.setdefault("question", clip(question.prompt, 60))
                raise
        return replace(self, page=self.page + 1, answers=answers)


def parse_category(text: str, categories: tuple[str, ...], names: Mapping[str, str]) -> str:
    """A feedback category typed as its number, its key or its shown name (``names[key]``).

    Unique prefixes are accepted, so ``prod`` finds ``product`` and ``produit``.
    """
    cleaned = " ".join((text or "").split()).casefold()
    if cleaned.isdigit() and 1 <= int(cleaned) <= len(categories):
        return categories[int(cleaned) - 1]
    spellings = [(key, key.casefold()) for key in categories]
    spellings += [(key, names[key].casefold()) for key in categories if key in names]
    exact = {key for key, spelled in spellings if spelled == cleaned}
    if len(exact) == 1:
        return exact.pop()
    prefixed = {key for key, spelled in spellings if cleaned and spelled.startswith(cleaned)}
    if len(prefixed) == 1:
        return prefixed.pop()
    raise AnswerError("form.bad_category", count=len(categories))
