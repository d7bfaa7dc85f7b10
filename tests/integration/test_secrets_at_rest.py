"""Secrets at rest: after registering, logging in, enabling 2FA and using codes, no password,
API token, 2FA session token, backup code or TOTP secret is stored in plain text in any
column of any table."""

from __future__ import annotations

import base64
import hashlib

import falcon.testing
from sqlalchemy import String, Text, inspect, select, text

from cultureup.adapters.sqlalchemy.tables import metadata, two_factor_accounts, users
from cultureup.bootstrap import Services
from tests.integration.conftest import STRONG_PASSWORD, Marketplace, SteppingClock
from tests.integration.two_factor_flow import (
    code_at,
    enable_2fa,
    login,
    next_step,
    start_login,
    verify,
)

NEW_PASSWORD = "Another-Strong-Canvas-77!"


def dump_database(services: Services) -> tuple[list[str], dict[str, list[str]]]:
    """Every value of every column of every table (text and varchar columns first among them),
    as text, and the names of the text columns found by inspection."""
    inspector = inspect(services.engine)
    tables = inspector.get_table_names()
    assert set(metadata.tables) <= set(tables)
    text_columns: dict[str, list[str]] = {}
    values: list[str] = []
    with services.engine.connect() as connection:
        for table in tables:
            columns = inspector.get_columns(table)
            text_columns[table] = [c["name"] for c in columns
                                   if isinstance(c["type"], String | Text)]
            quoted = ", ".join(services.engine.dialect.identifier_preparer.quote(c["name"])
                               for c in columns)
            for row in connection.execute(text(f"SELECT {quoted} FROM {table}")):
                values.extend("" if value is None else str(value) for value in row)
    return values, text_columns


def test_no_secret_is_stored_in_plain_text(
        client: falcon.testing.TestClient, market: Marketplace, services: Services,
        clock: SteppingClock) -> None:
    secrets: dict[str, set[str]] = {"password": {STRONG_PASSWORD, NEW_PASSWORD},
                                    "api token": set(), "session token": set(),
                                    "backup code": set(), "totp secret": set()}
    user = market.user("artist")
    secrets["api token"].add(user.token)

    # A setup abandoned by reset, then the real one.
    abandoned = client.simulate_get("/api/auth/2fa/setup/", headers=user.headers)
    secrets["totp secret"].add(abandoned.json["secret_key"])
    client.simulate_post("/api/auth/2fa/reset-setup/", headers=user.headers)
    secured = enable_2fa(client, clock, user)
    secrets["totp secret"].add(secured.secret)
    secrets["backup code"].update(secured.backup_codes)

    # Logins finished with a TOTP code and with a backup code.
    for codes in ({"totp_code": code_at(secured.secret, clock)},
                  {"backup_code": secured.backup_codes[0]}):
        session = start_login(client, secured)
        secrets["session token"].add(session)
        verified = verify(client, session, **codes)
        assert verified.status_code == 200, verified.text
        secrets["api token"].add(verified.json["token"])
    # A session that is never finished stays in the database too.
    secrets["session token"].add(start_login(client, secured))

    next_step(clock)
    regenerated = client.simulate_post("/api/auth/2fa/backup-codes/", headers=user.headers,
                                       json={"totp_code": code_at(secured.secret, clock)})
    assert regenerated.status_code == 200
    secrets["backup code"].update(regenerated.json["backup_codes"])
    changed = client.simulate_post("/api/auth/password/", headers=user.headers, json={
        "current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_confirm": NEW_PASSWORD})
    assert changed.status_code == 200, changed.text
    secrets["api token"].add(changed.json["token"])
    other = market.user("buyer")
    secrets["api token"].add(other.token)
    secrets["api token"].add(login(client, other.username).json["token"])

    values, text_columns = dump_database(services)
    assert len(values) > 100
    assert {"password_hash", "email", "username"} <= set(text_columns["users"])
    assert {"sealed_secret", "pending_sealed_secret"} <= set(text_columns["two_factor_accounts"])
    assert "digest" in text_columns["backup_codes"] and "digest" in text_columns["auth_tokens"]
    assert "details" in text_columns["audit_log"]

    # Each secret in the forms it could leak in: as is, in lower case, in upper case; for the
    # TOTP secret also its raw key bytes in hex and in base64; for tokens and codes also an
    # unkeyed SHA-256 (a keyed digest is what should be there).
    needles: dict[str, str] = {}
    for kind, items in secrets.items():
        assert items, kind
        for secret in items:
            forms = {secret, secret.lower(), secret.upper()}
            if kind == "totp secret":
                raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
                forms |= {raw.hex(), base64.b64encode(raw).decode(),
                          base64.urlsafe_b64encode(raw).decode()}
            if kind == "backup code":
                forms.add(hashlib.sha256(secret.encode()).hexdigest())
            for form in forms:
                needles[form] = kind
    blob = "\n".join(values)
    found = {(kind, needle) for needle, kind in needles.items() if needle in blob}
    assert not found, found

    # What is there instead: an Argon2id hash, sealed (encrypted) TOTP secrets, digests.
    with services.engine.connect() as connection:
        hashes = connection.execute(select(users.c.password_hash)).scalars().all()
        account = connection.execute(select(two_factor_accounts)).mappings().one()
    assert all(value.startswith("$argon2id$") for value in hashes)
    assert account["sealed_secret"].startswith("v1:")
    assert account["pending_sealed_secret"] is None
    # The dump does see what is stored (a control for the search above).
    assert user.username in blob and account["sealed_secret"] in blob
    assert all(value in blob for value in hashes)
    total = sum(len(items) for items in secrets.values())
    print(f"\nsecrets at rest: {len(values)} stored values checked against {total} secrets "
          f"({', '.join(f'{len(v)} {k}' for k, v in secrets.items())}) in {len(needles)} "
          "forms: none found")
