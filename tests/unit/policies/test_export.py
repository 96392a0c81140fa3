"""The CSV exports (cases, replay) never hand a spreadsheet a formula written by a member."""

from __future__ import annotations

import pytest

from cogs.policies.spreadsheet import spreadsheet_safe


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_formulas_become_text(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["updated", "words: connard | quel connard", "", 3, -1, 0.5])
def test_ordinary_cells_unchanged(value: object) -> None:
    assert spreadsheet_safe(value) == value
