"""Interaction records: what a member triggered and how the bot answered it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sandbox.signal import DEFAULT_WAIT, Signal

if TYPE_CHECKING:
    from sandbox.models import Message, User
    from sandbox.recorder import RequestRecord

T = TypeVar("T")

PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 1, 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
LOADING_FLAG = 128


@dataclass
class InteractionResponse:
    """The bot's first callback. Message fields read the current state of the message
    the callback created or updated (a deferred answer fills in when @original is edited)."""

    type: int
    data: dict[str, Any]
    message: Message | None = None

    @property
    def ephemeral(self) -> bool:
        if self.message is not None:
            return self.message.ephemeral
        return bool((self.data.get("flags") or 0) & 64)

    @property
    def content(self) -> str:
        return self.message.content if self.message is not None else self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message is not None else self.data.get("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        if self.message is not None:
            return self.message.components
        return self.data.get("components") or []

    @property
    def attachments(self) -> list[tuple[str, bytes]]:
        if self.message is None:
            return []
        return [(a.filename, a.data) for a in self.message.attachments]

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.data if self.type == MODAL else None

    @property
    def choices(self) -> list[dict[str, Any]]:
        return self.data.get("choices") or [] if self.type == AUTOCOMPLETE_RESULT else []

    @property
    def deferred(self) -> bool:
        return self.type in (DEFERRED_MESSAGE, DEFERRED_UPDATE)


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int
    user: User
    payload: dict[str, Any]  # the INTERACTION_CREATE data as sent
    changed: Signal
    message: Message | None = None  # the message a component lives on
    created: float = field(default_factory=time.monotonic)
    first: InteractionResponse | None = None
    original: Message | None = None  # what @original designates
    followup_messages: list[Message] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)  # every call with its token

    @property
    def ephemeral(self) -> bool:
        return self.first.ephemeral if self.first is not None else False

    async def _wait(self, predicate: Callable[[], T | None], timeout: float, what: str) -> T:  # noqa: ASYNC109 (the documented sandbox API)
        try:
            return await self.changed.wait_for(predicate, timeout, what)
        except TimeoutError:
            raise TimeoutError(
                f"no {what} to interaction {self.id} within {timeout}s; {self.describe()}"
            ) from None

    def describe(self) -> str:
        """What the bot did with this interaction so far (for timeout messages)."""
        first = "no response" if self.first is None else f"first response type {self.first.type}"
        calls = ", ".join(
            f"{r.method} {r.route.split('/')[-1] or r.route} -> {r.status}"
            + (f" {r.response}" if r.status >= 400 and r.response else "")
            for r in self.requests
        )
        return f"{first}, {len(self.followup_messages)} follow-up(s); requests: {calls or 'none'}"

    async def response(self, timeout: float = DEFAULT_WAIT) -> InteractionResponse:  # noqa: ASYNC109 (the documented sandbox API)
        """The first callback (type 4, 5, 6, 7, 8 or 9)."""
        return await self._wait(lambda: self.first, timeout, "response")

    async def followups(self, n: int = 1, timeout: float = DEFAULT_WAIT) -> list[Message]:  # noqa: ASYNC109 (the documented sandbox API)
        """The first `n` follow-up messages."""
        return await self._wait(
            lambda: self.followup_messages[:n] if len(self.followup_messages) >= n else None,
            timeout,
            f"{n} follow-up(s)",
        )

    async def answer(self, timeout: float = DEFAULT_WAIT) -> InteractionResponse | Message:  # noqa: ASYNC109 (the documented sandbox API)
        """What the person reads: the first callback, or the first follow-up after a defer."""
        first = await self.response(timeout)
        return (await self.followups(1, timeout))[0] if first.deferred else first

    async def final(self, timeout: float = DEFAULT_WAIT) -> Message:  # noqa: ASYNC109 (the documented sandbox API)
        """The original response message once it is no longer 'thinking' (after a defer)."""

        def done() -> Message | None:
            msg = self.original
            if msg is None or msg.flags & LOADING_FLAG:
                return None
            if (
                self.first is not None
                and self.first.type == DEFERRED_UPDATE
                and msg.edited_timestamp is None
            ):
                return None
            return msg

        return await self._wait(done, timeout, "final response")
