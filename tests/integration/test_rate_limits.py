"""Abuse limits through the app that `bootstrap.http_app` builds from settings: request budgets
(anonymous 100/hour, users 1000/hour, admins unlimited, sliding windows), held across the two
workers of one real server by the default file storage and across servers by Redis; failed
passwords counted per account (username and e-mail alike) wherever a password is checked,
throttled and audited; replayed TOTP codes that cannot lock a user out."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import falcon.testing
import pytest

from cultureup.adapters.ratelimit.moving_window import REDIS_PREFIX
from cultureup.application.accounts.two_factor import REPLAYED_MESSAGE
from cultureup.application.views import AuditFilters, PageRequest
from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings
from cultureup.domain.audit import AuditAction
from tests.integration.assertions import assert_error
from tests.integration.conftest import STRONG_PASSWORD, Marketplace, SteppingClock
from tests.integration.two_factor_flow import (
    code_at,
    enable_2fa,
    login,
    next_step,
    start_login,
    verify,
)

REDIS_URL = "redis://127.0.0.1:6379/7"
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


# -- the real server: the budget holds across its workers ------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _call(base: str, path: str, body: dict[str, str] | None = None
          ) -> tuple[int, dict[str, str]]:
    """Status and headers (names in lower case) of a GET, or of a JSON POST with `body`; every
    request on a new connection, so the server's workers take turns accepting them."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, {k.lower(): v for k, v in error.headers.items()}


@attrs.frozen
class Served:
    base: str
    log: Path

    def worker_pids(self, path: str) -> set[str]:
        """The process ids (gunicorn's access log ends with it) that answered `path`."""
        return {line.rsplit("<", 1)[1].rstrip(">\n ")
                for line in self.log.read_text().splitlines()
                if f" {path} HTTP/" in line and line.rstrip().endswith(">")}


@pytest.fixture
def serve(services: Services, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Starts `cultureup serve` on a free port, in its own working directory, with the
    default settings but for `env`."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(*, workers: int, **env: str) -> Served:
        home = tmp_path / f"server-{len(processes)}"
        home.mkdir()
        port, log = _free_port(), home / "server.log"
        environment = {**{k: v for k, v in os.environ.items()
                          if not k.startswith("CULTUREUP_")},
                       "CULTUREUP_DATABASE_URL": services.settings.database_url,
                       "CULTUREUP_MEDIA_ROOT": str(home / "media"),
                       "CULTUREUP_SECRET_KEY": "rate-limit-tests-secret-key-0123456789abcdef",
                       "CULTUREUP_PASSWORD_HASH_TIME_COST": "1",
                       "CULTUREUP_PASSWORD_HASH_MEMORY_KIB": "1024",
                       "CULTUREUP_MIGRATE_ON_START": "false", **env}
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "cultureup", "serve", "--port", str(port),
                 "--workers", str(workers), "--threads", "4"],
                env=environment, cwd=home, stdout=output, stderr=subprocess.STDOUT)
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if _call(base, "/api/health/")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not start:\n{log.read_text()}")
            time.sleep(0.1)  # waiting for the server to listen, not timing the test
        return Served(base=base, log=log)

    yield start
    for process in processes:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_the_anonymous_budget_holds_across_the_workers_of_one_server(
        serve: Callable[..., Served]) -> None:
    # The defaults: two workers, 100 anonymous requests an hour, the budget in a file that the
    # workers share (created in the server's working directory).
    server = serve(workers=2)
    with ThreadPoolExecutor(max_workers=8) as pool:
        first = list(pool.map(lambda _: _call(server.base, "/api/jobs/"), range(100)))
    statuses = [status for status, _ in first]
    assert statuses == [200] * 100, statuses
    # One count: the last of the hundred saw none left (each worker counting alone would
    # have seen about fifty left).
    remaining = [int(headers["x-ratelimit-remaining"]) for _, headers in first]
    assert min(remaining) == 0 and max(remaining) <= 99
    pids = server.worker_pids("/api/jobs/")

    status, headers = _call(server.base, "/api/jobs/")
    assert status == 429
    assert (headers["x-ratelimit-limit"], headers["x-ratelimit-remaining"]) == ("100", "0")
    assert 1 <= int(headers["retry-after"]) <= HOUR
    more = [_call(server.base, "/api/categories/")[0] for _ in range(6)]
    assert more == [429] * 6
    # On a busy machine one worker may have taken every request so far: ask until the other
    # one has answered too, and it refuses as well - the budget the first one spent is its own.
    for _ in range(50):
        if len(server.worker_pids("/api/categories/") | pids) == 2:
            break
        with ThreadPoolExecutor(max_workers=8) as pool:
            refused = list(pool.map(lambda _: _call(server.base, "/api/categories/")[0],
                                    range(8)))
        assert refused == [429] * 8
    assert len(server.worker_pids("/api/categories/") | pids) == 2, server.log.read_text()[-3000:]
    assert (server.log.parent / ".cultureup-rate-limits.sqlite3").is_file()
    print(f"\none server, 2 workers (pids {sorted(pids)}), default settings: requests 1-100 "
          f"-> 200, 101st -> 429, 102-107 -> 429")


