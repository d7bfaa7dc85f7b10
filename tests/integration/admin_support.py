"""Staff accounts for the admin tests: each role signed in through the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from cultureup.adapters.sqlalchemy.repositories import SqlAlchemyUserRepository
from cultureup.application.accounts.users import Registration
from cultureup.domain.accounts.users import StaffRole, User, UserType
from cultureup.domain.errors import NotFound
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace

# The roles as the sample data names them (setup-admin --create-sample-data).
ROLE_ACCOUNTS: dict[str, tuple[bool, StaffRole | None]] = {
    "root": (True, StaffRole.ADMIN),
    "admin_manager": (False, StaffRole.ADMIN),
    "helpdesk": (False, StaffRole.STAFF),
    "content_moderator": (False, StaffRole.CONTENT_MODERATOR),
}


def login(market: Marketplace, username: str, user_type: str = "admin") -> ApiUser:
    response = market.client.simulate_post("/api/auth/login/", json={
        "username": username, "password": STRONG_PASSWORD})
    assert response.status_code == 200, response.json
    return ApiUser(id=response.json["user"]["id"], username=username,
                   token=response.json["token"], user_type=user_type)


def staff_account(market: Marketplace, username: str) -> ApiUser:
    """One of ROLE_ACCOUNTS, created once and signed in (a new token each call)."""
    superuser, role = ROLE_ACCOUNTS[username]
    if username == "root":
        market.admin_actor()
    elif not _exists(market, username):
        market.services.accounts.create_staff_user(
            Registration(username=username, email=f"{username}@example.com",
                         password=STRONG_PASSWORD, password_confirm=STRONG_PASSWORD,
                         user_type="admin", first_name="Staff", last_name=username.title()),
            superuser=superuser, staff_role=role, check_password=False)
    return login(market, username)


def _exists(market: Marketplace, username: str) -> bool:
    try:
        market.services.accounts.find_actor(username)
    except NotFound:
        return False
    return True


def bulk_users(engine: Engine, count: int, *, now: datetime, prefix: str = "bulk",
               **fields: Any) -> list[int]:
    """`count` plain buyer accounts written straight to the database (fast); their ids."""
    ids = []
    with engine.begin() as connection:
        repository = SqlAlchemyUserRepository(connection)
        for number in range(count):
            user = User(username=f"{prefix}{number}", email=f"{prefix}{number}@example.com",
                        password_hash="x", first_name="Bulk", last_name=f"User{number}",
                        user_type=UserType.BUYER, created_at=now, updated_at=now, **fields)
            repository.add(user)
            assert user.id is not None
            ids.append(user.id)
    return ids
