"""What the engine reads (MessageFacts) and what it answers (Hit, Verdict).

Pure logic, no discord import: the cog builds MessageFacts from a discord.Message, replay
builds them from an export, and both read the Verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .actions import EMPTY_PLAN, ActionPlan


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What the engine needs to know about a message (or a member's name), nothing discord."""

    guild_id: int
    channel_id: int
    author_id: int
    content: str
    created_at: float  # epoch seconds
    message_id: int = 0
    channel_name: str = ""
    category_id: int | None = None
    category_name: str = ""
    role_ids: frozenset[int] = frozenset()
    role_names: frozenset[str] = frozenset()
    is_bot: bool = False
    is_staff: bool = False
    account_created: float | None = None
    joined_at: float | None = None
    mentions: int = 0  # distinct users and roles mentioned (+1 for @everyone/@here)
    attachments: tuple[str, ...] = ()  # file names
    known_invites: Mapping[str, int] = field(default_factory=dict)  # code -> guild id


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule that fired: which trigger, and the matched part (normalized when a word)."""

    rule: str
    trigger: str
    matched: str
    enforced: bool
    points: int = 0


@dataclass(frozen=True, slots=True)
class Verdict:
    """Every rule that fired on one event and the merged plan of the enforced ones."""

    hits: tuple[Hit, ...] = ()
    plan: ActionPlan = EMPTY_PLAN
    points: int = 0
    related: tuple[tuple[int, int], ...] = ()  # (channel_id, message_id) of a spam burst
    excerpt: str = ""

    def __bool__(self) -> bool:
        return bool(self.hits)

    @property
    def rules(self) -> tuple[str, ...]:
        """Names of the rules that fired."""
        return tuple(h.rule for h in self.hits)


CLEAN = Verdict()
