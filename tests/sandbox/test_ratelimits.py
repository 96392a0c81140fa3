"""The rate limiter on its own: Discord's per-channel message bucket and the global limit."""

from __future__ import annotations

from sandbox.ratelimits import RateLimitConfig, RateLimiter

MESSAGES = "/channels/{channel_id}/messages"


def test_discord_profile_allows_five_messages_per_channel_per_five_seconds() -> None:
    limiter = RateLimiter(RateLimitConfig.discord())
    verdicts = [limiter.check("POST", MESSAGES, {"channel_id": "1"}) for _ in range(6)]
    assert [v.retry_after is None for v in verdicts] == [True] * 5 + [False]
    assert [v.headers["X-RateLimit-Remaining"] for v in verdicts[:5]] == ["4", "3", "2", "1", "0"]
    assert 4.9 <= (verdicts[5].retry_after or 0) <= 5.0
    assert verdicts[5].headers["X-RateLimit-Scope"] == "user"
    # Another channel has its own bucket (same bucket hash, other major parameter).
    other = limiter.check("POST", MESSAGES, {"channel_id": "2"})
    assert other.retry_after is None
    assert other.headers["X-RateLimit-Bucket"] == verdicts[0].headers["X-RateLimit-Bucket"]


def test_global_limit_and_interaction_exemption() -> None:
    limiter = RateLimiter(RateLimitConfig(global_per_second=3, default=(100, 1.0)))
    results = [limiter.check("GET", "/guilds/{guild_id}", {"guild_id": str(i)}) for i in range(4)]
    assert results[3].is_global and results[3].retry_after is not None
    callback = "/interactions/{interaction_id}/{interaction_token}/callback"
    assert limiter.check("POST", callback, {}).retry_after is None


def test_disabled_limits_still_send_headers() -> None:
    limiter = RateLimiter(RateLimitConfig.off())
    verdicts = [limiter.check("POST", MESSAGES, {"channel_id": "1"}) for _ in range(200)]
    assert all(v.retry_after is None for v in verdicts)
    assert verdicts[-1].headers["X-RateLimit-Limit"] == "1000000"


def test_overrides_by_route() -> None:
    config = RateLimitConfig(overrides={"PUT /guilds/{guild_id}/bans/{user_id}": (1, 1.0)})
    limiter = RateLimiter(config)
    route = "/guilds/{guild_id}/bans/{user_id}"
    first = limiter.check("PUT", route, {"guild_id": "1"})
    second = limiter.check("PUT", route, {"guild_id": "1"})
    assert first.retry_after is None and second.retry_after is not None
