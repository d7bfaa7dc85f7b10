"""Reports, suspensions, bans, moderation actions and appeals through the HTTP API (SQLite,
and PostgreSQL when CULTUREUP_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest
from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.collaboration.tables import notifications
from cultureup.adapters.sqlalchemy.moderation.tables import moderation_actions, reports
from cultureup.application.accounts.users import Registration
from cultureup.application.views import AuditFilters, PageRequest
from cultureup.bootstrap import Services
from cultureup.domain.accounts.users import StaffRole
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace, SteppingClock


def staff(market: Marketplace, name: str, role: StaffRole = StaffRole.CONTENT_MODERATOR
          ) -> ApiUser:
    market.services.accounts.create_staff_user(Registration(
        username=name, email=f"{name}@example.com", password=STRONG_PASSWORD,
        password_confirm=STRONG_PASSWORD, user_type="admin", first_name="Mod",
        last_name="Erator"), superuser=False, staff_role=role)
    login = market.client.simulate_post("/api/auth/login/", json={
        "username": name, "password": STRONG_PASSWORD})
    assert login.status_code == 200, login.text
    user_id = login.json["user"]["id"]
    return ApiUser(id=user_id, username=name, token=login.json["token"], user_type="admin")


def post(client: falcon.testing.TestClient, path: str, who: ApiUser, body: dict[str, Any]
         ) -> Any:
    return client.simulate_post(path, headers=who.headers, json=body)


def count(services: Services, table: Any) -> int:
    with services.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def audited(services: Services, action: str) -> int:
    return services.audit.list_entries(None, AuditFilters(action=action),
                                       PageRequest.of(1, 100)).total


def notes_of(client: falcon.testing.TestClient, services: Services, user: ApiUser
             ) -> list[str]:
    with services.engine.connect() as connection:
        return list(connection.execute(select(notifications.c.message).where(
            notifications.c.user_id == user.id, notifications.c.notification_type ==
            "moderation").order_by(notifications.c.id)).scalars())


@pytest.fixture
def mods(market: Marketplace) -> tuple[ApiUser, ApiUser]:
    return staff(market, "mod_one"), staff(market, "mod_two")


def test_a_seven_day_suspension_refuses_tokens_and_login_until_the_clock_passes_it(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock,
        services: Services, mods: tuple[ApiUser, ApiUser]) -> None:
    moderator, _ = mods
    artist = market.user("artist")
    assert client.simulate_get("/api/auth/profile/", headers=artist.headers).status_code == 200
    answer = post(client, f"/api/admin/users/{artist.id}/suspend/", moderator,
                  {"reason": "Spam in messages", "duration_days": 7})
    assert answer.status_code == 200, answer.text
    body = answer.json
    assert body["id"] == artist.id and body["suspended"] is True and body["is_active"] is False
    assert body["suspension_reason"] == "Spam in messages"
    assert body["suspension_until"] == "2026-03-08T09:00:00Z"
    assert body["suspended_by"] == {"id": moderator.id, "username": moderator.username}
    assert body["suspended_at"] == "2026-03-01T09:00:00Z"

    refused = client.simulate_get("/api/auth/profile/", headers=artist.headers)
    assert refused.status_code == 403
    assert refused.json["reason"] == "Spam in messages"
    assert refused.json["suspension_until"] == "2026-03-08T09:00:00Z"
    assert refused.json["banned"] is False and refused.json["success"] is False
    login = client.simulate_post("/api/auth/login/", json={
        "username": artist.username, "password": STRONG_PASSWORD})
    assert login.status_code == 403
    assert login.json["reason"] == "Spam in messages"
    assert login.json["suspension_until"] == "2026-03-08T09:00:00Z"
    # What a restricted account may still do: read its actions (with either token).
    for token in (artist.token, login.json["token"]):
        own = client.simulate_get("/api/moderation/actions/",
                                  headers={"Authorization": f"Token {token}"})
        assert own.status_code == 200, own.text
        assert [row["action"] for row in own.json["results"]] == ["suspension"]
        assert own.json["results"][0]["until"] == "2026-03-08T09:00:00Z"
    assert notes_of(client, services, artist) and "Spam in messages" in notes_of(
        client, services, artist)[0]
    assert audited(services, "moderation.user_suspended") == 1

    clock.advance(days=7, seconds=-1)
    assert client.simulate_get("/api/auth/profile/", headers=artist.headers).status_code == 403
    clock.advance(seconds=1)
    # Nobody acted: the same token works again.
    assert client.simulate_get("/api/auth/profile/", headers=artist.headers).status_code == 200
    login = client.simulate_post("/api/auth/login/", json={
        "username": artist.username, "password": STRONG_PASSWORD})
    assert login.status_code == 200


def test_a_banned_user_never_works_again_until_unbanned(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock,
        services: Services, mods: tuple[ApiUser, ApiUser]) -> None:
    moderator, other = mods
    buyer = market.user("buyer")
    answer = post(client, f"/api/admin/users/{buyer.id}/ban/", moderator,
                  {"reason": "Fraudulent payments"})
    assert answer.status_code == 200, answer.text
    assert answer.json["banned"] is True and answer.json["ban_reason"] == "Fraudulent payments"
    assert answer.json["banned_by"]["id"] == moderator.id
    clock.advance(days=25)  # tokens live 30 days
    refused = client.simulate_get("/api/jobs/", headers=buyer.headers)
    assert refused.status_code == 403 and refused.json["banned"] is True
    assert refused.json["suspension_until"] is None
    assert refused.json["reason"] == "Fraudulent payments"
    again = post(client, f"/api/admin/users/{buyer.id}/ban/", other, {"reason": "Twice"})
    assert again.status_code == 409
    missing = post(client, f"/api/admin/users/{buyer.id}/unban/", other, {})
    assert missing.status_code == 400 and "reason" in missing.json["details"]
    lifted = post(client, f"/api/admin/users/{buyer.id}/unban/", other, {"reason": "Cleared"})
    assert lifted.status_code == 200, lifted.text
    assert lifted.json["banned"] is False and lifted.json["is_active"] is True
    assert client.simulate_get("/api/jobs/", headers=buyer.headers).status_code == 200
    assert audited(services, "moderation.user_unbanned") == 1
    assert post(client, f"/api/admin/users/{buyer.id}/unban/", other,
                {"reason": "Again"}).status_code == 409


def test_unsuspend_lifts_early_and_logout_still_works_while_suspended(
        client: falcon.testing.TestClient, market: Marketplace,
        mods: tuple[ApiUser, ApiUser]) -> None:
    moderator, _ = mods
    artist = market.user("artist")
    assert post(client, f"/api/admin/users/{artist.id}/unsuspend/", moderator,
                {"reason": "x"}).status_code == 409
    assert post(client, f"/api/admin/users/{artist.id}/suspend/", moderator,
                {"reason": "Cool off"}).json["suspension_until"] is None
    assert client.simulate_get("/api/bids/", headers=artist.headers).status_code == 403
    lifted = post(client, f"/api/admin/users/{artist.id}/unsuspend/", moderator,
                  {"reason": "Talked it through"})
    assert lifted.status_code == 200 and lifted.json["suspended"] is False
    assert client.simulate_get("/api/bids/", headers=artist.headers).status_code == 200
    post(client, f"/api/admin/users/{artist.id}/suspend/", moderator, {"reason": "Again"})
    assert client.simulate_post("/api/auth/logout/", headers=artist.headers).status_code in (
        200, 204)
    assert client.simulate_get("/api/bids/", headers=artist.headers).status_code == 401


def test_who_may_suspend_whom(client: falcon.testing.TestClient, market: Marketplace,
                              services: Services, mods: tuple[ApiUser, ApiUser]) -> None:
    moderator, other = mods
    staffer = staff(market, "staffer", StaffRole.STAFF)
    artist, buyer = market.user("artist"), market.user("buyer")
    body = {"reason": "Because", "duration_days": 3}
    assert post(client, f"/api/admin/users/{staffer.id}/suspend/", moderator,
                body).status_code == 403
    assert post(client, f"/api/admin/users/{other.id}/suspend/", moderator,
                body).status_code == 403
    assert post(client, f"/api/admin/users/{moderator.id}/suspend/", moderator,
                body).status_code == 403
    assert post(client, f"/api/admin/users/{moderator.id}/ban/", staffer,
                {"reason": "Staff outranks moderators"}).status_code == 200
    for path in ("suspend", "ban", "unsuspend", "unban"):
        assert post(client, f"/api/admin/users/{artist.id}/{path}/", buyer,
                    body).status_code == 403
        assert client.simulate_post(f"/api/admin/users/{artist.id}/{path}/",
                                    json=body).status_code == 401
    assert post(client, "/api/admin/users/999999/suspend/", staffer, body).status_code == 404
    for path in ("/api/admin/reports/", "/api/admin/appeals/"):
        assert client.simulate_get(path, headers=buyer.headers).status_code == 403
    assert count(services, moderation_actions) == 1


@pytest.mark.parametrize("body", [
    {}, {"reason": ""}, {"reason": "   "}, {"reason": "x", "duration_days": -1},
    {"reason": "x", "duration_days": 0}, {"reason": "x", "duration_days": "7"},
    {"reason": "x", "duration_days": 2.5}, {"reason": None}, {"reason": "x" * 1001}])
def test_bad_suspension_input_is_a_400_that_changes_nothing(
        client: falcon.testing.TestClient, market: Marketplace, services: Services,
        mods: tuple[ApiUser, ApiUser], body: dict[str, Any]) -> None:
    moderator, _ = mods
    artist = market.user("artist")
    answer = post(client, f"/api/admin/users/{artist.id}/suspend/", moderator, body)
    assert answer.status_code == 400, answer.text
    assert answer.json["details"]
    assert count(services, moderation_actions) == 0
    assert audited(services, "moderation.user_suspended") == 0
    assert client.simulate_get("/api/auth/profile/", headers=artist.headers).status_code == 200


def _artwork(market: Marketplace, artist: ApiUser) -> int:
    from tests.integration.artwork_images import jpeg
    from tests.integration.route_walk import multipart
    body, content_type = multipart({
        "title": "Harbour at dusk", "description": "Oil", "category_id": market.category(),
        "artwork_type": "digital", "price": "300.00"}, jpeg(777))
    answer = market.client.simulate_post("/api/artworks/", body=body, headers={
        **artist.headers, "Content-Type": content_type})
    assert answer.status_code == 201, answer.text
    return int(answer.json["artwork"]["id"])


def test_reports_are_filed_once_per_target_and_read_by_their_reporter(
        client: falcon.testing.TestClient, market: Marketplace, services: Services) -> None:
    artist, buyer, other = market.user("artist"), market.user("buyer"), market.user("buyer")
    artwork = _artwork(market, artist)
    body = {"content_type": "artwork", "object_id": artwork, "reason": "plagiarism",
            "description": "Copied from my portfolio"}
    filed = post(client, "/api/reports/", buyer, body)
    assert filed.status_code == 201, filed.text
    assert filed.json["reported_content"] == {"id": artwork, "type": "artwork",
                                              "title": "Harbour at dusk"}
    assert filed.json["status"] == "pending"
    before = count(services, reports)
    bad = [
        ({**body}, "object_id"),  # a second open report on the same target
        ({**body, "content_type": "house"}, "content_type"),
        ({**body, "content_type": "property"}, "content_type"),  # aliases are for filters
        ({**body, "reason": "rude"}, "reason"),
        ({**body, "object_id": 987654}, "object_id"),
        ({**body, "object_id": -1}, "object_id"),
        ({"content_type": "user", "object_id": buyer.id, "reason": "spam"}, "object_id"),
        ({"content_type": "user", "object_id": 987654, "reason": "spam"}, "object_id"),
        ({"content_type": "artwork", "object_id": artwork}, "reason"),
    ]
    for payload, field in bad:
        answer = post(client, "/api/reports/", buyer, payload)
        assert answer.status_code == 400, (payload, answer.text)
        assert field in answer.json["details"], (payload, answer.json)
    assert post(client, "/api/reports/", artist, {**body}).status_code == 400  # own artwork
    assert count(services, reports) == before
    assert post(client, "/api/reports/", other, body).status_code == 201
    own = client.simulate_get("/api/reports/", headers=buyer.headers)
    assert own.status_code == 200 and own.json["count"] == 1
    assert "email" not in str(own.json)
    assert client.simulate_post("/api/reports/", json=body).status_code == 401


def test_a_message_is_reported_only_by_its_parties(
        client: falcon.testing.TestClient, market: Marketplace, services: Services) -> None:
    artist, buyer, stranger = market.user("artist"), market.user("buyer"), market.user("buyer")
    sender = services.accounts.find_actor(buyer.username)
    message = services.messages.send(sender, receiver_id=artist.id,
                                     content="Pay me outside the site").id
    body = {"content_type": "message", "object_id": message, "reason": "off_platform_payment"}
    assert post(client, "/api/reports/", stranger, body).status_code == 400
    assert post(client, "/api/reports/", buyer, body).status_code == 400  # their own message
    reported = post(client, "/api/reports/", artist, body)
    assert reported.status_code == 201, reported.text


def test_resolving_with_banned_user_bans_audits_and_tells_and_can_close_all(
        client: falcon.testing.TestClient, market: Marketplace, services: Services,
        mods: tuple[ApiUser, ApiUser]) -> None:
    moderator, _ = mods
    artist, first, second = market.user("artist"), market.user("buyer"), market.user("buyer")
    admin = staff(market, "boss", StaffRole.ADMIN)
    target = {"content_type": "user", "object_id": artist.id, "reason": "scam"}
    ids = [post(client, "/api/reports/", who, target).json["id"] for who in (first, second)]
    queue = client.simulate_get("/api/admin/reports/", headers=moderator.headers,
                                params={"status": "pending", "content_type": "user"})
    assert queue.status_code == 200, queue.text
    assert queue.json["count"] == 2
    row = queue.json["results"][0]
    assert row["target_report_count"] == 2 and row["reported_user"]["id"] == artist.id
    assert row["reporter"]["email"] is None  # a moderator does not see contact data
    as_admin = client.simulate_get("/api/admin/reports/", headers=admin.headers)
    assert as_admin.json["results"][0]["reporter"]["email"].endswith("@example.com")
    grouped = client.simulate_get("/api/admin/reports/", headers=moderator.headers,
                                  params={"group_by_target": "true"})
    assert grouped.json["count"] == 1
    assert client.simulate_get("/api/admin/reports/", headers=moderator.headers,
                               params={"content_type": "house"}).status_code == 400
    assert client.simulate_get("/api/admin/reports/", headers=moderator.headers,
                               params={"content_type": "property"}).json["count"] == 0

    no_reason = client.simulate_patch(f"/api/admin/reports/{ids[0]}/update/",
                                      headers=moderator.headers,
                                      json={"status": "resolved", "action": "banned_user"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json["details"]
    assert client.simulate_get("/api/auth/profile/", headers=artist.headers).status_code == 200
    done = client.simulate_patch(f"/api/admin/reports/{ids[0]}/update/",
                                 headers=moderator.headers, json={
                                     "status": "resolved", "action": "banned_user",
                                     "reason": "Took payments and never delivered",
                                     "resolve_all": True})
    assert done.status_code == 200, done.text
    assert done.json["status"] == "resolved" and done.json["action"] == "banned_user"
    assert done.json["resolved_by"] == {"id": moderator.id, "username": moderator.username}
    assert done.json["target_report_count"] == 0
    refused = client.simulate_get("/api/auth/profile/", headers=artist.headers)
    assert refused.status_code == 403 and refused.json["banned"] is True
    assert refused.json["reason"] == "Took payments and never delivered"
    assert audited(services, "moderation.user_banned") == 1
    assert audited(services, "moderation.report_updated") == 2
    assert any("Took payments" in note for note in notes_of(client, services, artist))
    own = client.simulate_get("/api/moderation/actions/", headers=artist.headers)
    assert own.json["results"][0]["report_id"] == ids[0]
    closed = client.simulate_patch(f"/api/admin/reports/{ids[1]}/update/",
                                   headers=moderator.headers, json={"status": "pending"})
    assert closed.status_code == 409


def test_an_appeal_is_decided_by_another_moderator_and_approval_lifts_the_suspension(
        client: falcon.testing.TestClient, market: Marketplace, services: Services,
        clock: SteppingClock, mods: tuple[ApiUser, ApiUser]) -> None:
    moderator, other = mods
    artist = market.user("artist")
    action = post(client, f"/api/admin/users/{artist.id}/suspend/", moderator,
                  {"reason": "Rude replies", "duration_days": 30}).json["action_id"]
    path = f"/api/moderation/actions/{action}/appeal/"
    assert post(client, path, artist, {}).status_code == 400
    stranger = market.user("buyer")
    assert post(client, path, stranger, {"reason": "Not mine"}).status_code == 404
    appealed = post(client, path, artist, {"reason": "I was quoting the buyer"})
    assert appealed.status_code == 201, appealed.text
    assert appealed.json["appeal"]["status"] == "pending"
    assert post(client, path, artist, {"reason": "Again"}).status_code == 409
    queue = client.simulate_get("/api/admin/appeals/", headers=other.headers,
                                params={"status": "pending"})
    assert queue.status_code == 200 and [row["id"] for row in queue.json["results"]] == [action]
    decide = f"/api/admin/appeals/{action}/decide/"
    own = post(client, decide, moderator, {"decision": "approve", "reason": "Fair"})
    assert own.status_code == 403
    assert "other than" in own.json["error"]
    assert client.simulate_get("/api/auth/profile/", headers=artist.headers).status_code == 403
    assert post(client, decide, other, {"decision": "maybe", "reason": "x"}).status_code == 400
    approved = post(client, decide, other, {"decision": "approve", "reason": "Context shows "
                                            "it was a quote"})
    assert approved.status_code == 200, approved.text
    assert approved.json["appeal"]["status"] == "approved"
    assert approved.json["appeal"]["decided_by"]["id"] == other.id
    assert approved.json["reversed_at"] is not None
    assert client.simulate_get("/api/auth/profile/", headers=artist.headers).status_code == 200
    assert any("appeal" in note and "approved" in note
               for note in notes_of(client, services, artist))
    assert audited(services, "moderation.appeal_decided") == 1
    assert post(client, decide, other, {"decision": "reject", "reason": "x"}).status_code == 409


def test_an_appeal_after_twenty_days_is_refused(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock,
        mods: tuple[ApiUser, ApiUser]) -> None:
    moderator, _ = mods
    artist = market.user("artist")
    action = post(client, f"/api/admin/users/{artist.id}/ban/", moderator,
                  {"reason": "Scam"}).json["action_id"]
    clock.advance(days=20, seconds=1)
    late = post(client, f"/api/moderation/actions/{action}/appeal/", artist,
                {"reason": "Please"})
    assert late.status_code == 409 and "20 days" in late.json["error"]


class RecordingContent:
    """Wraps the content use case: records each step it is asked to take inside the
    caller's transaction, and takes it."""

    def __init__(self, real: Any) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self._real = real

    def remove_within(self, uow: Any, actor: Any, content_type: str, object_id: int,
                      reason: str | None, *, report_id: int | None = None,
                      ip: str | None = None) -> Any:
        self.calls.append(("remove", actor.id, content_type, object_id, reason, report_id))
        return self._real.remove_within(uow, actor, content_type, object_id, reason,
                                        report_id=report_id, ip=ip)

    def restore_within(self, uow: Any, actor: Any, content_type: str, object_id: int,
                       reason: str | None, *, report_id: int | None = None,
                       ip: str | None = None) -> Any:
        self.calls.append(("restore", actor.id, content_type, object_id, reason, report_id))
        return self._real.restore_within(uow, actor, content_type, object_id, reason,
                                         report_id=report_id, ip=ip)