def test_login_throttling_holds_across_the_workers_of_one_server(
        serve: Callable[..., Served], market: Marketplace) -> None:
    users = [market.user("artist") for _ in range(6)]
    # Request budgets off (login throttling stays on), and no per-client limit in the way.
    server = serve(workers=2, CULTUREUP_RATE_LIMIT_ENABLED="false",
                   CULTUREUP_LOGIN_FAILURES_PER_CLIENT="1000")
    # Five wrong passwords per account, by username or e-mail, spread over both workers.
    guesses = [(user.username if n % 2 else f"{user.username}@example.com".upper(), n)
               for user in users for n in range(5)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        failures = list(pool.map(lambda guess: _call(server.base, "/api/auth/login/", {
            "username": guess[0], "password": f"Wrong-Guess-{guess[1]}"})[0], guesses))
    assert failures == [400] * 30

    def right_password(name: str) -> None:
        status, headers = _call(server.base, "/api/auth/login/",
                                {"username": name, "password": STRONG_PASSWORD})
        assert status == 429 and 1 <= int(headers["retry-after"]) <= 900

    for user in users:
        for name in (user.username, f"{user.username}@example.com"):
            right_password(name)
    # On a busy machine one worker may have taken every request so far: ask until the other
    # one has answered too, and it refuses as well - it counts the failures the first one saw.
    for _ in range(50):
        if len(server.worker_pids("/api/auth/login/")) == 2:
            break
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(right_password, [user.username for user in users] * 2))
    assert len(server.worker_pids("/api/auth/login/")) == 2, server.log.read_text()[-3000:]


# -- two servers, one budget in Redis -----------------------------------------------------------


@pytest.fixture
def redis_db() -> Iterator[Any]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")

    def forget() -> None:
        for key in client.scan_iter(f"{REDIS_PREFIX}:*"):
            client.delete(key)

    forget()
    yield client
    forget()
    client.close()


def test_two_servers_share_one_budget_in_redis(serve: Callable[..., Served],
                                               redis_db: Any) -> None:
    env = {"CULTUREUP_RATE_LIMIT_BACKEND": "redis", "CULTUREUP_REDIS_URL": REDIS_URL,
           "CULTUREUP_RATE_LIMIT_ANONYMOUS_PER_HOUR": "10"}
    servers = [serve(workers=1, **env), serve(workers=1, **env)]
    results = [_call(servers[n % 2].base, "/api/jobs/") for n in range(12)]
    statuses = [status for status, _ in results]
    assert statuses == [200] * 10 + [429] * 2, statuses
    assert 1 <= int(results[10][1]["retry-after"]) <= HOUR
    # Both servers answered: five 200s each before the shared budget ran out.
    remaining = [int(headers["x-ratelimit-remaining"]) for _, headers in results[:10]]
    assert remaining == list(range(9, -1, -1))
    (key,) = list(redis_db.scan_iter(f"{REDIS_PREFIX}:*requests:client:*"))
    assert redis_db.llen(key) == 10  # one timestamp per counted request, refusals not kept
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


def test_username_and_email_share_one_login_budget_and_the_window_slides(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock) -> None:
    user = market.user("artist")
    email = f"{user.username}@example.com"
    clock.advance(minutes=14, seconds=41)
    for n, name in enumerate([user.username, email, email.upper(), user.username.upper(),
                              email]):
        assert_error(login(client, name, f"Wrong-Guess-{n}"), 400, "non_field_errors")
    for name in (user.username, email):
        refused = login(client, name)
        assert_error(refused, 429)
        assert refused.headers["Retry-After"] == "900"
    # A fixed quarter-hour would have ended 19 s later; the failures still count.
    clock.advance(seconds=19)
    assert login(client, email).headers["Retry-After"] == str(900 - 19)
    clock.advance(minutes=14, seconds=41)
    assert login(client, email).status_code == 200


