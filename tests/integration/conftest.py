"""Integration fixtures: a real database (SQLite by default, PostgreSQL when
CULTUREUP_TEST_DATABASE_URL is set), the real services and the real Falcon app."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import falcon.testing
import pytest
from sqlalchemy import Engine, event, text

from cultureup.adapters.sqlalchemy.engine import build_engine
from cultureup.adapters.sqlalchemy.migrate import upgrade
from cultureup.adapters.sqlalchemy.tables import metadata
from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings

STRONG_PASSWORD = "Str0ng-Palette-42!"
# falcon.testing sends "Host: falconframework.org" unless told otherwise.
TEST_HOSTS = ("localhost", "127.0.0.1", "[::1]", falcon.testing.DEFAULT_HOST)


class SteppingClock:
    """A clock the test controls; it starts at a fixed instant and moves only when told."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("CULTUREUP_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'cultureup-test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh schema, built by the migrations, once per test session."""
    url = _database_url(tmp_path_factory)
    engine = build_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, media_root=str(tmp_path / "media"),
                    rate_limit_file=str(tmp_path / "rate-limits.sqlite3"),
                    private_root=str(tmp_path / "private"),
                    password_hash_time_cost=1, password_hash_memory_kib=1024,
                    secret_key="integration-tests-secret-key-0123456789abcdef",
                    # Budgets are tested on their own; elsewhere they would only get in the way.
                    rate_limit_enabled=False, allowed_hosts=TEST_HOSTS)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def services(settings: Settings, clock: SteppingClock) -> Iterator[Services]:
    services = bootstrap(settings, clock=clock)
    _empty_tables(services.engine)
    yield services
    services.close()


def _empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        # DELETE beats TRUNCATE on tables this small (TRUNCATE rewrites each table's files).
        for table in reversed(metadata.sorted_tables):
            connection.execute(text(f"DELETE FROM {table.name}"))
        # The count triggers wrote into the counters while the counted tables were emptied.
        connection.execute(text("DELETE FROM row_counts"))
        connection.execute(text("DELETE FROM row_count_days"))


@pytest.fixture
def env(services: Services) -> dict[str, str]:
    """The environment under which a `cultureup` command run as a subprocess uses this
    test's database, media folders and secret key (request budgets off)."""
    return {"CULTUREUP_DATABASE_URL": services.settings.database_url,
            "CULTUREUP_MEDIA_ROOT": services.settings.media_root,
            "CULTUREUP_PRIVATE_ROOT": services.settings.private_root,
            "CULTUREUP_SECRET_KEY": services.settings.secret_key,
            "CULTUREUP_RATE_LIMIT_ENABLED": "false"}


@pytest.fixture
def client(services: Services) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(http_app(services))


@attrs.frozen
class ApiUser:
    id: int
    username: str
    token: str
    user_type: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}


class Marketplace:
    """Builds users, categories, jobs and bids through the HTTP API, as clients would."""

    _counter = itertools.count(1)

    def __init__(self, client: falcon.testing.TestClient, services: Services,
                 clock: SteppingClock) -> None:
        self.client, self.services, self.clock = client, services, clock
        self._admin: Any = None

    def user(self, user_type: str = "buyer", username: str | None = None) -> ApiUser:
        username = username or f"{user_type}_{next(self._counter)}"
        response = self.client.simulate_post("/api/auth/register/", json={
            "username": username, "email": f"{username}@example.com",
            "password": STRONG_PASSWORD, "password_confirm": STRONG_PASSWORD,
            "user_type": user_type, "first_name": "Test", "last_name": username.title(),
        })
        assert response.status_code == 201, response.json
        login = self.client.simulate_post("/api/auth/login/", json={
            "username": username, "password": STRONG_PASSWORD})
        assert login.status_code == 200, login.json
        return ApiUser(id=response.json["id"], username=username,
                       token=login.json["token"], user_type=user_type)

    def admin_actor(self) -> Any:
        if self._admin is None:
            user, _ = self.services.sample_data.ensure_superuser(
                username="root", email="root@example.com", password=STRONG_PASSWORD)
            self._admin = user.as_actor()
        return self._admin

    def category(self, name: str | None = None, *, is_active: bool = True) -> int:
        view = self.services.categories.create_category(
            actor=self.admin_actor(), name=name or f"Category {next(self._counter)}",
            description="Test category", is_active=is_active)
        return view.id

    def job_payload(self, category_id: int, **overrides: Any) -> dict[str, Any]:
        payload = {
            "title": "Logo Design for Tech Startup",
            "description": "I need a modern, minimalist logo design for my tech startup.",
            "category_id": category_id, "budget_min": "500.00", "budget_max": "1000.00",
            "duration_days": 7, "required_skills": "Logo Design, Branding",
            "experience_level": "expert",
            "deadline": (self.clock.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        payload.update(overrides)
        return payload

    def job(self, buyer: ApiUser, category_id: int | None = None, **overrides: Any) -> dict:
        category_id = category_id or self.category()
        response = self.client.simulate_post("/api/jobs/", headers=buyer.headers,
                                              json=self.job_payload(category_id, **overrides))
        assert response.status_code == 201, response.json
        return response.json

    def bid(self, artist: ApiUser, job_id: int, amount: str = "750.00", **overrides: Any
            ) -> dict:
        payload = {"job_id": job_id, "bid_amount": amount, "delivery_time": 5,
                   "cover_letter": "I have extensive experience in logo design."}
        payload.update(overrides)
        response = self.client.simulate_post("/api/bids/", headers=artist.headers, json=payload)
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture
def market(client: falcon.testing.TestClient, services: Services,
           clock: SteppingClock) -> Marketplace:
    return Marketplace(client, services, clock)


class QueryCounter:
    """The statements an engine ran (`before_cursor_execute`): how many, and their SQL."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_queries(services: Services) -> Iterator[QueryCounter]:
    counter = QueryCounter()
    event.listen(services.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(services.engine, "before_cursor_execute", counter)


def is_postgres(services: Services) -> bool:
    return services.engine.dialect.name == "postgresql"
