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
    assert json.loads(verified[0]["details"]["before"]) == {"is_verified": "false"}
    assert json.loads(verified[0]["details"]["after"]) == {"is_verified": "true"}
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
