"""Fixed-window rate limits on Django's cache (shared between processes on Redis)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache


class RateLimited(Exception):
    """Raised by services when a caller is over a limit; the message is for people."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RateLimit:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window resets (0 when allowed)


def rate_limit_check(*, key: str, limit: int, window: int) -> RateLimit:
    """Count one use of `key` in a fixed window of `window` seconds (Django's cache, so
    shared between processes on Redis). Allowed while the count is ≤ limit."""
    if limit <= 0 or window <= 0:
        raise ValueError("A rate limit needs a positive limit and window.")
    slot = int(time.time() // window)
    cache_key = f"ratelimit:{key}:{window}:{slot}"
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 1)
            count = 1
    retry = 0 if count <= limit else int((slot + 1) * window - time.time()) + 1
    return RateLimit(allowed=count <= limit, count=count, limit=limit, retry_after=retry)


def rate_limit_keys(*, scope: str, user: Any, ip: str | None) -> list[str]:
    keys = []
    if user is not None and getattr(user, "is_authenticated", False):
        keys.append(f"{scope}:user:{user.pk}")
    if ip:
        keys.append(f"{scope}:ip:{ip}")
    return keys


def rate_limit_command(*, user: Any, ip: str | None) -> RateLimit:
    """Director commands: per user and per IP."""
    return _limit_all(
        "command",
        user,
        ip,
        getattr(settings, "MODERATION_COMMANDS_PER_MINUTE", 30),
        60,
    )


def rate_limit_world_create(*, user: Any, ip: str | None) -> RateLimit:
    """World creation: per user and per IP, per hour."""
    return _limit_all(
        "world-create",
        user,
        ip,
        getattr(settings, "MODERATION_WORLDS_PER_HOUR", 20),
        3600,
    )


def _limit_all(scope: str, user: Any, ip: str | None, limit: int, window: int) -> RateLimit:
    worst = RateLimit(True, 0, limit, 0)
    for key in rate_limit_keys(scope=scope, user=user, ip=ip):
        result = rate_limit_check(key=key, limit=limit, window=window)
        if not result.allowed or result.count > worst.count:
            worst = result if (not result.allowed or worst.allowed) else worst
    return worst
