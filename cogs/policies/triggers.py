"""Compiled matchers for the content triggers: words, regexes, invites, links, counters.

Pure logic, no discord import. Everything here is built once per config version and then only
read, so one compiled engine can serve every message of a guild.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

import ahocorasick
import re2

from .normalize import normalize

# RE2 limits: memory for one compiled pattern and its program size (instructions). A pattern
# past these is "too costly" and refused at load with that reason.
RE2_MAX_MEM = 8 << 20
RE2_MAX_PROGRAM = 5000


@dataclass(frozen=True, slots=True)
class WordHit:
    """A word-list match in the skeleton text: which rule, which entry, where."""

    rule: int
    entry: str
    start: int
    end: int


def _split_wildcard(word: str) -> tuple[str, bool, bool]:
    """``(core, boundary_left, boundary_right)``: ``con*`` needs a boundary only on the left."""
    core = word.strip()
    left = not core.startswith("*")
    right = not core.endswith("*")
    return core.strip("*"), left, right


class WordMatcher:
    """Every rule's word list in ONE Aho-Corasick automaton over the normalized skeleton.

    Each entry is also added spaced out (``"c o n n a r d"``) so spacing evasions match; the
    skeleton already turned ``.``/``-`` separators into single spaces. A hit counts only with a
    Unicode word boundary on each side that is not a ``*``: ``"classe"`` never matches ``ass``.
    """

    def __init__(self, lists: Iterable[tuple[int, Iterable[str], Iterable[str]]]) -> None:
        keys: dict[str, list[tuple[int, bool, bool, str]]] = {}
        allow: dict[str, list[tuple[int, bool, bool, str]]] = {}
        for rule, words, allowed in lists:
            for target, source in ((keys, words), (allow, allowed)):
                for word in source:
                    core, left, right = _split_wildcard(word)
                    skeleton = normalize(core)
                    if not skeleton:
                        continue
                    target.setdefault(skeleton, []).append((rule, left, right, word))
                    if target is keys and " " not in skeleton and len(skeleton) >= 3:
                        target.setdefault(" ".join(skeleton), []).append((rule, left, right, word))
        self.size = len(keys)
        self._auto = self._build(keys)
        self._allow = self._build(allow) if allow else None

    @staticmethod
    def _build(keys: dict[str, list[tuple[int, bool, bool, str]]]) -> ahocorasick.Automaton | None:
        if not keys:
            return None
        auto = ahocorasick.Automaton()
        for key, entries in keys.items():
            auto.add_word(key, (len(key), tuple(entries)))
        auto.make_automaton()
        return auto

    @staticmethod
    def _spans(auto: ahocorasick.Automaton, text: str) -> Iterable[tuple[int, int, int, str]]:
        n = len(text)
        for end, (length, entries) in auto.iter(text):
            start = end - length + 1
            before = start > 0 and text[start - 1].isalnum()
            after = end + 1 < n and text[end + 1].isalnum()
            for rule, left, right, word in entries:
                if (before and left) or (after and right):
                    continue
                yield rule, start, end + 1, word

    def match(
        self, text: str, keep: Callable[[int, int], bool] | None = None
    ) -> dict[int, WordHit]:
        """Longest acceptable hit per rule index (allow-listed occurrences skipped, and those
        ``keep(start, end)`` refuses)."""
        auto = self._auto
        if auto is None or not text:
            return _NO_HITS
        hits: dict[int, WordHit] | None = None
        allowed: list[tuple[int, int, int, str]] | None = None
        for rule, start, end, word in self._spans(auto, text):
            if hits is not None and rule in hits:
                # Keep the longest match as the evidence ("c o n n a r d" over "c o n").
                if hits[rule].end - hits[rule].start >= end - start:
                    continue
            if keep is not None and not keep(start, end):
                continue
            if self._allow is not None:
                if allowed is None:
                    allowed = list(self._spans(self._allow, text))
                if any(r == rule and s <= start and end <= e for r, s, e, _ in allowed):
                    continue
            if hits is None:
                hits = {}
            hits[rule] = WordHit(rule, word, start, end)
        return hits or _NO_HITS


_NO_HITS: dict[int, WordHit] = {}


def _nested_unbounded(pattern: str) -> bool:
    """True for the ``(a+)+`` shape: an unbounded repeat inside a repeated group.

    RE2 itself runs such a pattern in linear time, but the shape is the classic catastrophic
    backtracker of every other engine, so a rule written that way was not written for us and
    is refused with an explanation. Patterns Python cannot parse (RE2-only syntax) skip this.
    """
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False
    repeats = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)

    def walk(items: Iterable, inside_repeat: bool) -> bool:
        for op, arg in items:
            if op in repeats:
                low, high, sub = arg
                unbounded = high == sre_constants.MAXREPEAT
                if inside_repeat and unbounded:
                    return True
                if walk(sub, inside_repeat or high > 1):
                    return True
            elif op == sre_constants.SUBPATTERN:
                if walk(arg[-1], inside_repeat):
                    return True
            elif op == sre_constants.BRANCH:
                if any(walk(branch, inside_repeat) for branch in arg[1]):
                    return True
        return False

    return walk(parsed, False)


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = RE2_MAX_MEM
    options.case_sensitive = False
    return options


def check_regex(pattern: str) -> str | None:
    """Why ``pattern`` is refused (invalid or too costly, with RE2's reason), or None."""
    try:
        compiled = re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        return f"invalid regex: {reason}"
    except Exception as exc:  # the wrapper raises plain errors on some memory failures
        return f"invalid regex: {exc}"
    size = compiled.programsize
    if size > RE2_MAX_PROGRAM:
        return (
            f"too costly: compiled program has {size} instructions (limit {RE2_MAX_PROGRAM});"
            " use smaller counted repeats like {1,20}"
        )
    if _nested_unbounded(pattern):
        return (
            "too costly: a repeated group contains an unbounded repeat, like (a+)+, the shape"
            " that backtracks catastrophically; remove the outer repeat"
        )
    return None


class RegexMatcher:
    """All regexes of all rules as one RE2 ``Set`` (one pass), plus each pattern alone for spans."""

    def __init__(self, lists: Iterable[tuple[int, Iterable[str]]]) -> None:
        self._owner: list[int] = []
        self._single: list[re2._Regexp] = []
        self._set: re2.Set | None = None
        self._match_bytes: Any = None
        options = _options()
        candidates = [(rule, p) for rule, patterns in lists for p in patterns]
        if not candidates:
            return
        regex_set = re2.Set.SearchSet(options)
        for rule, pattern in candidates:
            if check_regex(pattern) is not None:
                continue  # refused at load; check() reports it with the reason
            regex_set.Add(pattern)
            self._owner.append(rule)
            self._single.append(re2.compile(pattern, options))
        if self._owner:
            regex_set.Compile()
            self._set = regex_set
            # The wrapper's Match() adds ~0.5 us of Python per call (measured against the set
            # it wraps, which takes UTF-8 bytes directly). If a release drops that private
            # attribute, the public method serves (test_engine runs the engine both ways).
            inner = getattr(regex_set, "_set", None)
            self._match_bytes = getattr(inner, "Match", None)

    @property
    def size(self) -> int:
        """Number of compiled patterns."""
        return len(self._owner)

    @property
    def match_bytes(self) -> Any:
        """``f(utf8: bytes) -> list[int] | None`` of the compiled set, or None without patterns."""
        if self._match_bytes is not None:
            return self._match_bytes
        if self._set is None:
            return None
        regex_set = self._set
        return lambda data: regex_set.Match(data)

    def candidates(self, text: str) -> list[int]:
        """Indices of the patterns that match somewhere in ``text`` (one RE2 pass)."""
        if self._match_bytes is not None:
            return self._match_bytes(text.encode("utf-8", "surrogatepass")) or []
        if self._set is None:
            return []
        return self._set.Match(text) or []

    def span(self, index: int, text: str) -> tuple[int, int] | None:
        """Where pattern ``index`` matches ``text`` (None if it does not)."""
        found = self._single[index].search(text)
        return found.span() if found else None

    def owner(self, index: int) -> int:
        """The rule index that owns pattern ``index``."""
        return self._owner[index]


_INVITE = re.compile(
    r"(?:discord(?:app)?\s*\.\s*com\s*/\s*invite|discord\s*\.\s*gg|dsc\s*\.\s*gg)\s*/\s*([\w-]+)",
    re.IGNORECASE,
)
_LINK = re.compile(r"(?:https?://|\bwww\.)([^\s/?#<>\"'|\\]+)", re.IGNORECASE)


_INVITE_MARKS = ("discordgg", "discordcominvite", "discordappcominvite", "dscgg")
# An invite needs a slash before its code; "see you on discord, gg" has none and is chat.
_SLASHES = ("/", "\\", "\u2215", "\u2044", "\u29f8", "\uff0f")
_SLASH_WORD = normalize("slash")  # leetspeak folds it to "siash"


def invite_codes(raw: str, skeleton: str) -> tuple[list[str], int]:
    """Invite codes written plainly, and how many more invites were obfuscated
    (``d i s c o r d . g g / x``, ``dіscord(.)gg/x``: counted on the skeleton without spaces,
    when the raw text has a slash, or the word, for the code to follow)."""
    plain = _INVITE.findall(raw) if "/" in raw else []
    hidden = 0
    if ("g" in skeleton or "invite" in skeleton) and (
        _SLASH_WORD in skeleton or any(s in raw for s in _SLASHES)
    ):
        compact = skeleton.replace(" ", "")
        if "d" in compact:
            found = sum(compact.count(mark) for mark in _INVITE_MARKS)
            hidden = max(0, found - len(plain))
    return plain, hidden


_IDNA_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def link_hosts(raw: str) -> list[str]:
    """Host names of the links in ``raw`` (lowercase, without user, port or trailing dot)."""
    if "://" not in raw and "www." not in raw.lower():
        return []
    hosts = []
    for host in _LINK.findall(raw):
        if not host.isascii():
            # Browsers read fullwidth letters and ideographic full stops (IDNA mapping):
            # "bit。ly" and "ｂｉｔ.ly" open bit.ly and must meet its deny entry.
            host = unicodedata.normalize("NFKC", host).translate(_IDNA_DOTS)
        host = host.rsplit("@", 1)[-1].split(":", 1)[0].strip(".").casefold()
        if host:
            hosts.append(host)
    return hosts


def host_in(host: str, domains: Iterable[str]) -> str | None:
    """The listed domain ``host`` is or is a subdomain of, else None."""
    for domain in domains:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


_CUSTOM_EMOJI = re.compile(r"<a?:\w+:\d+>")
_UNICODE_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u3030\u303d\u3297\u3299]"
)


