"""What a rule does when it fires, and how several rules' actions merge into one plan.

Pure logic, no discord import. When several rules match one message, each action runs once:
the message is deleted once, moderators are alerted once, and among warn < timeout < kick <
ban only the harshest punishment is applied (the longest timeout, a permanent ban over a
temporary one, the largest message purge).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# Discord refuses a timeout of 28 days or more; keep a minute of margin for clock skew.
MAX_TIMEOUT_SECONDS = 28 * 86400 - 60
# Discord purges at most 7 days of messages on ban.
MAX_PURGE_SECONDS = 7 * 86400

SIMPLE_ACTIONS = ("delete", "warn", "kick", "ban", "alert", "log")
PARAM_ACTIONS = ("timeout", "ban", "add_role", "remove_role")
PUNISHMENT_RANK = {"warn": 1, "timeout": 2, "kick": 3, "ban": 4}


@dataclass(frozen=True, slots=True)
class Action:
    """One configured action: ``kind`` plus its parameters (seconds, role id or name)."""

    kind: str
    duration: int | None = None  # timeout length, or temporary ban length (None: permanent)
    purge: int = 0  # ban: seconds of the member's messages to delete
    role: str | None = None  # add_role / remove_role: id or exact name


@dataclass(frozen=True, slots=True)
class Punishment:
    """The single punishment of a plan: warn, timeout, kick or ban."""

    kind: str
    duration: int | None = None
    purge: int = 0

    def severity(self) -> tuple[int, float]:
        """Comparable harshness: kind first, then length (a permanent ban is the longest)."""
        length = float("inf") if self.kind == "ban" and self.duration is None else self.duration
        return PUNISHMENT_RANK[self.kind], float(length or 0)


@dataclass(frozen=True, slots=True)
class ActionPlan:
    """Merged actions for one event: everything the cog will do, each at most once."""

    delete: bool = False
    punishment: Punishment | None = None
    add_roles: frozenset[str] = field(default_factory=frozenset)
    remove_roles: frozenset[str] = field(default_factory=frozenset)
    alert: bool = False
    log: bool = False

    @property
    def empty(self) -> bool:
        """True when there is nothing to do."""
        return not (
            self.delete
            or self.punishment
            or self.add_roles
            or self.remove_roles
            or self.alert
            or self.log
        )

    def describe(self) -> list[str]:
        """Short stable tokens for logs, tests and ``/policy test`` (e.g. ``timeout:3600``)."""
        out = []
        if self.delete:
            out.append("delete")
        if self.punishment:
            p = self.punishment
            token = p.kind
            if p.duration is not None:
                token += f":{p.duration}"
            if p.purge:
                token += f":purge={p.purge}"
            out.append(token)
        out += [f"add_role:{r}" for r in sorted(self.add_roles)]
        out += [f"remove_role:{r}" for r in sorted(self.remove_roles)]
        if self.alert:
            out.append("alert")
        if self.log:
            out.append("log")
        return out


def clamp_timeout(seconds: int) -> int:
    """A timeout length Discord accepts (at least a minute, below 28 days)."""
    return max(60, min(int(seconds), MAX_TIMEOUT_SECONDS))


def _harsher(a: Punishment | None, b: Punishment) -> Punishment:
    if a is None:
        return b
    if b.severity() > a.severity():
        winner = b
    else:
        winner = a
    if winner.kind == "ban":
        # A merged ban purges as much as any ban asked for.
        purge = max(a.purge if a.kind == "ban" else 0, b.purge if b.kind == "ban" else 0)
        return Punishment("ban", winner.duration, purge)
    return winner


def merge(actions: Iterable[Action]) -> ActionPlan:
    """Merge the actions of every rule that fired into one plan (harshest punishment wins)."""
    delete = alert = log = False
    punishment: Punishment | None = None
    add: set[str] = set()
    remove: set[str] = set()
    for action in actions:
        kind = action.kind
        if kind == "delete":
            delete = True
        elif kind == "alert":
            alert = True
        elif kind == "log":
            log = True
        elif kind == "add_role" and action.role:
            add.add(action.role)
        elif kind == "remove_role" and action.role:
            remove.add(action.role)
        elif kind in PUNISHMENT_RANK:
            duration = action.duration
            if kind == "timeout":
                duration = clamp_timeout(duration or 3600)
            purge = min(action.purge, MAX_PURGE_SECONDS) if kind == "ban" else 0
            punishment = _harsher(punishment, Punishment(kind, duration, purge))
    # Adding and removing the same role cancel out rather than flapping.
    both = add & remove
    return ActionPlan(
        delete=delete,
        punishment=punishment,
        add_roles=frozenset(add - both),
        remove_roles=frozenset(remove - both),
        alert=alert,
        log=log,
    )


EMPTY_PLAN = ActionPlan()
