"""Trivia list formats: Vigie's own and Red-DiscordBot's, with errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.games.trivia_formats import (
    TriviaFormatError,
    load_trivia_file,
    parse_trivia,
)

TRIVIA_DIR = Path(__file__).resolve().parents[3] / "config" / "trivia"
SHIPPED = sorted(TRIVIA_DIR.glob("*.yaml"))


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(TriviaFormatError) as caught:
        parse_trivia(text, "list.yaml")
    return [(i.line, i.message) for i in caught.value.issues]


def test_shipped_lists_exist():
    names = {p.name for p in SHIPPED}
    assert {"general-fr.yaml", "general-en.yaml", "red-sample.yaml"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_list_loads(path):
    loaded = load_trivia_file(path)
    assert loaded.questions
    for q in loaded.questions:
        assert q.text and q.answers
        if q.choices:
            assert q.answers[0] in q.choices


@pytest.mark.parametrize("name,language", [("general-fr.yaml", "fr"), ("general-en.yaml", "en")])
def test_general_banks_are_big_varied_and_in_their_language(name, language):
    loaded = load_trivia_file(TRIVIA_DIR / name)
    assert len(loaded.questions) >= 100
    assert loaded.format == "vigie"
    assert {q.language for q in loaded.questions} == {language}
    assert len({q.category for q in loaded.questions}) >= 8
    assert {q.difficulty for q in loaded.questions} == {"easy", "medium", "hard"}
    assert sum(1 for q in loaded.questions if q.is_multiple_choice) >= 10
    assert sum(1 for q in loaded.questions if q.hints) >= 5


# Words that fill ordinary sentences: a typed answer equal to one wins from chatter
# ("au hasard", the "l" of "l'autre"), so such questions must use buttons.
_FILLERS = {
    "fr": {"a", "au", "aux", "c", "d", "de", "du", "en", "et", "l", "la", "le", "les", "un", "y"},
    "en": {"a", "an", "at", "i", "in", "is", "it", "of", "on", "or", "the", "to"},
}


@pytest.mark.parametrize("name,language", [("general-fr.yaml", "fr"), ("general-en.yaml", "en")])
def test_no_typed_answer_is_a_filler_word(name, language):
    from cogs.games.matching import normalize

    loaded = load_trivia_file(TRIVIA_DIR / name)
    typed = [q for q in loaded.questions if not q.is_multiple_choice]
    fillers = [q.text for q in typed if any(normalize(a) in _FILLERS[language] for a in q.answers)]
    assert fillers == []


def test_red_format_with_author_description_config_and_booleans():
    text = (
        "AUTHOR: Someone\n"
        "DESCRIPTION: Demo\n"
        "CONFIG:\n"
        "  max_score: 3\n"
        "  delay: 10\n"
        "  timeout: 60.5\n"
        "  bot_plays: true\n"
        "  reveal_answer: false\n"
        "  use_spoilers: true\n"
        "  payout_multiplier: 1.5\n"
        "Is water wet?:\n- yes\n"
        "Is fire cold?:\n- no\n"
        "Two plus two?:\n- 4\n- four\n"
        "Pi?:\n- 3.14\n"
    )
    loaded = parse_trivia(text, "demo.yaml")
    assert loaded.format == "red"
    assert loaded.name == "demo"
    assert loaded.author == "Someone" and loaded.description == "Demo"
    c = loaded.config
    assert (c.max_score, c.delay, c.timeout) == (3, 10.0, 60.5)
    assert (c.bot_plays, c.reveal_answer, c.use_spoilers, c.payout_multiplier) == (
        True,
        False,
        True,
        1.5,
    )
    answers = {q.text: q.answers for q in loaded.questions}
    # YAML 1.1 reads "yes" and "no" as booleans, exactly as Red does.
    assert answers["Is water wet?"] == ("True", "Yes", "On")
    assert answers["Is fire cold?"] == ("False", "No", "Off")
    assert answers["Two plus two?"] == ("4", "four")
    assert answers["Pi?"] == ("3.14",)
    assert [q.line for q in loaded.questions] == [11, 13, 15, 18]


def test_red_first_answer_is_revealed():
    loaded = parse_trivia("Capital of France?:\n- Paris\n- paris city\n")
    assert loaded.questions[0].revealed == "Paris"


def test_red_errors_carry_line_numbers_and_are_all_reported():
    text = (
        "Good?:\n- yes\n"  # 1-2
        "No answers?: plain\n"  # 3
        "CONFIG:\n"  # 4
        "  delay: 2\n"  # 5: below Red's minimum of 4
        "  colour: red\n"  # 6: unknown key
        "Empty list?: []\n"  # 7
    )
    got = errors_of(text)
    lines = [line for line, _ in got]
    assert lines == [3, 5, 6, 7]
    assert "list of answers" in got[0][1]
    assert "at least 4" in got[1][1]
    assert "colour" in got[2][1]
    assert "no answer" in got[3][1]


def test_invalid_yaml_reports_its_line():
    got = errors_of("Question?:\n- a\nOther: [unclosed\n")
    assert got[0][0] >= 3 and "invalid YAML" in got[0][1]


@pytest.mark.parametrize(
    "text,needle",
    [
        ("", "empty"),
        ("- just\n- a list\n", "mapping"),
        ("AUTHOR: me\n", "no questions"),
        ("CONFIG:\n  max_score: 0\nQ?:\n- a\n", "positive integer"),
        ("CONFIG:\n  bot_plays: maybe\nQ?:\n- a\n", "true or false"),
        ("Q?:\n- {nested: map}\n", "text value"),
        ("Q?:\n- a\nQ?:\n- b\n", "twice"),
    ],
)
def test_red_rejections(text, needle):
    messages = " ".join(m for _, m in errors_of(text))
    assert needle in messages


def test_vigie_format_full():
    text = (
        "name: Demo\n"
        "language: fr\n"
        "config: {delay: 12}\n"
        "questions:\n"
        "  - question: Capitale ?\n"  # line 5
        "    answers: [Paris]\n"
        "    hints: [P..., Pa...]\n"
        "    difficulty: easy\n"
        "    category: géo\n"
        "  - question: Vrai ?\n"  # line 10
        "    answers: [true]\n"
        "    choices: [true, false]\n"
        "    language: en\n"
    )
    loaded = parse_trivia(text, "demo.yaml")
    assert loaded.format == "vigie" and loaded.name == "Demo" and loaded.config.delay == 12.0
    first, second = loaded.questions
    assert (
        first.hints == ("P...", "Pa...") and first.difficulty == "easy" and first.category == "géo"
    )
    assert first.language == "fr" and first.line == 5 and not first.is_multiple_choice
    assert second.answers == ("True", "Yes", "On")
    assert second.choices == ("True", "False") and second.language == "en" and second.line == 10


@pytest.mark.parametrize(
    "question,line,needle",
    [
        ("  - question: Q\n", 4, "needs 'answers'"),
        ("  - question: Q\n    answers: [a]\n    colour: x\n", 6, "unknown key"),
        ("  - question: Q\n    answers: [a]\n    difficulty: extreme\n", 6, "difficulty must be"),
        (
            "  - question: Q\n    answers: [a]\n    choices: [b, c]\n",
            6,
            "must be one of the choices",
        ),
        ("  - question: Q\n    answers: [a]\n    choices: [a]\n", 6, "between 2 and"),
        ("  - question: Q\n    answers: [a]\n    choices: [a, A]\n", 6, "different"),
        ("  - question: ''\n    answers: [a]\n", 4, "empty"),
        ("  - question: Q\n    answers: []\n", 5, "no answer"),
    ],
)
def test_vigie_errors_point_at_the_line(question, line, needle):
    text = "name: X\nlanguage: en\nquestions:\n" + question
    got = errors_of(text)
    assert any(found_line == line and needle in msg for found_line, msg in got), got


def test_unreadable_file_is_an_error_not_a_crash(tmp_path):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("Qu'est-ce ?:\n- \xe9t\xe9\n".encode("latin-1"))
    with pytest.raises(TriviaFormatError, match="UTF-8"):
        load_trivia_file(bad)
    with pytest.raises(TriviaFormatError, match="cannot read"):
        load_trivia_file(tmp_path / "missing.yaml")


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s)


@given(
    st.dictionaries(
        _text,
        st.lists(st.one_of(_text, st.booleans(), st.integers()), min_size=1, max_size=4),
        min_size=1,
        max_size=8,
    )
)
def test_red_round_trip(mapping):
    """Any mapping Red accepts, dumped by PyYAML, loads with the same questions and answers."""
    import yaml

    mapping = {
        k: v
        for k, v in mapping.items()
        if k not in ("AUTHOR", "DESCRIPTION", "CONFIG", "$schema", "questions")
    }
    if not mapping:
        return
    loaded = parse_trivia(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False))
    assert [q.text for q in loaded.questions] == list(mapping)
    for question in loaded.questions:
        expected: list[str] = []
        for answer in mapping[question.text]:
            words = (
                {True: ["True", "Yes", "On"], False: ["False", "No", "Off"]}.get(
                    answer, [str(answer)]
                )
                if isinstance(answer, bool)
                else [str(answer)]
            )
            expected.extend(w for w in words if w not in expected)
        assert list(question.answers) == expected


@given(st.text(max_size=200))
def test_parser_never_crashes(text):
    try:
        parse_trivia(text)
    except TriviaFormatError as exc:
        assert exc.issues


@pytest.mark.parametrize(
    "text,line,tag",
    [
        ("Q1?: [x]\nQ2?: [!foo bar]\n", 2, "!foo"),  # an application tag PyYAML cannot build
        ("!foo Q1?: [bar]\n", 1, "!foo"),
        ("Q1?: [!!int abc]\n", 1, "!!int"),  # a standard tag on a value it does not fit
        ("Q1?: [!!timestamp nope]\n", 1, "!!timestamp"),
        ("questions:\n  - question: !!float x\n    answers: [a]\n", 2, "!!float"),
        ("Q1?: [a]\nCONFIG:\n  delay: !!int ten\n", 3, "!!int"),
    ],
)
def test_a_value_yaml_cannot_build_is_an_error_with_its_line(text, line, tag):
    """Such a list used to escape as a ConstructorError/ValueError: the upload answered with
    the generic error and a shipped file broke ``/trivia lists`` instead of being skipped."""
    assert errors_of(text)[-1] == (line, f"cannot read the value tagged {tag}")


def test_a_value_yaml_cannot_build_keeps_the_issues_found_before():
    assert errors_of("Q1?: [~]\nQ2?: [!foo bar]\n") == [
        (1, "an answer of question 'Q1?' is empty"),
        (2, "cannot read the value tagged !foo"),
    ]


def test_merge_keys_share_fields_between_questions():
    """``<<: *anchor`` is how YAML shares fields (PyYAML and Red load it): a Vigie list using it
    used to be refused with "unknown key '<<' in a question"."""
    loaded = parse_trivia(
        "config:\n"
        "  <<: {delay: 10}\n"
        "  max_score: 3\n"
        "questions:\n"
        "  - &geo\n"
        "    question: Capital of France?\n"
        "    answers: [Paris]\n"
        "    category: geography\n"
        "    difficulty: easy\n"
        "  - <<: *geo\n"
        "    question: Capital of Italy?\n"
        "    answers: [Rome]\n",
        "list.yaml",
    )
    assert [(q.text, q.answers, q.category, q.difficulty) for q in loaded.questions] == [
        ("Capital of France?", ("Paris",), "geography", "easy"),
        ("Capital of Italy?", ("Rome",), "geography", "easy"),
    ]
    assert (loaded.config.delay, loaded.config.max_score) == (10.0, 3)


def test_a_merge_of_something_else_than_a_mapping_is_an_error_with_its_line():
    text = "questions:\n  - question: A?\n    answers: [x]\n    <<: [1, 2]\n"
    assert errors_of(text) == [(4, "'<<' must merge a mapping or a list of mappings")]
    # A question merging itself is harmless: PyYAML drops the '<<' before following it.
    recursive = "questions:\n  - &q\n    question: A?\n    answers: [x]\n    <<: *q\n"
    assert [q.text for q in parse_trivia(recursive).questions] == ["A?"]


def test_a_question_with_too_many_answers_is_refused():
    """Each typed message is tried against every answer of the open question: 20 000 answers
    cost about 0.2 s per message, the whole bot waiting."""
    from cogs.games.trivia_model import MAX_ANSWERS

    answers = ", ".join(f"w{i}" for i in range(MAX_ANSWERS + 1))
    assert errors_of(f"Q1?: [a]\nQ2?: [{answers}]\n") == [
        (2, f"question 'Q2?' has more than {MAX_ANSWERS} answers")
    ]
    exactly = ", ".join(f"w{i}" for i in range(MAX_ANSWERS))
    assert len(parse_trivia(f"Q1?: [{exactly}]\n").questions[0].answers) == MAX_ANSWERS


def test_an_answer_list_reached_through_aliases_is_read_once():
    """A list aliased by thousands of questions used to be rebuilt for each: a 160 kB file
    took minutes and hundreds of MB to check. Read once, every question shares it."""
    many = "".join(f"Q{i}?: *answers\n" for i in range(2000))
    loaded = parse_trivia("Q?: &answers [a, b, c]\n" + many)
    assert len(loaded.questions) == 2001
    assert all(q.answers is loaded.questions[0].answers for q in loaded.questions)
    # A broken list is reported once, at its own line, not once per alias.
    assert errors_of("Q?: &answers [a, ~]\nR?: *answers\nS?: *answers\n") == [
        (1, "an answer of question 'Q?' is empty")
    ]


def test_hints_and_choices_are_counted_before_they_are_read():
    """Like answers, a hint or choice list aliased by every question must not be read again
    for each (a list of thousands aliased thousands of times took minutes)."""
    hints = ", ".join(f"hint {i}" for i in range(11))
    text = f"questions:\n  - question: A?\n    answers: [x]\n    hints: [{hints}]\n"
    assert errors_of(text) == [(4, "hints must have at most 10 entries")]
    choices = ", ".join(f"c{i}" for i in range(5000))
    many = "".join(
        f"  - question: Q{i}?\n    answers: [c0]\n    choices: *choices\n" for i in range(500)
    )
    text = f"questions:\n  - question: A?\n    answers: [c0]\n    choices: &choices [{choices}]\n{many}"
    issues = errors_of(text)
    assert len(issues) == 501
    assert set(issues) == {(4, "choices must have between 2 and 5 entries")}
