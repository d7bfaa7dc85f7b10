"""The rate limiter adapter: the `limits` library's moving window over a SQLite file (the
default: shared by every process of one machine), Redis (db 7 of the local server, shared by
every host) or process memory. The file storage runs on the injected clock, so its windows are
tested exactly; the library's own storages count in real time and are tested by counts."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cultureup.adapters.ratelimit.moving_window import REDIS_PREFIX, LimitsRateLimiter
from cultureup.adapters.ratelimit.sqlite import SqliteMovingWindowStorage
from cultureup.application.ports import RateLimiter
from tests.unit.fakes import FakeClock, FakeRateLimiter

REDIS_URL = "redis://127.0.0.1:6379/7"
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def file_limiter(path: Path | str, clock: FakeClock) -> LimitsRateLimiter:
    return LimitsRateLimiter.in_file(path, clock=lambda: clock.now().timestamp())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture(params=["file", "sqlite-memory", "fake"])
def limiter(request: pytest.FixtureRequest, clock: FakeClock, tmp_path: Path
            ) -> Iterator[RateLimiter]:
    """Every limiter on the injected clock; the fake must decide like the real one."""
    if request.param == "fake":
        yield FakeRateLimiter(clock)
        return
    path = tmp_path / "limits.sqlite3" if request.param == "file" else ":memory:"
    real = file_limiter(path, clock)
    yield real
    real.close()


# -- sliding windows on the injected clock ----------------------------------------------------


def test_hits_up_to_the_limit_are_allowed_and_refusals_are_not_counted(
        limiter: RateLimiter, clock: FakeClock) -> None:
    decisions = [limiter.hit("k", limit=3, window=MINUTE) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]
    assert all(d.limit == 3 for d in decisions)
    assert [d.retry_after for d in decisions] == [0, 0, 0, 60, 60]
    # The refused hits did not extend the window: one minute after the first three, all fit.
    clock.advance(MINUTE)
    assert limiter.hit("k", limit=3, window=MINUTE).remaining == 2


def test_retry_after_is_when_the_oldest_counted_event_leaves_the_window(
        limiter: RateLimiter, clock: FakeClock) -> None:
    limiter.hit("k", limit=2, window=HOUR)
    clock.advance(timedelta(minutes=50))
    limiter.hit("k", limit=2, window=HOUR)
    clock.advance(timedelta(minutes=5))
    refused = limiter.hit("k", limit=2, window=HOUR)
    assert not refused.allowed and refused.retry_after == 5 * 60
    clock.advance(timedelta(minutes=5))  # the first event is an hour old: one slot frees
    assert limiter.hit("k", limit=2, window=HOUR).allowed
    again = limiter.hit("k", limit=2, window=HOUR)
    assert not again.allowed and again.retry_after == 50 * 60


def test_no_burst_at_a_window_edge(limiter: RateLimiter, clock: FakeClock) -> None:
    # A fixed window would allow five at 14:59 of one quarter-hour and five at 15:00.
    clock.advance(timedelta(minutes=14, seconds=59))
    assert all(limiter.hit("k", limit=5, window=timedelta(minutes=15)).allowed
               for _ in range(5))
    clock.advance(timedelta(seconds=1))
    refused = limiter.hit("k", limit=5, window=timedelta(minutes=15))
    assert not refused.allowed and refused.retry_after == 15 * 60 - 1


def test_peek_does_not_count(limiter: RateLimiter, clock: FakeClock) -> None:
    for _ in range(10):
        assert limiter.peek("k", limit=2, window=MINUTE).allowed
    limiter.hit("k", limit=2, window=MINUTE)
    assert limiter.peek("k", limit=2, window=MINUTE).allowed
    limiter.hit("k", limit=2, window=MINUTE)
    clock.advance(timedelta(seconds=20))
    refused = limiter.peek("k", limit=2, window=MINUTE)
    assert not refused.allowed and refused.retry_after == 40


def test_reset_forgets_the_key(limiter: RateLimiter) -> None:
    for _ in range(3):
        limiter.hit("k", limit=2, window=MINUTE)
    limiter.reset("k", limit=2, window=MINUTE)
    assert limiter.hit("k", limit=2, window=MINUTE).remaining == 1
    limiter.reset("never-used", limit=2, window=MINUTE)


def test_keys_are_independent(limiter: RateLimiter) -> None:
    for _ in range(3):
        limiter.hit("a", limit=2, window=MINUTE)
    assert limiter.hit("b", limit=2, window=MINUTE).allowed
    limiter.reset("b", limit=2, window=MINUTE)
    assert not limiter.peek("a", limit=2, window=MINUTE).allowed


@settings(max_examples=40, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(min_value=0, max_value=400), st.booleans()),
                      max_size=40),
       limit=st.integers(min_value=1, max_value=6))
def test_the_file_limiter_decides_like_a_sliding_log(steps: list[tuple[int, bool]],
                                                      limit: int) -> None:
    clock = FakeClock(START)
    real, model = file_limiter(":memory:", clock), FakeRateLimiter(clock)
    window = timedelta(seconds=300)
    try:
        for seconds, is_hit in steps:
            clock.advance(timedelta(seconds=seconds))
            act = "hit" if is_hit else "peek"
            got = getattr(real, act)("k", limit=limit, window=window)
            expected = getattr(model, act)("k", limit=limit, window=window)
            assert (got.allowed, got.retry_after) == (expected.allowed, expected.retry_after)
            if is_hit:
                assert got.remaining == expected.remaining
    finally:
        real.close()


# -- one file, several processes --------------------------------------------------------------


def test_two_limiters_on_one_file_share_the_budget(tmp_path: Path, clock: FakeClock) -> None:
    first = file_limiter(tmp_path / "shared.sqlite3", clock)
    second = file_limiter(tmp_path / "shared.sqlite3", clock)
    assert first.hit("k", limit=2, window=MINUTE).allowed
    assert second.hit("k", limit=2, window=MINUTE).allowed
    assert not first.hit("k", limit=2, window=MINUTE).allowed
    assert not second.peek("k", limit=2, window=MINUTE).allowed
    other = file_limiter(tmp_path / "other.sqlite3", clock)
    assert other.hit("k", limit=2, window=MINUTE).allowed
    for item in (first, second, other):
        item.close()


def _hit_from_a_process(path: str, hits: int, results: Any) -> None:
    limiter = LimitsRateLimiter.in_file(path)
    results.put(sum(limiter.hit("k", limit=123, window=HOUR).allowed for _ in range(hits)))


def test_processes_sharing_a_file_are_counted_exactly(tmp_path: Path) -> None:
    # Like gunicorn's workers: separate processes, each with its own connection and threads.
    path = str(tmp_path / "workers.sqlite3")
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_hit_from_a_process, args=(path, 50, results))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    allowed = sum(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert allowed == 123
    stored = SqliteMovingWindowStorage(path)
    assert stored.get_moving_window(
        "cultureup/k/123/3600/second", 123, 3600)[1] == 123
    stored.close()


def test_threads_sharing_one_limiter_are_counted_exactly(tmp_path: Path) -> None:
    limiter = LimitsRateLimiter.in_file(tmp_path / "threads.sqlite3")
    threads, per_thread, limit = 8, 40, 123
    barrier = threading.Barrier(threads)

    def burst(_: int) -> int:
        barrier.wait()
        return sum(limiter.hit("k", limit=limit, window=HOUR).allowed
                   for _ in range(per_thread))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        assert sum(pool.map(burst, range(threads))) == limit
    limiter.close()


def test_expired_events_are_deleted(tmp_path: Path, clock: FakeClock) -> None:
    storage = SqliteMovingWindowStorage(tmp_path / "gc.sqlite3",
                                        clock=lambda: clock.now().timestamp())
    for key in ("a", "b", "c"):
        storage.acquire_entry(key, 5, 60)
    clock.advance(timedelta(seconds=61))
    storage.acquire_entry("d", 5, 60)
    assert storage.reset() == 1  # only d's event was still stored
    storage.close()


# -- the library's own storages, in real time -------------------------------------------------


@pytest.fixture(scope="module")
def redis_client() -> Iterator[Any]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield client
    for key in client.scan_iter(f"{REDIS_PREFIX}:*"):
        client.delete(key)
    client.close()


@pytest.fixture(params=["memory", "redis"])
def make_real_time(request: pytest.FixtureRequest) -> Callable[[], LimitsRateLimiter]:
    """A factory: limiters from it share state the way their backend does."""
    if request.param == "memory":
        shared = LimitsRateLimiter.in_memory()
        return lambda: shared
    client = request.getfixturevalue("redis_client")
    for key in client.scan_iter(f"{REDIS_PREFIX}:*"):
        client.delete(key)
    return lambda: LimitsRateLimiter.in_redis(REDIS_URL)


def test_library_storages_count_the_same_way(
        make_real_time: Callable[[], LimitsRateLimiter]) -> None:
    limiter = make_real_time()
    decisions = [limiter.hit("k", limit=3, window=HOUR) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]
    assert all(1 <= d.retry_after <= 3600 for d in decisions[3:])
    assert not make_real_time().peek("k", limit=3, window=HOUR).allowed
    limiter.reset("k", limit=3, window=HOUR)
    assert make_real_time().hit("k", limit=3, window=HOUR).remaining == 2


def test_redis_keys_are_namespaced_and_expire(redis_client: Any) -> None:
    for key in redis_client.scan_iter(f"{REDIS_PREFIX}:*"):
        redis_client.delete(key)
    limiter = LimitsRateLimiter.in_redis(REDIS_URL)
    limiter.hit("requests:client:192.0.2.1", limit=5, window=HOUR)
    (key,) = list(redis_client.scan_iter(f"{REDIS_PREFIX}:*"))
    assert key.decode() == f"{REDIS_PREFIX}:cultureup/requests:client:192.0.2.1/5/3600/second"
    assert 0 < redis_client.ttl(key) <= 3600
    limiter.reset("requests:client:192.0.2.1", limit=5, window=HOUR)
    assert list(redis_client.scan_iter(f"{REDIS_PREFIX}:*")) == []