def emoji_count(raw: str) -> int:
    """Custom emoji plus pictographic Unicode characters."""
    count = raw.count("<:") + raw.count("<a:")
    if count:
        count = len(_CUSTOM_EMOJI.findall(raw))
    if not raw.isascii():
        count += len(_UNICODE_EMOJI.findall(raw))
    return count


_UPPER = bytes(range(65, 91))
_LETTERS = _UPPER + bytes(range(97, 123))
# Latin-1 covers French: capitals À-Þ (but ×), small letters ß-ÿ (but ÷).
_UPPER_L1 = _UPPER + bytes(b for b in range(0xC0, 0xDF) if b != 0xD7)
_LETTERS_L1 = _LETTERS + _UPPER_L1[26:] + bytes(b for b in range(0xDF, 0x100) if b != 0xF7)


def caps_ratio(raw: str) -> tuple[float, int]:
    """``(ratio of capitals among letters, number of letters)``."""
    try:
        data = raw.encode("latin-1")
        letters = len(data) - len(data.translate(None, _LETTERS_L1))
        upper = len(data) - len(data.translate(None, _UPPER_L1))
    except UnicodeEncodeError:
        letters = upper = 0
        for ch in raw:
            if ch.isalpha():
                letters += 1
                if ch.isupper():
                    upper += 1
    return (upper / letters if letters else 0.0), letters


_COMBINING = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_ZALGO_CACHE: dict[int, re.Pattern[str]] = {}


def zalgo(raw: str, marks: int) -> bool:
    """True when some character carries at least ``marks`` stacked combining marks."""
    if raw.isascii():
        return False
    pattern = _ZALGO_CACHE.get(marks)
    if pattern is None:
        pattern = _ZALGO_CACHE[marks] = re.compile(f"[{_COMBINING}]{{{marks},}}")
    return pattern.search(raw) is not None
