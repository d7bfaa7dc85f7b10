"""The error envelope every failing response must carry, checked one way everywhere."""

from __future__ import annotations

from typing import Any

import falcon.testing
import jsonschema

ENVELOPE_KEYS = {"success", "error", "detail", "details"}


def assert_error(response: falcon.testing.Result, status: int,
                 field: str | None = None) -> dict[str, Any]:
    """The documented envelope with this status, `field` among the details when given."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json
    assert set(body) == ENVELOPE_KEYS, body
    assert body["success"] is False
    assert isinstance(body["error"], str) and body["error"]
    assert body["detail"] == body["error"]
    assert isinstance(body["details"], dict)
    if field is not None:
        assert field in body["details"], body
        messages = body["details"][field]
        assert isinstance(messages, list) and messages
        assert all(isinstance(message, str) and message for message in messages)
    if status == 401:
        assert response.headers.get("WWW-Authenticate") == "Token"
    return body


def documented_body_is_valid(client: falcon.testing.TestClient, operation: str,
                             body: dict[str, Any], media_type: str = "application/json"
                             ) -> bool:
    """Whether /api/openapi.json calls `body` a valid request body of `operation`
    ("METHOD /path/" as the document spells it) sent as `media_type`."""
    document = client.simulate_get("/api/openapi.json").json
    method, path = operation.split(" ", 1)
    schema = document["paths"][path][method.lower()]["requestBody"]["content"][media_type][
        "schema"]
    resolver = {"$ref": schema["$ref"], "components": document["components"]}
    return jsonschema.Draft202012Validator(resolver).is_valid(body)
