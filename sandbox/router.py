"""Route templates (`/channels/{channel_id}/messages`) and the registry of handlers."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiohttp import web

    from sandbox.sandbox import Sandbox


@dataclass
class Ctx:
    """What a handler gets: the sandbox, the parsed request and its path parameters."""

    sb: Sandbox
    request: web.Request
    params: dict[str, str]
    json: Any
    files: list[tuple[str, str, bytes, str | None]] = field(default_factory=list)

    @property
    def world(self) -> Any:
        return self.sb.world

    @property
    def query(self) -> Any:
        return self.request.query

    @property
    def reason(self) -> str | None:
        from urllib.parse import unquote

        value = self.request.headers.get("X-Audit-Log-Reason")
        return unquote(value) if value is not None else None

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            from sandbox.errors import ApiError

            raise ApiError(404, 0, "404: Not Found") from None


Handler = Callable[[Ctx], Awaitable[Any]]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    auth: bool
    pattern: re.Pattern[str]
    n_params: int


ROUTES: list[Route] = []


def route(method: str, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
    """Register a handler; the template is Discord's (and the rate-limit bucket's) route."""

    def deco(fn: Handler) -> Handler:
        regex = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
        ROUTES.append(Route(method, template, fn, auth, re.compile(regex), template.count("{")))
        return fn

    return deco


def resolve(method: str, path: str) -> tuple[Route | None, dict[str, str], str | None]:
    """The best route for a path (fewest parameters wins: `/users/@me` over `/users/{id}`).

    Returns (route, params, template); template is set even when only the method is wrong.
    """
    best: tuple[Route, dict[str, str]] | None = None
    template = None
    for r in ROUTES:
        m = r.pattern.match(path)
        if not m:
            continue
        if r.method != method:
            template = template or r.template
            continue
        if best is None or r.n_params < best[0].n_params:
            best = (r, m.groupdict())
    if best is None:
        return None, {}, template
    return best[0], best[1], best[0].template
