"""Running it: `cultureup serve` as an operator meets it (a port in use, two servers on one
machine, its help and its logs), connections after an answer that left the body unread, and
the audit listing on a terminal."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cultureup.bootstrap import Services
from cultureup.entrypoints.cli import server
from cultureup.entrypoints.cli.app import app
from tests.integration.conftest import STRONG_PASSWORD, Marketplace

BANNER = re.compile(r"CultureUp API on http://127\.0\.0\.1:(\d+)/api/")
UTC_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")
runner = CliRunner()


class Served:
    """A `cultureup serve` subprocess on a port of its own choosing, its output collected."""

    def __init__(self, env: dict[str, str], cwd: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cultureup", "serve", "--port", "0", "--workers", "1",
             "--threads", "4", *args],
            env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self._banner = threading.Event()
        self.port = 0
        threading.Thread(target=self._collect, daemon=True).start()
        if not self._banner.wait(60):
            self.stop()
            pytest.fail("no banner:\n" + self.output)
        deadline = time.monotonic() + 60
        while self.status("GET", "/api/health/") != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail("server did not answer:\n" + self.output)
            time.sleep(0.2)

    def _collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if (match := BANNER.search(line)) and not self.port:
                self.port = int(match.group(1))
                self._banner.set()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def status(self, method: str, path: str, **headers: str) -> int | None:
        try:
            connection = self.connection()
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            return response.status
        except OSError:
            return None

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


@pytest.fixture
def server_env(services: Services, tmp_path: Path) -> dict[str, str]:
    """The environment of a served API on the test database, with a home and a runtime
    directory of its own, so that anything a server leaves there can be seen."""
    home, runtime = tmp_path / "home", tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    return {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime),
            "CULTUREUP_DATABASE_URL": services.settings.database_url,
            "CULTUREUP_MEDIA_ROOT": str(tmp_path / "media"),
            "CULTUREUP_SECRET_KEY": services.settings.secret_key,
            "CULTUREUP_PASSWORD_HASH_TIME_COST": "1",
            "CULTUREUP_PASSWORD_HASH_MEMORY_KIB": "1024",
            "CULTUREUP_RATE_LIMIT_ENABLED": "false",
            "CULTUREUP_MAX_UPLOAD_MB": "1"}


@pytest.fixture
def served(server_env: dict[str, str], tmp_path: Path) -> Iterator[Served]:
    server = Served(server_env, tmp_path)
    yield server
    server.stop()


# -- starting and stopping -----------------------------------------------------------------------


def test_a_port_in_use_is_one_line_and_a_failure_without_banner(
        server_env: dict[str, str], tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cultureup", "serve", "--port", str(port)],
            env=server_env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"]
    assert "CultureUp API on" not in result.stderr


def test_two_servers_on_one_machine_run_and_stop_independently(
        server_env: dict[str, str], tmp_path: Path) -> None:
    first = Served(server_env, tmp_path)
    second = Served(server_env, tmp_path)
    try:
        assert first.port != second.port
        # Nothing shared between them: no control socket, pid or lock file anywhere they
        # would both look.
        for folder in (server_env["HOME"], server_env["XDG_RUNTIME_DIR"]):
            assert list(Path(folder).rglob("*")) == []
        assert first.stop() == 0
        assert first.status("GET", "/api/health/") is None
        for _ in range(20):
            assert second.status("GET", "/api/health/") == 200
        third = Served(server_env, tmp_path)
        assert third.status("GET", "/api/health/") == 200
        assert third.stop() == 0
        assert second.status("GET", "/api/health/") == 200
    finally:
        first.stop()
        assert second.stop() == 0
    assert "Shutting down" in second.output


def test_the_logs_give_times_in_utc_as_the_api_does(served: Served) -> None:
    served.status("GET", "/api/health/")
    served.stop()
    logged = [line for line in served.lines if "[INFO]" in line or "GET /api/health/" in line]
    assert logged, served.output
    access_stamp = re.compile(r"\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\]")
    for line in logged:
        assert UTC_STAMP.match(line) or access_stamp.search(line), line


def test_serve_help_shows_the_defaults_in_force(server_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["serve", "--help"], env={"CULTUREUP_PORT": "9123"},
                           terminal_width=200)
    assert result.exit_code == 0
    assert "(9123, from CULTUREUP_PORT)" in result.stdout
    assert "(127.0.0.1, from CULTUREUP_HOST)" in result.stdout
    assert "(2, from CULTUREUP_WORKERS)" in result.stdout
    assert "(8, from CULTUREUP_THREADS)" in result.stdout
    assert "Ctrl+C" in result.stdout


# -- one listening socket per worker ------------------------------------------------------------

balanced = pytest.mark.skipif(not server.BALANCED,
                              reason="one socket per worker needs Linux's SO_REUSEPORT")


def _pids(served: Served, marker: str) -> list[str]:
    """The worker process ids (the access log's last field) that answered requests whose
    line holds `marker`, in the log's order."""
    return [line.rsplit("<", 1)[1].rstrip(">") for line in list(served.lines)
            if marker in line and line.endswith(">")]


def _wait_for_log(served: Served, marker: str, count: int) -> list[str]:
    deadline = time.monotonic() + 30
    while len(pids := _pids(served, marker)) < count and time.monotonic() < deadline:
        time.sleep(0.05)  # the log is read by another thread
    return pids


@pytest.fixture
def two_workers(server_env: dict[str, str], tmp_path: Path) -> Iterator[Served]:
    """`cultureup serve` with two workers, each accepting from a socket of its own."""
    two = Served(server_env, tmp_path, "--workers", "2")
    yield two
    assert two.stop() == 0


@balanced
def test_listen_opens_one_socket_per_worker_on_one_port() -> None:
    listeners = server.listen("127.0.0.1", 0, sockets=3)
    try:
        assert len(listeners) == 3
        assert len({listener.getsockname() for listener in listeners}) == 1
        for listener in listeners:
            assert listener.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
        port = listeners[0].getsockname()[1]
        # The group is closed to others: neither a second group nor a single socket joins it.
        for count in (1, 2):
            with pytest.raises(server.PortUnavailable, match="Address already in use"):
                server.listen("127.0.0.1", port, sockets=count)
    finally:
        for listener in listeners:
            listener.close()
    [single] = server.listen("127.0.0.1", 0)
    with single:
        assert single.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 0


@balanced
def test_a_port_a_server_with_several_workers_holds_is_refused_to_another(
        two_workers: Served, server_env: dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cultureup", "serve", "--port", str(two_workers.port),
         "--workers", "2"],
        env=server_env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{two_workers.port}: Address already in use"]
    assert two_workers.status("GET", "/api/health/") == 200


@balanced
def test_connections_opened_at_once_are_spread_over_the_workers(two_workers: Served) -> None:
    served = two_workers
    # 32 keep-alive connections opened together (as a load balancer or wrk does): with
    # one shared socket one worker could accept them all. Here each lands on one of two
    # sockets by its port's hash; all 32 on one is a chance of 2 in 2**32.
    connections = [served.connection() for _ in range(32)]
    for connection in connections:
        connection.connect()
    for round_ in range(3):
        for number, connection in enumerate(connections):
            connection.request("GET", f"/api/health/?c={number}&r={round_}")
            assert connection.getresponse().read() == b'{"status":"ok"}'
    _wait_for_log(served, "/api/health/?c=", 96)
    by_connection = [set(_pids(served, f"/api/health/?c={number}&"))
                     for number in range(32)]
    # A connection stays with the worker that accepted it; both workers have some.
    assert all(len(pids) == 1 for pids in by_connection), by_connection
    assert len(set().union(*by_connection)) == 2, by_connection
    for connection in connections:
        connection.close()


@balanced
def test_a_killed_worker_s_socket_keeps_its_connections_for_the_replacement(
        two_workers: Served) -> None:
    served = two_workers
    for number in range(32):
        assert served.status("GET", f"/api/health/?before={number}") == 200
    workers = set(_wait_for_log(served, "/api/health/?before=", 32))
    assert len(workers) == 2
    os.kill(int(min(workers)), signal.SIGKILL)
    # Every connection is answered, those hashed to the dead worker's socket once its
    # replacement has booted (the master keeps the socket open meanwhile): none refused,
    # none reset, none left hanging.
    statuses = [served.status("GET", f"/api/health/?after={number}")
                for number in range(32)]
    assert statuses == [200] * 32, served.output
    answered = set(_wait_for_log(served, "/api/health/?after=", 32))
    assert len(answered) == 2 and min(workers) not in answered, served.output
    # The number of workers stays fixed: one for each socket.
    master = served.process.pid
    os.kill(master, signal.SIGTTOU)
    os.kill(master, signal.SIGTTIN)
    deadline = time.monotonic() + 30
    while served.output.count("Ignoring SIGTT") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Ignoring SIGTTOU" in served.output and "Ignoring SIGTTIN" in served.output
    statuses = [served.status("GET", f"/api/health/?last={number}") for number in range(32)]
    assert statuses == [200] * 32
    assert set(_wait_for_log(served, "/api/health/?last=", 32)) == answered


# -- connections after an unread body ------------------------------------------------------------


def _token(served: Served, market: Marketplace) -> str:
    artist = market.user("artist")
    connection = served.connection()
    connection.request("POST", "/api/auth/login/", body=json.dumps(
        {"username": artist.username, "password": STRONG_PASSWORD}),
        headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 200
    return str(json.loads(response.read())["token"])


def test_a_413_closes_the_connection_and_the_next_request_succeeds(
        served: Served, market: Marketplace) -> None:
    token = _token(served, market)
    too_large = [
        ("POST", "/api/artworks/", b"x" * 1_500_000,
         {"Content-Type": "multipart/form-data; boundary=b", "Authorization": f"Token {token}"}),
        ("POST", "/api/auth/login/", b" " * 1_100_000, {"Content-Type": "application/json"}),
        # The same kind: an answer given without reading the body (no token, 401).
        ("POST", "/api/artworks/", b"x" * 1_100_000,
         {"Content-Type": "multipart/form-data; boundary=b"}),
    ]
    connection = served.connection()
    for method, path, body, headers in too_large:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        answer = json.loads(response.read())
        assert response.status in (401, 413), answer
        assert response.getheader("Connection") == "close"
        assert answer["success"] is False
        # The same client object goes on: it opens a new connection, as told.
        connection.request("GET", "/api/health/")
        follow = connection.getresponse()
        assert (follow.status, follow.read()) == (200, b'{"status":"ok"}')
        assert follow.getheader("Connection") == "keep-alive"


def test_after_a_413_the_server_closes_its_side_cleanly(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as raw:
        raw.sendall(b"POST /api/auth/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{")
        received = b""
        while chunk := raw.recv(65536):  # ends when the server closes: no hang, no reset
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ")
    assert b"\r\nConnection: close\r\n" in head
    assert json.loads(body)["success"] is False


def test_requests_that_read_their_body_keep_the_connection(served: Served) -> None:
    connection = served.connection()
    for _ in range(3):
        connection.request("POST", "/api/auth/login/", body=b'{"username": "x"}',
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        assert response.status == 400
        assert response.getheader("Connection") == "keep-alive"
    first_socket = connection.sock
    connection.request("GET", "/api/health/")
    assert connection.getresponse().read() == b'{"status":"ok"}'
    assert connection.sock is first_socket


def test_the_served_api_refuses_foreign_hosts_and_sends_the_headers(served: Served) -> None:
    assert served.status("GET", "/api/health/", Host="evil.example") == 400
    assert served.status("GET", "/api/health/", Host=f"localhost:{served.port}") == 200
    connection = served.connection()
    connection.request("GET", "/api/jobs/")
    response = connection.getresponse()
    response.read()
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Cache-Control") == "no-store"
    assert response.getheader("Strict-Transport-Security") is None
    # gunicorn trusts no forwarded header itself: a client cannot claim TLS.
    connection.request("GET", "/api/jobs/?page_size=1", headers={"X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    response.read()
    assert response.getheader("Strict-Transport-Security") is None


# -- the audit listing ---------------------------------------------------------------------------


@pytest.fixture
def cli_env(services: Services) -> dict[str, str]:
    settings = services.settings
    return {"CULTUREUP_DATABASE_URL": settings.database_url,
            "CULTUREUP_MEDIA_ROOT": settings.media_root,
            "CULTUREUP_SECRET_KEY": settings.secret_key}


def test_audit_list_for_an_unknown_user_says_so(market: Marketplace,
                                                cli_env: dict[str, str]) -> None:
    market.user("buyer", username="ines")
    result = runner.invoke(app, ["audit", "list", "--actor", "nobody"], env=cli_env)
    assert result.exit_code == 1
    assert "Unknown user" in result.stderr and result.stdout == ""
    known = runner.invoke(app, ["audit", "list", "--actor", "ines"], env=cli_env)
    assert known.exit_code == 0 and "ines" in known.stdout


def test_audit_lines_cannot_be_forged_by_what_was_typed(market: Marketplace,
                                                        cli_env: dict[str, str]) -> None:
    forged = ("eve\n2026-03-01T09:00:00Z  admin                login.succeeded"
              "\x1b[2K\r\u202e\u2028\\n")
    response = market.client.simulate_post("/api/auth/login/", json={
        "username": forged, "password": "Wrong-Brush-1"})
    assert response.status_code == 400
    result = runner.invoke(app, ["audit", "list"], env=cli_env)
    assert result.exit_code == 0, result.output
    header, _rule, *rows = result.stdout.splitlines()
    assert header.split()[:3] == ["at", "actor", "action"]
    assert len(rows) == 1, rows  # one entry, one line
    assert "\x1b" not in result.stdout and "\r" not in result.stdout
    assert "\u202e" not in result.stdout and "\u2028" not in result.stdout
    assert ("eve\\n2026-03-01T09:00:00Z  admin                login.succeeded"
            "\\x1b[2K\\r\\u202e\\u2028\\\\n") in rows[0]
    assert UTC_STAMP.match(rows[0])
    as_json = runner.invoke(app, ["audit", "list", "--json"], env=cli_env)
    (entry,) = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert entry["actor"] == forged
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["at"])
