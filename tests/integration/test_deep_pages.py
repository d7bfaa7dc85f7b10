"""A deep page by number of a list in creation order starts at its first row's day
(counts.day_jump, the day counts of migration 0024) instead of walking every skipped row: it
holds exactly the rows the walk gives, in the same order, on SQLite and PostgreSQL, with ties
in created_at, rows at a day's first and last microsecond, and rows the public does not see."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from cultureup.adapters.sqlalchemy import counts
from cultureup.adapters.sqlalchemy.catalog import artwork_queries
from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.tables import jobs
from cultureup.application.catalog.artwork_ports import ArtworkFilters
from cultureup.application.views import PageRequest
from cultureup.bootstrap import Services
from tests.integration.conftest import Marketplace

START = datetime(2026, 1, 1, tzinfo=UTC)
PAGE_SIZE = 7


def _moment(rnd: random.Random) -> datetime:
    """A creation time on one of ten days, often shared with other rows, often at the very
    start or end of its day."""
    day = START + timedelta(days=rnd.randrange(10))
    return day + rnd.choice([timedelta(0), timedelta(0), timedelta(hours=12),
                             timedelta(days=1, microseconds=-1), timedelta(seconds=1)])


@pytest.fixture
def filled(services: Services, market: Marketplace) -> dict[str, Any]:
    artist, buyer = market.user("artist"), market.user("buyer")
    categories = [market.category(), market.category()]
    rnd = random.Random(2026)
    with services.engine.begin() as connection:
        for _ in range(160):
            created = _moment(rnd)
            visibility = rnd.choice([{}] * 8 + [{"moderation_status": "REJECTED"},
                                                {"removed_at": created}])
            connection.execute(insert(artworks).values(
                artist_id=artist.id, title="T", description="D",
                category_id=rnd.choice(categories),
                artwork_type=rnd.choice(["digital", "physical"]), price="10.00",
                image_key="k", watermarked_key="w", is_featured=rnd.random() < 0.3,
                created_at=created, updated_at=created, **visibility))
        for _ in range(160):
            created = _moment(rnd)
            connection.execute(insert(jobs).values(
                buyer_id=buyer.id, title="J", description="D",
                category_id=rnd.choice(categories), budget_min="100.00", budget_max="200.00",
                duration_days=5, experience_level=rnd.choice(["entry", "expert"]),
                deadline=created + timedelta(days=30),
                status=rnd.choice(["open", "open", "in_progress", "completed"]),
                created_at=created, updated_at=created,
                removed_at=created if rnd.random() < 0.1 else None))
    return {"categories": categories}


def _jump_from(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    monkeypatch.setattr(counts, "DAY_JUMP_FROM", rows)


def _every_page(client: Any, path: str, params: dict[str, Any]) -> tuple[int, list[int]]:
    ids: list[int] = []
    page = 1
    while True:
        response = client.simulate_get(path, params={**params, "page": page,
                                                     "page_size": PAGE_SIZE})
        if response.status_code == 404:
            break
        assert response.status_code == 200, response.text
        count = response.json["count"]
        ids += [row["id"] for row in response.json["results"]]
        page += 1
    return count, ids


def _cases(categories: list[int]) -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for ordering in (None, "-created_at", "created_at"):
        order = {} if ordering is None else {"ordering": ordering}
        cases += [("/api/artworks/", {**order}),
                  ("/api/artworks/", {**order, "category": categories[1]}),
                  ("/api/artworks/", {**order, "artwork_type": "physical"}),
                  ("/api/artworks/", {**order, "is_featured": "true"}),
                  ("/api/artworks/", {**order, "is_featured": "false"}),
                  ("/api/jobs/", {**order}),
                  ("/api/jobs/", {**order, "status": "open"}),
                  ("/api/jobs/", {**order, "category": categories[0]}),
                  ("/api/jobs/", {**order, "experience_level": "expert"})]
    return cases


def test_pages_that_start_at_a_day_hold_what_walking_gives(
        client: Any, filled: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
        count_queries: Any) -> None:
    for path, params in _cases(filled["categories"]):
        _jump_from(monkeypatch, 10**9)
        walked = _every_page(client, path, params)
        _jump_from(monkeypatch, 0)
        count_queries.statements.clear()
        jumped = _every_page(client, path, params)
        assert jumped == walked, (path, params)
        assert walked[0] == len(walked[1]) == len(set(walked[1])) > PAGE_SIZE * 3
        # Every page past the first read the day counts.
        assert sum("row_count_days" in statement for statement in count_queries.statements
                   ) >= len(walked[1]) // PAGE_SIZE


def test_a_page_past_the_end_is_not_found_either_way(
        client: Any, filled: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _jump_from(monkeypatch, 0)
    for path in ("/api/artworks/", "/api/jobs/"):
        count = client.simulate_get(path).json["count"]
        last = -(-count // PAGE_SIZE)
        assert client.simulate_get(path, params={"page": last, "page_size": PAGE_SIZE}
                                   ).status_code == 200
        assert client.simulate_get(path, params={"page": last + 1, "page_size": PAGE_SIZE}
                                   ).status_code == 404


def test_the_staff_list_of_every_artwork_starts_at_a_day_too(
        services: Services, filled: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Staff see hidden artworks as well (counted under "artworks", every row)."""
    queries = artwork_queries.SqlAlchemyArtworkQueries(services.engine, url_for=str,
                                                       original_url_for=str)
    for ordering in (None, "created_at"):
        filters = ArtworkFilters(include_rejected=True, ordering=ordering)
        pages = {}
        for jump_from in (10**9, 0):
            _jump_from(monkeypatch, jump_from)
            pages[jump_from] = [
                [view.id for view in queries.list_artworks(
                    filters, PageRequest.of(number, PAGE_SIZE)).items]
                for number in range(1, 160 // PAGE_SIZE + 2)]
        assert pages[0] == pages[10**9]
        every = list(itertools.chain.from_iterable(pages[0]))
        assert len(every) == len(set(every)) == 160  # hidden ones included


def test_a_time_stored_without_fractions_is_on_its_own_day(
        client: Any, services: Services, filled: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite keeps times as text: one written by other software as "2026-01-04 00:00:00" or
    "2026-01-04T00:00:00" (no fraction) sorts before "2026-01-04 00:00:00.000000" yet belongs
    to 4 January, as the triggers count it; the day bound is the day's text, so pages still
    hold what walking gives."""
    if services.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL stores timestamps, not text")
    with services.engine.begin() as connection:
        template = connection.exec_driver_sql(
            "SELECT artist_id, category_id FROM artworks LIMIT 1").one()
        for moment in ("2026-01-04 00:00:00", "2026-01-04T00:00:00", "2026-01-05 00:00",
                       "2026-01-04 23:59:59"):
            connection.exec_driver_sql(
                "INSERT INTO artworks (artist_id, title, description, category_id, "
                "artwork_type, price, image_key, watermarked_key, created_at, updated_at) "
                "VALUES (?, 'T', 'D', ?, 'digital', 1000, 'k', 'w', ?, ?)",
                (template.artist_id, template.category_id, moment, moment))
    for params in ({}, {"ordering": "created_at"}):
        _jump_from(monkeypatch, 10**9)
        walked = _every_page(client, "/api/artworks/", params)
        _jump_from(monkeypatch, 0)
        assert _every_page(client, "/api/artworks/", params) == walked


def test_a_page_past_the_end_reads_no_row(
        client: Any, filled: dict[str, Any], count_queries: Any) -> None:
    """Its count says it is empty: walking the whole list to skip every row is not done."""
    for path in ("/api/artworks/", "/api/jobs/", "/api/artists/", "/api/equipment/"):
        count_queries.statements.clear()
        response = client.simulate_get(path, params={"page": 10**6, "page_size": 100})
        assert response.status_code == 404, path
        assert not any("LIMIT" in statement.upper() for statement in count_queries.statements
                       ), (path, count_queries.statements)