def test_removed_content_goes_through_the_content_use_case_and_an_approved_appeal_restores(
        client: falcon.testing.TestClient, market: Marketplace, services: Services,
        mods: tuple[ApiUser, ApiUser]) -> None:
    moderator, other = mods
    artist, buyer = market.user("artist"), market.user("buyer")
    artwork = _artwork(market, artist)
    report = post(client, "/api/reports/", buyer, {
        "content_type": "artwork", "object_id": artwork, "reason": "offensive"}).json["id"]
    on_user = post(client, "/api/reports/", buyer, {
        "content_type": "user", "object_id": artist.id, "reason": "offensive"}).json["id"]
    body = {"status": "resolved", "action": "removed_content", "reason": "Hateful imagery"}
    content = RecordingContent(services.moderation_reports.content)
    services.moderation_reports.content = content
    services.sanctions.content = content
    wrong = client.simulate_patch(f"/api/admin/reports/{on_user}/update/",
                                  headers=moderator.headers, json=body)
    assert wrong.status_code == 400 and "action" in wrong.json["details"]
    done = client.simulate_patch(f"/api/admin/reports/{report}/update/",
                                 headers=moderator.headers, json=body)
    assert done.status_code == 200, done.text
    assert content.calls == [("remove", moderator.id, "artwork", artwork, "Hateful imagery",
                              report)]
    action = client.simulate_get("/api/moderation/actions/", headers=artist.headers
                                 ).json["results"][0]
    assert (action["action"], action["target_type"], action["target_id"]) == (
        "content_removal", "artwork", artwork)
    assert post(client, f"/api/moderation/actions/{action['id']}/appeal/", artist,
                {"reason": "It is a historical painting"}).status_code == 201
    approved = post(client, f"/api/admin/appeals/{action['id']}/decide/", other,
                    {"decision": "approve", "reason": "Historical context"})
    assert approved.status_code == 200, approved.text
    assert content.calls[-1] == ("restore", other.id, "artwork", artwork,
                                 "Historical context", report)


