"""The admin users list as both of its clients read it: the web admin's rows ("User
Management") and the mobile admin panel's ("Admin Users": `date_joined`, `profile`, `stats`),
through the real HTTP app, with the panel's exact calls, at a fixed number of statements a
page however many rows it holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.catalog.tables import artist_profiles
from cultureup.adapters.sqlalchemy.moderation.tables import reports
from cultureup.adapters.sqlalchemy.tables import users
from cultureup.domain.accounts.roles import PERMISSION_DENIED
from cultureup.domain.accounts.users import UserType
from tests.integration.admin_support import bulk_users, staff_account
from tests.integration.artwork_images import jpeg
from tests.integration.assertions import assert_error
from tests.integration.conftest import ApiUser, Marketplace, QueryCounter
from tests.integration.route_walk import multipart

# The headers the mobile panel sends on every admin call ("Authentication").
PANEL = {"Content-Type": "application/json", "Accept": "application/json"}
# The keys of a row in each document.
MOBILE_ROW = {"id", "username", "email", "first_name", "last_name", "phone_number",
              "is_active", "is_staff", "is_superuser", "date_joined", "last_login", "profile",
              "stats"}
WEB_ROW = {"id", "username", "email", "first_name", "last_name", "user_type", "phone_number",
           "is_verified", "is_active", "is_staff", "is_superuser", "profile_image",
           "created_at", "updated_at", "last_login", "total_artworks", "total_jobs_posted",
           "total_bids", "total_spent", "total_earned", "last_activity"}


def panel_get(market: Marketplace, who: ApiUser | None, **params: Any) -> Any:
    headers = {**PANEL, **(who.headers if who else {})}
    return market.client.simulate_get("/api/admin/users/", headers=headers, params=params)


def upload(market: Marketplace, artist: ApiUser, category: int, seed: int) -> int:
    body, content_type = multipart({
        "title": f"Dunes {seed}", "description": "An artwork", "category_id": category,
        "artwork_type": "digital", "price": "300.00"}, jpeg(seed))
    response = market.client.simulate_post("/api/artworks/", body=body, headers={
        **artist.headers, "Content-Type": content_type})
    assert response.status_code == 201, response.text
    return int(response.json["artwork"]["id"])


def report(market: Marketplace, reporter: ApiUser, content_type: str, object_id: int) -> int:
    response = market.client.simulate_post("/api/reports/", headers=reporter.headers, json={
        "content_type": content_type, "object_id": object_id, "reason": "plagiarism",
        "description": "Copied from elsewhere"})
    assert response.status_code == 201, response.text
    return int(response.json["id"])


def test_the_mobile_panels_call_answers_every_field_it_reads_with_its_value(
        market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    moderator = staff_account(market, "content_moderator")
    ayesha = market.user("artist", username="ayesha_paints")
    sarah = market.user("buyer", username="sarah_buys")
    omar, bilal = market.user("buyer"), market.user("buyer")
    assert market.client.simulate_patch("/api/auth/profile/", headers=ayesha.headers, json={
        "phone_number": "+923001234567"}).status_code == 200
    profile = market.client.simulate_post("/api/artist-profiles/", headers=ayesha.headers,
                                          json={"bio": "Truck art and calligraphy",
                                                "experience_level": "expert",
                                                "hourly_rate": "25.00"})
    assert profile.status_code == 201, profile.text
    category = market.category()
    first, second = upload(market, ayesha, category, 7101), upload(market, ayesha, category, 7102)
    job = market.job(sarah, category)
    for _ in range(3):
        assert market.client.simulate_get(f"/api/artworks/{first}/").status_code == 200
    market.client.simulate_get(f"/api/artworks/{second}/")
    market.services.views.flush()
    # Ayesha files two reports; three are filed on her artworks, one of them dismissed
    # since (a report received is counted whatever became of it).
    report(market, ayesha, "job", job["id"])
    report(market, ayesha, "user", sarah.id)
    dismissed = report(market, sarah, "artwork", first)
    report(market, omar, "artwork", first)
    report(market, bilal, "artwork", second)
    closed = market.client.simulate_patch(f"/api/admin/reports/{dismissed}/update/",
                                          headers=moderator.headers,
                                          json={"status": "dismissed"})
    assert closed.status_code == 200, closed.text

    # The document's call: page, page_size, search, is_active.
    answer = panel_get(market, helpdesk, page=1, page_size=20, search="ayesha",
                       is_active="true")
    assert answer.status_code == 200, answer.text
    assert answer.json["count"] == 1 and answer.json["previous"] is None
    assert answer.json["next"] is None
    [row] = answer.json["results"]
    assert set(row) >= MOBILE_ROW | WEB_ROW
    assert (row["id"], row["username"], row["email"], row["phone_number"]) == (
        ayesha.id, "ayesha_paints", "ayesha_paints@example.com", "+923001234567")
    assert (row["first_name"], row["last_name"]) == ("Test", "Ayesha_Paints")
    assert (row["is_active"], row["is_staff"], row["is_superuser"]) == (True, False, False)
    assert row["date_joined"] == row["created_at"]
    assert row["date_joined"].endswith("Z") and row["last_login"].endswith("Z")
    assert row["profile"] == {"avatar": None, "bio": "Truck art and calligraphy"}
    assert row["stats"] == {"total_listings": 2, "total_views": 4, "reports_received": 3,
                            "reports_made": 2}
    assert row["total_artworks"] == 2 and row["total_jobs_posted"] == 0

    # The buyer: a job is a listing; a report on her job and one on her account are both
    # received; a buyer has no artist profile, so no bio.
    [buyer_row] = panel_get(market, helpdesk, search="sarah_buys").json["results"]
    assert buyer_row["profile"] == {"avatar": None, "bio": ""}
    assert buyer_row["stats"] == {"total_listings": 1, "total_views": 0,
                                  "reports_received": 2, "reports_made": 1}

    # is_active=false after a deactivation lists exactly that account.
    admin = staff_account(market, "admin_manager")
    assert market.client.simulate_post(f"/api/admin/users/{omar.id}/deactivate/",
                                       headers=admin.headers).status_code == 200
    inactive = panel_get(market, helpdesk, is_active="false").json
    assert [r["id"] for r in inactive["results"]] == [omar.id]
    assert inactive["results"][0]["is_active"] is False
    active = panel_get(market, helpdesk, is_active="true", page_size=200).json
    assert omar.id not in {r["id"] for r in active["results"]}
    assert_error(panel_get(market, helpdesk, is_active="maybe"), 400, "is_active")


def test_the_panels_call_is_refused_to_everyone_but_staff_with_view_users(
        market: Marketplace) -> None:
    artist, buyer = market.user("artist"), market.user("buyer")
    moderator = staff_account(market, "content_moderator")
    for who in (artist, buyer, moderator):
        body = assert_error(panel_get(market, who, page=1, page_size=20), 403)
        assert body["error"] == PERMISSION_DENIED and body["detail"] == PERMISSION_DENIED
        assert "email" not in str(body) and "phone_number" not in str(body)
    assert_error(panel_get(market, None, page=1, page_size=20), 401)
    for name in ("helpdesk", "admin_manager", "root"):
        rows = panel_get(market, staff_account(market, name), page_size=200).json["results"]
        shown = {r["id"]: r for r in rows}
        assert shown[artist.id]["email"] == f"{artist.username}@example.com"
        assert "phone_number" in shown[buyer.id]


def test_the_web_admins_example_request_is_answered_as_documented(market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    older = market.user("artist")
    market.clock.advance(minutes=5)
    newer = market.user("artist")
    verified = market.user("artist")
    market.client.simulate_post(f"/api/admin/users/{verified.id}/verify/",
                                headers=helpdesk.headers)
    market.user("buyer")
    answer = market.client.simulate_get(
        "/api/admin/users/?user_type=artist&is_verified=false&ordering=-created_at&page=1",
        headers=helpdesk.headers)
    assert answer.status_code == 200, answer.text
    assert [r["id"] for r in answer.json["results"]] == [newer.id, older.id]
    assert all(r["user_type"] == "artist" and r["is_verified"] is False
               for r in answer.json["results"])
    oldest_first = market.client.simulate_get(
        "/api/admin/users/?user_type=artist&ordering=created_at",
        headers=helpdesk.headers).json["results"]
    assert [r["id"] for r in oldest_first] == [older.id, newer.id, verified.id]


def _populate(market: Marketplace, rows: int) -> None:
    """`rows` artists, each with a bio, two artworks and reports made and received."""
    now = market.clock.now()
    ids = bulk_users(market.services.engine, rows, now=now, prefix=f"artist{rows}x")
    category = market.category()
    with market.services.engine.begin() as connection:
        connection.execute(users.update().where(users.c.id.in_(ids))
                           .values(user_type=UserType.ARTIST.value))
        for number, user_id in enumerate(ids):
            connection.execute(insert(artist_profiles).values(
                user_id=user_id, bio=f"Bio {number}", experience_level="expert",
                hourly_rate="10.00", created_at=now, updated_at=now))
            for copy in range(2):
                artwork_id = connection.execute(insert(artworks).values(
                    artist_id=user_id, title="Dusk", description="Oil", category_id=category,
                    artwork_type="physical", price="120.00", image_key="a.jpg",
                    watermarked_key="a_wm.jpg", views_count=copy + 1, created_at=now,
                    updated_at=now).returning(artworks.c.id)).scalar_one()
                reporter = ids[(number + 1) % len(ids)] if len(ids) > 1 else ids[0]
                connection.execute(insert(reports).values(
                    reporter_id=reporter, content_type="artwork", object_id=artwork_id,
                    reported_user_id=user_id, title="Dusk", reason="spam",
                    status="pending", created_at=now, updated_at=now))


def test_a_page_of_one_row_and_of_twenty_cost_the_same_statements(
        market: Marketplace, count_queries: QueryCounter) -> None:
    helpdesk = staff_account(market, "helpdesk")

    def cost() -> tuple[int, int]:
        count_queries.count = 0
        answer = panel_get(market, helpdesk, user_type="artist", page=1, page_size=20)
        assert answer.status_code == 200, answer.text
        return count_queries.count, len(answer.json["results"])

    _populate(market, 1)
    one, shown = cost()
    assert shown == 1
    market.clock.advance(minutes=1)
    _populate(market, 19)
    twenty, shown = cost()
    assert shown == 20
    assert twenty == one
    # And the figures are each row's own, not the page's.
    rows = panel_get(market, helpdesk, user_type="artist", page_size=20).json["results"]
    assert {r["stats"]["total_views"] for r in rows} == {3}
    assert {r["stats"]["reports_received"] for r in rows} == {2}
    assert all(r["profile"]["bio"].startswith("Bio ") for r in rows)


def test_the_newest_rows_come_first_and_pages_do_not_overlap(market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    ids = []
    for _ in range(3):
        ids += bulk_users(market.services.engine, 2, now=market.clock.now(),
                          prefix=f"wave{len(ids)}x")
        market.clock.advance(days=1)
    seen = []
    for page in (1, 2, 3):
        answer = panel_get(market, helpdesk, user_type="buyer", page=page, page_size=2)
        assert answer.status_code == 200, answer.text
        seen += [r["id"] for r in answer.json["results"]]
        joined = [r["date_joined"] for r in answer.json["results"]]
        assert joined == sorted(joined, reverse=True)
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 6
    assert seen[:2] == sorted(ids[4:], reverse=True)
    assert_error(panel_get(market, helpdesk, user_type="buyer", page=4, page_size=2), 404)
