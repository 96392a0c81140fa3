"""Every REST request the client made, for tests to assert on and wait for."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.signal import DEFAULT_WAIT, Signal


@dataclass
class RequestRecord:
    method: str
    route: str  # the template, e.g. "/channels/{channel_id}/messages"
    path: str  # the concrete path under /api/v10
    json: Any
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.time)
    params: dict[str, str] = field(default_factory=dict)  # path parameters
    query: dict[str, str] = field(default_factory=dict)
    response: Any = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    response_headers: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str | None:
        """The X-Audit-Log-Reason header, URL-decoded."""
        from urllib.parse import unquote

        value = self.headers.get("X-Audit-Log-Reason")
        return unquote(value) if value is not None else None


class Recorder:
    """The request log, with waiting on a condition (no polling)."""

    def __init__(self) -> None:
        self.requests: list[RequestRecord] = []
        self._changed = Signal()

    def add(self, record: RequestRecord) -> None:
        self.requests.append(record)
        self._changed.notify()

    def find(
        self,
        method: str,
        route: str,
        where: Callable[[RequestRecord], bool] | None = None,
    ) -> list[RequestRecord]:
        return [
            r
            for r in self.requests
            if r.method == method.upper()
            and (r.route == route or r.path == route)
            and (where is None or where(r))
        ]

    async def wait_for(
        self,
        method: str,
        route: str,
        *,
        timeout: float = DEFAULT_WAIT,  # noqa: ASYNC109 (the documented sandbox API)
        where: Callable[[RequestRecord], bool] | None = None,
        count: int = 1,
    ) -> RequestRecord:
        """The `count`-th completed request matching; raises TimeoutError with what was seen."""
        try:
            await self._changed.wait_for(
                lambda: len(self.find(method, route, where)) >= count, timeout
            )
        except TimeoutError:
            seen = ", ".join(f"{r.method} {r.route} {r.status}" for r in self.requests[-15:])
            raise TimeoutError(
                f"no {method} {route} within {timeout}s; last requests: {seen}"
            ) from None
        return self.find(method, route, where)[count - 1]
