"""Tolerant matching of a typed trivia answer. Pure logic, no discord import.

What counts as the right answer:
- case, accents, ligatures (œ, æ), punctuation and extra spaces are ignored;
- a number may be written in groups of three ("1 000 000", "1,000,000" for 1000000);
- a leading article is ignored on both sides ("The Nile", "le Nil", "l'Everest");
- the answer may appear inside the message as whole words ("je crois que c'est Canberra");
- words run together or split apart ("newyork", "mont blanc" for "Mont-Blanc");
- small typos are forgiven on answers long enough for a typo to be unambiguous: one edit from
  8 letters, two from 13, three from 18 (optimal string alignment, so a swap of two neighbouring
  letters is one edit; via rapidfuzz). Shorter answers are full of one-letter neighbours
  (Iceland/Ireland, Austria/Australia, Lyon/Lion), so they must be spelled right. A typo is
  never forgiven in a short word of the answer (four letters at most): there one letter is
  the whole difference ("Louis XIV"/"Louis XVI", "Vitamin D"/"Vitamin E").
What does not, to avoid false positives:
- answers shorter than 8 letters, and any answer containing a digit, must match exactly (as
  whole words): "2" does not match "12", "1789" does not match "1798";
- a message giving several numbers does not win a numeric answer ("1, 2 or 3?");
- a message far longer than the answer does not win by containing it (spraying a list of
  guesses), see ``MAX_EXTRA_WORDS``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA

# A message may have this many words beyond the answer's and still win by containing it.
MAX_EXTRA_WORDS = 8
# Messages longer than this are not trivia answers; they are not even normalized.
MAX_MESSAGE_LENGTH = 300
# Answer words this short must be typed exactly, even inside an answer long enough for a typo.
SHORT_WORD = 4

# Letters Unicode does not decompose into a base letter and an accent (Łódź, Đakovo, ı).
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
    }
)
# A number written in groups of three: "1 000 000" (French, also with no-break spaces) or
# "1,000,000" (English) is the number 1000000. A dot is left alone: it is a decimal point.
_GROUPED_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+(?!\d)")
_GROUP_SEPARATOR = re.compile(r"[ ,\u00a0\u202f]")
_ARTICLES = frozenset(
    {"the", "a", "an", "le", "la", "les", "l", "un", "une", "des", "du", "de", "d"}
)


def normalize(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: ``"L'Élysée !" -> "l elysee"``."""
    text = _GROUPED_NUMBER.sub(lambda m: _GROUP_SEPARATOR.sub("", m.group()), text)
    text = text.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    out: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        # Letters and digits stay; everything else (punctuation, symbols, apostrophes) is a gap.
        out.append(ch if ch.isalnum() else " ")
    return " ".join("".join(out).casefold().split())


def _strip_article(words: list[str]) -> list[str]:
    if len(words) > 1 and words[0] in _ARTICLES:
        return words[1:]
    return words


def _allowed_edits(answer: str) -> int:
    letters = len(answer.replace(" ", ""))
    if letters >= 18:
        return 3
    if letters >= 13:
        return 2
    if letters >= 8:
        return 1
    return 0


@dataclass(frozen=True)
class PreparedAnswer:
    """An answer normalized once per question, not once per message."""

    original: str
    words: tuple[str, ...]
    text: str
    squashed: str  # without spaces, for words run together or split
    edits: int
    numeric: bool


def prepare(answers: Iterable[str]) -> tuple[PreparedAnswer, ...]:
    """Normalize a question's answers for ``matches``; answers that normalize to nothing drop."""
    prepared = []
    for answer in answers:
        words = _strip_article(normalize(answer).split())
        if not words:
            continue
        text = " ".join(words)
        has_digit = any(c.isdigit() for c in text)
        prepared.append(
            PreparedAnswer(
                original=answer,
                words=tuple(words),
                text=text,
                squashed=text.replace(" ", ""),
                edits=0 if has_digit else _allowed_edits(text),
                numeric=has_digit,
            )
        )
    return tuple(prepared)


def _windows(words: list[str], size: int) -> Iterable[str]:
    for start in range(0, len(words) - size + 1):
        yield " ".join(words[start : start + size])


def _matches_one(answer: PreparedAnswer, words: list[str]) -> bool:
    n = len(answer.words)
    if len(words) > n + MAX_EXTRA_WORDS:
        return False
    if answer.numeric:
        numbers = [w for w in words if any(c.isdigit() for c in w)]
        # Several numbers in one message is a spray of guesses, not an answer.
        if len(numbers) > sum(1 for w in answer.words if any(c.isdigit() for c in w)):
            return False
    for window in _windows(words, n):
        if window == answer.text:
            return True
    if answer.numeric:
        return False
    # Words run together or split apart ("newyork", "mont blanc" vs "montblanc").
    sizes = sorted({max(1, n - 1), n, n + 1})
    for size in sizes:
        for window in _windows(words, size):
            squashed = window.replace(" ", "")
            if squashed == answer.squashed:
                return True
            if (
                answer.edits
                and OSA.distance(squashed, answer.squashed, score_cutoff=answer.edits)
                <= answer.edits
                and _short_words_kept(answer, window)
            ):
                return True
    return False


def _short_words_kept(answer: PreparedAnswer, window: str) -> bool:
    """A typo match keeps every short word of the answer as typed: in "Louis XIV" the typo
    allowance belongs to "Louis", never to "XIV"."""
    typed = window.split()
    return all(word in typed for word in answer.words if len(word) <= SHORT_WORD)


def matches(message: str, answers: tuple[PreparedAnswer, ...]) -> PreparedAnswer | None:
    """The answer that ``message`` gives, or None."""
    if not message or len(message) > MAX_MESSAGE_LENGTH:
        return None
    words = _strip_article(normalize(message).split())
    if not words:
        return None
    for answer in answers:
        if _matches_one(answer, words):
            return answer
    return None


def is_correct(message: str, answers: Iterable[str]) -> bool:
    """Convenience for one-off checks (tests, the CLI); games keep ``prepare``'s result."""
    return matches(message, prepare(answers)) is not None
