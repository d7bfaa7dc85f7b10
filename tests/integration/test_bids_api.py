"""/api/bids/ and /api/jobs/{id}/bids/: placing, listing, seeing, changing and withdrawing bids."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest

from tests.integration.assertions import assert_error
from tests.integration.conftest import ApiUser, Marketplace, SteppingClock

BID_KEYS = {"id", "job", "artist", "bid_amount", "delivery_time", "cover_letter", "status",
            "created_at", "bid_rank"}




def ids(response: falcon.testing.Result) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json["results"]]


def bid_payload(job_id: int, **overrides: Any) -> dict[str, Any]:
    payload = {"job_id": job_id, "bid_amount": "750.00", "delivery_time": 5,
               "cover_letter": "I have extensive experience in logo design."}
    payload.update(overrides)
    return payload


@pytest.fixture
def buyer(market: Marketplace) -> ApiUser:
    return market.user("buyer", username="buyer_sarah")


@pytest.fixture
def artist(market: Marketplace) -> ApiUser:
    return market.user("artist", username="artist_john")


@pytest.fixture
def job(market: Marketplace, buyer: ApiUser) -> dict[str, Any]:
    return market.job(buyer, market.category("Graphic Design"))


def job_bids(client: falcon.testing.TestClient, job_id: int, owner: ApiUser,
             query: str = "") -> list[dict[str, Any]]:
    response = client.simulate_get(f"/api/jobs/{job_id}/bids/", headers=owner.headers,
                                   query_string=query)
    assert response.status_code == 200, response.text
    return list(response.json["results"])


# -- placing ------------------------------------------------------------------------------


def test_place_bid_returns_the_documented_shape(client: falcon.testing.TestClient,
                                                artist: ApiUser, job: dict[str, Any]) -> None:
    response = client.simulate_post("/api/bids/", headers=artist.headers, json=bid_payload(
        job["id"], cover_letter="  I have over 10 years of experience.  "))
    assert response.status_code == 201, response.text
    bid = response.json
    assert BID_KEYS <= set(bid) <= BID_KEYS | {"updated_at"}
    assert isinstance(bid["id"], int)
    assert bid["job"] == {"id": job["id"], "title": job["title"], "buyer_name": "buyer_sarah",
                          "category_name": "Graphic Design", "budget_min": "500.00",
                          "budget_max": "1000.00", "status": "open"}
    assert bid["artist"] == {"id": artist.id, "username": "artist_john"}
    assert bid["bid_amount"] == "750.00"
    assert bid["delivery_time"] == 5
    assert bid["cover_letter"] == "I have over 10 years of experience."
    assert bid["status"] == "pending"
    assert bid["created_at"] == "2026-03-01T09:00:00Z"
    assert bid["bid_rank"] == 1
    assert client.simulate_get(f"/api/bids/{bid['id']}/", headers=artist.headers).json == bid
    assert client.simulate_get("/api/bids", headers=artist.headers).json["results"] == [bid]


@pytest.mark.parametrize(("amount", "expected"), [
    ("500.00", "500.00"), ("1000.00", "1000.00"), (750, "750.00"), (750.5, "750.50"),
])
def test_bid_amount_within_the_budget_inclusive(client: falcon.testing.TestClient,
                                                artist: ApiUser, job: dict[str, Any],
                                                amount: Any, expected: str) -> None:
    response = client.simulate_post("/api/bids/", headers=artist.headers,
                                    json=bid_payload(job["id"], bid_amount=amount))
    assert response.status_code == 201, response.text
    assert response.json["bid_amount"] == expected


def test_only_artists_bid(client: falcon.testing.TestClient, market: Marketplace,
                          buyer: ApiUser, job: dict[str, Any]) -> None:
    other_buyer = market.user("buyer")
    for user in (buyer, other_buyer):
        assert_error(client.simulate_post("/api/bids/", headers=user.headers,
                                          json=bid_payload(job["id"])), 403)
    response = client.simulate_post("/api/bids/", json=bid_payload(job["id"]))
    assert_error(response, 401)
    assert response.headers.get("WWW-Authenticate") == "Token"
    assert job_bids(client, job["id"], buyer) == []


def test_one_bid_per_artist_per_job(client: falcon.testing.TestClient, market: Marketplace,
                                    buyer: ApiUser, artist: ApiUser,
                                    job: dict[str, Any]) -> None:
    first = market.bid(artist, job["id"], "700.00")
    response = client.simulate_post("/api/bids/", headers=artist.headers,
                                    json=bid_payload(job["id"], bid_amount="650.00"))
    assert_error(response, 400, "job_id")
    assert job_bids(client, job["id"], buyer) == [
        client.simulate_get(f"/api/bids/{first['id']}/", headers=artist.headers).json]
    # Another artist may still bid, and the same artist may bid on another job.
    market.bid(market.user("artist"), job["id"], "650.00")
    market.bid(artist, market.job(buyer)["id"])


@pytest.mark.parametrize(("overrides", "field"), [
    ({"bid_amount": "499.99"}, "bid_amount"),
    ({"bid_amount": "1000.01"}, "bid_amount"),
    ({"bid_amount": "0"}, "bid_amount"),
    ({"bid_amount": "-750.00"}, "bid_amount"),
    ({"bid_amount": "750.001"}, "bid_amount"),
    ({"bid_amount": "lots"}, "bid_amount"),
    ({"delivery_time": 0}, "delivery_time"),
    ({"delivery_time": -1}, "delivery_time"),
    ({"delivery_time": "five"}, "delivery_time"),
    ({"delivery_time": 10**30}, "delivery_time"),
    ({"cover_letter": "x" * 2001}, "cover_letter"),
    ({"cover_letter": "   "}, "cover_letter"),
    ({"cover_letter": None}, "cover_letter"),
    ({"job_id": "five"}, "job_id"),
    ({"job_id": 0}, "job_id"),
])
def test_place_bid_validation(client: falcon.testing.TestClient, buyer: ApiUser,
                              artist: ApiUser, job: dict[str, Any], overrides: dict[str, Any],
                              field: str) -> None:
    response = client.simulate_post("/api/bids/", headers=artist.headers,
                                    json={**bid_payload(job["id"]), **overrides})
    assert_error(response, 400, field)
    assert job_bids(client, job["id"], buyer) == []


@pytest.mark.parametrize("field", ["job_id", "bid_amount", "delivery_time", "cover_letter"])
def test_place_bid_requires_field(client: falcon.testing.TestClient, artist: ApiUser,
                                  job: dict[str, Any], field: str) -> None:
    payload = bid_payload(job["id"])
    del payload[field]
    response = client.simulate_post("/api/bids/", headers=artist.headers, json=payload)
    assert_error(response, 400, field)


def test_cover_letter_of_exactly_2000_characters(client: falcon.testing.TestClient,
                                                 artist: ApiUser, job: dict[str, Any]) -> None:
    response = client.simulate_post("/api/bids/", headers=artist.headers,
                                    json=bid_payload(job["id"], cover_letter="c" * 2000))
    assert response.status_code == 201
    assert response.json["cover_letter"] == "c" * 2000


def test_bid_on_unknown_job_is_404(client: falcon.testing.TestClient, artist: ApiUser,
                                   job: dict[str, Any]) -> None:
    for job_id in (job["id"] + 1000, 2147483647):
        assert_error(client.simulate_post("/api/bids/", headers=artist.headers,
                                          json=bid_payload(job_id)), 404)


@pytest.mark.parametrize("state", ["cancelled", "in_progress", "completed", "past_deadline"])
def test_no_bids_on_a_job_that_is_not_open(client: falcon.testing.TestClient,
                                           market: Marketplace, buyer: ApiUser, artist: ApiUser,
                                           job: dict[str, Any], clock: SteppingClock,
                                           state: str) -> None:
    if state == "cancelled":
        client.simulate_post(f"/api/jobs/{job['id']}/cancel/", headers=buyer.headers)
    elif state == "past_deadline":
        clock.advance(days=21)
    else:
        hired = market.bid(market.user("artist"), job["id"])
        client.simulate_post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                             json={"bid_id": hired["id"]})
        if state == "completed":
            client.simulate_post(f"/api/jobs/{job['id']}/complete/", headers=buyer.headers)
    before = job_bids(client, job["id"], buyer)
    response = client.simulate_post("/api/bids/", headers=artist.headers,
                                    json=bid_payload(job["id"]))
    assert_error(response, 409)
    assert job_bids(client, job["id"], buyer) == before


# -- listing and seeing -------------------------------------------------------------------


@pytest.fixture
def portfolio(client: falcon.testing.TestClient, market: Marketplace, buyer: ApiUser,
              artist: ApiUser, clock: SteppingClock) -> dict[str, Any]:
    """The artist's bids on four jobs: pending x2, accepted, rejected; plus others' bids."""
    category = market.category()
    jobs = [market.job(buyer, category) for _ in range(4)]
    mine = {}
    for name, job, amount, days in [("p1", jobs[0], "900.00", 2), ("p2", jobs[1], "600.00", 9),
                                    ("won", jobs[2], "700.00", 5),
                                    ("lost", jobs[3], "800.00", 1)]:
        mine[name] = market.bid(artist, job["id"], amount, delivery_time=days)["id"]
        clock.advance(minutes=10)
    rival = market.user("artist")
    rival_won = market.bid(rival, jobs[3]["id"], "550.00")
    market.bid(rival, jobs[0]["id"], "550.00")
    for job, bid in ((jobs[2], mine["won"]), (jobs[3], rival_won["id"])):
        response = client.simulate_post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                                        json={"bid_id": bid})
        assert response.status_code == 200, response.text
    return {"mine": mine, "rival": rival, "jobs": jobs}


MY_BIDS_CASES = [
    ("", ["lost", "won", "p2", "p1"]),
    ("status=pending", ["p2", "p1"]),
    ("status=accepted", ["won"]),
    ("status=rejected", ["lost"]),
    ("ordering=bid_amount", ["p2", "won", "lost", "p1"]),
    ("ordering=-bid_amount", ["p1", "lost", "won", "p2"]),
    ("ordering=delivery_time", ["lost", "p1", "won", "p2"]),
    ("ordering=-delivery_time", ["p2", "won", "p1", "lost"]),
    ("ordering=created_at", ["p1", "p2", "won", "lost"]),
    ("ordering=-created_at", ["lost", "won", "p2", "p1"]),
    ("status=pending&ordering=bid_amount", ["p2", "p1"]),
]


def test_my_bids_lists_only_my_own(client: falcon.testing.TestClient, artist: ApiUser,
                                   portfolio: dict[str, Any]) -> None:
    """Every case on one portfolio; all mismatches reported."""
    wrong = {}
    for query, expected in MY_BIDS_CASES:
        response = client.simulate_get("/api/bids/", headers=artist.headers, query_string=query)
        wanted = [portfolio["mine"][name] for name in expected]
        if ids(response) != wanted or response.json["count"] != len(expected):
            wrong[query] = (ids(response), wanted)
        assert all(bid["artist"]["id"] == artist.id for bid in response.json["results"])
    assert not wrong


def test_my_bids_shows_current_statuses(client: falcon.testing.TestClient, artist: ApiUser,
                                        portfolio: dict[str, Any]) -> None:
    listed = {bid["id"]: bid for bid in
              client.simulate_get("/api/bids/", headers=artist.headers).json["results"]}
    mine = portfolio["mine"]
    assert listed[mine["won"]]["status"] == "accepted"
    assert listed[mine["won"]]["job"]["status"] == "in_progress"
    assert listed[mine["lost"]]["status"] == "rejected"
    assert listed[mine["p1"]]["status"] == "pending"


def test_my_bids_for_users_without_bids(client: falcon.testing.TestClient, market: Marketplace,
                                        buyer: ApiUser, portfolio: dict[str, Any]) -> None:
    for user in (buyer, market.user("artist")):
        assert client.simulate_get("/api/bids/", headers=user.headers).json == {
            "count": 0, "next": None, "previous": None, "results": []}
    assert_error(client.simulate_get("/api/bids/"), 401)


def test_my_bids_rejects_bad_queries(client: falcon.testing.TestClient,
                                     artist: ApiUser) -> None:
    for query, field in [("status=open", "status"), ("ordering=amount", "ordering"),
                         ("ordering=-budget_min", "ordering"), ("page=0", "page"),
                         ("page_size=1000", "page_size")]:
        assert_error(client.simulate_get("/api/bids/", headers=artist.headers,
                                         query_string=query), 400, field)


def test_my_bids_pagination(client: falcon.testing.TestClient, artist: ApiUser,
                            portfolio: dict[str, Any]) -> None:
    page = client.simulate_get("/api/bids/", headers=artist.headers,
                               query_string="page_size=3&status=")
    assert page.json["count"] == 4 and len(page.json["results"]) == 3
    assert page.json["next"].startswith("http://") and "/api/bids/?" in page.json["next"]
    assert_error(client.simulate_get("/api/bids/", headers=artist.headers,
                                     query_string="page_size=3&page=3"), 404)


def test_a_bid_is_visible_to_its_artist_and_the_jobs_buyer_only(
    client: falcon.testing.TestClient, market: Marketplace, buyer: ApiUser, artist: ApiUser,
    job: dict[str, Any],
) -> None:
    bid = market.bid(artist, job["id"])
    path = f"/api/bids/{bid['id']}/"
    assert client.simulate_get(path, headers=artist.headers).json == bid
    assert client.simulate_get(path, headers=buyer.headers).json == bid
    assert client.simulate_get(path.rstrip("/"), headers=buyer.headers).json == bid
    for stranger in (market.user("artist"), market.user("buyer")):
        assert_error(client.simulate_get(path, headers=stranger.headers), 404)
    assert_error(client.simulate_get(path), 401)
    assert_error(client.simulate_get(f"/api/bids/{bid['id'] + 1000}/",
                                     headers=artist.headers), 404)


# -- changing and withdrawing -------------------------------------------------------------


def test_artist_patches_a_pending_bid(client: falcon.testing.TestClient, market: Marketplace,
                                      artist: ApiUser, job: dict[str, Any],
                                      clock: SteppingClock) -> None:
    bid = market.bid(artist, job["id"])
    clock.advance(hours=1)
    response = client.simulate_patch(f"/api/bids/{bid['id']}/", headers=artist.headers,
                                     json={"bid_amount": "725.00", "delivery_time": 6})
    assert response.status_code == 200, response.text
    changed = response.json
    assert changed["bid_amount"] == "725.00" and changed["delivery_time"] == 6
    assert changed["cover_letter"] == bid["cover_letter"]
    assert changed["created_at"] == bid["created_at"]
    assert changed["status"] == "pending"
    assert client.simulate_get(f"/api/bids/{bid['id']}/", headers=artist.headers).json == changed


def test_artist_puts_a_whole_bid(client: falcon.testing.TestClient, market: Marketplace,
                                 artist: ApiUser, job: dict[str, Any]) -> None:
    bid = market.bid(artist, job["id"])
    path = f"/api/bids/{bid['id']}/"
    body = assert_error(client.simulate_put(path, headers=artist.headers,
                                            json={"bid_amount": "600.00"}), 400)
    assert {"delivery_time", "cover_letter"} <= set(body["details"])
    response = client.simulate_put(path, headers=artist.headers, json={
        "bid_amount": "600.00", "delivery_time": 9, "cover_letter": "New letter"})
    assert response.status_code == 200, response.text
    assert (response.json["bid_amount"], response.json["delivery_time"],
            response.json["cover_letter"]) == ("600.00", 9, "New letter")


@pytest.mark.parametrize(("body", "field"), [
    ({"bid_amount": "1000.01"}, "bid_amount"),
    ({"bid_amount": "499.99"}, "bid_amount"),
    ({"bid_amount": "0.00"}, "bid_amount"),
    ({"delivery_time": 0}, "delivery_time"),
    ({"cover_letter": "x" * 2001}, "cover_letter"),
    ({"cover_letter": ""}, "cover_letter"),
    ({"bid_amount": None}, "bid_amount"),
])
def test_patch_bid_validates(client: falcon.testing.TestClient, market: Marketplace,
                             artist: ApiUser, job: dict[str, Any], body: dict[str, Any],
                             field: str) -> None:
    bid = market.bid(artist, job["id"])
    path = f"/api/bids/{bid['id']}/"
    assert_error(client.simulate_patch(path, headers=artist.headers, json=body), 400, field)
    assert client.simulate_get(path, headers=artist.headers).json == bid


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_only_the_bids_artist_changes_it(client: falcon.testing.TestClient,
                                         market: Marketplace, buyer: ApiUser, artist: ApiUser,
                                         job: dict[str, Any], method: str) -> None:
    bid = market.bid(artist, job["id"])
    path = f"/api/bids/{bid['id']}/"
    body = {"bid_amount": "600.00", "delivery_time": 9, "cover_letter": "Mine now"}
    assert_error(client.simulate_request(method, path, headers=buyer.headers, json=body), 403)
    for stranger in (market.user("artist"), market.user("buyer")):
        assert_error(client.simulate_request(method, path, headers=stranger.headers, json=body),
                     404)
    assert_error(client.simulate_request(method, path, json=body), 401)
    assert client.simulate_get(path, headers=artist.headers).json == bid


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
@pytest.mark.parametrize("which", ["accepted", "rejected", "cancelled_job"])
def test_only_pending_bids_on_open_jobs_change(client: falcon.testing.TestClient,
                                               market: Marketplace, buyer: ApiUser,
                                               artist: ApiUser, job: dict[str, Any],
                                               method: str, which: str) -> None:
    mine = market.bid(artist, job["id"], "800.00")
    other = market.bid(market.user("artist"), job["id"], "700.00")
    if which == "cancelled_job":
        assert client.simulate_post(f"/api/jobs/{job['id']}/cancel/",
                                    headers=buyer.headers).status_code == 200
    else:
        chosen = mine if which == "accepted" else other
        assert client.simulate_post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                                    json={"bid_id": chosen["id"]}).status_code == 200
    path = f"/api/bids/{mine['id']}/"
    before = client.simulate_get(path, headers=artist.headers).json
    body = {"bid_amount": "600.00", "delivery_time": 9, "cover_letter": "Changed my mind"}
    assert_error(client.simulate_request(method, path, headers=artist.headers, json=body), 409)
    assert client.simulate_get(path, headers=artist.headers).json == before


def test_artist_withdraws_a_pending_bid(client: falcon.testing.TestClient, market: Marketplace,
                                        buyer: ApiUser, artist: ApiUser,
                                        job: dict[str, Any]) -> None:
    bid = market.bid(artist, job["id"])
    response = client.simulate_delete(f"/api/bids/{bid['id']}/", headers=artist.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(client.simulate_get(f"/api/bids/{bid['id']}/", headers=artist.headers), 404)
    assert_error(client.simulate_delete(f"/api/bids/{bid['id']}/", headers=artist.headers), 404)
    assert job_bids(client, job["id"], buyer) == []
    assert client.simulate_get(f"/api/jobs/{job['id']}/").json["total_bids"] == 0
    # Having withdrawn, the artist may bid again.
    market.bid(artist, job["id"], "650.00")


# -- rank ---------------------------------------------------------------------------------


def test_bid_rank_cheapest_first_and_ties_by_time(client: falcon.testing.TestClient,
                                                  market: Marketplace, buyer: ApiUser,
                                                  job: dict[str, Any],
                                                  clock: SteppingClock) -> None:
    artists = [market.user("artist") for _ in range(4)]
    placed = {}
    for name, artist, amount in [("a", artists[0], "800.00"), ("b", artists[1], "600.00"),
                                 ("c", artists[2], "800.00"), ("d", artists[3], "550.00")]:
        placed[name] = market.bid(artist, job["id"], amount)
        clock.advance(minutes=5)
    # The rank at creation reflects the bids placed so far.
    assert [placed[name]["bid_rank"] for name in "abcd"] == [1, 1, 3, 1]

    def ranks() -> dict[str, int]:
        by_id = {bid["id"]: bid["bid_rank"] for bid in job_bids(client, job["id"], buyer)}
        return {name: by_id[bid["id"]] for name, bid in placed.items()}

    assert ranks() == {"d": 1, "b": 2, "a": 3, "c": 4}
    for name, artist in zip("abcd", artists, strict=True):
        assert client.simulate_get(f"/api/bids/{placed[name]['id']}/",
                                   headers=artist.headers).json["bid_rank"] == ranks()[name]
        mine = client.simulate_get("/api/bids/", headers=artist.headers).json["results"]
        assert [bid["bid_rank"] for bid in mine] == [ranks()[name]]
    # Lowering a bid moves it up; on a tie the bid placed earlier (c, before d) ranks first.
    response = client.simulate_patch(f"/api/bids/{placed['c']['id']}/",
                                     headers=artists[2].headers, json={"bid_amount": "550.00"})
    assert response.json["bid_rank"] == 1
    assert ranks() == {"c": 1, "d": 2, "b": 3, "a": 4}
    client.simulate_delete(f"/api/bids/{placed['c']['id']}/", headers=artists[2].headers)
    del placed["c"]
    assert ranks() == {"d": 1, "b": 2, "a": 3}


# -- a job's bids -------------------------------------------------------------------------


def test_job_bids_for_the_buyer_only(client: falcon.testing.TestClient, market: Marketplace,
                                     buyer: ApiUser, artist: ApiUser,
                                     job: dict[str, Any]) -> None:
    bid = market.bid(artist, job["id"])
    other_job = market.job(buyer)
    market.bid(market.user("artist"), other_job["id"])
    response = client.simulate_get(f"/api/jobs/{job['id']}/bids/", headers=buyer.headers)
    assert response.status_code == 200
    assert response.json == {"count": 1, "next": None, "previous": None, "results": [
        client.simulate_get(f"/api/bids/{bid['id']}/", headers=buyer.headers).json]}
    for intruder in (artist, market.user("artist"), market.user("buyer")):
        assert_error(client.simulate_get(f"/api/jobs/{job['id']}/bids/",
                                         headers=intruder.headers), 403)
    response = client.simulate_get(f"/api/jobs/{job['id']}/bids/")
    assert_error(response, 401)
    assert response.headers.get("WWW-Authenticate") == "Token"
    assert_error(client.simulate_get(f"/api/jobs/{job['id'] + 1000}/bids/",
                                     headers=buyer.headers), 404)


def test_job_bids_filters_and_ordering(client: falcon.testing.TestClient, market: Marketplace,
                                       buyer: ApiUser, job: dict[str, Any],
                                       clock: SteppingClock) -> None:
    made = []
    for amount, days in (("900.00", 3), ("600.00", 7), ("750.00", 1)):
        made.append(market.bid(market.user("artist"), job["id"], amount,
                               delivery_time=days)["id"])
        clock.advance(minutes=1)
    first, second, third = made
    assert [b["id"] for b in job_bids(client, job["id"], buyer)] == [third, second, first]
    assert [b["id"] for b in job_bids(client, job["id"], buyer, "ordering=bid_amount")] == [
        second, third, first]
    assert [b["id"] for b in job_bids(client, job["id"], buyer, "ordering=-delivery_time")] == [
        second, first, third]
    client.simulate_post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                         json={"bid_id": third})
    assert [b["id"] for b in job_bids(client, job["id"], buyer, "status=accepted")] == [third]
    assert [b["id"] for b in job_bids(client, job["id"], buyer,
                                      "status=rejected&ordering=created_at")] == [first, second]
    assert job_bids(client, job["id"], buyer, "status=pending") == []
    assert_error(client.simulate_get(f"/api/jobs/{job['id']}/bids/", headers=buyer.headers,
                                     query_string="ordering=budget_min"), 400, "ordering")


def test_a_bid_list_statement_built_once_takes_each_request_s_values(
        client: falcon.testing.TestClient, market: Marketplace, buyer: ApiUser,
        artist: ApiUser, portfolio: dict[str, Any]) -> None:
    """Bid pages reuse one statement per shape of filters: the artist, the job, the status,
    the page and its size are bound at each request, whatever request built it."""
    mine, rival, jobs = portfolio["mine"], portfolio["rival"], portfolio["jobs"]

    def listed(user: ApiUser, query: str = "") -> tuple[list[int], int]:
        response = client.simulate_get("/api/bids/", headers=user.headers,
                                       query_string=query)
        return ids(response), response.json["count"]

    assert listed(artist) == ([mine[n] for n in ("lost", "won", "p2", "p1")], 4)
    rival_bids = listed(rival)
    assert rival_bids[1] == 2 and not set(rival_bids[0]) & set(mine.values())
    assert listed(artist, "status=accepted") == ([mine["won"]], 1)
    assert listed(rival, "status=accepted") == (rival_bids[0][1:], 1)
    assert listed(artist, "ordering=bid_amount&page_size=2&page=2") == (
        [mine["lost"], mine["p1"]], 4)
    assert listed(artist, "ordering=bid_amount&page_size=3&page=1") == (
        [mine["p2"], mine["won"], mine["lost"]], 4)
    on_first = [bid["id"] for bid in job_bids(client, jobs[0]["id"], buyer)]
    on_last = [bid["id"] for bid in job_bids(client, jobs[3]["id"], buyer)]
    assert mine["p1"] in on_first and len(on_first) == 2
    assert mine["lost"] in on_last and len(on_last) == 2
    assert not set(on_first) & set(on_last)
