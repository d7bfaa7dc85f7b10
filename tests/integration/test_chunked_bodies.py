"""A body sent chunked (Transfer-Encoding, no Content-Length): a multipart upload is refused
with 411 before it is read; a JSON or form body is answered 4xx; never a 500, nothing stored."""

from __future__ import annotations

import json

import falcon.testing
import pytest
from sqlalchemy import func, select

from cultureup.adapters.sqlalchemy.tables import metadata
from tests.integration.assertions import assert_error
from tests.integration.conftest import STRONG_PASSWORD, Marketplace

CHUNKED = {"Transfer-Encoding": "chunked"}
NO_LENGTH = {"CONTENT_LENGTH": ""}


def _rows(services, table: str) -> int:
    with services.engine.connect() as connection:
        query = select(func.count()).select_from(metadata.tables[table])
        return connection.execute(query).scalar_one()


def _register_body(username: str) -> dict[str, str]:
    return {"username": username, "email": f"{username}@example.com",
            "password": STRONG_PASSWORD, "password_confirm": STRONG_PASSWORD,
            "user_type": "artist", "first_name": "Chunk", "last_name": "Ed"}


@pytest.mark.parametrize("encoding", ["json", "form"])
def test_a_chunked_registration_is_refused_and_creates_nobody(
        client: falcon.testing.TestClient, services, encoding: str) -> None:
    before = _rows(services, "users")
    body = _register_body("chunked_artist")
    if encoding == "json":
        kwargs = {"body": json.dumps(body), "headers": {**CHUNKED,
                                                        "Content-Type": "application/json"}}
    else:
        kwargs = {"body": "&".join(f"{k}={v}" for k, v in body.items()),
                  "headers": {**CHUNKED, "Content-Type": "application/x-www-form-urlencoded"}}
    response = client.simulate_post("/api/auth/register/", extras=NO_LENGTH, **kwargs)
    assert response.status_code in (400, 411), response.text
    assert_error(response, response.status_code)
    assert _rows(services, "users") == before


def test_a_chunked_multipart_upload_is_refused_with_411_and_stores_nothing(
        client: falcon.testing.TestClient, services, market: Marketplace) -> None:
    artist = market.user("artist")
    category = market.category()
    before = _rows(services, "artworks")
    boundary = "chunkedboundary"
    parts = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in {"title": "Chunked", "description": "d", "price": "10.00",
                            "category_id": str(category), "artwork_type": "digital"}.items())
    body = parts + f"--{boundary}--\r\n"
    response = client.simulate_post(
        "/api/artworks/", body=body, extras=NO_LENGTH,
        headers={**CHUNKED, **artist.headers,
                 "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert_error(response, 411)
    assert _rows(services, "artworks") == before


def test_411_is_documented_for_every_operation_with_a_body(
        client: falcon.testing.TestClient) -> None:
    document = client.simulate_get("/api/openapi.json").json
    operations = [operation for path in document["paths"].values()
                  for operation in path.values()
                  if isinstance(operation, dict) and "requestBody" in operation]
    assert operations
    assert all("411" in operation["responses"] for operation in operations)
