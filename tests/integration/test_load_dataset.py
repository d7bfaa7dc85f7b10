"""The benchmark loader writes rows as the repositories would: identity keys and folded search
text included, so that the loaded users are distinct and the loaded rows are found by search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from benchmarks.load_dataset import load
from sqlalchemy import Engine, func, select

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.counts import row_count_days, row_counts
from cultureup.adapters.sqlalchemy.tables import bids, jobs
from cultureup.bootstrap import Services
from tests.integration.conftest import Marketplace


def _data(n: int) -> dict[str, Any]:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    users = [{"id": i + 1, "username": f"{kind}_{i}", "email": f"{kind}_{i}@example.com",
              "first_name": f"First{i}", "last_name": f"Last{i}", "user_type": kind}
             for i, kind in enumerate(["artist", "buyer"] * 3)]
    words = ["Sunset over Lahore", "Mughal garden", "Zebra crossing"]
    artworks = [{"id": i + 1, "artist_id": 1 + 2 * (i % 3), "title": words[i % 3],
                 "description": f"A study {i}", "category_id": 1,
                 "artwork_type": "digital", "price": "120.00", "is_available": True,
                 "is_featured": False, "image": "a.jpg", "watermarked_image": "w.jpg",
                 "views_count": i, "likes_count": i % 4,
                 "created_at": start + timedelta(minutes=i),
                 "updated_at": start + timedelta(minutes=i)} for i in range(n)]
    jobs = [{"id": i + 1, "buyer_id": 2, "title": f"{words[i % 3]} mural",
             "description": "Paint a wall", "category_id": 1, "budget_min": "100.00",
             "budget_max": "300.00", "duration_days": 5, "required_skills": "paint",
             "experience_level": "expert", "status": "open", "deadline": start + timedelta(30),
             "created_at": start + timedelta(minutes=i),
             "updated_at": start + timedelta(minutes=i)} for i in range(n)]
    bids = [{"id": 1, "job_id": 1, "artist_id": 1, "bid_amount": "150.00",
             "status": "pending"}]
    return {"categories": [{"id": 1, "name": "Digital Art", "description": "Digital"}],
            "users": users, "artworks": artworks, "jobs": jobs, "bids": bids}


@pytest.fixture
def loaded(services: Services) -> Iterator[Engine]:
    engine = services.engine
    yield engine
    # The loader ends with ANALYZE; statistics of a few rows must not steer later tests.
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM sqlite_stat1")
            connection.exec_driver_sql("ANALYZE sqlite_schema")


def test_loaded_rows_are_distinct_users_and_found_by_search(
        loaded: Engine, market: Marketplace) -> None:
    counts = load(loaded, _data(9), batch=4)
    assert counts["artworks"] == 9 and counts["jobs"] == 9 and counts["users"] == 6
    body = market.client.simulate_get("/api/search/", params={"q": "sunset"}).json
    assert [len(body["results"][group]) for group in ("artworks", "jobs")] == [3, 3]
    assert body["total_results"] == 6
    artists = market.client.simulate_get("/api/search/", params={"q": "first0"}).json
    assert [hit["username"] for hit in artists["results"]["artists"]] == ["artist_0"]
    listed = market.client.simulate_get("/api/artworks/", params={"search": "zebra"}).json
    assert listed["count"] == 3


def test_loaded_counters_are_those_the_triggers_keep(
        loaded: Engine, market: Marketplace) -> None:
    """The counters the loader leaves (recounted after a PostgreSQL load, kept by the triggers
    on SQLite) are the triggers' own: deleting every loaded row through the triggers brings
    each counter back to zero, and the lists count the loaded rows."""
    load(loaded, _data(9), batch=4)
    assert market.client.simulate_get("/api/artworks/").json["count"] == 9
    assert market.client.simulate_get("/api/jobs/", params={"status": "open"}).json[
        "count"] == 9
    with loaded.begin() as connection:
        counters = dict(connection.execute(select(row_counts.c.scope, row_counts.c.n)).all())
        assert counters["artworks:visible:artist_id=1"] == 3
        assert counters["jobs:buyer_id=2"] == 9
        by_day = connection.execute(select(func.sum(row_count_days.c.n))
                                    .where(row_count_days.c.scope == "jobs:status=open")
                                    ).scalar_one()
        assert by_day == 9
        for table in (bids, jobs, artworks):
            connection.execute(table.delete())
        left = connection.execute(select(row_counts.c.scope, row_counts.c.n)
                                  .where(row_counts.c.n != 0)).all()
        left_by_day = connection.execute(select(row_count_days)
                                         .where(row_count_days.c.n != 0)).all()
    assert left == [] and left_by_day == []
