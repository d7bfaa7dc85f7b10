"""The error envelope every failing response must carry, checked one way everywhere."""

from __future__ import annotations

from typing import Any

import falcon.testing

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
