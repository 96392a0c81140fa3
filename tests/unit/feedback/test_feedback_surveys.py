"""Survey pages (chained modals), fields within Discord's limits, and answer parsing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.feedback import surveys
from cogs.feedback.schema import Question, SurveyDef
from cogs.feedback.surveys import AnswerError, SurveyProgress


def q(i, kind="text", **kw):
    return Question(id=f"q{i}", kind=kind, prompt=kw.pop("prompt", f"Question {i}?"), **kw)


def survey(n):
    return SurveyDef("s", "Survey", "", tuple(q(i) for i in range(n)))


@given(st.integers(1, 25))
def test_pages_hold_at_most_five_and_keep_order(n):
    questions = tuple(q(i) for i in range(n))
    pages = surveys.pages(questions)
    assert all(1 <= len(p) <= 5 for p in pages)
    assert [x for p in pages for x in p] == list(questions)
    assert len(pages) == -(-n // 5)


@given(st.integers(1, 25))
def test_progress_walks_every_page_then_is_done(n):
    progress = SurveyProgress(survey(n))
    seen = []
    while not progress.done:
        fields = progress.current_fields()
        assert 1 <= len(fields) <= 5
        seen += [f.custom_id for f in fields]
        progress = progress.submit({f.custom_id: "answer" for f in fields})
    assert seen == [f"q{i}" for i in range(n)]
    assert progress.answers == {f"q{i}": "answer" for i in range(n)}


def test_invalid_answer_keeps_the_page():
    s = SurveyDef("s", "S", "", (q(0, "rating"), q(1, "nps")))
    progress = SurveyProgress(s)
    with pytest.raises(AnswerError) as caught:
        progress.submit({"q0": "6", "q1": "10"})
    assert caught.value.key == "survey.bad_rating"
    assert caught.value.fields["question"] == "Question 0?"
    assert progress.page == 0 and progress.answers == {}
    done = progress.submit({"q0": "4/5", "q1": "10"})
    assert done.done and done.answers == {"q0": 4, "q1": 10}
    with pytest.raises(AnswerError):
        done.submit({})


def test_modal_title_fits_and_counts_pages():
    assert surveys.modal_title("Short", 0, 1) == "Short"
    title = surveys.modal_title("A very long survey title that goes past the limit", 1, 3)
    assert len(title) <= 45 and title.endswith("(2/3)")


@given(st.text(min_size=1, max_size=100))
def test_fields_stay_within_discord_limits(prompt):
    for kind, extra in (
        ("text", {}),
        ("rating", {}),
        ("nps", {}),
        ("choice", {"options": ("a", "b")}),
    ):
        spec = surveys.field_for(Question("x", kind, prompt, **extra))
        assert len(spec.label) <= 45
        assert spec.placeholder is None or len(spec.placeholder) <= 100
        assert 1 <= spec.max_length <= 4000


def test_long_prompt_is_whole_in_the_placeholder():
    prompt = "How likely are you to recommend our community to a friend or colleague?"
    spec = surveys.field_for(Question("n", "nps", prompt))
    assert spec.label.endswith("…") and spec.placeholder == prompt


def test_text_question_limit_and_style():
    assert surveys.field_for(Question("t", "text", "Why?", max_length=4000)).paragraph
    assert not surveys.field_for(Question("t", "text", "Name?", max_length=50)).paragraph
    with pytest.raises(AnswerError):
        surveys.parse_answer(Question("t", "text", "Name?", max_length=5), "toolong")


@pytest.mark.parametrize(
    ("text", "expected"), [("2", "Blue"), ("green", "Green"), ("  RE ", "Red"), ("Bl", "Blue")]
)
def test_choice_by_number_name_or_prefix(text, expected):
    assert surveys.parse_choice(text, ("Red", "Blue", "Green")) == expected


def test_choice_field_lets_the_member_type_the_last_options_number():
    # twelve sizes of one letter: "12" is the way to pick the last one, so the input takes it
    question = Question("size", "choice", "Your size?", options=tuple("ABCDEFGHIJKL"))
    spec = surveys.field_for(question)
    assert spec.max_length >= len("12")
    assert surveys.parse_answer(question, "12") == "L"


@pytest.mark.parametrize("text", ["4", "0", "purple", "", "b"])
def test_choice_refuses_ambiguous_or_unknown(text):
    with pytest.raises(AnswerError):
        surveys.parse_choice(text, ("Red", "Blue", "Black"))


@given(st.integers(-100, 100))
def test_nps_range(value):
    if 0 <= value <= 10:
        assert surveys.parse_nps(str(value)) == value
    else:
        with pytest.raises(AnswerError):
            surveys.parse_nps(str(value))


def test_optional_blank_answer_is_none_required_is_error():
    assert surveys.parse_answer(Question("a", "rating", "R", required=False), "  ") is None
    with pytest.raises(AnswerError) as caught:
        surveys.parse_answer(Question("a", "rating", "R"), None)
    assert caught.value.key == "survey.required"


def test_category_by_number_key_localized_name_or_prefix():
    cats = ("product", "community", "events")
    names = {"product": "Produit", "community": "Communauté", "events": "Événements"}
    assert surveys.parse_category("1", cats, names) == "product"
    assert surveys.parse_category("produit", cats, names) == "product"
    assert surveys.parse_category("Év", cats, names) == "events"
    assert surveys.parse_category("community", cats, names) == "community"
    with pytest.raises(AnswerError):
        surveys.parse_category("brand", cats, names)
    with pytest.raises(AnswerError):
        surveys.parse_category("", cats, names)
