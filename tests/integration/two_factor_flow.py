"""Helpers shared by the 2FA, audit and secrets-at-rest tests: drive the 2FA endpoints the way a
client with an authenticator app would, computing codes with the independent RFC 6238
implementation in totp_reference (never pyotp, never the app's helper)."""

from __future__ import annotations

from typing import Any

import attrs
import falcon.testing

from tests.integration.conftest import STRONG_PASSWORD, ApiUser, SteppingClock
from tests.integration.totp_reference import totp


def code_at(secret: str, clock: SteppingClock, offset_steps: int = 0) -> str:
    return totp(secret, clock.now(), offset_steps=offset_steps)


def wrong_code(secret: str, clock: SteppingClock) -> str:
    """A well-formed code that matches none of the steps the server accepts right now."""
    accepted = {code_at(secret, clock, offset) for offset in (-1, 0, 1)}
    base = int(code_at(secret, clock))
    return next(candidate for k in range(1, 10) if
                (candidate := f"{(base + 7919 * k) % 10**6:06d}") not in accepted)


def next_step(clock: SteppingClock) -> None:
    """Move on one TOTP step, so a code not used before is current."""
    clock.advance(seconds=30)


@attrs.define
class TwoFactorUser:
    """An API user with 2FA enabled: its secret and its backup codes."""

    api: ApiUser
    secret: str
    backup_codes: list[str]
    password: str = STRONG_PASSWORD

    @property
    def username(self) -> str:
        return self.api.username

    @property
    def headers(self) -> dict[str, str]:
        return self.api.headers


def enable_2fa(client: falcon.testing.TestClient, clock: SteppingClock, user: ApiUser,
               **request: Any) -> TwoFactorUser:
    setup = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers, **request)
    assert setup.status_code == 200, setup.text
    secret = setup.json["secret_key"]
    enabled = client.simulate_post("/api/auth/2fa/enable/", headers=user.headers,
                                   json={"totp_code": code_at(secret, clock)}, **request)
    assert enabled.status_code == 200, enabled.text
    # The enabling code's step is spent; later codes must come from later steps.
    next_step(clock)
    return TwoFactorUser(api=user, secret=secret, backup_codes=enabled.json["backup_codes"])


def login(client: falcon.testing.TestClient, username: str, password: str = STRONG_PASSWORD,
          **request: Any) -> falcon.testing.Result:
    return client.simulate_post("/api/auth/login/",
                                json={"username": username, "password": password}, **request)


def start_login(client: falcon.testing.TestClient, user: TwoFactorUser,
                **request: Any) -> str:
    """Log in with the password; return the 2FA session token."""
    response = login(client, user.username, user.password, **request)
    assert response.status_code == 200, response.text
    assert response.json["requires_2fa"] is True, response.json
    return response.json["session_token"]


def verify(client: falcon.testing.TestClient, session_token: str, *,
           totp_code: str | None = None, backup_code: str | None = None,
           **request: Any) -> falcon.testing.Result:
    body: dict[str, str] = {"session_token": session_token}
    if totp_code is not None:
        body["totp_code"] = totp_code
    if backup_code is not None:
        body["backup_code"] = backup_code
    return client.simulate_post("/api/auth/2fa/verify/", json=body, **request)
