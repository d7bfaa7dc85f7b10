"""Two bulk moderation requests at the same moment, whose artworks' counter rows are locked in
opposite orders: a bulk rejection of featured then unfeatured artworks (it holds the featured
counter, then needs the unfeatured one) and a bulk unfeaturing (each of its rows takes the
unfeatured counter, then the featured one). PostgreSQL ends one of them as a deadlock; the unit
of work gives ConcurrentUpdate and the use case runs it again (application/transactions.py):
both answer 200, every artwork ends as asked, and the counters equal a recount. Before, one of
the two was a 500 in most rounds. PostgreSQL only: SQLite runs writers one at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import falcon.testing
import pytest
from sqlalchemy import insert, select

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.counts import COUNTED, recount, row_count_days, row_counts
from cultureup.bootstrap import Services, http_app
from tests.integration.conftest import Marketplace
from tests.integration.moderation_support import staff_user
from tests.integration.test_hiring_moderation_races import at_once

ROUNDS = 6


@pytest.fixture(autouse=True)
def _postgres_only(services: Services) -> None:
    if services.engine.dialect.name != "postgresql":
        pytest.skip("a race needs PostgreSQL's row locks; SQLite runs writers one at a time")


def _artworks(services: Services, artist_id: int, category_id: int, featured: bool,
              n: int) -> list[int]:
    when = datetime(2026, 5, 1, tzinfo=UTC)
    with services.engine.begin() as connection:
        return [connection.execute(insert(artworks).values(
            artist_id=artist_id, title="T", description="D", category_id=category_id,
            artwork_type="digital", price="10.00", image_key="k", watermarked_key="w",
            moderation_status="APPROVED", is_featured=featured,
            created_at=when + timedelta(hours=i), updated_at=when).returning(artworks.c.id)
        ).scalar_one() for i in range(n)]


def _counters(services: Services) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    with services.engine.connect() as connection:
        return (set(connection.execute(select(row_counts).where(row_counts.c.n != 0))),
                set(connection.execute(select(row_count_days).where(row_count_days.c.n != 0))))


def _bulk(client: falcon.testing.TestClient, headers: dict[str, str],
          body: dict[str, Any]) -> Callable[[], int]:
    return lambda: client.simulate_post("/api/admin/bulk/artworks/", headers=headers,
                                        json=body).status_code


def test_bulk_requests_locking_counters_in_opposite_orders_both_succeed(
        market: Marketplace, services: Services) -> None:
    artist, category = market.user("artist"), market.category()
    rejecting, unfeaturing = staff_user(market, "mod_reject"), staff_user(market, "mod_unfeat")
    clients = [falcon.testing.TestClient(http_app(services)) for _ in range(2)]
    for n in range(ROUNDS):
        featured_first = _artworks(services, artist.id, category, True, 15)
        plain = _artworks(services, artist.id, category, False, 40)
        featured_last = _artworks(services, artist.id, category, True, 15)
        statuses = at_once(
            _bulk(clients[0], rejecting.headers, {"action": "reject", "reason": "race",
                                                  "artwork_ids": featured_first + plain}),
            _bulk(clients[1], unfeaturing.headers, {"action": "unfeature",
                                                    "artwork_ids": featured_last}))
        assert statuses == (200, 200), (n, statuses)
        with services.engine.connect() as connection:
            rows = {row.id: (row.moderation_status, row.is_featured) for row in
                    connection.execute(select(
                        artworks.c.id, artworks.c.moderation_status, artworks.c.is_featured
                    ).where(artworks.c.id.in_(featured_first + plain + featured_last)))}
        assert all(rows[i][0] == "REJECTED" for i in featured_first + plain)
        assert all(rows[i] == ("APPROVED", False) for i in featured_last)
    kept = _counters(services)
    with services.engine.begin() as connection:
        for table in COUNTED:
            recount(connection, table)
    assert _counters(services) == kept
