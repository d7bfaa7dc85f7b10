"""Keyset paging over HTTP: `cursor=first`, then each page's `next` link, walks every row of a
public list exactly once, in the order page numbers give; a cursor is signed, so a changed,
foreign or misplaced one is a 400 that changes nothing."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import falcon.testing
import pytest
from sqlalchemy import insert

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.catalog.tables import equipment
from cultureup.adapters.sqlalchemy.counts import CursorSeal
from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings
from tests.integration.conftest import Marketplace
from tests.integration.test_profiles_api import ARTIST_BODY, BUYER_BODY

START = datetime(2026, 3, 1, tzinfo=UTC)


def _fill(services: Services, market: Marketplace) -> None:
    """Rows with many ties in every ordering, so that the id must break them."""
    artist = market.user("artist")
    category = market.category()
    buyer = market.user("buyer")
    with services.engine.begin() as connection:
        connection.execute(insert(artworks), [{
            "artist_id": artist.id, "title": f"Work {n}", "description": "D",
            "category_id": category, "artwork_type": ("digital", "painting")[n % 2],
            "price": f"{10 + n % 4}.50", "likes_count": n % 3, "views_count": n % 5,
            "image_key": "k", "watermarked_key": "w", "is_featured": n % 3 == 0,
            "moderation_status": "REJECTED" if n % 7 == 0 else "APPROVED",
            "created_at": START + timedelta(minutes=n // 3),
            "updated_at": START} for n in range(23)])
        connection.execute(insert(equipment), [{
            "name": f"Brush {n}", "equipment_type": ("brush", "paint")[n % 2],
            "price": f"{5 + n % 3}.00", "stock_quantity": n % 4,
            "created_at": START + timedelta(minutes=n // 2), "updated_at": START}
            for n in range(13)])
    for n in range(11):
        market.job(buyer, category, budget_min=f"{100 + 50 * (n % 3)}.00",
                   budget_max="1000.00")
        if n % 2:
            market.clock.advance(minutes=1)
    for n in range(7):
        for user_type, body in (("artist", ARTIST_BODY), ("buyer", BUYER_BODY)):
            user = market.user(user_type)
            response = market.client.simulate_post(
                f"/api/{user_type}-profiles/", headers=user.headers,
                json={**body, "hourly_rate": f"{50 + 10 * (n % 3)}.00"}
                if user_type == "artist" else body)
            assert response.status_code == 201, response.text
        if n % 3 == 2:
            market.clock.advance(minutes=1)


def _get(client: falcon.testing.TestClient, url: str, **params: Any) -> Any:
    response = client.simulate_get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json


def _by_cursor(client: falcon.testing.TestClient, url: str, key: str, **params: Any
               ) -> tuple[list[Any], list[int]]:
    ids: list[Any] = []
    counts = []
    body = _get(client, url, cursor="first", **params)
    while True:
        counts.append(body["count"])
        assert body["previous"] is None
        assert len(body["results"]) <= int(params.get("page_size", 20))
        ids += [_key(item, key) for item in body["results"]]
        if body["next"] is None:
            return ids, counts
        link = urlsplit(body["next"])
        assert link.path == url
        query = {name: values[-1] for name, values in parse_qs(link.query).items()}
        assert "page" not in query
        assert {name: query[name] for name in params} == {
            name: str(value) for name, value in params.items()}
        body = _get(client, url, **query)


def _key(item: dict[str, Any], key: str) -> Any:
    return item["user"]["id"] if key == "user" else item[key]


LISTS = [
    ("/api/artworks/", "id", [None, "price", "-price", "likes_count", "-views_count",
                              "created_at"], {"artwork_type": "digital"}),
    ("/api/artworks/featured/", "id", [None, "-created_at"], {}),
    ("/api/jobs/", "id", [None, "budget_min", "-budget_min", "deadline"], {"status": "open"}),
    ("/api/equipment/", "id", [None, "price", "-stock_quantity"], {"equipment_type": "brush"}),
    ("/api/equipment/in-stock/", "id", [None, "-price"], {}),
    ("/api/artist-profiles/", "user", [None, "hourly_rate", "-hourly_rate"],
     {"experience_level": "expert"}),
    ("/api/buyer-profiles/", "user", [None], {}),
]


@pytest.mark.parametrize(("url", "key", "orderings", "facet"), LISTS)
def test_cursor_pages_walk_the_list_as_page_numbers_do(
        services: Services, market: Marketplace, url: str, key: str,
        orderings: list[str | None], facet: dict[str, str]) -> None:
    _fill(services, market)
    client = market.client
    for ordering in orderings:
        for filters in ({}, facet):
            params: dict[str, Any] = dict(filters)
            if ordering is not None:
                params["ordering"] = ordering
            everything = _get(client, url, page_size=100, **params)
            expected = [_key(item, key) for item in everything["results"]]
            assert expected, (url, params)
            ids, counts = _by_cursor(client, url, key, page_size=3, **params)
            assert ids == expected, (url, params)
            assert set(counts) == {everything["count"]}


@pytest.mark.parametrize(("url", "key", "ordering", "facet", "values"), [
    ("/api/artworks/", "id", "-likes_count", "min_price", ["11", "12"]),
    ("/api/jobs/", "id", "budget_min", "max_budget", ["100", "150"]),
    ("/api/equipment/", "id", "-price", "equipment_type", ["brush", "paint"]),
    ("/api/artist-profiles/", "user", "hourly_rate", "min_hourly_rate", ["45", "55"]),
])
def test_a_cursor_statement_built_once_takes_each_request_s_values(
        services: Services, market: Marketplace, url: str, key: str, ordering: str,
        facet: str, values: list[str]) -> None:
    """Cursor pages reuse one statement per shape of filters and kind of page (first, or
    after a cursor): the filter's value, the page size and the cursor's values are bound at
    each request, so walks with different values of one filter each yield their own rows."""
    _fill(services, market)
    walked = []
    for value in values:
        params = {"ordering": ordering, facet: value}
        everything = _get(market.client, url, page_size=100, **params)
        expected = [_key(item, key) for item in everything["results"]]
        ids, _ = _by_cursor(market.client, url, key, page_size=2, **params)
        assert len(expected) > 2 and ids == expected, (url, params)
        walked.append(ids)
    assert walked[0] != walked[1]


def test_the_last_cursor_page_has_no_next(services: Services, market: Marketplace) -> None:
    _fill(services, market)
    total = _get(market.client, "/api/jobs/")["count"]
    body = _get(market.client, "/api/jobs/", cursor="first", page_size=total)
    assert len(body["results"]) == total
    assert body["next"] is None


def _next_cursor(client: falcon.testing.TestClient, url: str, **params: Any) -> str:
    body = _get(client, url, cursor="first", page_size=2, **params)
    return parse_qs(urlsplit(body["next"]).query)["cursor"][0]


def _refused(client: falcon.testing.TestClient, url: str, **params: Any) -> dict[str, Any]:
    response = client.simulate_get(url, params=params)
    assert response.status_code == 400, response.text
    assert "cursor" in response.json["details"], response.json
    return response.json


def _forged(cursor: str, change: dict[str, Any]) -> str:
    body, _, mac = cursor.partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(change)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + mac


@pytest.mark.parametrize("url", ["/api/artworks/", "/api/jobs/", "/api/equipment/",
                                 "/api/artist-profiles/", "/api/buyer-profiles/"])
def test_a_bad_cursor_is_a_400(services: Services, market: Marketplace, url: str) -> None:
    _fill(services, market)
    client = market.client
    cursor = _next_cursor(client, url)
    body, _, mac = cursor.partition(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    for bad in (flipped, body + ".", body, "abc.def", "a" * 400,
                _forged(cursor, {"v": [0, 1]}), _forged(cursor, {"o": "price"}),
                CursorSeal.random().seal(base64.urlsafe_b64decode(
                    body + "=" * (-len(body) % 4)))):
        _refused(client, url, cursor=bad)
    # Page numbers and a cursor together, and a cursor made for another ordering.
    _refused(client, url, cursor=cursor, page=2)
    other = {"/api/artworks/": "price", "/api/jobs/": "budget_min",
             "/api/equipment/": "price", "/api/artist-profiles/": "hourly_rate"}
    if url in other:
        _refused(client, url, cursor=cursor, ordering=other[url])


def test_a_cursor_for_an_ordering_by_a_computed_figure_is_a_400(
        services: Services, market: Marketplace) -> None:
    _fill(services, market)
    for url, ordering in (("/api/artist-profiles/", "-rating"),
                          ("/api/artist-profiles/", "total_projects_completed"),
                          ("/api/buyer-profiles/", "-total_spent")):
        body = _refused(market.client, url, cursor="first", ordering=ordering)
        assert "ordering" in body["details"]["cursor"][0]


def test_cursors_of_one_worker_are_accepted_by_another(
        services: Services, market: Marketplace, settings: Settings) -> None:
    """Every process derives the same signing key from the secret key."""
    _fill(services, market)
    client = market.client
    cursor = _next_cursor(client, "/api/artworks/")
    other = bootstrap(settings)
    try:
        second = falcon.testing.TestClient(http_app(other))
        response = second.simulate_get("/api/artworks/", params={"cursor": cursor,
                                                                 "page_size": 2})
        assert response.status_code == 200, response.text
        assert response.json["results"]
    finally:
        other.close()
    assert CursorSeal.derived("k" * 40) == CursorSeal.derived("k" * 40)
    assert CursorSeal.derived("k" * 40) != CursorSeal.derived("j" * 40)


def test_the_cursor_is_declared_in_the_openapi_document(market: Marketplace) -> None:
    document = _get(market.client, "/api/openapi.json")
    for path in ("/api/artworks/", "/api/jobs/", "/api/equipment/", "/api/artist-profiles/",
                 "/api/buyer-profiles/", "/api/artworks/featured/"):
        parameters = {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}
        assert "cursor" in parameters, path
        assert "first|" in json.dumps(parameters["cursor"]["schema"])
