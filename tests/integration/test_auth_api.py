"""/api/auth/: registration, login, logout, token authentication and the caller's profile."""

from __future__ import annotations

import json
from typing import Any

import falcon.testing
import pytest
from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.tables import auth_tokens, users
from cultureup.bootstrap import Services
from tests.integration.assertions import assert_error
from tests.integration.conftest import STRONG_PASSWORD, Marketplace

USER_KEYS = {"id", "username", "email", "first_name", "last_name", "user_type", "phone_number",
             "is_verified", "profile_image", "created_at"}


def registration(**overrides: Any) -> dict[str, Any]:
    payload = {
        "username": "artist_john", "email": "john@example.com",
        "password": STRONG_PASSWORD, "password_confirm": STRONG_PASSWORD,
        "user_type": "artist", "first_name": "John", "last_name": "Doe",
        "phone_number": "+923001234567",
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not ...}


def user_count(services: Services) -> int:
    with services.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(users)).scalar_one()


def login(client: falcon.testing.TestClient, username: str,
          password: str = STRONG_PASSWORD) -> falcon.testing.Result:
    return client.simulate_post("/api/auth/login/",
                                json={"username": username, "password": password})




# -- registration -------------------------------------------------------------------------


def test_register_returns_the_documented_user(client: falcon.testing.TestClient) -> None:
    response = client.simulate_post("/api/auth/register/", json=registration())
    assert response.status_code == 201, response.text
    body = response.json
    assert set(body) == USER_KEYS
    assert isinstance(body["id"], int)
    assert body["username"] == "artist_john"
    assert body["email"] == "john@example.com"
    assert (body["first_name"], body["last_name"]) == ("John", "Doe")
    assert body["user_type"] == "artist"
    assert body["phone_number"] == "+923001234567"
    assert body["is_verified"] is False
    assert body["profile_image"] is None
    assert body["created_at"] == "2026-03-01T09:00:00Z"


def test_register_without_phone_number_and_as_buyer(client: falcon.testing.TestClient) -> None:
    response = client.simulate_post("/api/auth/register/",
                                    json=registration(phone_number=..., user_type="buyer"))
    assert response.status_code == 201, response.text
    assert response.json["user_type"] == "buyer"
    assert response.json["phone_number"] == ""


def test_register_without_trailing_slash(client: falcon.testing.TestClient) -> None:
    response = client.simulate_post("/api/auth/register", json=registration())
    assert response.status_code == 201


@pytest.mark.parametrize(("overrides", "field"), [
    ({"username": ...}, "username"),
    ({"email": ...}, "email"),
    ({"password": ...}, "password"),
    ({"password_confirm": ...}, "password_confirm"),
    ({"user_type": ...}, "user_type"),
    ({"first_name": ...}, "first_name"),
    ({"last_name": ...}, "last_name"),
    ({"username": ""}, "username"),
    ({"first_name": "   "}, "first_name"),
    ({"username": "ab"}, "username"),
    ({"username": "x" * 151}, "username"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "john@example"}, "email"),
    ({"email": "john doe@example.com"}, "email"),
    ({"email": "@example.com"}, "email"),
    ({"password": "Ab1!x", "password_confirm": "Ab1!x"}, "password"),
    ({"password": "password1", "password_confirm": "password1"}, "password"),
    ({"password": "8273645190", "password_confirm": "8273645190"}, "password"),
    ({"username": "marvelous_painter", "password": "marvelous_painter9",
      "password_confirm": "marvelous_painter9"}, "password"),
    ({"password_confirm": STRONG_PASSWORD + "x"}, "password_confirm"),
    ({"user_type": "admin"}, "user_type"),
    ({"user_type": "superuser"}, "user_type"),
    ({"user_type": "ARTIST"}, "user_type"),
    ({"username": "john doe"}, "username"),
    ({"username": "john/doe"}, "username"),
    ({"phone_number": "call me"}, "phone_number"),
], ids=lambda value: json.dumps(value, default=str)[:60] if isinstance(value, dict) else value)
def test_register_rejects_invalid_input_and_creates_nothing(
    client: falcon.testing.TestClient, services: Services, overrides: dict[str, Any], field: str,
) -> None:
    response = client.simulate_post("/api/auth/register/", json=registration(**overrides))
    assert_error(response, 400, field)
    assert user_count(services) == 0
    username = overrides.get("username", "artist_john")
    password = overrides.get("password", STRONG_PASSWORD)
    if isinstance(username, str) and username and isinstance(password, str):
        assert login(client, username, password).status_code == 400


