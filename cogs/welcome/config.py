"""The ``welcome:`` section as frozen dataclasses (built from an already validated dict).

Pure logic, no discord import. Missing keys take the defaults below, which mirror
``config/default.yaml``, so a partial section (tests, old documents) still builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.durations import parse_duration
from cogs.welcome.gate import GatePolicy

RoleRef = int | str
ChannelRef = int | str | None


def _duration(value: Any) -> timedelta | None:
    """A duration string, or ``None`` when the key is explicitly null (feature off)."""
    return parse_duration(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class DelayedRole:
    role: RoleRef
    after: timedelta


@dataclass(frozen=True)
class WelcomeConfig:
    """Every welcome setting of one guild."""

    enabled: bool = False
    channel: ChannelRef = None
    dm: bool = False
    embed: bool = True
    greetings: tuple[str, ...] = ()
    dm_greetings: tuple[str, ...] = ()
    goodbye_enabled: bool = False
    goodbye_channel: ChannelRef = None
    goodbye_messages: tuple[str, ...] = ()
    rules_enabled: bool = False
    rules_channel: ChannelRef = None
    newcomer_role: RoleRef | None = None
    accepted_roles: tuple[RoleRef, ...] = ()
    remind_after: timedelta | None = timedelta(days=1)
    remove_after: timedelta | None = timedelta(days=3)
    gate_rejoin: bool = False
    invite: str | None = None
    on_join_roles: tuple[RoleRef, ...] = ()
    delayed_roles: tuple[DelayedRole, ...] = ()
    sticky_roles: tuple[RoleRef, ...] = ()
    menus: tuple[dict, ...] = ()
    batch_window: timedelta = timedelta(seconds=10)
    burst_joins: int = 5
    max_mentions: int = 20

    @property
    def gate(self) -> GatePolicy:
        return GatePolicy(
            enabled=self.rules_enabled,
            remind_after=self.remind_after,
            remove_after=self.remove_after,
            gate_rejoin=self.gate_rejoin,
        )

    def menu(self, menu_id: str) -> dict | None:
        return next((m for m in self.menus if m.get("id") == menu_id), None)

    def role_refs(self) -> list[tuple[str, RoleRef]]:
        """Every role the config names, with the key path that names it (for error lines)."""
        refs: list[tuple[str, RoleRef]] = []
        if self.newcomer_role is not None:
            refs.append(("welcome.rules.newcomer_role", self.newcomer_role))
        refs += [
            (f"welcome.rules.accepted_roles.{i}", r) for i, r in enumerate(self.accepted_roles)
        ]
        refs += [(f"welcome.roles.on_join.{i}", r) for i, r in enumerate(self.on_join_roles)]
        refs += [
            (f"welcome.roles.delayed.{i}.role", d.role) for i, d in enumerate(self.delayed_roles)
        ]
        refs += [(f"welcome.roles.sticky.{i}", r) for i, r in enumerate(self.sticky_roles)]
        for m_index, menu in enumerate(self.menus):
            for o_index, option in enumerate(menu.get("options", [])):
                refs.append((f"welcome.menus.{m_index}.options.{o_index}.role", option["role"]))
        return refs

    @classmethod
    def from_section(cls, section: dict | None) -> WelcomeConfig:
        s = section or {}
        goodbye = s.get("goodbye") or {}
        rules = s.get("rules") or {}
        roles = s.get("roles") or {}
        raid = s.get("raid") or {}
        return cls(
            enabled=bool(s.get("enabled", False)),
            channel=s.get("channel"),
            dm=bool(s.get("dm", False)),
            embed=bool(s.get("embed", True)),
            greetings=tuple(s.get("greetings") or ()),
            dm_greetings=tuple(s.get("dm_greetings") or ()),
            goodbye_enabled=bool(goodbye.get("enabled", False)),
            goodbye_channel=goodbye.get("channel"),
            goodbye_messages=tuple(goodbye.get("messages") or ()),
            rules_enabled=bool(rules.get("enabled", False)),
            rules_channel=rules.get("channel"),
            newcomer_role=rules.get("newcomer_role"),
            accepted_roles=tuple(rules.get("accepted_roles") or ()),
            remind_after=_duration(rules.get("remind_after", "1d")),
            remove_after=_duration(rules.get("remove_after", "3d")),
            gate_rejoin=bool(rules.get("gate_rejoin", False)),
            invite=rules.get("invite"),
            on_join_roles=tuple(roles.get("on_join") or ()),
            delayed_roles=tuple(
                DelayedRole(role=d["role"], after=parse_duration(d["after"]))
                for d in roles.get("delayed") or ()
            ),
            sticky_roles=tuple(roles.get("sticky") or ()),
            menus=tuple(s.get("menus") or ()),
            batch_window=parse_duration(raid.get("batch_window", "10s")),
            burst_joins=int(raid.get("burst_joins", 5)),
            max_mentions=int(raid.get("max_mentions", 20)),
        )
