"""/api/auth/2fa/: setup with a QR code, enable, login with a code, backup codes, disable,
clock drift, session expiry, replay (also under concurrency) and lockout, through the real
HTTP app and database. Codes come from tests/integration/totp_reference.py."""

from __future__ import annotations

import base64
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import falcon.testing
import pytest
from PIL import Image

from cultureup.bootstrap import Services
from tests.integration.assertions import assert_error
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace, SteppingClock
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

NEW_SETUP = "Scan QR code with your authenticator app"
EXISTING_SETUP = "Existing setup session found. Use the same QR code."
MISSING_CODE = ("To disable 2FA, you need: 1) Your password AND 2) TOTP code from "
                "authenticator app OR backup code")
BASE32 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


@pytest.fixture
def secured(client: falcon.testing.TestClient, market: Marketplace,
            clock: SteppingClock) -> TwoFactorUser:
    return enable_2fa(client, clock, market.user("artist"))


def status_of(client: falcon.testing.TestClient, user: TwoFactorUser) -> dict:
    response = client.simulate_get("/api/auth/2fa/status/", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json


# -- setup ----------------------------------------------------------------------------------


def test_setup_gives_a_secret_and_a_png_qr_code_that_stay_the_same_for_30_minutes(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock) -> None:
    user = market.user("artist")
    first = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers)
    assert first.status_code == 200, first.text
    assert set(first.json) == {"secret_key", "qr_code", "message", "expires_in_minutes"}
    secret = first.json["secret_key"]
    assert len(secret) >= 16 and set(secret) <= BASE32
    assert first.json["message"] == NEW_SETUP
    assert first.json["expires_in_minutes"] == 30
    qr = first.json["qr_code"]
    assert qr.startswith("data:image/png;base64,")
    png = base64.b64decode(qr.removeprefix("data:image/png;base64,"), validate=True)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
        assert image.format == "PNG" and image.size[0] == image.size[1] >= 100

    clock.advance(minutes=10)
    again = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers)
    assert again.status_code == 200
    assert again.json["secret_key"] == secret
    assert again.json["message"] == EXISTING_SETUP
    assert again.json["expires_in_minutes"] <= first.json["expires_in_minutes"]
    assert again.json["expires_in_minutes"] == 20
    assert again.json["qr_code"] == qr

    clock.advance(minutes=20)  # 30 minutes after the first call: that setup has expired
    fresh = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers)
    assert fresh.status_code == 200
    assert fresh.json["secret_key"] != secret
    assert fresh.json["message"] == NEW_SETUP and fresh.json["expires_in_minutes"] == 30


def test_setup_needs_a_token(client: falcon.testing.TestClient) -> None:
    assert_error(client.simulate_get("/api/auth/2fa/setup/"), 401)
    assert_error(client.simulate_post("/api/auth/2fa/enable/", json={"totp_code": "1"}), 401)
    assert_error(client.simulate_get("/api/auth/2fa/status/"), 401)


def test_reset_setup_discards_the_pending_secret(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock) -> None:
    user = market.user("buyer")
    old = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers).json["secret_key"]
    reset = client.simulate_post("/api/auth/2fa/reset-setup/", headers=user.headers)
    assert reset.status_code == 200, reset.text
    # The old secret's code no longer enables anything: there is no setup in progress.
    assert_error(client.simulate_post("/api/auth/2fa/enable/", headers=user.headers,
                                      json={"totp_code": code_at(old, clock)}), 409)
    new = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers)
    assert new.json["secret_key"] != old and new.json["message"] == NEW_SETUP
    # ...nor after a new setup started.
    assert_error(client.simulate_post("/api/auth/2fa/enable/", headers=user.headers,
                                      json={"totp_code": code_at(old, clock)}), 400, "totp_code")
    enabled = client.simulate_post("/api/auth/2fa/enable/", headers=user.headers,
                                   json={"totp_code": code_at(new.json["secret_key"], clock)})
    assert enabled.status_code == 200, enabled.text


