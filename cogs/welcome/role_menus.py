"""Self-assign role menus: parsing from config and what a click or a selection changes.

Pure logic, no discord import. Roles are compared by id once resolved; the cog resolves the
config's role references (ids or names) against the guild and drops the ones the bot cannot
manage, with a mod-log line, before building a :class:`Menu`.

Rules: options sharing a ``group`` are exclusive (taking one drops the others of the group);
a menu gives at most ``max`` of its roles to a member (``None``: no limit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class MenuLimitReached(Exception):
    """The member already holds ``max`` roles of this menu; nothing was changed."""

    def __init__(self, maximum: int) -> None:
        super().__init__(f"at most {maximum} role(s) from this menu")
        self.maximum = maximum


@dataclass(frozen=True)
class Option:
    """One role a member may take."""

    role_id: int
    label: str
    emoji: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Menu:
    """A resolved menu: its options carry role ids."""

    id: str
    title: str | None
    style: str  # "buttons" or "select"
    maximum: int | None
    options: tuple[Option, ...]

    @property
    def role_ids(self) -> frozenset[int]:
        return frozenset(option.role_id for option in self.options)

    def option(self, role_id: int) -> Option | None:
        for option in self.options:
            if option.role_id == role_id:
                return option
        return None


@dataclass(frozen=True)
class Change:
    """Roles to add and to remove; both empty when nothing changes."""

    add: frozenset[int]
    remove: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.add and not self.remove


def build_menu(raw: Mapping, resolve: Mapping[str, int]) -> Menu:
    """Build a :class:`Menu` from its config dict; options whose role is not in ``resolve``
    (keyed by ``str(ref)``) are skipped, because the cog could not find or manage that role."""
    options: list[Option] = []
    for raw_option in raw.get("options", []):
        ref = str(raw_option["role"])
        role_id = resolve.get(ref)
        if role_id is None:
            continue
        options.append(
            Option(
                role_id=role_id,
                label=str(raw_option.get("label") or ref),
                emoji=raw_option.get("emoji"),
                group=raw_option.get("group"),
            )
        )
    maximum = raw.get("max")
    return Menu(
        id=str(raw["id"]),
        title=raw.get("title"),
        style=str(raw.get("style", "buttons")),
        maximum=int(maximum) if maximum is not None else None,
        options=tuple(options),
    )


def _group_mates(menu: Menu, role_id: int) -> frozenset[int]:
    option = menu.option(role_id)
    if option is None or option.group is None:
        return frozenset()
    return frozenset(
        o.role_id for o in menu.options if o.group == option.group and o.role_id != role_id
    )


def toggle(menu: Menu, held: Iterable[int], role_id: int) -> Change:
    """A button was pressed: drop the role if held, else take it (and drop its group mates).

    Raises :class:`MenuLimitReached` when taking it would exceed the menu's maximum.
    """
    held_in_menu = frozenset(held) & menu.role_ids
    if menu.option(role_id) is None:
        return Change(frozenset(), frozenset())
    if role_id in held_in_menu:
        return Change(frozenset(), frozenset({role_id}))
    remove = _group_mates(menu, role_id) & held_in_menu
    after = (held_in_menu - remove) | {role_id}
    if menu.maximum is not None and len(after) > menu.maximum:
        if menu.maximum == 1 and len(held_in_menu) == 1:
            # A single-choice menu behaves like radio buttons: the new choice replaces the old.
            return Change(frozenset({role_id}), held_in_menu)
        raise MenuLimitReached(menu.maximum)
    return Change(frozenset({role_id}), remove)


def select(menu: Menu, held: Iterable[int], chosen: Iterable[int]) -> Change:
    """A select was submitted: the member's roles in this menu become exactly ``chosen``.

    Unknown ids are ignored; for an exclusive group only the first chosen role of the group is
    kept (Discord's select cannot express groups). Raises :class:`MenuLimitReached` when more
    than the maximum remain.
    """
    held_in_menu = frozenset(held) & menu.role_ids
    kept: list[int] = []
    groups_taken: set[str] = set()
    for role_id in chosen:
        option = menu.option(role_id)
        if option is None or role_id in kept:
            continue
        if option.group is not None:
            if option.group in groups_taken:
                continue
            groups_taken.add(option.group)
        kept.append(role_id)
    if menu.maximum is not None and len(kept) > menu.maximum:
        raise MenuLimitReached(menu.maximum)
    wanted = frozenset(kept)
    return Change(wanted - held_in_menu, held_in_menu - wanted)


def select_bounds(menu: Menu) -> tuple[int, int]:
    """``(min_values, max_values)`` for a select of this menu (Discord: 0..25)."""
    groups = {o.group for o in menu.options if o.group is not None}
    ungrouped = sum(1 for o in menu.options if o.group is None)
    # More than one role per group can never be kept, so do not offer picking more.
    reachable = ungrouped + len(groups)
    upper = reachable if menu.maximum is None else min(menu.maximum, reachable)
    return 0, max(1, min(25, upper))
