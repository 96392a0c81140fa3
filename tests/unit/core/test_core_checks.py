"""The pre-action refusal rule, on plain values (no discord objects)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.checks import ActFacts, Privilege, refusal

OK = ActFacts(
    actor_id=10,
    target_id=20,
    bot_id=30,
    owner_id=40,
    actor_top=5,
    target_top=2,
    bot_top=8,
    bot_permission=True,
    target_is_admin=False,
    action="ban",
)


def key(facts: ActFacts) -> str | None:
    problem = refusal(facts)
    return None if problem is None else problem.message_key


def test_allowed() -> None:
    assert key(OK) is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"target_id": 10}, "errors.cannot_act_on_self"),
        ({"target_id": 30}, "errors.cannot_act_on_bot"),
        ({"target_id": 40}, "errors.cannot_act_on_owner"),
        ({"target_top": 5}, "errors.target_above_actor"),
        ({"target_top": 6, "actor_top": 7}, None),
        ({"target_top": 8, "actor_top": 9}, "errors.target_above_bot"),
        ({"bot_permission": False}, "errors.bot_missing_permission"),
        ({"action": "timeout", "target_is_admin": True}, "errors.cannot_timeout_admin"),
        ({"actor_id": 40, "actor_top": 0}, None),  # the owner outranks everyone
        ({"actor_id": None, "actor_top": None, "target_top": 7}, None),  # the bot on its own
    ],
)
def test_each_refusal_has_its_own_key(change: dict, expected: str | None) -> None:
    assert key(replace(OK, **change)) == expected


def test_missing_permission_is_named() -> None:
    problem = refusal(replace(OK, action="timeout", bot_permission=False))
    assert problem is not None and problem.fields == {"permission": "moderate members"}


def test_ladder_order() -> None:
    assert Privilege.MEMBER < Privilege.MODERATOR < Privilege.MANAGER < Privilege.OWNER
