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
question (seconds, at least 4) and ``timeout`` the silence after which the game stops (seconds;
played as that many seconds' worth of questions in a row without an answer).
``payout_multiplier`` is read and checked but pays nothing: Red pays credits, Vigie pays XP per
right answer by the guild's ``games.trivia.xp_per_answer``.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cogs.games.trivia_model import (
    DIFFICULTIES,
    MAX_CHOICES,
    MAX_FILE_BYTES,
    MAX_HINTS,
    MAX_QUESTION_LENGTH,
    QUESTION_KEYS,
    VIGIE_TOP_KEYS,
    Question,
    TriviaConfig,
    TriviaFormatError,
    TriviaIssue,
    TriviaList,
    YamlReader,
    line_of,
)

__all__ = [
    "DIFFICULTIES",
    "Question",
    "TriviaConfig",
    "TriviaFormatError",
    "TriviaIssue",
    "TriviaList",
    "load_trivia_file",
    "parse_trivia",
]


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
            [TriviaIssue(filename, line_of(root), "a trivia list must be a 'key: value' mapping")]
        )
    reader = YamlReader(filename)
    reader.merged(root)
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


def _parse_red(reader: YamlReader, root: MappingNode, name: str) -> TriviaList:
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
            questions.append(Question(text=text, answers=answers, line=line_of(key_node)))
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


def _parse_vigie(reader: YamlReader, root: MappingNode, name: str) -> TriviaList:
    top: dict[str, tuple[Node, Node]] = {}
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key not in VIGIE_TOP_KEYS:
            reader.error(key_node, f"unknown key {key!r} (known: {', '.join(VIGIE_TOP_KEYS)})")
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
    reader: YamlReader, node: MappingNode, default_language: str | None
) -> Question | None:
    fields: dict[str, Node] = {}
    before = len(reader.issues)
    for key_node, value_node in reader.merged(node).value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key not in QUESTION_KEYS:
            reader.error(
                key_node, f"unknown key {key!r} in a question (known: {', '.join(QUESTION_KEYS)})"
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
        if isinstance(hint_node, SequenceNode) and len(hint_node.value) > MAX_HINTS:
            reader.error(hint_node, f"hints must have at most {MAX_HINTS} entries")
        elif isinstance(hint_node, SequenceNode):
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
        line=line_of(node),
    )


def _choices(reader: YamlReader, node: Node, answers: tuple[str, ...] | None) -> tuple[str, ...]:
    if not isinstance(node, SequenceNode):
        reader.error(node, "choices must be a list of texts")
        return ()
    # Counted before reading: a huge list aliased by every question must not be read each time.
    if not 2 <= len(node.value) <= MAX_CHOICES:
        reader.error(node, f"choices must have between 2 and {MAX_CHOICES} entries")
        return ()
    got = [reader.answer_words(c, "a choice") for c in node.value]
    if any(g is None for g in got):
        return ()
    # A boolean choice shows as its first word ("True"), like the revealed answer.
    choices = tuple(g[0] for g in got if g)
    if len({c.casefold() for c in choices}) != len(choices):
        reader.error(node, "choices must be different from each other")
        return ()
    if answers is not None and answers[0] not in choices:
        reader.error(node, f"the first answer {answers[0]!r} must be one of the choices")
        return ()
    return choices
