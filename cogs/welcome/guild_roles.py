"""The config's role references resolved against a live guild (the discord side of roles.py).

Each reference becomes a role id the bot can manage, or a problem reported once to the mod log:
the role does not exist, or the bot cannot give it (managed, @everyone, above the bot, no
Manage Roles). Roles are never given blindly: everything the cog hands to Discord went through
:func:`resolve_config_roles` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord

from bot.checks import role_matches
from cogs.welcome import roles as role_logic
from cogs.welcome.config import WelcomeConfig
from cogs.welcome.roles import RoleInfo


@dataclass(frozen=True)
class RoleProblem:
    """A role reference that cannot be used (``reason`` is ``missing`` or a roles.py reason)."""

    key: str
    ref: str
    reason: str


@dataclass(frozen=True)
class ResolvedRoles:
    """Usable role ids by reference (``str(ref)``), and the problems found."""

    ids: dict[str, int] = field(default_factory=dict)
    problems: tuple[RoleProblem, ...] = ()

    def get(self, ref: Any) -> int | None:
        return None if ref is None else self.ids.get(str(ref))

    def many(self, refs: Any) -> list[int]:
        return [rid for rid in (self.get(r) for r in refs) if rid is not None]


def role_info(role: discord.Role) -> RoleInfo:
    return RoleInfo(
        id=role.id,
        name=role.name,
        position=role.position,
        permissions=role.permissions.value,
        managed=role.managed,
        default=role.is_default(),
    )


def bot_standing(guild: discord.Guild) -> tuple[int, bool]:
    """The bot's highest role position and whether it may manage roles."""
    me = guild.me
    if me is None:
        return 0, False
    perms = me.guild_permissions
    return me.top_role.position, bool(perms.manage_roles or perms.administrator)


def resolve_config_roles(
    guild: discord.Guild, config: WelcomeConfig, core_config: Any
) -> ResolvedRoles:
    """Resolve every role the welcome config names in ``guild`` (never a moderation role)."""
    infos = [role_info(r) for r in guild.roles]
    top, can_manage = bot_standing(guild)
    moderation = moderation_role_ids(guild, core_config)
    ids: dict[str, int] = {}
    problems: list[RoleProblem] = []
    for key, ref in config.role_refs():
        info = role_logic.resolve(ref, infos)
        if info is None:
            problems.append(RoleProblem(key, str(ref), "missing"))
            continue
        reason = role_logic.why_not_grantable(info, moderation, top, can_manage)
        if reason is not None:
            problems.append(RoleProblem(key, info.name, reason))
            continue
        ids[str(ref)] = info.id
    return ResolvedRoles(ids, tuple(problems))


def moderation_role_ids(guild: discord.Guild, core_config: Any) -> list[int]:
    """Roles named as managers or moderators in the guild config."""
    wanted = list(core_config.get("roles.managers", []) or []) + list(
        core_config.get("roles.moderators", []) or []
    )
    return [role.id for role in guild.roles if role_matches(role, wanted)]


def restorable_roles(
    guild: discord.Guild, saved: list[int], sticky_ids: list[int], core_config: Any
) -> list[discord.Role]:
    """Sticky roles to give back to a rejoining member (never a moderation role)."""
    top, can_manage = bot_standing(guild)
    keep = role_logic.restorable(
        saved,
        sticky_ids,
        [role_info(r) for r in guild.roles],
        moderation_role_ids(guild, core_config),
        top,
        can_manage,
    )
    return [role for role in (guild.get_role(rid) for rid in keep) if role is not None]
