"""Races the database must settle: concurrent hires for one job, concurrent bids."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.tables import bids, jobs
from tests.integration.conftest import Marketplace

RACERS = 20


def test_twenty_concurrent_hires_for_one_job_hire_exactly_one_artist(
        market: Marketplace) -> None:
    buyer = market.user("buyer")
    job = market.job(buyer, budget_min="100.00", budget_max="5000.00")
    artists = [market.user("artist") for _ in range(RACERS)]
    bid_ids = [market.bid(artist, job["id"], amount=f"{100 + index}.00")["id"]
               for index, artist in enumerate(artists)]
    start = threading.Barrier(RACERS)

    def hire(bid_id: int) -> int:
        start.wait()
        return market.client.simulate_post(
            f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
            json={"bid_id": bid_id}).status_code

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        statuses = list(pool.map(hire, bid_ids))

    assert statuses.count(200) == 1, statuses
    assert all(status in (400, 409) for status in statuses if status != 200), statuses
    with market.services.engine.connect() as connection:
        row = connection.execute(select(jobs).where(jobs.c.id == job["id"])).mappings().one()
        accepted = connection.execute(select(bids.c.artist_id).where(
            bids.c.job_id == job["id"], bids.c.status == "accepted")).scalars().all()
        pending = connection.execute(select(func.count()).select_from(bids).where(
            bids.c.job_id == job["id"], bids.c.status == "pending")).scalar_one()
    assert row["status"] == "in_progress"
    assert accepted == [row["hired_artist_id"]]
    assert pending == 0


def test_concurrent_bids_by_different_artists_all_land(market: Marketplace) -> None:
    buyer = market.user("buyer")
    job = market.job(buyer)
    artists = [market.user("artist") for _ in range(10)]
    start = threading.Barrier(len(artists))

    def bid(artist_index: int) -> int:
        start.wait()
        return market.client.simulate_post("/api/bids/", headers=artists[artist_index].headers,
                                           json={"job_id": job["id"], "bid_amount": "700.00",
                                                 "delivery_time": 4,
                                                 "cover_letter": "Ready to start."}).status_code

    with ThreadPoolExecutor(max_workers=len(artists)) as pool:
        statuses = list(pool.map(bid, range(len(artists))))

    assert statuses == [201] * len(artists)
    detail = market.client.simulate_get(f"/api/jobs/{job['id']}/").json
    assert detail["total_bids"] == len(artists)


def test_the_same_artist_bidding_twice_at_once_gets_one_bid(market: Marketplace) -> None:
    buyer, artist = market.user("buyer"), market.user("artist")
    job = market.job(buyer)
    start = threading.Barrier(5)

    def bid(_: int) -> int:
        start.wait()
        return market.client.simulate_post("/api/bids/", headers=artist.headers, json={
            "job_id": job["id"], "bid_amount": "700.00", "delivery_time": 4,
            "cover_letter": "Ready to start."}).status_code

    with ThreadPoolExecutor(max_workers=5) as pool:
        statuses = list(pool.map(bid, range(5)))

    assert sorted(statuses) == [201, 400, 400, 400, 400]