def test_enable_after_the_setup_expired_is_refused(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock) -> None:
    user = market.user("artist")
    secret = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers).json["secret_key"]
    clock.advance(minutes=31)
    body = assert_error(client.simulate_post("/api/auth/2fa/enable/", headers=user.headers,
                                             json={"totp_code": code_at(secret, clock)}), 409)
    assert "setup" in body["error"]
    status = client.simulate_get("/api/auth/2fa/status/", headers=user.headers).json
    assert status == {"two_factor_enabled": False, "backup_codes_count": 0}


def test_enable_with_a_wrong_code_is_refused(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock) -> None:
    user = market.user("artist")
    secret = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers).json["secret_key"]
    assert_error(client.simulate_post("/api/auth/2fa/enable/", headers=user.headers,
                                      json={"totp_code": wrong_code(secret, clock)}),
                 400, "totp_code")
    assert_error(client.simulate_post("/api/auth/2fa/enable/", headers=user.headers,
                                      json={}), 400, "totp_code")
    assert client.simulate_get("/api/auth/2fa/status/",
                               headers=user.headers).json["two_factor_enabled"] is False


# -- the whole journey ----------------------------------------------------------------------


def test_enable_login_verify_backup_code_and_disable_end_to_end(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock) -> None:
    user = market.user("artist")
    secret = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers).json["secret_key"]

    enabled = client.simulate_post("/api/auth/2fa/enable/", headers=user.headers,
                                   json={"totp_code": code_at(secret, clock)})
    assert enabled.status_code == 200, enabled.text
    assert enabled.json["message"] == "2FA enabled successfully"
    backup_codes = enabled.json["backup_codes"]
    assert len(backup_codes) == 10 and len(set(backup_codes)) == 10
    assert all(isinstance(code, str) and len(code) == 8 and code.isalnum()
               for code in backup_codes)
    assert client.simulate_get("/api/auth/2fa/status/", headers=user.headers).json == {
        "two_factor_enabled": True, "backup_codes_count": 10}
    # Already on: neither setup nor enable again.
    assert_error(client.simulate_get("/api/auth/2fa/setup/", headers=user.headers), 409)

    # Login now stops half-way: no token, a session token instead.
    halfway = login(client, user.username)
    assert halfway.status_code == 200, halfway.text
    assert set(halfway.json) == {"requires_2fa", "session_token", "message"}
    assert halfway.json["requires_2fa"] is True
    assert halfway.json["message"] == "Please provide 2FA code"
    assert "token" not in halfway.json and "user" not in halfway.json
    session_token = halfway.json["session_token"]
    assert isinstance(session_token, str) and len(session_token) >= 32
    # The session token is not an API token.
    assert_error(client.simulate_get("/api/auth/profile/",
                                     headers={"Authorization": f"Token {session_token}"}), 401)

    next_step(clock)
    verified = verify(client, session_token, totp_code=code_at(secret, clock))
    assert verified.status_code == 200, verified.text
    assert verified.json["message"] == "Login successful"
    assert verified.json["user"]["id"] == user.id
    assert verified.json["user"]["username"] == user.username
    assert verified.json["user"]["user_type"] == "artist"
    token = verified.json["token"]
    profile = client.simulate_get("/api/auth/profile/", headers={"Authorization": f"Token {token}"})
    assert profile.status_code == 200 and profile.json["username"] == user.username

    # A backup code works once...
    first = verify(client, start_login(client, _as(user, secret, backup_codes)),
                   backup_code=backup_codes[0])
    assert first.status_code == 200, first.text
    backup_token = first.json["token"]
    assert client.simulate_get("/api/auth/profile/",
                               headers={"Authorization": f"Token {backup_token}"}).status_code \
        == 200
    assert client.simulate_get("/api/auth/2fa/status/", headers=user.headers).json == {
        "two_factor_enabled": True, "backup_codes_count": 9}
    # ...and not twice, even on a new login session.
    again = verify(client, start_login(client, _as(user, secret, backup_codes)),
                   backup_code=backup_codes[0])
    assert assert_error(again, 400, "backup_code")["error"] == "Invalid backup code"
    assert client.simulate_get("/api/auth/2fa/status/",
                               headers=user.headers).json["backup_codes_count"] == 9
    # Backup codes are read forgivingly: lower case and a hyphen in the middle.
    relaxed = backup_codes[1][:4].lower() + "-" + backup_codes[1][4:].lower()
    assert verify(client, start_login(client, _as(user, secret, backup_codes)),
                  backup_code=relaxed).status_code == 200
    assert client.simulate_get("/api/auth/2fa/status/",
                               headers=user.headers).json["backup_codes_count"] == 8

    # Disabling needs the password AND a code; each missing or wrong piece is named.
    disable = "/api/auth/2fa/disable/"
    missing = assert_error(client.simulate_post(disable, headers=user.headers,
                                                json={"password": STRONG_PASSWORD}), 400)
    assert missing["details"] == {
        "totp_code": ["Please provide TOTP code from your authenticator app"],
        "backup_code": ["Or provide a backup code instead"]}
    assert missing["error"] == MISSING_CODE
    next_step(clock)
    wrong_password = assert_error(client.simulate_post(disable, headers=user.headers, json={
        "password": "Not-The-Password-9", "totp_code": code_at(secret, clock)}), 400)
    assert wrong_password["details"] == {"password": ["Invalid password"]}
    wrong_totp = assert_error(client.simulate_post(disable, headers=user.headers, json={
        "password": STRONG_PASSWORD, "totp_code": wrong_code(secret, clock)}), 400)
    assert wrong_totp["details"] == {
        "totp_code": ["Invalid TOTP code. Check your authenticator app."]}
    assert client.simulate_get("/api/auth/2fa/status/",
                               headers=user.headers).json["two_factor_enabled"] is True

    disabled = client.simulate_post(disable, headers=user.headers, json={
        "password": STRONG_PASSWORD, "totp_code": code_at(secret, clock)})
    assert disabled.status_code == 200, disabled.text
    assert disabled.json == {"message": "2FA disabled successfully"}
    assert client.simulate_get("/api/auth/2fa/status/", headers=user.headers).json == {
        "two_factor_enabled": False, "backup_codes_count": 0}
    direct = login(client, user.username)
    assert direct.status_code == 200
    assert direct.json["message"] == "Login successful" and direct.json["token"]
    assert "requires_2fa" not in direct.json
    # Off means off: disabling again is a state conflict.
    assert_error(client.simulate_post(disable, headers=user.headers, json={
        "password": STRONG_PASSWORD, "totp_code": code_at(secret, clock)}), 409)


