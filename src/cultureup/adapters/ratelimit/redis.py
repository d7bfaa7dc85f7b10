"""A rate limiter in Redis, so that every server process and host shares one budget."""

from __future__ import annotations

from datetime import datetime, timedelta

import redis

from cultureup.adapters.ratelimit.memory import decide, window_bounds
from cultureup.application.views import RateDecision

PREFIX = "cultureup:rate:"


class RedisRateLimiter:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    @classmethod
    def from_url(cls, url: str) -> RedisRateLimiter:
        return cls(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))

    def _key(self, key: str, window: timedelta, now: datetime) -> tuple[str, int]:
        number, retry_after = window_bounds(window, now)
        return f"{PREFIX}{key}:{int(window.total_seconds())}:{number}", retry_after

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> RateDecision:
        name, retry_after = self._key(key, window, now)
        pipe = self._redis.pipeline(transaction=True)
        pipe.incr(name)
        pipe.expire(name, int(window.total_seconds()) + 60)
        count, _ = pipe.execute()
        return decide(int(count), limit, retry_after)

    def peek(self, key: str, *, limit: int, window: timedelta, now: datetime) -> RateDecision:
        name, retry_after = self._key(key, window, now)
        count = int(self._redis.get(name) or 0)
        return decide(count + 1, limit, retry_after)

    def reset(self, key: str, *, window: timedelta, now: datetime) -> None:
        name, _ = self._key(key, window, now)
        self._redis.delete(name)
