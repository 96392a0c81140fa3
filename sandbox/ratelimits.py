"""Per-route buckets and the global limit, with Discord's headers and 429 bodies."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RateLimitConfig:
    """Limits as (requests, per seconds). `enabled=False` never answers 429 (headers still sent).

    `discord()` is close to Discord's real numbers (5 messages per 5 s per channel);
    `relaxed()` (the default) keeps the buckets and headers but is high enough that tests
    which create many messages never wait.
    """

    enabled: bool = True
    messages_per_channel: tuple[int, float] = (50, 1.0)
    reactions: tuple[int, float] = (50, 1.0)
    default: tuple[int, float] = (50, 1.0)
    global_per_second: int = 500
    overrides: dict[str, tuple[int, float]] = field(default_factory=dict)  # "METHOD /template"

    @classmethod
    def relaxed(cls) -> RateLimitConfig:
        return cls()

    @classmethod
    def discord(cls) -> RateLimitConfig:
        return cls(
            messages_per_channel=(5, 5.0),
            reactions=(1, 0.25),
            default=(10, 10.0),
            global_per_second=50,
        )

    @classmethod
    def off(cls) -> RateLimitConfig:
        # Headers still come, with a limit so high that discord.py never paces itself.
        huge = (1_000_000, 1.0)
        return cls(enabled=False, messages_per_channel=huge, reactions=huge, default=huge)

    def limit_for(self, method: str, template: str) -> tuple[int, float]:
        key = f"{method} {template}"
        if key in self.overrides:
            return self.overrides[key]
        if method == "POST" and template == "/channels/{channel_id}/messages":
            return self.messages_per_channel
        if "/reactions/" in template:
            return self.reactions
        return self.default


@dataclass
class _Window:
    limit: int
    per: float
    started: float
    count: int = 0

    def reset_at(self) -> float:
        return self.started + self.per


@dataclass(frozen=True)
class Verdict:
    """The headers to send, and the retry delay when the request is refused."""

    headers: dict[str, str]
    retry_after: float | None = None
    is_global: bool = False


# Routes Discord exempts from the global limit (interaction callbacks and webhooks by token).
_GLOBAL_EXEMPT = ("/interactions/", "/webhooks/")
_MAJOR = ("channel_id", "guild_id", "webhook_id", "webhook_token")


class RateLimiter:
    def __init__(self, config: RateLimitConfig) -> None:
        self.config = config
        self._windows: dict[tuple[str, str], _Window] = {}
        self._global: _Window | None = None

    def check(self, method: str, template: str, params: dict[str, str]) -> Verdict:
        now = time.time()
        limit, per = self.config.limit_for(method, template)
        bucket = hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]
        major = ":".join(params.get(k, "") for k in _MAJOR)
        key = (bucket, major)
        win = self._windows.get(key)
        if win is None or now >= win.reset_at():
            win = self._windows[key] = _Window(limit=limit, per=per, started=now)
        if self.config.enabled and not template.startswith(_GLOBAL_EXEMPT):
            glob = self._global
            if glob is None or now >= glob.reset_at():
                glob = self._global = _Window(self.config.global_per_second, 1.0, now)
            if glob.count >= glob.limit:
                retry = round(glob.reset_at() - now, 3)
                return Verdict(
                    {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"},
                    retry_after=max(retry, 0.001),
                    is_global=True,
                )
            glob.count += 1
        # Interaction callbacks have no per-route limit worth modelling.
        refused = (
            self.config.enabled
            and win.count >= win.limit
            and not template.startswith("/interactions/")
        )
        if not refused:
            win.count += 1
        reset_after = max(win.reset_at() - now, 0.0)
        headers = {
            "X-RateLimit-Limit": str(win.limit),
            "X-RateLimit-Remaining": str(max(win.limit - win.count, 0)),
            "X-RateLimit-Reset": f"{win.reset_at():.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }
        if refused:
            headers["X-RateLimit-Scope"] = "user"
            return Verdict(headers, retry_after=max(round(reset_after, 3), 0.001))
        return Verdict(headers)