def _as(user: ApiUser, secret: str, backup_codes: list[str]) -> TwoFactorUser:
    return TwoFactorUser(api=user, secret=secret, backup_codes=backup_codes)


def test_disable_with_a_backup_code(client: falcon.testing.TestClient,
                                    secured: TwoFactorUser) -> None:
    response = client.simulate_post("/api/auth/2fa/disable/", headers=secured.headers, json={
        "password": STRONG_PASSWORD, "backup_code": secured.backup_codes[3]})
    assert response.status_code == 200, response.text
    assert login(client, secured.username).json["token"]


def test_disable_without_password_names_both_missing_pieces(
        client: falcon.testing.TestClient, secured: TwoFactorUser) -> None:
    body = assert_error(client.simulate_post("/api/auth/2fa/disable/", headers=secured.headers),
                        400)
    assert set(body["details"]) == {"password", "totp_code", "backup_code"}


# -- drift, expiry, single use --------------------------------------------------------------


def test_codes_one_step_old_or_ahead_are_accepted_two_steps_are_not(
        client: falcon.testing.TestClient, secured: TwoFactorUser,
        clock: SteppingClock) -> None:
    secret = secured.secret
    clock.advance(minutes=5)
    # Two steps either way: refused (the session stays usable).
    session = start_login(client, secured)
    assert_error(verify(client, session, totp_code=code_at(secret, clock, -2)), 400, "totp_code")
    assert_error(verify(client, session, totp_code=code_at(secret, clock, +2)), 400, "totp_code")
    # One step (30 s) old: accepted.
    assert verify(client, session, totp_code=code_at(secret, clock, -1)).status_code == 200
    # One step ahead: accepted (on a new session; each works once).
    assert verify(client, start_login(client, secured),
                  totp_code=code_at(secret, clock, +1)).status_code == 200
    # Spaces, as authenticator apps show them, are ignored.
    clock.advance(minutes=1)
    spaced = code_at(secret, clock)
    assert verify(client, start_login(client, secured),
                  totp_code=f"{spaced[:3]} {spaced[3:]}").status_code == 200