def test_register_reports_every_problem_at_once(client: falcon.testing.TestClient) -> None:
    response = client.simulate_post("/api/auth/register/", json=registration(
        username="a b", email="bad", password="short", password_confirm="other",
        phone_number="x"))
    body = assert_error(response, 400)
    assert set(body["details"]) == {"username", "email", "password", "password_confirm",
                                    "phone_number"}


def test_common_password_message(client: falcon.testing.TestClient) -> None:
    response = client.simulate_post("/api/auth/register/", json=registration(
        password="password1", password_confirm="password1"))
    assert "This password is too common." in assert_error(response, 400,
                                                           "password")["details"]["password"]


@pytest.mark.parametrize("username", ["artist_john", "ARTIST_JOHN", "Artist_John"])
def test_duplicate_username_is_refused_regardless_of_case(
    client: falcon.testing.TestClient, services: Services, username: str,
) -> None:
    assert client.simulate_post("/api/auth/register/", json=registration()).status_code == 201
    response = client.simulate_post("/api/auth/register/", json=registration(
        username=username, email="someone.else@example.com"))
    assert_error(response, 400, "username")
    assert user_count(services) == 1


@pytest.mark.parametrize("email", ["john@example.com", "john@EXAMPLE.com", "JOHN@example.com"])
def test_duplicate_email_is_refused(client: falcon.testing.TestClient, services: Services,
                                    email: str) -> None:
    assert client.simulate_post("/api/auth/register/", json=registration()).status_code == 201
    response = client.simulate_post("/api/auth/register/", json=registration(
        username="someone_else", email=email))
    assert_error(response, 400, "email")
    assert user_count(services) == 1
    assert login(client, "someone_else").status_code == 400


# -- login and logout ---------------------------------------------------------------------


@pytest.fixture
def john(client: falcon.testing.TestClient) -> dict[str, Any]:
    response = client.simulate_post("/api/auth/register/", json=registration())
    assert response.status_code == 201
    return response.json


@pytest.mark.parametrize("identifier", ["artist_john", "ARTIST_john", "john@example.com",
                                        "JOHN@EXAMPLE.COM", "  artist_john  "])
def test_login_with_username_or_email(client: falcon.testing.TestClient, john: dict[str, Any],
                                      identifier: str) -> None:
    response = login(client, identifier)
    assert response.status_code == 200, response.text
    body = response.json
    assert isinstance(body["token"], str) and len(body["token"]) >= 20
    assert body["user"] == {"id": john["id"], "username": "artist_john",
                            "email": "john@example.com", "user_type": "artist",
                            "first_name": "John", "last_name": "Doe"}
    profile = client.simulate_get("/api/auth/profile/",
                                  headers={"Authorization": f"Token {body['token']}"})
    assert profile.status_code == 200
    assert profile.json == john


def test_each_login_issues_a_distinct_token(client: falcon.testing.TestClient,
                                            john: dict[str, Any]) -> None:
    assert login(client, "artist_john").json["token"] != login(client, "artist_john").json[
        "token"]


def test_wrong_password_and_unknown_user_look_alike(client: falcon.testing.TestClient,
                                                    services: Services,
                                                    john: dict[str, Any]) -> None:
    wrong_password = login(client, "artist_john", "Wr0ng-Palette-42!")
    unknown_user = login(client, "nobody_here", "Wr0ng-Palette-42!")
    unknown_with_right_password = login(client, "nobody_here")
    assert wrong_password.status_code == unknown_user.status_code == 400
    assert wrong_password.json == unknown_user.json == unknown_with_right_password.json
    assert_error(wrong_password, 400, "non_field_errors")
    with services.engine.connect() as connection:
        assert connection.execute(
            select(func.count()).select_from(auth_tokens)).scalar_one() == 0


@pytest.mark.parametrize("body", [{}, {"username": "artist_john"}, {"password": STRONG_PASSWORD},
                                  {"username": "", "password": STRONG_PASSWORD},
                                  {"username": "artist_john", "password": ""}])
def test_login_requires_both_fields(client: falcon.testing.TestClient, john: dict[str, Any],
                                    body: dict[str, Any]) -> None:
    assert_error(client.simulate_post("/api/auth/login/", json=body), 400)


def test_logout_revokes_the_token(client: falcon.testing.TestClient,
                                  john: dict[str, Any]) -> None:
    token = login(client, "artist_john").json["token"]
    other = login(client, "artist_john").json["token"]
    headers = {"Authorization": f"Token {token}"}
    response = client.simulate_post("/api/auth/logout/", headers=headers)
    assert response.status_code == 200
    assert response.json == {"message": "Successfully logged out"}
    after = client.simulate_get("/api/auth/profile/", headers=headers)
    assert_error(after, 401)
    assert after.headers.get("WWW-Authenticate") == "Token"
    assert_error(client.simulate_post("/api/auth/logout/", headers=headers), 401)
    # Only the token used to log out is revoked.
    assert client.simulate_get("/api/auth/profile/",
                               headers={"Authorization": f"Token {other}"}).status_code == 200


