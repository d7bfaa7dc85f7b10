"""POST /api/jobs/{id}/hire/, /complete/ and /cancel/: the job lifecycle after bidding."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest

from tests.integration.assertions import assert_error
from tests.integration.conftest import ApiUser, Marketplace


@pytest.fixture
def buyer(market: Marketplace) -> ApiUser:
    return market.user("buyer")


@pytest.fixture
def artists(market: Marketplace) -> list[ApiUser]:
    return [market.user("artist", username=f"artist_{n}") for n in range(3)]


@pytest.fixture
def job(market: Marketplace, buyer: ApiUser) -> dict[str, Any]:
    return market.job(buyer)


@pytest.fixture
def bids(market: Marketplace, artists: list[ApiUser], job: dict[str, Any]
         ) -> list[dict[str, Any]]:
    return [market.bid(artist, job["id"], amount)
            for artist, amount in zip(artists, ("750.00", "600.00", "900.00"), strict=True)]


class Lifecycle:
    def __init__(self, client: falcon.testing.TestClient, job_id: int, buyer: ApiUser) -> None:
        self.client, self.job_id, self.buyer = client, job_id, buyer

    def hire(self, body: Any, user: ApiUser | None = None) -> falcon.testing.Result:
        headers = (user or self.buyer).headers
        return self.client.simulate_post(f"/api/jobs/{self.job_id}/hire/", headers=headers,
                                         json=body)

    def post(self, verb: str, user: ApiUser | None = None) -> falcon.testing.Result:
        headers = (user or self.buyer).headers
        return self.client.simulate_post(f"/api/jobs/{self.job_id}/{verb}/", headers=headers)

    def job(self) -> dict[str, Any]:
        return dict(self.client.simulate_get(f"/api/jobs/{self.job_id}/").json)

    def bid_statuses(self) -> dict[int, str]:
        response = self.client.simulate_get(f"/api/jobs/{self.job_id}/bids/",
                                            headers=self.buyer.headers)
        assert response.status_code == 200
        return {bid["id"]: bid["status"] for bid in response.json["results"]}


@pytest.fixture
def life(client: falcon.testing.TestClient, job: dict[str, Any], buyer: ApiUser) -> Lifecycle:
    return Lifecycle(client, job["id"], buyer)


# -- hiring -------------------------------------------------------------------------------


def test_hire_with_the_bid_amount(life: Lifecycle, job: dict[str, Any],
                                  artists: list[ApiUser], bids: list[dict[str, Any]]) -> None:
    response = life.hire({"bid_id": bids[0]["id"]})
    assert response.status_code == 200, response.text
    assert response.json == {
        "message": "Artist hired successfully",
        "job": {"id": job["id"], "status": "in_progress",
                "hired_artist": {"id": artists[0].id, "username": "artist_0"},
                "final_amount": "750.00"},
    }
    assert life.bid_statuses() == {bids[0]["id"]: "accepted", bids[1]["id"]: "rejected",
                                   bids[2]["id"]: "rejected"}
    detail = life.job()
    assert detail["status"] == "in_progress"
    assert detail["hired_artist"] == {"id": artists[0].id, "username": "artist_0"}
    assert detail["final_amount"] == "750.00"
    assert detail["deadline_approaching"] is False


@pytest.mark.parametrize(("final_amount", "expected"), [
    ("950.00", "950.00"), (950, "950.00"), ("912.5", "912.50"), (999.99, "999.99"),
    ("900", "900.00"), ("1000.00", "1000.00"),
])
def test_hire_with_a_negotiated_amount(life: Lifecycle, bids: list[dict[str, Any]],
                                       final_amount: Any, expected: str) -> None:
    response = life.hire({"bid_id": bids[2]["id"], "final_amount": final_amount})
    assert response.status_code == 200, response.text
    assert response.json["job"]["final_amount"] == expected
    assert life.job()["final_amount"] == expected


def test_hire_amounts_outside_the_bid_and_budget_are_refused(
        client: falcon.testing.TestClient, market: Marketplace, buyer: ApiUser,
        artists: list[ApiUser]) -> None:
    job = market.job(buyer, budget_min="100.00", budget_max="1000.00")
    bid = market.bid(artists[0], job["id"], "500.00")
    life = Lifecycle(client, job["id"], buyer)
    before = (life.job(), life.bid_statuses())
    for amount in ("0.01", "499.99", 1, "1000.01", "9999999999.99", 9999999999.99):
        response = life.hire({"bid_id": bid["id"], "final_amount": amount})
        assert_error(response, 400, "final_amount")
        assert "between 500.00" in response.json["details"]["final_amount"][0]
    assert (life.job(), life.bid_statuses()) == before
    response = life.hire({"bid_id": bid["id"], "final_amount": "1000.00"})
    assert response.status_code == 200, response.text
    assert life.job()["final_amount"] == "1000.00"


def test_a_bid_above_a_lowered_budget_is_hired_at_its_own_amount(
        client: falcon.testing.TestClient, market: Marketplace, buyer: ApiUser,
        artists: list[ApiUser], job: dict[str, Any], bids: list[dict[str, Any]]) -> None:
    lowered = client.simulate_patch(f"/api/jobs/{job['id']}/", headers=buyer.headers,
                                    json={"budget_min": "500.00", "budget_max": "800.00"})
    assert lowered.status_code == 200, lowered.text
    life = Lifecycle(client, job["id"], buyer)
    for amount in ("800.00", "899.99", "900.01"):
        assert_error(life.hire({"bid_id": bids[2]["id"], "final_amount": amount}), 400,
                     "final_amount")
    response = life.hire({"bid_id": bids[2]["id"], "final_amount": "900.00"})
    assert response.status_code == 200, response.text
    assert response.json["job"]["final_amount"] == "900.00"


def test_the_artists_see_the_outcome_in_their_bids(client: falcon.testing.TestClient,
                                                   life: Lifecycle, artists: list[ApiUser],
                                                   bids: list[dict[str, Any]]) -> None:
    assert life.hire({"bid_id": bids[1]["id"]}).status_code == 200
    for artist, status in zip(artists, ("rejected", "accepted", "rejected"), strict=True):
        mine = client.simulate_get("/api/bids/", headers=artist.headers).json["results"]
        assert [(bid["status"], bid["job"]["status"]) for bid in mine] == [
            (status, "in_progress")]


def test_second_hire_is_409(life: Lifecycle, bids: list[dict[str, Any]]) -> None:
    assert life.hire({"bid_id": bids[0]["id"]}).status_code == 200
    before = (life.job(), life.bid_statuses())
    for bid in bids:
        assert_error(life.hire({"bid_id": bid["id"]}), 409)
    assert (life.job(), life.bid_statuses()) == before


def test_hiring_with_a_bid_of_another_job_is_400(market: Marketplace, life: Lifecycle,
                                                 buyer: ApiUser, artists: list[ApiUser],
                                                 bids: list[dict[str, Any]]) -> None:
    other_job = market.job(buyer)
    foreign = market.bid(artists[0], other_job["id"])
    before = (life.job(), life.bid_statuses())
    assert_error(life.hire({"bid_id": foreign["id"]}), 400, "bid_id")
    assert_error(life.hire({"bid_id": foreign["id"] + 1000}), 400, "bid_id")
    assert (life.job(), life.bid_statuses()) == before


def test_hiring_with_a_withdrawn_bid_is_400(client: falcon.testing.TestClient, life: Lifecycle,
                                            artists: list[ApiUser],
                                            bids: list[dict[str, Any]]) -> None:
    client.simulate_delete(f"/api/bids/{bids[0]['id']}/", headers=artists[0].headers)
    assert_error(life.hire({"bid_id": bids[0]["id"]}), 400, "bid_id")
    assert life.job()["status"] == "open"


@pytest.mark.parametrize(("body", "field"), [
    ({}, "bid_id"),
    ({"bid_id": None}, "bid_id"),
    ({"bid_id": "first"}, "bid_id"),
    ({"final_amount": "800.00"}, "bid_id"),
    ("FINAL", "final_amount"),
])
def test_hire_validation(life: Lifecycle, bids: list[dict[str, Any]], body: Any,
                         field: str) -> None:
    if body == "FINAL":
        for amount in ("0", "0.00", "-10.00", "850.001", "abc", None, True, {"amount": 1}):
            response = life.hire({"bid_id": bids[0]["id"], "final_amount": amount})
            assert_error(response, 400, field)
    else:
        assert_error(life.hire(body), 400, field)
    assert life.job()["status"] == "open"
    assert set(life.bid_statuses().values()) == {"pending"}


def test_only_the_buyer_hires(client: falcon.testing.TestClient, market: Marketplace,
                              life: Lifecycle, artists: list[ApiUser],
                              bids: list[dict[str, Any]]) -> None:
    for intruder in (market.user("buyer"), artists[0]):
        assert_error(life.hire({"bid_id": bids[0]["id"]}, user=intruder), 403)
    response = client.simulate_post(f"/api/jobs/{life.job_id}/hire/",
                                    json={"bid_id": bids[0]["id"]})
    assert_error(response, 401)
    assert life.job()["status"] == "open"
    assert set(life.bid_statuses().values()) == {"pending"}


def test_hire_on_unknown_job_is_404(client: falcon.testing.TestClient, buyer: ApiUser,
                                    bids: list[dict[str, Any]]) -> None:
    for verb in ("hire", "complete", "cancel"):
        response = client.simulate_post(f"/api/jobs/{bids[0]['job']['id'] + 1000}/{verb}/",
                                        headers=buyer.headers, json={"bid_id": bids[0]["id"]})
        assert_error(response, 404)


# -- completing ---------------------------------------------------------------------------


def test_complete_a_job_in_progress(life: Lifecycle, job: dict[str, Any],
                                    bids: list[dict[str, Any]]) -> None:
    assert_error(life.post("complete"), 409)
    assert life.job()["status"] == "open"
    assert life.hire({"bid_id": bids[0]["id"]}).status_code == 200
    response = life.post("complete")
    assert response.status_code == 200, response.text
    assert response.json == {"message": "Job completed successfully",
                             "job": {"id": job["id"], "status": "completed"}}
    detail = life.job()
    assert detail["status"] == "completed"
    assert detail["final_amount"] == "750.00"
    assert detail["hired_artist"]["id"] == bids[0]["artist"]["id"]
    assert_error(life.post("complete"), 409)
    assert_error(life.post("cancel"), 409)
    assert_error(life.hire({"bid_id": bids[1]["id"]}), 409)
    assert life.job() == detail


def test_only_the_buyer_completes(client: falcon.testing.TestClient, market: Marketplace,
                                  life: Lifecycle, artists: list[ApiUser],
                                  bids: list[dict[str, Any]]) -> None:
    assert life.hire({"bid_id": bids[0]["id"]}).status_code == 200
    for intruder in (artists[0], artists[1], market.user("buyer")):
        assert_error(life.post("complete", user=intruder), 403)
    assert_error(client.simulate_post(f"/api/jobs/{life.job_id}/complete/"), 401)
    assert life.job()["status"] == "in_progress"


# -- cancelling ---------------------------------------------------------------------------


def test_cancel_an_open_job_rejects_pending_bids(life: Lifecycle, job: dict[str, Any],
                                                 bids: list[dict[str, Any]]) -> None:
    response = life.post("cancel")
    assert response.status_code == 200, response.text
    assert response.json == {"message": "Job cancelled successfully",
                             "job": {"id": job["id"], "status": "cancelled"}}
    assert life.job()["status"] == "cancelled"
    assert set(life.bid_statuses().values()) == {"rejected"}
    assert_error(life.post("cancel"), 409)
    assert_error(life.post("complete"), 409)
    assert_error(life.hire({"bid_id": bids[0]["id"]}), 409)
    assert life.job()["status"] == "cancelled"


def test_cancel_a_job_in_progress_keeps_the_accepted_bid(life: Lifecycle,
                                                         bids: list[dict[str, Any]]) -> None:
    assert life.hire({"bid_id": bids[1]["id"]}).status_code == 200
    assert life.post("cancel").status_code == 200
    detail = life.job()
    assert detail["status"] == "cancelled"
    assert detail["hired_artist"]["id"] == bids[1]["artist"]["id"]
    assert life.bid_statuses()[bids[1]["id"]] == "accepted"
    assert_error(life.post("complete"), 409)


def test_only_the_buyer_cancels(client: falcon.testing.TestClient, market: Marketplace,
                                life: Lifecycle, artists: list[ApiUser],
                                bids: list[dict[str, Any]]) -> None:
    for intruder in (artists[0], market.user("buyer")):
        assert_error(life.post("cancel", user=intruder), 403)
    assert_error(client.simulate_post(f"/api/jobs/{life.job_id}/cancel/"), 401)
    assert life.job()["status"] == "open"
    assert set(life.bid_statuses().values()) == {"pending"}


def test_a_cancelled_job_is_listed_as_cancelled(client: falcon.testing.TestClient,
                                                life: Lifecycle) -> None:
    assert life.post("cancel").status_code == 200
    listed = client.simulate_get("/api/jobs/", params={"status": "cancelled"}).json
    assert [job["id"] for job in listed["results"]] == [life.job_id]
    assert client.simulate_get("/api/jobs/", params={"status": "open"}).json["count"] == 0
