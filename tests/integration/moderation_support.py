"""Staff accounts for the moderation tests, signed in through the API."""

from __future__ import annotations

from cultureup.application.accounts.users import Registration
from cultureup.domain.accounts.users import StaffRole
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace


def staff_user(market: Marketplace, username: str,
               role: StaffRole | None = StaffRole.CONTENT_MODERATOR, *,
               superuser: bool = False) -> ApiUser:
    """A staff account of `role` made by the superuser, and its token from a real login."""
    user = market.services.accounts.create_staff_user(
        Registration(username=username, email=f"{username}@example.com",
                     password=STRONG_PASSWORD, password_confirm=STRONG_PASSWORD,
                     user_type="admin", first_name="Staff", last_name=username.title()),
        superuser=superuser, staff_role=role, check_password=False,
        by=market.admin_actor())
    login = market.client.simulate_post("/api/auth/login/", json={
        "username": username, "password": STRONG_PASSWORD})
    assert login.status_code == 200, login.json
    assert user.id is not None
    return ApiUser(id=user.id, username=username, token=login.json["token"],
                   user_type="admin")
