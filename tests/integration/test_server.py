"""The real server: `cultureup serve` (gunicorn, several workers and threads) answering the
spec's curl examples over HTTP, and settling concurrent hires."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cultureup.bootstrap import Services
from tests.integration.conftest import STRONG_PASSWORD, Marketplace


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Http:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, body: Any = None,
             token: str | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


@contextlib.contextmanager
def served_api(database_url: str, folder: Path, **env: str) -> Iterator[Http]:
    """`cultureup serve` on a free port, working in `folder`, with settings from `env`
    (names without their CULTUREUP_ prefix) besides the database."""
    port = _free_port()
    environment = {**os.environ,
                   "CULTUREUP_DATABASE_URL": database_url,
                   "CULTUREUP_MEDIA_ROOT": str(folder / "media"),
                   "CULTUREUP_PASSWORD_HASH_TIME_COST": "1",
                   "CULTUREUP_PASSWORD_HASH_MEMORY_KIB": "1024",
                   **{f"CULTUREUP_{name.upper()}": value for name, value in env.items()}}
    # The log goes to a file: a pipe nobody reads fills up after a few hundred access-log
    # lines and then blocks the workers.
    with tempfile.TemporaryFile() as log:
        def output() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")[-4000:]

        process = subprocess.Popen(
            [sys.executable, "-m", "cultureup", "serve", "--port", str(port), "--workers", "2",
             "--threads", "8"],
            env=environment, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
        http = Http(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while True:
            try:
                if http.call("GET", "/api/health/")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"server did not start:\n{output()}")
            time.sleep(0.2)
        try:
            yield http
        except BaseException:
            print(output())  # shown by pytest with the failure
            raise
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def server(services: Services, tmp_path: Path) -> Iterator[Http]:
    with served_api(services.settings.database_url, tmp_path) as http:
        yield http


def test_the_spec_curl_examples_work_against_the_served_api(
        server: Http, market: Marketplace) -> None:
    category_id = market.category("Graphic Design")
    status, artist = server.call("POST", "/api/auth/register/", {
        "username": "test_artist", "email": "test@example.com", "password": "TestPass123!",
        "password_confirm": "TestPass123!", "user_type": "artist", "first_name": "Test",
        "last_name": "Artist"})
    assert status == 201 and artist["username"] == "test_artist"
    status, login = server.call("POST", "/api/auth/login/",
                                {"username": "test_artist", "password": "TestPass123!"})
    assert status == 200 and login["user"]["id"] == artist["id"]
    status, profile = server.call("GET", "/api/auth/profile/", token=login["token"])
    assert status == 200 and profile["email"] == "test@example.com"

    server.call("POST", "/api/auth/register/", {
        "username": "buyer_sarah", "email": "sarah@example.com", "password": "SecurePass123!",
        "password_confirm": "SecurePass123!", "user_type": "buyer", "first_name": "Sarah",
        "last_name": "Johnson"})
    buyer_token = server.call("POST", "/api/auth/login/", {
        "username": "buyer_sarah", "password": "SecurePass123!"})[1]["token"]
    # The server runs on the real clock, not the test clock.
    deadline = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT23:59:59Z")
    status, job = server.call("POST", "/api/jobs/", {
        "title": "Logo Design for Tech Startup",
        "description": "I need a modern, minimalist logo design for my tech startup.",
        "category_id": category_id, "budget_min": "500.00", "budget_max": "1000.00",
        "duration_days": 7, "required_skills": "Logo Design, Branding, Adobe Illustrator",
        "experience_level": "expert", "deadline": deadline}, token=buyer_token)
    assert status == 201, job
    assert job["buyer"]["username"] == "buyer_sarah" and job["total_bids"] == 0
    status, bid = server.call("POST", "/api/bids/", {
        "job_id": job["id"], "bid_amount": "750.00", "delivery_time": 7,
        "cover_letter": "I can help with this project..."}, token=login["token"])
    assert status == 201, bid
    assert bid["bid_amount"] == "750.00" and bid["status"] == "pending"


def test_concurrent_hires_through_the_server_hire_one_artist(
        server: Http, market: Marketplace) -> None:
    buyer = market.user("buyer")
    job = market.job(buyer, budget_min="100.00", budget_max="5000.00")
    bid_ids = [market.bid(market.user("artist"), job["id"], amount=f"{200 + n}.00")["id"]
               for n in range(20)]
    # Tokens from the in-process client expire by the test clock; the server uses real time.
    token = server.call("POST", "/api/auth/login/",
                        {"username": buyer.username, "password": STRONG_PASSWORD})[1]["token"]
    start = threading.Barrier(len(bid_ids))

    def hire(bid_id: int) -> int:
        start.wait()
        return server.call("POST", f"/api/jobs/{job['id']}/hire/", {"bid_id": bid_id},
                           token=token)[0]

    with ThreadPoolExecutor(max_workers=len(bid_ids)) as pool:
        statuses = list(pool.map(hire, bid_ids))
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 400, 409}
    detail = server.call("GET", f"/api/jobs/{job['id']}/")[1]
    assert detail["status"] == "in_progress" and detail["hired_artist"] is not None
