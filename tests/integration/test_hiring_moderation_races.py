"""A buyer hiring on (or completing) a job while a moderator removes it, each through its own
HTTP client at the same moment, many rounds over. Both take the job row's lock first
(`SqlAlchemyJobRepository.get` and `SqlAlchemyContentRepository.find`, FOR UPDATE), so the
outcome is one of the two orders: the hire (completion) and then the removal, or the removal
and then a 409 to the buyer; never a hire or completion recorded on a job already removed.
PostgreSQL only: on SQLite writers take turns by the database lock and there is no race."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import falcon.testing
import pytest
from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.collaboration.tables import notifications
from cultureup.adapters.sqlalchemy.tables import bids, jobs
from cultureup.bootstrap import Services, http_app
from tests.integration.conftest import ApiUser, Marketplace, is_postgres
from tests.integration.moderation_support import staff_user

ROUNDS = 20


@pytest.fixture(autouse=True)
def _postgres_only(services: Services) -> None:
    if not is_postgres(services):
        pytest.skip("a race needs PostgreSQL's row locks; SQLite runs writers one at a time")


def at_once(*calls: Callable[[], int]) -> tuple[int, ...]:
    """Run the calls in threads released together; their HTTP statuses in call order."""
    gate = threading.Barrier(len(calls), timeout=60)

    def run(call: Callable[[], int]) -> int:
        gate.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return tuple(pool.map(run, calls))


def last_notification(services: Services) -> int:
    with services.engine.connect() as connection:
        return int(connection.execute(select(func.max(notifications.c.id))).scalar() or 0)


def notification_ids(services: Services, user_id: int, kind: str, *, after: int
                     ) -> list[int]:
    """The ids of the user's notifications of `kind` written after id `after`: a
    transaction writes them after taking the job row's lock, so their order is the order in
    which the racers held the row."""
    with services.engine.connect() as connection:
        return list(connection.execute(select(notifications.c.id).where(
            notifications.c.user_id == user_id, notifications.c.notification_type == kind,
            notifications.c.id > after).order_by(notifications.c.id)).scalars())


def job_row(services: Services, job_id: int) -> dict:
    with services.engine.connect() as connection:
        return dict(connection.execute(select(jobs).where(jobs.c.id == job_id)).mappings().one())


def bid_status(services: Services, bid_id: int) -> str:
    with services.engine.connect() as connection:
        return str(connection.execute(select(bids.c.status).where(bids.c.id == bid_id)
                                      ).scalar_one())


class Round:
    """One job with one pending bid, a buyer and a moderator, each with its own client."""

    def __init__(self, market: Marketplace, buyer: ApiUser, artist: ApiUser,
                 moderator: ApiUser, n: int) -> None:
        self.services = market.services
        self.buyer, self.artist = buyer, artist
        self.job_id = int(market.job(buyer, title=f"Race job {n}")["id"])
        self.bid_id = int(market.bid(artist, self.job_id)["id"])
        self.buyer_client = falcon.testing.TestClient(http_app(market.services))
        self.moderator_client = falcon.testing.TestClient(http_app(market.services))
        self.moderator = moderator

    def hire(self) -> int:
        return self.buyer_client.simulate_post(
            f"/api/jobs/{self.job_id}/hire/", headers=self.buyer.headers,
            json={"bid_id": self.bid_id}).status_code

    def complete(self) -> int:
        return self.buyer_client.simulate_post(
            f"/api/jobs/{self.job_id}/complete/", headers=self.buyer.headers).status_code

    def remove(self) -> int:
        return self.moderator_client.simulate_post(
            f"/api/admin/content/{self.job_id}/remove/", headers=self.moderator.headers,
            json={"content_type": "job", "reason": "Off-platform payment request"}
        ).status_code


@pytest.fixture
def people(market: Marketplace) -> tuple[ApiUser, ApiUser, ApiUser]:
    return (market.user("buyer"), market.user("artist"),
            staff_user(market, "mod_hire_race"))


def test_a_hire_racing_a_removal_lands_before_it_or_not_at_all(
        market: Marketplace, services: Services,
        people: tuple[ApiUser, ApiUser, ApiUser]) -> None:
    buyer, artist, moderator = people
    orders: Counter[str] = Counter()
    for n in range(ROUNDS):
        race = Round(market, buyer, artist, moderator, n)
        before = last_notification(services)
        hired, removed = at_once(race.hire, race.remove)
        assert removed == 200, (n, hired, removed)
        assert hired in (200, 409), (n, hired)
        row = job_row(services, race.job_id)
        assert row["removed_at"] is not None
        [removal] = notification_ids(services, buyer.id, "content_removed", after=before)
        hires = notification_ids(services, artist.id, "bid_accepted", after=before)
        if hired == 200:
            orders["hire, then removal"] += 1
            assert row["status"] == "in_progress" and row["hired_artist_id"] == artist.id
            assert bid_status(services, race.bid_id) == "accepted"
            # The hire was written before the removal took the row.
            assert len(hires) == 1 and hires[0] < removal
        else:
            orders["removal, then refused hire"] += 1
            assert row["status"] == "open" and row["hired_artist_id"] is None
            assert bid_status(services, race.bid_id) == "pending"
            assert hires == []
    assert sum(orders.values()) == ROUNDS, orders


def test_a_completion_racing_a_removal_lands_before_it_or_not_at_all(
        market: Marketplace, services: Services,
        people: tuple[ApiUser, ApiUser, ApiUser]) -> None:
    buyer, artist, moderator = people
    orders: Counter[str] = Counter()
    for n in range(ROUNDS):
        race = Round(market, buyer, artist, moderator, n)
        assert race.hire() == 200
        before = last_notification(services)
        completed, removed = at_once(race.complete, race.remove)
        assert removed == 200, (n, completed, removed)
        assert completed in (200, 409), (n, completed)
        row = job_row(services, race.job_id)
        assert row["removed_at"] is not None
        [removal] = notification_ids(services, buyer.id, "content_removed", after=before)
        completions = notification_ids(services, artist.id, "job_completed", after=before)
        if completed == 200:
            orders["completion, then removal"] += 1
            assert row["status"] == "completed"
            assert len(completions) == 1 and completions[0] < removal
        else:
            orders["removal, then refused completion"] += 1
            assert row["status"] == "in_progress"
            assert completions == []
    assert sum(orders.values()) == ROUNDS, orders
