"""The admin catalogue over HTTP and the command line: artwork moderation (list, approve,
reject, feature, statistics, bulk), jobs (list, close, statistics), categories (create,
activate, deactivate) and equipment stock; roles, audit entries, refusals that change
nothing, and the same result from the CLI as from the API."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.tables import audit_log, bids, jobs
from cultureup.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork
from cultureup.application.accounts.users import Registration
from cultureup.bootstrap import Services
from cultureup.domain.accounts.users import StaffRole
from cultureup.domain.admin.bulk import BULK_MAX_IDS
from cultureup.domain.catalog.artworks import Artwork, ArtworkType, ModerationStatus
from cultureup.domain.catalog.equipment import EquipmentTerms
from cultureup.domain.money import Money
from cultureup.entrypoints.cli.app import app as cli_app
from tests.integration.assertions import assert_error as refused
from tests.integration.assertions import documented_body_is_valid
from tests.integration.commerce_support import Commerce
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace, QueryCounter

runner = CliRunner()


def login(market: Marketplace, username: str) -> ApiUser:
    response = market.client.simulate_post("/api/auth/login/", json={
        "username": username, "password": STRONG_PASSWORD})
    assert response.status_code == 200, response.json
    return ApiUser(id=response.json["user"]["id"], username=username,
                   token=response.json["token"], user_type="admin")


def staff_member(market: Marketplace, role: StaffRole, username: str) -> ApiUser:
    market.services.accounts.create_staff_user(
        Registration(username=username, email=f"{username}@example.com",
                     password=STRONG_PASSWORD, password_confirm=STRONG_PASSWORD,
                     user_type="admin", first_name="Staff", last_name="Member"),
        superuser=False, staff_role=role, check_password=False)
    return login(market, username)


@pytest.fixture
def admin(market: Marketplace) -> ApiUser:
    market.admin_actor()
    return login(market, "root")


@pytest.fixture
def moderator(market: Marketplace) -> ApiUser:
    return staff_member(market, StaffRole.CONTENT_MODERATOR, "moderator")


@pytest.fixture
def staff(market: Marketplace) -> ApiUser:
    return staff_member(market, StaffRole.STAFF, "helpdesk")


def artwork(market: Marketplace, artist: ApiUser, category: int, *, title: str = "Dunes",
            status: ModerationStatus = ModerationStatus.PENDING, price: str = "100.00",
            views: int = 0, score: float = 0.0, candidate: int | None = None) -> int:
    now = market.clock.now()
    with SqlAlchemyUnitOfWork(market.services.engine) as uow:
        work = Artwork(artist_id=artist.id, title=title, description="Oil on canvas",
                       category_id=category, artwork_type=ArtworkType.PHYSICAL,
                       price=Money(price), image_key="a.jpg", watermarked_key="a-w.jpg",
                       moderation_status=status, similarity_score=score,
                       duplicate_candidate_id=candidate,
                       duplicate_candidate_score=score if candidate else None,
                       views_count=views, created_at=now, updated_at=now)
        uow.artworks.add(work)
        uow.commit()
    assert work.id is not None
    return work.id


def status_of(services: Services, artwork_id: int) -> tuple[str, bool]:
    with services.engine.connect() as connection:
        row = connection.execute(select(artworks.c.moderation_status, artworks.c.is_featured)
                                 .where(artworks.c.id == artwork_id)).one()
    return row[0], row[1]


def audit_actions(services: Services, prefix: str = "admin."
                  ) -> list[tuple[str, str | None, dict[str, Any]]]:
    with services.engine.connect() as connection:
        rows = connection.execute(select(audit_log.c.action, audit_log.c.target_id,
                                         audit_log.c.details)
                                  .where(audit_log.c.action.like(f"{prefix}%"))
                                  .order_by(audit_log.c.id)).all()
    return [(row[0], row[1], row[2] if isinstance(row[2], dict) else json.loads(row[2]))
            for row in rows]


# -- artworks --------------------------------------------------------------------------------


def test_the_admin_list_shows_every_status_with_the_duplicate_data(
        market: Marketplace, moderator: ApiUser, staff: ApiUser) -> None:
    artist = market.user("artist")
    category = market.category()
    original = artwork(market, artist, category, title="Original",
                       status=ModerationStatus.APPROVED)
    market.clock.advance(minutes=1)
    held = artwork(market, artist, category, title="Look-alike", score=78.5,
                   candidate=original)
    market.clock.advance(minutes=1)
    rejected = artwork(market, artist, category, title="Refused",
                       status=ModerationStatus.REJECTED, score=12.0)

    response = market.client.simulate_get("/api/admin/artworks/", headers=moderator.headers)
    assert response.status_code == 200, response.text
    assert response.json["count"] == 3
    rows = {row["id"]: row for row in response.json["results"]}
    assert [row["id"] for row in response.json["results"]] == [rejected, held, original]
    assert rows[held]["moderation_status"] == "PENDING"
    assert rows[held]["similarity_score"] == "78.50"
    assert rows[held]["duplicate_risk"] == "MEDIUM"
    assert rows[held]["duplicate_match"] == {"id": original, "similarity_score": "78.50"}
    assert rows[original]["duplicate_match"] is None
    assert {row["removed_at"] for row in rows.values()} == {None}
    # Removed from the public catalogue: still listed here, with the time of the removal.
    root = market.admin_actor()
    market.services.moderation_content.remove(root, "artwork", rejected, "Spam")
    response = market.client.simulate_get("/api/admin/artworks/", headers=moderator.headers)
    removed = {row["id"]: row["removed_at"] for row in response.json["results"]}
    assert removed[rejected] == "2026-03-01T09:02:00Z"
    assert removed[held] is None and response.json["count"] == 3
    assert rows[rejected]["duplicate_risk"] == "LOW"
    # The artist's e-mail only to staff who may see contact data (VIEW_USERS), not to the
    # content moderator.
    assert {row["artist_email"] for row in rows.values()} == {None}
    by_staff = market.client.simulate_get("/api/admin/artworks/", headers=staff.headers)
    assert {row["artist_email"] for row in by_staff.json["results"]} == {
        f"{artist.username}@example.com"}
    assert rows[held]["category"] == category

    pending = market.client.simulate_get("/api/admin/artworks/",
                                         params={"moderation_status": "PENDING"},
                                         headers=moderator.headers)
    assert [row["id"] for row in pending.json["results"]] == [held]
    assert pending.json["count"] == 1
    by_score = market.client.simulate_get("/api/admin/artworks/",
                                          params={"ordering": "-similarity_score"},
                                          headers=moderator.headers)
    assert [row["id"] for row in by_score.json["results"]] == [held, rejected, original]
    mine = market.client.simulate_get("/api/admin/artworks/",
                                      params={"artist": artist.id, "is_featured": "false",
                                              "category": category, "page_size": 2},
                                      headers=moderator.headers)
    assert mine.json["count"] == 3 and len(mine.json["results"]) == 2
    assert mine.json["next"] is not None
    with SqlAlchemyUnitOfWork(market.services.engine) as uow:
        labelled = uow.artworks.get(original)
        labelled.labels = [("Art", 99.5)]
        uow.artworks.save(labelled)
        uow.commit()
    checked = market.client.simulate_get("/api/admin/artworks/",
                                         params={"rekognition_checked": "true"},
                                         headers=moderator.headers)
    assert [(row["id"], row["rekognition_labels"]) for row in checked.json["results"]] == [
        (original, [{"name": "Art", "confidence": 99.5}])]
    unchecked = market.client.simulate_get("/api/admin/artworks/",
                                           params={"rekognition_checked": "false"},
                                           headers=moderator.headers)
    assert unchecked.json["count"] == 2
    refused(market.client.simulate_get("/api/admin/artworks/",
                                       params={"moderation_status": "LOST"},
                                       headers=moderator.headers), 400, "moderation_status")
    refused(market.client.simulate_get("/api/admin/artworks/", params={"ordering": "title"},
                                       headers=moderator.headers), 400, "ordering")


def test_approve_reject_and_feature_one_artwork(market: Marketplace, moderator: ApiUser
                                                ) -> None:
    artist = market.user("artist")
    work = artwork(market, artist, market.category(), title="Digital Masterpiece")
    client, services = market.client, market.services

    response = client.simulate_post(f"/api/admin/artworks/{work}/approve/",
                                    headers=moderator.headers)
    assert response.status_code == 200, response.text
    assert response.json["message"] == 'Artwork "Digital Masterpiece" approved successfully'
    assert response.json["artwork"]["moderation_status"] == "APPROVED"
    assert set(response.json["artwork"]) == {"id", "title", "is_available",
                                             "moderation_status", "updated_at"}

    # A rejection needs a reason; without one nothing changes.
    refused(client.simulate_post(f"/api/admin/artworks/{work}/approve/",
                                 headers=moderator.headers, json={"action": "reject"}),
            400, "reason")
    assert status_of(services, work) == ("APPROVED", False)
    response = client.simulate_post(f"/api/admin/artworks/{work}/approve/",
                                    headers=moderator.headers,
                                    json={"action": "reject", "reason": "Traced from a photo"})
    assert response.status_code == 200, response.text
    assert response.json["artwork"]["moderation_status"] == "REJECTED"
    assert response.json["message"] == 'Artwork "Digital Masterpiece" rejected successfully'
    notes = client.simulate_get("/api/notifications/", headers=artist.headers).json["results"]
    assert [(n["notification_type"], n["message"]) for n in notes] == [
        ("artwork_rejected", "Your artwork 'Digital Masterpiece' was rejected: "
                             "Traced from a photo")]

    # Only an artwork the public sees can be featured: a rejected one is a 409 saying why.
    refused(client.simulate_post(f"/api/admin/artworks/{work}/feature/",
                                 headers=moderator.headers), 409)
    assert "rejected" in client.simulate_post(f"/api/admin/artworks/{work}/feature/",
                                              headers=moderator.headers).json["detail"]
    assert status_of(services, work) == ("REJECTED", False)
    client.simulate_post(f"/api/admin/artworks/{work}/approve/", headers=moderator.headers)
    response = client.simulate_post(f"/api/admin/artworks/{work}/feature/",
                                    headers=moderator.headers)
    assert response.status_code == 200 and response.json["artwork"]["is_featured"] is True
    assert response.json["message"] == 'Artwork "Digital Masterpiece" featured successfully'
    response = client.simulate_post(f"/api/admin/artworks/{work}/feature/",
                                    headers=moderator.headers)
    assert response.json["artwork"]["is_featured"] is True  # a retried bare POST: still on
    response = client.simulate_post(f"/api/admin/artworks/{work}/feature/",
                                    headers=moderator.headers, json={})
    assert response.json["artwork"]["is_featured"] is True
    for _ in range(2):
        response = client.simulate_post(f"/api/admin/artworks/{work}/feature/",
                                        headers=moderator.headers, json={"is_featured": False})
        assert response.status_code == 200, response.text
        assert response.json["artwork"]["is_featured"] is False
        assert response.json["message"] == 'Artwork "Digital Masterpiece" unfeatured successfully'
    refused(client.simulate_post(f"/api/admin/artworks/{work}/feature/",
                                 headers=moderator.headers, json={"is_featured": "maybe"}),
            400, "is_featured")
    assert status_of(services, work) == ("APPROVED", False)

    entries = [(action, target, details.get("before"), details.get("after"),
                details.get("reason"))
               for action, target, details in audit_actions(services, "admin.artwork")]
    assert entries == [
        ("admin.artwork_approved", str(work), '{"moderation_status": "PENDING"}',
         '{"moderation_status": "APPROVED"}', None),
        ("admin.artwork_rejected", str(work), '{"moderation_status": "APPROVED"}',
         '{"moderation_status": "REJECTED"}', "Traced from a photo"),
        ("admin.artwork_approved", str(work), '{"moderation_status": "REJECTED"}',
         '{"moderation_status": "APPROVED"}', None),
        ("admin.artwork_featured", str(work), '{"is_featured": false}',
         '{"is_featured": true}', None),
        # A repeat changes nothing and is not audited; the refused feature neither.
        ("admin.artwork_unfeatured", str(work), '{"is_featured": true}',
         '{"is_featured": false}', None),
    ]
    refused(client.simulate_post("/api/admin/artworks/999999/approve/",
                                 headers=moderator.headers), 404)


def test_a_removed_artwork_is_not_featured_and_the_dashboard_counts_what_the_public_sees(
        market: Marketplace, admin: ApiUser) -> None:
    artist = market.user("artist")
    category = market.category()
    shown, taken_down = (artwork(market, artist, category, title=t) for t in ("Up", "Down"))
    client, services = market.client, market.services
    for work in (shown, taken_down):
        response = client.simulate_post(f"/api/admin/artworks/{work}/feature/",
                                        headers=admin.headers)
        assert response.status_code == 200, response.text
    services.moderation_content.remove(market.admin_actor(), "artwork", taken_down,
                                       "Stolen image")
    dashboard = client.simulate_get("/api/admin/dashboard/", headers=admin.headers).json
    public = client.simulate_get("/api/artworks/featured/").json
    listed = public["results"] if isinstance(public, dict) else public
    assert [item["id"] for item in listed] == [shown]
    assert dashboard["content_stats"]["featured_artworks"] == 1
    # Unfeatured, it cannot be featured again while removed; bulk names it.
    client.simulate_post(f"/api/admin/artworks/{taken_down}/feature/", headers=admin.headers,
                         json={"is_featured": False})
    response = client.simulate_post(f"/api/admin/artworks/{taken_down}/feature/",
                                    headers=admin.headers)
    assert response.status_code == 409 and "removed by a moderator" in response.json["detail"]
    body = client.simulate_post("/api/admin/bulk/artworks/", headers=admin.headers,
                                json={"artwork_ids": [taken_down, shown],
                                      "action": "feature"}).json
    assert (body["affected_ids"], body["unchanged_ids"], body["not_featurable_ids"]) == (
        [], [shown], [taken_down])
    assert status_of(services, taken_down) == ("PENDING", False)


def test_artwork_statistics_equal_direct_counts(market: Marketplace, staff: ApiUser) -> None:
    artist = market.user("artist")
    category = market.category()
    artwork(market, artist, category, price="100.00", views=10)
    artwork(market, artist, category, price="200.01", views=5,
            status=ModerationStatus.APPROVED)
    market.clock.advance(days=8)
    artwork(market, artist, category, price="300.00", status=ModerationStatus.REJECTED)
    response = market.client.simulate_get("/api/admin/artworks/stats/", headers=staff.headers)
    assert response.status_code == 200, response.text
    with market.services.engine.connect() as connection:
        total, views = connection.execute(select(func.count(), func.sum(artworks.c.views_count))
                                          ).one()
    assert response.json == {
        "total_artworks": total, "available_artworks": 3, "featured_artworks": 0,
        "pending_review": 1, "approved_artworks": 1, "rejected_artworks": 1,
        "total_views": views, "total_likes": 0, "average_price": "200.00",
        "recent_uploads": 1}


def test_bulk_actions_apply_to_every_known_id_in_one_go(market: Marketplace,
                                                        moderator: ApiUser) -> None:
    artist = market.user("artist")
    category = market.category()
    works = [artwork(market, artist, category, title=f"Work {n}") for n in range(5)]
    client, services = market.client, market.services
    unknown = [999_001, 999_002]

    response = client.simulate_post("/api/admin/bulk/artworks/", headers=moderator.headers,
                                    json={"artwork_ids": [*works, *unknown, works[0]],
                                          "action": "approve"})
    assert response.status_code == 200, response.text
    body = response.json
    assert (body["message"], body["affected_artworks"], body["action"]) == (
        "5 artworks approved successfully", 5, "approve")
    assert body["affected_ids"] == works and body["not_found_ids"] == unknown
    assert body["processed_at"].endswith("Z")
    assert {status_of(services, work)[0] for work in works} == {"APPROVED"}
    assert len([a for a in audit_actions(services) if a[0] == "admin.artwork_approved"]) == 5

    refused(client.simulate_post("/api/admin/bulk/artworks/", headers=moderator.headers,
                                 json={"artwork_ids": works, "action": "reject"}),
            400, "reason")
    response = client.simulate_post("/api/admin/bulk/artworks/", headers=moderator.headers,
                                    json={"artwork_ids": works, "action": "delete"})
    assert response.status_code == 400
    assert response.json["error"] == "Invalid action specified"
    assert response.json["available_actions"] == ["approve", "reject", "feature", "unfeature"]
    too_many = list(range(1, BULK_MAX_IDS + 2))
    refused(client.simulate_post("/api/admin/bulk/artworks/", headers=moderator.headers,
                                 json={"artwork_ids": too_many, "action": "feature"}),
            400, "artwork_ids")
    refused(client.simulate_post("/api/admin/bulk/artworks/", headers=moderator.headers,
                                 json={"artwork_ids": [], "action": "feature"}),
            400, "artwork_ids")
    # None of the refusals changed anything.
    assert {status_of(services, work) for work in works} == {("APPROVED", False)}
    assert len(audit_actions(services, "admin.artwork")) == 5

    response = client.simulate_post("/api/admin/bulk/artworks/", headers=moderator.headers,
                                    json={"artwork_ids": works[:2], "action": "reject",
                                          "reason": "Watermark of another site"})
    assert response.json["message"] == "2 artworks rejected successfully"
    notes = client.simulate_get("/api/notifications/", headers=artist.headers).json
    assert notes["count"] == 2
    response = client.simulate_post("/api/admin/bulk/artworks/", headers=moderator.headers,
                                    json={"artwork_ids": works[2:3], "action": "feature"})
    assert response.json["message"] == "1 artwork featured successfully"
    assert status_of(services, works[2]) == ("APPROVED", True)

    # Featured again, rejected (not public) and one to feature: only that one changes.
    response = client.simulate_post("/api/admin/bulk/artworks/", headers=moderator.headers,
                                    json={"artwork_ids": works[:4], "action": "feature"})
    body = response.json
    assert (body["message"], body["affected_artworks"], body["affected_ids"],
            body["unchanged_ids"], body["not_featurable_ids"]) == (
        "1 artwork featured successfully", 1, [works[3]], [works[2]], works[:2])
    assert [status_of(services, work) for work in works[:4]] == [
        ("REJECTED", False), ("REJECTED", False), ("APPROVED", True), ("APPROVED", True)]
    featured = [target for action, target, _ in audit_actions(services)
                if action == "admin.artwork_featured"]
    assert sorted(map(int, featured)) == [works[2], works[3]]


def test_a_failing_bulk_action_changes_nothing(market: Marketplace, moderator: ApiUser
                                               ) -> None:
    artist = market.user("artist")
    category = market.category()
    works = [artwork(market, artist, category, title=f"Work {n}") for n in range(3)]
    response = market.client.simulate_post(
        "/api/admin/bulk/artworks/", headers=moderator.headers,
        json={"artwork_ids": works, "action": "reject", "reason": "x" * 1001})
    refused(response, 400, "reason")
    assert {status_of(market.services, work)[0] for work in works} == {"PENDING"}
    assert [a for a in audit_actions(market.services) if "artwork" in a[0]] == []


def test_who_may_moderate(market: Marketplace, moderator: ApiUser, staff: ApiUser,
                          admin: ApiUser) -> None:
    artist = market.user("artist")
    buyer = market.user("buyer")
    work = artwork(market, artist, market.category())
    client = market.client
    for who in (artist, buyer):
        for method, path in (("GET", "/api/admin/artworks/"),
                             ("GET", "/api/admin/artworks/stats/"),
                             ("POST", f"/api/admin/artworks/{work}/approve/"),
                             ("POST", f"/api/admin/artworks/{work}/feature/")):
            refused(client.simulate_request(method, path, headers=who.headers), 403)
        refused(client.simulate_post("/api/admin/bulk/artworks/", headers=who.headers,
                                     json={"artwork_ids": [work], "action": "approve"}), 403)
    refused(client.simulate_post(f"/api/admin/artworks/{work}/approve/"), 401)
    assert status_of(market.services, work) == ("PENDING", False)
    for who in (moderator, staff, admin):
        response = client.simulate_post(f"/api/admin/artworks/{work}/feature/",
                                        headers=who.headers)
        assert response.status_code == 200, (who.username, response.text)
    # A moderator moderates artworks but neither closes jobs nor keeps the catalogue.
    job = market.job(market.user("buyer"))
    refused(client.simulate_post(f"/api/admin/jobs/{job['id']}/close/",
                                 headers=moderator.headers), 403)
    refused(client.simulate_get("/api/admin/jobs/", headers=moderator.headers), 403)
    refused(client.simulate_post("/api/admin/categories/", headers=moderator.headers,
                                 json={"name": "Murals"}), 403)
    refused(client.simulate_post("/api/admin/categories/", headers=staff.headers,
                                 json={"name": "Murals"}), 403)


# -- jobs ------------------------------------------------------------------------------------


def test_jobs_list_statistics_and_close(market: Marketplace, admin: ApiUser,
                                        staff: ApiUser) -> None:
    client, services = market.client, market.services
    buyer = market.user("buyer")
    artists = [market.user("artist") for _ in range(3)]
    category = market.category("Graphic Design")
    open_job = market.job(buyer, category, title="Open job")
    bid_ids = [market.bid(artist, open_job["id"], amount)["id"]
               for artist, amount in zip(artists, ("600.00", "700.00", "725.50"), strict=True)]
    hired = market.job(buyer, category, title="Hired job", budget_min="100.00",
                       budget_max="300.00")
    hired_bid = market.bid(artists[0], hired["id"], "200.00")
    response = client.simulate_post(f"/api/jobs/{hired['id']}/hire/", headers=buyer.headers,
                                    json={"bid_id": hired_bid["id"]})
    assert response.status_code == 200, response.text
    market.clock.advance(days=2)

    response = client.simulate_get("/api/admin/jobs/", headers=staff.headers,
                                   params={"status": "open"})
    assert response.status_code == 200, response.text
    [row] = response.json["results"]
    assert (row["id"], row["total_bids"], row["average_bid"], row["buyer_email"]) == (
        open_job["id"], 3, "675.17", f"{buyer.username}@example.com")
    assert (row["days_since_posted"], row["days_until_deadline"]) == (2, 18)
    assert row["category_name"] == "Graphic Design" and row["hired_artist"] is None
    response = client.simulate_get("/api/admin/jobs/", headers=staff.headers,
                                   params={"buyer": buyer.id, "ordering": "budget_min"})
    assert [row["id"] for row in response.json["results"]] == [hired["id"], open_job["id"]]
    assert response.json["results"][0]["hired_artist_username"] == artists[0].username
    refused(client.simulate_get("/api/admin/jobs/", headers=staff.headers,
                                params={"status": "lost"}), 400, "status")

    stats = client.simulate_get("/api/admin/jobs/stats/", headers=staff.headers).json
    with services.engine.connect() as connection:
        total_bids = connection.execute(select(func.count()).select_from(bids)).scalar_one()
        total_jobs = connection.execute(select(func.count()).select_from(jobs)).scalar_one()
    assert stats == {"total_jobs": total_jobs, "open_jobs": 1, "in_progress_jobs": 1,
                     "completed_jobs": 0, "cancelled_jobs": 0,
                     "average_budget": {"avg_min": "300.00", "avg_max": "650.00"},
                     "total_bids": total_bids, "recent_jobs": 2}

    # Staff read; closing is for admins.
    refused(client.simulate_post(f"/api/admin/jobs/{open_job['id']}/close/",
                                 headers=staff.headers), 403)
    response = client.simulate_post(f"/api/admin/jobs/{open_job['id']}/close/",
                                    headers=admin.headers, json={"reason": "Spam posting"})
    assert response.status_code == 200, response.text
    assert response.json["message"] == 'Job "Open job" closed by admin'
    assert response.json["job"]["status"] == "cancelled"
    bid_statuses = {b["id"]: b["status"] for b in client.simulate_get(
        f"/api/jobs/{open_job['id']}/bids/", headers=buyer.headers).json["results"]}
    assert bid_statuses == dict.fromkeys(bid_ids, "rejected")
    refused(client.simulate_post(f"/api/admin/jobs/{open_job['id']}/close/",
                                 headers=admin.headers), 409)
    response = client.simulate_post(f"/api/admin/jobs/{hired['id']}/close/",
                                    headers=admin.headers)
    assert response.status_code == 200 and response.json["job"]["status"] == "cancelled"
    notes = client.simulate_get("/api/notifications/", headers=artists[0].headers,
                                params={"notification_type": "job_closed"}).json["results"]
    assert [n["message"] for n in notes] == ["The job 'Hired job' was closed by the platform"]
    closes = [(target, details) for action, target, details in audit_actions(services)
              if action == "admin.job_closed"]
    assert [(target, d["before"], d["after"], d.get("reason")) for target, d in closes] == [
        (str(open_job["id"]), '{"status": "open"}', '{"status": "cancelled"}', "Spam posting"),
        (str(hired["id"]), '{"status": "in_progress"}', '{"status": "cancelled"}', None)]
    assert closes[0][1]["rejected_bids"] == ",".join(str(i) for i in sorted(bid_ids))
    refused(client.simulate_post("/api/admin/jobs/999999/close/", headers=admin.headers), 404)


# -- categories ------------------------------------------------------------------------------


def test_categories_created_deactivated_and_activated(market: Marketplace, admin: ApiUser
                                                      ) -> None:
    client, services = market.client, market.services
    response = client.simulate_post("/api/admin/categories/", headers=admin.headers, json={
        "name": "3D Modeling", "description": "3D modeling and rendering services",
        "is_active": True})
    assert response.status_code == 201, response.text
    assert set(response.json) == {"id", "name", "description", "is_active", "created_at"}
    category = response.json["id"]
    refused(client.simulate_post("/api/admin/categories/", headers=admin.headers,
                                 json={"name": "3d modeling"}), 400, "name")
    buyer, artist = market.user("buyer"), market.user("artist")
    existing = market.job(buyer, category, title="Before")
    work = artwork(market, artist, category, status=ModerationStatus.APPROVED)

    response = client.simulate_post(f"/api/admin/categories/{category}/deactivate/",
                                    headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json["message"] == 'Category "3D Modeling" deactivated successfully'
    assert response.json["category"]["is_active"] is False
    # No new jobs in it; the old job and artwork stay visible.
    refused(client.simulate_post("/api/jobs/", headers=buyer.headers,
                                 json=market.job_payload(category)), 400, "category_id")
    assert client.simulate_get(f"/api/jobs/{existing['id']}/").status_code == 200
    assert client.simulate_get(f"/api/artworks/{work}/").status_code == 200
    # Nor may an artwork move into it.
    other = market.category()
    moved = artwork(market, artist, other, status=ModerationStatus.APPROVED)
    refused(client.simulate_patch(f"/api/artworks/{moved}/", headers=artist.headers,
                                  json={"category_id": category}), 400, "category_id")
    # Deactivating again changes nothing and writes nothing.
    again = client.simulate_post(f"/api/admin/categories/{category}/deactivate/",
                                 headers=admin.headers)
    assert again.status_code == 200 and again.json["category"]["is_active"] is False
    response = client.simulate_post(f"/api/admin/categories/{category}/activate/",
                                    headers=admin.headers)
    assert response.json["message"] == 'Category "3D Modeling" activated successfully'
    assert market.job(buyer, category, title="After")["category"]["id"] == category
    actions = [(a, d["before"], d["after"])
               for a, t, d in audit_actions(services, "admin.category") if t == str(category)]
    assert actions == [
        ("admin.category_created", "{}", '{"is_active": true, "name": "3D Modeling"}'),
        ("admin.category_deactivated", '{"is_active": true}', '{"is_active": false}'),
        ("admin.category_activated", '{"is_active": false}', '{"is_active": true}')]
    refused(client.simulate_post("/api/admin/categories/999999/activate/",
                                 headers=admin.headers), 404)


# -- equipment stock -------------------------------------------------------------------------


def test_stock_is_set_or_adjusted_never_below_zero(market: Marketplace, admin: ApiUser) -> None:
    client, services = market.client, market.services
    item = services.equipment.add_equipment(market.admin_actor(), EquipmentTerms(
        name="Professional Brush Set", equipment_type="brush", price=Money("45.99"),
        stock_quantity=10))
    path = f"/api/admin/equipment/{item.id}/update-stock/"
    response = client.simulate_post(path, headers=admin.headers, json={"stock_quantity": 75})
    assert response.status_code == 200, response.text
    assert response.json["message"] == 'Stock updated for "Professional Brush Set"'
    assert response.json["equipment"]["stock_quantity"] == 75
    response = client.simulate_post(path, headers=admin.headers,
                                    json={"adjustment": -25, "reason": "damaged in transit"})
    assert response.json["equipment"]["stock_quantity"] == 50
    refused(client.simulate_post(path, headers=admin.headers, json={"adjustment": -51}),
            400, "adjustment")
    refused(client.simulate_post(path, headers=admin.headers,
                                 json={"adjustment": 1, "stock_quantity": 3}),
            400, "non_field_errors")
    refused(client.simulate_post(path, headers=admin.headers, json={}), 400)
    refused(client.simulate_post(path, headers=admin.headers, json={"stock_quantity": -1}),
            400, "stock_quantity")
    assert services.equipment.get_equipment(item.id).stock_quantity == 50
    refused(client.simulate_post("/api/admin/equipment/999999/update-stock/",
                                 headers=admin.headers, json={"adjustment": 1}), 404)
    moderator = staff_member(market, StaffRole.CONTENT_MODERATOR, "mod2")
    refused(client.simulate_post(path, headers=moderator.headers, json={"adjustment": 1}), 403)
    stock = [(d["before"], d["after"], d.get("reason")) for a, t, d in audit_actions(services)
             if a == "admin.equipment_stock_updated"]
    assert stock == [('{"stock_quantity": 10}', '{"stock_quantity": 75}', None),
                     ('{"stock_quantity": 75}', '{"stock_quantity": 50}',
                      "damaged in transit")]


def test_the_document_states_the_rules_across_fields_the_server_checks(
        market: Marketplace, admin: ApiUser) -> None:
    """A rejection without a reason, a bulk action outside the list and a stock change with
    both or neither of its fields are invalid in /api/openapi.json as on the server: each
    body the document calls valid is accepted, each it calls invalid is a 400."""
    client, services = market.client, market.services
    work = artwork(market, market.user("artist"), market.category())
    item = services.equipment.add_equipment(market.admin_actor(), EquipmentTerms(
        name="Easel", equipment_type="other", price=Money("45.99"), stock_quantity=10)).id
    cases = [
        ("POST /api/admin/artworks/{artwork_id}/approve/", f"/api/admin/artworks/{work}/approve/",
         [({}, True), ({"action": "approve"}, True), ({"action": "reject"}, False),
          ({"action": "reject", "reason": " "}, False),
          ({"action": "reject", "reason": "Blurry"}, True)]),
        ("POST /api/admin/bulk/artworks/", "/api/admin/bulk/artworks/",
         [({"artwork_ids": [work], "action": "0"}, False),
          ({"artwork_ids": [work], "action": "reject"}, False),
          ({"artwork_ids": [work], "action": "reject", "reason": ""}, False),
          ({"artwork_ids": [work], "action": "reject", "reason": "Blurry"}, True),
          ({"artwork_ids": [work], "action": "feature"}, True)]),
        ("POST /api/admin/equipment/{equipment_id}/update-stock/",
         f"/api/admin/equipment/{item}/update-stock/",
         [({}, False), ({"stock_quantity": 4, "adjustment": 1}, False),
          ({"reason": "count"}, False), ({"stock_quantity": 4}, True),
          ({"adjustment": 1, "reason": "count"}, True)]),
    ]
    for operation, path, bodies in cases:
        for body, valid in bodies:
            assert documented_body_is_valid(client, operation, body) is valid, (operation, body)
            response = client.simulate_post(path, headers=admin.headers, json=body)
            if valid:
                assert response.status_code == 200, (operation, body, response.text)
            else:
                assert response.status_code == 400, (operation, body, response.text)
    form = client.simulate_post(
        "/api/admin/bulk/artworks/", body=f"artwork_ids={work}&action=feature",
        headers={**admin.headers, "Content-Type": "application/x-www-form-urlencoded"})
    refused(form, 415)


# -- the command line gives what the API gives -------------------------------------------------


def cli(env: dict[str, str], *args: str) -> tuple[int, Any]:
    result = runner.invoke(cli_app, list(args), env=env)
    if result.exit_code == 0 and "--json" in args:
        return 0, json.loads(result.stdout)
    return result.exit_code, result.output


def test_the_cli_and_the_api_give_the_same_result(market: Marketplace, admin: ApiUser,
                                                  env: dict[str, str]) -> None:
    client, services = market.client, market.services
    artist, buyer = market.user("artist"), market.user("buyer")
    category = market.category()
    by_api, by_cli = (artwork(market, artist, category, title=t) for t in ("A", "B"))

    client.simulate_post(f"/api/admin/artworks/{by_api}/approve/", headers=admin.headers,
                         json={"action": "reject", "reason": "Blurry"})
    code, out = cli(env, "artworks", "reject", str(by_cli), "--as", "root",
                    "--reason", "Blurry", "--json")
    assert code == 0, out
    assert status_of(services, by_api) == status_of(services, by_cli) == ("REJECTED", False)
    assert out["moderation_status"] == "REJECTED"
    code, out = cli(env, "artworks", "approve", str(by_cli), "--as", "root", "--json")
    client.simulate_post(f"/api/admin/artworks/{by_api}/approve/", headers=admin.headers)
    assert status_of(services, by_api) == status_of(services, by_cli) == ("APPROVED", False)
    code, out = cli(env, "artworks", "feature", str(by_cli), "--as", "root", "--json")
    client.simulate_post(f"/api/admin/artworks/{by_api}/feature/", headers=admin.headers,
                         json={"is_featured": True})
    assert status_of(services, by_api) == status_of(services, by_cli) == ("APPROVED", True)
    # Featuring again leaves it featured by either door; --off (is_featured false) unfeatures.
    code, out = cli(env, "artworks", "feature", str(by_cli), "--as", "root", "--json")
    api = client.simulate_post(f"/api/admin/artworks/{by_api}/feature/", headers=admin.headers)
    assert out["is_featured"] is api.json["artwork"]["is_featured"] is True
    code, out = cli(env, "artworks", "feature", str(by_cli), "--as", "root", "--off", "--json")
    api = client.simulate_post(f"/api/admin/artworks/{by_api}/feature/", headers=admin.headers,
                               json={"is_featured": False})
    assert out["is_featured"] is api.json["artwork"]["is_featured"] is False
    assert status_of(services, by_api) == status_of(services, by_cli) == ("APPROVED", False)
    code, out = cli(env, "artworks", "reject", str(by_cli), "--as", "root", "--reason", " ")
    assert code == 1 and "reason" in out

    jobs_made = [market.job(buyer, category)["id"] for _ in range(2)]
    api_job = client.simulate_post(f"/api/admin/jobs/{jobs_made[0]}/close/",
                                   headers=admin.headers, json={"reason": "Duplicate"}).json
    code, cli_job = cli(env, "jobs", "close", str(jobs_made[1]), "--as", "root",
                        "--reason", "Duplicate", "--json")
    assert code == 0 and cli_job["status"] == api_job["job"]["status"] == "cancelled"
    code, out = cli(env, "jobs", "close", str(jobs_made[1]), "--as", "root")
    assert code == 1 and "cannot be closed" in out

    code, made = cli(env, "categories", "create", "Murals", "--as", "root",
                     "--description", "Walls", "--json")
    assert code == 0 and made["is_active"] is True
    api_made = client.simulate_post("/api/admin/categories/", headers=admin.headers,
                                    json={"name": "Mosaics", "description": "Walls"}).json
    code, off = cli(env, "categories", "deactivate", str(made["id"]), "--as", "root", "--json")
    api_off = client.simulate_post(f"/api/admin/categories/{api_made['id']}/deactivate/",
                                   headers=admin.headers).json
    assert off["is_active"] is api_off["category"]["is_active"] is False
    code, on = cli(env, "categories", "activate", str(made["id"]), "--as", "root", "--json")
    assert code == 0 and on["is_active"] is True

    item = services.equipment.add_equipment(market.admin_actor(), EquipmentTerms(
        name="Canvas", equipment_type="canvas", price=Money("9.00"), stock_quantity=4))
    code, out = cli(env, "equipment", "stock", str(item.id), "--as", "root", "--adjust", "6",
                    "--json")
    assert code == 0 and out["stock_quantity"] == 10
    api = client.simulate_post(f"/api/admin/equipment/{item.id}/update-stock/",
                               headers=admin.headers, json={"adjustment": -3}).json
    assert api["equipment"]["stock_quantity"] == 7
    code, out = cli(env, "equipment", "stock", str(item.id), "--as", "root", "--adjust", "-8")
    assert code == 1 and "adjustment" in out
    code, out = cli(env, "equipment", "stock", str(item.id), "--as", buyer.username,
                    "--set", "1")
    assert code == 1 and "not a staff account" in out
    assert services.equipment.get_equipment(item.id).stock_quantity == 7
    # Each action by either route is one audit entry naming the acting account.
    actions = [action for action, _, _ in audit_actions(services)]
    assert actions.count("admin.artwork_rejected") == 2
    assert actions.count("admin.job_closed") == 2
    assert actions.count("admin.equipment_stock_updated") == 2


def test_recent_counts_follow_the_clock(market: Marketplace, admin: ApiUser) -> None:
    artist = market.user("artist")
    category = market.category()
    artwork(market, artist, category)
    market.clock.advance(days=7, seconds=1)
    stats = market.client.simulate_get("/api/admin/artworks/stats/", headers=admin.headers)
    assert stats.json["recent_uploads"] == 0
    market.clock.current -= timedelta(seconds=2)
    stats = market.client.simulate_get("/api/admin/artworks/stats/", headers=admin.headers)
    assert stats.json["recent_uploads"] == 1


def test_closing_a_hired_job_refunds_the_payment_held_for_it(services: Services) -> None:
    shop = Commerce(services)
    buyer, artist = shop.user("buyer"), shop.user("artist")
    job_id = shop.hired_job(buyer, artist, "800.00")
    payment = services.payments.create_payment(buyer, method="bank_transfer", job_id=job_id)
    services.payments.confirm(buyer, payment.id, payer_reference="HBL-77")
    held = services.payments.verify(shop.admin, payment.id, reference="HBL-77")
    assert (held.status, held.hire_status) == ("completed", "pending")

    closed = services.jobs.close(shop.admin, job_id, reason="Fraud report upheld")
    assert closed.status == "cancelled"
    after = services.payments.get_payment(buyer, payment.id)
    assert (after.status, after.hire_status, str(after.refunded_amount)) == (
        "refunded", "cancelled", "800.00")


def test_admin_lists_cost_the_same_queries_at_any_length(market: Marketplace, admin: ApiUser,
                                                         count_queries: QueryCounter) -> None:
    artist, buyer = market.user("artist"), market.user("buyer")
    category = market.category()

    def cost(path: str) -> int:
        count_queries.count = 0
        response = market.client.simulate_get(path, headers=admin.headers,
                                              params={"page_size": 50})
        assert response.status_code == 200, response.text
        return count_queries.count

    artwork(market, artist, category)
    market.job(buyer, category)
    few = (cost("/api/admin/artworks/"), cost("/api/admin/jobs/"),
           cost("/api/admin/users/"))
    moderator = market.admin_actor()
    for number in range(12):
        artwork(market, artist, category, title=f"More {number}",
                status=list(ModerationStatus)[number % 3])
        bidder = market.user("artist")
        market.bid(bidder, market.job(buyer, category)["id"])
        if number % 2:
            market.services.sanctions.suspend(moderator, bidder.id, reason="Spam",
                                              duration_days=number)
        else:
            market.services.sanctions.ban(moderator, bidder.id, reason="Fraud")
    many = (cost("/api/admin/artworks/"), cost("/api/admin/jobs/"),
            cost("/api/admin/users/"))
    assert many == few


def test_bulk_from_the_cli_gives_what_the_api_gives(market: Marketplace, admin: ApiUser,
                                                    env: dict[str, str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    client, services = market.client, market.services
    artist = market.user("artist")
    category = market.category()
    by_api, by_cli = ([artwork(market, artist, category, title=f"{side} {n}") for n in range(3)]
                      for side in ("API", "CLI"))
    unknown = [max(by_cli) + 50, max(by_cli) + 51]
    answer = client.simulate_post("/api/admin/bulk/artworks/", headers=admin.headers,
                                  json={"artwork_ids": [*by_api, *unknown], "action": "reject",
                                        "reason": "Blurry"}).json
    # Batches of two: the CLI splits what the cap would refuse into several requests.
    monkeypatch.setattr("cultureup.entrypoints.cli.common.BULK_MAX_IDS", 2)
    code, out = cli(env, "artworks", "bulk", "--action", "reject", "--as", "root",
                    "--ids", ",".join(map(str, [*by_cli, *unknown, by_cli[0]])),
                    "--reason", "Blurry", "--json")
    assert code == 0, out
    assert {k: v for k, v in out.items() if not k.endswith("_ids") and k != "processed_at"} \
        == {k: v for k, v in answer.items() if not k.endswith("_ids") and k != "processed_at"} \
        == {"message": "3 artworks rejected successfully", "affected_artworks": 3,
            "action": "reject"}
    assert (out["affected_ids"], out["not_found_ids"]) == (by_cli, unknown)
    assert (answer["affected_ids"], answer["not_found_ids"]) == (by_api, unknown)
    assert {status_of(services, work) for work in [*by_api, *by_cli]} == {("REJECTED", False)}
    rejected = [target for action, target, _ in audit_actions(services)
                if action == "admin.artwork_rejected"]
    assert sorted(map(int, rejected)) == sorted([*by_api, *by_cli])

    # A rejected artwork is not featurable: named, left alone.
    code, out = cli(env, "artworks", "bulk", "--action", "feature", "--as", "root",
                    "--ids", str(by_cli[0]))
    assert code == 0 and out.splitlines()[-2:] == ["0 artworks featured successfully",
                                                   f"Not featurable (not public): {by_cli[0]}"]
    assert status_of(services, by_cli[0]) == ("REJECTED", False)
    # Refusals: the use case's, before anything changes; unknown ids are named.
    code, out = cli(env, "artworks", "bulk", "--action", "reject", "--as", "root",
                    "--ids", str(by_cli[1]))
    assert code == 1 and "reason" in out
    code, out = cli(env, "artworks", "bulk", "--action", "delete", "--as", "root",
                    "--ids", str(by_cli[1]))
    assert code == 1 and "Invalid action" in out
    code, out = cli(env, "artworks", "bulk", "--action", "approve", "--as", artist.username,
                    "--ids", str(by_cli[1]))
    assert code == 1
    code, out = cli(env, "artworks", "bulk", "--action", "approve", "--as", "root",
                    "--ids", ",".join(map(str, unknown)))
    assert code == 0 and f"Not found: {unknown[0]}, {unknown[1]}" in out
    assert {status_of(services, work) for work in by_cli[1:]} == {("REJECTED", False)}


def test_the_cli_never_sends_more_than_the_cap(market: Marketplace, admin: ApiUser,
                                               env: dict[str, str]) -> None:
    missing = list(range(10_000_001, 10_000_002 + BULK_MAX_IDS))
    code, out = cli(env, "artworks", "bulk", "--action", "approve", "--as", "root",
                    "--ids", ",".join(map(str, missing)), "--json")
    assert code == 0, out
    assert out["affected_artworks"] == 0 and out["not_found_ids"] == missing
    answer = market.client.simulate_post("/api/admin/bulk/artworks/", headers=admin.headers,
                                         json={"artwork_ids": missing, "action": "approve"})
    refused(answer, 400, "artwork_ids")
