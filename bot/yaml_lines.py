"""A YAML loader that remembers the line of every key path, for ``file:line`` errors.

Pure logic, no discord import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it (ten times faster), the pure one otherwise;
# both are safe loaders and give the same nodes and marks.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KeyPath = tuple[str | int, ...]
# A config is a few levels deep and a few thousand values long: far beyond is an attack.
MAX_DEPTH = 64
MAX_VALUES = 100_000


@dataclass
class LoadedYaml:
    """Data of a YAML document plus the 1-based line of each key path (``()`` = the root)."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    duplicates: list[tuple[KeyPath, int]] = field(default_factory=list)

    def line_of(self, path: KeyPath) -> int | None:
        """Line of ``path`` or of its nearest ancestor present in the document."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get(())


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_with_lines(text: str) -> LoadedYaml:
    """Parse ``text`` safely; raise :class:`YamlSyntaxError` with the offending line."""
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(line, f"invalid YAML: {problem}") from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, f"invalid YAML: {exc}") from exc
    except RecursionError as exc:  # PyYAML builds nested values recursively
        raise YamlSyntaxError(1, f"invalid YAML: nested deeper than {MAX_DEPTH} levels") from exc
    finally:
        loader.dispose()
    loaded = LoadedYaml(data=data)
    if node is not None:
        loaded.lines[()] = node.start_mark.line + 1
        _walk(node, loaded)
        loaded.duplicates.sort(key=lambda found: found[1])
    return loaded


def _walk(root: yaml.Node, out: LoadedYaml) -> None:
    """Record each key path's line; refuse what would make every later reader hang or crash.

    Iterative, with two limits: a config nested deeper than MAX_DEPTH, and a document larger
    than MAX_VALUES once its aliases (``*name``) are expanded: 700 bytes of nested aliases
    (a "billion laughs") expand to billions of values, which the schema check, the merge over
    the defaults and this walk itself would visit one by one.
    """
    stack: list[tuple[yaml.Node, KeyPath]] = [(root, ())]
    visited = 0
    while stack:
        node, path = stack.pop()
        visited += 1
        if visited > MAX_VALUES:
            raise YamlSyntaxError(
                node.start_mark.line + 1,
                f"invalid YAML: more than {MAX_VALUES:,} values once aliases (*name) are expanded",
            )
        if len(path) > MAX_DEPTH:
            raise YamlSyntaxError(
                node.start_mark.line + 1, f"invalid YAML: nested deeper than {MAX_DEPTH} levels"
            )
        children: list[tuple[yaml.Node, KeyPath]] = []
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = (*path, key)
                line = key_node.start_mark.line + 1
                if key in seen:
                    out.duplicates.append((child, line))
                seen.add(key)
                out.lines[child] = line
                children.append((value_node, child))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*path, index)
                out.lines[child] = item.start_mark.line + 1
                children.append((item, child))
        stack.extend(reversed(children))  # document order
