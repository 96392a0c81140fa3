"""Greeting templates: placeholders validated, formatting safe, variants picked at random."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.welcome import templates
from cogs.welcome.templates import PLACEHOLDERS, TemplateError

VALUES = {
    "member": "<@42>",
    "member_name": "Alice",
    "member_id": 42,
    "server": "Demo",
    "member_count": 7,
    "rules_channel": "<#9>",
}


def test_renders_every_known_placeholder() -> None:
    text = "Hi {member} ({member_name}, {member_id}) in {server}, #{member_count}: {rules_channel}"
    assert templates.render(text, VALUES) == "Hi <@42> (Alice, 42) in Demo, #7: <#9>"


def test_double_braces_stay_literal() -> None:
    assert templates.render("{{member}} is {member}", VALUES) == "{member} is <@42>"


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("Hello {user}", "unknown placeholder {user}"),
        ("Hello {member.guild.owner}", "attributes or indexes"),
        ("Hello {member[0]}", "attributes or indexes"),
        ("Count {member_count:>99999}", "cannot have a conversion or format"),
        ("Hi {member!r}", "cannot have a conversion or format"),
        ("Hi {}", "empty placeholder"),
        ("Hi {0}", "attributes or indexes"),
        ("Hi {member", "literal braces"),
        ("Hi member}", "literal braces"),
        ("   ", "cannot be empty"),
        ("x" * (templates.MAX_TEMPLATE_LENGTH + 1), "the limit is"),
    ],
)
def test_bad_templates_have_a_clear_error(source: str, needle: str) -> None:
    with pytest.raises(TemplateError, match=None) as info:
        templates.parse(source)
    assert needle in str(info.value)
    assert templates.validate(source) == str(info.value)


def test_unknown_placeholder_error_lists_the_known_ones() -> None:
    message = templates.validate("{membre}")
    assert message is not None
    for name in PLACEHOLDERS:
        assert "{" + name + "}" in message


def test_non_text_template_is_rejected() -> None:
    assert "must be text" in (templates.validate(12) or "")


def test_allowed_can_be_narrowed() -> None:
    with pytest.raises(TemplateError):
        templates.parse("{rules_channel}", allowed={"member"})


def test_fields_lists_the_placeholders_used() -> None:
    assert templates.parse("{member} {server} {member}").fields == {"member", "server"}


def test_pick_variant_never_repeats_the_last_one_when_it_can() -> None:
    rng = random.Random(1)
    variants = ["a", "b", "c"]
    last = None
    for _ in range(200):
        chosen = templates.pick_variant(variants, rng, avoid=last)
        assert chosen != last
        last = chosen


def test_pick_variant_with_one_variant_repeats_it() -> None:
    assert templates.pick_variant(["only"], random.Random(0), avoid="only") == "only"


def test_pick_variant_uses_every_variant() -> None:
    rng = random.Random(3)
    seen = {templates.pick_variant(["a", "b", "c"], rng) for _ in range(100)}
    assert seen == {"a", "b", "c"}


def test_pick_variant_without_variants_fails() -> None:
    with pytest.raises(ValueError):
        templates.pick_variant([], random.Random(0))


def test_truncate() -> None:
    assert templates.truncate("abc", 3) == "abc"
    assert templates.truncate("abcdef", 4) == "abc…"


@given(st.text(max_size=300))
def test_any_text_either_parses_or_fails_cleanly(source: str) -> None:
    try:
        parsed = templates.parse(source)
    except TemplateError as exc:
        assert str(exc)
        return
    # Rendering never evaluates anything: the output is the literal text plus plain values.
    rendered = parsed.render(VALUES)
    assert isinstance(rendered, str)
    assert parsed.fields <= PLACEHOLDERS.keys()


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), min_size=1, max_size=200))
def test_text_without_braces_renders_unchanged(source: str) -> None:
    if not source.strip():
        return
    assert templates.render(source, VALUES) == source


@given(
    st.lists(st.sampled_from(sorted(PLACEHOLDERS)), min_size=1, max_size=10),
    st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=20),
)
def test_values_are_inserted_verbatim_even_when_they_contain_braces(
    names: list[str], glue: str
) -> None:
    source = glue.join("{" + name + "}" for name in names) + "!"
    hostile = {name: "{member.__class__}" for name in PLACEHOLDERS}
    assert templates.render(source, hostile) == glue.join(hostile[n] for n in names) + "!"
