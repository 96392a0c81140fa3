"""The ``games:`` section as typed, frozen settings. Pure logic, no discord import.

Channel and role references (ids or names) are resolved by callables the cog passes in, so
this module never sees a guild object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from bot.durations import parse_seconds
from cogs.games.leveling import LevelCurve, SeasonRules, XpRules
from cogs.games.xp_engine import GuildXp

Resolve = Callable[[Any], int | None]


@dataclass(frozen=True)
class TriviaSettings:
    channels: frozenset[int]
    default_list: str
    rounds: int
    question_time: float
    hint_after: float | None
    pause: float
    max_unanswered: int
    max_score: int | None
    reveal_answer: bool
    xp_per_answer: int


@dataclass(frozen=True)
class LevelSettings:
    enabled: bool
    announce: str  # channel | dm | off
    announce_channel: int | None
    rewards: Mapping[int, int]  # level -> role id
    stack_rewards: bool


@dataclass(frozen=True)
class Challenge:
    id: str
    kind: str
    target: int
    xp: int
    channel: int | None


@dataclass(frozen=True)
class ChallengeSettings:
    enabled: bool
    challenges: tuple[Challenge, ...]
    streak_bonus: int

    @cached_property
    def kinds(self) -> frozenset[str]:
        """The kinds of step that count toward a challenge here (none when they are off).

        The message hook asks ``"messages" in kinds`` before it counts anything.
        """
        return frozenset(c.kind for c in self.challenges) if self.enabled else frozenset()


@dataclass(frozen=True)
class GamesSettings:
    enabled: bool
    trivia: TriviaSettings
    xp: GuildXp
    levels: LevelSettings
    season_channel: int | None
    challenges: ChallengeSettings


def _ids(refs: Iterable[Any] | None, resolve: Resolve) -> frozenset[int]:
    return frozenset(i for i in (resolve(r) for r in refs or ()) if i is not None)


def _factors(mapping: Mapping[Any, Any] | None, resolve: Resolve) -> dict[int, float]:
    out: dict[int, float] = {}
    for ref, factor in (mapping or {}).items():
        resolved = resolve(ref)
        if resolved is not None:
            out[resolved] = float(factor)
    return out


def parse_settings(section: Mapping[str, Any], channel: Resolve, role: Resolve) -> GamesSettings:
    """Build the settings from a validated section (defaults already merged in by core)."""
    trivia = section.get("trivia") or {}
    xp = section.get("xp") or {}
    seasons = section.get("seasons") or {}
    challenges = section.get("challenges") or {}
    hint = trivia.get("hint_after")
    curve = xp.get("curve") or {}
    rules = XpRules(
        min_xp=int(xp.get("min", 15)),
        max_xp=int(xp.get("max", 25)),
        cooldown_seconds=float(parse_seconds(str(xp.get("cooldown", "60s")))),
        ignored_channels=_ids(xp.get("ignored_channels"), channel),
        ignored_roles=_ids(xp.get("ignored_roles"), role),
        channel_multipliers=_factors(xp.get("channel_multipliers"), channel),
        role_multipliers=_factors(xp.get("role_multipliers"), role),
        ignore_duplicates=bool(xp.get("ignore_duplicates", True)),
    )
    season_rules = SeasonRules(
        mode=str(seasons.get("mode", "none")),
        start=date.fromisoformat(str(seasons.get("start", "2026-01-01"))),
        length_days=max(1, parse_seconds(str(seasons.get("length", "30d"))) // 86400),
    )
    rewards: dict[int, int] = {}
    for level, ref in (xp.get("rewards") or {}).items():
        role_id = role(ref)
        if role_id is not None:
            rewards[int(str(level))] = role_id
    return GamesSettings(
        enabled=bool(section.get("enabled", True)),
        trivia=TriviaSettings(
            channels=_ids(trivia.get("channels"), channel),
            default_list=str(trivia.get("default_list", "general-en")),
            rounds=int(trivia.get("rounds", 10)),
            question_time=float(parse_seconds(str(trivia.get("question_time", "30s")))),
            hint_after=None if hint is None else float(parse_seconds(str(hint))),
            pause=float(parse_seconds(str(trivia.get("pause", "3s")))),
            max_unanswered=int(trivia.get("max_unanswered", 3)),
            max_score=trivia.get("max_score"),
            reveal_answer=bool(trivia.get("reveal_answer", True)),
            xp_per_answer=int(trivia.get("xp_per_answer", 10)),
        ),
        xp=GuildXp(
            rules=rules,
            curve=LevelCurve(
                int(curve.get("a", 5)), int(curve.get("b", 50)), int(curve.get("c", 100))
            ),
            seasons=season_rules,
        ),
        levels=LevelSettings(
            enabled=bool(xp.get("enabled", True)),
            announce=str(xp.get("announce", "channel")),
            announce_channel=channel(xp.get("announce_channel"))
            if xp.get("announce_channel")
            else None,
            rewards=rewards,
            stack_rewards=bool(xp.get("stack_rewards", True)),
        ),
        season_channel=channel(seasons.get("announce_channel"))
        if seasons.get("announce_channel")
        else None,
        challenges=ChallengeSettings(
            enabled=bool(challenges.get("enabled", True)),
            challenges=tuple(
                Challenge(
                    id=str(c["id"]),
                    kind=str(c["kind"]),
                    target=int(c["target"]),
                    xp=int(c.get("xp", 0)),
                    channel=channel(c.get("channel")) if c.get("channel") else None,
                )
                for c in challenges.get("list") or ()
            ),
            streak_bonus=int(challenges.get("streak_bonus", 50)),
        ),
    )
