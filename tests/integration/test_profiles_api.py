"""Artist and buyer profiles over HTTP: ownership, validation, figures computed from real jobs,
filters, ordering, pagination, a fixed number of queries per page, and hostile input."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
import falcon.testing
import pytest
from sqlalchemy import event, select, update

from cultureup.adapters.sqlalchemy.tables import metadata, users
from cultureup.bootstrap import Services
from cultureup.domain.accounts.users import Actor, UserType
from tests.integration.assertions import assert_error as refused
from tests.integration.conftest import ApiUser, Marketplace, QueryCounter

ARTIST_BODY = {
    "bio": "Professional digital artist specializing in fantasy art",
    "skills": "Digital Painting, Character Design, Concept Art",
    "experience_level": "expert",
    "hourly_rate": "150.00",
    "portfolio_description": "10+ years creating stunning fantasy artwork for games and books",
    "is_available": True,
}
BUYER_BODY = {"company_name": "Tech Innovations Inc",
              "address": "123 Main Street, Lahore, Pakistan"}


def artist_profile(market: Marketplace, artist: ApiUser, **overrides: Any) -> dict[str, Any]:
    response = market.client.simulate_post("/api/artist-profiles/", headers=artist.headers,
                                           json={**ARTIST_BODY, **overrides})
    assert response.status_code == 201, response.json
    return response.json


def buyer_profile(market: Marketplace, buyer: ApiUser, **overrides: Any) -> dict[str, Any]:
    response = market.client.simulate_post("/api/buyer-profiles/", headers=buyer.headers,
                                           json={**BUYER_BODY, **overrides})
    assert response.status_code == 201, response.json
    return response.json




def hired_job(market: Marketplace, buyer: ApiUser, artist: ApiUser, *, amount: str,
              final_amount: str | None = None) -> int:
    """A job of `buyer` with `artist` hired for it, at `final_amount` or the bid amount."""
    job = market.job(buyer)
    bid = market.bid(artist, job["id"], amount)
    body: dict[str, Any] = {"bid_id": bid["id"]}
    if final_amount is not None:
        body["final_amount"] = final_amount
    hired = market.client.simulate_post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                                        json=body)
    assert hired.status_code == 200, hired.json
    return job["id"]


def pay(market: Marketplace, buyer: ApiUser, job_id: int) -> None:
    """The buyer pays the hired artist by bank transfer, and staff verify it."""
    services = market.services
    admin, _ = services.sample_data.ensure_superuser(
        username="payments_admin", email="payments_admin@example.com",
        password="a long admin passphrase")
    payer = Actor(id=buyer.id, username=buyer.username, user_type=UserType.BUYER)
    payment = services.payments.create_payment(payer, method="bank_transfer", job_id=job_id)
    services.payments.confirm(payer, payment.id, payer_reference=f"HBL-{job_id}")
    services.payments.verify(admin.as_actor(), payment.id, reference=f"HBL-{job_id}")


def public(user: dict[str, Any]) -> dict[str, Any]:
    """A user as a profile shows them to anyone: no e-mail, phone or address."""
    return {key: user[key] for key in ("id", "username", "first_name", "last_name",
                                       "profile_image")}


def finish(market: Marketplace, buyer: ApiUser, job_id: int, verb: str) -> None:
    response = market.client.simulate_post(f"/api/jobs/{job_id}/{verb}/", headers=buyer.headers)
    assert response.status_code == 200, response.json


# -- artist profiles: creating and reading -------------------------------------------------


def test_an_artist_creates_a_profile_that_anyone_can_read(client: falcon.testing.TestClient,
                                                           market: Marketplace) -> None:
    artist = market.user("artist")
    created = artist_profile(market, artist)
    own_user = client.simulate_get("/api/auth/profile/", headers=artist.headers).json
    assert created == {
        "user": public(own_user), **ARTIST_BODY,
        "rating": 0.0, "total_projects_completed": 0, "total_earnings": "0.00",
        "completion_rate": 0.0, "total_reviews": 0,
    }
    detail = client.simulate_get(f"/api/artist-profiles/{artist.id}/")
    assert detail.status_code == 200 and detail.json == created
    assert client.simulate_get(f"/api/artist-profiles/{artist.id}").json == created
    listed = client.simulate_get("/api/artist-profiles/").json
    assert listed == {"count": 1, "next": None, "previous": None, "results": [created]}


def test_the_experience_level_is_accepted_in_any_case_and_stored_in_lower_case(
        client: falcon.testing.TestClient, market: Marketplace) -> None:
    artist = market.user("artist")
    created = artist_profile(market, artist, experience_level="Intermediate")
    assert created["experience_level"] == "intermediate"
    changed = client.simulate_patch(f"/api/artist-profiles/{artist.id}/", headers=artist.headers,
                                    json={"experience_level": " EXPERT "})
    assert changed.json["experience_level"] == "expert"


def test_only_the_required_fields_are_needed_and_the_rest_default(
        market: Marketplace) -> None:
    response = market.client.simulate_post(
        "/api/artist-profiles/", headers=market.user("artist").headers,
        json={"experience_level": "beginner", "hourly_rate": 0})
    assert response.status_code == 201, response.json
    assert {key: response.json[key] for key in (
        "bio", "skills", "portfolio_description", "is_available", "hourly_rate")} == {
        "bio": "", "skills": "", "portfolio_description": "", "is_available": True,
        "hourly_rate": "0.00"}


def test_computed_fields_sent_by_the_client_are_ignored(market: Marketplace) -> None:
    created = artist_profile(market, market.user("artist"), rating=5, total_reviews=99,
                             total_projects_completed=120, total_earnings="45000.00",
                             completion_rate=98.5, user={"id": 1})
    assert (created["rating"], created["total_reviews"], created["total_projects_completed"],
            created["total_earnings"], created["completion_rate"]) == (0.0, 0, 0, "0.00", 0.0)


def test_a_user_has_at_most_one_artist_profile(market: Marketplace) -> None:
    artist = market.user("artist")
    artist_profile(market, artist)
    again = market.client.simulate_post("/api/artist-profiles/", headers=artist.headers,
                                        json=ARTIST_BODY)
    refused(again, 400, "user")


def test_concurrent_creations_of_one_profile_make_exactly_one(market: Marketplace) -> None:
    artist = market.user("artist")
    racers = 6
    start = threading.Barrier(racers)

    def create(_: int) -> int:
        start.wait()
        return market.client.simulate_post("/api/artist-profiles/", headers=artist.headers,
                                           json=ARTIST_BODY).status_code

    with ThreadPoolExecutor(max_workers=racers) as pool:
        statuses = list(pool.map(create, range(racers)))
    assert sorted(statuses) == [201] + [400] * (racers - 1)


def test_only_artists_create_artist_profiles(market: Marketplace) -> None:
    buyer = market.user("buyer")
    refused(market.client.simulate_post("/api/artist-profiles/", headers=buyer.headers,
                                        json=ARTIST_BODY), 403)
    refused(market.client.simulate_post("/api/artist-profiles/", json=ARTIST_BODY), 401)
    assert market.client.simulate_get("/api/artist-profiles/").json["count"] == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"bio": "x" * 1001}, "bio"),
    ({"skills": "x" * 501}, "skills"),
    ({"portfolio_description": "x" * 2001}, "portfolio_description"),
    ({"experience_level": "guru"}, "experience_level"),
    ({"experience_level": "x" * 33}, "experience_level"),
    ({"experience_level": 3}, "experience_level"),
    ({"experience_level": None}, "experience_level"),
    ({"hourly_rate": "-0.01"}, "hourly_rate"),
    ({"hourly_rate": "1.234"}, "hourly_rate"),
    ({"hourly_rate": "abc"}, "hourly_rate"),
    ({"hourly_rate": "1e5"}, "hourly_rate"),
    ({"hourly_rate": True}, "hourly_rate"),
    ({"hourly_rate": "99999999999"}, "hourly_rate"),
    ({"is_available": "perhaps"}, "is_available"),
    ({"bio": "nul\x00byte"}, "bio"),
    ({"bio": 7}, "bio"),
])
def test_invalid_artist_fields_are_refused(market: Marketplace, changes: dict[str, Any],
                                           field: str) -> None:
    artist = market.user("artist")
    response = market.client.simulate_post("/api/artist-profiles/", headers=artist.headers,
                                           json={**ARTIST_BODY, **changes})
    refused(response, 400, field)
    assert market.client.simulate_get(f"/api/artist-profiles/{artist.id}/").status_code == 404


def test_the_required_artist_fields_are_reported_together(market: Marketplace) -> None:
    response = market.client.simulate_post("/api/artist-profiles/",
                                           headers=market.user("artist").headers,
                                           json={"bio": "Only a bio"})
    body = refused(response, 400)
    assert set(body["details"]) == {"experience_level", "hourly_rate"}


# -- artist profiles: changing and deleting ------------------------------------------------


def test_the_owner_patches_some_fields_and_keeps_the_others(market: Marketplace) -> None:
    artist = market.user("artist")
    created = artist_profile(market, artist)
    response = market.client.simulate_patch(f"/api/artist-profiles/{artist.id}/",
                                            headers=artist.headers,
                                            json={"hourly_rate": "175.00", "is_available": False})
    assert response.status_code == 200, response.json
    assert response.json == {**created, "hourly_rate": "175.00", "is_available": False}


def test_put_needs_the_required_fields_and_keeps_omitted_optional_ones(
        market: Marketplace) -> None:
    artist = market.user("artist")
    created = artist_profile(market, artist)
    path = f"/api/artist-profiles/{artist.id}/"
    body = refused(market.client.simulate_put(path, headers=artist.headers,
                                              json={"bio": "New bio"}), 400)
    assert set(body["details"]) == {"experience_level", "hourly_rate"}
    replaced = market.client.simulate_put(path, headers=artist.headers, json={
        "bio": "Experienced digital artist specializing in portraits.",
        "experience_level": "Intermediate", "hourly_rate": 200})
    assert replaced.status_code == 200, replaced.json
    assert replaced.json == {**created, "bio": "Experienced digital artist specializing in "
                             "portraits.", "experience_level": "intermediate",
                             "hourly_rate": "200.00"}


def test_only_the_owner_changes_or_deletes_an_artist_profile(market: Marketplace) -> None:
    owner, other, buyer = market.user("artist"), market.user("artist"), market.user("buyer")
    created = artist_profile(market, owner)
    path = f"/api/artist-profiles/{owner.id}/"
    for intruder in (other, buyer):
        refused(market.client.simulate_patch(path, headers=intruder.headers,
                                             json={"bio": "Hacked"}), 403)
        refused(market.client.simulate_put(path, headers=intruder.headers,
                                           json=ARTIST_BODY), 403)
        refused(market.client.simulate_delete(path, headers=intruder.headers), 403)
    refused(market.client.simulate_patch(path, json={"bio": "Hacked"}), 401)
    refused(market.client.simulate_delete(path), 401)
    assert market.client.simulate_get(path).json == created


def test_changing_or_deleting_a_missing_profile_is_404(market: Marketplace) -> None:
    artist = market.user("artist")
    path = f"/api/artist-profiles/{artist.id}/"
    refused(market.client.simulate_patch(path, headers=artist.headers, json={"bio": "x"}), 404)
    refused(market.client.simulate_delete(path, headers=artist.headers), 404)
    refused(market.client.simulate_get(path), 404)
    refused(market.client.simulate_get("/api/artist-profiles/2147483647/"), 404)
    refused(market.client.simulate_get("/api/artist-profiles/2147483648/"), 404)
    refused(market.client.simulate_get("/api/artist-profiles/0/"), 404)


def test_the_owner_deletes_the_profile_and_may_create_a_new_one(market: Marketplace) -> None:
    artist = market.user("artist")
    artist_profile(market, artist)
    path = f"/api/artist-profiles/{artist.id}/"
    deleted = market.client.simulate_delete(path, headers=artist.headers)
    assert deleted.status_code == 204 and not deleted.content
    refused(market.client.simulate_get(path), 404)
    assert market.client.simulate_get("/api/auth/profile/",
                                      headers=artist.headers).status_code == 200
    assert artist_profile(market, artist, hourly_rate="80.00")["hourly_rate"] == "80.00"


def test_profiles_of_deactivated_accounts_are_hidden(market: Marketplace,
                                                     services: Services) -> None:
    artist, buyer = market.user("artist"), market.user("buyer")
    artist_profile(market, artist)
    buyer_profile(market, buyer)
    with services.engine.begin() as connection:
        connection.execute(update(users).where(users.c.id.in_([artist.id, buyer.id]))
                           .values(is_active=False))
    refused(market.client.simulate_get(f"/api/artist-profiles/{artist.id}/"), 404)
    refused(market.client.simulate_get(f"/api/artist-profiles/{artist.id}/reviews/"), 404)
    refused(market.client.simulate_get(f"/api/buyer-profiles/{buyer.id}/"), 404)
    assert market.client.simulate_get("/api/artist-profiles/").json["count"] == 0
    assert market.client.simulate_get("/api/buyer-profiles/").json["count"] == 0


# -- reviews ---------------------------------------------------------------------------------


def test_an_artist_without_reviews_has_an_empty_reviews_page(
        market: Marketplace) -> None:
    artist = market.user("artist")
    artist_profile(market, artist)
    path = f"/api/artist-profiles/{artist.id}/reviews/"
    response = market.client.simulate_get(path)
    assert response.status_code == 200
    assert response.json == {"count": 0, "next": None, "previous": None, "results": []}
    assert market.client.simulate_get(path, params={"page_size": 5}).status_code == 200
    refused(market.client.simulate_get(path, params={"page": 2}), 404)
    refused(market.client.simulate_get(path, params={"page": "x"}), 400, "page")
    refused(market.client.simulate_get(path, params={"page_size": 101}), 400, "page_size")


def test_reviews_of_an_unknown_artist_are_404(market: Marketplace) -> None:
    buyer = market.user("buyer")
    buyer_profile(market, buyer)
    artist_without_profile = market.user("artist")
    for user_id in (buyer.id, artist_without_profile.id, 999_999):
        refused(market.client.simulate_get(f"/api/artist-profiles/{user_id}/reviews/"), 404)


# -- figures computed from jobs --------------------------------------------------------------


def test_profile_figures_come_from_the_jobs_and_the_ledger(market: Marketplace) -> None:
    buyer, other_buyer = market.user("buyer"), market.user("buyer")
    artist, rival = market.user("artist"), market.user("artist")
    artist_profile(market, artist)
    artist_profile(market, rival)
    buyer_profile(market, buyer)
    buyer_profile(market, other_buyer)

    done = hired_job(market, buyer, artist, amount="600.00")
    pay(market, buyer, done)
    finish(market, buyer, done, "complete")
    done_renegotiated = hired_job(market, other_buyer, artist, amount="700.00",
                                  final_amount="850.50")
    pay(market, other_buyer, done_renegotiated)
    finish(market, other_buyer, done_renegotiated, "complete")
    dropped = hired_job(market, buyer, artist, amount="900.00")
    finish(market, buyer, dropped, "cancel")
    hired_job(market, buyer, artist, amount="800.00")  # in progress, not paid: not counted
    open_job = market.job(buyer)
    market.bid(artist, open_job["id"], "750.00")  # a pending bid: not counted
    finish(market, buyer, market.job(buyer)["id"], "cancel")  # cancelled before any hire
    rival_job = hired_job(market, buyer, rival, amount="500.00")
    pay(market, buyer, rival_job)
    finish(market, buyer, rival_job, "complete")

    mine = market.client.simulate_get(f"/api/artist-profiles/{artist.id}/").json
    assert mine["total_projects_completed"] == 2
    assert mine["total_earnings"] == "1305.45"  # 600 + 850.50 paid, less the 10 % fee
    assert mine["completion_rate"] == 66.7  # 2 of the 3 jobs that ended
    assert (mine["rating"], mine["total_reviews"]) == (0.0, 0)
    theirs = market.client.simulate_get(f"/api/artist-profiles/{rival.id}/").json
    assert (theirs["total_projects_completed"], theirs["total_earnings"],
            theirs["completion_rate"]) == (1, "450.00", 100.0)

    spender = market.client.simulate_get(f"/api/buyer-profiles/{buyer.id}/").json
    assert spender["total_spent"] == "1100.00"  # 600 + 500, what was paid
    assert spender["projects_posted"] == 6
    other = market.client.simulate_get(f"/api/buyer-profiles/{other_buyer.id}/").json
    assert (other["total_spent"], other["projects_posted"]) == ("850.50", 1)

    listed = {profile["user"]["id"]: profile
              for profile in market.client.simulate_get("/api/artist-profiles/").json["results"]}
    assert listed[artist.id] == mine and listed[rival.id] == theirs
    by_projects = market.client.simulate_get("/api/artist-profiles/", params={
        "ordering": "-total_projects_completed"}).json["results"]
    assert [profile["user"]["id"] for profile in by_projects] == [artist.id, rival.id]
    by_spent = market.client.simulate_get("/api/buyer-profiles/", params={
        "ordering": "-total_spent"}).json["results"]
    assert [profile["user"]["id"] for profile in by_spent] == [buyer.id, other_buyer.id]
    by_posted = market.client.simulate_get("/api/buyer-profiles/", params={
        "ordering": "projects_posted"}).json["results"]
    assert [profile["user"]["id"] for profile in by_posted] == [other_buyer.id, buyer.id]


# -- artist lists: filters, ordering, pages --------------------------------------------------


@pytest.fixture
def artists(market: Marketplace) -> dict[str, ApiUser]:
    """Three artists with different levels, rates, availability and words."""
    people = {"ayesha": market.user("artist", "ayesha_paints"),
              "bilal": market.user("artist", "bilal_draws"),
              "zara": market.user("artist", "zara_sculpts")}
    artist_profile(market, people["ayesha"], experience_level="expert", hourly_rate="150.00",
                   bio="Oil portraits", skills="Oil, Portraits", is_available=True)
    artist_profile(market, people["bilal"], experience_level="beginner", hourly_rate="20.00",
                   bio="Comic strips and 100% hand inking", skills="Ink", is_available=True)
    artist_profile(market, people["zara"], experience_level="intermediate",
                   hourly_rate="75.50", bio="Clay", skills="Sculpture, 3D MODELING",
                   is_available=False)
    return people


def names(response: falcon.testing.Result) -> list[str]:
    assert response.status_code == 200, response.text
    return [profile["user"]["username"] for profile in response.json["results"]]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["zara_sculpts", "bilal_draws", "ayesha_paints"]),  # newest first
    ({"experience_level": "expert"}, ["ayesha_paints"]),
    ({"experience_level": "Intermediate"}, ["zara_sculpts"]),
    ({"is_available": "false"}, ["zara_sculpts"]),
    ({"is_available": "true", "ordering": "hourly_rate"}, ["bilal_draws", "ayesha_paints"]),
    ({"min_hourly_rate": "75.50", "ordering": "hourly_rate"},
     ["zara_sculpts", "ayesha_paints"]),
    ({"max_hourly_rate": 75.5, "ordering": "-hourly_rate"}, ["zara_sculpts", "bilal_draws"]),
    ({"min_hourly_rate": "21", "max_hourly_rate": "100"}, ["zara_sculpts"]),
    ({"search": "PORTRAIT"}, ["ayesha_paints"]),
    ({"search": "modeling"}, ["zara_sculpts"]),
    ({"search": "bilal"}, ["bilal_draws"]),
    ({"search": "tEST"}, ["zara_sculpts", "bilal_draws", "ayesha_paints"]),  # first names
    ({"search": "100%"}, ["bilal_draws"]),
    # Words only, as /api/search/: punctuation is no wildcard, and alone it finds nothing.
    ({"search": "%"}, []),
    ({"search": "_"}, []),
    ({"search": "ink%"}, ["bilal_draws"]),
    ({"search": "COMIC strips"}, ["bilal_draws"]),
    ({"search": "nobody"}, []),
    ({"ordering": "rating"}, ["ayesha_paints", "bilal_draws", "zara_sculpts"]),
    ({"ordering": "-rating"}, ["zara_sculpts", "bilal_draws", "ayesha_paints"]),
    ({"ordering": "-hourly_rate"}, ["ayesha_paints", "zara_sculpts", "bilal_draws"]),
    ({"ordering": "total_projects_completed"},
     ["ayesha_paints", "bilal_draws", "zara_sculpts"]),
])
def test_artist_filters_and_ordering(market: Marketplace, artists: dict[str, ApiUser],
                                     params: dict[str, Any], expected: list[str]) -> None:
    assert names(market.client.simulate_get("/api/artist-profiles/", params=params)) == expected


@pytest.mark.parametrize(("params", "field"), [
    ({"ordering": "bio"}, "ordering"),
    ({"ordering": "--rating"}, "ordering"),
    ({"ordering": "x" * 51}, "ordering"),
    ({"experience_level": "guru"}, "experience_level"),
    ({"is_available": "sometimes"}, "is_available"),
    ({"min_hourly_rate": "cheap"}, "min_hourly_rate"),
    ({"max_hourly_rate": "1.001"}, "max_hourly_rate"),
    ({"search": "x" * 201}, "search"),
    ({"search": "a\x00b"}, "search"),
    ({"page": 0}, "page"),
    ({"page": 10**8}, "page"),
    ({"page_size": 0}, "page_size"),
    ({"page_size": 101}, "page_size"),
])
def test_bad_artist_list_parameters_are_400(market: Marketplace, artists: dict[str, ApiUser],
                                            params: dict[str, Any], field: str) -> None:
    refused(market.client.simulate_get("/api/artist-profiles/", params=params), 400, field)


def test_an_unknown_ordering_names_the_allowed_values(market: Marketplace) -> None:
    body = refused(market.client.simulate_get("/api/artist-profiles/",
                                              params={"ordering": "name"}), 400, "ordering")
    for allowed in ("rating", "-rating", "hourly_rate", "-hourly_rate"):
        assert allowed in body["details"]["ordering"][0]
    body = refused(market.client.simulate_get("/api/buyer-profiles/",
                                              params={"ordering": "-name"}), 400, "ordering")
    for allowed in ("total_spent", "-total_spent", "projects_posted", "-projects_posted"):
        assert allowed in body["details"]["ordering"][0]


def test_artist_pages_link_to_each_other_and_end(market: Marketplace,
                                                 artists: dict[str, ApiUser]) -> None:
    first = market.client.simulate_get("/api/artist-profiles/",
                                       params={"page_size": 2, "ordering": "hourly_rate"})
    assert first.json["count"] == 3 and first.json["previous"] is None
    assert first.json["next"].endswith("/api/artist-profiles/?page_size=2&ordering=hourly_rate"
                                       "&page=2")
    second = market.client.simulate_get("/api/artist-profiles/", params={
        "page_size": 2, "ordering": "hourly_rate", "page": 2})
    assert names(second) == ["ayesha_paints"] and second.json["next"] is None
    assert second.json["previous"].endswith("?page_size=2&ordering=hourly_rate")
    refused(market.client.simulate_get("/api/artist-profiles/",
                                       params={"page_size": 2, "page": 3}), 404)


def test_an_empty_list_is_an_empty_first_page(market: Marketplace) -> None:
    for path in ("/api/artist-profiles/", "/api/buyer-profiles/"):
        assert market.client.simulate_get(path).json == {
            "count": 0, "next": None, "previous": None, "results": []}
        refused(market.client.simulate_get(path, params={"page": 2}), 404)


# -- buyer profiles ----------------------------------------------------------------------------


def test_a_buyer_creates_a_profile_that_anyone_can_read(client: falcon.testing.TestClient,
                                                         market: Marketplace) -> None:
    buyer = market.user("buyer")
    created = buyer_profile(market, buyer)
    own_user = client.simulate_get("/api/auth/profile/", headers=buyer.headers).json
    assert created == {"user": public(own_user), **BUYER_BODY, "total_spent": "0.00",
                       "projects_posted": 0}
    # The address is the buyer's (and staff's) to see; others get the rest.
    assert client.simulate_get(f"/api/buyer-profiles/{buyer.id}/",
                               headers=buyer.headers).json == created
    anonymous = {key: value for key, value in created.items() if key != "address"}
    assert client.simulate_get(f"/api/buyer-profiles/{buyer.id}/").json == anonymous
    assert client.simulate_get("/api/buyer-profiles/").json["results"] == [anonymous]


def test_a_buyer_profile_may_be_empty(market: Marketplace) -> None:
    response = market.client.simulate_post("/api/buyer-profiles/",
                                           headers=market.user("buyer").headers, json={})
    assert response.status_code == 201, response.json
    assert (response.json["company_name"], response.json["address"]) == ("", "")


def test_only_buyers_create_buyer_profiles_and_only_once(market: Marketplace) -> None:
    buyer, artist = market.user("buyer"), market.user("artist")
    refused(market.client.simulate_post("/api/buyer-profiles/", headers=artist.headers,
                                        json=BUYER_BODY), 403)
    refused(market.client.simulate_post("/api/buyer-profiles/", json=BUYER_BODY), 401)
    buyer_profile(market, buyer)
    refused(market.client.simulate_post("/api/buyer-profiles/", headers=buyer.headers,
                                        json=BUYER_BODY), 400, "user")


@pytest.mark.parametrize(("changes", "field"), [
    ({"company_name": "x" * 201}, "company_name"),
    ({"address": "x" * 501}, "address"),
    ({"address": ["a"]}, "address"),
    ({"company_name": None}, "company_name"),
    ({"company_name": "Acme\x00"}, "company_name"),
])
def test_invalid_buyer_fields_are_refused(market: Marketplace, changes: dict[str, Any],
                                          field: str) -> None:
    buyer = market.user("buyer")
    refused(market.client.simulate_post("/api/buyer-profiles/", headers=buyer.headers,
                                        json={**BUYER_BODY, **changes}), 400, field)
    created = buyer_profile(market, buyer)
    refused(market.client.simulate_patch(f"/api/buyer-profiles/{buyer.id}/",
                                          headers=buyer.headers, json=changes), 400, field)
    assert market.client.simulate_get(f"/api/buyer-profiles/{buyer.id}/",
                                      headers=buyer.headers).json == created


def test_only_the_owner_changes_or_deletes_a_buyer_profile(market: Marketplace) -> None:
    owner, other, artist = market.user("buyer"), market.user("buyer"), market.user("artist")
    created = buyer_profile(market, owner)
    path = f"/api/buyer-profiles/{owner.id}/"
    for intruder in (other, artist):
        refused(market.client.simulate_patch(path, headers=intruder.headers,
                                             json={"address": "Elsewhere"}), 403)
        refused(market.client.simulate_delete(path, headers=intruder.headers), 403)
    refused(market.client.simulate_put(path, json=BUYER_BODY), 401)
    patched = market.client.simulate_patch(path, headers=owner.headers, json={
        "company_name": "Tech Innovations Private Ltd"})
    assert patched.json == {**created, "company_name": "Tech Innovations Private Ltd"}
    put = market.client.simulate_put(path, headers=owner.headers, json={
        "address": "456 New Street, Karachi, Pakistan"})
    assert put.json == {**patched.json, "address": "456 New Street, Karachi, Pakistan"}
    assert market.client.simulate_delete(path, headers=owner.headers).status_code == 204
    refused(market.client.simulate_get(path), 404)


def test_buyer_search_and_ordering(market: Marketplace) -> None:
    sarah, omar = market.user("buyer", "buyer_sarah"), market.user("buyer", "buyer_omar")
    buyer_profile(market, sarah, company_name="Tech Innovations Inc")
    buyer_profile(market, omar, company_name="Omar Frames")
    market.job(omar)

    def found(**params: Any) -> list[str]:
        return names(market.client.simulate_get("/api/buyer-profiles/", params=params))

    assert found() == ["buyer_omar", "buyer_sarah"]
    assert found(search="INNOVATIONS") == ["buyer_sarah"]
    assert found(search="frames") == ["buyer_omar"]
    assert found(search="buyer_") == ["buyer_omar", "buyer_sarah"]
    assert found(search="Buyer_Sarah") == ["buyer_sarah"]
    assert found(ordering="projects_posted") == ["buyer_sarah", "buyer_omar"]
    assert found(ordering="-projects_posted") == ["buyer_omar", "buyer_sarah"]
    assert found(ordering="total_spent") == ["buyer_sarah", "buyer_omar"]  # ties: by id
    refused(market.client.simulate_get("/api/buyer-profiles/",
                                       params={"search": "\x00"}), 400, "search")


# -- a fixed number of statements per page -------------------------------------------------------


@pytest.fixture
def sql(services: Services) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.split(maxsplit=1)[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}:
            seen.append(statement)

    event.listen(services.engine, "before_cursor_execute", record)
    yield seen
    event.remove(services.engine, "before_cursor_execute", record)


def statements(market: Marketplace, counter: QueryCounter, sql: list[str], path: str,
               **params: Any) -> tuple[int, dict[str, Any]]:
    counter.count = 0
    sql.clear()
    response = market.client.simulate_get(path, params=params)
    assert response.status_code == 200, response.text
    return counter.count, response.json


def test_profile_lists_run_the_same_statements_for_5_and_20_rows(
        market: Marketplace, count_queries: QueryCounter, sql: list[str]) -> None:
    buyer = market.user("buyer")
    for n in range(20):
        artist = market.user("artist")
        artist_profile(market, artist, hourly_rate=f"{10 + n}.00")
        other_buyer = market.user("buyer")
        buyer_profile(market, other_buyer)
        if n % 4 == 0:
            job_id = hired_job(market, buyer, artist, amount="600.00")
            pay(market, buyer, job_id)
            finish(market, buyer, job_id, "complete")
            market.job(other_buyer)
    buyer_profile(market, buyer)
    for path, ordering in (("/api/artist-profiles/", "-total_projects_completed"),
                           ("/api/buyer-profiles/", "-total_spent")):
        small, page5 = statements(market, count_queries, sql, path, page_size=5)
        large, page20 = statements(market, count_queries, sql, path, page_size=20,
                                   ordering=ordering)
        assert len(page5["results"]) == 5 and len(page20["results"]) == 20
        assert small == large
        assert len(sql) == 2, sql  # the page's rows and the count
        filtered, _ = statements(market, count_queries, sql, path, page_size=20,
                                 search="test", ordering=ordering)
        assert filtered == large
    completed = [profile["total_projects_completed"] for profile in statements(
        market, count_queries, sql, "/api/artist-profiles/", page_size=20,
        ordering="-total_projects_completed")[1]["results"]]
    assert completed == [1] * 5 + [0] * 15
    _, detail = statements(market, count_queries, sql, f"/api/buyer-profiles/{buyer.id}/")
    assert detail["total_spent"] == "3000.00" and len(sql) == 1


# -- hostile input: 4xx with the envelope, and nothing changes -------------------------------


def _snapshot(services: Services) -> dict[str, list[Any]]:
    with services.engine.connect() as connection:
        return {table.name: list(connection.execute(
            select(table).order_by(*table.primary_key.columns)).all())
            for table in metadata.sorted_tables}


@attrs.frozen(kw_only=True)
class Case:
    method: str
    path: str  # may hold {artist}, {buyer}
    who: str | None = "owner_artist"
    body: Any = None
    raw: bytes | None = None
    content_type: str | None = None
    status: int = 400


ARTIST = "/api/artist-profiles/{artist}/"
BUYER = "/api/buyer-profiles/{buyer}/"
HOSTILE = [
    Case(method="POST", path="/api/artist-profiles/", raw=b"{not json",
         content_type="application/json", who="new_artist"),
    Case(method="POST", path="/api/artist-profiles/", raw=b"bio=x",
         content_type="application/x-www-form-urlencoded", who="new_artist"),
    Case(method="POST", path="/api/artist-profiles/", raw=b"bio=x",
         content_type="text/plain", who="new_artist", status=415),
    Case(method="POST", path="/api/artist-profiles/", body=["a list"], who="new_artist"),
    Case(method="POST", path="/api/artist-profiles/", body="a string", who="new_artist"),
    Case(method="POST", path="/api/artist-profiles/", raw=b"", who="new_artist"),
    Case(method="POST", path="/api/artist-profiles/", body=ARTIST_BODY, who="bad-token",
         status=401),
    Case(method="POST", path="/api/artist-profiles/", body={**ARTIST_BODY, "hourly_rate": "NaN"},
         who="new_artist"),
    Case(method="POST", path="/api/artist-profiles/",
         body={**ARTIST_BODY, "hourly_rate": "Infinity"}, who="new_artist"),
    Case(method="POST", path="/api/artist-profiles/",
         body={**ARTIST_BODY, "hourly_rate": 1e308}, who="new_artist"),
    Case(method="POST", path="/api/artist-profiles/",
         body={**ARTIST_BODY, "experience_level": {"$ne": 1}}, who="new_artist"),
    Case(method="POST", path="/api/artist-profiles/", body=ARTIST_BODY, status=400),
    Case(method="PATCH", path=ARTIST, body={"hourly_rate": "-5"}),
    Case(method="PATCH", path=ARTIST, body={"bio": "\x00"}),
    Case(method="PATCH", path=ARTIST, body={"is_available": None}),
    Case(method="PATCH", path=ARTIST, body={"bio": "x"}, who="buyer_owner", status=403),
    Case(method="PUT", path=ARTIST, body={"bio": "x"}),
    Case(method="DELETE", path=ARTIST, who=None, status=401),
    Case(method="DELETE", path=ARTIST, who="bad-token", status=401),
    Case(method="POST", path=ARTIST, body=ARTIST_BODY, status=405),
    Case(method="DELETE", path="/api/artist-profiles/", status=405),
    Case(method="PATCH", path="/api/artist-profiles/99999/", body={"bio": "x"}, status=404),
    Case(method="GET", path="/api/artist-profiles/abc/", status=404),
    Case(method="GET", path="/api/artist-profiles/-1/", status=404),
    Case(method="GET", path="/api/artist-profiles/99999999999999999999/", status=404),
    Case(method="POST", path="/api/artist-profiles/{artist}/reviews/", body={}, status=405),
    Case(method="POST", path="/api/buyer-profiles/", raw=b"[1, 2", who="new_buyer",
         content_type="application/json"),
    Case(method="POST", path="/api/buyer-profiles/", body={"company_name": 12}, who="new_buyer"),
    Case(method="POST", path="/api/buyer-profiles/", body={}, who="buyer_owner"),
    Case(method="PATCH", path=BUYER, body={"address": "x" * 501}, who="buyer_owner"),
    Case(method="PUT", path=BUYER, body={"address": "Somewhere"}, status=403),
    Case(method="DELETE", path=BUYER, status=403),
    Case(method="DELETE", path=BUYER, who=None, status=401),
]


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: f"{case.method} {case.path}")
def test_hostile_requests_are_refused_and_change_nothing(market: Marketplace,
                                                         services: Services,
                                                         case: Case) -> None:
    people = {"owner_artist": market.user("artist"), "new_artist": market.user("artist"),
              "buyer_owner": market.user("buyer"), "new_buyer": market.user("buyer")}
    artist_profile(market, people["owner_artist"])
    buyer_profile(market, people["buyer_owner"])
    headers: dict[str, str] = {}
    if case.who == "bad-token":
        headers = {"Authorization": "Token not-a-real-token"}
    elif case.who is not None:
        headers = dict(people[case.who].headers)
    kwargs: dict[str, Any] = {}
    if case.raw is not None:
        kwargs["body"] = case.raw
        if case.content_type:
            headers["Content-Type"] = case.content_type
    elif case.body is not None:
        kwargs["json"] = case.body
    path = case.path.format(artist=people["owner_artist"].id, buyer=people["buyer_owner"].id)
    before = _snapshot(services)
    response = market.client.simulate_request(case.method, path, headers=headers, **kwargs)
    refused(response, case.status)
    assert _snapshot(services) == before


def test_a_profile_list_statement_built_once_takes_each_request_s_values(
        market: Marketplace, artists: dict[str, ApiUser]) -> None:
    """Profile pages reuse one statement per shape of filters: each request's values, page
    and page size are bound at its execution, whatever request built the statement."""
    def found(url: str = "/api/artist-profiles/", **params: Any) -> list[str]:
        return names(market.client.simulate_get(url, params=params))

    assert found(experience_level="expert") == ["ayesha_paints"]
    assert found(experience_level="beginner") == ["bilal_draws"]
    assert found(min_hourly_rate="100") == ["ayesha_paints"]
    assert found(min_hourly_rate="50") == ["zara_sculpts", "ayesha_paints"]
    assert found(min_hourly_rate="10", max_hourly_rate="30") == ["bilal_draws"]
    assert found(min_hourly_rate="70", max_hourly_rate="160") == ["zara_sculpts",
                                                                  "ayesha_paints"]
    assert found(search="clay") == ["zara_sculpts"]
    assert found(search="oil") == ["ayesha_paints"]
    assert found(ordering="hourly_rate", page_size=1, page=2) == ["zara_sculpts"]
    assert found(ordering="hourly_rate", page_size=2, page=2) == ["ayesha_paints"]
    sarah, omar = market.user("buyer", "buyer_sarah"), market.user("buyer", "buyer_omar")
    buyer_profile(market, sarah, company_name="Tech Innovations Inc")
    buyer_profile(market, omar, company_name="Omar Frames")
    buyers = "/api/buyer-profiles/"
    assert found(buyers, search="innovations") == ["buyer_sarah"]
    assert found(buyers, search="frames") == ["buyer_omar"]
    assert found(buyers, page_size=1, page=2) == ["buyer_sarah"]