def test_logout_needs_a_token(client: falcon.testing.TestClient) -> None:
    response = client.simulate_post("/api/auth/logout/")
    assert_error(response, 401)
    assert response.headers.get("WWW-Authenticate") == "Token"


BAD_AUTHORIZATION_HEADERS = ["Token not-a-real-token", "Token " + "a" * 40,
                             "Token " + "a" * 300, "Token", "Token ", "Bearer abcdef",
                             "Basic dXNlcjpwYXNz", "abcdef", "Token a b"]


def test_invalid_authorization_header_is_401(client: falcon.testing.TestClient,
                                             john: dict[str, Any]) -> None:
    for header in BAD_AUTHORIZATION_HEADERS:
        response = client.simulate_get("/api/auth/profile/", headers={"Authorization": header})
        assert_error(response, 401)
        assert response.headers.get("WWW-Authenticate") == "Token", header


def test_scheme_is_case_insensitive(client: falcon.testing.TestClient,
                                    john: dict[str, Any]) -> None:
    token = login(client, "artist_john").json["token"]
    response = client.simulate_get("/api/auth/profile/",
                                   headers={"Authorization": f"token {token}"})
    assert response.status_code == 200


def test_profile_without_token_is_401(client: falcon.testing.TestClient) -> None:
    for method in ("GET", "PUT", "PATCH"):
        response = client.simulate_request(method, "/api/auth/profile/", json={})
        assert_error(response, 401)
        assert response.headers.get("WWW-Authenticate") == "Token"


# -- profile ------------------------------------------------------------------------------


