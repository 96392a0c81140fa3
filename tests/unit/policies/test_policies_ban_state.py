"""The rule for /ban and /tempban on a user who is banned already (pure, no discord)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.policies.ban_state import BanChange, audit_reason, ban_change, placed_by_vigie

# Fixed (not audit_reason()): parametrize ids must be the same in every xdist worker.
OURS = "Vigie tempban 123456789: cool down"


@pytest.mark.parametrize(
    ("kind", "banned", "ban_reason", "timer_reason", "expected"),
    [
        ("tempban", False, None, None, BanChange.NEW),
        ("ban", False, None, OURS, BanChange.NEW),  # a stale timer changes nothing
        ("tempban", True, OURS, OURS, BanChange.NEW_END),
        ("ban", True, OURS, OURS, BanChange.MAKE_PERMANENT),
        ("tempban", True, OURS, None, BanChange.REFUSE),  # permanent: no timer
        ("ban", True, OURS, None, BanChange.REFUSE),
        ("tempban", True, "by hand", OURS, BanChange.REFUSE),  # re-banned by a human since
        ("tempban", True, None, None, BanChange.REFUSE),  # by hand, no reason given
    ],
    ids=[
        "free",
        "stale-timer",
        "ours-tempban",
        "ours-ban",
        "permanent-tempban",
        "permanent-ban",
        "rebanned-by-hand",
        "by-hand-no-reason",
    ],
)
def test_ban_change(kind, banned, ban_reason, timer_reason, expected) -> None:
    assert ban_change(kind, banned, ban_reason, timer_reason) is expected


def test_only_ban_kinds() -> None:
    with pytest.raises(ValueError):
        ban_change("kick", True, None, None)


@given(
    st.sampled_from(["ban", "tempban"]),
    st.none() | st.text(max_size=20),
    st.none() | st.text(max_size=20),
)
def test_a_held_ban_is_never_banned_again(kind, ban_reason, timer_reason) -> None:
    """Whatever the reasons, a banned user never gets a second ban (NEW) from Discord."""
    assert ban_change(kind, True, ban_reason, timer_reason) is not BanChange.NEW


def test_audit_reasons_are_ours_and_unique() -> None:
    reasons = {audit_reason("ban", "spam") for _ in range(200)}
    assert len(reasons) > 1
    assert all(placed_by_vigie(r) for r in reasons)
    assert not placed_by_vigie("raid") and not placed_by_vigie(None)
    assert not placed_by_vigie("Vigilante")
    assert len(audit_reason("ban", "x" * 600)) == 512
