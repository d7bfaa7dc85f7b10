"""Reads stay reads: an artwork detail GET writes nothing (no UPDATE, no write lock); its view
is counted in memory, shown at once, and written in a batch by the view counter."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, select

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.bootstrap import Services
from tests.integration.conftest import Marketplace


def _artwork(services: Services, market: Marketplace) -> int:
    artist, category = market.user("artist"), market.category()
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with services.engine.begin() as connection:
        return connection.execute(insert(artworks).values(
            artist_id=artist.id, title="Dusk", description="Oil on canvas",
            category_id=category, artwork_type="physical", price="120.00", image_key="a.jpg",
            watermarked_key="a_wm.jpg", views_count=7, created_at=now, updated_at=now,
        ).returning(artworks.c.id)).scalar_one()


def _stored_views(services: Services, artwork_id: int) -> int:
    with services.engine.connect() as connection:
        return connection.execute(select(artworks.c.views_count).where(
            artworks.c.id == artwork_id)).scalar_one()


def test_a_detail_get_runs_no_write(services: Services, market: Marketplace) -> None:
    artwork_id = _artwork(services, market)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)

    event.listen(services.engine, "before_cursor_execute", record)
    try:
        response = market.client.simulate_get(f"/api/artworks/{artwork_id}/")
    finally:
        event.remove(services.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert response.json["views_count"] == 8  # the stored 7 and this view
    verbs = {statement.split(maxsplit=1)[0].upper() for statement in statements}
    assert verbs, "the detail was read from the database"
    assert verbs <= {"SELECT", "BEGIN", "COMMIT", "ROLLBACK"}, statements
    assert not any("IMMEDIATE" in statement.upper() for statement in statements)
    assert _stored_views(services, artwork_id) == 7


def test_views_are_shown_at_once_and_written_in_one_batch(services: Services,
                                                          market: Marketplace) -> None:
    artwork_id = _artwork(services, market)
    for _ in range(5):
        market.client.simulate_get(f"/api/artworks/{artwork_id}/")
    listed = market.client.simulate_get("/api/artworks/").json["results"][0]
    assert listed["views_count"] == 12
    assert services.views.flush() == 5
    assert _stored_views(services, artwork_id) == 12
    assert services.views.flush() == 0
    assert market.client.simulate_get(f"/api/artworks/{artwork_id}/").json["views_count"] == 13
    services.close()  # writes what is waiting, as a server process does when it stops
    assert _stored_views(services, artwork_id) == 13
