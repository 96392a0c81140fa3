"""Self-assign role menus: exclusive groups and a maximum per menu."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.welcome import role_menus
from cogs.welcome.role_menus import MenuLimitReached

RAW = {
    "id": "colours",
    "title": "Pick",
    "style": "buttons",
    "max": 2,
    "options": [
        {"role": "Red", "group": "colour", "emoji": "🔴"},
        {"role": "Blue", "group": "colour"},
        {"role": "News", "label": "Announcements"},
        {"role": "Events"},
        {"role": "Gone"},
    ],
}
RESOLVE = {"Red": 1, "Blue": 2, "News": 3, "Events": 4}
MENU = role_menus.build_menu(RAW, RESOLVE)


def test_build_skips_unresolved_roles_and_labels_default_to_the_reference() -> None:
    assert [o.role_id for o in MENU.options] == [1, 2, 3, 4]
    assert MENU.option(3).label == "Announcements"  # type: ignore[union-attr]
    assert MENU.option(4).label == "Events"  # type: ignore[union-attr]
    assert MENU.maximum == 2 and MENU.style == "buttons"


def test_toggle_takes_and_drops() -> None:
    change = role_menus.toggle(MENU, held=[], role_id=3)
    assert change.add == {3} and not change.remove
    change = role_menus.toggle(MENU, held=[3], role_id=3)
    assert change.remove == {3} and not change.add


def test_toggle_exclusive_group_swaps() -> None:
    change = role_menus.toggle(MENU, held=[1, 99], role_id=2)
    assert change.add == {2} and change.remove == {1}


def test_toggle_respects_maximum() -> None:
    with pytest.raises(MenuLimitReached) as info:
        role_menus.toggle(MENU, held=[1, 3], role_id=4)
    assert info.value.maximum == 2
    # Swapping within a group does not count as one more.
    assert role_menus.toggle(MENU, held=[1, 3], role_id=2).add == {2}


def test_single_choice_menu_replaces() -> None:
    menu = role_menus.build_menu({**RAW, "max": 1}, RESOLVE)
    change = role_menus.toggle(menu, held=[3], role_id=4)
    assert change.add == {4} and change.remove == {3}


def test_toggle_of_unknown_role_changes_nothing() -> None:
    assert role_menus.toggle(MENU, held=[], role_id=77).empty


def test_select_sets_exactly_the_choice() -> None:
    change = role_menus.select(MENU, held=[3, 99], chosen=[1, 4])
    assert change.add == {1, 4} and change.remove == {3}


def test_select_keeps_first_of_a_group_and_ignores_unknown() -> None:
    change = role_menus.select(MENU, held=[], chosen=[2, 1, 55])
    assert change.add == {2} and not change.remove


def test_select_over_maximum_is_refused() -> None:
    with pytest.raises(MenuLimitReached):
        role_menus.select(MENU, held=[], chosen=[1, 3, 4])


def test_select_bounds() -> None:
    assert role_menus.select_bounds(MENU) == (0, 2)
    unlimited = role_menus.build_menu({**RAW, "max": None}, RESOLVE)
    assert role_menus.select_bounds(unlimited) == (0, 3)  # one per group + 2 ungrouped


@given(
    st.sets(st.sampled_from([1, 2, 3, 4, 99])),
    st.lists(st.sampled_from([1, 2, 3, 4, 99])),
)
def test_toggles_never_break_the_menu_rules(held: set[int], clicks: list[int]) -> None:
    holding = set(held)
    holding -= {2} if 1 in holding else set()  # start from a state that respects the group
    while len(holding & MENU.role_ids) > 2:
        holding.remove(max(holding & MENU.role_ids))
    for role_id in clicks:
        try:
            change = role_menus.toggle(MENU, holding, role_id)
        except MenuLimitReached:
            continue
        assert not (change.add & change.remove)
        holding = (holding - change.remove) | change.add
        in_menu = holding & MENU.role_ids
        assert len(in_menu) <= 2
        assert not {1, 2} <= in_menu
        assert 99 in holding or 99 not in held  # roles outside the menu are never touched
