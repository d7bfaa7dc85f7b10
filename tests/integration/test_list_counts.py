"""List counts come from counters kept by triggers; whatever the writes, they equal a real
COUNT(*) of the same filter, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, text, update

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import VISIBLE_ARTWORKS, artworks
from cultureup.adapters.sqlalchemy.counts import (
    COUNTED,
    recount,
    row_count_days,
    row_counts,
    scope_value,
)
from cultureup.adapters.sqlalchemy.tables import jobs
from cultureup.bootstrap import Services
from tests.integration.conftest import Marketplace


def _counters(services: Services) -> dict[str, int]:
    with services.engine.connect() as connection:
        return {scope: n for scope, n in connection.execute(select(row_counts)) if n}


def _day_counters(services: Services) -> dict[tuple[str, str], int]:
    with services.engine.connect() as connection:
        return {(scope, day): n for scope, day, n in connection.execute(select(row_count_days))
                if n}


def _real_day_counts(services: Services) -> dict[tuple[str, str], int]:
    """What row_count_days must hold: every list counted by day, by UTC day of creation."""
    out: dict[tuple[str, str], int] = {}
    with services.engine.connect() as connection:
        for table, prefix, visible, facets in (
                (artworks, "artworks", None, ()),
                (artworks, "artworks:visible", text(VISIBLE_ARTWORKS),
                 ("category_id", "artwork_type", "is_featured")),
                (jobs, "jobs", jobs.c.removed_at.is_(None),
                 ("status", "category_id", "experience_level"))):
            query = select(table) if visible is None else select(table).where(visible)
            for row in connection.execute(query).mappings():
                day = row["created_at"].strftime("%Y-%m-%d")
                scopes = [prefix] + [f"{prefix}:{facet}={scope_value(row[facet])}"
                                     for facet in facets]
                for scope in scopes:
                    out[scope, day] = out.get((scope, day), 0) + 1
    return out


def _real_counts(services: Services) -> dict[str, int]:
    out: dict[str, int] = {}
    with services.engine.connect() as connection:
        for row in connection.execute(select(artworks)).mappings():
            scopes = ["artworks"]
            if row["moderation_status"] != "REJECTED":
                scopes += ["artworks:visible"] + [
                    f"artworks:visible:{facet}={value}" for facet, value in (
                        ("category_id", row["category_id"]),
                        ("artwork_type", row["artwork_type"]),
                        ("is_featured", "1" if row["is_featured"] else "0"),
                        ("artist_id", row["artist_id"]))]
            for scope in scopes:
                out[scope] = out.get(scope, 0) + 1
        for row in connection.execute(select(jobs)).mappings():
            for scope in ["jobs"] + [f"jobs:{facet}={row[facet]}" for facet in (
                    "status", "category_id", "experience_level", "buyer_id")]:
                out[scope] = out.get(scope, 0) + 1
    return out


def _artwork(artist_id: int, category_id: int, **values: Any) -> dict[str, Any]:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    return {"artist_id": artist_id, "title": "T", "description": "D",
            "category_id": category_id, "artwork_type": "digital", "price": "10.00",
            "image_key": "k", "watermarked_key": "w", "created_at": now, "updated_at": now,
            **values}


def test_counters_follow_every_kind_of_write(services: Services, market: Marketplace) -> None:
    buyer, artist = market.user("buyer"), market.user("artist")
    first, second = market.category(), market.category()
    posted = [market.job(buyer, first)["id"] for _ in range(3)]
    posted.append(market.job(buyer, second, experience_level="entry")["id"])
    bid = market.bid(artist, posted[0])
    response = market.client.simulate_post(f"/api/jobs/{posted[0]}/hire/",
                                           json={"bid_id": bid["id"]}, headers=buyer.headers)
    assert response.status_code == 200, response.text
    assert market.client.simulate_post(f"/api/jobs/{posted[1]}/cancel/",
                                       headers=buyer.headers).status_code == 200
    assert market.client.simulate_delete(f"/api/jobs/{posted[2]}/",
                                         headers=buyer.headers).status_code == 204
    with services.engine.begin() as connection:
        for values in ({}, {"is_featured": True}, {"moderation_status": "REJECTED"},
                       {"artwork_type": "physical"}):
            connection.execute(insert(artworks).values(_artwork(artist.id, first, **values)))
        ids = connection.execute(select(artworks.c.id).order_by(artworks.c.id)).scalars().all()
        connection.execute(update(artworks).where(artworks.c.id == ids[0])
                           .values(moderation_status="REJECTED"))
        connection.execute(update(artworks).where(artworks.c.id == ids[2])
                           .values(moderation_status="APPROVED", category_id=second))
        connection.execute(update(artworks).where(artworks.c.id == ids[1])
                           .values(is_featured=False, likes_count=5))
        connection.execute(artworks.delete().where(artworks.c.id == ids[3]))
        # A row moved to another day (only a hand-written change does that) moves its count.
        connection.execute(update(artworks).where(artworks.c.id == ids[2])
                           .values(created_at=datetime(2026, 2, 27, 23, 59, tzinfo=UTC)))
        connection.execute(update(jobs).where(jobs.c.id == posted[3])
                           .values(created_at=datetime(2025, 12, 31, 0, 0, tzinfo=UTC)))
    assert _counters(services) == _real_counts(services)
    assert _day_counters(services) == _real_day_counts(services)


def test_a_recount_gives_what_the_triggers_keep(services: Services,
                                               market: Marketplace) -> None:
    # Bulk loads switch the triggers off on PostgreSQL and recount (counts.recount).
    buyer, artist = market.user("buyer"), market.user("artist")
    first, second = market.category(), market.category()
    posted = [market.job(buyer, category)["id"] for category in (first, second, first)]
    removed = datetime(2026, 3, 2, tzinfo=UTC)
    with services.engine.begin() as connection:
        for values in ({}, {"is_featured": True}, {"moderation_status": "REJECTED"},
                       {"moderation_status": "APPROVED", "artwork_type": "physical"},
                       {"removed_at": removed}, {"artwork_type": "mixed"}):
            connection.execute(insert(artworks).values(_artwork(artist.id, first, **values)))
        held = connection.execute(select(func.min(artworks.c.id))).scalar_one()
        connection.execute(insert(artworks).values(_artwork(
            artist.id, second, moderation_status="PENDING", duplicate_candidate_id=held)))
        connection.execute(update(jobs).where(jobs.c.id == posted[1])
                           .values(removed_at=removed))
        connection.execute(update(jobs).where(jobs.c.id == posted[2])
                           .values(status="cancelled"))
    kept, kept_by_day = _counters(services), _day_counters(services)
    assert kept["artworks"] == 7 and kept["jobs"] == 2
    assert kept_by_day == _real_day_counts(services)
    with services.engine.begin() as connection:
        for table in COUNTED:
            recount(connection, table)
    assert _counters(services) == kept
    assert _day_counters(services) == kept_by_day


def test_list_count_is_the_counter_or_an_exact_count(client: Any, market: Marketplace,
                                                     services: Services) -> None:
    buyer = market.user("buyer")
    category = market.category()
    for budget in ("500.00", "1500.00"):
        market.job(buyer, category, budget_min=budget, budget_max=budget)
    get = client.simulate_get
    assert get("/api/jobs/").json["count"] == 2
    assert get("/api/jobs/", params={"status": "open"}).json["count"] == 2
    assert get("/api/jobs/", params={"status": "completed"}).json["count"] == 0
    assert get("/api/jobs/", params={"status": "open", "min_budget": "1000"}).json["count"] == 1
    with services.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(jobs)).scalar_one() == 2
