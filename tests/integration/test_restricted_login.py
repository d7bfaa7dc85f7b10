"""A suspended or banned account with two-factor authentication logs in to appeal: the
password step answers the 2FA challenge as for anyone, and only a right code (TOTP or backup)
gives the 403 with the reason and a token that serves the account's moderation actions, its
appeal and logout, nothing else. Through the HTTP app, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest

from cultureup.application.views import AuditFilters, PageRequest
from cultureup.bootstrap import Services
from tests.integration.conftest import ApiUser, Marketplace, SteppingClock
from tests.integration.test_moderation_api import staff
from tests.integration.two_factor_flow import (
    TwoFactorUser,
    code_at,
    enable_2fa,
    login,
    next_step,
    start_login,
    verify,
    wrong_code,
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def audit_details(services: Services, action: str) -> list[dict[str, Any]]:
    page = services.audit.list_entries(None, AuditFilters(action=action),
                                       PageRequest.of(1, 100))
    return [dict(entry.details) for entry in page.items]


@pytest.fixture
def moderator(market: Marketplace) -> ApiUser:
    return staff(market, "mod_restricted")


@pytest.fixture
def secured(client: falcon.testing.TestClient, market: Marketplace,
            clock: SteppingClock) -> TwoFactorUser:
    return enable_2fa(client, clock, market.user("buyer"))


def suspend(client: falcon.testing.TestClient, moderator: ApiUser, user: TwoFactorUser
            ) -> tuple[int, str]:
    """Suspend for seven days; the action's id and the end of the suspension."""
    answer = client.simulate_post(f"/api/admin/users/{user.api.id}/suspend/",
                                  headers=moderator.headers,
                                  json={"reason": "Abusive messages", "duration_days": 7})
    assert answer.status_code == 200, answer.text
    return int(answer.json["action_id"]), answer.json["suspension_until"]


def assert_no_token(answer: falcon.testing.Result) -> None:
    assert "token" not in (answer.json or {}), answer.json


def test_a_suspended_user_with_2fa_gets_the_restricted_token_only_after_the_code(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock,
        services: Services, moderator: ApiUser, secured: TwoFactorUser) -> None:
    category = market.category()
    action_id, until = suspend(client, moderator, secured)

    # The password alone: the 2FA challenge, as for any account with 2FA; no token at all.
    first = login(client, secured.username, secured.password)
    assert first.status_code == 200, first.text
    assert first.json["requires_2fa"] is True
    assert_no_token(first)
    assert "reason" not in first.json
    session = first.json["session_token"]
    assert client.simulate_get("/api/moderation/actions/",
                               headers=bearer(session)).status_code == 401

    # A wrong code (TOTP or backup) gives nothing, and the session stays usable.
    wrong = verify(client, session, totp_code=wrong_code(secured.secret, clock))
    assert wrong.status_code == 400, wrong.text
    assert_no_token(wrong)
    wrong_backup = verify(client, session, backup_code="ZZZZ-ZZZZ")
    assert wrong_backup.status_code == 400, wrong_backup.text
    assert_no_token(wrong_backup)
    assert audit_details(services, "login.restricted") == []

    answer = verify(client, session, totp_code=code_at(secured.secret, clock))
    assert answer.status_code == 403, answer.text
    assert answer.json["success"] is False
    assert answer.json["reason"] == "Abusive messages"
    assert answer.json["suspended"] is True and answer.json["banned"] is False
    assert answer.json["suspension_until"] == until
    restricted = bearer(answer.json["token"])
    assert [entry["method"] for entry in audit_details(services, "login.restricted")] == [
        "totp"]
    # The session is spent like any verified one.
    next_step(clock)
    assert verify(client, session, totp_code=code_at(secured.secret, clock)
                  ).status_code == 400

    actions = client.simulate_get("/api/moderation/actions/", headers=restricted)
    assert actions.status_code == 200, actions.text
    assert [row["id"] for row in actions.json["results"]] == [action_id]
    appealed = client.simulate_post(f"/api/moderation/actions/{action_id}/appeal/",
                                    headers=restricted, json={"reason": "It was a quote"})
    assert appealed.status_code == 201, appealed.text
    assert appealed.json["appeal"]["status"] == "pending"

    # Nothing else.
    profile = client.simulate_get("/api/auth/profile/", headers=restricted)
    assert profile.status_code == 403 and profile.json["reason"] == "Abusive messages"
    job = client.simulate_post("/api/jobs/", headers=restricted,
                               json=market.job_payload(category))
    assert job.status_code == 403, job.text
    assert client.simulate_get("/api/jobs/").json["count"] == 0
    assert client.simulate_get("/api/auth/2fa/status/", headers=restricted).status_code == 403
    assert client.simulate_post("/api/auth/2fa/disable/", headers=restricted, json={
        "password": secured.password, "totp_code": code_at(secured.secret, clock)}
        ).status_code == 403

    assert client.simulate_post("/api/auth/logout/", headers=restricted).status_code == 200
    assert client.simulate_get("/api/moderation/actions/",
                               headers=restricted).status_code == 401


