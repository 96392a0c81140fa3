"""Greeting templates: validation, safe rendering and variant picking.

Pure logic, no discord import. A template is text written by a manager in the guild config,
such as ``"Welcome {member} to {server}! Read {rules_channel}."``. It is never handed to
``str.format``: that would let ``{member.guild.owner}`` walk attributes or ``{member_count:>99999}``
allocate memory. Instead the text is parsed once, every field must be a bare known name
(no attribute, index, conversion or format spec), and rendering substitutes plain strings.
``{{`` and ``}}`` stay literal braces.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Every placeholder a template may use, with what it becomes (documented in default.yaml).
PLACEHOLDERS: dict[str, str] = {
    "member": "mention of the member (@alice)",
    "member_name": "display name of the member, markdown escaped",
    "member_id": "id of the member",
    "server": "name of the server",
    "member_count": "number of members after the join",
    "rules_channel": "mention of the rules channel (or its name when unset)",
}

# Discord caps message content at 2000 characters; names can add up to ~100 per placeholder.
MAX_TEMPLATE_LENGTH = 1500


class TemplateError(ValueError):
    """A template cannot be used; the message says exactly why, for the config error line."""


@dataclass(frozen=True)
class Template:
    """A parsed template: alternating literal text and placeholder names."""

    source: str
    parts: tuple[tuple[str, str | None], ...]  # (literal, field or None)

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(field for _, field in self.parts if field is not None)

    def render(self, values: Mapping[str, object]) -> str:
        """Substitute ``values`` (every used field must be present; values become ``str``)."""
        out: list[str] = []
        for literal, field in self.parts:
            out.append(literal)
            if field is not None:
                out.append(str(values[field]))
        return "".join(out)


def parse(source: str, allowed: Iterable[str] | None = None) -> Template:
    """Parse and validate ``source``; raise :class:`TemplateError` with a precise reason.

    ``allowed`` narrows or widens the known placeholders (default: :data:`PLACEHOLDERS`).
    """
    if not isinstance(source, str):
        raise TemplateError(f"a template must be text, not {type(source).__name__}")
    if not source.strip():
        raise TemplateError("a template cannot be empty")
    if len(source) > MAX_TEMPLATE_LENGTH:
        raise TemplateError(
            f"template is {len(source)} characters long; the limit is {MAX_TEMPLATE_LENGTH}"
        )
    known = set(PLACEHOLDERS if allowed is None else allowed)
    parts: list[tuple[str, str | None]] = []
    try:
        pieces = list(string.Formatter().parse(source))
    except ValueError as exc:  # lone "{" or "}"
        raise TemplateError(f"{exc} (write {{{{ and }}}} for literal braces)") from None
    for literal, field, spec, conversion in pieces:
        if field is None:
            parts.append((literal, None))
            continue
        if field == "":
            raise TemplateError("empty placeholder {} (name one, e.g. {member})")
        if conversion is not None or spec:
            raise TemplateError(
                f"placeholder {{{field}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}} cannot have a conversion or format; write {{{field}}}"
            )
        if not field.isidentifier():
            raise TemplateError(
                f"placeholder {{{field}}} cannot use attributes or indexes; write a plain name"
            )
        if field not in known:
            raise TemplateError(
                f"unknown placeholder {{{field}}}; known: "
                + ", ".join("{" + name + "}" for name in sorted(known))
            )
        parts.append((literal, field))
    return Template(source=source, parts=tuple(parts))


def validate(source: object) -> str | None:
    """The error message for ``source``, or ``None`` when it is a valid template."""
    try:
        parse(source)  # type: ignore[arg-type]
    except TemplateError as exc:
        return str(exc)
    return None


def render(source: str, values: Mapping[str, object]) -> str:
    """Parse and render in one go (raises :class:`TemplateError` on a bad template)."""
    return parse(source).render(values)


def pick_variant(variants: Sequence[str], rng: random.Random, avoid: str | None = None) -> str:
    """A random variant; with two or more, never the one just used (``avoid``).

    Newcomers joining close together then read different greetings, which feels less robotic.
    """
    if not variants:
        raise ValueError("no variants to pick from")
    choices = [v for v in variants if v != avoid] or list(variants)
    return rng.choice(choices)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (Discord rejects longer content)."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"