def test_the_session_token_expires_after_10_minutes(
        client: falcon.testing.TestClient, secured: TwoFactorUser,
        clock: SteppingClock) -> None:
    in_time = start_login(client, secured)
    clock.advance(minutes=9, seconds=59)
    assert verify(client, in_time, totp_code=code_at(secured.secret, clock)).status_code == 200

    late = start_login(client, secured)
    clock.advance(minutes=10)
    body = assert_error(verify(client, late, totp_code=code_at(secured.secret, clock)), 400,
                        "session_token")
    assert "expired" in body["error"]
    # An expired session is not a failed code: the account is not charged for it.
    assert verify(client, start_login(client, secured),
                  totp_code=code_at(secured.secret, clock)).status_code == 200


def test_the_session_token_works_only_once(
        client: falcon.testing.TestClient, secured: TwoFactorUser,
        clock: SteppingClock) -> None:
    session = start_login(client, secured)
    assert verify(client, session, totp_code=code_at(secured.secret, clock)).status_code == 200
    next_step(clock)
    assert_error(verify(client, session, totp_code=code_at(secured.secret, clock)), 400,
                 "session_token")
    assert_error(verify(client, session, backup_code=secured.backup_codes[0]), 400,
                 "session_token")
    assert status_of(client, secured)["backup_codes_count"] == 10
    assert_error(verify(client, "not-a-session", totp_code="123456"), 400, "session_token")


def test_verify_needs_a_code(client: falcon.testing.TestClient,
                             secured: TwoFactorUser) -> None:
    assert_error(verify(client, start_login(client, secured)), 400, "totp_code")


def test_a_wrong_password_never_reaches_2fa(client: falcon.testing.TestClient,
                                            secured: TwoFactorUser) -> None:
    response = login(client, secured.username, "Wrong-Password-123")
    body = assert_error(response, 400, "non_field_errors")
    assert "session_token" not in body


# -- backup codes ---------------------------------------------------------------------------


