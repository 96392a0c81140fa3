"""Role references, manageability and sticky roles (never moderation roles)."""

from __future__ import annotations

from cogs.welcome import roles
from cogs.welcome.roles import RoleInfo

EVERYONE = RoleInfo(id=100, name="@everyone", position=0, default=True)
RED = RoleInfo(id=1, name="Red", position=1)
MOD = RoleInfo(id=2, name="Moderator", position=2)
HELPER = RoleInfo(id=3, name="Helper", position=3, permissions=1 << 13)  # manage_messages
BOOSTER = RoleInfo(id=4, name="Booster", position=4, managed=True)
BOT = RoleInfo(id=5, name="Vigie", position=5, managed=True)
ADMIN = RoleInfo(id=6, name="Admin", position=6)
ALL = [EVERYONE, RED, MOD, HELPER, BOOSTER, BOT, ADMIN]


def test_resolve_by_id_name_and_folded_name() -> None:
    assert roles.resolve(1, ALL) is RED
    assert roles.resolve("1", ALL) is RED
    assert roles.resolve("Red", ALL) is RED
    assert roles.resolve("red", ALL) is RED
    assert roles.resolve("Blue", ALL) is None
    assert roles.resolve(999, ALL) is None
    assert roles.resolve(None, ALL) is None


def test_resolve_folded_name_must_be_unambiguous() -> None:
    two = [RoleInfo(1, "Fans", 1), RoleInfo(2, "FANS", 2)]
    assert roles.resolve("fans", two) is None
    assert roles.resolve("Fans", two).id == 1  # type: ignore[union-attr]


def test_why_unmanageable() -> None:
    assert roles.why_unmanageable(RED, 5, True) is None
    assert roles.why_unmanageable(EVERYONE, 5, True) == "everyone"
    assert roles.why_unmanageable(BOOSTER, 5, True) == "managed"
    assert roles.why_unmanageable(ADMIN, 5, True) == "above_bot"
    assert roles.why_unmanageable(BOT.__class__(7, "x", 5), 5, True) == "above_bot"
    assert roles.why_unmanageable(RED, 5, False) == "no_permission"


def test_moderation_roles_are_never_granted() -> None:
    # A menu, the accept button or a join must never hand out moderation powers.
    assert roles.why_not_grantable(RED, [2], 5, True) is None
    assert roles.why_not_grantable(MOD, [2], 5, True) == "moderation"
    assert roles.why_not_grantable(HELPER, [], 5, True) == "moderation"
    # What the bot cannot give at all is said first.
    assert roles.why_not_grantable(BOOSTER, [4], 5, True) == "managed"
    assert roles.why_not_grantable(MOD, [2], 5, False) == "no_permission"


def test_moderation_roles_are_never_restored() -> None:
    restored = roles.restorable(
        saved_role_ids=[1, 2, 3, 4, 6, 1, 42],
        sticky_role_ids=[1, 2, 3, 4, 6],
        roles=ALL,
        moderation_role_ids=[2],
        bot_top_position=5,
        bot_can_manage_roles=True,
    )
    # Red only: Moderator is named as such, Helper has a moderation permission, Booster is
    # managed, Admin is above the bot, 42 no longer exists; duplicates are dropped.
    assert restored == [1]


def test_only_sticky_roles_come_back() -> None:
    assert roles.restorable([1], [], ALL, [], 5, True) == []
    assert roles.restorable([1], [1], ALL, [], 5, False) == []
