"""The `RateLimiter` port on the `limits` library's moving-window strategy: at most `limit`
events per key in any `window`-long span, counted exactly (one timestamp per event), in the
storage the limiter is built with."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from cultureup.adapters.ratelimit.sqlite import SqliteMovingWindowStorage
from cultureup.application.views import RateDecision

REDIS_PREFIX = "cultureup:rate"
NAMESPACE = "cultureup"


class LimitsRateLimiter:
    def __init__(self, storage: Any, *, now: Callable[[], float] = time.time) -> None:
        """`now` must be the time source `storage` counts in (it dates Retry-After)."""
        self._storage = storage
        self._strategy = MovingWindowRateLimiter(storage)
        self._now = now

    @classmethod
    def in_file(cls, path: str | Path, *, clock: Callable[[], float] = time.time
                ) -> LimitsRateLimiter:
        """Shared by every process on this machine that uses the same file."""
        return cls(SqliteMovingWindowStorage(path, clock=clock), now=clock)

    @classmethod
    def in_redis(cls, url: str) -> LimitsRateLimiter:
        """Shared by every process and host using this Redis database."""
        return cls(RedisStorage(url, key_prefix=REDIS_PREFIX, socket_timeout=2,
                                socket_connect_timeout=2))

    @classmethod
    def in_memory(cls) -> LimitsRateLimiter:
        """Counted in this process alone."""
        return cls(MemoryStorage())

    @property
    def storage(self) -> Any:
        return self._storage

    def close(self) -> None:
        """Release the storage's connection, where it holds one."""
        if isinstance(self._storage, SqliteMovingWindowStorage):
            self._storage.close()

    def hit(self, key: str, *, limit: int, window: timedelta) -> RateDecision:
        item = _item(limit, window)
        allowed = self._strategy.hit(item, key)
        return self._decision(item, key, allowed=allowed)

    def peek(self, key: str, *, limit: int, window: timedelta) -> RateDecision:
        item = _item(limit, window)
        allowed = self._strategy.test(item, key)
        return self._decision(item, key, allowed=allowed)

    def reset(self, key: str, *, limit: int, window: timedelta) -> None:
        self._strategy.clear(_item(limit, window), key)

    def _decision(self, item: RateLimitItemPerSecond, key: str, *,
                  allowed: bool) -> RateDecision:
        reset_at, remaining = self._strategy.get_window_stats(item, key)
        retry_after = 0 if allowed else max(1, math.ceil(reset_at - self._now()))
        return RateDecision(allowed=allowed, limit=item.amount, remaining=max(0, remaining),
                            retry_after=retry_after)


def _item(limit: int, window: timedelta) -> RateLimitItemPerSecond:
    return RateLimitItemPerSecond(limit, max(1, int(window.total_seconds())),
                                  namespace=NAMESPACE)
