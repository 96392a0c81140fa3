"""The privilege ladder (member < moderator < manager < owner) and pre-action checks.

Managers and moderators are roles named in the guild config (by id or name); Discord
permissions count too (Administrator / Manage Server / owner -> manager; Moderate, Kick or Ban
Members -> moderator).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.errors import UserCheckFailure
from bot.user_error import UserError

T = TypeVar("T")


class Privilege(enum.IntEnum):
    """What a member may do with the bot, in increasing order."""

    MEMBER = 0
    MODERATOR = 1
    MANAGER = 2
    OWNER = 3


MANAGER_PERMISSIONS = discord.Permissions(manage_guild=True)
MODERATOR_PERMISSIONS = discord.Permissions(moderate_members=True)

# Discord permission the bot needs for each action of ensure_can_act.
ACTION_PERMISSIONS: dict[str, str] = {
    "ban": "ban_members",
    "unban": "ban_members",
    "kick": "kick_members",
    "timeout": "moderate_members",
    "untimeout": "moderate_members",
    "role": "manage_roles",
    "nick": "manage_nicknames",
    "delete": "manage_messages",
}


def role_matches(role: discord.Role, wanted: Iterable[Any]) -> bool:
    """True if ``role`` is named in ``wanted`` by id (int or digits) or by name (any case)."""
    for entry in wanted:
        if isinstance(entry, int) and not isinstance(entry, bool):
            if role.id == entry:
                return True
        elif isinstance(entry, str):
            text = entry.strip()
            if (text.isdigit() and role.id == int(text)) or role.name.casefold() == text.casefold():
                return True
    return False


def privilege_of(bot: Any, member: discord.Member) -> Privilege:
    """The member's rung on the ladder in their guild."""
    guild = member.guild
    if guild.owner_id == member.id:
        return Privilege.OWNER
    perms = member.guild_permissions
    config = bot.configs.get(guild.id)
    roles = member.roles
    if perms.administrator or perms.manage_guild:
        return Privilege.MANAGER
    if any(role_matches(r, config.get("roles.managers", []) or []) for r in roles):
        return Privilege.MANAGER
    if perms.moderate_members or perms.kick_members or perms.ban_members:
        return Privilege.MODERATOR
    if any(role_matches(r, config.get("roles.moderators", []) or []) for r in roles):
        return Privilege.MODERATOR
    return Privilege.MEMBER


def _require(level: Privilege, key: str) -> Callable[[discord.Interaction[Any]], bool]:
    def predicate(interaction: discord.Interaction[Any]) -> bool:
        member = interaction.user
        if interaction.guild is None or not isinstance(member, discord.Member):
            raise UserCheckFailure(UserError("errors.guild_only"))
        if privilege_of(interaction.client, member) < level:
            raise UserCheckFailure(UserError(key))
        return True

    return predicate


def manager_only() -> Callable[[T], T]:
    """Hide the command from non-managers (Manage Server) and re-check at run time."""

    def decorator(func: T) -> T:
        func = app_commands.guild_only()(func)
        func = app_commands.default_permissions(manage_guild=True)(func)
        return app_commands.check(_require(Privilege.MANAGER, "errors.not_manager"))(func)

    return decorator


def moderator_only() -> Callable[[T], T]:
    """Hide the command from non-moderators (Moderate Members) and re-check at run time."""

    def decorator(func: T) -> T:
        func = app_commands.guild_only()(func)
        func = app_commands.default_permissions(moderate_members=True)(func)
        return app_commands.check(_require(Privilege.MODERATOR, "errors.not_moderator"))(func)

    return decorator


async def require(interaction: discord.Interaction[Any], level: Privilege) -> None:
    """Imperative form of the decorators, for buttons and modals."""
    key = "errors.not_manager" if level >= Privilege.MANAGER else "errors.not_moderator"
    try:
        _require(level, key)(interaction)
    except UserCheckFailure as exc:
        raise exc.user_error from None


@dataclass(frozen=True)
class ActFacts:
    """Everything ensure_can_act needs, as plain values (so the rule is testable alone)."""

    actor_id: int | None
    target_id: int
    bot_id: int
    owner_id: int
    actor_top: int | None
    target_top: int
    bot_top: int
    bot_permission: bool
    target_is_admin: bool
    action: str


def refusal(f: ActFacts) -> UserError | None:
    """The first reason the action is refused, in the order a moderator would ask."""
    permission = ACTION_PERMISSIONS.get(f.action, f.action)
    if f.actor_id is not None and f.target_id == f.actor_id:
        return UserError("errors.cannot_act_on_self")
    if f.target_id == f.bot_id:
        return UserError("errors.cannot_act_on_bot")
    if f.target_id == f.owner_id:
        return UserError("errors.cannot_act_on_owner")
    if (
        f.actor_id is not None
        and f.actor_id != f.owner_id
        and f.actor_top is not None
        and f.target_top >= f.actor_top
    ):
        return UserError("errors.target_above_actor")
    if f.target_top >= f.bot_top:
        return UserError("errors.target_above_bot")
    if not f.bot_permission:
        return UserError("errors.bot_missing_permission", permission=permission.replace("_", " "))
    if f.action == "timeout" and f.target_is_admin:
        return UserError("errors.cannot_timeout_admin")
    return None


def ensure_can_act(actor: discord.Member | None, target: discord.Member, action: str) -> None:
    """Raise :class:`UserError` if ``actor`` (None: the bot on its own) may not ``action`` ``target``."""
    guild = target.guild
    me = guild.me
    permission = ACTION_PERMISSIONS.get(action, action)
    facts = ActFacts(
        actor_id=None if actor is None else actor.id,
        target_id=target.id,
        bot_id=me.id,
        owner_id=guild.owner_id or 0,
        actor_top=None if actor is None else actor.top_role.position,
        target_top=target.top_role.position,
        bot_top=me.top_role.position,
        bot_permission=bool(getattr(me.guild_permissions, permission, False))
        or me.guild_permissions.administrator,
        target_is_admin=target.guild_permissions.administrator,
        action=action,
    )
    problem = refusal(facts)
    if problem is not None:
        raise problem