def test_wrong_current_passwords_are_throttled_and_audited(
        client: falcon.testing.TestClient, market: Marketplace, services: Services) -> None:
    user = market.user("buyer")
    answers = [client.simulate_post("/api/auth/password/", headers=user.headers, json={
        "current_password": f"Wrong-Current-{n}", "new_password": "Fresh-Canvas-77!",
        "new_password_confirm": "Fresh-Canvas-77!"}, remote_addr="203.0.113.7")
        for n in range(25)]
    assert [a.status_code for a in answers] == [400] * 5 + [429] * 20
    assert assert_error(answers[0], 400)["details"] == {"current_password": ["Invalid password"]}
    assert assert_error(answers[5], 429)["error"] == "Too many wrong passwords. Try again later."
    assert answers[-1].headers["Retry-After"] == "900"
    entries = services.audit.list_entries(
        None, AuditFilters(action="password."), PageRequest.of(1, 100)).items
    actions = [entry.action for entry in entries]
    assert actions.count(AuditAction.PASSWORD_CHECK_FAILED) == 5
    assert actions.count(AuditAction.PASSWORD_CHECK_THROTTLED) == 20
    assert {(e.actor_id, e.ip_address, e.details["purpose"]) for e in entries} == {
        (user.id, "203.0.113.7", "password_change")}
    # The same account budget closes login, and the token still works.
    assert_error(login(client, user.username), 429)
    assert client.simulate_get("/api/auth/profile/", headers=user.headers).status_code == 200
    print("\npassword change: 25 wrong current passwords -> 400 x5, 429 x20 "
          "(Retry-After 900), 5 password.check_failed + 20 password.check_throttled audited")


@pytest.mark.parametrize(("path", "purpose"), [("/api/auth/2fa/disable/", "2fa_disable"),
                                               ("/api/auth/2fa/backup-codes/", "backup_codes")])
def test_two_factor_password_confirmations_are_throttled_and_audited(
        client: falcon.testing.TestClient, market: Marketplace, services: Services,
        clock: SteppingClock, path: str, purpose: str) -> None:
    secured = enable_2fa(client, clock, market.user("artist"))
    code = {"backup_code": secured.backup_codes[0]} if purpose == "2fa_disable" else {}
    statuses = [client.simulate_post(path, headers=secured.headers, json={
        "password": f"Wrong-Password-{n}", **code}).status_code for n in range(8)]
    assert statuses == [400] * 5 + [429] * 3
    right = client.simulate_post(path, headers=secured.headers,
                                 json={"password": STRONG_PASSWORD, **code})
    assert_error(right, 429)
    entries = services.audit.list_entries(
        None, AuditFilters(action="password."), PageRequest.of(1, 100)).items
    assert sorted(entry.action for entry in entries) == (
        [AuditAction.PASSWORD_CHECK_FAILED] * 5 + [AuditAction.PASSWORD_CHECK_THROTTLED] * 4)
    assert {entry.details["purpose"] for entry in entries} == {purpose}
    status = client.simulate_get("/api/auth/2fa/status/", headers=secured.headers).json
    assert status == {"two_factor_enabled": True, "backup_codes_count": 10}
    clock.advance(minutes=15)
    assert client.simulate_post(path, headers=secured.headers, json={
        "password": STRONG_PASSWORD, **code}).status_code == 200


def test_a_replayed_totp_code_does_not_lock_the_real_user_out(
        client: falcon.testing.TestClient, market: Marketplace, services: Services,
        clock: SteppingClock) -> None:
    secured = enable_2fa(client, clock, market.user("artist"))
    seen = code_at(secured.secret, clock)
    assert verify(client, start_login(client, secured), totp_code=seen).status_code == 200
    # Someone who saw the code replays it while it is still current: 15 times, three locks'
    # worth of failures if they counted.
    for _ in range(15):
        replay = verify(client, start_login(client, secured), totp_code=seen)
        body = assert_error(replay, 400, "totp_code")
        assert body["details"] == {"totp_code": [REPLAYED_MESSAGE]}
    next_step(clock)
    fresh = verify(client, start_login(client, secured),
                   totp_code=code_at(secured.secret, clock))
    assert fresh.status_code == 200, fresh.text
    entries = services.audit.list_entries(None, AuditFilters(action="2fa."),
                                          PageRequest.of(1, 100)).items
    actions = [entry.action for entry in entries]
    assert actions.count(AuditAction.TWO_FACTOR_REPLAYED) == 15
    assert AuditAction.TWO_FACTOR_FAILED not in actions
    assert AuditAction.TWO_FACTOR_LOCKED not in actions
