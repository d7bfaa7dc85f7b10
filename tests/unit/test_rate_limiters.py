"""Fixed-window rate limiters: in process memory, and in Redis (the real server, db 5) where
every process shares one budget. Both must behave alike."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cultureup.adapters.ratelimit import memory
from cultureup.adapters.ratelimit.memory import InMemoryRateLimiter, window_bounds
from cultureup.adapters.ratelimit.redis import PREFIX, RedisRateLimiter
from cultureup.application.ports import RateLimiter

REDIS_URL = "redis://127.0.0.1:6379/5"
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # on a window boundary


@pytest.fixture(scope="module")
def redis_client() -> Iterator[Any]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(params=["memory", "redis"])
def make_limiter(request: pytest.FixtureRequest) -> Callable[[], RateLimiter]:
    """A factory: several limiters from it share state the way their backend does."""
    if request.param == "memory":
        shared = InMemoryRateLimiter()
        return lambda: shared
    client = request.getfixturevalue("redis_client")
    client.flushdb()
    return lambda: RedisRateLimiter(client)


@pytest.fixture
def limiter(make_limiter: Callable[[], RateLimiter]) -> RateLimiter:
    return make_limiter()


# -- window arithmetic ------------------------------------------------------------------------


def test_window_bounds() -> None:
    number, left = window_bounds(HOUR, START)
    assert number == int(START.timestamp()) // 3600 and left == 3600
    assert window_bounds(HOUR, START + timedelta(minutes=59, seconds=59)) == (number, 1)
    assert window_bounds(HOUR, START + timedelta(minutes=59, seconds=59.5)) == (number, 1)
    assert window_bounds(HOUR, START + HOUR) == (number + 1, 3600)
    assert window_bounds(HOUR, START + timedelta(seconds=0.5)) == (number, 3600)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=7200))
def test_retry_after_is_the_rest_of_the_window(offset: int, length: int) -> None:
    now = START + timedelta(seconds=offset)
    number, left = window_bounds(timedelta(seconds=length), now)
    assert 1 <= left <= length
    assert int(now.timestamp()) + left == (number + 1) * length


# -- both backends ----------------------------------------------------------------------------


def test_hits_up_to_the_limit_are_allowed(limiter: RateLimiter) -> None:
    decisions = [limiter.hit("k", limit=3, window=MINUTE, now=START) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]
    assert all(d.limit == 3 for d in decisions)
    assert [d.retry_after for d in decisions] == [0, 0, 0, 60, 60]


def test_retry_after_counts_down_to_the_window_end(limiter: RateLimiter) -> None:
    for _ in range(2):
        limiter.hit("k", limit=1, window=HOUR, now=START)
    late = limiter.hit("k", limit=1, window=HOUR, now=START + timedelta(minutes=45))
    assert not late.allowed and late.retry_after == 15 * 60
    last = limiter.hit("k", limit=1, window=HOUR,
                       now=START + timedelta(minutes=59, seconds=59, microseconds=900_000))
    assert not last.allowed and last.retry_after == 1


def test_a_new_window_starts_a_new_count(limiter: RateLimiter) -> None:
    end = START + timedelta(seconds=59, microseconds=999_999)
    for _ in range(3):
        limiter.hit("k", limit=2, window=MINUTE, now=START)
    assert not limiter.hit("k", limit=2, window=MINUTE, now=end).allowed
    fresh = limiter.hit("k", limit=2, window=MINUTE, now=START + MINUTE)
    assert fresh.allowed and fresh.remaining == 1


def test_windows_are_fixed_not_sliding(limiter: RateLimiter) -> None:
    # Two hits at the very end of one window and two at the start of the next: all allowed.
    end = START + timedelta(seconds=59)
    assert all(limiter.hit("k", limit=2, window=MINUTE, now=end).allowed for _ in range(2))
    assert all(limiter.hit("k", limit=2, window=MINUTE, now=START + MINUTE).allowed
               for _ in range(2))
    assert not limiter.hit("k", limit=2, window=MINUTE, now=START + MINUTE).allowed


def test_peek_does_not_count(limiter: RateLimiter) -> None:
    for _ in range(10):
        assert limiter.peek("k", limit=2, window=MINUTE, now=START).allowed
    limiter.hit("k", limit=2, window=MINUTE, now=START)
    peeked = limiter.peek("k", limit=2, window=MINUTE, now=START)
    assert peeked.allowed and peeked.remaining == 0
    limiter.hit("k", limit=2, window=MINUTE, now=START)
    refused = limiter.peek("k", limit=2, window=MINUTE, now=START + timedelta(seconds=20))
    assert not refused.allowed and refused.retry_after == 40


def test_reset_clears_the_current_window(limiter: RateLimiter) -> None:
    for _ in range(3):
        limiter.hit("k", limit=2, window=MINUTE, now=START)
    limiter.reset("k", window=MINUTE, now=START + timedelta(seconds=30))
    assert limiter.peek("k", limit=2, window=MINUTE, now=START).allowed
    assert limiter.hit("k", limit=2, window=MINUTE, now=START).remaining == 1
    limiter.reset("never-used", window=MINUTE, now=START)


def test_keys_are_independent(limiter: RateLimiter) -> None:
    for _ in range(3):
        limiter.hit("a", limit=2, window=MINUTE, now=START)
    assert limiter.hit("b", limit=2, window=MINUTE, now=START).allowed
    limiter.reset("b", window=MINUTE, now=START)
    assert not limiter.peek("a", limit=2, window=MINUTE, now=START).allowed


def test_limiters_of_one_backend_share_the_budget(
        make_limiter: Callable[[], RateLimiter]) -> None:
    first, second = make_limiter(), make_limiter()
    assert first.hit("k", limit=2, window=MINUTE, now=START).allowed
    assert second.hit("k", limit=2, window=MINUTE, now=START).allowed
    assert not first.hit("k", limit=2, window=MINUTE, now=START).allowed
    assert not second.peek("k", limit=2, window=MINUTE, now=START).allowed


def test_concurrent_hits_are_counted_exactly(limiter: RateLimiter) -> None:
    threads, per_thread, limit = 8, 50, 123
    barrier = threading.Barrier(threads)

    def burst(_: int) -> int:
        barrier.wait()
        return sum(limiter.hit("k", limit=limit, window=HOUR, now=START).allowed
                   for _ in range(per_thread))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        allowed = sum(pool.map(burst, range(threads)))
    assert allowed == limit
    final = limiter.peek("k", limit=10**6, window=HOUR, now=START)
    assert final.remaining == 10**6 - threads * per_thread - 1


@settings(max_examples=50, deadline=None)
@given(limit=st.integers(min_value=1, max_value=20), hits=st.integers(min_value=0, max_value=40))
def test_in_memory_decisions_follow_the_count(limit: int, hits: int) -> None:
    limiter = InMemoryRateLimiter()
    for n in range(1, hits + 1):
        decision = limiter.hit("k", limit=limit, window=HOUR, now=START)
        assert decision.allowed == (n <= limit)
        assert decision.remaining == max(0, limit - n)


# -- backend specifics ------------------------------------------------------------------------


def test_in_memory_forgets_old_windows_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "MAX_KEYS", 3)
    limiter = InMemoryRateLimiter()
    for n in range(5):
        limiter.hit(f"k{n}", limit=1, window=MINUTE, now=START)
    limiter.hit("k0", limit=1, window=MINUTE, now=START + MINUTE)
    limiter.hit("k1", limit=1, window=MINUTE, now=START + MINUTE)
    # The dict was over the limit at that hit, so the past window was dropped.
    assert all(number >= window_bounds(MINUTE, START + MINUTE)[0]
               for _, number in limiter._counts)
    # The current window keeps counting.
    assert not limiter.hit("k0", limit=1, window=MINUTE, now=START + MINUTE).allowed


def test_redis_keys_are_namespaced_and_expire(redis_client: Any) -> None:
    redis_client.flushdb()
    limiter = RedisRateLimiter(redis_client)
    limiter.hit("requests:client:192.0.2.1", limit=5, window=HOUR, now=START)
    (key,) = redis_client.keys("*")
    number = window_bounds(HOUR, START)[0]
    assert key.decode() == f"{PREFIX}requests:client:192.0.2.1:3600:{number}"
    assert 0 < redis_client.ttl(key) <= 3600 + 60
    limiter.reset("requests:client:192.0.2.1", window=HOUR, now=START)
    assert redis_client.keys("*") == []


def test_redis_limiter_from_url_talks_to_the_same_database(redis_client: Any) -> None:
    redis_client.flushdb()
    from_url = RedisRateLimiter.from_url(REDIS_URL)
    from_url.hit("k", limit=1, window=MINUTE, now=START)
    assert not RedisRateLimiter(redis_client).hit("k", limit=1, window=MINUTE, now=START).allowed
