"""The audit log over HTTP: admins and the superuser read it, filtered by actor, action,
target and time; each admin action is there with its before and after."""

from __future__ import annotations

import json

from cultureup.domain.accounts.roles import PERMISSION_DENIED
from tests.integration.admin_support import staff_account
from tests.integration.assertions import assert_error
from tests.integration.conftest import Marketplace


def test_admins_read_the_audit_log_with_its_filters(market: Marketplace) -> None:
    admin = staff_account(market, "admin_manager")
    helpdesk = staff_account(market, "helpdesk")
    first, second = market.user("artist"), market.user("buyer")
    market.clock.advance(minutes=5)
    started = market.clock.now()
    for user in (first, second):
        response = market.client.simulate_post(f"/api/admin/users/{user.id}/verify/",
                                                headers=helpdesk.headers,
                                                json={"reason": "papers seen"})
        assert response.status_code == 200, response.text
    market.clock.advance(minutes=5)
    middle = market.clock.now()
    market.client.simulate_post(f"/api/admin/users/{first.id}/deactivate/",
                                headers=admin.headers)

    def read(query: str) -> list[dict]:
        response = market.client.simulate_get(f"/api/admin/audit-log/?{query}",
                                              headers=admin.headers)
        assert response.status_code == 200, response.text
        return response.json["results"]

    verified = read("action=admin.user_verified")
    assert [(e["actor_username"], e["target_id"]) for e in verified] == [
        ("helpdesk", str(second.id)), ("helpdesk", str(first.id))]
    # before and after are objects of real JSON values, not JSON text inside JSON.
    assert verified[0]["details"]["before"] == {"is_verified": False}
    assert verified[0]["details"]["after"] == {"is_verified": True}
    assert verified[0]["details"]["reason"] == "papers seen"
    about_first = read(f"target_type=user&target_id={first.id}&action=admin.")
    assert [e["action"] for e in about_first] == ["admin.user_deactivated",
                                                  "admin.user_verified"]
    assert {e["target_id"] for e in read(f"target_type=user&target_id={first.id}")} == {
        str(first.id)}
    assert len(read("actor=helpdesk&action=admin.user_verified")) == 2
    assert read("actor=admin_manager&action=admin.user_verified") == []
    window = read(f"action=admin.&since={started:%Y-%m-%dT%H:%M:%SZ}"
                  f"&until={middle:%Y-%m-%dT%H:%M:%SZ}")
    assert {e["action"] for e in window} == {"admin.user_verified"} and len(window) == 2
    assert_error(market.client.simulate_get(
        f"/api/admin/audit-log/?since={middle:%Y-%m-%dT%H:%M:%SZ}"
        f"&until={started:%Y-%m-%dT%H:%M:%SZ}", headers=admin.headers), 400, "until")
    assert_error(market.client.simulate_get("/api/admin/audit-log/?actor=nobody_at_all",
                                             headers=admin.headers), 404)
    # Staff read the admin lists but not the audit log.
    refused = assert_error(market.client.simulate_get("/api/admin/audit-log/",
                                                       headers=helpdesk.headers), 403)
    assert refused["error"] == PERMISSION_DENIED
    assert_error(market.client.simulate_get("/api/admin/audit-log/"), 401)


def test_before_and_after_are_objects_for_every_action_and_old_entries(
        market: Marketplace) -> None:
    """One encoding for every admin action, and entries written before it (JSON text whose
    account flags were "true"/"false" strings) read the same way, over HTTP and the CLI."""
    from typer.testing import CliRunner

    from cultureup.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork
    from cultureup.application.audit import record
    from cultureup.entrypoints.cli.app import app

    admin = staff_account(market, "root")
    user, category = market.user("artist"), market.category("Pottery")
    for path, body in ((f"/api/admin/users/{user.id}/verify/", {}),
                       (f"/api/admin/users/{user.id}/deactivate/", {}),
                       (f"/api/admin/categories/{category}/deactivate/", {})):
        response = market.client.simulate_post(path, headers=admin.headers, json=body)
        assert response.status_code == 200, response.text
    with SqlAlchemyUnitOfWork(market.services.engine) as uow:
        record(uow, now=market.clock.now(), action="admin.user_role_granted", actor_id=None,
               actor_username="root", target_type="user", target_id=user.id,
               before='{"is_staff": "false", "staff_role": ""}',
               after='{"is_staff": "true", "staff_role": "staff"}')
        uow.commit()
    results = market.client.simulate_get("/api/admin/audit-log/?action=admin.",
                                         headers=admin.headers).json["results"]
    shown = {e["action"]: (e["details"]["before"], e["details"]["after"]) for e in results
             if e["target_type"] in ("user", "category") and "before" in e["details"]}
    assert shown == {
        "admin.category_created": ({}, {"is_active": True, "name": "Pottery"}),
        "admin.user_verified": ({"is_verified": False}, {"is_verified": True}),
        "admin.user_deactivated": ({"is_active": True}, {"is_active": False}),
        "admin.category_deactivated": ({"is_active": True}, {"is_active": False}),
        "admin.user_role_granted": ({"is_staff": False, "staff_role": None},
                                    {"is_staff": True, "staff_role": "staff"}),
    }
    settings = market.services.settings
    env = {"CULTUREUP_DATABASE_URL": settings.database_url,
           "CULTUREUP_MEDIA_ROOT": settings.media_root,
           "CULTUREUP_SECRET_KEY": settings.secret_key, "CULTUREUP_RATE_LIMIT_ENABLED": "false"}
    out = CliRunner().invoke(app, ["audit", "list", "--action", "admin.", "--json"], env=env)
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert {e["action"]: (e["details"]["before"], e["details"]["after"]) for e in lines
            if e["target_type"] in ("user", "category") and "before" in e["details"]} == shown
    table = CliRunner().invoke(app, ["audit", "list", "--action", "admin."], env=env)
    assert 'before={"is_staff": false, "staff_role": null}' in table.stdout
