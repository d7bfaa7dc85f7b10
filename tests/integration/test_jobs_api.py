"""/api/jobs/: posting, the public job board with its filters and pages, editing, deletion and
the computed fields (average_bid, total_bids, deadline_approaching)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import falcon.testing
import pytest

from tests.integration.assertions import assert_error
from tests.integration.conftest import ApiUser, Marketplace, SteppingClock

JOB_KEYS = {"id", "buyer", "title", "description", "category", "budget_min", "budget_max",
            "duration_days", "required_skills", "experience_level", "status", "hired_artist",
            "final_amount", "deadline", "created_at", "updated_at", "average_bid",
            "total_bids", "deadline_approaching"}


def iso(clock: SteppingClock, **delta: float) -> str:
    return (clock.now() + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def ids(response: falcon.testing.Result) -> list[int]:
    assert response.status_code == 200, response.text
    return [job["id"] for job in response.json["results"]]




@pytest.fixture
def buyer(market: Marketplace) -> ApiUser:
    return market.user("buyer", username="buyer_sarah")


@pytest.fixture
def artist(market: Marketplace) -> ApiUser:
    return market.user("artist")


# -- creating -----------------------------------------------------------------------------


def test_create_job_returns_the_documented_shape(client: falcon.testing.TestClient,
                                                 market: Marketplace, buyer: ApiUser) -> None:
    category = market.category("Graphic Design")
    payload = market.job_payload(category, deadline="2026-03-20T23:59:59Z")
    response = client.simulate_post("/api/jobs/", headers=buyer.headers, json=payload)
    assert response.status_code == 201, response.text
    job = response.json
    assert set(job) == JOB_KEYS
    assert isinstance(job["id"], int)
    # Others see a buyer's name, never their contact data.
    assert job["buyer"] == {"id": buyer.id, "username": "buyer_sarah", "first_name": "Test",
                            "last_name": "Buyer_Sarah", "profile_image": None}
    assert job["category"] == {"id": category, "name": "Graphic Design",
                               "description": "Test category"}
    assert job["title"] == payload["title"]
    assert job["description"] == payload["description"]
    assert job["budget_min"] == "500.00"
    assert job["budget_max"] == "1000.00"
    assert job["duration_days"] == 7
    assert job["required_skills"] == "Logo Design, Branding"
    assert job["experience_level"] == "expert"
    assert job["status"] == "open"
    assert job["hired_artist"] is None
    assert job["final_amount"] is None
    assert job["deadline"] == "2026-03-20T23:59:59Z"
    assert job["created_at"] == job["updated_at"] == "2026-03-01T09:00:00Z"
    assert job["average_bid"] is None
    assert job["total_bids"] == 0
    assert job["deadline_approaching"] is False
    detail = client.simulate_get(f"/api/jobs/{job['id']}/")
    assert detail.status_code == 200
    assert detail.json == job


@pytest.mark.parametrize(("budget_min", "budget_max", "expected"), [
    (500, 1000, ("500.00", "1000.00")),
    (499.5, "1000.1", ("499.50", "1000.10")),
    ("0.01", "0.01", ("0.01", "0.01")),
    (" 250.25 ", 250.25, ("250.25", "250.25")),
])
def test_money_may_be_sent_as_number_or_string(client: falcon.testing.TestClient,
                                               market: Marketplace, buyer: ApiUser,
                                               budget_min: Any, budget_max: Any,
                                               expected: tuple[str, str]) -> None:
    response = client.simulate_post("/api/jobs/", headers=buyer.headers, json=market.job_payload(
        market.category(), budget_min=budget_min, budget_max=budget_max))
    assert response.status_code == 201, response.text
    assert (response.json["budget_min"], response.json["budget_max"]) == expected


def test_deadline_with_offset_is_returned_in_utc(client: falcon.testing.TestClient,
                                                 market: Marketplace, buyer: ApiUser) -> None:
    response = client.simulate_post("/api/jobs/", headers=buyer.headers, json=market.job_payload(
        market.category(), deadline="2026-03-21T04:59:59+05:00"))
    assert response.status_code == 201, response.text
    assert response.json["deadline"] == "2026-03-20T23:59:59Z"


def test_required_skills_is_optional(client: falcon.testing.TestClient, market: Marketplace,
                                     buyer: ApiUser) -> None:
    payload = market.job_payload(market.category())
    del payload["required_skills"]
    response = client.simulate_post("/api/jobs", headers=buyer.headers, json=payload)
    assert response.status_code == 201, response.text
    assert response.json["required_skills"] == ""


def test_only_buyers_post_jobs(client: falcon.testing.TestClient, market: Marketplace,
                               artist: ApiUser) -> None:
    payload = market.job_payload(market.category())
    assert_error(client.simulate_post("/api/jobs/", headers=artist.headers, json=payload), 403)
    response = client.simulate_post("/api/jobs/", json=payload)
    assert_error(response, 401)
    assert response.headers.get("WWW-Authenticate") == "Token"
    assert client.simulate_get("/api/jobs/").json["count"] == 0


@pytest.mark.parametrize(("overrides", "field"), [
    ({"budget_min": "600.00", "budget_max": "599.99"}, "budget_max"),
    ({"budget_min": "0"}, "budget_min"),
    ({"budget_min": "0.00"}, "budget_min"),
    ({"budget_min": "-5.00"}, "budget_min"),
    ({"budget_min": -5}, "budget_min"),
    ({"budget_min": "10.001"}, "budget_min"),
    ({"budget_max": "abc"}, "budget_max"),
    ({"duration_days": 0}, "duration_days"),
    ({"duration_days": -3}, "duration_days"),
    ({"duration_days": 1.5}, "duration_days"),
    ({"duration_days": "seven"}, "duration_days"),
    ({"deadline": "2026-02-28T09:00:00Z"}, "deadline"),
    ({"deadline": "2026-03-01T09:00:00Z"}, "deadline"),
    ({"deadline": "next tuesday"}, "deadline"),
    ({"category_id": 999999}, "category_id"),
    ({"category_id": "abc"}, "category_id"),
    ({"experience_level": "guru"}, "experience_level"),
    ({"experience_level": "Expert"}, "experience_level"),
    ({"title": "x" * 201}, "title"),
    ({"title": "   "}, "title"),
    ({"description": ""}, "description"),
    ({"title": None}, "title"),
])
def test_create_job_validation(client: falcon.testing.TestClient, market: Marketplace,
                               buyer: ApiUser, overrides: dict[str, Any], field: str) -> None:
    payload = {**market.job_payload(market.category()), **overrides}
    response = client.simulate_post("/api/jobs/", headers=buyer.headers, json=payload)
    assert_error(response, 400, field)
    assert client.simulate_get("/api/jobs/").json["count"] == 0


@pytest.mark.parametrize("field", ["title", "description", "category_id", "budget_min",
                                   "budget_max", "duration_days", "experience_level",
                                   "deadline"])
def test_create_job_requires_field(client: falcon.testing.TestClient, market: Marketplace,
                                   buyer: ApiUser, field: str) -> None:
    payload = market.job_payload(market.category())
    del payload[field]
    response = client.simulate_post("/api/jobs/", headers=buyer.headers, json=payload)
    assert "This field is required." in assert_error(response, 400, field)["details"][field]


def test_inactive_category_is_refused(client: falcon.testing.TestClient, market: Marketplace,
                                      buyer: ApiUser) -> None:
    payload = market.job_payload(market.category(is_active=False))
    assert_error(client.simulate_post("/api/jobs/", headers=buyer.headers, json=payload), 400,
                 "category_id")


def test_title_of_exactly_200_characters_is_accepted(client: falcon.testing.TestClient,
                                                     market: Marketplace,
                                                     buyer: ApiUser) -> None:
    response = client.simulate_post("/api/jobs/", headers=buyer.headers,
                                    json=market.job_payload(market.category(), title="t" * 200))
    assert response.status_code == 201
    assert response.json["title"] == "t" * 200


# -- listing ------------------------------------------------------------------------------


def test_list_is_public_and_paginated(client: falcon.testing.TestClient, market: Marketplace,
                                      buyer: ApiUser) -> None:
    job = market.job(buyer)
    response = client.simulate_get("/api/jobs/")
    assert response.status_code == 200
    assert response.json == {"count": 1, "next": None, "previous": None,
                             "results": [client.simulate_get(f"/api/jobs/{job['id']}/").json]}
    assert set(response.json["results"][0]) == JOB_KEYS


def test_trailing_slash_is_optional(client: falcon.testing.TestClient, market: Marketplace,
                                    buyer: ApiUser) -> None:
    job = market.job(buyer)
    assert client.simulate_get("/api/jobs").json == client.simulate_get("/api/jobs/").json
    assert (client.simulate_get(f"/api/jobs/{job['id']}").json
            == client.simulate_get(f"/api/jobs/{job['id']}/").json)


def test_unknown_job_is_404(client: falcon.testing.TestClient, market: Marketplace,
                            buyer: ApiUser) -> None:
    job = market.job(buyer)
    for path in (f"/api/jobs/{job['id'] + 1000}/", "/api/jobs/2147483647/",
                 "/api/jobs/99999999999/", "/api/jobs/0/", "/api/jobs/abc/"):
        assert_error(client.simulate_get(path), 404)


@pytest.fixture
def board(client: falcon.testing.TestClient, market: Marketplace, buyer: ApiUser,
          clock: SteppingClock) -> dict[str, int]:
    """Three jobs differing in every filterable and orderable field."""
    design, music = market.category("Design"), market.category("Music")
    made = {}
    for name, category, level, budget, days in [
        ("a", design, "entry", ("100.00", "200.00"), 10),
        ("b", music, "intermediate", ("300.00", "500.00"), 30),
        ("c", design, "expert", ("600.00", "1000.00"), 20),
    ]:
        made[name] = market.job(buyer, category, title=f"Job {name.upper()}",
                                description=f"Description of {name}", experience_level=level,
                                budget_min=budget[0], budget_max=budget[1],
                                deadline=iso(clock, days=days))["id"]
        clock.advance(hours=1)
    made["design"], made["music"] = design, music
    return made


FILTER_CASES = [
    ("", "cba"),
    ("status=open", "cba"),
    ("status=in_progress", ""),
    ("status=completed", ""),
    ("experience_level=entry", "a"),
    ("experience_level=expert", "c"),
    ("min_budget=400", "cb"),
    ("min_budget=500", "cb"),
    ("min_budget=500.01", "c"),
    ("max_budget=350", "ba"),
    ("max_budget=300", "ba"),
    ("max_budget=299.99", "a"),
    ("min_budget=250&max_budget=550", "b"),
    ("min_budget=5000", ""),
    ("search=job b", "b"),
    ("search=JOB", "cba"),
    ("search=DESCRIPTION OF C", "c"),
    ("search=%", ""),
    ("search=_", ""),
    ("search=nothing like it", ""),
    ("experience_level=entry&min_budget=150", "a"),
    ("ordering=budget_min", "abc"),
    ("ordering=-budget_min", "cba"),
    ("ordering=deadline", "acb"),
    ("ordering=-deadline", "bca"),
    ("ordering=created_at", "abc"),
    ("ordering=-created_at", "cba"),
    ("status=open&ordering=budget_min&search=job", "abc"),
]


def test_filters_and_ordering(client: falcon.testing.TestClient, board: dict[str, int]) -> None:
    """Every case on one board (building it per case would be slow); all mismatches reported."""
    wrong = {}
    for query, expected in FILTER_CASES:
        response = client.simulate_get("/api/jobs/", query_string=query)
        wanted = [board[name] for name in expected]
        if ids(response) != wanted or response.json["count"] != len(expected):
            wrong[query] = (ids(response), wanted)
    assert not wrong


def test_category_filter(client: falcon.testing.TestClient, board: dict[str, int]) -> None:
    assert ids(client.simulate_get("/api/jobs/", params={"category": board["design"]})) == [
        board["c"], board["a"]]
    assert ids(client.simulate_get("/api/jobs/", params={"category": board["music"]})) == [
        board["b"]]
    assert ids(client.simulate_get("/api/jobs/", params={"category": 999999})) == []


def test_status_filter_follows_the_lifecycle(client: falcon.testing.TestClient,
                                             market: Marketplace, board: dict[str, int],
                                             buyer: ApiUser, artist: ApiUser) -> None:
    bid = market.bid(artist, board["b"], "400.00")
    client.simulate_post(f"/api/jobs/{board['b']}/hire/", headers=buyer.headers,
                         json={"bid_id": bid["id"]})
    client.simulate_post(f"/api/jobs/{board['a']}/cancel/", headers=buyer.headers)
    for status, expected in [("open", ["c"]), ("in_progress", ["b"]), ("cancelled", ["a"]),
                             ("completed", [])]:
        response = client.simulate_get("/api/jobs/", params={"status": status})
        assert ids(response) == [board[name] for name in expected]
        assert all(job["status"] == status for job in response.json["results"])


BAD_ORDERINGS = ["title", "-title", "budget_max", "id", "--created_at", "-",
                 "created_at,budget_min", "price"]
BAD_FILTERS = [("status=closed", "status"), ("experience_level=guru", "experience_level"),
               ("category=abc", "category"), ("category=0", "category"),
               ("min_budget=cheap", "min_budget"), ("max_budget=1.001", "max_budget")]


def test_unknown_ordering_names_the_allowed_values(client: falcon.testing.TestClient,
                                                   board: dict[str, int]) -> None:
    for ordering in BAD_ORDERINGS:
        body = assert_error(client.simulate_get("/api/jobs/", params={"ordering": ordering}),
                            400, "ordering")
        message = " ".join(body["details"]["ordering"])
        for allowed in ("budget_min", "-budget_min", "deadline", "-deadline", "created_at",
                        "-created_at"):
            assert allowed in message, (ordering, message)


def test_malformed_filters_are_400(client: falcon.testing.TestClient,
                                   board: dict[str, int]) -> None:
    for query, field in BAD_FILTERS:
        assert_error(client.simulate_get("/api/jobs/", query_string=query), 400, field)


def test_pagination_links(client: falcon.testing.TestClient, market: Marketplace,
                          buyer: ApiUser, clock: SteppingClock) -> None:
    category = market.category()
    created = []
    for _ in range(5):
        created.append(market.job(buyer, category)["id"])
        clock.advance(minutes=1)
    newest_first = list(reversed(created))

    first = client.simulate_get("/api/jobs/", query_string="page_size=2&status=open")
    assert first.status_code == 200
    assert first.json["count"] == 5
    assert first.json["previous"] is None
    assert first.json["next"].startswith("http://")
    assert "page=2" in first.json["next"] and "page_size=2" in first.json["next"]
    assert "status=open" in first.json["next"]

    seen, url, pages = [], "/api/jobs/?page_size=2&status=open", 0
    previous_links = []
    while url:
        path, _, query = url.removeprefix("http://falconframework.org").partition("?")
        response = client.simulate_get(path, query_string=query)
        assert response.status_code == 200, response.text
        seen += [job["id"] for job in response.json["results"]]
        previous_links.append(response.json["previous"])
        url, pages = response.json["next"], pages + 1
    assert seen == newest_first
    assert pages == 3
    assert previous_links[0] is None
    assert all(link.startswith("http://") for link in previous_links[1:])
    # The link back to page 1 needs no page parameter, but keeps the others.
    assert "page=" not in previous_links[1].replace("page_size=", "")
    assert "page_size=2" in previous_links[1]
    assert "page=2" in previous_links[2]

    last = client.simulate_get("/api/jobs/", query_string="page_size=2&page=3")
    assert [job["id"] for job in last.json["results"]] == newest_first[4:]
    assert last.json["next"] is None
    assert_error(client.simulate_get("/api/jobs/", query_string="page_size=2&page=4"), 404)
    assert_error(client.simulate_get("/api/jobs/", query_string="page=2"), 404)


def test_default_and_maximum_page_size(client: falcon.testing.TestClient, market: Marketplace,
                                       buyer: ApiUser) -> None:
    category = market.category()
    for _ in range(21):
        market.job(buyer, category)
    default = client.simulate_get("/api/jobs/")
    assert len(default.json["results"]) == 20
    assert default.json["next"] is not None
    assert len(client.simulate_get("/api/jobs/", params={"page_size": 100}).json["results"]) == 21


def test_empty_list_has_one_empty_page(client: falcon.testing.TestClient) -> None:
    assert client.simulate_get("/api/jobs/").json == {
        "count": 0, "next": None, "previous": None, "results": []}
    assert_error(client.simulate_get("/api/jobs/", params={"page": 2}), 404)


BAD_PAGES = [("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"),
             ("page=1.5", "page"), ("page_size=0", "page_size"),
             ("page_size=1000", "page_size"), ("page_size=101", "page_size"),
             ("page_size=abc", "page_size")]


def test_bad_page_parameters_are_400(client: falcon.testing.TestClient, market: Marketplace,
                                     buyer: ApiUser) -> None:
    market.job(buyer)
    for query, field in BAD_PAGES:
        assert_error(client.simulate_get("/api/jobs/", query_string=query), 400, field)


# -- editing and deleting -----------------------------------------------------------------


def test_patch_changes_only_what_is_sent(client: falcon.testing.TestClient, market: Marketplace,
                                         buyer: ApiUser, clock: SteppingClock) -> None:
    job = market.job(buyer)
    clock.advance(hours=2)
    response = client.simulate_patch(f"/api/jobs/{job['id']}/", headers=buyer.headers, json={
        "budget_max": "1200.00", "deadline": "2026-03-25T23:59:59Z"})
    assert response.status_code == 200, response.text
    assert response.json == {**job, "budget_max": "1200.00", "deadline": "2026-03-25T23:59:59Z",
                             "updated_at": "2026-03-01T11:00:00Z"}
    assert client.simulate_get(f"/api/jobs/{job['id']}/").json == response.json


def test_put_replaces_all_terms(client: falcon.testing.TestClient, market: Marketplace,
                                buyer: ApiUser) -> None:
    job = market.job(buyer)
    other_category = market.category("Sculpture")
    payload = market.job_payload(other_category, title="New title", description="New text",
                                 budget_min="50.00", budget_max="60.00", duration_days=3,
                                 required_skills="", experience_level="entry")
    response = client.simulate_put(f"/api/jobs/{job['id']}", headers=buyer.headers,
                                   json=payload)
    assert response.status_code == 200, response.text
    body = response.json
    assert body["title"] == "New title" and body["description"] == "New text"
    assert body["category"]["name"] == "Sculpture"
    assert (body["budget_min"], body["budget_max"]) == ("50.00", "60.00")
    assert body["duration_days"] == 3 and body["experience_level"] == "entry"
    assert body["required_skills"] == ""


def test_put_requires_every_field(client: falcon.testing.TestClient, market: Marketplace,
                                  buyer: ApiUser) -> None:
    job = market.job(buyer)
    response = client.simulate_put(f"/api/jobs/{job['id']}/", headers=buyer.headers,
                                   json={"title": "Only a title"})
    body = assert_error(response, 400)
    assert {"description", "category_id", "budget_min", "budget_max", "duration_days",
            "experience_level", "deadline"} <= set(body["details"])
    assert client.simulate_get(f"/api/jobs/{job['id']}/").json == job


@pytest.mark.parametrize(("body", "field"), [
    ({"budget_max": "100.00"}, "budget_max"),
    ({"budget_min": "0"}, "budget_min"),
    ({"duration_days": 0}, "duration_days"),
    ({"deadline": "2020-01-01T00:00:00Z"}, "deadline"),
    ({"title": "x" * 201}, "title"),
    ({"category_id": 999999}, "category_id"),
    ({"experience_level": "guru"}, "experience_level"),
])
def test_patch_validates(client: falcon.testing.TestClient, market: Marketplace,
                         buyer: ApiUser, body: dict[str, Any], field: str) -> None:
    job = market.job(buyer)
    response = client.simulate_patch(f"/api/jobs/{job['id']}/", headers=buyer.headers, json=body)
    assert_error(response, 400, field)
    assert client.simulate_get(f"/api/jobs/{job['id']}/").json == job


def test_patch_to_an_inactive_category_is_refused(client: falcon.testing.TestClient,
                                                  market: Marketplace, buyer: ApiUser) -> None:
    job = market.job(buyer)
    response = client.simulate_patch(f"/api/jobs/{job['id']}/", headers=buyer.headers,
                                     json={"category_id": market.category(is_active=False)})
    assert_error(response, 400, "category_id")


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_only_the_buyer_changes_a_job(client: falcon.testing.TestClient, market: Marketplace,
                                      buyer: ApiUser, artist: ApiUser, method: str) -> None:
    job = market.job(buyer)
    other_buyer = market.user("buyer")
    body = market.job_payload(job["category"]["id"], title="Hijacked")
    for intruder in (other_buyer, artist):
        response = client.simulate_request(method, f"/api/jobs/{job['id']}/",
                                           headers=intruder.headers, json=body)
        assert_error(response, 403)
    assert_error(client.simulate_request(method, f"/api/jobs/{job['id']}/", json=body), 401)
    assert client.simulate_get(f"/api/jobs/{job['id']}/").json == job


@pytest.fixture
def hired_job(client: falcon.testing.TestClient, market: Marketplace, buyer: ApiUser,
              artist: ApiUser) -> dict[str, Any]:
    job = market.job(buyer)
    bid = market.bid(artist, job["id"], "800.00")
    response = client.simulate_post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                                    json={"bid_id": bid["id"]})
    assert response.status_code == 200, response.text
    return client.simulate_get(f"/api/jobs/{job['id']}/").json


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_a_hired_job_cannot_change(client: falcon.testing.TestClient, market: Marketplace,
                                   buyer: ApiUser, hired_job: dict[str, Any],
                                   method: str) -> None:
    body = market.job_payload(hired_job["category"]["id"], title="Too late")
    response = client.simulate_request(method, f"/api/jobs/{hired_job['id']}/",
                                       headers=buyer.headers, json=body)
    assert_error(response, 409)
    assert client.simulate_get(f"/api/jobs/{hired_job['id']}/").json == hired_job


def test_a_cancelled_job_cannot_be_edited(client: falcon.testing.TestClient,
                                          market: Marketplace, buyer: ApiUser) -> None:
    job = market.job(buyer)
    assert client.simulate_post(f"/api/jobs/{job['id']}/cancel/",
                                headers=buyer.headers).status_code == 200
    response = client.simulate_patch(f"/api/jobs/{job['id']}/", headers=buyer.headers,
                                     json={"title": "Revived"})
    assert_error(response, 409)


def test_delete_job(client: falcon.testing.TestClient, market: Marketplace, buyer: ApiUser,
                    artist: ApiUser) -> None:
    job = market.job(buyer)
    keep = market.job(buyer)
    market.bid(artist, job["id"])
    response = client.simulate_delete(f"/api/jobs/{job['id']}/", headers=buyer.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(client.simulate_get(f"/api/jobs/{job['id']}/"), 404)
    assert_error(client.simulate_delete(f"/api/jobs/{job['id']}/", headers=buyer.headers), 404)
    assert ids(client.simulate_get("/api/jobs/")) == [keep["id"]]
    # The bids on the deleted job went with it.
    assert client.simulate_get("/api/bids/", headers=artist.headers).json["count"] == 0


# -- computed fields ----------------------------------------------------------------------


@pytest.mark.parametrize(("amounts", "average"), [
    (["500.00", "600.01"], "550.01"),
    (["500.00", "600.03"], "550.02"),
    (["500.00", "500.01", "500.01"], "500.01"),
    (["500.00", "500.00", "500.01"], "500.00"),
    (["999.99"], "999.99"),
])
def test_average_bid_is_exact_and_rounded_half_up(client: falcon.testing.TestClient,
                                                  market: Marketplace, buyer: ApiUser,
                                                  amounts: list[str], average: str) -> None:
    job = market.job(buyer)
    for amount in amounts:
        market.bid(market.user("artist"), job["id"], amount)
    detail = client.simulate_get(f"/api/jobs/{job['id']}/").json
    assert detail["average_bid"] == average
    assert detail["total_bids"] == len(amounts)
    listed = client.simulate_get("/api/jobs/").json["results"][0]
    assert (listed["average_bid"], listed["total_bids"]) == (average, len(amounts))


def test_withdrawn_bids_leave_the_average(client: falcon.testing.TestClient,
                                          market: Marketplace, buyer: ApiUser) -> None:
    job = market.job(buyer)
    first, second = market.user("artist"), market.user("artist")
    market.bid(first, job["id"], "500.00")
    bid = market.bid(second, job["id"], "700.00")
    assert client.simulate_delete(f"/api/bids/{bid['id']}/",
                                  headers=second.headers).status_code == 204
    detail = client.simulate_get(f"/api/jobs/{job['id']}/").json
    assert (detail["average_bid"], detail["total_bids"]) == ("500.00", 1)


def test_each_job_counts_its_own_bids(client: falcon.testing.TestClient, market: Marketplace,
                                      buyer: ApiUser) -> None:
    category = market.category()
    busy, quiet = market.job(buyer, category), market.job(buyer, category)
    for amount in ("510.00", "520.00", "530.00"):
        market.bid(market.user("artist"), busy["id"], amount)
    by_id = {job["id"]: job for job in client.simulate_get("/api/jobs/").json["results"]}
    assert (by_id[busy["id"]]["total_bids"], by_id[busy["id"]]["average_bid"]) == (3, "520.00")
    assert (by_id[quiet["id"]]["total_bids"], by_id[quiet["id"]]["average_bid"]) == (0, None)


def approaching(client: falcon.testing.TestClient, job_id: int) -> bool:
    detail = client.simulate_get(f"/api/jobs/{job_id}/").json["deadline_approaching"]
    listed = {job["id"]: job["deadline_approaching"]
              for job in client.simulate_get("/api/jobs/?page_size=100").json["results"]}
    assert listed[job_id] is detail
    return bool(detail)


def test_deadline_approaching_follows_the_clock(client: falcon.testing.TestClient,
                                                market: Marketplace, buyer: ApiUser,
                                                clock: SteppingClock) -> None:
    job = market.job(buyer, deadline=iso(clock, days=10))
    assert approaching(client, job["id"]) is False
    clock.advance(days=6, hours=23)  # 3 days and 1 hour left
    assert approaching(client, job["id"]) is False
    clock.advance(hours=2)  # 2 days and 23 hours left
    assert approaching(client, job["id"]) is True
    clock.advance(days=2, hours=22)  # one hour left
    assert approaching(client, job["id"]) is True
    clock.advance(hours=2)  # the deadline has passed
    assert approaching(client, job["id"]) is False


def test_deadline_approaching_is_false_for_cancelled_and_completed_jobs(
    client: falcon.testing.TestClient, market: Marketplace, buyer: ApiUser, artist: ApiUser,
    clock: SteppingClock,
) -> None:
    category = market.category()
    cancelled = market.job(buyer, category, deadline=iso(clock, days=5))
    completed = market.job(buyer, category, deadline=iso(clock, days=5))
    still_open = market.job(buyer, category, deadline=iso(clock, days=5))
    bid = market.bid(artist, completed["id"])
    assert client.simulate_post(f"/api/jobs/{completed['id']}/hire/", headers=buyer.headers,
                                json={"bid_id": bid["id"]}).status_code == 200
    assert client.simulate_post(f"/api/jobs/{completed['id']}/complete/",
                                headers=buyer.headers).status_code == 200
    assert client.simulate_post(f"/api/jobs/{cancelled['id']}/cancel/",
                                headers=buyer.headers).status_code == 200
    clock.advance(days=4)
    assert approaching(client, still_open["id"]) is True
    assert approaching(client, cancelled["id"]) is False
    assert approaching(client, completed["id"]) is False


def test_a_list_statement_built_once_takes_each_request_s_values(
        client: falcon.testing.TestClient, market: Marketplace, board: dict[str, int],
        buyer: ApiUser, artist: ApiUser) -> None:
    """Job pages by number reuse one statement per shape of filters; each request's values,
    page and page size are bound at its execution, whatever request built the statement."""
    bid = market.bid(artist, board["b"], "400.00")
    client.simulate_post(f"/api/jobs/{board['b']}/hire/", headers=buyer.headers,
                         json={"bid_id": bid["id"]})

    def listed(query: str) -> tuple[str, int]:
        response = client.simulate_get("/api/jobs/", query_string=query)
        names = {board[name]: name for name in "abc"}
        return "".join(names[job_id] for job_id in ids(response)), response.json["count"]

    # One shape, each value its own answer (the first request built the statement).
    assert listed("status=open") == ("ca", 2)
    assert listed("status=in_progress") == ("b", 1)
    assert listed(f"category={board['music']}") == ("b", 1)
    assert listed(f"category={board['design']}") == ("ca", 2)
    # Two filters: counted by the statement, not a counter; values bound to both.
    assert listed(f"status=open&category={board['design']}") == ("ca", 2)
    assert listed(f"status=open&category={board['music']}") == ("", 0)
    assert listed("min_budget=500.01") == ("c", 1)
    assert listed("min_budget=400") == ("cb", 2)
    assert listed("min_budget=150&max_budget=350") == ("ba", 2)
    assert listed("min_budget=250&max_budget=550") == ("b", 1)
    assert listed("search=job b") == ("b", 1)
    assert listed("search=job c") == ("c", 1)
    assert listed("search=zzz") == ("", 0)
    # The page and its size are bound too.
    assert listed("ordering=budget_min&page_size=1&page=2") == ("b", 3)
    assert listed("ordering=budget_min&page_size=1&page=3") == ("c", 3)
    assert listed("ordering=budget_min&page_size=2&page=1") == ("ab", 3)
    assert listed("") == ("cba", 3)
