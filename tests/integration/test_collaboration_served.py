"""The spec's examples for contracts, messages, reviews, notifications, the dashboard and
analytics, sent to a served API (`cultureup serve`) as a client would, with dates ahead of the
server's own clock."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cultureup.adapters.sqlalchemy.tables import users
from cultureup.bootstrap import Services
from tests.integration.conftest import STRONG_PASSWORD, Marketplace
from tests.integration.test_serving import Served

BOUNDARY = "served-boundary"


@pytest.fixture
def api(services: Services, tmp_path: Path) -> Iterator[Served]:
    env = {**os.environ, "HOME": str(tmp_path), "CULTUREUP_DATABASE_URL":
           services.settings.database_url, "CULTUREUP_MEDIA_ROOT": str(tmp_path / "media"),
           "CULTUREUP_PRIVATE_ROOT": str(tmp_path / "private"),
           "CULTUREUP_SECRET_KEY": services.settings.secret_key,
           "CULTUREUP_PASSWORD_HASH_TIME_COST": "1", "CULTUREUP_PASSWORD_HASH_MEMORY_KIB": "1024",
           "CULTUREUP_RATE_LIMIT_ENABLED": "false"}
    server = Served(env, tmp_path)
    yield server
    server.stop()


class Client:
    def __init__(self, served: Served) -> None:
        self.served = served

    def call(self, method: str, path: str, token: str | None = None, *,
             json_body: Any = None, body: bytes | None = None,
             content_type: str | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Token {token}"} if token else {}
        if json_body is not None:
            body, content_type = json.dumps(json_body).encode(), "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        connection = self.served.connection()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, json.loads(data) if data and response.getheader(
            "Content-Type", "").startswith("application/json") else data

    def ok(self, method: str, path: str, token: str | None = None, status: int = 200,
           **kwargs: Any) -> Any:
        code, answer = self.call(method, path, token, **kwargs)
        assert code == status, (method, path, code, answer)
        return answer

    def user(self, username: str, user_type: str, first: str, last: str) -> tuple[int, str]:
        created = self.ok("POST", "/api/auth/register/", status=201, json_body={
            "username": username, "email": f"{username}@example.com",
            "password": STRONG_PASSWORD, "password_confirm": STRONG_PASSWORD,
            "user_type": user_type, "first_name": first, "last_name": last})
        login = self.ok("POST", "/api/auth/login/", json_body={
            "username": username, "password": STRONG_PASSWORD})
        return int(created["id"]), str(login["token"])


def later(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def form(fields: dict[str, Any], attachment: tuple[str, bytes] | None = None
         ) -> dict[str, Any]:
    chunks = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
              f"{value}\r\n".encode() for name, value in fields.items()]
    if attachment is not None:
        chunks.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachment"; '
                      f'filename="{attachment[0]}"\r\nContent-Type: application/pdf\r\n\r\n'
                      .encode() + attachment[1] + b"\r\n")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return {"body": b"".join(chunks),
            "content_type": f"multipart/form-data; boundary={BOUNDARY}"}


def test_the_spec_examples_work_as_shown_through_the_served_api(
        api: Served, market: Marketplace, services: Services) -> None:
    client = Client(api)
    john, john_token = client.user("artist_john", "artist", "John", "Doe")
    sarah, sarah_token = client.user("buyer_sarah", "buyer", "Sarah", "Johnson")
    _, mike_token = client.user("buyer_mike", "buyer", "Mike", "Brown")
    client.ok("POST", "/api/artist-profiles/", john_token, status=201, json_body={
        "experience_level": "expert", "hourly_rate": "50.00"})
    category = market.category("Logo Design")
    job = client.ok("POST", "/api/jobs/", sarah_token, status=201, json_body={
        "title": "Logo Design for Tech Startup",
        "description": "I need a modern, minimalist logo design for my tech startup.",
        "category_id": category, "budget_min": "500.00", "budget_max": "1000.00",
        "duration_days": 7, "required_skills": "Logo Design, Branding",
        "experience_level": "expert", "deadline": later(days=20)})
    bid = client.ok("POST", "/api/bids/", john_token, status=201, json_body={
        "job_id": job["id"], "bid_amount": "750.00", "delivery_time": 5,
        "cover_letter": "I have extensive experience in logo design."})

    # Messages (2. Send Message, form data; 1. List My Messages; 3. Mark as read).
    sent = client.ok("POST", "/api/messages/", john_token, status=201, **form({
        "receiver_id": sarah, "job": job["id"],
        "content": "Hi, I'm interested in your project. Can we discuss the requirements in "
                   "detail?"}, ("portfolio.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")))
    assert (sent["sender"]["username"], sent["receiver"]["username"], sent["job"],
            sent["is_read"]) == ("artist_john", "buyer_sarah", job["id"], False)
    assert sent["attachment"].endswith(f"/api/files/message-attachment/{sent['id']}/")
    listed = client.ok("GET", "/api/messages/?is_read=false&ordering=-created_at", sarah_token)
    assert listed["count"] == 1 and listed["results"][0]["sender"] == {
        "id": john, "username": "artist_john", "first_name": "John", "last_name": "Doe"}
    path = "/api/files/message-attachment/" + str(sent["id"]) + "/"
    assert client.call("GET", path, sarah_token)[0] == 200
    assert client.call("GET", path, mike_token)[0] == 404
    assert client.ok("POST", f"/api/messages/{sent['id']}/mark-read/", sarah_token) == {
        "message": "Message marked as read", "message_id": sent["id"], "is_read": True}
    client.ok("POST", "/api/messages/", mike_token, status=201, json_body={
        "receiver_id": john, "content": "When can you start the project?"})
    conversations = client.ok("GET", "/api/messages/conversations/", john_token)[
        "conversations"]
    assert [(c["user"]["username"], c["unread_count"]) for c in conversations] == [
        ("buyer_mike", 1), ("buyer_sarah", 0)]

    # Contracts (2. Create, 3. Sign, 1. List with status=active&ordering=-created_at).
    client.ok("POST", f"/api/jobs/{job['id']}/hire/", sarah_token, json_body={
        "bid_id": bid["id"], "final_amount": "850.00"})
    deadline = later(days=10)
    contract = client.ok("POST", "/api/contracts/", sarah_token, status=201, json_body={
        "job": job["id"], "artist": john,
        "terms": "The artist will create a unique logo design with 3 revision rounds. Final "
                 "files will be delivered in AI, PNG, and SVG formats. The buyer will have "
                 "exclusive rights to use the logo.",
        "rights_type": "exclusive", "amount": "850.00", "deadline": deadline})
    assert (contract["status"], contract["amount"], contract["deadline"],
            contract["is_fully_signed"]) == ("pending", "850.00", deadline, False)
    signed = client.ok("POST", f"/api/contracts/{contract['id']}/sign/", john_token)
    assert signed["message"] == "Contract signed successfully"
    assert (signed["contract"]["artist_signed"], signed["contract"]["buyer_signed"],
            signed["contract"]["status"]) == (True, False, "pending")
    assert client.call("POST", f"/api/contracts/{contract['id']}/sign/", mike_token)[0] == 404
    client.ok("POST", f"/api/contracts/{contract['id']}/sign/", sarah_token)
    active = client.ok("GET", "/api/contracts/?status=active&ordering=-created_at",
                       sarah_token)
    assert active["count"] == 1 and active["results"][0]["is_fully_signed"] is True

    # Reviews (2. Create, 3. Update, Artist Profiles 5. Get Artist Reviews).
    client.ok("POST", f"/api/jobs/{job['id']}/complete/", sarah_token)
    review = client.ok("POST", "/api/reviews/", sarah_token, status=201, json_body={
        "job": job["id"], "rating": 5,
        "comment": "Excellent work! John delivered the logo on time and it exceeded my "
                   "expectations. Very professional and responsive to feedback. Highly "
                   "recommended!"})
    assert (review["reviewer"]["username"], review["artist"]["username"], review["job"]) == (
        "buyer_sarah", "artist_john", {"id": job["id"], "title": job["title"]})
    updated = client.ok("PATCH", f"/api/reviews/{review['id']}/", sarah_token, json_body={
        "rating": 4,
        "comment": "Good work overall. Minor revisions needed but delivered on time."})
    assert updated["rating"] == 4
    public = client.ok("GET", f"/api/artist-profiles/{john}/reviews/")
    assert [r["id"] for r in public["results"]] == [review["id"]]
    assert client.ok("GET", "/api/reviews/?rating=4&ordering=-created_at", john_token)[
        "count"] == 1

    # Notifications and the dashboards.
    kinds = [n["notification_type"] for n in client.ok(
        "GET", "/api/notifications/?ordering=created_at", john_token)["results"]]
    assert kinds == ["new_message", "bid_accepted", "contract_signed", "job_completed",
                     "new_review"]
    assert client.ok("GET", "/api/notifications/unread-count/", john_token) == {
        "unread_count": 5}
    artist = client.ok("GET", "/api/dashboard/stats/", john_token)
    assert artist["user_type"] == "artist" and artist["stats"]["average_rating"] == 4.0
    assert artist["stats"]["total_projects_completed"] == 1
    buyer = client.ok("GET", "/api/dashboard/stats/", sarah_token)
    assert buyer["user_type"] == "buyer" and buyer["stats"]["completed_jobs"] == 1

    # Analytics (admin only).
    assert client.call("POST", "/api/analytics/calculate-today/", sarah_token)[0] == 403
    admin, admin_token = client.user("admin_ada", "buyer", "Ada", "Admin")
    with services.engine.begin() as connection:
        connection.execute(users.update().where(users.c.id == admin)
                           .values(is_staff=True, staff_role="admin"))
    today = client.ok("POST", "/api/analytics/calculate-today/", admin_token)["analytics"]
    again = client.ok("POST", "/api/analytics/calculate-today/", admin_token)["analytics"]
    assert (again["id"], again["messages_sent"], again["reviews_posted"]) == (
        today["id"], 2, 1)
    assert client.ok("GET", "/api/analytics/", admin_token)["count"] == 1
    assert client.ok("GET", f"/api/analytics/{today['id']}/", admin_token)["date"] == (
        datetime.now(UTC).date().isoformat())
