"""`cultureup moderation ...` against the real database, through the same use cases."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cultureup.application.accounts.users import Registration
from cultureup.application.views import AuditFilters, PageRequest
from cultureup.bootstrap import Services
from cultureup.domain.accounts.users import Actor, StaffRole
from cultureup.entrypoints.cli.app import app
from tests.integration.conftest import STRONG_PASSWORD

runner = CliRunner()


def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


def account(services: Services, name: str, role: StaffRole | None = None) -> Actor:
    data = Registration(username=name, email=f"{name}@example.com", password=STRONG_PASSWORD,
                        password_confirm=STRONG_PASSWORD,
                        user_type="admin" if role else "artist", first_name="Test",
                        last_name="User")
    if role is None:
        services.accounts.register(data)
        return services.accounts.find_actor(name)
    return services.accounts.create_staff_user(data, superuser=False,
                                               staff_role=role).as_actor()


def test_ban_unban_and_suspend_from_the_command_line(services: Services,
                                                     env: dict[str, str]) -> None:
    mod = account(services, "cli_mod", StaffRole.CONTENT_MODERATOR)
    staffer = account(services, "cli_staff", StaffRole.STAFF)
    artist = account(services, "cli_artist")
    code, out = cli(env, "moderation", "ban", "cli_artist", "--as", "cli_mod",
                    "--reason", "Sold stolen work", "--json")
    assert code == 0, out
    body = json.loads(out)
    assert body["banned"] is True and body["id"] == artist.id and body["by"] == mod.username
    code, out = cli(env, "moderation", "ban", str(artist.id), "--as", "cli_mod",
                    "--reason", "Again")
    assert code == 1 and "already banned" in out
    code, out = cli(env, "moderation", "suspend", "cli_staff", "--as", "cli_mod",
                    "--reason", "No")
    assert code == 1 and "may not act" in out
    code, out = cli(env, "moderation", "suspend", "cli_artist", "--as", "cli_artist",
                    "--reason", "No")
    assert code == 1 and "not a staff account" in out
    code, out = cli(env, "moderation", "unban", "cli_artist", "--as", "cli_staff",
                    "--reason", "Proved ownership", "--json")
    assert code == 0 and json.loads(out)["banned"] is False
    code, out = cli(env, "moderation", "suspend", "cli_artist", "--as", "cli_staff",
                    "--reason", "Cool off", "--days", "-2")
    assert code == 1 and "duration_days" in out
    code, out = cli(env, "moderation", "suspend", "cli_artist", "--as", "cli_staff",
                    "--days", "3")
    assert code != 0  # --reason is required
    code, out = cli(env, "moderation", "suspend", "cli_artist", "--as", "cli_staff",
                    "--reason", "Cool off", "--days", "3", "--json")
    assert code == 0 and json.loads(out)["suspended"] is True
    code, out = cli(env, "moderation", "actions", "cli_artist", "--as", "cli_staff", "--json")
    kinds = [json.loads(line)["action"] for line in out.splitlines()]
    assert kinds == ["suspension", "unban", "ban"]
    entries = services.audit.list_entries(None, AuditFilters(actor=staffer.username),
                                          PageRequest.of(1, 50))
    assert {e.action for e in entries.items} >= {"moderation.user_unbanned",
                                                 "moderation.user_suspended"}


def test_reports_and_appeals_from_the_command_line(services: Services,
                                                   env: dict[str, str]) -> None:
    account(services, "cli_mod", StaffRole.CONTENT_MODERATOR)
    account(services, "cli_mod2", StaffRole.CONTENT_MODERATOR)
    artist = account(services, "cli_artist")
    reporter = account(services, "cli_reporter")
    filed = services.moderation_reports.file(reporter, content_type="user",
                                             object_id=artist.id, reason="spam")
    code, out = cli(env, "moderation", "reports", "--as", "cli_mod", "--status", "pending",
                    "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [row["id"] for row in rows] == [filed.report.id]
    assert rows[0]["reported_user"] == "cli_artist"
    code, out = cli(env, "moderation", "reports", "--as", "cli_mod", "--content-type", "house")
    assert code == 1 and "content_type" in out
    code, out = cli(env, "moderation", "resolve", str(filed.report.id), "--as", "cli_mod",
                    "--action", "warned_user", "--reason", "Stop posting links", "--json")
    assert code == 0, out
    assert json.loads(out)["action"] == "warned_user" and json.loads(out)["status"] == \
        "resolved"
    warning = services.sanctions.my_actions(artist, PageRequest.of()).items[0].action
    assert warning.kind.value == "warning" and warning.report_id == filed.report.id
    services.sanctions.appeal(artist, warning.id, reason="Links were to my own site")
    code, out = cli(env, "moderation", "appeals", "--as", "cli_mod2", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [warning.id]
    code, out = cli(env, "moderation", "decide", str(warning.id), "--as", "cli_mod",
                    "--decision", "approve", "--reason", "Mine")
    assert code == 1 and "other than" in out
    code, out = cli(env, "moderation", "decide", str(warning.id), "--as", "cli_mod2",
                    "--decision", "reject", "--reason", "Links were spam", "--json")
    assert code == 0 and json.loads(out)["appeal_status"] == "rejected"
