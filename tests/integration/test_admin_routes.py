"""Every /api/admin/ route, taken from the app's route table (so routes added later are
walked too): 401 without a token, 403 for artists and buyers, 403 for each staff role the
route's declared permission (`@endpoint(permission=...)`, the role table) leaves out, and
reached (neither 401 nor that 403) by every role holding it; the superuser and admins reach
every one of them."""

from __future__ import annotations

from typing import Any

import pytest

from cultureup.domain.accounts.roles import PERMISSION_DENIED, PERMISSIONS, Permission, Role
from cultureup.entrypoints.http.openapi import operations_of
from tests.integration.admin_support import staff_account
from tests.integration.assertions import assert_error
from tests.integration.conftest import ApiUser, Marketplace
from tests.integration.route_walk import fill, populate, routes

# The role of each sample staff account (tests/integration/admin_support.py).
ACCOUNTS = {"content_moderator": Role.CONTENT_MODERATOR, "helpdesk": Role.STAFF,
            "admin_manager": Role.ADMIN, "root": Role.SUPERUSER}


def admin_operations(market: Marketplace) -> list[tuple[str, str, Permission | None]]:
    """(method, URI template, declared permission) of every admin operation the app serves."""
    app = market.client.app
    declared = operations_of(app)
    found = []
    for method, template in routes(app):
        if template.startswith("/api/admin/"):
            operation = declared.get((method, template))
            found.append((method, template,
                          operation.permission if operation is not None else None))
    return found


def call(market: Marketplace, method: str, path: str, who: ApiUser | None) -> Any:
    headers = who.headers if who else {}
    if method in ("POST", "PUT", "PATCH"):
        return market.client.simulate_request(method, path, headers=headers, json={})
    return market.client.simulate_request(method, path, headers=headers)


@pytest.fixture
def admin_routes(market: Marketplace) -> list[tuple[str, str, Permission]]:
    operations = admin_operations(market)
    assert len(operations) >= 13, operations
    undeclared = [(method, path) for method, path, permission in operations
                  if permission is None]
    assert not undeclared, f"admin routes without a declared permission: {undeclared}"
    return [(method, path, permission) for method, path, permission in operations
            if permission is not None]


def test_every_admin_route_follows_the_role_table(market: Marketplace,
                                                  admin_routes: list[Any]) -> None:
    place = populate(market)
    # Outsiders first: nobody below is changed by a refused request.
    outsiders = [place.artist, place.buyer]
    staff = {name: staff_account(market, name) for name in ACCOUNTS}
    walked = 0
    for method, template, permission in admin_routes:
        for path in fill(template, place.ids):
            walked += 1
            body = assert_error(call(market, method, path, None), 401)
            assert body["error"] == "Invalid token or authentication credentials not provided"
            for who in outsiders:
                body = assert_error(call(market, method, path, who), 403)
                assert body["error"] == PERMISSION_DENIED, (method, path)
            for name in ("content_moderator", "helpdesk"):
                if permission not in PERMISSIONS[ACCOUNTS[name]]:
                    body = assert_error(call(market, method, path, staff[name]), 403)
                    assert body["error"] == PERMISSION_DENIED, (method, path, name)
    assert walked >= len(admin_routes)
    # Then those holding the permission, the superuser last: the route lets them in (a 403
    # left is one about the account acted on, never the role's).
    for name in ("content_moderator", "helpdesk", "admin_manager", "root"):
        role = ACCOUNTS[name]
        for method, template, permission in admin_routes:
            if permission not in PERMISSIONS[role]:
                continue
            for path in fill(template, place.ids):
                response = call(market, method, path, staff_account(market, name))
                assert response.status_code != 401, (name, method, path, response.text)
                if response.status_code == 403:
                    assert role is not Role.SUPERUSER, (method, path, response.text)
                    assert response.json["error"] != PERMISSION_DENIED, (name, method, path)


def test_admins_and_the_superuser_hold_every_admin_routes_permission(
        admin_routes: list[Any]) -> None:
    for _, _, permission in admin_routes:
        assert permission in PERMISSIONS[Role.SUPERUSER]
        assert permission in PERMISSIONS[Role.ADMIN] or permission is Permission.GRANT_STAFF
