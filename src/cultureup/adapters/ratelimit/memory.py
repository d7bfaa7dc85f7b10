"""A rate limiter inside one process: exact there, but each server process has its own."""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta

from cultureup.application.views import RateDecision

MAX_KEYS = 200_000


def window_bounds(window: timedelta, now: datetime) -> tuple[int, int]:
    """The number of the current fixed window and the seconds until it ends."""
    length = max(1, int(window.total_seconds()))
    stamp = now.timestamp()
    number = int(stamp // length)
    return number, max(1, math.ceil((number + 1) * length - stamp))


def decide(count: int, limit: int, retry_after: int) -> RateDecision:
    allowed = count <= limit
    return RateDecision(allowed=allowed, limit=limit, remaining=max(0, limit - count),
                        retry_after=0 if allowed else retry_after)


class InMemoryRateLimiter:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: timedelta, now: datetime) -> RateDecision:
        number, retry_after = window_bounds(window, now)
        with self._lock:
            if len(self._counts) > MAX_KEYS:
                self._forget_old(number)
            count = self._counts.get((key, number), 0) + 1
            self._counts[(key, number)] = count
        return decide(count, limit, retry_after)

    def peek(self, key: str, *, limit: int, window: timedelta, now: datetime) -> RateDecision:
        number, retry_after = window_bounds(window, now)
        with self._lock:
            count = self._counts.get((key, number), 0)
        return decide(count + 1, limit, retry_after)

    def reset(self, key: str, *, window: timedelta, now: datetime) -> None:
        number, _ = window_bounds(window, now)
        with self._lock:
            self._counts.pop((key, number), None)

    def _forget_old(self, current: int) -> None:
        # Windows of different lengths share the dict; drop everything not current.
        self._counts = {k: v for k, v in self._counts.items() if k[1] >= current}
