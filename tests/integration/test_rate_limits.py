"""Request budgets (anonymous 100/hour, users 1000/hour, admins unlimited) through the app that
`bootstrap.http_app` builds from settings, shared budgets across server processes via Redis,
and login throttling per username and per client."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import falcon.testing
import pytest

from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings
from tests.integration.assertions import assert_error
from tests.integration.conftest import STRONG_PASSWORD, Marketplace, SteppingClock
from tests.integration.two_factor_flow import login

REDIS_URL = "redis://127.0.0.1:6379/5"
HOUR = 3600

AppFactory = Callable[..., tuple[falcon.testing.TestClient, Services]]


@pytest.fixture
def limited(services: Services, settings: Settings, clock: SteppingClock
            ) -> Iterator[AppFactory]:
    """Builds the production app (http_app) over services made from evolved settings, on the
    test clock and the test database (emptied by the `services` fixture)."""
    built: list[Services] = []

    def build(**overrides: Any) -> tuple[falcon.testing.TestClient, Services]:
        evolved = attrs.evolve(settings, **{"rate_limit_enabled": True, **overrides})
        limited_services = bootstrap(evolved, clock=clock)
        built.append(limited_services)
        return falcon.testing.TestClient(http_app(limited_services)), limited_services

    yield build
    for item in built:
        item.close()


def assert_limited(response: falcon.testing.Result) -> int:
    body = assert_error(response, 429)
    assert "limit" in body["error"].lower()
    retry_after = int(response.headers["Retry-After"])
    assert retry_after >= 1
    return retry_after


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


# -- request budgets ------------------------------------------------------------------------


def test_the_101st_anonymous_request_in_an_hour_is_refused(
        limited: AppFactory, clock: SteppingClock) -> None:
    client, services = limited()
    assert services.settings.rate_limit_anonymous_per_hour == 100
    paths = ["/api/jobs/", "/api/categories/", "/api/jobs/?page=2", "/api/bids/"]
    statuses = [client.simulate_get(paths[n % len(paths)]).status_code for n in range(100)]
    assert 429 not in statuses, statuses
    last_allowed = client.simulate_get("/api/health/")  # exempt, does not count
    assert last_allowed.status_code == 200

    clock.advance(minutes=20)
    refused = client.simulate_get("/api/jobs/")
    assert assert_limited(refused) == HOUR - 20 * 60  # until the hour's window ends
    assert refused.headers["X-RateLimit-Limit"] == "100"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    # Another client address has its own budget.
    assert client.simulate_get("/api/jobs/", remote_addr="192.0.2.44").status_code == 200

    clock.advance(minutes=40)  # a new hour
    again = client.simulate_get("/api/jobs/")
    assert again.status_code == 200
    assert again.headers["X-RateLimit-Remaining"] == "99"
    print(f"\nanonymous budget 100/hour: requests 1-100 -> 200, 101st -> 429, "
          f"Retry-After {HOUR - 20 * 60} s at 20 min into the window")


def test_authenticated_users_have_their_own_budget(
        limited: AppFactory, market: Marketplace) -> None:
    client, services = limited(rate_limit_user_per_hour=5, rate_limit_anonymous_per_hour=3)
    assert attrs.evolve(services.settings).rate_limit_user_per_hour == 5
    alice, bob = market.user("buyer"), market.user("artist")  # made through the unlimited app
    for n in range(5):
        response = client.simulate_get("/api/auth/profile/", headers=alice.headers)
        assert response.status_code == 200, (n, response.text)
        assert response.headers["X-RateLimit-Limit"] == "5"
        assert response.headers["X-RateLimit-Remaining"] == str(4 - n)
    assert_limited(client.simulate_get("/api/auth/profile/", headers=alice.headers))
    assert_limited(client.simulate_get("/api/jobs/", headers=alice.headers))
    # Bob's budget and the anonymous one are separate.
    assert client.simulate_get("/api/auth/profile/", headers=bob.headers).status_code == 200
    for _ in range(3):
        assert client.simulate_get("/api/jobs/").status_code == 200
    assert_limited(client.simulate_get("/api/jobs/"))


def test_the_default_user_budget_is_1000_an_hour(limited: AppFactory,
                                                 market: Marketplace) -> None:
    client, services = limited()
    assert services.settings.rate_limit_user_per_hour == 1000
    user = market.user("buyer")
    response = client.simulate_get("/api/auth/profile/", headers=user.headers)
    assert response.headers["X-RateLimit-Limit"] == "1000"
    assert response.headers["X-RateLimit-Remaining"] == "999"


def test_requests_with_a_bad_token_are_counted_as_anonymous(limited: AppFactory) -> None:
    client, _ = limited(rate_limit_anonymous_per_hour=3)
    for _ in range(3):
        assert_error(client.simulate_get("/api/auth/profile/", headers=auth("f" * 64)), 401)
    assert_limited(client.simulate_get("/api/auth/profile/", headers=auth("f" * 64)))


def test_admins_are_not_limited(limited: AppFactory, services: Services) -> None:
    client, _ = limited(rate_limit_user_per_hour=2, rate_limit_anonymous_per_hour=2)
    services.sample_data.ensure_superuser(username="root", email="root@example.com",
                                          password=STRONG_PASSWORD)
    response = login(client, "root")
    assert response.status_code == 200, response.text
    token = response.json["token"]
    for n in range(30):
        response = client.simulate_get("/api/auth/profile/" if n % 2 else "/api/jobs/",
                                       headers=auth(token))
        assert response.status_code == 200, (n, response.text)
        assert "X-RateLimit-Limit" not in response.headers
    # The login above was anonymous and counted; one more anonymous request fits, then none.
    assert client.simulate_get("/api/jobs/").status_code == 200
    assert_limited(client.simulate_get("/api/jobs/"))


def test_limits_can_be_switched_off(limited: AppFactory, market: Marketplace) -> None:
    client, _ = limited(rate_limit_enabled=False, rate_limit_anonymous_per_hour=1,
                        rate_limit_user_per_hour=1)
    user = market.user("artist")
    for _ in range(20):
        anonymous = client.simulate_get("/api/jobs/")
        assert anonymous.status_code == 200 and "X-RateLimit-Limit" not in anonymous.headers
        assert client.simulate_get("/api/auth/profile/", headers=user.headers).status_code == 200


def test_the_health_check_is_exempt(limited: AppFactory) -> None:
    client, _ = limited(rate_limit_anonymous_per_hour=2)
    for _ in range(2):
        assert client.simulate_get("/api/jobs/").status_code == 200
    assert_limited(client.simulate_get("/api/jobs/"))
    for _ in range(25):
        health = client.simulate_get("/api/health/")
        assert health.status_code == 200 and health.json == {"status": "ok"}
    assert client.simulate_get("/api/health").status_code == 200


def test_limits_come_from_the_environment() -> None:
    settings = Settings.from_env({"CULTUREUP_RATE_LIMIT_ANONYMOUS_PER_HOUR": "7",
                                  "CULTUREUP_RATE_LIMIT_USER_PER_HOUR": "70",
                                  "CULTUREUP_RATE_LIMIT_ENABLED": "false",
                                  "CULTUREUP_RATE_LIMIT_BACKEND": "redis"}, env_file=None)
    assert (settings.rate_limit_anonymous_per_hour, settings.rate_limit_user_per_hour,
            settings.rate_limit_enabled, settings.rate_limit_backend) == (7, 70, False, "redis")
    defaults = Settings.from_env({}, env_file=None)
    assert (defaults.rate_limit_anonymous_per_hour, defaults.rate_limit_user_per_hour,
            defaults.rate_limit_enabled) == (100, 1000, True)


# -- two server processes, one budget in Redis ----------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(base: str, path: str) -> tuple[int, dict[str, str]]:
    """Status and headers (names in lower case) of a GET."""
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            response.read()
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, {k.lower(): v for k, v in error.headers.items()}


@pytest.fixture
def redis_db() -> Iterator[Any]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def two_servers(services: Services, redis_db: Any, tmp_path: Path) -> Iterator[list[str]]:
    env = {**os.environ,
           "CULTUREUP_DATABASE_URL": services.settings.database_url,
           "CULTUREUP_MEDIA_ROOT": str(tmp_path / "media"),
           "CULTUREUP_SECRET_KEY": "rate-limit-tests-secret-key-0123456789abcdef",
           "CULTUREUP_PASSWORD_HASH_TIME_COST": "1",
           "CULTUREUP_PASSWORD_HASH_MEMORY_KIB": "1024",
           "CULTUREUP_MIGRATE_ON_START": "false",
           "CULTUREUP_RATE_LIMIT_ENABLED": "true",
           "CULTUREUP_RATE_LIMIT_BACKEND": "redis",
           "CULTUREUP_REDIS_URL": REDIS_URL,
           "CULTUREUP_RATE_LIMIT_ANONYMOUS_PER_HOUR": "10"}
    processes, bases = [], []
    for _ in range(2):
        port = _free_port()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "cultureup", "serve", "--port", str(port), "--workers", "1",
             "--threads", "4"],
            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        for process, base in zip(processes, bases, strict=True):
            while True:
                try:
                    if _get(base, "/api/health/")[0] == 200:
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"server did not start:\n{output}")
                time.sleep(0.1)  # waiting for the server to listen, not timing the test
        yield bases
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_two_server_processes_share_one_budget_in_redis(two_servers: list[str],
                                                        redis_db: Any) -> None:
    # The servers count in fixed hourly windows of the real clock; should an hour end during
    # the run, the budget restarts, so that run proves nothing and is repeated once.
    for _ in range(2):
        redis_db.flushdb()
        hour = int(time.time()) // HOUR
        results = [_get(two_servers[n % 2], "/api/jobs/") for n in range(12)]
        if int(time.time()) // HOUR == hour:
            break
    statuses = [status for status, _ in results]
    assert statuses[:10] == [200] * 10, statuses
    assert statuses[10] == 429 and statuses[11] == 429, statuses
    refused_headers = results[10][1]
    assert int(refused_headers["retry-after"]) >= 1
    # Both processes answered: five 200s each before the shared budget ran out.
    remaining = [int(headers["x-ratelimit-remaining"]) for _, headers in results[:10]]
    assert remaining == list(range(9, -1, -1))
    keys = redis_db.keys("cultureup:rate:requests:client:*")
    assert len(keys) == 1 and int(redis_db.get(keys[0])) >= 11
    print(f"\ntwo servers sharing Redis, 10/hour: {statuses}")


# -- login throttling -----------------------------------------------------------------------


def test_login_throttling_looks_the_same_for_existing_and_unknown_usernames(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock) -> None:
    existing = market.user("artist")
    answers: dict[str, list[falcon.testing.Result]] = {}
    for username in (existing.username, "nobody_by_that_name"):
        answers[username] = [login(client, username, "Wrong-Password-123")
                             for _ in range(5)]
        # The sixth is refused before the password is even looked at, right or wrong.
        answers[username].append(login(client, username, STRONG_PASSWORD))
    known, unknown = answers[existing.username], answers["nobody_by_that_name"]
    for attempt in range(5):
        assert_error(known[attempt], 400, "non_field_errors")
        assert known[attempt].status_code == unknown[attempt].status_code == 400
        assert known[attempt].json == unknown[attempt].json
    for response in (known[5], unknown[5]):
        body = assert_error(response, 429)
        assert "Too many failed login attempts" in body["error"]
    assert known[5].json == unknown[5].json
    assert known[5].headers["Retry-After"] == unknown[5].headers["Retry-After"] == "900"

    # Another user is not affected, and the window ends.
    assert login(client, market.user("buyer").username).status_code == 200
    clock.advance(minutes=15)
    assert login(client, existing.username).status_code == 200
    print("\nlogin throttle: 5 wrong passwords -> 400 x5, 6th -> 429 Retry-After 900, "
          "same status and body for existing and unknown usernames")


def test_a_successful_login_clears_the_username_count(
        client: falcon.testing.TestClient, market: Marketplace) -> None:
    user = market.user("artist")
    for _ in range(4):
        assert login(client, user.username, "Wrong-Password-123").status_code == 400
    assert login(client, user.username).status_code == 200
    for _ in range(5):
        assert login(client, user.username, "Wrong-Password-123").status_code == 400
    assert_error(login(client, user.username), 429)


def test_the_per_client_limit_triggers_across_usernames(
        client: falcon.testing.TestClient, market: Marketplace, services: Services) -> None:
    assert services.settings.login_failures_per_client == 20
    user = market.user("buyer")
    attacker = {"remote_addr": "203.0.113.9"}
    for n in range(20):
        # Four failures for the real user (under its own limit of five), the rest guesses.
        username = user.username if n % 5 == 0 else f"guess_{n}"
        response = login(client, username, f"Guess-{n}-Password", **attacker)
        assert response.status_code == 400, (n, response.text)
    # A fresh username, or the right password of the real user: this client is refused.
    for username, password in (("guess_fresh", "Guess-Password"),
                               (user.username, STRONG_PASSWORD)):
        response = login(client, username, password, **attacker)
        body = assert_error(response, 429)
        assert "Too many failed login attempts" in body["error"]
        assert int(response.headers["Retry-After"]) == 900
    # Another client logs in normally.
    assert login(client, user.username, remote_addr="198.51.100.20").status_code == 200
