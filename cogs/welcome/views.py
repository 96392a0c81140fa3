"""Buttons and selects of the welcome feature; they keep working after a restart.

They are :class:`discord.ui.DynamicItem` s: the state lives in the custom id, so any message the
bot ever posted (greeting, rules message, reminder DM, role menu) is routed after a restart as
soon as the cog registers the classes with ``bot.add_dynamic_items``:

- ``vigie:welcome:accept:<guild_id>``           "I accept the rules"
- ``vigie:welcome:role:<menu_id>:<role_id>``    a role button of a self-assign menu
- ``vigie:welcome:menu:<menu_id>``              the select of a self-assign menu

The callbacks only hand over to the cog (``cog.py``), which holds the logic.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import handle_interaction_error
from cogs.welcome.role_menus import Menu, select_bounds

if TYPE_CHECKING:
    from cogs.welcome.cog import WelcomeCog

MENU_ID = r"[a-z0-9_-]{1,32}"


def _cog(interaction: discord.Interaction[Any]) -> WelcomeCog:
    cog = interaction.client.get_cog("welcome")
    if cog is None:
        raise RuntimeError("the welcome cog is not loaded")
    return cog  # type: ignore[return-value]


async def _guarded(
    interaction: discord.Interaction[Any], where: str, work: Awaitable[None]
) -> None:
    # Dynamic items live in views discord.py builds itself: route errors to the core handler.
    try:
        await work
    except Exception as exc:
        await handle_interaction_error(interaction, exc, where=where)


class AcceptButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=re.compile(r"vigie:welcome:accept:(?P<guild>\d+)"),
):
    """The persistent "I accept the rules" button."""

    def __init__(self, guild_id: int, label: str = "I accept the rules") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.success,
                emoji="✅",
                custom_id=f"vigie:welcome:accept:{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AcceptButton:
        return cls(int(match["guild"]), label=getattr(item, "label", None) or "")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _guarded(
            interaction,
            "welcome accept",
            _cog(interaction).accept_pressed(interaction, self.guild_id),
        )


class RoleButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=re.compile(rf"vigie:welcome:role:(?P<menu>{MENU_ID}):(?P<role>\d+)"),
):
    """One role of a button menu: pressing it takes or drops the role."""

    def __init__(
        self, menu_id: str, role_id: int, label: str = "", emoji: str | None = None
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or None,
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                custom_id=f"vigie:welcome:role:{menu_id}:{role_id}",
            )
        )
        self.menu_id = menu_id
        self.role_id = role_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RoleButton:
        return cls(match["menu"], int(match["role"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _guarded(
            interaction,
            f"welcome role {self.menu_id}",
            _cog(interaction).role_button_pressed(interaction, self.menu_id, self.role_id),
        )


class MenuSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=re.compile(rf"vigie:welcome:menu:(?P<menu>{MENU_ID})"),
):
    """A select menu of roles: the chosen values become the member's roles of this menu."""

    def __init__(self, menu_id: str, select: discord.ui.Select[Any] | None = None) -> None:
        super().__init__(select or discord.ui.Select(custom_id=f"vigie:welcome:menu:{menu_id}"))
        self.menu_id = menu_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MenuSelect:
        return cls(match["menu"], item if isinstance(item, discord.ui.Select) else None)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        chosen = [int(v) for v in self.item.values if v.isdigit()]
        await _guarded(
            interaction,
            f"welcome menu {self.menu_id}",
            _cog(interaction).menu_selected(interaction, self.menu_id, chosen),
        )


DYNAMIC_ITEMS = (AcceptButton, RoleButton, MenuSelect)


def accept_view(guild_id: int, label: str) -> discord.ui.View:
    """A view holding only the accept button."""
    view = discord.ui.View(timeout=None)
    view.add_item(AcceptButton(guild_id, label))
    return view


def add_menu(view: discord.ui.View, menu: Menu, placeholder: str, first_row: int = 0) -> int:
    """Add a menu's components to ``view`` from ``first_row``; return the next free row."""
    if menu.style == "select":
        low, high = select_bounds(menu)
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"vigie:welcome:menu:{menu.id}",
            placeholder=placeholder,
            min_values=low,
            max_values=high,
            options=[
                discord.SelectOption(label=o.label[:100], value=str(o.role_id), emoji=o.emoji)
                for o in menu.options
            ],
            row=first_row,
        )
        view.add_item(MenuSelect(menu.id, select))
        return first_row + 1
    rows_used = 0
    for index, option in enumerate(menu.options):
        button = RoleButton(menu.id, option.role_id, option.label[:80], option.emoji)
        button.item.row = first_row + index // 5
        view.add_item(button)
        rows_used = index // 5 + 1
    return first_row + rows_used


def menus_view(menus: list[Menu], placeholder: str) -> discord.ui.View | None:
    """A view with as many menus as fit in Discord's 5 rows (None when there is none)."""
    view = discord.ui.View(timeout=None)
    row = 0
    for menu in menus:
        needed = 1 if menu.style == "select" else (len(menu.options) + 4) // 5
        if not menu.options or row + needed > 5:
            continue
        row = add_menu(view, menu, placeholder, row)
    return view if view.children else None
