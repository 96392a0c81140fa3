"""Faults tests inject into REST answers: 429s, errors, 5xx, slowness."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Fault:
    kind: str  # "rate_limit" | "error" | "slow"
    method: str | None  # None: any method
    template: str  # "*" : any route
    times: int | None  # None: forever
    status: int = 0
    code: int = 0
    message: str = ""
    retry_after: float = 0.0
    is_global: bool = False
    seconds: float = 0.0

    def matches(self, method: str, template: str) -> bool:
        return (self.method in (None, method)) and self.template in ("*", template)


def _parse(route: str) -> tuple[str | None, str]:
    """'POST /channels/{channel_id}/messages' -> ('POST', template); '/x' -> (None, '/x')."""
    route = route.strip()
    if " " in route:
        method, template = route.split(None, 1)
        return method.upper(), template.removeprefix("/api/v10")
    return None, route.removeprefix("/api/v10")


class Faults:
    """`sb.faults`: each call arms a fault for the next `times` matching requests."""

    def __init__(self) -> None:
        self.armed: list[Fault] = []

    def rate_limit(
        self, route: str = "*", *, times: int = 1, retry_after: float = 0.2, global_: bool = False
    ) -> Fault:
        method, template = _parse(route)
        fault = Fault(
            "rate_limit",
            method,
            template,
            times,
            status=429,
            retry_after=retry_after,
            is_global=global_,
        )
        self.armed.append(fault)
        return fault

    def error(
        self,
        route: str,
        *,
        status: int = 403,
        code: int = 50013,
        times: int | None = 1,
        message: str | None = None,
    ) -> Fault:
        method, template = _parse(route)
        default = {403: "Missing Permissions", 404: "Unknown", 400: "Bad Request"}
        fault = Fault(
            "error",
            method,
            template,
            times,
            status=status,
            code=code,
            message=message or default.get(status, f"{status}: error"),
        )
        self.armed.append(fault)
        return fault

    def server_error(self, route: str, *, status: int = 502, times: int | None = 1) -> Fault:
        """A 5xx; note discord.py retries those after 1 + 2·n seconds (up to 5 tries)."""
        method, template = _parse(route)
        fault = Fault(
            "error",
            method,
            template,
            times,
            status=status,
            code=0,
            message=f"{status}: Server Error",
        )
        self.armed.append(fault)
        return fault

    def slow(self, route: str, *, seconds: float, times: int | None = None) -> Fault:
        method, template = _parse(route)
        fault = Fault("slow", method, template, times, seconds=seconds)
        self.armed.append(fault)
        return fault

    def clear(self) -> None:
        self.armed.clear()

    def take(self, method: str, template: str) -> list[Fault]:
        """The faults that apply to this request, consuming one use of each."""
        hits: list[Fault] = []
        for fault in list(self.armed):
            if not fault.matches(method, template):
                continue
            # At most one answer-changing fault per request; slowness adds to it.
            if fault.kind != "slow" and any(h.kind != "slow" for h in hits):
                continue
            hits.append(fault)
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.armed.remove(fault)
        return hits
