"""The audit log: every login, 2FA and security change and admin action leaves an entry with
actor, target and client address, and no entry holds a password, code or token; the CLI's
`cultureup audit list` filters by actor, action family and time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import falcon.testing
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cultureup.application.views import AuditFilters, PageRequest
from cultureup.bootstrap import Services
from cultureup.domain.audit import AuditEntry
from cultureup.entrypoints.cli.app import app
from tests.integration.assertions import assert_error
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, SteppingClock
from tests.integration.two_factor_flow import (
    code_at,
    enable_2fa,
    login,
    next_step,
    verify,
    wrong_code,
)

runner = CliRunner()
REMOTE = "198.51.100.7"
ADMIN_PASSWORD = "Boss-Keeps-The-Keys-71"
NEW_PASSWORD = "Another-Strong-Canvas-77!"
WRONG_PASSWORD = "Wrong-Password-123"


@pytest.fixture
def cli_env(services: Services) -> dict[str, str]:
    return {"CULTUREUP_DATABASE_URL": services.settings.database_url,
            "CULTUREUP_SECRET_KEY": services.settings.secret_key,
            "CULTUREUP_PASSWORD_HASH_TIME_COST": "1",
            "CULTUREUP_PASSWORD_HASH_MEMORY_KIB": "1024"}


class Secrets:
    """Everything secret a test typed or received, to look for afterwards."""

    def __init__(self) -> None:
        self.values: set[str] = set()

    def add(self, *values: Any) -> None:
        for value in values:
            if isinstance(value, list | tuple | set):
                self.add(*value)
            elif value:
                self.values.add(str(value))


@pytest.fixture
def secrets() -> Iterator[Secrets]:
    yield Secrets()


def all_entries(services: Services) -> list[AuditEntry]:
    return list(services.audit.list_entries(None, AuditFilters(),
                                            PageRequest.of(1, 200, max_page_size=200)).items)


def raw_audit_rows(services: Services) -> list[dict[str, Any]]:
    with services.engine.connect() as connection:
        return [dict(row) for row in connection.execute(
            text("SELECT * FROM audit_log")).mappings()]


def post(client: falcon.testing.TestClient, path: str, token: str | None = None,
         **json_body: Any) -> falcon.testing.Result:
    headers = {"Authorization": f"Token {token}"} if token else {}
    return client.simulate_post(path, json=json_body, headers=headers, remote_addr=REMOTE)


def test_each_security_action_is_logged_with_actor_target_and_address_and_no_secret(
        client: falcon.testing.TestClient, services: Services, clock: SteppingClock,
        cli_env: dict[str, str], secrets: Secrets) -> None:
    secrets.add(STRONG_PASSWORD, ADMIN_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD)

    # The first superuser, from the command line.
    created = runner.invoke(app, ["setup-admin", "--create-superuser", "--admin-username",
                                  "boss", "--admin-email", "boss@example.com",
                                  "--admin-password", ADMIN_PASSWORD, "--json"], env=cli_env)
    assert created.exit_code == 0, created.output
    assert "superuser boss" in json.loads(created.stdout)["created"]
    assert ADMIN_PASSWORD not in created.output

    # The admin logs in and creates a category (there is no HTTP route for that: the service).
    admin_login = login(client, "boss", ADMIN_PASSWORD, remote_addr=REMOTE)
    assert admin_login.status_code == 200, admin_login.text
    admin_token = admin_login.json["token"]
    secrets.add(admin_token)
    boss = services.accounts.authenticate(admin_token)
    category = services.categories.create_category(actor=boss, name="Street Murals",
                                                   description="Walls", ip=REMOTE)

    # An artist registers, mistypes the password, logs in.
    registered = post(client, "/api/auth/register/", username="mural_maker",
                      email="mural@example.com", password=STRONG_PASSWORD,
                      password_confirm=STRONG_PASSWORD, user_type="artist",
                      first_name="Mira", last_name="Maker")
    assert registered.status_code == 201, registered.text
    user_id = registered.json["id"]
    assert_error(login(client, "mural_maker", WRONG_PASSWORD, remote_addr=REMOTE), 400)
    first_login = login(client, "mural_maker", remote_addr=REMOTE)
    assert first_login.status_code == 200
    token = first_login.json["token"]
    secrets.add(token)

    # 2FA on; then a login with a wrong code, a right one, and a lock.
    api = ApiUser(id=user_id, username="mural_maker", token=token, user_type="artist")
    secured = enable_2fa(client, clock, api, remote_addr=REMOTE)
    secrets.add(secured.secret, secured.secret.lower(), secured.backup_codes)

    def session() -> str:
        response = login(client, "mural_maker", remote_addr=REMOTE)
        assert response.json["requires_2fa"] is True
        secrets.add(response.json["session_token"])
        return response.json["session_token"]

    def attempt(session_token: str, **codes: str) -> falcon.testing.Result:
        secrets.add(*codes.values())
        response = verify(client, session_token, remote_addr=REMOTE, **codes)
        if response.status_code == 200:
            secrets.add(response.json["token"])
        return response

    assert_error(attempt(session(), totp_code=wrong_code(secured.secret, clock)), 400)
    assert attempt(session(), totp_code=code_at(secured.secret, clock)).status_code == 200
    for _ in range(5):
        assert_error(attempt(session(), totp_code=wrong_code(secured.secret, clock)), 400)
    assert_error(attempt(session(), totp_code=code_at(secured.secret, clock, 1)), 429)
    clock.advance(minutes=15)
    assert attempt(session(), backup_code=secured.backup_codes[0]).status_code == 200

    # Backup codes regenerated, 2FA off, password changed, logged out.
    regenerated = post(client, "/api/auth/2fa/backup-codes/", token, password=STRONG_PASSWORD)
    assert regenerated.status_code == 200, regenerated.text
    secrets.add(regenerated.json["backup_codes"])
    next_step(clock)
    disable_code = code_at(secured.secret, clock)
    secrets.add(disable_code)
    disabled = post(client, "/api/auth/2fa/disable/", token, password=STRONG_PASSWORD,
                    totp_code=disable_code)
    assert disabled.status_code == 200, disabled.text

    changed = post(client, "/api/auth/password/", token, current_password=STRONG_PASSWORD,
                   new_password=NEW_PASSWORD, new_password_confirm=NEW_PASSWORD)
    assert changed.status_code == 200, changed.text
    new_token = changed.json["token"]
    secrets.add(new_token)
    assert new_token != token
    # Every older token is revoked; the new one works; the old password no longer does.
    assert_error(client.simulate_get("/api/auth/profile/",
                                     headers={"Authorization": f"Token {token}"}), 401)
    assert client.simulate_get("/api/auth/profile/", headers={
        "Authorization": f"Token {new_token}"}).status_code == 200
    assert_error(login(client, "mural_maker", STRONG_PASSWORD, remote_addr=REMOTE), 400)
    assert post(client, "/api/auth/logout/", new_token).status_code == 200
    assert_error(client.simulate_get("/api/auth/profile/", headers={
        "Authorization": f"Token {new_token}"}), 401)

    # Someone hammers an unknown name until throttled.
    for _ in range(5):
        assert_error(login(client, "ghost", WRONG_PASSWORD, remote_addr=REMOTE), 400)
    assert_error(login(client, "ghost", WRONG_PASSWORD, remote_addr=REMOTE), 429)

    entries = all_entries(services)
    boss_id = boss.id

    def find(action: str, **expected: Any) -> list[AuditEntry]:
        matches = [entry for entry in entries if entry.action == action and all(
            getattr(entry, key) == value for key, value in expected.items())]
        assert matches, (action, expected, [(e.action, e.actor_username) for e in entries])
        return matches

    user_target = {"target_type": "user", "target_id": str(user_id)}
    mira = {"actor_id": user_id, "actor_username": "mural_maker", "ip_address": REMOTE}
    find("admin.superuser_created", actor_id=boss_id, actor_username="boss",
         target_type="user", target_id=str(boss_id), ip_address=None)
    find("login.succeeded", actor_id=boss_id, actor_username="boss", target_type="user",
         target_id=str(boss_id), ip_address=REMOTE)
    (category_entry,) = find("admin.category_created", actor_id=boss_id,
                             actor_username="boss", target_type="category",
                             target_id=str(category.id), ip_address=REMOTE)
    assert category_entry.details["name"] == "Street Murals"
    find("user.registered", **mira, **user_target)
    # A wrong password for a known user names the user; the target is the login itself.
    find("login.failed", **mira, target_type="login")
    find("login.succeeded", **mira, **user_target)
    find("2fa.enabled", **mira, **user_target)
    assert len(find("login.2fa_required", **mira, **user_target)) == 9
    failures = find("2fa.failed", **mira, **user_target)
    assert sorted(int(e.details["failed_attempts"]) for e in failures) == [1, 1, 2, 3, 4, 5]
    assert {e.details["field"] for e in failures} == {"totp_code"}
    (lock,) = find("2fa.locked", **mira, **user_target)
    assert lock.details["locked_until"].startswith("2026-03-01 09:")
    verified = find("2fa.verified", **mira, **user_target)
    assert sorted(e.details["method"] for e in verified) == ["backup_code", "totp"]
    find("2fa.backup_codes_regenerated", **mira, **user_target)
    find("2fa.disabled", **mira, **user_target)
    find("password.changed", **mira, **user_target)
    find("logout", **mira, **user_target)
    # The throttled attempts of an unknown name: typed name, no user id.
    assert len(find("login.failed", actor_id=None, actor_username="ghost",
                    target_type="login", ip_address=REMOTE)) == 5
    find("login.throttled", actor_id=None, actor_username="ghost", target_type="login",
         ip_address=REMOTE)
    # Every HTTP-made entry carries the client address; only the CLI's has none.
    assert {e.ip_address for e in entries} == {REMOTE, None}
    assert [e.action for e in entries if e.ip_address is None] == ["admin.superuser_created"]

    # No column of any entry (details JSON included, as stored) holds a secret.
    rows = raw_audit_rows(services)
    assert len(rows) == len(entries) >= 30
    for row in rows:
        stored = " | ".join("" if value is None else str(value) for value in row.values())
        leaked = {secret for secret in secrets.values if secret in stored}
        assert not leaked, (row, leaked)
    # Nor does the CLI print one.
    listed = runner.invoke(app, ["audit", "list", "--limit", "200", "--json"], env=cli_env)
    assert listed.exit_code == 0, listed.output
    assert not {secret for secret in secrets.values if secret in listed.output}
    print(f"\naudit: {len(rows)} entries, {len(secrets.values)} secrets checked, none found; "
          f"actions: {sorted({e.action for e in entries})}")


def test_audit_list_filters_by_actor_action_family_and_time(
        client: falcon.testing.TestClient, services: Services, clock: SteppingClock,
        cli_env: dict[str, str]) -> None:
    for username in ("ines", "omar"):
        response = client.simulate_post("/api/auth/register/", json={
            "username": username, "email": f"{username}@example.com",
            "password": STRONG_PASSWORD, "password_confirm": STRONG_PASSWORD,
            "user_type": "buyer", "first_name": username.title(), "last_name": "Tester"})
        assert response.status_code == 201
    start = clock.now()
    # Early: a login and a failure for each.
    for username in ("ines", "omar"):
        assert login(client, username).status_code == 200
        assert login(client, username, WRONG_PASSWORD).status_code == 400
    clock.advance(hours=2)
    later = clock.now()
    # Later: ines fails, logs in, and logs out (not a login.* action); omar logs in.
    assert login(client, "ines", WRONG_PASSWORD).status_code == 400
    token = login(client, "ines").json["token"]
    assert client.simulate_post("/api/auth/logout/", headers={
        "Authorization": f"Token {token}"}).status_code == 200
    assert login(client, "omar").status_code == 200

    since = (start + timedelta(hours=1)).isoformat()
    result = runner.invoke(app, ["audit", "list", "--actor", "ines", "--action", "login.",
                                 "--since", since, "--json"], env=cli_env)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    # Newest first: the success, then the failure. No logout, nothing of omar, nothing early.
    assert [line["action"] for line in lines] == ["login.succeeded", "login.failed"]
    assert {line["actor"] for line in lines} == {"ines"}
    assert all(line["at"] >= later.strftime("%Y-%m-%dT%H:%M:%SZ") for line in lines)
    assert set(lines[0]) == {"id", "at", "actor", "actor_id", "action", "target_type",
                             "target_id", "ip", "details"}
    assert lines[0]["ip"] == "127.0.0.1"

    # Without --since: both logins and both failures of ines; with an exact action: only those.
    everything = runner.invoke(app, ["audit", "list", "--actor", "ines", "--action", "login.",
                                     "--json"], env=cli_env)
    actions = [json.loads(line)["action"] for line in everything.stdout.splitlines()]
    assert sorted(actions) == ["login.failed", "login.failed", "login.succeeded",
                               "login.succeeded"]
    failed = runner.invoke(app, ["audit", "list", "--action", "login.failed", "--json"],
                           env=cli_env)
    failed_lines = [json.loads(line) for line in failed.stdout.splitlines()]
    assert sorted(line["actor"] for line in failed_lines) == ["ines", "ines", "omar"]
    # --actor also takes a user id; an offset in --since is honoured.
    ines_id = next(line["actor_id"] for line in lines)
    by_id = runner.invoke(app, ["audit", "list", "--actor", str(ines_id), "--since",
                                (later + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S+05:00"),
                                "--json"], env=cli_env)
    assert sorted(json.loads(line)["action"] for line in by_id.stdout.splitlines()) == [
        "login.failed", "login.succeeded", "logout"]

    # The plain listing: a table (header, rule, one line an entry), and a count on stderr.
    plain = runner.invoke(app, ["audit", "list", "--actor", "omar", "--action", "login.",
                                "--since", since], env=cli_env)
    assert plain.exit_code == 0, plain.output
    header, _rule, *rows = [line for line in plain.stdout.splitlines() if line.strip()]
    assert header.split() == ["at", "actor", "action", "target", "ip", "details"]
    assert len(rows) == 1 and rows[0].split()[1:3] == ["omar", "login.succeeded"]
    assert "1 of 1 entries" in plain.stderr

    bad = runner.invoke(app, ["audit", "list", "--since", "yesterday-ish"], env=cli_env)
    assert bad.exit_code == 2
    assert "ISO 8601" in bad.output
