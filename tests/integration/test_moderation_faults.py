"""Trust and safety rules held at their mechanism, through the HTTP app (SQLite, and
PostgreSQL when CULTUREUP_TEST_DATABASE_URL is set): what may be reported, who may undo or
decide what, what a removal records, and the optional fields' null."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest
from sqlalchemy import func, select, update

from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.moderation.tables import moderation_actions, reports
from cultureup.bootstrap import Services
from cultureup.domain.accounts.users import StaffRole
from tests.integration.conftest import ApiUser, Marketplace, SteppingClock
from tests.integration.moderation_support import staff_user
from tests.integration.test_moderation_api import _artwork
from tests.integration.two_factor_flow import code_at, enable_2fa, login, start_login, verify


def post(market: Marketplace, path: str, who: ApiUser | None, body: dict[str, Any]) -> Any:
    return market.client.simulate_post(path, headers=who.headers if who else None, json=body)


def rows(services: Services, table: Any) -> int:
    with services.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


# -- 1. a report's target must be visible to the reporter -------------------------------------

def _hide_artwork(market: Marketplace, artwork_id: int, how: str, moderator: ApiUser) -> None:
    if how == "removed":
        answer = post(market, f"/api/admin/content/{artwork_id}/remove/", moderator,
                      {"content_type": "artwork", "reason": "Stolen image"})
        assert answer.status_code == 200, answer.text
        return
    values: dict[str, Any] = {"moderation_status": "REJECTED"} if how == "rejected" else {
        "moderation_status": "PENDING", "duplicate_candidate_id": artwork_id}
    with market.services.engine.begin() as connection:
        connection.execute(update(artworks).where(artworks.c.id == artwork_id).values(**values))


@pytest.mark.parametrize("how", ["removed", "rejected", "held"])
def test_a_hidden_artwork_is_reported_as_a_missing_one_and_its_title_is_not_told(
        market: Marketplace, services: Services, how: str) -> None:
    artist, buyer = market.user("artist"), market.user("buyer")
    moderator = staff_user(market, "mod_vis")
    artwork_id = _artwork(market, artist)
    _hide_artwork(market, artwork_id, how, moderator)
    before = rows(services, reports)
    hidden = post(market, "/api/reports/", buyer, {
        "content_type": "artwork", "object_id": artwork_id, "reason": "spam"})
    missing = post(market, "/api/reports/", buyer, {
        "content_type": "artwork", "object_id": 987654, "reason": "spam"})
    assert hidden.status_code == missing.status_code == 400, hidden.text
    assert hidden.json == missing.json
    assert "Harbour" not in hidden.text
    assert rows(services, reports) == before


def test_a_removed_job_is_reported_as_a_missing_one(market: Marketplace,
                                                    services: Services) -> None:
    buyer, artist = market.user("buyer"), market.user("artist")
    moderator = staff_user(market, "mod_jobs")
    job = market.job(buyer, title="Mural for the station")
    body = {"content_type": "job", "object_id": job["id"], "reason": "scam"}
    removed = post(market, f"/api/admin/content/{job['id']}/remove/", moderator,
                   {"content_type": "job", "reason": "Scam"})
    assert removed.status_code == 200, removed.text
    answer = post(market, "/api/reports/", artist, body)
    assert answer.status_code == 400
    assert answer.json["details"] == {"object_id": ["No job with this id."]}
    assert "Mural" not in answer.text
    assert rows(services, reports) == 0
    # Restored, it is reportable again.
    assert post(market, f"/api/admin/content/{job['id']}/restore/", moderator,
                {"content_type": "job", "reason": "Checked"}).status_code == 200
    assert post(market, "/api/reports/", artist, body).status_code == 201


def test_equipment_is_not_reportable_whether_removed_or_not(market: Marketplace) -> None:
    buyer = market.user("buyer")
    answer = post(market, "/api/reports/", buyer,
                  {"content_type": "equipment", "object_id": 1, "reason": "spam"})
    assert answer.status_code == 400 and "content_type" in answer.json["details"]


# -- 7. duration_days: null is "indefinitely", as leaving it out is --------------------------

def test_a_null_duration_suspends_indefinitely_and_a_string_is_refused(
        market: Marketplace, services: Services) -> None:
    moderator = staff_user(market, "mod_null")
    artist, other = market.user("artist"), market.user("artist")
    for bad in ("7", "", "null"):
        answer = post(market, f"/api/admin/users/{other.id}/suspend/", moderator,
                      {"reason": "Spam", "duration_days": bad})
        assert answer.status_code == 400 and "duration_days" in answer.json["details"]
    assert rows(services, moderation_actions) == 0
    answer = post(market, f"/api/admin/users/{artist.id}/suspend/", moderator,
                  {"reason": "Spam", "duration_days": None})
    assert answer.status_code == 200, answer.text
    assert answer.json["suspended"] is True and answer.json["suspension_until"] is None
    omitted = post(market, f"/api/admin/users/{other.id}/suspend/", moderator,
                   {"reason": "Spam"})
    assert omitted.status_code == 200
    assert omitted.json["suspension_until"] is None


# -- 2FA: an account deactivated between the two steps -------------------------------------

def test_verify_login_refuses_an_account_deactivated_after_the_password_step(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock,
        services: Services) -> None:
    user = enable_2fa(client, clock, market.user("artist"))
    session = start_login(client, user)
    admin = staff_user(market, "admin_deact", StaffRole.ADMIN)
    off = post(market, f"/api/admin/users/{user.api.id}/deactivate/", admin,
               {"reason": "Closed on request"})
    assert off.status_code == 200, off.text
    answer = verify(client, session, totp_code=code_at(user.secret, clock))
    wrong_password = login(client, user.username, "Not-the-password-1")
    assert answer.status_code == wrong_password.status_code == 400, answer.text
    assert answer.json == wrong_password.json
    assert "token" not in answer.json
    # The session is spent: a second try is an expired session, not a token.
    assert verify(client, session, totp_code=code_at(user.secret, clock)).status_code == 400


# -- 3 and 4. who may handle a report, undo a sanction, decide an appeal --------------------

def patch_report(market: Marketplace, report_id: int, who: ApiUser, body: dict[str, Any]
                 ) -> Any:
    return market.client.simulate_patch(f"/api/admin/reports/{report_id}/update/",
                                        headers=who.headers, json=body)


def _report_status(services: Services, report_id: int) -> str:
    with services.engine.connect() as connection:
        return str(connection.execute(select(reports.c.status).where(
            reports.c.id == report_id)).scalar_one())


HANDLINGS = [{"status": "reviewed"}, {"status": "dismissed"},
             {"status": "dismissed", "action": "no_action"},
             {"status": "resolved", "action": "no_action"},
             {"status": "resolved", "action": "warned_user", "reason": "Rude"},
             {"status": "resolved", "action": "banned_user", "reason": "Rude"}]


def test_nobody_handles_a_report_on_themselves_and_only_a_higher_role_one_on_staff(
        market: Marketplace, services: Services) -> None:
    moderator = staff_user(market, "mod_self")
    peer = staff_user(market, "mod_peer")
    admin = staff_user(market, "admin_rep", StaffRole.ADMIN)
    other_admin = staff_user(market, "admin_two", StaffRole.ADMIN)
    buyer = market.user("buyer")
    on_moderator = post(market, "/api/reports/", buyer, {
        "content_type": "user", "object_id": moderator.id, "reason": "offensive"})
    on_admin = post(market, "/api/reports/", buyer, {
        "content_type": "user", "object_id": admin.id, "reason": "offensive"})
    assert on_moderator.status_code == on_admin.status_code == 201, on_moderator.text
    before = rows(services, moderation_actions)
    for who, report in ((moderator, on_moderator), (peer, on_moderator), (admin, on_admin),
                        (other_admin, on_admin), (moderator, on_admin)):
        for body in HANDLINGS:
            answer = patch_report(market, report.json["id"], who, body)
            assert answer.status_code == 403, (who.username, body, answer.text)
            assert _report_status(services, report.json["id"]) == "pending"
    assert rows(services, moderation_actions) == before
    # A higher role handles them.
    assert patch_report(market, on_moderator.json["id"], admin,
                        {"status": "dismissed", "action": "no_action"}).status_code == 200
    root = staff_user(market, "root_rep", None, superuser=True)
    assert patch_report(market, on_admin.json["id"], root,
                        {"status": "dismissed"}).status_code == 200


def test_a_sanction_is_undone_or_its_appeal_decided_only_by_a_rank_at_least_its_takers(
        market: Marketplace, services: Services) -> None:
    root = staff_user(market, "root_ban", None, superuser=True)
    other_root = staff_user(market, "root_two", None, superuser=True)
    moderator = staff_user(market, "mod_low")
    peer = staff_user(market, "mod_peer2")
    admin = staff_user(market, "admin_mid", StaffRole.ADMIN)
    user, other = market.user("artist"), market.user("buyer")
    assert post(market, f"/api/admin/users/{user.id}/ban/", root,
                {"reason": "Fraud ring"}).status_code == 200
    for who in (moderator, admin):
        answer = post(market, f"/api/admin/users/{user.id}/unban/", who, {"reason": "Ok"})
        assert answer.status_code == 403, answer.text
    action_id = market.client.simulate_get("/api/moderation/actions/",
                                           headers=user.headers).json["results"][0]["id"]
    assert post(market, f"/api/moderation/actions/{action_id}/appeal/", user,
                {"reason": "Not me"}).status_code == 201
    for who in (moderator, admin):
        for decision in ("approve", "reject"):
            answer = post(market, f"/api/admin/appeals/{action_id}/decide/", who,
                          {"decision": decision, "reason": "Looks fine"})
            assert answer.status_code == 403, answer.text
    assert market.client.simulate_get("/api/auth/profile/",
                                      headers=user.headers).status_code == 403  # still banned
    assert post(market, f"/api/admin/appeals/{action_id}/decide/", other_root,
                {"decision": "approve", "reason": "Mistaken identity"}).status_code == 200
    assert market.client.simulate_get("/api/auth/profile/",
                                      headers=user.headers).status_code == 200
    # A replacing suspension undoes the one in force: the same rule.
    assert post(market, f"/api/admin/users/{other.id}/suspend/", admin,
                {"reason": "Spam", "duration_days": 30}).status_code == 200
    assert post(market, f"/api/admin/users/{other.id}/suspend/", moderator,
                {"reason": "Spam", "duration_days": 1}).status_code == 403
    assert post(market, f"/api/admin/users/{other.id}/unsuspend/", moderator,
                {"reason": "Ok"}).status_code == 403
    # Equal rank may: a moderator's suspension is lifted by another moderator.
    assert post(market, f"/api/admin/users/{other.id}/unsuspend/", admin,
                {"reason": "Ok"}).status_code == 200
    assert post(market, f"/api/admin/users/{other.id}/suspend/", moderator,
                {"reason": "Spam", "duration_days": 3}).status_code == 200
    assert post(market, f"/api/admin/users/{other.id}/unsuspend/", peer,
                {"reason": "Ok"}).status_code == 200


# -- 2. every removal is a moderation action on the owner, every restoration a lifting -------

def _actions(market: Marketplace, user: ApiUser) -> list[dict[str, Any]]:
    answer = market.client.simulate_get("/api/moderation/actions/", headers=user.headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json["results"])


def test_a_direct_removal_is_the_owners_action_to_read_and_appeal_and_approval_restores(
        market: Marketplace, services: Services) -> None:
    artist = market.user("artist")
    moderator, other = staff_user(market, "mod_rm"), staff_user(market, "mod_rm2")
    artwork_id = _artwork(market, artist)
    removed = post(market, f"/api/admin/content/{artwork_id}/remove/", moderator,
                   {"content_type": "product", "reason": "Stolen image"})
    assert removed.status_code == 200, removed.text
    [action] = _actions(market, artist)
    assert {key: action[key] for key in ("action", "target_type", "target_id", "reason",
                                         "report_id", "reversed_at")} == {
        "action": "content_removal", "target_type": "artwork", "target_id": artwork_id,
        "reason": "Stolen image", "report_id": None, "reversed_at": None}
    assert action["moderator"] == {"id": moderator.id, "username": "mod_rm"}
    assert post(market, f"/api/moderation/actions/{action['id']}/appeal/", artist,
                {"reason": "I painted it"}).status_code == 201
    assert post(market, f"/api/admin/appeals/{action['id']}/decide/", moderator,
                {"decision": "approve", "reason": "Mine"}).status_code == 403
    approved = post(market, f"/api/admin/appeals/{action['id']}/decide/", other,
                    {"decision": "approve", "reason": "Provenance shown"})
    assert approved.status_code == 200, approved.text
    assert market.client.simulate_get(f"/api/artworks/{artwork_id}/").status_code == 200
    lifting, appealed = _actions(market, artist)
    assert (lifting["action"], lifting["target_id"]) == ("content_restoration", artwork_id)
    assert appealed["reversed_at"] is not None
    assert appealed["appeal"]["status"] == "approved"


def test_a_direct_restore_lifts_the_removal_and_is_recorded_and_the_removal_is_not_appealable(
        market: Marketplace, services: Services) -> None:
    buyer = market.user("buyer")
    moderator = staff_user(market, "mod_job")
    job = market.job(buyer)
    assert post(market, f"/api/admin/content/{job['id']}/remove/", moderator,
                {"content_type": "job", "reason": "Off-platform payment"}).status_code == 200
    [removal] = _actions(market, buyer)
    assert (removal["action"], removal["target_type"]) == ("content_removal", "job")
    restored = post(market, f"/api/admin/content/{job['id']}/restore/", moderator,
                    {"content_type": "job", "reason": "Edited"})
    assert restored.status_code == 200, restored.text
    lifting, removal = _actions(market, buyer)
    assert (lifting["action"], lifting["reason"]) == ("content_restoration", "Edited")
    assert removal["reversed_at"] is not None
    late = post(market, f"/api/moderation/actions/{removal['id']}/appeal/", buyer,
                {"reason": "Please"})
    assert late.status_code == 409
    # A lifting is a record, not a sanction: no appeal.
    assert post(market, f"/api/moderation/actions/{lifting['id']}/appeal/", buyer,
                {"reason": "Please"}).status_code == 409


def test_a_report_driven_removal_is_one_action_linked_to_the_report(
        market: Marketplace, services: Services) -> None:
    artist, buyer = market.user("artist"), market.user("buyer")
    moderator = staff_user(market, "mod_rep")
    artwork_id = _artwork(market, artist)
    report = post(market, "/api/reports/", buyer, {
        "content_type": "artwork", "object_id": artwork_id, "reason": "plagiarism"})
    done = patch_report(market, report.json["id"], moderator, {
        "status": "resolved", "action": "removed_content", "reason": "Copied"})
    assert done.status_code == 200, done.text
    [action] = _actions(market, artist)
    assert (action["action"], action["report_id"]) == ("content_removal", report.json["id"])
    assert rows(services, moderation_actions) == 1


def test_equipment_removal_has_no_owner_action_and_no_appeal_but_is_audited(
        market: Marketplace, services: Services) -> None:
    from cultureup.application.views import AuditFilters, PageRequest
    from cultureup.domain.catalog.equipment import EquipmentTerms
    from cultureup.domain.money import Money
    moderator = staff_user(market, "mod_eq")
    item = market.services.equipment.add_equipment(market.admin_actor(), EquipmentTerms(
        name="Easel", equipment_type="other", price=Money("40.00"), stock_quantity=3))
    for verb in ("remove", "restore"):
        answer = post(market, f"/api/admin/content/{item.id}/{verb}/", moderator,
                      {"content_type": "equipment", "reason": "Recall"})
        assert answer.status_code == 200, answer.text
    assert rows(services, moderation_actions) == 0
    audited = services.audit.list_entries(None, AuditFilters(
        action="moderation.content_removed"), PageRequest.of(1, 10))
    assert audited.total == 1


def test_a_removal_by_a_higher_role_is_restored_only_by_that_rank_or_above(
        market: Marketplace) -> None:
    artist = market.user("artist")
    admin = staff_user(market, "admin_rm", StaffRole.ADMIN)
    moderator = staff_user(market, "mod_under")
    artwork_id = _artwork(market, artist)
    assert post(market, f"/api/admin/content/{artwork_id}/remove/", admin,
                {"content_type": "artwork", "reason": "Illegal"}).status_code == 200
    refused = post(market, f"/api/admin/content/{artwork_id}/restore/", moderator,
                   {"content_type": "artwork", "reason": "Looks fine"})
    assert refused.status_code == 403, refused.text
    assert market.client.simulate_get(f"/api/artworks/{artwork_id}/").status_code == 404
    assert len(_actions(market, artist)) == 1
    assert post(market, f"/api/admin/content/{artwork_id}/restore/", admin,
                {"content_type": "artwork", "reason": "Cleared"}).status_code == 200


# -- 6. is_active: whether the account may be used now, in every answer and filter -----------

def test_is_active_has_one_meaning_in_sanction_answers_user_rows_filters_and_stats(
        market: Marketplace, clock: SteppingClock) -> None:
    admin = staff_user(market, "admin_act", StaffRole.ADMIN)
    suspended, banned, deactivated, fine = (market.user("artist") for _ in range(4))
    get = market.client.simulate_get

    def row(user: ApiUser) -> dict[str, Any]:
        answer = get("/api/admin/users/", headers=admin.headers,
                     params={"search": user.username})
        [found] = [each for each in answer.json["results"] if each["id"] == user.id]
        return dict(found)

    def listed(is_active: str) -> set[int]:
        answer = get("/api/admin/users/", headers=admin.headers,
                     params={"is_active": is_active, "page_size": 100})
        assert answer.status_code == 200, answer.text
        return {each["id"] for each in answer.json["results"]}

    def active_users() -> int:
        answer = get("/api/admin/users/stats/", headers=admin.headers)
        assert answer.status_code == 200, answer.text
        dashboard = get("/api/admin/dashboard/", headers=admin.headers)
        assert dashboard.status_code == 200, dashboard.text
        assert dashboard.json["user_stats"]["active_users"] == answer.json["active_users"]
        return int(answer.json["active_users"])

    everyone = active_users()
    answers = [post(market, f"/api/admin/users/{suspended.id}/suspend/", admin,
                    {"reason": "Spam", "duration_days": 7}),
               post(market, f"/api/admin/users/{banned.id}/ban/", admin, {"reason": "Fraud"}),
               post(market, f"/api/admin/users/{deactivated.id}/deactivate/", admin,
                    {"reason": "Closed"})]
    assert [each.status_code for each in answers] == [200, 200, 200]
    assert answers[0].json["is_active"] is answers[1].json["is_active"] is False
    assert answers[2].json["user"]["is_active"] is False
    assert (row(suspended)["is_active"], row(suspended)["suspended"]) == (False, True)
    assert (row(banned)["is_active"], row(banned)["banned"]) == (False, True)
    assert (row(deactivated)["is_active"], row(deactivated)["banned"]) == (False, False)
    assert row(fine)["is_active"] is True
    assert {suspended.id, banned.id, deactivated.id} <= listed("false")
    assert fine.id not in listed("false")
    assert not {suspended.id, banned.id, deactivated.id} & listed("true")
    assert active_users() == everyone - 3
    # Activating a banned account does not make it usable; the answer says so.
    activated = post(market, f"/api/admin/users/{banned.id}/activate/", admin,
                     {"reason": "Reopened"})
    assert activated.status_code == 200, activated.text
    assert activated.json["user"]["is_active"] is False
    # The suspension ends by itself: the same account is active again in rows and filters.
    clock.advance(days=7, seconds=1)
    assert row(suspended)["is_active"] is True
    assert suspended.id in listed("true") and suspended.id not in listed("false")
    assert active_users() == everyone - 2
