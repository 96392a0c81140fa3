"""Trivia lists: Vigie's own YAML format and Red-DiscordBot's format, read unchanged.

Pure logic, no discord import. Every error carries the line of the YAML node it is about, so
``python -m bot trivia check`` and the upload command can say exactly what to fix.

Vigie's format (detected by a top-level ``questions`` list of mappings)::

    name: Culture générale          # optional, defaults to the file name
    description: ...                # optional
    author: ...                     # optional
    language: fr                    # optional default for every question
    config: {delay: 20, ...}        # optional, same keys as Red's CONFIG
    questions:
      - question: Quelle est la capitale de l'Australie ?
        answers: [Canberra]         # the first answer is the one revealed
        choices: [Sydney, Canberra, Melbourne, Perth]   # optional: multiple choice (buttons)
        hints: [Elle commence par C]                    # optional, shown one by one
        difficulty: easy            # easy | medium | hard
        category: géographie
        language: fr

Red's format: a mapping of question -> list of answers, plus optional ``AUTHOR``,
``DESCRIPTION``, ``$schema`` and ``CONFIG``. A YAML boolean answer stands for the words
``True/Yes/On`` or ``False/No/Off``, as in Red. In ``CONFIG``, ``delay`` is the time allowed per
question (seconds, at least 4) and ``timeout`` the silence after which the game stops (seconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

DIFFICULTIES = ("easy", "medium", "hard")
MAX_QUESTION_LENGTH = 1000  # a question is posted in one message with room to spare
MAX_ANSWER_LENGTH = 200
MAX_CHOICES = 5  # one row of buttons
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
_QUESTION_KEYS = ("question", "answers", "choices", "hints", "difficulty", "category", "language")
_VIGIE_TOP_KEYS = ("name", "description", "author", "language", "config", "questions", "format")


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


def _line(node: Node) -> int:
    return node.start_mark.line + 1


class _Reader:
    """Walks a composed YAML tree, collecting issues instead of stopping at the first."""

    def __init__(self, filename: str) -> None:
        self.file = filename
        self.issues: list[TriviaIssue] = []
        self._constructor = SafeConstructor()

    def error(self, node: Node | None, message: str) -> None:
        self.issues.append(TriviaIssue(self.file, _line(node) if node is not None else 0, message))

    def scalar(self, node: Node) -> Any:
        """The Python value of a scalar node (str, int, float, bool, None, date...)."""
        return self._constructor.construct_object(node, deep=True)

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
        words: list[str] = []
        ok = True
        for item in node.value:
            got = self.answer_words(item, f"an answer of {what}")
            if got is None:
                ok = False
            else:
                words.extend(w for w in got if w not in words)
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
        for key_node, value_node in node.value:
            key = self.scalar(key_node) if isinstance(key_node, ScalarNode) else None
            if key not in _CONFIG_KEYS:
                self.error(
                    key_node,
                    f"{key!r} is not a key of {parent} (known: {', '.join(_CONFIG_KEYS)})",
                )
                continue
            value = self.scalar(value_node) if isinstance(value_node, ScalarNode) else None
            checked = _check_config_value(key, value)
            if isinstance(checked, str):
                self.error(value_node, f"{key} in {parent} {checked}")
            else:
                values[key] = checked[0]
        return TriviaConfig(**values)


def _check_config_value(key: str, value: Any) -> tuple[Any] | str:
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


def _compose(text: str, filename: str) -> Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or exc.context or "invalid YAML"
        raise TriviaFormatError([TriviaIssue(filename, line, f"invalid YAML: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise TriviaFormatError([TriviaIssue(filename, 0, f"invalid YAML: {exc}")]) from None


def _is_vigie(root: MappingNode) -> bool:
    for key_node, value_node in root.value:
        if isinstance(key_node, ScalarNode) and key_node.value == "questions":
            if isinstance(value_node, SequenceNode):
                return all(isinstance(item, MappingNode) for item in value_node.value)
    return False


def parse_trivia(text: str, filename: str = "<list>", name: str | None = None) -> TriviaList:
    """Parse a list in either format; raise ``TriviaFormatError`` listing every problem."""
    list_name = name or Path(filename).stem
    if len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        raise TriviaFormatError([TriviaIssue(filename, 0, "file is larger than 1 MB")])
    root = _compose(text, filename)
    if root is None:
        raise TriviaFormatError([TriviaIssue(filename, 0, "the file is empty")])
    if not isinstance(root, MappingNode):
        raise TriviaFormatError(
            [TriviaIssue(filename, _line(root), "a trivia list must be a 'key: value' mapping")]
        )
    reader = _Reader(filename)
    if _is_vigie(root):
        result = _parse_vigie(reader, root, list_name)
    else:
        result = _parse_red(reader, root, list_name)
    if reader.issues:
        raise TriviaFormatError(reader.issues)
    return result


def load_trivia_file(path: str | Path) -> TriviaList:
    """Read and parse a list from disk (undecodable bytes are an error, not a crash)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TriviaFormatError(
            [TriviaIssue(str(path), 0, f"cannot read: {exc.strerror}")]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TriviaFormatError([TriviaIssue(str(path), 0, "not UTF-8 text")]) from None
    return parse_trivia(text, str(path), name=path.stem)


def _parse_red(reader: _Reader, root: MappingNode, name: str) -> TriviaList:
    author = description = None
    config = TriviaConfig()
    questions: list[Question] = []
    seen: set[str] = set()
    for key_node, value_node in root.value:
        if not isinstance(key_node, ScalarNode):
            reader.error(key_node, "a question must be a text value")
            continue
        key = reader.scalar(key_node)
        if key == "AUTHOR":
            author = reader.text(value_node, "AUTHOR", 500)
        elif key == "DESCRIPTION":
            description = reader.text(value_node, "DESCRIPTION", 2000)
        elif key == "$schema":
            reader.text(value_node, "$schema", 2000)
        elif key == "CONFIG":
            config = reader.config(value_node, "CONFIG")
        else:
            text = reader.text(key_node, "a question", MAX_QUESTION_LENGTH)
            answers = reader.answer_list(value_node, f"question {str(key)[:40]!r}")
            if text is None or answers is None:
                continue
            if text in seen:
                reader.error(key_node, f"question {text[:40]!r} appears twice")
                continue
            seen.add(text)
            questions.append(Question(text=text, answers=answers, line=_line(key_node)))
    if not questions and not reader.issues:
        reader.error(root, "the list contains no questions")
    return TriviaList(
        name=name,
        questions=tuple(questions),
        format="red",
        description=description,
        author=author,
        config=config,
    )


def _parse_vigie(reader: _Reader, root: MappingNode, name: str) -> TriviaList:
    top: dict[str, tuple[Node, Node]] = {}
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key not in _VIGIE_TOP_KEYS:
            reader.error(key_node, f"unknown key {key!r} (known: {', '.join(_VIGIE_TOP_KEYS)})")
            continue
        top[key] = (key_node, value_node)

    def top_text(key: str, limit: int) -> str | None:
        return reader.text(top[key][1], key, limit) if key in top else None

    list_name = top_text("name", 100) or name
    description = top_text("description", 2000)
    author = top_text("author", 500)
    language = top_text("language", 10)
    if "format" in top and top_text("format", 20) not in (None, "vigie"):
        reader.error(top["format"][1], "format must be 'vigie'")
    config = reader.config(top["config"][1], "config") if "config" in top else TriviaConfig()
    questions: list[Question] = []
    seen: set[str] = set()
    for item in top["questions"][1].value:
        question = _parse_vigie_question(reader, item, language)
        if question is None:
            continue
        if question.text in seen:
            reader.error(item, f"question {question.text[:40]!r} appears twice")
            continue
        seen.add(question.text)
        questions.append(question)
    if not questions and not reader.issues:
        reader.error(top["questions"][1], "the list contains no questions")
    return TriviaList(
        name=list_name,
        questions=tuple(questions),
        format="vigie",
        description=description,
        author=author,
        language=language,
        config=config,
    )


def _parse_vigie_question(
    reader: _Reader, node: MappingNode, default_language: str | None
) -> Question | None:
    fields: dict[str, Node] = {}
    before = len(reader.issues)
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key not in _QUESTION_KEYS:
            reader.error(
                key_node, f"unknown key {key!r} in a question (known: {', '.join(_QUESTION_KEYS)})"
            )
            continue
        fields[key] = value_node
    for required in ("question", "answers"):
        if required not in fields:
            reader.error(node, f"a question needs '{required}'")
    if len(reader.issues) > before:
        return None
    text = reader.text(fields["question"], "question", MAX_QUESTION_LENGTH)
    answers = reader.answer_list(fields["answers"], "answers")
    choices: tuple[str, ...] = ()
    if "choices" in fields:
        choices = _choices(reader, fields["choices"], answers)
    hints: tuple[str, ...] = ()
    if "hints" in fields:
        hint_node = fields["hints"]
        if isinstance(hint_node, SequenceNode):
            got = [reader.text(h, "a hint", 500) for h in hint_node.value]
            hints = tuple(h for h in got if h is not None)
        else:
            reader.error(hint_node, "hints must be a list of texts")
    difficulty = None
    if "difficulty" in fields:
        difficulty = reader.text(fields["difficulty"], "difficulty", 20)
        if difficulty is not None and difficulty not in DIFFICULTIES:
            reader.error(
                fields["difficulty"], f"difficulty must be one of {', '.join(DIFFICULTIES)}"
            )
    category = reader.text(fields["category"], "category", 50) if "category" in fields else None
    language = reader.text(fields["language"], "language", 10) if "language" in fields else None
    if len(reader.issues) > before or text is None or answers is None:
        return None
    return Question(
        text=text,
        answers=answers,
        choices=choices,
        hints=hints,
        difficulty=difficulty,
        category=category,
        language=language or default_language,
        line=_line(node),
    )


def _choices(reader: _Reader, node: Node, answers: tuple[str, ...] | None) -> tuple[str, ...]:
    if not isinstance(node, SequenceNode):
        reader.error(node, "choices must be a list of texts")
        return ()
    got = [reader.answer_words(c, "a choice") for c in node.value]
    if any(g is None for g in got):
        return ()
    # A boolean choice shows as its first word ("True"), like the revealed answer.
    choices = tuple(g[0] for g in got if g)
    if not 2 <= len(choices) <= MAX_CHOICES:
        reader.error(node, f"choices must have between 2 and {MAX_CHOICES} entries")
        return ()
    if len({c.casefold() for c in choices}) != len(choices):
        reader.error(node, "choices must be different from each other")
        return ()
    if answers is not None and answers[0] not in choices:
        reader.error(node, f"the first answer {answers[0]!r} must be one of the choices")
        return ()
    return choices