def test_removed_content_without_a_content_use_case_changes_nothing(
        client: falcon.testing.TestClient, market: Marketplace, services: Services,
        mods: tuple[ApiUser, ApiUser]) -> None:
    moderator, _ = mods
    artist, buyer = market.user("artist"), market.user("buyer")
    artwork = _artwork(market, artist)
    report = post(client, "/api/reports/", buyer, {
        "content_type": "artwork", "object_id": artwork, "reason": "offensive"}).json["id"]
    services.moderation_reports.content = None
    refused = client.simulate_patch(f"/api/admin/reports/{report}/update/",
                                    headers=moderator.headers, json={
                                        "status": "resolved", "action": "removed_content",
                                        "reason": "x"})
    assert refused.status_code == 409
    assert count(services, moderation_actions) == 0
    queue = client.simulate_get("/api/admin/reports/", headers=moderator.headers)
    assert queue.json["results"][0]["status"] == "pending"


def test_a_report_resolved_with_removed_content_hides_the_artwork_until_an_appeal_wins(
        client: falcon.testing.TestClient, market: Marketplace, services: Services,
        mods: tuple[ApiUser, ApiUser]) -> None:
    moderator, other = mods
    artist, buyer = market.user("artist"), market.user("buyer")
    artwork = _artwork(market, artist)
    assert client.simulate_get(f"/api/artworks/{artwork}/").status_code == 200
    report = post(client, "/api/reports/", buyer, {
        "content_type": "artwork", "object_id": artwork, "reason": "plagiarism"}).json["id"]
    done = client.simulate_patch(f"/api/admin/reports/{report}/update/",
                                 headers=moderator.headers, json={
                                     "status": "resolved", "action": "removed_content",
                                     "reason": "Traced from another artist"})
    assert done.status_code == 200, done.text
    assert client.simulate_get(f"/api/artworks/{artwork}/").status_code == 404
    assert client.simulate_get(f"/api/artworks/{artwork}/",
                               headers=artist.headers).status_code == 200
    assert audited(services, "moderation.content_removed") == 1
    action = client.simulate_get("/api/moderation/actions/", headers=artist.headers
                                 ).json["results"][0]
    assert action["action"] == "content_removal" and action["report_id"] == report
    post(client, f"/api/moderation/actions/{action['id']}/appeal/", artist,
         {"reason": "I have the sketches"})
    approved = post(client, f"/api/admin/appeals/{action['id']}/decide/", other,
                    {"decision": "approve", "reason": "Sketches prove authorship"})
    assert approved.status_code == 200, approved.text
    assert client.simulate_get(f"/api/artworks/{artwork}/").status_code == 200
    assert audited(services, "moderation.content_restored") == 1
