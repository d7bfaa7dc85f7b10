"""The users admin over HTTP, and the role table applied to the existing staff actions:
every answer as the spec's "User Management" and "Admin Error Responses" show, each change
audited with its before and after, and nothing changed by a refused request."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.tables import audit_log, users
from cultureup.application.views import AuditFilters, PageRequest
from cultureup.domain.accounts.roles import PERMISSION_DENIED
from cultureup.domain.admin.bulk import BULK_MAX_IDS
from cultureup.domain.admin.users import USER_ACTIONS
from cultureup.entrypoints.http.endpoint import ADMIN_NOT_AUTHENTICATED
from tests.integration.admin_support import bulk_users, staff_account
from tests.integration.artwork_images import jpeg
from tests.integration.assertions import assert_error
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace
from tests.integration.route_walk import multipart


def audit(market: Marketplace, action: str) -> list[Any]:
    return list(market.services.audit.list_entries(
        None, AuditFilters(action=action), PageRequest(page=1, page_size=1000)).items)


def post(market: Marketplace, path: str, who: ApiUser | None, **body: Any) -> Any:
    headers = who.headers if who else {}
    if body:
        return market.client.simulate_post(path, headers=headers, json=body)
    return market.client.simulate_post(path, headers=headers)


def count(market: Marketplace, *conditions: Any) -> int:
    with market.services.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(users).where(*conditions)
                                  ).scalar_one()


def upload(market: Marketplace, artist: ApiUser, category: int, seed: int) -> int:
    body, content_type = multipart({
        "title": "Dunes", "description": "An artwork", "category_id": category,
        "artwork_type": "digital", "price": "300.00"}, jpeg(seed))
    response = market.client.simulate_post("/api/artworks/", body=body, headers={
        **artist.headers, "Content-Type": content_type})
    assert response.status_code == 201, response.text
    return int(response.json["artwork"]["id"])


# -- the role table, applied -------------------------------------------------------------------


def test_the_sample_moderator_follows_the_role_table(market: Marketplace) -> None:
    moderator = staff_account(market, "content_moderator")
    admin = staff_account(market, "admin_manager")
    buyer, artist = market.user("buyer"), market.user("artist")
    brushes = {"name": "Brushes", "equipment_type": "brush", "price": "5.00"}
    # Equipment is the catalogue's keepers' (MANAGE_CATALOG): not the moderator's any more.
    assert_error(market.client.simulate_post("/api/equipment/", headers=moderator.headers,
                                              json=brushes), 403)
    created = market.client.simulate_post("/api/equipment/", headers=admin.headers,
                                          json=brushes)
    assert created.status_code == 201, created.text
    item = created.json["id"]
    assert_error(market.client.simulate_delete(f"/api/equipment/{item}/",
                                                headers=moderator.headers), 403)
    assert market.client.simulate_get(f"/api/equipment/{item}/").status_code == 200
    # Any job's bids are private content (VIEW_PRIVATE_CONTENT): not the moderator's.
    job = market.job(buyer)
    market.bid(artist, job["id"])
    assert_error(market.client.simulate_get(f"/api/jobs/{job['id']}/bids/",
                                             headers=moderator.headers), 403)
    helpdesk = staff_account(market, "helpdesk")
    bids = market.client.simulate_get(f"/api/jobs/{job['id']}/bids/", headers=helpdesk.headers)
    assert bids.status_code == 200 and bids.json["count"] == 1
    # Removing another artist's artwork is content removal (MODERATE_CONTENT), audited.
    artwork = upload(market, artist, job["category"]["id"] if isinstance(job["category"], dict)
                     else job["category"], 5150)
    removed = market.client.simulate_delete(f"/api/artworks/{artwork}/",
                                            headers=moderator.headers)
    assert removed.status_code == 204, removed.text
    entries = audit(market, "admin.artwork_removed")
    assert [(e.actor_username, e.target_id) for e in entries] == [
        ("content_moderator", str(artwork))]
    # Users and money are not the moderator's.
    refused = assert_error(post(market, f"/api/admin/users/{buyer.id}/verify/", moderator), 403)
    assert refused["error"] == PERMISSION_DENIED
    assert count(market, users.c.id == buyer.id, users.c.is_verified.is_(True)) == 0


def test_only_a_superuser_makes_staff_and_nobody_raises_their_own_role(
        market: Marketplace) -> None:
    root = staff_account(market, "root")
    admin = staff_account(market, "admin_manager")
    helpdesk = staff_account(market, "helpdesk")
    artist = market.user("artist")
    for who in (helpdesk, admin):
        assert_error(post(market, f"/api/admin/users/{artist.id}/make-staff/", who), 403)
    for who in (admin, root):
        assert_error(post(market, f"/api/admin/users/{who.id}/make-staff/", who,
                          role="admin"), 403)
    assert count(market, users.c.id == artist.id, users.c.is_staff.is_(True)) == 0
    assert audit(market, "admin.user_role_granted") == []
    # An admin grants the content moderator role only.
    moderated = post(market, f"/api/admin/users/{artist.id}/make-staff/", admin,
                     role="content_moderator")
    assert moderated.status_code == 200, moderated.text
    answer = post(market, f"/api/admin/users/{artist.id}/make-staff/", root)
    assert answer.status_code == 200, answer.text
    assert answer.json["message"] == f"User {artist.username} is now staff"
    assert answer.json["user"]["is_staff"] is True
    assert answer.json["user"]["staff_role"] == "staff"
    entries = audit(market, "admin.user_role_granted")
    assert len(entries) == 2
    assert json.loads(entries[0].details["before"])["staff_role"] == "content_moderator"
    assert json.loads(entries[0].details["after"])["staff_role"] == "staff"


# -- one account -------------------------------------------------------------------------------


def test_verify_answers_as_the_spec_and_is_audited(market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    artist = market.user("artist")
    answer = post(market, f"/api/admin/users/{artist.id}/verify/", helpdesk,
                  reason="documents checked")
    assert answer.status_code == 200, answer.text
    assert answer.json["message"] == f"User {artist.username} verified successfully"
    assert answer.json["user"] == {"id": artist.id, "username": artist.username,
                                   "is_verified": True,
                                   "updated_at": answer.json["user"]["updated_at"]}
    [entry] = audit(market, "admin.user_verified")
    assert (entry.actor_username, entry.target_type, entry.target_id) == (
        "helpdesk", "user", str(artist.id))
    assert json.loads(entry.details["before"]) == {"is_verified": False}
    assert json.loads(entry.details["after"]) == {"is_verified": True}
    assert entry.details["reason"] == "documents checked"
    assert_error(post(market, "/api/admin/users/999999/verify/", helpdesk), 404)
    # Staff verify but do not deactivate (ACTIVATE_USERS is an admin's).
    assert_error(post(market, f"/api/admin/users/{artist.id}/deactivate/", helpdesk), 403)


def test_a_deactivated_users_token_is_refused_at_the_next_request(market: Marketplace) -> None:
    admin = staff_account(market, "admin_manager")
    buyer = market.user("buyer")
    assert market.client.simulate_get("/api/auth/profile/",
                                      headers=buyer.headers).status_code == 200
    answer = post(market, f"/api/admin/users/{buyer.id}/deactivate/", admin)
    assert answer.status_code == 200, answer.text
    assert answer.json["message"] == f"User {buyer.username} deactivated successfully"
    assert answer.json["user"]["is_active"] is False
    assert_error(market.client.simulate_get("/api/auth/profile/", headers=buyer.headers), 401)
    login = market.client.simulate_post("/api/auth/login/", json={
        "username": buyer.username, "password": "Str0ng-Palette-42!"})
    assert login.status_code in (400, 401), login.text
    again = post(market, f"/api/admin/users/{buyer.id}/activate/", admin)
    assert again.status_code == 200 and again.json["user"]["is_active"] is True
    # The old token stays revoked; a new login works.
    assert_error(market.client.simulate_get("/api/auth/profile/", headers=buyer.headers), 401)
    login = market.client.simulate_post("/api/auth/login/", json={
        "username": buyer.username, "password": "Str0ng-Palette-42!"})
    assert login.status_code == 200, login.text
    assert len(audit(market, "admin.user_deactivated")) == 1
    assert len(audit(market, "admin.user_activated")) == 1
    # An admin does not deactivate another admin or a superuser (may_act_on).
    root = staff_account(market, "root")
    assert_error(post(market, f"/api/admin/users/{root.id}/deactivate/", admin), 403)


def test_a_deactivated_account_answers_login_as_a_wrong_password_does(market: Marketplace
                                                                       ) -> None:
    admin = staff_account(market, "admin_manager")
    buyer = market.user("buyer")
    assert post(market, f"/api/admin/users/{buyer.id}/deactivate/", admin).status_code == 200
    client = market.client
    signed_in = [e.actor_id for e in audit(market, "login.succeeded")].count(buyer.id)

    def attempt(username: str, password: str) -> tuple[int, Any]:
        answer = client.simulate_post("/api/auth/login/", json={"username": username,
                                                                "password": password})
        return answer.status_code, answer.json

    right = attempt(buyer.username, STRONG_PASSWORD)
    # The right password, a wrong one and a name that is no account: one answer.
    assert right == attempt(buyer.username, "Wrong-Palette-42!") \
        == attempt("nobody_at_all", STRONG_PASSWORD)
    assert right[0] == 400 and right[1]["details"] == {
        "non_field_errors": ["Unable to log in with the provided credentials."]}
    # Every attempt on the account counts as a failure, the right password too: the throttle
    # cannot tell them apart either.
    failed = [entry for entry in audit(market, "login.failed") if entry.actor_id == buyer.id]
    assert [entry.details for entry in failed] == [{"account_inactive": "True"}] * 2
    assert [e.actor_id for e in audit(market, "login.succeeded")].count(buyer.id) == signed_in


# -- the list and the statistics ---------------------------------------------------------------


def test_the_list_filters_searches_orders_and_pages(market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    ayesha = market.user("artist", username="ayesha_paints")
    market.user("buyer", username="bilal_buys")
    market.clock.advance(minutes=1)
    zara = market.user("artist", username="zara_draws")
    post(market, f"/api/admin/users/{zara.id}/verify/", helpdesk)

    def listed(query: str) -> Any:
        response = market.client.simulate_get(f"/api/admin/users/?{query}",
                                              headers=helpdesk.headers)
        assert response.status_code == 200, response.text
        return response.json

    page = listed("user_type=artist&ordering=-created_at")
    assert [row["username"] for row in page["results"]] == ["zara_draws", "ayesha_paints"]
    row = page["results"][1]
    assert row["email"] == "ayesha_paints@example.com" and row["id"] == ayesha.id
    assert {"total_artworks", "total_jobs_posted", "total_bids", "total_spent",
            "total_earned", "last_activity", "phone_number", "last_login"} <= set(row)
    assert row["total_spent"] == "0.00"
    assert [r["username"] for r in listed("user_type=artist&is_verified=false")["results"]] == [
        "ayesha_paints"]
    assert [r["username"] for r in listed("search=BILAL")["results"]] == ["bilal_buys"]
    assert [r["username"] for r in listed("search=zara_draws@example")["results"]] == [
        "zara_draws"]
    assert listed("is_staff=true")["count"] == 1  # helpdesk
    names = [r["username"] for r in listed("ordering=username")["results"]]
    assert names == sorted(names)
    assert listed("page_size=200")["count"] == 4
    assert_error(market.client.simulate_get("/api/admin/users/?page_size=201",
                                             headers=helpdesk.headers), 400, "page_size")
    assert_error(market.client.simulate_get("/api/admin/users/?user_type=robot",
                                             headers=helpdesk.headers), 400, "user_type")
    unauthenticated = assert_error(market.client.simulate_get("/api/admin/users/"), 401)
    assert unauthenticated["error"] == ADMIN_NOT_AUTHENTICATED
    for outsider in (ayesha, staff_account(market, "content_moderator")):
        body = assert_error(market.client.simulate_get("/api/admin/users/",
                                                        headers=outsider.headers), 403)
        assert body["error"] == PERMISSION_DENIED


def test_the_default_page_is_fifty_rows(market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    bulk_users(market.services.engine, 60, now=market.clock.now())
    page = market.client.simulate_get("/api/admin/users/", headers=helpdesk.headers).json
    assert page["count"] == 61 and len(page["results"]) == 50 and page["next"]


def test_statistics_equal_direct_counts(market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    market.user("artist")
    market.user("buyer")
    bulk_users(market.services.engine, 7, now=market.clock.now(), is_verified=True)
    market.clock.advance(days=40)
    helpdesk = staff_account(market, "helpdesk")  # a fresh token; the old one expired
    stats = market.client.simulate_get("/api/admin/users/stats/", headers=helpdesk.headers)
    assert stats.status_code == 200, stats.text
    staff = users.c.is_staff.is_(True) | users.c.is_superuser.is_(True)
    assert stats.json == {
        "total_users": count(market), "verified_users": count(market, users.c.is_verified),
        "active_users": count(market, users.c.is_active),
        "artists": count(market, users.c.user_type == "artist"),
        "buyers": count(market, users.c.user_type == "buyer"),
        "admins": count(market, users.c.user_type == "admin"),
        "staff_users": count(market, staff),
        "recent_registrations": count(market, users.c.created_at >= market.clock.now()
                                      - timedelta(days=30)),
        "suspended_users": 0, "banned_users": 0}
    assert stats.json["total_users"] == 10 and stats.json["recent_registrations"] == 0


def test_rows_and_statistics_show_the_suspensions_and_bans_in_force(
        market: Marketplace) -> None:
    moderator = market.admin_actor()
    short, long, lifted, banned, plain = (market.user("buyer") for _ in range(5))
    sanctions = market.services.sanctions
    sanctions.suspend(moderator, short.id, reason="Spam", duration_days=2)
    sanctions.suspend(moderator, long.id, reason="Abuse", duration_days=10)
    sanctions.suspend(moderator, lifted.id, reason="Spam")
    sanctions.unsuspend(moderator, lifted.id, reason="Appeal upheld by phone")
    sanctions.ban(moderator, banned.id, reason="Fraud")
    long_until = market.clock.now() + timedelta(days=10)

    def rows() -> dict[int, tuple[bool, str | None, bool]]:
        helpdesk = staff_account(market, "helpdesk")
        page = market.client.simulate_get("/api/admin/users/", headers=helpdesk.headers,
                                          params={"page_size": 200})
        assert page.status_code == 200, page.text
        return {row["id"]: (row["suspended"], row["suspension_until"], row["banned"])
                for row in page.json["results"]}

    def stats() -> tuple[int, int]:
        helpdesk = staff_account(market, "helpdesk")
        answer = market.client.simulate_get("/api/admin/users/stats/",
                                            headers=helpdesk.headers).json
        return answer["suspended_users"], answer["banned_users"]

    now_rows = rows()
    assert now_rows[short.id][0] is True and now_rows[short.id][2] is False
    assert now_rows[long.id][0] is True and now_rows[long.id][2] is False
    until = datetime.fromisoformat(str(now_rows[long.id][1]).replace("Z", "+00:00"))
    assert abs(until - long_until) < timedelta(seconds=1)
    assert now_rows[lifted.id] == now_rows[plain.id] == (False, None, False)
    assert now_rows[banned.id] == (False, None, True)
    assert stats() == (2, 1)

    market.clock.advance(days=3)  # the short suspension is over by itself
    later = rows()
    assert later[short.id] == (False, None, False)
    assert later[long.id][0] is True and later[banned.id][2] is True
    assert stats() == (1, 1)


# -- bulk --------------------------------------------------------------------------------------


def test_bulk_verify_of_200_ids_with_5_unknown(market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    ids = bulk_users(market.services.engine, 195, now=market.clock.now())
    unknown = [max(ids) + 1000 + n for n in range(5)]
    answer = post(market, "/api/admin/bulk/users/", helpdesk, user_ids=ids + unknown,
                  action="verify")
    assert answer.status_code == 200, answer.text
    assert answer.json["message"] == "195 users verified successfully"
    assert answer.json["affected_users"] == 195 and answer.json["action"] == "verify"
    assert sorted(answer.json["not_found_ids"]) == unknown
    assert count(market, users.c.id.in_(ids), users.c.is_verified.is_(True)) == 195
    entries = audit(market, "admin.user_verified")
    assert sorted(int(e.target_id) for e in entries) == sorted(ids)
    assert all(e.details["bulk"] == "true"
               and json.loads(e.details["after"]) == {"is_verified": True} for e in entries)


def test_bulk_over_the_cap_or_refused_changes_nothing(market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    ids = bulk_users(market.services.engine, BULK_MAX_IDS + 1, now=market.clock.now())
    body = assert_error(post(market, "/api/admin/bulk/users/", helpdesk, user_ids=ids,
                             action="verify"), 400, "user_ids")
    assert str(BULK_MAX_IDS) in body["details"]["user_ids"][0]
    assert count(market, users.c.is_verified.is_(True)) == 0
    with market.services.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(audit_log).where(
            audit_log.c.action.like("admin.user%"))).scalar_one() == 0
    # Staff may not deactivate: the whole request is refused, nothing changes.
    assert_error(post(market, "/api/admin/bulk/users/", helpdesk, user_ids=ids[:3],
                      action="deactivate"), 403)
    assert count(market, users.c.is_active.is_(False)) == 0
    # One account the actor may not act on (their own) refuses the whole request.
    admin = staff_account(market, "admin_manager")
    assert_error(post(market, "/api/admin/bulk/users/", admin,
                      user_ids=[*ids[:3], admin.id], action="deactivate"), 403)
    assert count(market, users.c.is_active.is_(False)) == 0


def test_an_unknown_bulk_action_lists_the_available_ones(market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    answer = post(market, "/api/admin/bulk/users/", helpdesk, user_ids=[1], action="promote")
    assert answer.status_code == 400
    assert answer.json["error"] == "Invalid action specified"
    assert answer.json["available_actions"] == list(USER_ACTIONS)


def test_bulk_staff_changes_follow_may_grant(market: Marketplace) -> None:
    root = staff_account(market, "root")
    admin = staff_account(market, "admin_manager")
    ids = bulk_users(market.services.engine, 3, now=market.clock.now())
    assert_error(post(market, "/api/admin/bulk/users/", admin, user_ids=ids,
                      action="make_staff"), 403)
    made = post(market, "/api/admin/bulk/users/", root, user_ids=ids, action="make_staff")
    assert made.status_code == 200 and made.json["affected_users"] == 3
    removed = post(market, "/api/admin/bulk/users/", root, user_ids=ids, action="remove_staff")
    assert removed.status_code == 200 and removed.json["affected_users"] == 3
    assert count(market, users.c.id.in_(ids), users.c.is_staff.is_(True)) == 0
    assert len(audit(market, "admin.user_role_granted")) == 3
    assert len(audit(market, "admin.user_role_removed")) == 3


def test_no_users_action_reaches_an_account_that_outranks_the_actor(market: Marketplace) -> None:
    helpdesk = staff_account(market, "helpdesk")
    admin = staff_account(market, "admin_manager")
    root = staff_account(market, "root")
    verified_before = {row: count(market, users.c.id == row.id, users.c.is_verified.is_(True))
                       for row in (admin, root)}
    # Plain staff verify and unverify, but not an admin or the superuser, single (unverify
    # exists only in bulk) or bulk.
    for target in (admin, root):
        assert_error(post(market, f"/api/admin/users/{target.id}/verify/", helpdesk), 403)
        for action in ("verify", "unverify"):
            body = assert_error(post(market, "/api/admin/bulk/users/", helpdesk,
                                     user_ids=[target.id], action=action), 403)
            assert str(target.id) in body["error"]
    # An admin acts on no superuser either, whatever the action.
    for action in ("verify", "unverify", "activate", "deactivate"):
        assert_error(post(market, "/api/admin/bulk/users/", admin, user_ids=[root.id],
                          action=action), 403)
    # A mixed request is refused whole: the plain account in it is not verified.
    ids = bulk_users(market.services.engine, 2, now=market.clock.now())
    assert_error(post(market, "/api/admin/bulk/users/", helpdesk,
                      user_ids=[*ids, root.id], action="verify"), 403)
    assert count(market, users.c.id.in_(ids), users.c.is_verified.is_(True)) == 0
    for row, before in verified_before.items():
        assert count(market, users.c.id == row.id, users.c.is_verified.is_(True)) == before
    assert audit(market, "admin.user_verified") == []
    assert audit(market, "admin.user_unverified") == []
    # Below the actor's role the same actions still work.
    done = post(market, "/api/admin/bulk/users/", helpdesk, user_ids=ids, action="verify")
    assert done.status_code == 200 and done.json["affected_users"] == 2, done.text