def test_a_backup_code_gives_the_banned_user_the_same_restricted_answer_once(
        client: falcon.testing.TestClient, clock: SteppingClock, services: Services,
        moderator: ApiUser, secured: TwoFactorUser) -> None:
    banned = client.simulate_post(f"/api/admin/users/{secured.api.id}/ban/",
                                  headers=moderator.headers, json={"reason": "Fraud"})
    assert banned.status_code == 200, banned.text
    backup = secured.backup_codes[0]

    answer = verify(client, start_login(client, secured), backup_code=backup)
    assert answer.status_code == 403, answer.text
    assert answer.json["banned"] is True and answer.json["suspension_until"] is None
    assert answer.json["reason"] == "Fraud"
    actions = client.simulate_get("/api/moderation/actions/",
                                  headers=bearer(answer.json["token"]))
    assert actions.status_code == 200
    assert [row["action"] for row in actions.json["results"]] == ["ban"]
    assert [entry["method"] for entry in audit_details(services, "login.restricted")] == [
        "backup_code"]

    # The backup code was spent by the restricted login.
    again = verify(client, start_login(client, secured), backup_code=backup)
    assert again.status_code == 400
    assert_no_token(again)


def test_when_the_suspension_ends_the_2fa_login_gives_a_full_token(
        client: falcon.testing.TestClient, clock: SteppingClock, services: Services,
        moderator: ApiUser, secured: TwoFactorUser) -> None:
    suspend(client, moderator, secured)
    clock.advance(days=7)
    answer = verify(client, start_login(client, secured),
                    totp_code=code_at(secured.secret, clock))
    assert answer.status_code == 200, answer.text
    assert client.simulate_get("/api/auth/profile/",
                               headers=bearer(answer.json["token"])).status_code == 200
    assert audit_details(services, "login.restricted") == []
    assert [entry["method"] for entry in audit_details(services, "2fa.verified")] == [
        "totp"]


def test_without_2fa_the_password_login_still_gives_the_restricted_token(
        client: falcon.testing.TestClient, market: Marketplace, services: Services,
        moderator: ApiUser) -> None:
    artist = market.user("artist")
    answer = client.simulate_post(f"/api/admin/users/{artist.id}/suspend/",
                                  headers=moderator.headers, json={"reason": "Spam"})
    assert answer.status_code == 200, answer.text
    refused = login(client, artist.username)
    assert refused.status_code == 403 and refused.json["reason"] == "Spam"
    assert client.simulate_get("/api/moderation/actions/", headers=bearer(
        refused.json["token"])).status_code == 200
    assert client.simulate_get("/api/auth/profile/", headers=bearer(
        refused.json["token"])).status_code == 403
    assert len(audit_details(services, "login.restricted")) == 1
