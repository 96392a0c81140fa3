"""The trivia data model, and the line-aware YAML reader both list formats are parsed with.

Pure logic, no discord import. See ``trivia_formats`` for the formats themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

DIFFICULTIES = ("easy", "medium", "hard")
MAX_QUESTION_LENGTH = 1000  # a question is posted in one message with room to spare
MAX_ANSWER_LENGTH = 200
MAX_ANSWERS = 100  # per question: a typed message is tried against each (Red lists have ~10)
MAX_CHOICES = 5  # one row of buttons
MAX_HINTS = 10  # shown one by one within a question's time
MAX_FILE_BYTES = 1_000_000

_BOOL_WORDS = {True: ("True", "Yes", "On"), False: ("False", "No", "Off")}
_CONFIG_KEYS = (
    "max_score",
    "delay",
    "timeout",
    "bot_plays",
    "reveal_answer",
    "use_spoilers",
    "payout_multiplier",
)
QUESTION_KEYS = ("question", "answers", "choices", "hints", "difficulty", "category", "language")
VIGIE_TOP_KEYS = ("name", "description", "author", "language", "config", "questions", "format")


@dataclass(frozen=True)
class TriviaIssue:
    """One problem in a list, with the 1-based line it is on (0 when unknown)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )


class TriviaFormatError(ValueError):
    """A list that cannot be used; ``issues`` holds every problem found, in file order."""

    def __init__(self, issues: list[TriviaIssue]) -> None:
        self.issues = sorted(issues, key=lambda i: i.line)
        super().__init__("\n".join(str(i) for i in self.issues))


@dataclass(frozen=True)
class TriviaConfig:
    """Per-list overrides of the game settings (None: use the guild's setting)."""

    max_score: int | None = None
    delay: float | None = None
    timeout: float | None = None
    bot_plays: bool | None = None
    reveal_answer: bool | None = None
    use_spoilers: bool | None = None
    payout_multiplier: float | None = None


@dataclass(frozen=True)
class Question:
    """One question. ``answers[0]`` is the answer revealed; ``choices`` makes it multiple choice."""

    text: str
    answers: tuple[str, ...]
    choices: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    difficulty: str | None = None
    category: str | None = None
    language: str | None = None
    line: int = 0

    @property
    def revealed(self) -> str:
        return self.answers[0]

    @property
    def is_multiple_choice(self) -> bool:
        return bool(self.choices)


@dataclass(frozen=True)
class TriviaList:
    """A loaded list: what a game draws its questions from."""

    name: str
    questions: tuple[Question, ...]
    format: str  # "vigie" or "red"
    description: str | None = None
    author: str | None = None
    language: str | None = None
    config: TriviaConfig = field(default_factory=TriviaConfig)


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


