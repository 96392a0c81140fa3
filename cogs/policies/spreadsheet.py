"""CSV cells a spreadsheet will not run (pure logic, no discord import).

The case export and the replay CSV carry members' own words (reasons, evidence, message
content); ``=HYPERLINK(...)`` typed in a message must stay text when a manager opens the file.
"""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """``value``, with a leading quote when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
