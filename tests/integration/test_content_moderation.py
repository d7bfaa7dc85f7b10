"""Content removal through the HTTP API, as the admin panel calls it: a removed listing leaves
every public view (list, detail, search, featured, its artist's list) and comes back when
restored; its owner and staff still see it; the owner is told the reason; every action is
audited; bad input changes nothing; non-staff get 403."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.application.views import AuditFilters, PageRequest
from cultureup.domain.accounts.users import StaffRole
from cultureup.domain.catalog.equipment import EquipmentTerms
from cultureup.domain.money import Money
from tests.integration.artwork_images import jpeg
from tests.integration.conftest import ApiUser, Marketplace
from tests.integration.moderation_support import staff_user
from tests.integration.test_artworks_api import upload
from tests.integration.test_search_api import artist_profile


def _artwork(market: Marketplace, artist: ApiUser, title: str, seed: int) -> int:
    response = upload(market, artist, jpeg(seed), category_id=market.category(), title=title)
    assert response.status_code == 201, response.json
    artwork_id = response.json["artwork"]["id"]
    with market.services.engine.begin() as connection:  # featured, as staff would make it
        connection.execute(update(artworks).where(artworks.c.id == artwork_id)
                           .values(is_featured=True))
    return int(artwork_id)


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json
    return [row["id"] for row in response.json["results"]]


def _public_views(market: Marketplace, artist: ApiUser, artwork_id: int,
                  headers: dict[str, str] | None = None) -> dict[str, bool]:
    get = market.client.simulate_get
    search = get("/api/search/", params={"q": "Zephyrine"}, headers=headers)
    assert search.status_code == 200
    return {
        "list": artwork_id in _ids(get("/api/artworks/", headers=headers)),
        "detail": get(f"/api/artworks/{artwork_id}/", headers=headers).status_code == 200,
        "search": artwork_id in [hit["id"] for hit in search.json["results"]["artworks"]],
        "featured": artwork_id in _ids(get("/api/artworks/featured/", headers=headers)),
        "artist": artwork_id in _ids(get(f"/api/artist-profiles/{artist.id}/artworks/",
                                         headers=headers)),
    }


def test_a_removed_artwork_leaves_every_public_view_and_restoring_brings_it_back(
        market: Marketplace) -> None:
    artist, stranger = market.user("artist"), market.user("buyer")
    artist_profile(market, artist)
    moderator = staff_user(market, "mod_amina")
    artwork_id = _artwork(market, artist, "Zephyrine dusk", 900)
    everywhere = dict.fromkeys(("list", "detail", "search", "featured", "artist"), True)
    assert _public_views(market, artist, artwork_id) == everywhere
    count = market.client.simulate_get("/api/artworks/").json["count"]

    # The mobile client's call, exactly as the document shows it ("product" for a listing).
    removed = market.client.simulate_post(
        f"/api/admin/content/{artwork_id}/remove/", headers=moderator.headers,
        json={"content_type": "product", "reason": "Violates community guidelines"})

    assert removed.status_code == 200, removed.json
    body = removed.json
    assert {key: body[key] for key in ("id", "content_type", "removed", "removal_reason")} == {
        "id": artwork_id, "content_type": "artwork", "removed": True,
        "removal_reason": "Violates community guidelines"}
    assert body["removed_by"] == {"id": moderator.id, "username": "mod_amina"}
    assert body["removed_at"].endswith("Z") and body["title"] == "Zephyrine dusk"
    nowhere = dict.fromkeys(everywhere, False)
    assert _public_views(market, artist, artwork_id) == nowhere
    assert _public_views(market, artist, artwork_id, stranger.headers) == nowhere
    assert market.client.simulate_get("/api/artworks/").json["count"] == count - 1
    # Its artist and staff still see it (detail, and the artist's own list).
    for viewer in (artist, moderator):
        detail = market.client.simulate_get(f"/api/artworks/{artwork_id}/",
                                            headers=viewer.headers)
        assert detail.status_code == 200
    assert artwork_id in _ids(market.client.simulate_get(
        f"/api/artist-profiles/{artist.id}/artworks/", headers=artist.headers))
    # The artist is told why.
    notes = market.client.simulate_get("/api/notifications/", headers=artist.headers).json
    assert [(n["notification_type"], "Violates community guidelines" in n["message"])
            for n in notes["results"]] == [("content_removed", True)]

    restored = market.client.simulate_post(
        f"/api/admin/content/{artwork_id}/restore/", headers=moderator.headers,
        json={"content_type": "artwork", "reason": "Appeal upheld"})

    assert restored.status_code == 200, restored.json
    assert (restored.json["removed"], restored.json["reason"]) == (False, "Appeal upheld")
    assert _public_views(market, artist, artwork_id) == everywhere
    assert market.client.simulate_get("/api/artworks/").json["count"] == count
    entries = market.services.audit.list_entries(
        None, AuditFilters(), PageRequest.of(1, 50)).items
    assert [(e.action, e.target_type, e.target_id, e.details.get("reason"))
            for e in entries if e.action.startswith("moderation.")] == [
        ("moderation.content_restored", "artwork", str(artwork_id), "Appeal upheld"),
        ("moderation.content_removed", "artwork", str(artwork_id),
         "Violates community guidelines")]


def test_removed_jobs_and_equipment_leave_the_public_lists(market: Marketplace) -> None:
    buyer = market.user("buyer")
    moderator = staff_user(market, "mod_bilal")
    job = market.job(buyer)
    item = market.services.equipment.add_equipment(market.admin_actor(), EquipmentTerms(
        name="Easel", equipment_type="other", price=Money("40.00"), stock_quantity=3))
    get, post = market.client.simulate_get, market.client.simulate_post
    jobs_before = get("/api/jobs/").json["count"]

    for kind, object_id in (("job", job["id"]), ("equipment", item.id)):
        response = post(f"/api/admin/content/{object_id}/remove/", headers=moderator.headers,
                        json={"content_type": kind, "reason": "Scam"})
        assert response.status_code == 200, response.json

    assert job["id"] not in _ids(get("/api/jobs/"))
    assert get("/api/jobs/").json["count"] == jobs_before - 1
    assert get(f"/api/jobs/{job['id']}/").status_code == 404
    assert get(f"/api/jobs/{job['id']}/", headers=buyer.headers).status_code == 200
    assert item.id not in _ids(get("/api/equipment/"))
    assert get(f"/api/equipment/{item.id}/").status_code == 404
    assert get(f"/api/equipment/{item.id}/", headers=moderator.headers).status_code == 200
    artist = market.user("artist")
    bid = post("/api/bids/", headers=artist.headers, json={
        "job_id": job["id"], "bid_amount": "700.00", "delivery_time": 5,
        "cover_letter": "I can draw this."})
    assert bid.status_code == 404


def test_the_content_list_shows_every_kind_as_the_document_does(market: Marketplace) -> None:
    artist, buyer = market.user("artist"), market.user("buyer")
    moderator = staff_user(market, "mod_chen")
    admin = staff_user(market, "admin_dana", StaffRole.ADMIN)
    artwork_id = _artwork(market, artist, "Quiet harbour", 901)
    job = market.job(buyer, title="Mural for a cafe")
    item = market.services.equipment.add_equipment(market.admin_actor(), EquipmentTerms(
        name="Walnut frame", equipment_type="frame", price=Money("15.50"), stock_quantity=2))
    get = market.client.simulate_get

    page = get("/api/admin/content/", headers=moderator.headers,
               params={"page": 1, "page_size": 20})

    assert page.status_code == 200, page.json
    assert set(page.json) == {"count", "next", "previous", "results"}
    rows = {(row["content_type"], row["id"]): row for row in page.json["results"]}
    assert page.json["count"] == 3 == len(rows)
    art = rows[("artwork", artwork_id)]
    assert set(art) >= {"id", "title", "content_type", "is_active", "owner", "created_at",
                        "updated_at", "views", "price", "description", "images", "location"}
    assert (art["title"], art["price"], art["is_active"], art["views"]) == (
        "Quiet harbour", "299.99", True, 0)
    assert art["owner"] == {"id": artist.id, "username": artist.username, "email": None}
    assert art["images"] and art["images"][0].startswith("http")
    assert rows[("job", job["id"])]["owner"]["id"] == buyer.id
    assert rows[("job", job["id"])]["price"] == "1000.00"
    assert rows[("equipment", item.id)]["owner"] is None
    # Staff who may see contact data see the owner's e-mail.
    by_admin = get("/api/admin/content/", headers=admin.headers,
                   params={"content_type": "artwork"}).json
    assert by_admin["results"][0]["owner"]["email"] == f"{artist.username}@example.com"
    # Filters: the document's alias, search, is_active.
    assert _ids(get("/api/admin/content/", headers=moderator.headers,
                    params={"content_type": "service"})) == [job["id"]]
    assert _ids(get("/api/admin/content/", headers=moderator.headers,
                    params={"search": "walnut"})) == [item.id]
    market.client.simulate_post(f"/api/admin/content/{job['id']}/remove/",
                                headers=moderator.headers,
                                json={"content_type": "job", "reason": "Spam"})
    inactive = get("/api/admin/content/", headers=moderator.headers,
                   params={"is_active": "false"}).json
    assert [(r["content_type"], r["id"], r["removed"], r["removal_reason"])
            for r in inactive["results"]] == [("job", job["id"], True, "Spam")]
    # Paging.
    first = get("/api/admin/content/", headers=moderator.headers, params={"page_size": 2}).json
    assert first["next"].endswith("/api/admin/content/?page_size=2&page=2")
    second = get("/api/admin/content/", headers=moderator.headers,
                 params={"page_size": 2, "page": 2}).json
    seen = [(r["content_type"], r["id"]) for r in first["results"] + second["results"]]
    assert sorted(seen) == sorted(rows) and first["count"] == 3
    assert get("/api/admin/content/", headers=moderator.headers,
               params={"content_type": "message"}).status_code == 400


def test_non_staff_get_403_and_bad_input_changes_nothing(market: Marketplace) -> None:
    artist, buyer = market.user("artist"), market.user("buyer")
    moderator = staff_user(market, "mod_eli")
    artwork_id = _artwork(market, artist, "Salt flats", 902)
    post, get = market.client.simulate_post, market.client.simulate_get
    good = {"content_type": "artwork", "reason": "Spam"}
    for user in (artist, buyer):
        assert get("/api/admin/content/", headers=user.headers).status_code == 403
        for action in ("remove", "restore"):
            response = post(f"/api/admin/content/{artwork_id}/{action}/", headers=user.headers,
                            json=good)
            assert response.status_code == 403, response.json
    assert get("/api/admin/content/").status_code == 401
    assert post(f"/api/admin/content/{artwork_id}/remove/", json=good).status_code == 401

    bad = [({"content_type": "listing", "reason": "Spam"}, 400, "content_type"),
           ({"content_type": "artwork"}, 400, "reason"),
           ({"content_type": "artwork", "reason": "   "}, 400, "reason"),
           ({"reason": "Spam"}, 400, "content_type")]
    for body, status, field in bad:
        response = post(f"/api/admin/content/{artwork_id}/remove/", headers=moderator.headers,
                        json=body)
        assert response.status_code == status, (body, response.json)
        assert field in response.json["details"]
    missing = post("/api/admin/content/999999/remove/", headers=moderator.headers, json=good)
    assert missing.status_code == 404
    assert missing.json["success"] is False
    not_removed = post(f"/api/admin/content/{artwork_id}/restore/", headers=moderator.headers,
                       json=good)
    assert not_removed.status_code == 409
    assert get(f"/api/artworks/{artwork_id}/").status_code == 200
    entries = market.services.audit.list_entries(
        None, AuditFilters(), PageRequest.of(1, 50)).items
    assert not [e for e in entries if e.action.startswith("moderation.")]
    assert post(f"/api/admin/content/{artwork_id}/remove/", headers=moderator.headers,
                json=good).status_code == 200
    again = post(f"/api/admin/content/{artwork_id}/remove/", headers=moderator.headers,
                 json=good)
    assert again.status_code == 409


def test_a_removed_job_takes_no_hire_bid_change_or_completion(market: Marketplace) -> None:
    buyer, artist, other = market.user("buyer"), market.user("artist"), market.user("artist")
    moderator = staff_user(market, "mod_bilal")
    helpdesk = staff_user(market, "helpdesk", StaffRole.STAFF)
    get, post = market.client.simulate_get, market.client.simulate_post
    job = market.job(buyer)
    bid = market.bid(artist, job["id"])
    other_bid = market.bid(other, job["id"], amount="800.00")
    hired = market.job(buyer, title="Hired mural")
    hired_bid = market.bid(artist, hired["id"])
    answer = post(f"/api/jobs/{hired['id']}/hire/", headers=buyer.headers,
                  json={"bid_id": hired_bid["id"]})
    assert answer.status_code == 200, answer.text
    standing = market.job(buyer, title="Portrait")
    standing_bid = market.bid(artist, standing["id"])

    def remove(kind: str, object_id: int, verb: str = "remove") -> None:
        response = post(f"/api/admin/content/{object_id}/{verb}/", headers=moderator.headers,
                        json={"content_type": kind, "reason": "Scam"})
        assert response.status_code == 200, response.text

    remove("job", job["id"])
    remove("job", hired["id"])
    # The buyer, who still sees the job, is told it was removed: no hire, no completion,
    # no bid list to hire from.
    for path, body in ((f"/api/jobs/{job['id']}/hire/", {"bid_id": bid["id"]}),
                       (f"/api/jobs/{hired['id']}/complete/", None)):
        refused = post(path, headers=buyer.headers, json=body)
        assert refused.status_code == 409, (path, refused.text)
        assert "removed" in refused.json["error"]
    assert get(f"/api/jobs/{job['id']}/bids/", headers=buyer.headers).status_code == 409
    # The bidders, who no longer see the job, find neither it nor their bids on it.
    assert get(f"/api/jobs/{job['id']}/bids/", headers=artist.headers).status_code == 404
    mine = get("/api/bids/", headers=artist.headers).json
    assert [row["id"] for row in mine["results"]] == [standing_bid["id"]]
    assert mine["count"] == 1
    assert get(f"/api/bids/{bid['id']}/", headers=artist.headers).status_code == 404
    change = market.client.simulate_patch(f"/api/bids/{bid['id']}/", headers=artist.headers,
                                          json={"bid_amount": "600.00"})
    assert change.status_code == 404, change.text
    withdraw = market.client.simulate_delete(f"/api/bids/{other_bid['id']}/",
                                             headers=other.headers)
    assert withdraw.status_code == 404, withdraw.text
    # Nothing changed: the job is open with its two pending bids, the other one in progress.
    assert get(f"/api/jobs/{job['id']}/", headers=buyer.headers).json["status"] == "open"
    assert get(f"/api/jobs/{hired['id']}/", headers=buyer.headers).json["status"] == (
        "in_progress")
    # Staff still read the bids, kept as they were.
    kept = get(f"/api/jobs/{job['id']}/bids/", headers=helpdesk.headers)
    assert kept.status_code == 200, kept.text
    assert sorted((row["id"], row["status"], row["bid_amount"])
                  for row in kept.json["results"]) == sorted(
        [(bid["id"], "pending", "750.00"), (other_bid["id"], "pending", "800.00")])
    # Restored, the job takes the hire again and the bidder sees the bid.
    remove("job", job["id"], "restore")
    assert get(f"/api/bids/{bid['id']}/", headers=artist.headers).status_code == 200
    answer = post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                  json={"bid_id": bid["id"]})
    assert answer.status_code == 200, answer.text