@pytest.fixture
def john_headers(client: falcon.testing.TestClient, john: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Token {login(client, 'artist_john').json['token']}"}


def test_get_profile(client: falcon.testing.TestClient, john: dict[str, Any],
                     john_headers: dict[str, str]) -> None:
    response = client.simulate_get("/api/auth/profile/", headers=john_headers)
    assert response.status_code == 200
    assert set(response.json) == USER_KEYS
    assert response.json == john
    assert client.simulate_get("/api/auth/profile", headers=john_headers).json == john


def test_put_profile_replaces_contact_fields(client: falcon.testing.TestClient,
                                             john: dict[str, Any],
                                             john_headers: dict[str, str]) -> None:
    response = client.simulate_put("/api/auth/profile/", headers=john_headers, json={
        "first_name": "Johnny", "last_name": "Smith", "email": "johnsmith@example.com",
        "phone_number": "+923007654321"})
    assert response.status_code == 200, response.text
    assert response.json == {**john, "first_name": "Johnny", "last_name": "Smith",
                             "email": "johnsmith@example.com", "phone_number": "+923007654321"}
    assert client.simulate_get("/api/auth/profile/", headers=john_headers).json == response.json
    # The new email logs in; the old one no longer does.
    assert login(client, "johnsmith@example.com").status_code == 200
    assert login(client, "john@example.com").status_code == 400


@pytest.mark.parametrize("missing", ["first_name", "last_name", "email"])
def test_put_profile_requires_the_full_set(client: falcon.testing.TestClient,
                                           john: dict[str, Any], john_headers: dict[str, str],
                                           missing: str) -> None:
    body = {"first_name": "Johnny", "last_name": "Smith", "email": "johnsmith@example.com"}
    del body[missing]
    response = client.simulate_put("/api/auth/profile/", headers=john_headers, json=body)
    assert_error(response, 400, missing)
    assert client.simulate_get("/api/auth/profile/", headers=john_headers).json == john


def test_patch_profile_changes_only_what_is_sent(client: falcon.testing.TestClient,
                                                 john: dict[str, Any],
                                                 john_headers: dict[str, str]) -> None:
    response = client.simulate_patch("/api/auth/profile/", headers=john_headers,
                                     json={"phone_number": "+923007654321"})
    assert response.status_code == 200, response.text
    assert response.json == {**john, "phone_number": "+923007654321"}
    response = client.simulate_patch("/api/auth/profile/", headers=john_headers,
                                     json={"last_name": "Smith"})
    assert response.json == {**john, "phone_number": "+923007654321", "last_name": "Smith"}


def test_patch_profile_ignores_username_and_privileged_fields(
    client: falcon.testing.TestClient, john: dict[str, Any], john_headers: dict[str, str],
) -> None:
    response = client.simulate_patch("/api/auth/profile/", headers=john_headers, json={
        "username": "hacker", "user_type": "buyer", "is_verified": True, "id": 999,
        "created_at": "2000-01-01T00:00:00Z", "first_name": "Jon"})
    assert response.status_code == 200, response.text
    assert response.json == {**john, "first_name": "Jon"}
    assert login(client, "hacker").status_code == 400
    assert login(client, "artist_john").status_code == 200


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("email", ["jane@example.com", "JANE@example.com", "jane@EXAMPLE.COM"])
def test_profile_email_of_another_user_is_refused(
    client: falcon.testing.TestClient, market: Marketplace, john: dict[str, Any],
    john_headers: dict[str, str], method: str, email: str,
) -> None:
    assert client.simulate_post("/api/auth/register/", json=registration(
        username="jane", email="jane@example.com")).status_code == 201
    response = client.simulate_request(method, "/api/auth/profile/", headers=john_headers,
                                       json={"first_name": "John", "last_name": "Doe",
                                             "email": email})
    assert_error(response, 400, "email")
    assert client.simulate_get("/api/auth/profile/", headers=john_headers).json == john


def test_profile_keeps_own_email(client: falcon.testing.TestClient, john: dict[str, Any],
                                 john_headers: dict[str, str]) -> None:
    response = client.simulate_patch("/api/auth/profile/", headers=john_headers,
                                     json={"email": "john@example.com"})
    assert response.status_code == 200
    assert response.json == john


@pytest.mark.parametrize(("body", "field"), [
    ({"email": "not-an-email"}, "email"),
    ({"first_name": ""}, "first_name"),
    ({"last_name": "   "}, "last_name"),
    ({"first_name": "x" * 151}, "first_name"),
    ({"phone_number": "call me maybe"}, "phone_number"),
    ({"email": None}, "email"),
    ({"first_name": 42}, "first_name"),
])
def test_patch_profile_validates(client: falcon.testing.TestClient, john: dict[str, Any],
                                 john_headers: dict[str, str], body: dict[str, Any],
                                 field: str) -> None:
    response = client.simulate_patch("/api/auth/profile/", headers=john_headers, json=body)
    assert_error(response, 400, field)
    assert client.simulate_get("/api/auth/profile/", headers=john_headers).json == john


# -- secrets ------------------------------------------------------------------------------


def test_password_hash_and_tokens_never_leak(client: falcon.testing.TestClient,
                                             services: Services,
                                             market: Marketplace) -> None:
    responses: list[falcon.testing.Result] = []
    registered = client.simulate_post("/api/auth/register/", json=registration())
    responses.append(registered)
    logged_in = login(client, "artist_john")
    token = logged_in.json["token"]
    headers = {"Authorization": f"Token {token}"}
    responses += [
        login(client, "artist_john", "Wr0ng-Palette-42!"),
        client.simulate_get("/api/auth/profile/", headers=headers),
        client.simulate_patch("/api/auth/profile/", headers=headers, json={"last_name": "X"}),
        client.simulate_put("/api/auth/profile/", headers=headers, json={
            "first_name": "J", "last_name": "D", "email": "john@example.com"}),
        client.simulate_post("/api/auth/register/", json=registration()),
    ]
    buyer = market.user("buyer")
    job = market.job(buyer)
    bid = client.simulate_post("/api/bids/", headers=headers, json={
        "job_id": job["id"], "bid_amount": "600.00", "delivery_time": 3,
        "cover_letter": "Hello"})
    responses += [
        bid,
        client.simulate_get("/api/bids/", headers=headers),
        client.simulate_get(f"/api/bids/{bid.json['id']}/", headers=headers),
        client.simulate_get("/api/jobs/"),
        client.simulate_get(f"/api/jobs/{job['id']}/bids/", headers=buyer.headers),
        client.simulate_post(f"/api/jobs/{job['id']}/hire/", headers=buyer.headers,
                             json={"bid_id": bid.json["id"]}),
        client.simulate_get(f"/api/jobs/{job['id']}/"),
        client.simulate_post("/api/auth/logout/", headers=headers),
        client.simulate_get("/api/auth/profile/", headers=headers),
    ]
    with services.engine.connect() as connection:
        hashes = connection.execute(select(users.c.password_hash)).scalars().all()
        digests = connection.execute(select(auth_tokens.c.digest)).scalars().all()
    secrets = [*hashes, *digests, token, buyer.token, STRONG_PASSWORD]
    for response in responses:
        text = response.text
        assert not any("password" in key or "token" in key for key in keys_of(response.json))
        for secret in secrets:
            assert secret not in text, (secret, text)
    # The login response carries its own token, once, and nothing else secret.
    assert logged_in.text.count(token) == 1
    for secret in [*hashes, *digests, STRONG_PASSWORD]:
        assert secret not in logged_in.text


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(keys_of(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(item) for item in value))
    return set()
