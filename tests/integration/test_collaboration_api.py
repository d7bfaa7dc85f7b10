"""Contracts, messages, reviews, the dashboard and analytics through the HTTP API (SQLite, or
PostgreSQL when CULTUREUP_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import io
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import falcon.testing
import pytest
from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.collaboration.repositories import (
    SqlAlchemyNotificationRepository,
)
from cultureup.adapters.sqlalchemy.collaboration.tables import (
    contracts,
    daily_analytics,
    messages,
    notifications,
    reviews,
)
from cultureup.adapters.sqlalchemy.tables import bids, jobs, users
from cultureup.domain.collaboration.contracts import ContractTerms
from cultureup.domain.money import Money
from cultureup.entrypoints.http.fields import parse_timestamp
from tests.integration.artwork_images import artwork_image, encode
from tests.integration.assertions import assert_error
from tests.integration.conftest import ApiUser, Marketplace, QueryCounter

BOUNDARY = "collab-boundary"


def stamp(value: Any) -> str:
    return str(value.strftime("%Y-%m-%dT%H:%M:%SZ"))


def multipart(fields: dict[str, Any], file: tuple[str, bytes, str] | None = None
              ) -> dict[str, Any]:
    """simulate_* keyword arguments for a multipart body; `file` is (name, bytes, type)."""
    chunks = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
              f"{value}\r\n".encode() for name, value in fields.items()]
    if file is not None:
        filename, data, content_type = file
        chunks.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachment"; '
                      f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
                      .encode() + data + b"\r\n")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return {"body": b"".join(chunks),
            "content_type": f"multipart/form-data; boundary={BOUNDARY}"}


class Deal:
    """Through the API: a buyer's job, two artists' bids, the first artist hired."""

    def __init__(self, market: Marketplace) -> None:
        self.market, self.client, self.services = market, market.client, market.services
        self.buyer, self.other_buyer = market.user("buyer"), market.user("buyer")
        self.artist, self.other_artist = market.user("artist"), market.user("artist")
        self.job = market.job(self.buyer)
        self.bid = market.bid(self.artist, self.job["id"], "800.00")
        market.bid(self.other_artist, self.job["id"], "900.00")
        self.hire()

    def hire(self) -> None:
        response = self.client.simulate_post(
            f"/api/jobs/{self.job['id']}/hire/", headers=self.buyer.headers,
            json={"bid_id": self.bid["id"], "final_amount": "850.00"})
        assert response.status_code == 200, response.text

    def call(self, method: str, path: str, user: ApiUser | None, **kwargs: Any
             ) -> falcon.testing.Result:
        headers = dict(user.headers) if user else {}
        if "content_type" in kwargs:
            headers["Content-Type"] = kwargs.pop("content_type")
        return self.client.simulate_request(method, path, headers=headers, **kwargs)

    def deadline(self, days: int = 10) -> str:
        return stamp(self.market.clock.now() + timedelta(days=days))

    def propose(self, **overrides: Any) -> dict[str, Any]:
        payload = {"job": self.job["id"], "artist": self.artist.id,
                   "terms": "The artist will create a unique logo design with 3 revision "
                            "rounds. Final files will be delivered in AI, PNG, and SVG "
                            "formats.",
                   "rights_type": "exclusive", "amount": "850.00",
                   "deadline": self.deadline()}
        payload.update(overrides)
        response = self.call("POST", "/api/contracts/", self.buyer, json=payload)
        assert response.status_code == 201, response.text
        return dict(response.json)

    def complete(self) -> None:
        response = self.call("POST", f"/api/jobs/{self.job['id']}/complete/", self.buyer)
        assert response.status_code == 200, response.text

    def notes(self, user: ApiUser) -> list[tuple[str, str]]:
        with self.services.engine.connect() as connection:
            rows = connection.execute(
                select(notifications).where(notifications.c.user_id == user.id)
                .order_by(notifications.c.id)).mappings().all()
        return [(row["notification_type"], row["message"]) for row in rows]

    def count(self, table: Any) -> int:
        with self.services.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table))
                       .scalar_one())


@pytest.fixture
def deal(market: Marketplace) -> Deal:
    return Deal(market)


# -- the spec's examples ------------------------------------------------------------------------


CONTRACT_KEYS = {"id", "job", "artist", "buyer", "terms", "rights_type", "amount", "deadline",
                 "status", "artist_signed", "buyer_signed", "artist_signed_at",
                 "buyer_signed_at", "created_at", "is_fully_signed"}


def test_contracts_as_the_spec_shows(deal: Deal) -> None:
    deadline = deal.deadline(8)
    created = deal.propose(deadline=deadline)
    assert set(created) >= CONTRACT_KEYS
    assert created["job"] == {"id": deal.job["id"], "title": deal.job["title"]}
    assert created["artist"] == {"id": deal.artist.id, "username": deal.artist.username}
    assert created["buyer"] == {"id": deal.buyer.id, "username": deal.buyer.username}
    assert (created["rights_type"], created["amount"], created["deadline"], created["status"],
            created["artist_signed"], created["buyer_signed"], created["artist_signed_at"],
            created["buyer_signed_at"], created["is_fully_signed"]) == (
        "exclusive", "850.00", deadline, "pending", False, False, None, None, False)
    assert created["created_at"] == stamp(deal.market.clock.now())

    deal.market.clock.advance(hours=1)
    signed = deal.call("POST", f"/api/contracts/{created['id']}/sign/", deal.artist)
    assert signed.status_code == 200, signed.text
    assert signed.json["message"] == "Contract signed successfully"
    assert signed.json["contract"] == {
        "id": created["id"], "artist_signed": True, "buyer_signed": False,
        "artist_signed_at": stamp(deal.market.clock.now()), "buyer_signed_at": None,
        "is_fully_signed": False, "status": "pending"}
    deal.market.clock.advance(hours=1)
    both = deal.call("POST", f"/api/contracts/{created['id']}/sign/", deal.buyer)
    assert both.json["contract"]["status"] == "active"

    listed = deal.call("GET", "/api/contracts/", deal.buyer,
                       params={"status": "active", "ordering": "-created_at"})
    assert listed.status_code == 200, listed.text
    assert (listed.json["count"], listed.json["next"], listed.json["previous"]) == (1, None,
                                                                                      None)
    (row,) = listed.json["results"]
    assert (row["id"], row["is_fully_signed"], row["artist_signed"], row["buyer_signed"]) == (
        created["id"], True, True, True)
    assert row["buyer_signed_at"] == stamp(deal.market.clock.now())
    for query, count in ((("status", "pending"), 0), (("rights_type", "exclusive"), 1),
                         (("rights_type", "commercial"), 0), (("ordering", "amount"), 1)):
        assert deal.call("GET", "/api/contracts/", deal.artist,
                         params=dict([query])).json["count"] == count
    for query in ({"status": "signed"}, {"rights_type": "all"}, {"ordering": "terms"}):
        assert_error(deal.call("GET", "/api/contracts/", deal.buyer, params=query), 400)
    one = deal.call("GET", f"/api/contracts/{created['id']}/", deal.artist)
    assert one.status_code == 200 and one.json["status"] == "active"


def test_messages_as_the_spec_shows(deal: Deal) -> None:
    content = "Hi, I'm interested in your project. Can we discuss the requirements in detail?"
    sent = deal.call("POST", "/api/messages/", deal.artist, **multipart(
        {"receiver_id": deal.buyer.id, "job": deal.job["id"], "content": content}))
    assert sent.status_code == 201, sent.text
    assert sent.json["sender"]["id"] == deal.artist.id
    assert sent.json["sender"]["username"] == deal.artist.username
    assert sent.json["receiver"]["username"] == deal.buyer.username
    assert (sent.json["job"], sent.json["content"], sent.json["attachment"],
            sent.json["is_read"]) == (deal.job["id"], content, None, False)
    deal.market.clock.advance(minutes=5)
    reply = deal.call("POST", "/api/messages/", deal.buyer, json={
        "receiver_id": deal.artist.id, "job": deal.job["id"],
        "content": "Hi John, I really liked your bid. Can we discuss the timeline?"})
    assert reply.status_code == 201, reply.text
    assert set(reply.json["sender"]) >= {"id", "username", "first_name", "last_name"}

    unread = deal.call("GET", "/api/messages/", deal.buyer,
                       params={"is_read": "false", "ordering": "-created_at"})
    assert unread.status_code == 200, unread.text
    assert [m["id"] for m in unread.json["results"]] == [reply.json["id"], sent.json["id"]]
    assert deal.call("GET", "/api/messages/", deal.buyer,
                     params={"job": deal.job["id"], "ordering": "created_at"}).json[
        "results"][0]["id"] == sent.json["id"]

    # The sender cannot mark their own message read; the receiver can.
    assert_error(deal.call("POST", f"/api/messages/{sent.json['id']}/mark-read/",
                           deal.artist), 403)
    marked = deal.call("POST", f"/api/messages/{sent.json['id']}/mark-read/", deal.buyer)
    assert marked.json == {"message": "Message marked as read",
                           "message_id": sent.json["id"], "is_read": True}
    assert deal.call("GET", "/api/messages/", deal.buyer,
                     params={"is_read": "false"}).json["count"] == 1

    conversations = deal.call("GET", "/api/messages/conversations/", deal.artist)
    assert conversations.status_code == 200, conversations.text
    (entry,) = conversations.json["conversations"]
    assert entry["user"] == {"id": deal.buyer.id, "username": deal.buyer.username,
                             "first_name": "Test", "profile_image": None}
    assert entry["last_message"] == {
        "id": reply.json["id"], "content": reply.json["content"],
        "created_at": reply.json["created_at"], "is_read": False}
    assert entry["unread_count"] == 1
    assert deal.call("GET", "/api/messages/conversations/", deal.buyer).json[
        "conversations"][0]["unread_count"] == 0

    # The sender corrects a message within the edit window, not later; nobody else edits.
    edited = deal.call("PATCH", f"/api/messages/{reply.json['id']}/", deal.buyer,
                       json={"content": "Can we discuss the timeline tomorrow?"})
    assert edited.status_code == 200 and edited.json["content"].endswith("tomorrow?")
    assert_error(deal.call("PUT", f"/api/messages/{reply.json['id']}/", deal.artist,
                           json={"content": "Forged"}), 403)
    deal.market.clock.advance(minutes=30)
    assert_error(deal.call("PUT", f"/api/messages/{reply.json['id']}/", deal.buyer,
                           json={"content": "Too late"}), 409)
    assert_error(deal.call("DELETE", f"/api/messages/{reply.json['id']}/", deal.artist), 403)
    assert deal.call("DELETE", f"/api/messages/{reply.json['id']}/",
                     deal.buyer).status_code == 204
    assert_error(deal.call("GET", f"/api/messages/{reply.json['id']}/", deal.buyer), 404)


def test_message_bodies_are_refused_with_a_clear_400(deal: Deal) -> None:
    for body, field in (
        ({"receiver_id": deal.buyer.id, "content": " "}, "content"),
        ({"receiver_id": deal.buyer.id, "content": "x" * 2001}, "content"),
        ({"receiver_id": deal.artist.id, "content": "Me"}, "receiver_id"),
        ({"receiver_id": 999_999, "content": "Nobody"}, "receiver_id"),
        ({"receiver_id": deal.buyer.id, "content": "Hi", "job": 999_999}, "job"),
        ({"content": "To whom?"}, "receiver_id"),
    ):
        assert_error(deal.call("POST", "/api/messages/", deal.artist, json=body), 400, field)
    outsider_job = deal.market.job(deal.other_buyer)
    assert_error(deal.call("POST", "/api/messages/", deal.artist, json={
        "receiver_id": deal.other_artist.id, "content": "Hi", "job": outsider_job["id"]}),
        400, "job")
    assert deal.count(messages) == 0


def test_reviews_as_the_spec_shows(deal: Deal) -> None:
    comment = ("Excellent work! John delivered the logo on time and it exceeded my "
               "expectations. Very professional and responsive to feedback. Highly "
               "recommended!")
    assert_error(deal.call("POST", "/api/reviews/", deal.buyer, json={
        "job": deal.job["id"], "rating": 5, "comment": comment}), 400, "job")  # not completed
    deal.complete()
    for body, field in (({"rating": 6}, "rating"), ({"rating": 0}, "rating"),
                        ({"rating": 4.5}, "rating"), ({"comment": "x" * 1001}, "comment"),
                        ({"comment": ""}, "comment")):
        assert_error(deal.call("POST", "/api/reviews/", deal.buyer, json={
            "job": deal.job["id"], "rating": 5, "comment": comment, **body}), 400, field)
    assert_error(deal.call("POST", "/api/reviews/", deal.other_buyer, json={
        "job": deal.job["id"], "rating": 1, "comment": "Not mine"}), 403)
    created = deal.call("POST", "/api/reviews/", deal.buyer, json={
        "job": deal.job["id"], "rating": 5, "comment": comment})
    assert created.status_code == 201, created.text
    review = created.json
    assert review["reviewer"] == {"id": deal.buyer.id, "username": deal.buyer.username,
                                  "first_name": "Test",
                                  "last_name": deal.buyer.username.title()}
    assert review["artist"]["id"] == deal.artist.id
    assert review["job"] == {"id": deal.job["id"], "title": deal.job["title"]}
    assert (review["rating"], review["comment"]) == (5, comment)
    assert_error(deal.call("POST", "/api/reviews/", deal.buyer, json={
        "job": deal.job["id"], "rating": 4, "comment": "Again"}), 400, "job")

    changed = deal.call("PATCH", f"/api/reviews/{review['id']}/", deal.buyer, json={
        "rating": 4,
        "comment": "Good work overall. Minor revisions needed but delivered on time."})
    assert changed.status_code == 200 and changed.json["rating"] == 4
    assert_error(deal.call("PATCH", f"/api/reviews/{review['id']}/", deal.artist,
                           json={"rating": 5}), 403)
    replaced = deal.call("PUT", f"/api/reviews/{review['id']}/", deal.buyer,
                         json={"rating": 3, "comment": "Fine."})
    assert (replaced.json["rating"], replaced.json["comment"]) == (3, "Fine.")

    # Everyone reads an artist's reviews; the artist's rating comes from them.
    response = deal.call("POST", "/api/artist-profiles/", deal.artist,
                         json={"experience_level": "expert", "hourly_rate": "50.00"})
    assert response.status_code == 201, response.text
    public = deal.call("GET", f"/api/artist-profiles/{deal.artist.id}/reviews/", None)
    assert public.status_code == 200
    assert [r["id"] for r in public.json["results"]] == [review["id"]]
    assert deal.call("GET", f"/api/artist-profiles/{deal.artist.id}/reviews/", None,
                     params={"rating": 5}).json["count"] == 0
    profile = deal.call("GET", f"/api/artist-profiles/{deal.artist.id}/", None).json
    assert (profile["rating"], profile["total_reviews"]) == (3.0, 1)
    for who in (deal.buyer, deal.artist):
        listed = deal.call("GET", "/api/reviews/", who,
                           params={"rating": 3, "ordering": "-rating"})
        assert [r["id"] for r in listed.json["results"]] == [review["id"]]
    assert deal.call("GET", "/api/reviews/", deal.other_buyer).json["count"] == 0
    assert_error(deal.call("GET", "/api/reviews/", deal.buyer, params={"rating": 6}), 400,
                 "rating")

    assert deal.call("DELETE", f"/api/reviews/{review['id']}/", deal.buyer).status_code == 204
    assert deal.count(reviews) == 0
    assert deal.call("GET", f"/api/artist-profiles/{deal.artist.id}/", None).json[
        "total_reviews"] == 0


def pay(deal: Deal) -> dict[str, Any]:
    """The buyer pays the hired job by bank transfer; staff see the transfer arrive."""
    response = deal.call("POST", "/api/payments/", deal.buyer, json={
        "job": deal.job["id"], "payment_method": "bank_transfer"})
    assert response.status_code == 201, response.text
    payment = dict(response.json)
    assert deal.call("POST", f"/api/payments/{payment['id']}/confirm/", deal.buyer,
                     json={"transaction_reference": "TRX-1"}).status_code == 200
    deal.services.payments.verify(deal.market.admin_actor(), payment["id"],
                                  reference="TRX-1")
    return payment


def test_dashboards_in_the_artist_and_buyer_shapes(deal: Deal) -> None:
    payment = pay(deal)
    deal.complete()
    deal.call("POST", "/api/reviews/", deal.buyer,
              json={"job": deal.job["id"], "rating": 4, "comment": "Good"})
    other = deal.market.job(deal.buyer)
    deal.market.bid(deal.artist, other["id"], "600.00")

    artist = deal.call("GET", "/api/dashboard/stats/", deal.artist)
    assert artist.status_code == 200, artist.text
    assert artist.json == {"user_type": "artist", "stats": {
        "total_earnings": payment["artist_earning"], "total_projects_completed": 1,
        "active_bids": 1, "pending_jobs": 0, "average_rating": 4.0, "total_reviews": 1,
        "completion_rate": 100.0, "artworks_uploaded": 0, "artworks_sold": 0}}
    buyer = deal.call("GET", "/api/dashboard/stats/", deal.buyer)
    assert buyer.json == {"user_type": "buyer", "stats": {
        "total_spent": "850.00", "active_jobs": 1, "completed_jobs": 1,
        "total_jobs_posted": 2, "artworks_purchased": 0, "equipment_purchased": 0,
        "pending_orders": 0}}
    assert Money.parse(payment["artist_earning"]) < Money("850.00")
    assert_error(deal.call("GET", "/api/dashboard/stats/", None), 401)


def test_analytics_for_staff_only_one_row_per_day_equal_to_direct_counts(
        deal: Deal, market: Marketplace) -> None:
    admin = market.user("buyer")
    with deal.services.engine.begin() as connection:
        connection.execute(users.update().where(users.c.id == admin.id)
                           .values(is_staff=True, staff_role="admin"))
    first = deal.call("POST", "/api/analytics/calculate-today/", admin)
    assert first.status_code == 200, first.text
    deal.call("POST", "/api/messages/", deal.buyer,
              json={"receiver_id": deal.artist.id, "content": "One more"})
    deal.market.clock.advance(minutes=1)
    second = deal.call("POST", "/api/analytics/calculate-today/", admin)
    assert second.status_code == 200, second.text
    snapshot = second.json["analytics"]
    today = deal.market.clock.now().date().isoformat()
    assert second.json["message"] == f"Analytics calculated for {today}"
    assert (snapshot["id"], snapshot["date"]) == (first.json["analytics"]["id"], today)
    assert snapshot["messages_sent"] == first.json["analytics"]["messages_sent"] + 1
    assert deal.count(daily_analytics) == 1
    direct = {"total_users": deal.count(users), "jobs_posted": deal.count(jobs),
              "bids_placed": deal.count(bids), "messages_sent": deal.count(messages),
              "artworks_uploaded": deal.count(artworks), "reviews_posted": deal.count(reviews)}
    assert {name: snapshot[name] for name in direct} == direct
    assert (snapshot["revenue"], snapshot["platform_fees"]) == ("0.00", "0.00")

    listed = deal.call("GET", "/api/analytics/", admin)
    assert listed.json["count"] == 1 and listed.json["results"][0] == snapshot
    assert deal.call("GET", f"/api/analytics/{snapshot['id']}/", admin).json == snapshot
    for outsider in (deal.buyer, deal.artist):
        for method, path in (("GET", "/api/analytics/"),
                             ("GET", f"/api/analytics/{snapshot['id']}/"),
                             ("POST", "/api/analytics/calculate-today/")):
            assert_error(deal.call(method, path, outsider), 403)
    assert_error(deal.call("GET", "/api/analytics/", None), 401)
    assert_error(deal.call("GET", f"/api/analytics/{snapshot['id'] + 1}/", admin), 404)


# -- the contract flow --------------------------------------------------------------------------


def test_the_contract_flow_clears_signatures_on_a_change_and_binds_the_signed_terms(
        deal: Deal) -> None:
    contract = deal.propose()
    path = f"/api/contracts/{contract['id']}/"
    assert deal.call("POST", path + "sign/", deal.artist).json["contract"]["artist_signed"]
    assert_error(deal.call("POST", path + "sign/", deal.artist), 409)  # once each
    # Only the buyer edits; the artist's change is refused and changes nothing.
    assert_error(deal.call("PATCH", path, deal.artist, json={"amount": "1.00"}), 403)
    same = deal.call("PATCH", path, deal.buyer, json={"rights_type": "exclusive"})
    assert (same.json["signatures_cleared"], same.json["artist_signed"]) == (False, True)
    changed = deal.call("PATCH", path, deal.buyer, json={"amount": "900.00"})
    assert changed.status_code == 200, changed.text
    assert changed.json["signatures_cleared"] is True
    assert "signatures were cleared" in changed.json["message"]
    assert (changed.json["artist_signed"], changed.json["buyer_signed"],
            changed.json["amount"]) == (False, False, "900.00")
    assert_error(deal.call("PATCH", path, deal.buyer,
                           json={"deadline": stamp(deal.market.clock.now())}), 400,
                 "deadline")
    replaced = deal.call("PUT", path, deal.buyer, json={
        "terms": "Five rounds.", "rights_type": "commercial", "amount": "950.00",
        "deadline": deal.deadline(12)})
    assert replaced.status_code == 200 and replaced.json["terms"] == "Five rounds."
    assert deal.call("POST", path + "sign/", deal.buyer).status_code == 200
    active = deal.call("POST", path + "sign/", deal.artist)
    assert (active.json["contract"]["status"], active.json["contract"]["is_fully_signed"]) == (
        "active", True)

    view = deal.call("GET", path, deal.buyer).json
    expected = ContractTerms(terms=view["terms"], rights_type=view["rights_type"],
                             amount=Money.parse(view["amount"]),
                             deadline=parse_timestamp(view["deadline"])).digest()
    assert view["artist_terms_digest"] == view["buyer_terms_digest"] == expected
    with deal.services.engine.connect() as connection:
        row = connection.execute(select(contracts).where(
            contracts.c.id == contract["id"])).mappings().one()
    assert row["artist_terms_digest"] == row["buyer_terms_digest"] == expected

    # An active contract is neither edited nor deleted, nor signed again.
    assert_error(deal.call("PATCH", path, deal.buyer, json={"terms": "Other"}), 409)
    assert_error(deal.call("DELETE", path, deal.buyer), 409)
    assert_error(deal.call("POST", path + "sign/", deal.buyer), 409)
    # A third user cannot read, sign, change or delete it.
    for outsider in (deal.other_buyer, deal.other_artist):
        for method, suffix, body in (("GET", "", None), ("POST", "sign/", None),
                                     ("PATCH", "", {"terms": "Mine"}), ("DELETE", "", None)):
            response = deal.call(method, path + suffix, outsider, json=body)
            assert response.status_code in (403, 404), (method, suffix, response.text)
        assert deal.call("GET", "/api/contracts/", outsider).json["count"] == 0
    assert deal.call("GET", path, deal.artist).json["updated_at"] == view["updated_at"]
    # The job's completion completes it.
    deal.complete()
    assert deal.call("GET", path, deal.buyer).json["status"] == "completed"


def test_proposals_that_break_the_rules_are_400_or_403_and_store_nothing(deal: Deal) -> None:
    base = {"job": deal.job["id"], "artist": deal.artist.id, "terms": "Terms",
            "rights_type": "exclusive", "deadline": deal.deadline()}
    for change, field in (({"artist": deal.other_artist.id}, "artist"),
                          ({"rights_type": "forever"}, "rights_type"),
                          ({"amount": "0.00"}, "amount"),
                          ({"amount": "12.345"}, "amount"),
                          ({"deadline": stamp(deal.market.clock.now() - timedelta(days=1))},
                           "deadline"),
                          ({"terms": "  "}, "terms"),
                          ({"job": 999_999}, "job")):
        assert_error(deal.call("POST", "/api/contracts/", deal.buyer,
                               json={**base, **change}), 400, field)
    assert_error(deal.call("POST", "/api/contracts/", deal.other_buyer, json=base), 403)
    assert_error(deal.call("POST", "/api/contracts/", deal.artist, json=base), 403)
    assert deal.count(contracts) == 0
    # The amount defaults to the job's final amount; one live contract per job.
    created = deal.call("POST", "/api/contracts/", deal.buyer, json=base)
    assert created.status_code == 201 and created.json["amount"] == "850.00"
    assert_error(deal.call("POST", "/api/contracts/", deal.buyer, json=base), 400, "job")
    assert deal.call("DELETE", f"/api/contracts/{created.json['id']}/",
                     deal.buyer).status_code == 204
    assert deal.count(contracts) == 0


def test_both_parties_signing_at_once_over_http_leave_one_active_contract(
        deal: Deal) -> None:
    """Two requests at the same moment, one per party (on PostgreSQL, real row locks)."""
    for _ in range(4):
        contract = deal.propose()
        start = threading.Barrier(2)

        def sign(user: ApiUser, contract_id: int = contract["id"],
                 start: threading.Barrier = start) -> int:
            start.wait()
            return deal.call("POST", f"/api/contracts/{contract_id}/sign/", user).status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(sign, [deal.buyer, deal.artist]))
        assert outcomes == [200, 200]
        view = deal.call("GET", f"/api/contracts/{contract['id']}/", deal.buyer).json
        assert (view["status"], view["artist_signed"], view["buyer_signed"]) == (
            "active", True, True)
        assert view["artist_terms_digest"] == view["buyer_terms_digest"] is not None
        assert [kind for kind, _ in deal.notes(deal.buyer)].count("contract_signed") + [
            kind for kind, _ in deal.notes(deal.artist)].count("contract_signed") == 2 * (
            _ + 1)
        with deal.services.engine.begin() as connection:
            connection.execute(contracts.update().where(contracts.c.id == contract["id"])
                               .values(status="terminated"))


# -- notifications ------------------------------------------------------------------------------


def test_a_jobs_steps_notify_exactly_the_documented_users(market: Marketplace) -> None:
    client = market.client
    buyer, artist, other = market.user("buyer"), market.user("artist"), market.user("artist")
    bystander = market.user("buyer")
    job = market.job(buyer)
    title = job["title"]
    market.bid(artist, job["id"], "800.00")
    bid = client.simulate_get("/api/bids/", headers=artist.headers).json["results"][0]
    deal = Deal.__new__(Deal)
    deal.market, deal.client, deal.services = market, client, market.services
    deal.buyer, deal.artist, deal.job = buyer, artist, job

    def steps_refused() -> None:
        """Requests that fail notify nobody."""
        for method, path, user, body in (
            ("POST", "/api/bids/", artist, {"job_id": job["id"], "bid_amount": "800.00",
                                            "delivery_time": 5, "cover_letter": "Again"}),
            ("POST", "/api/messages/", buyer, {"receiver_id": buyer.id, "content": "Me"}),
            ("POST", f"/api/jobs/{job['id']}/complete/", other, None),
        ):
            assert deal.call(method, path, user, json=body).status_code >= 400

    before = {user.id: deal.notes(user) for user in (buyer, artist, other, bystander)}
    steps_refused()
    assert {user.id: deal.notes(user) for user in (buyer, artist, other, bystander)} == before
    response = client.simulate_post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                                    json={"bid_id": bid["id"]})
    assert response.status_code == 200, response.text
    sent = deal.call("POST", "/api/messages/", buyer, json={
        "receiver_id": artist.id, "job": job["id"], "content": "Welcome aboard"})
    assert sent.status_code == 201
    contract = deal.propose(amount="800.00")
    deal.call("POST", f"/api/contracts/{contract['id']}/sign/", artist)
    assert_error(deal.call("POST", f"/api/contracts/{contract['id']}/sign/", artist), 409)
    deal.call("POST", f"/api/contracts/{contract['id']}/sign/", buyer)
    steps_refused()
    deal.complete()
    deal.call("POST", "/api/reviews/", buyer, json={"job": job["id"], "rating": 5,
                                                   "comment": "Superb"})

    b, a = buyer.username, artist.username
    assert deal.notes(buyer) == [
        ("new_bid", f"You received a new bid from {a} on your job '{title}'"),
        ("contract_signed", f"{a} signed the contract for '{title}'")]
    assert deal.notes(artist) == [
        ("bid_accepted", f"{b} accepted your bid on '{title}'"),
        ("new_message", f"You have a new message from {b}"),
        ("contract_signed", f"{b} signed the contract for '{title}'; it is now active"),
        ("job_completed", f"{b} marked the job '{title}' as completed"),
        ("new_review", f"{b} left a 5-star review on '{title}'")]
    assert deal.notes(other) == [] and deal.notes(bystander) == []
    listed = deal.call("GET", "/api/notifications/", artist, params={"ordering": "created_at"})
    assert [n["title"] for n in listed.json["results"]] == [
        "Bid Accepted", "New Message", "Contract Signed", "Job Completed", "New Review"]


def test_a_completed_payment_notifies_its_payee_once(deal: Deal) -> None:
    payment = pay(deal)
    assert deal.notes(deal.artist) == [
        ("bid_accepted", deal.notes(deal.artist)[0][1]),
        ("payment_received",
         f"You received a payment of PKR {payment['amount']} for the job #{deal.job['id']}")]
    assert [kind for kind, _ in deal.notes(deal.buyer)].count("payment_received") == 0
    assert deal.notes(deal.other_artist) == []
    # Completing the job releases the money: no second payment notification.
    deal.complete()
    assert [kind for kind, _ in deal.notes(deal.artist)].count("payment_received") == 1


def test_a_payment_and_its_notification_commit_or_roll_back_together(
        deal: Deal, monkeypatch: pytest.MonkeyPatch) -> None:
    response = deal.call("POST", "/api/payments/", deal.buyer, json={
        "job": deal.job["id"], "payment_method": "bank_transfer"})
    payment_id = response.json["id"]
    deal.call("POST", f"/api/payments/{payment_id}/confirm/", deal.buyer,
              json={"transaction_reference": "TRX-2"})

    def refuse(self: Any, notification: Any) -> None:
        raise RuntimeError("the notification store is down")

    monkeypatch.setattr(SqlAlchemyNotificationRepository, "add", refuse)
    with pytest.raises(RuntimeError):
        deal.services.payments.verify(deal.market.admin_actor(), payment_id,
                                      reference="TRX-2")
    monkeypatch.undo()
    assert deal.call("GET", f"/api/payments/{payment_id}/", deal.buyer).json[
        "status"] == "pending"
    assert [kind for kind, _ in deal.notes(deal.artist)] == ["bid_accepted"]


# -- a third user ---------------------------------------------------------------------------------


def test_a_third_user_never_touches_another_pairs_things(deal: Deal) -> None:
    attached = deal.call("POST", "/api/messages/", deal.buyer, **multipart(
        {"receiver_id": deal.artist.id, "content": "The brief"},
        ("brief.txt", b"Brief words", "text/plain")))
    assert attached.status_code == 201, attached.text
    assert attached.json["attachment"].endswith(
        f"/api/files/message-attachment/{attached.json['id']}/")
    assert attached.json["attachment_name"] == "brief.txt"
    plain = deal.call("POST", "/api/messages/", deal.artist,
                      json={"receiver_id": deal.buyer.id, "content": "Thanks"})
    contract = deal.propose()
    deal.complete()
    review = deal.call("POST", "/api/reviews/", deal.buyer,
                       json={"job": deal.job["id"], "rating": 5, "comment": "Great"})
    assert review.status_code == 201
    with deal.services.engine.connect() as connection:
        note_ids = connection.execute(select(notifications.c.id)).scalars().all()
        message_ids = connection.execute(select(messages.c.id)).scalars().all()
        contract_ids = connection.execute(select(contracts.c.id)).scalars().all()
        review_ids = connection.execute(select(reviews.c.id)).scalars().all()
    assert plain.status_code == 201 and contract["id"] in contract_ids

    def snapshot() -> list[Any]:
        with deal.services.engine.connect() as connection:
            return [connection.execute(select(table).order_by(table.c.id)).all()
                    for table in (messages, notifications, contracts, reviews)]

    before = snapshot()
    probes: list[tuple[str, str, dict[str, Any] | None]] = []
    for mid in [*message_ids, max(message_ids) + 1]:
        probes += [("GET", f"/api/messages/{mid}/", None),
                   ("POST", f"/api/messages/{mid}/mark-read/", None),
                   ("PATCH", f"/api/messages/{mid}/", {"content": "Forged"}),
                   ("PUT", f"/api/messages/{mid}/", {"content": "Forged"}),
                   ("DELETE", f"/api/messages/{mid}/", None),
                   ("GET", f"/api/files/message-attachment/{mid}/", None)]
    for nid in [*note_ids, max(note_ids) + 1]:
        probes += [("GET", f"/api/notifications/{nid}/", None),
                   ("POST", f"/api/notifications/{nid}/mark-read/", None)]
    for cid in [*contract_ids, max(contract_ids) + 1]:
        probes += [("GET", f"/api/contracts/{cid}/", None),
                   ("POST", f"/api/contracts/{cid}/sign/", None),
                   ("PATCH", f"/api/contracts/{cid}/", {"terms": "Mine"}),
                   ("DELETE", f"/api/contracts/{cid}/", None)]
    for rid in [*review_ids, max(review_ids) + 1]:
        probes += [("GET", f"/api/reviews/{rid}/", None),
                   ("PATCH", f"/api/reviews/{rid}/", {"rating": 1}),
                   ("DELETE", f"/api/reviews/{rid}/", None)]
    for outsider in (deal.other_buyer, deal.other_artist):
        for method, path, body in probes:
            response = deal.call(method, path, outsider, json=body)
            assert response.status_code in (403, 404), (method, path, response.status_code)
        for listing in ("/api/messages/", "/api/reviews/", "/api/contracts/"):
            assert deal.call("GET", listing, outsider).json["count"] == 0
        assert deal.call("GET", "/api/messages/conversations/", outsider).json == {
            "conversations": []}
    assert snapshot() == before
    download = deal.call("GET", f"/api/files/message-attachment/{attached.json['id']}/",
                         deal.artist)
    assert download.status_code == 200 and download.content == b"Brief words"


def _private_files(deal: Deal) -> list[Path]:
    root = Path(deal.services.settings.private_root)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_bad_attachments_are_4xx_and_store_nothing(deal: Deal) -> None:
    fields = {"receiver_id": deal.artist.id, "content": "The file"}
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(2000)
    for name, data in (("big.pdf", b"%PDF-1.4\n" + b"x" * (12 * 2**20)), ("setup.pdf", exe),
                       ("empty.pdf", b"")):
        response = deal.call("POST", "/api/messages/", deal.buyer,
                             **multipart(fields, (name, data, "application/pdf")))
        assert 400 <= response.status_code < 500, (name, response.status_code)
        assert response.json["success"] is False
    assert deal.count(messages) == 0 and _private_files(deal) == []
    assert deal.notes(deal.artist) == [("bid_accepted", deal.notes(deal.artist)[0][1])]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("sketch.txt", "lines")
    for name, data, content_type in (
            ("sketches.zip", archive.getvalue(), "application/zip"),
            ("photo.jpg", encode(artwork_image(3)), "image/jpeg")):
        response = deal.call("POST", "/api/messages/", deal.buyer,
                             **multipart(fields, (name, data, content_type)))
        assert response.status_code == 201, response.text
        assert (response.json["attachment_name"], response.json["attachment_type"]) == (
            name, content_type)
    assert len(_private_files(deal)) == 2


# -- SQL statements per list --------------------------------------------------------------------


def _statements(deal: Deal, counter: QueryCounter, user: ApiUser, path: str,
                **params: Any) -> tuple[int, Any]:
    counter.count = 0
    response = deal.call("GET", path, user, params=params)
    assert response.status_code == 200, response.text
    return counter.count, response.json


def test_each_list_is_a_fixed_number_of_statements(market: Marketplace,
                                                   count_queries: QueryCounter) -> None:
    services = market.services
    buyer = market.user("buyer")
    category = market.category()
    deal = Deal.__new__(Deal)
    deal.market, deal.client, deal.services, deal.buyer = market, market.client, services, buyer
    artists = []
    for index in range(20):
        artist = market.user("artist")
        artists.append(artist)
        job = market.job(buyer, category)
        bid = market.bid(artist, job["id"], "700.00")
        market.client.simulate_post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                                    json={"bid_id": bid["id"]})
        deal.job, deal.artist = job, artist
        deal.propose(amount="700.00")
        deal.call("POST", "/api/messages/", buyer,
                  json={"receiver_id": artist.id, "content": f"Hello {index}"})
        deal.complete()
        deal.call("POST", "/api/reviews/", buyer,
                  json={"job": job["id"], "rating": 1 + index % 5, "comment": "Fine"})
    few: dict[str, int] = {}
    for path in ("/api/messages/", "/api/notifications/", "/api/reviews/", "/api/contracts/",
                 "/api/messages/conversations/"):
        few[path], body = _statements(deal, count_queries, buyer, path, page_size=20)
        if path.endswith("conversations/"):
            assert len(body["conversations"]) == 20
        else:
            assert len(body["results"]) == 20, path
    # A thousand more messages change nothing in the number of statements.
    now = market.clock.now()
    with services.engine.begin() as connection:
        connection.execute(messages.insert(), [{
            "sender_id": artists[index % 20].id if index % 2 else buyer.id,
            "receiver_id": buyer.id if index % 2 else artists[index % 20].id,
            "content": f"m{index}", "is_read": index % 3 == 0,
            "created_at": now + timedelta(seconds=index),
            "updated_at": now + timedelta(seconds=index)} for index in range(1000)])
    for path in ("/api/messages/", "/api/messages/conversations/"):
        count, body = _statements(deal, count_queries, buyer, path, page_size=20)
        assert count == few[path], path
    conversations = body["conversations"]
    assert len(conversations) == 20
    assert conversations[0]["last_message"]["content"] == "m999"
    expected_unread = sum(1 for index in range(1000) if index % 2 and index % 3 != 0
                          and index % 20 == 999 % 20)
    assert conversations[0]["unread_count"] == expected_unread
    # Authentication (the token, its user, the account's suspensions and bans in force) and
    # the page: a handful, never one per row.
    assert max(few.values()) <= 7, few
