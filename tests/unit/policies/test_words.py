"""Word lists: evasions caught, innocent French and English words left alone (Scunthorpe)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.policies.engine import Engine

from .conftest import facts

BANNED = [
    "connard",
    "salope",
    "con",
    "cul",
    "bite",
    "pute*",
    "ass",
    "cunt",
    "*fuck*",
    "nazi",
    "tit",
]

# Real words that contain a banned one, in French and English.
INNOCENT = [
    "la classe, c'est un assistant de qualité",
    "Je vais à Scunthorpe pour une analyse du bassin",
    "Il faut déconner un peu, pas de concon ici : le concombre est cuit",
    "Le reconnaissance du contexte est constante, c'est connu",
    "Une petite bitte? non: habiter, bitume, ambitieux",
    "un tissu culturel, le calcul et la culture, basculer, reculer",
    "Computer, réputation et disputes : il réputait, un député",
    "the classic assassin passed the grass class in Essex",
    "Scunthorpe United and Penistone; a title, a titan, attitude, petite",
    "Nazionale? no: nazism is banned but naziste... wait: Swaziland, Ganzi, Ionazi",
    "the cocktail arsenal analyst",
    "les conférences du congrès, la conversation continue",
    # Numbers read as leetspeak would spell "ass", "cul", "tit", "con": they are numbers.
    "room 455 please, il reste 455 places à 17h, score 7-1-7",
    "appelle le 06 12 455 17 90, code postal 41500, prix 4,55 €",
    "3 buts à 1, puis 4 5 5 au tirage et 8008 points",
]


ENGINE = Engine.from_section(
    {
        "rules": [
            {
                "name": "insults",
                "triggers": {"words": BANNED, "allow": ["swaziland"]},
                "actions": ["delete"],
            }
        ]
    }
)


@pytest.fixture
def engine() -> Engine:
    return ENGINE


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_corpus_not_flagged(engine, text: str) -> None:
    verdict = engine.evaluate(facts(text))
    assert not verdict, verdict.hits


@pytest.mark.parametrize(
    "text, matched",
    [
        ("t'es un connard", "connard"),
        ("T'ES UN CONNARD !!!", "connard"),
        ("c0nn4rd", "connard"),  # leetspeak
        ("сonnаrd", "connard"),  # Cyrillic homoglyphs
        ("co\u200bnn\u200ba\u200brd", "connard"),  # zero-width
        ("c o n n a r d", "c o n n a r d"),  # spacing
        ("c.o.n.n.a.r.d", "c o n n a r d"),
        ("C-O-N-N-A-R-D", "c o n n a r d"),
        ("**con**nard", "connard"),  # markdown
        ("||connard||", "connard"),  # spoiler
        ("ｃｏｎｎａｒｄ", "connard"),  # fullwidth
        ("espèce de sal0pé", "saiope"),  # accent + leet
        ("quel con!", "con"),
        ("putes", "pute"),  # prefix wildcard
        ("motherfucker", "fuck"),  # inside wildcard
        ("4ss", "ass"),  # a digit among letters is still leetspeak
        ("room 455, sale @$$", "ass"),  # the number passes, the symbols do not
    ],
)
def test_evasions_caught(engine, text: str, matched: str) -> None:
    verdict = engine.evaluate(facts(text))
    assert verdict.rules == ("insults",)
    assert verdict.hits[0].matched == matched


def test_wildcards_follow_automod(make_engine) -> None:
    engine = make_engine(
        {
            "name": "w",
            "triggers": {"words": ["cat*", "*dog", "*bird*", "fish"]},
            "actions": ["delete"],
        }
    )
    flagged = ["catalogue", "hotdog", "blackbirds", "fish"]
    clean = ["concat", "dogma", "fishing", "selfish"]
    assert all(engine.evaluate(facts(t)) for t in flagged)
    assert not any(engine.evaluate(facts(t)) for t in clean)


def test_allow_list_suppresses_only_inside_allowed_words(make_engine) -> None:
    engine = make_engine(
        {
            "name": "w",
            "triggers": {"words": ["*cock*"], "allow": ["cocktail", "peacock"]},
            "actions": ["delete"],
        }
    )
    assert not engine.evaluate(facts("un cocktail au peacock"))
    assert engine.evaluate(facts("cocktail and cock"))


def test_phrases_match_across_spacing_and_punctuation(make_engine) -> None:
    engine = make_engine(
        {"name": "p", "triggers": {"words": ["free nitro"]}, "actions": ["delete"]}
    )
    assert engine.evaluate(facts("get FREE-NITRO now"))
    assert engine.evaluate(facts("free\n\nnitro"))
    assert not engine.evaluate(facts("freenitrogen"))


def test_explain_reports_the_original_text(engine) -> None:
    [(hit, original)] = engine.explain("Tu es un C.0.N.N.A.R.D !")
    assert hit.rule == "insults"
    assert original.startswith("C.0.N")


_WORDS = st.sampled_from(
    "la classe assistant analyse concombre culture habiter bassin title passage "
    "constante député hello world déconner reconnu calcul".split()
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=12))
def test_sentences_of_innocent_words_never_flagged(words: list[str]) -> None:
    assert not ENGINE.evaluate(facts(" ".join(words)))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_WORDS, max_size=5),
    st.sampled_from(["connard", "salope", "cunt"]),
    st.sampled_from(["", "!", ".", " ?", "..."]),
)
def test_banned_word_found_anywhere_in_a_sentence(before, word, punct) -> None:
    text = " ".join([*before, word]) + punct
    assert ENGINE.evaluate(facts(text)).rules == ("insults",)
