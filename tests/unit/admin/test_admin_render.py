"""Pure helpers of the admin cog: diffs, pages, sizes, uptime, JSON exports."""

from __future__ import annotations

import json
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from cogs.admin import render


def test_unified_diff_shows_changed_lines_only():
    diff = render.unified_diff(
        "locale: en\ntimezone: UTC\n",
        "locale: fr\ntimezone: UTC\n",
        old_name="current",
        new_name="new.yaml",
    )
    assert "-locale: en" in diff and "+locale: fr" in diff
    assert "--- current" in diff and "+++ new.yaml" in diff
    assert render.unified_diff("a: 1\n", "a: 1\n", old_name="x", new_name="y") == ""


def test_semantic_equal_ignores_comments_and_layout():
    assert render.semantic_equal("a: 1 # note\nb: [1, 2]\n", "b:\n  - 1\n  - 2\na: 1\n")
    assert render.semantic_equal("", "{}\n")
    assert not render.semantic_equal("a: 1\n", "a: 2\n")
    assert not render.semantic_equal("a: 1\n", "a: [\n")


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=5000),
    st.integers(min_value=10, max_value=300),
)
def test_paginate_never_exceeds_the_limit_and_keeps_every_character(text, limit):
    pages = render.paginate(text, limit)
    assert pages and all(len(page) <= limit for page in pages)
    assert "".join(pages).replace("\n", "") == "".join(text.splitlines())


def test_code_block_cannot_be_closed_early():
    block = render.code_block("a: ```oops```")
    assert block.startswith("```yaml\n") and block.endswith("\n```")
    assert block.count("```") == 2


def test_human_sizes_and_uptimes():
    assert render.human_bytes(512) == "512 B"
    assert render.human_bytes(1536) == "1.5 KiB"
    assert render.human_bytes(5 * 1024**3) == "5.0 GiB"
    assert render.human_uptime(5) == "5s"
    assert render.human_uptime(3725) == "1h 2m 5s"
    assert render.human_uptime(90061) == "1d 1h 1m 1s"
    assert render.human_uptime(-3) == "0s"


def test_dump_yaml_keeps_order_and_unicode():
    text = render.dump_yaml({"z": 1, "a": "é"})
    assert text.index("z:") < text.index("a:") and "é" in text
    assert render.dump_yaml({}) == "{}\n"


def test_json_dump_is_stable_and_readable():
    data = json.loads(render.json_dump({"b": 1, "a": datetime(2026, 1, 2), "c": "é"}))
    assert data == {"a": "2026-01-02 00:00:00", "b": 1, "c": "é"}


def test_bullet_lines_are_cut_with_an_ellipsis():
    text = render.bullet_lines([f"item {n}" for n in range(1000)], limit=100)
    assert len(text) <= 110 and text.endswith("- …")


def test_uses_aliases_finds_a_billion_laughs_at_once():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    assert render.uses_aliases("\n".join(lines))
    assert render.uses_aliases("v: [&a [1], *a]")
    # An anchor alone, a quoted star and text that is not YAML are left to the validator.
    assert not render.uses_aliases("v: &a [1]\n")
    assert not render.uses_aliases('a: "*x"\nb: 2 * 3\n')
    assert not render.uses_aliases("a: [\n")