def test_regenerating_backup_codes_with_the_password_retires_the_old_ones(
        client: falcon.testing.TestClient, secured: TwoFactorUser) -> None:
    response = client.simulate_post("/api/auth/2fa/backup-codes/", headers=secured.headers,
                                     json={"password": STRONG_PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json["message"] == "Backup codes regenerated successfully"
    new = response.json["backup_codes"]
    assert len(new) == 10 and len(set(new)) == 10 and not set(new) & set(secured.backup_codes)
    assert status_of(client, secured)["backup_codes_count"] == 10

    assert_error(verify(client, start_login(client, secured),
                        backup_code=secured.backup_codes[0]), 400, "backup_code")
    assert verify(client, start_login(client, secured),
                  backup_code=new[0]).status_code == 200
    assert status_of(client, secured)["backup_codes_count"] == 9


def test_regenerating_backup_codes_with_a_totp_code(
        client: falcon.testing.TestClient, secured: TwoFactorUser,
        clock: SteppingClock) -> None:
    response = client.simulate_post("/api/auth/2fa/backup-codes/", headers=secured.headers,
                                    json={"totp_code": code_at(secured.secret, clock)})
    assert response.status_code == 200, response.text
    new = response.json["backup_codes"]
    assert_error(verify(client, start_login(client, secured),
                        backup_code=secured.backup_codes[5]), 400, "backup_code")
    assert verify(client, start_login(client, secured), backup_code=new[5]).status_code == 200


def test_regenerating_backup_codes_needs_a_password_or_code(
        client: falcon.testing.TestClient, secured: TwoFactorUser, market: Marketplace,
        clock: SteppingClock) -> None:
    path = "/api/auth/2fa/backup-codes/"
    assert_error(client.simulate_post(path, headers=secured.headers), 400, "password")
    assert_error(client.simulate_post(path, headers=secured.headers, json={}), 400, "password")
    wrong = assert_error(client.simulate_post(path, headers=secured.headers,
                                              json={"password": "Wrong-Password-123"}), 400)
    assert wrong["details"] == {"password": ["Invalid password"]}
    assert_error(client.simulate_post(path, headers=secured.headers,
                                      json={"totp_code": wrong_code(secured.secret, clock)}),
                 400, "totp_code")
    # The old codes still work after refused attempts.
    assert verify(client, start_login(client, secured),
                  backup_code=secured.backup_codes[9]).status_code == 200
    # Without 2FA there is nothing to regenerate.
    plain = market.user("buyer")
    assert_error(client.simulate_post(path, headers=plain.headers,
                                      json={"password": STRONG_PASSWORD}), 409)
    assert_error(client.simulate_post(path, json={"password": STRONG_PASSWORD}), 401)


# -- replay ---------------------------------------------------------------------------------


def test_an_accepted_code_cannot_be_replayed_within_its_window(
        client: falcon.testing.TestClient, secured: TwoFactorUser,
        clock: SteppingClock) -> None:
    code = code_at(secured.secret, clock)
    assert verify(client, start_login(client, secured), totp_code=code).status_code == 200
    # Same code, new session, still within its validity (the same step and the next one).
    assert_error(verify(client, start_login(client, secured), totp_code=code), 400, "totp_code")
    clock.advance(seconds=30)
    assert_error(verify(client, start_login(client, secured), totp_code=code), 400, "totp_code")
    # An older step is no better than the same one.
    assert_error(verify(client, start_login(client, secured),
                        totp_code=code_at(secured.secret, clock, -2)), 400, "totp_code")
    # The next step's code is fresh.
    assert verify(client, start_login(client, secured),
                  totp_code=code_at(secured.secret, clock)).status_code == 200


def test_the_code_that_enabled_2fa_cannot_log_in(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock) -> None:
    user = market.user("artist")
    secret = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers).json["secret_key"]
    code = code_at(secret, clock)
    backup = client.simulate_post("/api/auth/2fa/enable/", headers=user.headers,
                                  json={"totp_code": code}).json["backup_codes"]
    secured = TwoFactorUser(api=user, secret=secret, backup_codes=backup)
    assert_error(verify(client, start_login(client, secured), totp_code=code), 400, "totp_code")


def test_concurrent_verifies_with_one_code_let_exactly_one_in(
        client: falcon.testing.TestClient, services: Services, secured: TwoFactorUser,
        clock: SteppingClock) -> None:
    sessions = [start_login(client, secured) for _ in range(10)]
    assert len(set(sessions)) == 10
    code = code_at(secured.secret, clock)
    barrier = threading.Barrier(len(sessions))

    def attempt(session: str) -> falcon.testing.Result:
        barrier.wait()
        return verify(client, session, totp_code=code)

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        results = list(pool.map(attempt, sessions))
    statuses = [result.status_code for result in results]
    assert statuses.count(200) == 1, statuses
    # The replays are refused as wrong codes; after five of those the account locks.
    assert set(statuses) <= {200, 400, 429}, statuses
    for result in results:
        if result.status_code != 200:
            assert_error(result, result.status_code)
    winner = next(r for r in results if r.status_code == 200)
    assert client.simulate_get("/api/auth/profile/", headers={
        "Authorization": f"Token {winner.json['token']}"}).status_code == 200
    print(f"\n[{services.engine.dialect.name}] 10 concurrent verifies with one code: "
          f"{statuses.count(200)} succeeded, {len(statuses) - statuses.count(200)} refused "
          f"({statuses.count(400)} x 400, {statuses.count(429)} x 429)")


# -- lockout --------------------------------------------------------------------------------


def test_five_wrong_codes_lock_the_account_for_15_minutes(
        client: falcon.testing.TestClient, secured: TwoFactorUser,
        clock: SteppingClock) -> None:
    # Failures are counted per account: each wrong code comes from a different session.
    for attempt in range(5):
        response = verify(client, start_login(client, secured),
                          totp_code=wrong_code(secured.secret, clock))
        body = assert_error(response, 400, "totp_code")
        assert body["error"] == "Invalid TOTP code", (attempt, body)
        clock.advance(seconds=10)

    # The sixth attempt, with the right code, is refused: the account is locked.
    session = start_login(client, secured)
    right = code_at(secured.secret, clock)
    locked = verify(client, session, totp_code=right)
    body = assert_error(locked, 429)
    assert "Too many" in body["error"]
    retry_after = int(locked.headers["Retry-After"])
    assert retry_after == 15 * 60 - 10  # locked at the fifth failure, 10 s ago
    # Backup codes do not get round it, nor does disabling or regenerating.
    assert_error(verify(client, session, backup_code=secured.backup_codes[0]), 429)
    assert_error(client.simulate_post("/api/auth/2fa/disable/", headers=secured.headers, json={
        "password": STRONG_PASSWORD, "totp_code": right}), 429)
    assert_error(client.simulate_post("/api/auth/2fa/backup-codes/", headers=secured.headers,
                                      json={"password": STRONG_PASSWORD}), 429)

    clock.advance(seconds=retry_after - 1)
    still = verify(client, start_login(client, secured),
                   totp_code=code_at(secured.secret, clock))
    assert_error(still, 429)
    assert int(still.headers["Retry-After"]) == 1

    clock.advance(seconds=1)  # the lock has ended (the session token from before has expired)
    opened = verify(client, start_login(client, secured),
                    totp_code=code_at(secured.secret, clock))
    assert opened.status_code == 200, opened.text
    assert status_of(client, secured)["backup_codes_count"] == 10


def test_further_failures_lengthen_the_lock(
        client: falcon.testing.TestClient, secured: TwoFactorUser,
        clock: SteppingClock) -> None:
    def fail_five_times() -> None:
        for _ in range(5):
            assert_error(verify(client, start_login(client, secured),
                                totp_code=wrong_code(secured.secret, clock)), 400, "totp_code")

    fail_five_times()
    first = verify(client, start_login(client, secured), totp_code=code_at(secured.secret, clock))
    assert_error(first, 429)
    assert int(first.headers["Retry-After"]) == 15 * 60

    clock.advance(minutes=15)
    fail_five_times()  # no success in between: the next lock is twice as long
    second = verify(client, start_login(client, secured), totp_code=code_at(secured.secret, clock))
    assert_error(second, 429)
    assert int(second.headers["Retry-After"]) == 30 * 60
    clock.advance(minutes=29, seconds=59)
    assert_error(verify(client, start_login(client, secured),
                        totp_code=code_at(secured.secret, clock)), 429)
    clock.advance(seconds=1)
    assert verify(client, start_login(client, secured),
                  totp_code=code_at(secured.secret, clock)).status_code == 200

    # A success starts the count afresh: four failures do not lock.
    next_step(clock)
    for _ in range(4):
        assert_error(verify(client, start_login(client, secured),
                            totp_code=wrong_code(secured.secret, clock)), 400)
    assert verify(client, start_login(client, secured),
                  totp_code=code_at(secured.secret, clock)).status_code == 200


def test_wrong_backup_codes_and_disable_attempts_count_towards_the_lock(
        client: falcon.testing.TestClient, secured: TwoFactorUser,
        clock: SteppingClock) -> None:
    for _ in range(3):
        assert_error(verify(client, start_login(client, secured), backup_code="ZZZZ1111"),
                     400, "backup_code")
    for _ in range(2):
        assert_error(client.simulate_post("/api/auth/2fa/disable/", headers=secured.headers,
                                          json={"password": STRONG_PASSWORD,
                                                "totp_code": wrong_code(secured.secret, clock)}),
                     400, "totp_code")
    assert_error(verify(client, start_login(client, secured),
                        totp_code=code_at(secured.secret, clock)), 429)


def test_one_locked_account_does_not_lock_another(
        client: falcon.testing.TestClient, market: Marketplace,
        clock: SteppingClock) -> None:
    alice = enable_2fa(client, clock, market.user("artist"))
    bob = enable_2fa(client, clock, market.user("artist"))
    for _ in range(5):
        verify(client, start_login(client, alice), totp_code=wrong_code(alice.secret, clock))
    assert_error(verify(client, start_login(client, alice),
                        totp_code=code_at(alice.secret, clock)), 429)
    assert verify(client, start_login(client, bob),
                  totp_code=code_at(bob.secret, clock)).status_code == 200
