"""`cultureup moderation ...` against the real database: the same use cases and answers as the
admin API, acting as a named staff account."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cultureup.domain.accounts.users import StaffRole
from cultureup.entrypoints.cli.app import app
from tests.integration.conftest import Marketplace
from tests.integration.moderation_support import staff_user
from tests.integration.test_verification_applications import _apply

runner = CliRunner()


def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_remove_and_restore_match_the_http_answers(market: Marketplace,
                                                   env: dict[str, str]) -> None:
    buyer = market.user("buyer")
    moderator = staff_user(market, "mod_jamal")
    first, second = market.job(buyer), market.job(buyer)

    code, out = cli(env, "moderation", "remove", str(first["id"]), "--as", "mod_jamal",
                    "--type", "job", "--reason", "Spam", "--json")
    assert code == 0, out
    by_cli = json.loads(out)
    by_http = market.client.simulate_post(
        f"/api/admin/content/{second['id']}/remove/", headers=moderator.headers,
        json={"content_type": "job", "reason": "Spam"}).json
    same = ("content_type", "removed", "removal_reason", "reason")
    assert {k: by_cli[k] for k in same} == {k: by_http[k] for k in same}
    assert by_cli["removed_by"] == by_http["removed_by"]["username"] == "mod_jamal"
    assert market.client.simulate_get(f"/api/jobs/{first['id']}/").status_code == 404
    # Each removal, by the CLI or HTTP, is a moderation action the owner reads and may appeal.
    actions = market.client.simulate_get("/api/moderation/actions/",
                                         headers=buyer.headers).json["results"]
    assert sorted((each["action"], each["target_id"]) for each in actions) == sorted(
        [("content_removal", first["id"]), ("content_removal", second["id"])])

    code, out = cli(env, "moderation", "remove", str(first["id"]), "--as", "mod_jamal",
                    "--type", "job", "--reason", "Again")
    assert code != 0 and "already removed" in out
    code, out = cli(env, "moderation", "remove", str(first["id"]), "--as", "mod_jamal",
                    "--type", "listing", "--reason", "Spam")
    assert code != 0 and "artwork, job, equipment" in out
    code, out = cli(env, "moderation", "restore", str(first["id"]), "--as", "mod_jamal",
                    "--type", "service", "--reason", "Appeal upheld")
    assert code == 0 and "restored: Appeal upheld" in out
    assert market.client.simulate_get(f"/api/jobs/{first['id']}/").status_code == 200
    market.user("buyer", username="plain_kamal")
    code, out = cli(env, "moderation", "remove", str(first["id"]), "--as", "plain_kamal",
                    "--type", "job", "--reason", "Spam")
    assert code != 0


def test_applications_are_listed_and_decided_from_the_command_line(
        market: Marketplace, env: dict[str, str]) -> None:
    artist = market.user("artist")
    staff_user(market, "staff_lina", StaffRole.STAFF)
    staff_user(market, "mod_mehr")
    application = _apply(market, artist).json["id"]

    code, out = cli(env, "moderation", "applications", "--as", "staff_lina", "--status",
                    "pending", "--json")
    assert code == 0, out
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(row["id"], row["status"], len(row["documents"])) for row in rows] == [
        (application, "pending", 2)]
    code, out = cli(env, "moderation", "applications", "--as", "mod_mehr")
    assert code != 0  # content moderators do not verify users
    code, out = cli(env, "moderation", "verify", str(application), "--as", "staff_lina",
                    "--action", "reject")
    assert code != 0 and "reason" in out
    code, out = cli(env, "moderation", "verify", str(application), "--as", "staff_lina",
                    "--action", "approve", "--reason", "Portfolio checked", "--json")
    assert code == 0, out
    decided = json.loads(out)
    assert (decided["status"], decided["verified_by"], decided["reason"]) == (
        "approved", "staff_lina", "Portfolio checked")
    profile = market.client.simulate_get("/api/auth/profile/", headers=artist.headers).json
    assert profile["is_verified"] is True
