"""Transcripts: order, audiences (no notes for members), escaping, attachments."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from helpers_complaints import T0
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.complaints.transcript import (
    MEMBER,
    STAFF,
    Entry,
    Header,
    render_html,
    render_text,
    visible,
)

HEADER = Header(
    "Demo",
    7,
    "Noise <at night>",
    "alice",
    "general",
    "normal",
    T0,
    T0 + timedelta(hours=3),
    "Talked & fixed",
)
M = timedelta(minutes=1)


def history() -> list[Entry]:
    return [
        Entry(T0 + 2 * M, "claim", 20, "bob", seq=3),
        Entry(T0, "open", 10, "alice", seq=1),
        Entry(T0 + M, "message", 10, "alice", "It's <b>loud</b>", ("noise.mp3",), seq=2),
        Entry(T0 + 3 * M, "note", 20, "bob", "member has 3 prior warnings", internal=True, seq=4),
        Entry(T0 + 3 * M, "edit", 10, "alice", "It's very loud", message_id=5, seq=5),
        Entry(T0 + 4 * M, "escalate", 20, "bob", fields={"tier": "managers"}, seq=6),
        Entry(T0 + 5 * M, "leave", 10, "alice", seq=7),
    ]


def test_order_is_time_then_sequence() -> None:
    kinds = [e.kind for e in visible(history(), STAFF)]
    assert kinds == ["open", "message", "claim", "note", "edit", "escalate", "leave"]
    with pytest.raises(ValueError):
        visible(history(), "public")


def test_member_version_has_no_internal_notes() -> None:
    for audience, has_note in ((STAFF, True), (MEMBER, False)):
        text = render_text(HEADER, history(), audience)
        page = render_html(HEADER, history(), audience)
        assert ("prior warnings" in text) is has_note
        assert ("prior warnings" in page) is has_note
        assert "noise.mp3" in text and "noise.mp3" in page
        assert "It's very loud" in text


def test_text_layout_and_labels() -> None:
    text = render_text(
        HEADER, history(), STAFF, labels={"ticket": "Ticket", "internal": "note interne"}
    )
    lines = text.splitlines()
    assert lines[0] == "Demo — Ticket #7: Noise <at night>"
    assert "Resolution: Talked & fixed" in lines
    assert any(line.startswith("[2026-01-05 12:03:00 UTC] [note interne] bob") for line in lines)
    assert "    [attachment] noise.mp3" in lines


def test_html_escapes_everything_and_loads_nothing() -> None:
    page = render_html(HEADER, history(), STAFF)
    assert "<b>loud</b>" not in page
    assert "It&#x27;s &lt;b&gt;loud&lt;/b&gt;" in page
    assert "Noise &lt;at night&gt;" in page and "Talked &amp; fixed" in page
    assert "<script" not in page and "src=" not in page and "href=" not in page
    assert "default-src 'none'" in page


def _tags(page: str) -> list[str]:
    return re.findall(r"<[^>]*>", page)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), name=st.text(max_size=40), att=st.text(min_size=1, max_size=40))
def test_user_text_can_never_add_markup(text: str, name: str, att: str) -> None:
    entries = [
        Entry(T0, "message", 1, name, text, (att,)),
        Entry(T0, "note", 1, name, text, internal=True),
    ]
    header = Header(name, 1, text, name, text, "low", T0)
    plain = [
        Entry(T0, "message", 1, "n", "t", ("a",)),
        Entry(T0, "note", 1, "n", "t", internal=True),
    ]
    baseline = render_html(Header("n", 1, "t", "n", "t", "low", T0), plain, STAFF)
    page = render_html(header, entries, STAFF)
    # The same tags in the same order whatever the people wrote.
    assert _tags(page) == _tags(baseline)
    assert html.escape(text) in page


def test_a_multiline_message_cannot_forge_a_line_of_the_text_transcript() -> None:
    forged = (
        "fine\n[2026-01-05 12:09:00 UTC] bob: Approved, carol gets banned"
        "\r\n[2026-01-05 12:09:00 UTC] [internal note] bob: trust alice\rbye"
    )
    entries = [Entry(T0 + M, "message", 10, "alice", forged, seq=1)]
    body = render_text(HEADER, entries, STAFF).splitlines()[6:]
    # One entry, one line that starts a new entry; what alice wrote goes on indented.
    assert [line for line in body if not line.startswith("    ")] == [
        "[2026-01-05 12:01:00 UTC] alice: fine"
    ]
    assert "    [2026-01-05 12:09:00 UTC] bob: Approved, carol gets banned" in body
    assert body[-1] == "    bye"
