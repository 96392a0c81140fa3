"""Infraction points: decay over time and an escalation ladder fired once per crossing.

Pure logic, no discord import. A member's points are a balance with an anchor time: every
``every`` seconds since the anchor, ``points`` of them decay (never below zero). Adding points
first applies the decay, then reports the ladder steps whose threshold the balance crossed
upward; a step fires again only after the balance fell back below it and crossed once more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.durations import parse_seconds


@dataclass(frozen=True, slots=True)
class Decay:
    """``points`` forgiven every ``every`` seconds (0 points: no decay)."""

    points: int = 1
    every: int = 7 * 86400


@dataclass(frozen=True, slots=True)
class Step:
    """At ``at`` points, apply ``action`` (warn, timeout, kick, ban) for ``duration`` seconds."""

    at: int
    action: str
    duration: int | None = None


@dataclass(frozen=True, slots=True)
class PointsPolicy:
    """The ``policies.points`` section."""

    warn: int = 1
    decay: Decay = Decay()
    ladder: tuple[Step, ...] = ()

    @classmethod
    def from_section(cls, raw: dict[str, Any] | None) -> PointsPolicy:
        """Build from a (schema-valid) ``points`` mapping."""
        raw = raw or {}
        decay_raw = raw.get("decay") or {}
        decay = Decay(
            int(decay_raw.get("points", 1)),
            parse_seconds(decay_raw["every"]) if decay_raw.get("every") else 7 * 86400,
        )
        steps = tuple(
            sorted(
                (
                    Step(
                        int(s["at"]),
                        str(s["action"]),
                        parse_seconds(s["duration"]) if s.get("duration") else None,
                    )
                    for s in raw.get("ladder") or ()
                ),
                key=lambda s: s.at,
            )
        )
        return cls(int(raw.get("warn", 1)), decay, steps)


@dataclass(frozen=True, slots=True)
class Balance:
    """A member's points at ``anchor`` (epoch seconds); decay counts from the anchor."""

    points: int = 0
    anchor: float = 0.0


def current(balance: Balance, now: float, decay: Decay) -> Balance:
    """The balance after decay up to ``now``; the anchor keeps partial progress to the next step."""
    if balance.points <= 0:
        return Balance(0, now)
    if decay.points <= 0 or decay.every <= 0 or now <= balance.anchor:
        return balance
    steps = int((now - balance.anchor) // decay.every)
    if steps <= 0:
        return balance
    left = balance.points - steps * decay.points
    if left <= 0:
        return Balance(0, now)
    return Balance(left, balance.anchor + steps * decay.every)


def add(
    balance: Balance, amount: int, now: float, policy: PointsPolicy
) -> tuple[Balance, Step | None]:
    """Add ``amount`` points (negative to pardon) at ``now``.

    Returns the new balance and the ladder step to apply: the highest step whose threshold was
    crossed upward by this change, or None. Crossing several steps at once applies only the
    harshest, so a member is never both kicked and banned by one warning.
    """
    before = current(balance, now, policy.decay)
    total = max(0, before.points + amount)
    after = Balance(total, before.anchor if before.points else now)
    crossed = [s for s in policy.ladder if before.points < s.at <= total]
    return after, (crossed[-1] if crossed else None)
