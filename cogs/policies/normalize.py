"""Text normalization for rule matching: the skeleton a banned word is compared against.

Pure logic, no discord import. ``normalize(text)`` returns a *skeleton*: NFKC, casefolded,
accents removed, zero-width and other invisible characters dropped, homoglyphs (Cyrillic,
Greek, small capitals...) and leetspeak mapped to Latin letters, markdown markers (``*_~`|``)
dropped, and every run of punctuation, symbols or white space turned into one space. So
``"**C0ИИ4RD**"`` and ``"c.o.n.n.a.r.d"`` reduce to forms the engine can match, while word
boundaries survive (``"classe"`` stays one word).

Speed matters (every message goes through here): ASCII and accented Latin text take a C-speed
path (NFKD, ``bytes.translate`` over a 256-entry table); text with emoji, other scripts or
invisible characters takes the per-character path (one cached dict lookup per character).
Both paths give the same result; a property test holds them to it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "normalize",
    "digit_skeleton",
    "slow_normalize",
    "normalize_with_offsets",
    "fold_char",
    "is_word_char",
]

# Leetspeak digits and symbols, mapped to the letter they stand for. "1", "l", "|" and "!"
# all read as a vertical stroke, so they share one class ("i"): "k1ll" and "kill" meet.
_LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "l": "i",
}
# Markdown markers and spoilers: dropped so "**co**nnard" and "||con||nard" join up.
_MARKDOWN = "*_~`|"

# Lookalikes that survive NFKC + casefold. Uppercase forms are listed where their lowercase
# looks different (Greek capital Eta "Η" looks like "H", its lowercase "η" like "n").
_CONFUSABLES: dict[str, str] = {}


def _add(pairs: str) -> None:
    for pair in pairs.split():
        src, dst = pair[:-1], pair[-1]
        for ch in src:
            _CONFUSABLES[ch] = dst


# Cyrillic (upper and lower), Greek, IPA/small capitals and other Latin lookalikes.
_add(
    "Ааa Ввb Ссc Ееe Ѕѕs Ііi Їїi Јјj Ккk Ммm Ннh Ооo Ррp Ттt Ххx Ууy Ԁԁd Ԛԛq Ԝԝw Ььb Ъъb "
    "Ђђh Һһh Ӏӏi Ггr Ппn Иn иu Яяr Ээe Ёёe Ǝǝe"
)
_add("Ααa Ββb Εεe Ζζz Ηh Ιιi Κκk Μm Νn Οοo Ρρp Ττt Υυy Χχx Ωωw ηn νv μu γy ϲc ϳj ϱp ςc σo ϐb")
_add(
    "ᴀa ʙb ᴄc ᴅd ᴇe ꜰf ɢg ʜh ɪi ᴊj ᴋk ʟl ᴍm ɴn ᴏo ᴘp ʀr ꜱs ᴛt ᴜu ᴠv ᴡw ʏy ᴢz ɑa ɒa ɓb ƈc ɗd "
    "ɛe ƒf ɠg ɦh ıi ɩi ȷj ƙk łl ɱm ɲn ɳn øo ɵo ƥp ʠq ɽr ʂs ƭt ʋv ⱳw ƴy ʐz đd ħh ŧt ŀl ɨi ʉu ƀb ǥg"
)
# Two-letter ligatures NFKC leaves alone.
_CONFUSABLES.update({"æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ẞ": "ss", "þ": "th"})
_CONFUSABLES.update({"€": "e", "£": "l", "¢": "c", "¥": "y", "©": "c", "®": "r"})
# Invisible characters that are not category Cf/Mn (Hangul fillers, braille blank...).
for _inv in "\u115f\u1160\u3164\uffa0\u2800\u034f\u180e":
    _CONFUSABLES[_inv] = ""


def _ascii_fold(ch: str) -> str:
    """Map one ASCII character to its skeleton: lowercase, leet, markdown, separators."""
    low = ch.lower()
    if low in _LEET:
        low = _LEET[low]
    if ch in _MARKDOWN:
        return ""
    if low.isalnum():
        return low
    return " "


_ASCII = [_ascii_fold(chr(i)) for i in range(128)]


def _fold_uncached(ch: str) -> str:
    if ch < "\x80":
        return _ASCII[ord(ch)]
    if ch in _CONFUSABLES:
        return _fold_text(_CONFUSABLES[ch])
    out: list[str] = []
    # Split off the accents before casefolding: an accented capital lookalike ("Ή", Greek
    # capital Eta with tonos) reads as its capital ("H"), as it does once the accent is gone.
    decomposed = unicodedata.normalize("NFD", ch)
    if decomposed != ch and decomposed[0] in _CONFUSABLES:
        return _fold_text(decomposed)
    for part in unicodedata.normalize("NFD", ch.casefold()):
        if part < "\x80":
            out.append(_ASCII[ord(part)])
        elif part in _CONFUSABLES:
            out.append(_fold_text(_CONFUSABLES[part]))
        else:
            cat = unicodedata.category(part)
            if cat in ("Mn", "Me", "Cf", "Cc", "Cs", "Co", "Cn"):
                continue  # accents, zalgo, zero-width, controls: invisible for matching
            if cat == "Nd":
                out.append(_ASCII[ord(str(unicodedata.digit(part)))])
            elif cat[0] in "LN":
                out.append(part)  # a letter of another script: kept, lowercase
            else:
                out.append(" ")  # punctuation, symbols, emoji, separators
    return "".join(out)


def _fold_text(text: str) -> str:
    return "".join(_fold_uncached(c) for c in text)


class _FoldCache(dict[str, str]):
    """Per-character fold results, computed on first sight (at most one entry per code point)."""

    def __missing__(self, ch: str) -> str:
        value = _fold_uncached(ch)
        self[ch] = value
        return value


_FOLD = _FoldCache()


def fold_char(ch: str) -> str:
    """The skeleton of one character (already NFKC-normalized): may be empty or several chars."""
    return _FOLD[ch]


# Bytes table for the fast path: every ASCII byte to its one-byte skeleton. Markdown bytes
# are deleted separately (bytes.translate's delete argument).
_TABLE = bytes(ord(f) if f else 32 for f in _ASCII) + bytes(range(128, 256))
_DELETE = _MARKDOWN.encode()


# Common in French and English chat and harmless: replaced by ASCII before the quickest path.
_COMMON = (
    ("\u2019", "'"),
    ("\u2018", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u00ab", '"'),
    ("\u00bb", '"'),
    ("\u0153", "oe"),
    ("\u0152", "oe"),
    ("\u00e6", "ae"),
    ("\u00c6", "ae"),
    ("\u2013", "-"),
    ("\u2014", "-"),
)
# After NFKD, anything but ASCII and the basic combining accents needs the careful path.
_NOT_SIMPLE = re.compile("[^\x00-\x7f\u0300-\u036f]")
# Invisible format characters and combining marks (zalgo): dropped by the fold anyway.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
    "\ufe20-\ufe2f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+"
)


def normalize(text: str) -> str:
    """The matching skeleton of ``text`` (see the module docstring). Never raises."""
    if text.isascii():
        raw = text.encode("ascii")
    else:
        # Accented Latin text (most French messages): NFKD splits letters from accents, and
        # dropping every non-ASCII code point then removes exactly the accents.
        decomposed = unicodedata.normalize("NFKD", text)
        if "\u2019" in decomposed:  # the typographic apostrophe, in most French messages
            decomposed = decomposed.replace("\u2019", "'")
        if _NOT_SIMPLE.search(decomposed) is not None:
            for src, dst in _COMMON:
                if src in decomposed:
                    decomposed = decomposed.replace(src, dst)
        if _NOT_SIMPLE.search(decomposed) is None:
            raw = decomposed.encode("ascii", "ignore")
        elif _INVISIBLE.search(text) is not None:
            # Zero-width joiners and stacked marks between letters are the usual evasion:
            # drop them in one C pass, then the rest usually takes the quick path again.
            return normalize(_INVISIBLE.sub("", text))
        else:
            # Emoji, other scripts, invisibles: one dict lookup per character, which keeps a
            # 2,000-character adversarial message well under a millisecond.
            return slow_normalize(text)
    return b" ".join(raw.translate(_TABLE, _DELETE).split()).decode("ascii")


# The same table with digits kept (as "0"), for digit_skeleton().
_TABLE_DIGITS = bytes(48 if 48 <= i <= 57 else b for i, b in enumerate(_TABLE))
_MARK = "\u0298"  # a letter that folds to itself and is in no French or English word


def digit_skeleton(text: str) -> str:
    """``normalize(text)`` with every ASCII digit left as ``"0"`` instead of a letter.

    Aligned with ``normalize(text)`` character for character, so a match can tell a number
    ("room 455") from leetspeak ("4ss"). The skeleton itself never contains a digit.
    """
    if text.isascii():
        raw = text.encode("ascii").translate(_TABLE_DIGITS, _DELETE)
        return b" ".join(raw.split()).decode("ascii")
    for digit in "0123456789":  # ten C passes: quicker than str.translate with a dict
        text = text.replace(digit, _MARK)
    return normalize(text).replace(_MARK, "0")


def slow_normalize(text: str) -> str:
    """The reference: NFKC, then every character folded alone. Same result as normalize()."""
    text = unicodedata.normalize("NFKC", text)
    return " ".join("".join([_FOLD[c] for c in text]).split())


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Like :func:`normalize`, plus ``offsets[i]``: index in ``text`` of skeleton char ``i``.

    Slow (per character): used to show which part of a message matched, never on every message.
    NFKC is applied per character here, which agrees with whole-string NFKC for everything the
    matcher cares about (composed accents fold to the same letter either way).
    """
    chars: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        for nf in unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch:
            for out in _FOLD[nf]:
                if out == " ":
                    if not chars or chars[-1] == " ":
                        continue  # collapse runs of separators, no leading space
                chars.append(out)
                offsets.append(index)
    if chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


def is_word_char(ch: str) -> bool:
    """True for letters and digits of any script (the skeleton has no other word chars)."""
    return ch.isalnum()
