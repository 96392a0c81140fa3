"""Human durations such as ``30s``, ``10m``, ``2h``, ``7d``, ``1w`` and ``1h30m``.

Pure logic, no discord import: used by config validation, commands and timers.
"""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS: dict[str, int] = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)([wdhms])")
_WHOLE = re.compile(r"(?:\d+[wdhms])+")

# Discord and SQLite both choke long before this; it keeps timedelta arithmetic safe.
MAX_SECONDS = 100 * 365 * 86400


class DurationError(ValueError):
    """The text is not a duration like ``10m`` or ``1h30m``."""


def parse_seconds(text: str) -> int:
    """Return the number of seconds in ``text`` (case and inner spaces ignored).

    Each unit may appear once, largest first (``1h30m``, not ``30m1h``), so every duration has
    exactly one canonical spelling.
    """
    if not isinstance(text, str):
        raise DurationError(f"not a duration: {text!r}")
    compact = text.strip().lower().replace(" ", "")
    if not compact or not _WHOLE.fullmatch(compact):
        raise DurationError(f"not a duration: {text!r} (examples: 30s, 10m, 2h, 7d, 1w, 1h30m)")
    total = 0
    last_rank = -1
    order = list(_UNITS)
    for number, unit in _PART.findall(compact):
        rank = order.index(unit)
        if rank <= last_rank:
            raise DurationError(f"units out of order or repeated in {text!r} (write 1h30m)")
        last_rank = rank
        total += int(number) * _UNITS[unit]
    if total <= 0:
        raise DurationError(f"duration must be positive: {text!r}")
    if total > MAX_SECONDS:
        raise DurationError(f"duration too long: {text!r}")
    return total


def parse_duration(text: str) -> timedelta:
    """Parse ``text`` into a :class:`timedelta`; raises :class:`DurationError`."""
    return timedelta(seconds=parse_seconds(text))


def is_duration(text: object) -> bool:
    """True when ``text`` is a valid duration string."""
    if not isinstance(text, str):
        return False
    try:
        parse_seconds(text)
    except DurationError:
        return False
    return True


def format_duration(value: timedelta | int) -> str:
    """Canonical spelling: largest units first, zero parts omitted (``5400s`` -> ``1h30m``)."""
    return "".join(f"{count}{unit}" for unit, count in Duration(value).parts())


class Duration:
    """A duration placed in a message: the catalogue writes it in the message's language.

    ``str()`` gives the config spelling (``1h30m``); ``t(locale, key, delay=Duration(90))``
    gives each unit's word from the ``duration`` keys of that locale (``1 h 30 min`` in French).
    """

    __slots__ = ("seconds",)

    def __init__(self, value: timedelta | int) -> None:
        self.seconds = int(value.total_seconds()) if isinstance(value, timedelta) else int(value)

    def __str__(self) -> str:
        return format_duration(self.seconds)

    def parts(self) -> list[tuple[str, int]]:
        """(unit, count) from the largest unit down, zero parts left out (``[("s", 0)]`` for 0)."""
        seconds, found = max(self.seconds, 0), []
        for unit, size in _UNITS.items():
            count, seconds = divmod(seconds, size)
            if count:
                found.append((unit, count))
        return found or [("s", 0)]