class YamlReader:
    """Walks a composed YAML tree, collecting issues instead of stopping at the first."""

    def __init__(self, filename: str) -> None:
        self.file = filename
        self.issues: list[TriviaIssue] = []
        self._constructor = SafeConstructor()
        # Answer lists already read, by node (kept so an id is never reused while parsing).
        self._answer_lists: dict[int, tuple[Node, tuple[str, ...] | None]] = {}

    def error(self, node: Node | None, message: str) -> None:
        self.issues.append(
            TriviaIssue(self.file, line_of(node) if node is not None else 0, message)
        )

    def scalar(self, node: Node) -> Any:
        """The Python value of a scalar node (str, int, float, bool, None, date...).

        A value PyYAML cannot build (an unknown ``!tag``, ``!!int abc``) stops the reading
        with its line, like invalid YAML: the constructor raises anything from
        ``ConstructorError`` to ``AttributeError`` for those.
        """
        try:
            return self._constructor.construct_object(node, deep=True)
        except Exception:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            issue = TriviaIssue(self.file, line_of(node), f"cannot read the value tagged {tag}")
            raise TriviaFormatError([*self.issues, issue]) from None

    def merged(self, node: MappingNode) -> MappingNode:
        """``node`` with its ``<<: *anchor`` merge keys resolved, as PyYAML's loader does (and
        Red, which loads lists with it): the keys written in ``node`` win over merged ones."""
        try:
            self._constructor.flatten_mapping(node)
        except ConstructorError as exc:
            mark = exc.problem_mark
            line = mark.line + 1 if mark is not None else line_of(node)
            issue = TriviaIssue(self.file, line, "'<<' must merge a mapping or a list of mappings")
            raise TriviaFormatError([*self.issues, issue]) from None
        return node

    def text(self, node: Node, what: str, max_length: int) -> str | None:
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be a text value")
            return None
        value = self.scalar(node)
        if value is None or isinstance(value, bool):
            self.error(node, f"{what} must be a text value")
            return None
        text = str(value).strip()
        if not text:
            self.error(node, f"{what} is empty")
            return None
        if len(text) > max_length:
            self.error(node, f"{what} is longer than {max_length} characters")
            return None
        return text

    def answer_words(self, node: Node, what: str) -> list[str] | None:
        """A Red-style answer: text, a number, or a boolean standing for its words."""
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be a text value, a number or true/false")
            return None
        value = self.scalar(node)
        if isinstance(value, bool):
            return list(_BOOL_WORDS[value])
        if value is None:
            self.error(node, f"{what} is empty")
            return None
        if isinstance(value, int | float | str):
            text = str(value).strip()
            if not text:
                self.error(node, f"{what} is empty")
                return None
            if len(text) > MAX_ANSWER_LENGTH:
                self.error(node, f"{what} is longer than {MAX_ANSWER_LENGTH} characters")
                return None
            return [text]
        self.error(node, f"{what} must be a text value, a number or true/false")
        return None

    def answer_list(self, node: Node, what: str) -> tuple[str, ...] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list of answers")
            return None
        # One list reached through many aliases (``*answers``) is read once: a small file
        # could otherwise ask for millions of answers (minutes, hundreds of MB).
        if id(node) in self._answer_lists:
            return self._answer_lists[id(node)][1]
        got_list = self._answer_list(node, what)
        self._answer_lists[id(node)] = (node, got_list)
        return got_list

    def _answer_list(self, node: SequenceNode, what: str) -> tuple[str, ...] | None:
        # Every typed message is tried against each answer of the open question.
        if len(node.value) > MAX_ANSWERS:
            self.error(node, f"{what} has more than {MAX_ANSWERS} answers")
            return None
        # A dict keeps the order and drops repeats in linear time.
        words: dict[str, None] = {}
        ok = True
        for item in node.value:
            got = self.answer_words(item, f"an answer of {what}")
            if got is None:
                ok = False
            else:
                words.update(dict.fromkeys(got))
        if not ok:
            return None
        if not words:
            self.error(node, f"{what} has no answer")
            return None
        return tuple(words)

    def config(self, node: Node, parent: str) -> TriviaConfig:
        if not isinstance(node, MappingNode):
            self.error(node, f"{parent} must be a 'key: value' mapping")
            return TriviaConfig()
        values: dict[str, Any] = {}
        for key_node, value_node in self.merged(node).value:
            key = self.scalar(key_node) if isinstance(key_node, ScalarNode) else None
            if key not in _CONFIG_KEYS:
                self.error(
                    key_node,
                    f"{key!r} is not a key of {parent} (known: {', '.join(_CONFIG_KEYS)})",
                )
                continue
            value = self.scalar(value_node) if isinstance(value_node, ScalarNode) else None
            checked = check_config_value(key, value)
            if isinstance(checked, str):
                self.error(value_node, f"{key} in {parent} {checked}")
            else:
                values[key] = checked[0]
        return TriviaConfig(**values)


def check_config_value(key: str, value: Any) -> tuple[Any] | str:
    """The accepted value in a 1-tuple, or the reason it is refused (Red's rules)."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if key == "max_score":
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return (value,)
        return "must be a positive integer"
    if key == "delay":
        if number and value >= 4:
            return (float(value),)
        return "must be a number of seconds, at least 4"
    if key == "timeout":
        if number and value > 0:
            return (float(value),)
        return "must be a positive number of seconds"
    if key == "payout_multiplier":
        if number and value >= 0:
            return (float(value),)
        return "must be a non-negative number"
    if isinstance(value, bool):
        return (value,)
    return "must be true or false"
