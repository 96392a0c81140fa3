"""What /ban and /tempban do to a user who is already banned. Pure logic, no discord import.

Banning a banned user again is a no-op on Discord: the first ban, and its audit reason, stay.
So Vigie never bans twice; it decides from the ban Discord holds and its own pending unban
timer. That ban is one of Vigie's temporary bans exactly when an unban timer is pending for
the user and carries the audit reason of that very ban (each Vigie action has a unique one):

- not banned: ban as asked;
- a temporary ban of Vigie's: ``/tempban`` sets a new end (the one timer is replaced), ``/ban``
  makes it permanent (the timer is cancelled);
- any other ban (permanent, or placed by hand): refused, nothing written; the moderator
  lifts it with ``/unban`` first if they mean to change it.
"""

from __future__ import annotations

import enum
import time

CASE_MARK = "Vigie"


class BanChange(enum.Enum):
    """The outcome of a ban or tempban asked on a user."""

    NEW = "new"
    NEW_END = "new_end"
    MAKE_PERMANENT = "make_permanent"
    REFUSE = "refuse"


def ban_change(
    kind: str, banned: bool, ban_reason: str | None, timer_reason: str | None
) -> BanChange:
    """Decide ``kind`` ("ban" or "tempban") given the ban Discord holds and our pending timer.

    ``timer_reason`` is the audit reason stored in the pending unban timer (None: no timer).
    """
    if kind not in ("ban", "tempban"):
        raise ValueError(f"not a ban kind: {kind}")
    if not banned:
        return BanChange.NEW
    if timer_reason is not None and timer_reason == ban_reason:
        return BanChange.NEW_END if kind == "tempban" else BanChange.MAKE_PERMANENT
    return BanChange.REFUSE


def audit_reason(kind: str, reason: str | None) -> str:
    """The audit-log reason, unique per action (timers recognise their own bans by it)."""
    return f"{CASE_MARK} {kind} {time.time_ns() % 10**12}: {reason or '-'}"[:512]


def placed_by_vigie(ban_reason: str | None) -> bool:
    """True when a ban's audit reason is one Vigie wrote (see :func:`audit_reason`)."""
    return bool(ban_reason) and str(ban_reason).startswith(f"{CASE_MARK} ")
