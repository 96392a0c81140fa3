"""Role references, what the bot can manage, and which sticky roles come back on rejoin.

Pure logic, no discord import: the cog turns ``discord.Role`` objects into :class:`RoleInfo`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Permissions that make a role a moderation role: such a role is never restored by sticky roles,
# because a demoted moderator could otherwise leave and rejoin to get their powers back.
MODERATION_PERMISSIONS = (
    (1 << 1)  # kick_members
    | (1 << 2)  # ban_members
    | (1 << 3)  # administrator
    | (1 << 4)  # manage_channels
    | (1 << 5)  # manage_guild
    | (1 << 13)  # manage_messages
    | (1 << 22)  # mute_members
    | (1 << 23)  # deafen_members
    | (1 << 24)  # move_members
    | (1 << 27)  # manage_nicknames
    | (1 << 28)  # manage_roles
    | (1 << 29)  # manage_webhooks
    | (1 << 34)  # manage_threads
    | (1 << 40)  # moderate_members
)


@dataclass(frozen=True)
class RoleInfo:
    """What the welcome logic needs to know about a guild role."""

    id: int
    name: str
    position: int
    permissions: int = 0
    managed: bool = False  # bot or integration role: nobody can assign it
    default: bool = False  # @everyone


def resolve(ref: object, roles: Sequence[RoleInfo]) -> RoleInfo | None:
    """The role named by ``ref`` (an id, a digit string, or an exact name), or ``None``."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        wanted = int(ref)
        return next((role for role in roles if role.id == wanted), None)
    if isinstance(ref, str):
        exact = [role for role in roles if role.name == ref]
        if exact:
            return exact[0]
        folded = [role for role in roles if role.name.casefold() == ref.casefold()]
        return folded[0] if len(folded) == 1 else None
    return None


def why_unmanageable(
    role: RoleInfo, bot_top_position: int, bot_can_manage_roles: bool
) -> str | None:
    """The reason the bot cannot give or take ``role`` (a locale key suffix), or ``None``."""
    if role.default:
        return "everyone"
    if role.managed:
        return "managed"
    if not bot_can_manage_roles:
        return "no_permission"
    if role.position >= bot_top_position:
        return "above_bot"
    return None


def is_moderation_role(role: RoleInfo, moderation_role_ids: Iterable[int]) -> bool:
    """A role named as moderator/manager in the config, or carrying a moderation permission."""
    return role.id in set(moderation_role_ids) or bool(role.permissions & MODERATION_PERMISSIONS)


def why_not_grantable(
    role: RoleInfo,
    moderation_role_ids: Iterable[int],
    bot_top_position: int,
    bot_can_manage_roles: bool,
) -> str | None:
    """Why the welcome flow must not give ``role`` to members (a locale key suffix), or ``None``.

    A moderation role never comes from a join, a button or a menu: one press would make any
    member a moderator, also when the role's permissions were raised after the menu was set up.
    """
    reason = why_unmanageable(role, bot_top_position, bot_can_manage_roles)
    if reason is None and is_moderation_role(role, moderation_role_ids):
        return "moderation"
    return reason


def restorable(
    saved_role_ids: Iterable[int],
    sticky_role_ids: Iterable[int],
    roles: Sequence[RoleInfo],
    moderation_role_ids: Iterable[int],
    bot_top_position: int,
    bot_can_manage_roles: bool,
) -> list[int]:
    """Roles to give back to a rejoining member: saved, sticky, existing, manageable, and never
    a moderation role."""
    by_id = {role.id: role for role in roles}
    sticky = set(sticky_role_ids)
    moderation = set(moderation_role_ids)
    out: list[int] = []
    for role_id in dict.fromkeys(saved_role_ids):
        role = by_id.get(role_id)
        if role is None or role_id not in sticky:
            continue
        if why_not_grantable(role, moderation, bot_top_position, bot_can_manage_roles) is None:
            out.append(role_id)
    return out
