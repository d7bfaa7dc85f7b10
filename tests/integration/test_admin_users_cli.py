"""`cultureup users ...`: the same use cases as /api/admin/users/, so the same action gives
the same result by either door (account, answer and audit entry)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from cultureup.application.views import AuditFilters, PageRequest
from cultureup.entrypoints.cli.app import app
from tests.integration.admin_support import bulk_users, staff_account
from tests.integration.assertions import assert_error
from tests.integration.conftest import Marketplace

runner = CliRunner()


def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout


def entry(market: Marketplace, action: str, target: int) -> Any:
    [found] = [e for e in market.services.audit.list_entries(
        None, AuditFilters(action=action), PageRequest(page=1, page_size=1000)).items
        if e.target_id == str(target)]
    return found


@pytest.mark.parametrize(("action", "command"), [
    ("verify", "verify"), ("deactivate", "deactivate"), ("make-staff", "make-staff")])
def test_the_cli_and_the_api_give_the_same_result(market: Marketplace, env: dict[str, str],
                                                  action: str, command: str) -> None:
    actor = staff_account(market, "root")
    by_http, by_cli = market.user("artist"), market.user("artist")
    answer = market.client.simulate_post(f"/api/admin/users/{by_http.id}/{action}/",
                                         headers=actor.headers, json={"reason": "same"})
    assert answer.status_code == 200, answer.text
    code, out = cli(env, "users", command, str(by_cli.id), "--as", "root", "--reason", "same",
                    "--json")
    assert code == 0, out
    shown = json.loads(out)
    for field, value in answer.json["user"].items():
        if field not in ("id", "username", "updated_at"):
            assert shown[field] == value, field
    audit_action = {"verify": "admin.user_verified", "deactivate": "admin.user_deactivated",
                    "make-staff": "admin.user_role_granted"}[action]
    http_entry, cli_entry = entry(market, audit_action, by_http.id), entry(
        market, audit_action, by_cli.id)
    assert http_entry.actor_username == cli_entry.actor_username == "root"
    assert {k: v for k, v in http_entry.details.items() if k != "username"} == {
        k: v for k, v in cli_entry.details.items() if k != "username"}
    rows = {}
    for user in (by_http, by_cli):
        code, out = cli(env, "users", "list", "--as", "root", "--search", user.username,
                        "--json")
        assert code == 0, out
        [rows[user.id]] = [json.loads(line) for line in out.splitlines()]
    keys = ("is_verified", "is_active", "is_staff", "staff_role")
    assert [rows[by_http.id][k] for k in keys] == [rows[by_cli.id][k] for k in keys]
    if action == "deactivate":
        for user in (by_http, by_cli):
            assert_error(market.client.simulate_get("/api/auth/profile/",
                                                     headers=user.headers), 401)


def test_the_cli_obeys_the_role_table(market: Marketplace, env: dict[str, str]) -> None:
    staff_account(market, "content_moderator")
    staff_account(market, "helpdesk")
    buyer = market.user("buyer")
    code, out = cli(env, "users", "verify", str(buyer.id), "--as", "content_moderator")
    assert code == 1
    code, out = cli(env, "users", "make-staff", str(buyer.id), "--as", "helpdesk")
    assert code == 1
    code, out = cli(env, "users", "list", "--as", buyer.username)
    assert code == 1
    code, out = cli(env, "users", "verify", str(buyer.id), "--as", "helpdesk")
    assert code == 0 and f"User {buyer.username} verified successfully" in out


def test_bulk_from_the_cli_in_batches_names_the_unknown_ids(market: Marketplace,
                                                            env: dict[str, str]) -> None:
    staff_account(market, "helpdesk")
    ids = bulk_users(market.services.engine, 520, now=market.clock.now())
    unknown = [max(ids) + 7, max(ids) + 8]
    code, out = cli(env, "users", "bulk", "verify", "--as", "helpdesk",
                    "--ids", ",".join(map(str, [*ids, *unknown])), "--json")
    assert code == 0, out
    result = json.loads(out.splitlines()[-1])
    assert result["affected_users"] == 520 and sorted(result["not_found_ids"]) == unknown
    code, out = cli(env, "users", "bulk", "promote", "--as", "helpdesk", "--ids", "1")
    assert code == 1


def test_the_list_for_people_is_a_table_of_whole_cells(market: Marketplace,
                                                       env: dict[str, str]) -> None:
    staff_account(market, "helpdesk")
    buyer = market.user("buyer")
    code, out = cli(env, "users", "list", "--as", "helpdesk", "--search", buyer.username)
    assert code == 0, out
    header, _rule, row = out.splitlines()
    assert header.split()[:4] == ["id", "username", "email", "type"]
    assert row.split()[:4] == [str(buyer.id), buyer.username, f"{buyer.username}@example.com",
                               "buyer"]


def test_the_cli_list_shows_the_rows_figures_as_the_api(market: Marketplace,
                                                        env: dict[str, str]) -> None:
    helpdesk = staff_account(market, "helpdesk")
    artist, buyer = market.user("artist"), market.user("buyer")
    job = market.job(buyer)
    for content_type, object_id in (("job", job["id"]), ("user", buyer.id)):
        filed = market.client.simulate_post("/api/reports/", headers=artist.headers, json={
            "content_type": content_type, "object_id": object_id, "reason": "spam"})
        assert filed.status_code == 201, filed.text
    for user in (artist, buyer):
        [row] = market.client.simulate_get("/api/admin/users/", headers=helpdesk.headers,
                                           params={"search": user.username}).json["results"]
        code, out = cli(env, "users", "list", "--as", "helpdesk", "--search", user.username,
                        "--json")
        assert code == 0, out
        [shown] = [json.loads(line) for line in out.splitlines()]
        assert {name: shown[name] for name in row["stats"]} == row["stats"]
        assert (shown["bio"], shown["banned"]) == (row["profile"]["bio"], row["banned"])
    assert shown["reports_received"] == 2 and shown["total_listings"] == 1
