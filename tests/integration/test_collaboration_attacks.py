"""A stranger's attempts on the collaboration API: bad ratings, repeated or early reviews,
messages to oneself or to an inactive user, jobs neither party takes part in, hostile
attachments, other users' personal data, signatures after edits, and staff-only analytics
(SQLite, or PostgreSQL when CULTUREUP_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select, update

from cultureup.adapters.sqlalchemy.collaboration.tables import (
    contracts,
    messages,
    notifications,
    reviews,
)
from cultureup.adapters.sqlalchemy.tables import users
from cultureup.domain.collaboration.contracts import ContractTerms
from cultureup.domain.money import Money
from cultureup.entrypoints.http.fields import parse_timestamp
from tests.integration.conftest import Marketplace
from tests.integration.test_collaboration_api import Deal, multipart


@pytest.fixture
def deal(market: Marketplace) -> Deal:
    return Deal(market)


def _snapshot(deal: Deal) -> list[Any]:
    with deal.services.engine.connect() as connection:
        return [connection.execute(select(table).order_by(table.c.id)).all()
                for table in (messages, notifications, reviews)]


def test_ratings_that_are_not_whole_stars_and_early_or_repeated_reviews_are_400(
        deal: Deal) -> None:
    early = deal.call("POST", "/api/reviews/", deal.buyer,
                      json={"job": deal.job["id"], "rating": 5, "comment": "Too soon"})
    assert early.status_code == 400, early.text
    deal.complete()
    before = _snapshot(deal)
    for rating in (0, 6, -1, "5.0", "5", "\uff15", "\u0665", 4.5, True, None, [5], 10**30):
        response = deal.call("POST", "/api/reviews/", deal.buyer,
                             json={"job": deal.job["id"], "rating": rating, "comment": "Ok"})
        assert response.status_code == 400, (rating, response.status_code)
        assert "rating" in json.dumps(response.json), rating
    for comment in ("", "   ", "x" * 1001, "a\x00b"):
        response = deal.call("POST", "/api/reviews/", deal.buyer,
                             json={"job": deal.job["id"], "rating": 4, "comment": comment})
        assert response.status_code == 400, (len(comment), response.status_code)
    stranger = deal.call("POST", "/api/reviews/", deal.other_buyer,
                         json={"job": deal.job["id"], "rating": 1, "comment": "Bad"})
    assert stranger.status_code == 403, stranger.text
    artist_self = deal.call("POST", "/api/reviews/", deal.artist,
                            json={"job": deal.job["id"], "rating": 5, "comment": "Me"})
    assert artist_self.status_code == 403, artist_self.text
    assert _snapshot(deal) == before
    first = deal.call("POST", "/api/reviews/", deal.buyer,
                      json={"job": deal.job["id"], "rating": 5.0, "comment": "Great"})
    assert first.status_code == 201 and first.json["rating"] == 5
    again = deal.call("POST", "/api/reviews/", deal.buyer,
                      json={"job": deal.job["id"], "rating": 4, "comment": "Again"})
    assert again.status_code == 400, again.text
    for rating in (0, 6, "4"):
        edit = deal.call("PATCH", f"/api/reviews/{first.json['id']}/", deal.buyer,
                         json={"rating": rating})
        assert edit.status_code == 400, (rating, edit.status_code)
    assert deal.call("GET", f"/api/reviews/{first.json['id']}/", deal.buyer).json[
        "rating"] == 5


def test_messages_to_oneself_to_an_inactive_user_or_about_a_strangers_job_are_400(
        deal: Deal, market: Marketplace) -> None:
    inactive = market.user("artist")
    with deal.services.engine.begin() as connection:
        connection.execute(update(users).where(users.c.id == inactive.id)
                           .values(is_active=False))
    outsider_buyer, outsider_artist = market.user("buyer"), market.user("artist")
    before = _snapshot(deal)
    for sender, payload in (
            (deal.buyer, {"receiver_id": deal.buyer.id, "content": "Me"}),
            (deal.buyer, {"receiver_id": inactive.id, "content": "Hello"}),
            (deal.buyer, {"receiver_id": 10**9, "content": "Hello"}),
            (deal.buyer, {"receiver_id": deal.artist.id, "content": "x" * 2001}),
            (deal.buyer, {"receiver_id": deal.artist.id, "content": " \n\t "}),
            (deal.buyer, {"receiver_id": deal.artist.id, "content": "Hi", "job": 10**9}),
            (outsider_buyer, {"receiver_id": outsider_artist.id, "content": "Hi",
                              "job": deal.job["id"]})):
        response = deal.call("POST", "/api/messages/", sender, json=payload)
        assert response.status_code == 400, (payload, response.status_code)
    assert _snapshot(deal) == before
    longest = deal.call("POST", "/api/messages/", deal.buyer,
                        json={"receiver_id": deal.artist.id, "content": "\u00e9" * 2000})
    assert longest.status_code == 201 and len(longest.json["content"]) == 2000


def test_hostile_attachments_are_refused_or_served_inert_to_the_pair_only(
        deal: Deal) -> None:
    fields = {"receiver_id": deal.artist.id, "content": "The file"}
    refused = (("zero.pdf", b"%PDF-1.4\n", "application/pdf"),
               ("elf.pdf", b"\x7fELF\x02\x01\x01\x00" + bytes(500), "application/pdf"),
               ("mz.txt", b"MZ\x90\x00" + bytes(100), "text/plain"),
               ("svgz.svg", b"\x1f\x8b\x08\x00" + bytes(50), "image/svg+xml"),
               ("broken.zip", b"PK\x03\x04garbage", "application/zip"),
               ("fake.png", b"\x89PNG\r\n\x1a\nnot really", "image/png"))
    before = _snapshot(deal)
    for name, data, content_type in refused:
        response = deal.call("POST", "/api/messages/", deal.buyer,
                             **multipart(fields, (name, data, content_type)))
        assert 400 <= response.status_code < 500, (name, response.status_code)
    assert _snapshot(deal) == before
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)'
           b"</script></svg>")
    html_pdf = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"
    for name, data, content_type in (("pic.svg", svg, "image/svg+xml"),
                                     ("page.pdf", html_pdf, "text/html")):
        sent = deal.call("POST", "/api/messages/", deal.buyer,
                         **multipart(fields, (name, data, content_type)))
        assert sent.status_code == 201, sent.text
        assert sent.json["attachment_type"] in ("text/plain; charset=utf-8",
                                                "application/pdf")
        assert not sent.json["attachment_name"].endswith((".svg", ".html"))
        path = f"/api/files/message-attachment/{sent.json['id']}/"
        got = deal.call("GET", path, deal.artist)
        assert got.status_code == 200
        assert got.headers["content-type"].split(";")[0] in ("text/plain", "application/pdf")
        assert "image/svg" not in got.headers["content-type"]
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"].startswith("attachment")
        assert "no-store" in got.headers["cache-control"]
        for outsider in (deal.other_buyer, deal.other_artist, None):
            assert deal.call("GET", path, outsider).status_code in (401, 403, 404)
    logout = deal.call("POST", "/api/auth/logout/", deal.artist)
    assert logout.status_code in (200, 204), logout.text
    assert deal.call("GET", path, deal.artist).status_code == 401


def test_answers_never_carry_another_users_email_phone_or_address(deal: Deal) -> None:
    with deal.services.engine.begin() as connection:
        emails = connection.execute(select(users.c.email)).scalars().all()
    sent = deal.call("POST", "/api/messages/", deal.buyer,
                     json={"receiver_id": deal.artist.id, "content": "Hello",
                           "job": deal.job["id"]})
    assert sent.status_code == 201
    contract = deal.propose()
    deal.call("POST", f"/api/contracts/{contract['id']}/sign/", deal.artist)
    deal.complete()
    deal.call("POST", "/api/reviews/", deal.buyer,
              json={"job": deal.job["id"], "rating": 4, "comment": "Good"})
    for user in (deal.buyer, deal.artist):
        own = {row for row in emails if row.startswith(user.username + "@")}
        for path in ("/api/messages/", f"/api/messages/{sent.json['id']}/",
                     "/api/messages/conversations/", "/api/contracts/",
                     f"/api/contracts/{contract['id']}/", "/api/reviews/",
                     "/api/notifications/", "/api/dashboard/stats/",
                     f"/api/artist-profiles/{deal.artist.id}/reviews/"):
            text = deal.call("GET", path, user).text
            leaked = [email for email in emails if email in text and email not in own]
            assert leaked == [], (user.username, path, leaked)


def test_signing_twice_editing_active_and_moderators_on_analytics(
        deal: Deal, market: Marketplace) -> None:
    contract = deal.propose()
    path = f"/api/contracts/{contract['id']}/"
    assert deal.call("POST", path + "sign/", deal.artist).status_code == 200
    assert deal.call("POST", path + "sign/", deal.artist).status_code in (400, 409)
    edited = deal.call("PATCH", path, deal.buyer, json={"amount": "900.00"})
    assert edited.status_code == 200, edited.text
    assert edited.json["artist_signed"] is False
    assert deal.call("PATCH", path, deal.artist, json={"amount": "1.00"}).status_code == 403
    for user in (deal.buyer, deal.artist):
        assert deal.call("POST", path + "sign/", user).status_code == 200
    active = deal.call("GET", path, deal.buyer).json
    assert active["status"] == "active" and active["amount"] == "900.00"
    for method, body in (("PATCH", {"amount": "1.00"}), ("PUT", {**contract, "amount": "1"}),
                         ("DELETE", None)):
        response = deal.call(method, path, deal.buyer, json=body)
        assert response.status_code in (400, 409), (method, response.status_code)
    assert deal.call("POST", path + "sign/", deal.buyer).status_code in (400, 409)
    assert deal.call("GET", path, deal.buyer).json == active
    moderator = market.user("buyer")
    with deal.services.engine.begin() as connection:
        connection.execute(update(users).where(users.c.id == moderator.id)
                           .values(is_staff=True, staff_role="content_moderator"))
    for user in (moderator, deal.buyer, deal.artist):
        for method, target in (("GET", "/api/analytics/"), ("GET", "/api/analytics/1/"),
                               ("POST", "/api/analytics/calculate-today/")):
            assert deal.call(method, target, user).status_code == 403, (method, target)


def _at_once(calls: list[Any]) -> list[Any]:
    start = threading.Barrier(len(calls))

    def run(call: Any) -> Any:
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_repeated_proposals_and_reviews_at_the_same_moment_store_one_each(
        deal: Deal) -> None:
    """The same request sent several times at once (real row locks on PostgreSQL): one
    contract, one review, every other answer a clear 400, nothing half-written."""
    payload = {"job": deal.job["id"], "artist": deal.artist.id, "terms": "Logo, 3 rounds",
               "rights_type": "exclusive", "amount": "850.00", "deadline": deal.deadline()}
    answers = _at_once([lambda: deal.call("POST", "/api/contracts/", deal.buyer,
                                          json=payload)] * 4)
    assert sorted(answer.status_code for answer in answers) == [201, 400, 400, 400], [
        (answer.status_code, answer.text) for answer in answers]
    assert deal.count(contracts) == 1
    deal.complete()
    review = {"job": deal.job["id"], "rating": 4, "comment": "Good"}
    answers = _at_once([lambda: deal.call("POST", "/api/reviews/", deal.buyer,
                                          json=review)] * 4)
    assert sorted(answer.status_code for answer in answers) == [201, 400, 400, 400], [
        (answer.status_code, answer.text) for answer in answers]
    assert deal.count(reviews) == 1
    assert [kind for kind, _ in deal.notes(deal.artist)].count("new_review") == 1


def test_an_edit_racing_a_signature_never_leaves_a_signature_on_terms_not_signed(
        deal: Deal) -> None:
    path = f"/api/contracts/{deal.propose()['id']}/"
    for round_ in range(4):
        amount = f"{900 + round_}.00"
        answers = _at_once([lambda: deal.call("POST", path + "sign/", deal.artist),
                            lambda a=amount: deal.call("PATCH", path, deal.buyer,
                                                       json={"amount": a})])
        assert all(answer.status_code in (200, 400, 409) for answer in answers), [
            (answer.status_code, answer.text) for answer in answers]
        view = deal.call("GET", path, deal.buyer).json
        if view["artist_signed"]:
            terms = ContractTerms(terms=view["terms"], rights_type=view["rights_type"],
                                  amount=Money(view["amount"]),
                                  deadline=parse_timestamp(view["deadline"]))
            assert view["artist_terms_digest"] == terms.digest()
            deal.call("PATCH", path, deal.buyer, json={"amount": "850.00"})
