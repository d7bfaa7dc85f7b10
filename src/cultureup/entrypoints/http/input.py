"""Typed reading of request bodies and query strings, collecting every field error at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import falcon

from cultureup.domain.errors import FieldErrors, ValidationFailed
from cultureup.domain.money import Money

MAX_ID = 2**31 - 1
# No JSON body of this API comes near this; larger ones are refused before being read.
MAX_JSON_BODY = 1_000_000
MISSING: Any = object()


def json_object(req: falcon.Request) -> dict[str, Any]:
    """The request body as a JSON object; anything else is a 400."""
    if req.content_length is not None and req.content_length > MAX_JSON_BODY:
        raise falcon.HTTPContentTooLarge(
            title="Request body too large",
            description=f"A JSON body may be at most {MAX_JSON_BODY} bytes.")
    content_type = (req.content_type or "").split(";")[0].strip().lower()
    if content_type and content_type != "application/json":
        raise falcon.HTTPUnsupportedMediaType(
            title="Unsupported media type",
            description=f'Send "application/json", not "{content_type}".')
    try:
        body = req.get_media()
    except falcon.MediaNotFoundError as exc:
        raise ValidationFailed({"non_field_errors": ["A JSON object is required."]},
                               "The request body must be a JSON object.") from exc
    except falcon.MediaMalformedError as exc:
        raise ValidationFailed({"non_field_errors": ["The body is not valid JSON."]},
                               "The request body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise ValidationFailed({"non_field_errors": ["A JSON object is required."]},
                               "The request body must be a JSON object.")
    return body


class Fields:
    """Reads named fields from a mapping. `required=False` returns MISSING for absent ones,
    so PATCH can tell "not sent" from a value."""

    def __init__(self, data: Mapping[str, Any], *, from_query: bool = False) -> None:
        self._data = data
        self._from_query = from_query
        self.errors = FieldErrors()

    def _raw(self, name: str, required: bool) -> Any:
        value = self._data.get(name, MISSING)
        if self._from_query and isinstance(value, list):
            value = value[-1]
        if value is MISSING or (self._from_query and value == ""):
            if required:
                self.errors.add(name, "This field is required.")
            return MISSING
        if value is None:
            self.errors.add(name, "This field may not be null.")
            return MISSING
        return value

    def string(self, name: str, *, required: bool = True, max_length: int | None = None,
               allow_blank: bool = False) -> Any:
        value = self._raw(name, required)
        if value is MISSING:
            return MISSING
        if not isinstance(value, str):
            self.errors.add(name, "Not a valid string.")
            return MISSING
        if "\x00" in value:
            self.errors.add(name, "Null characters are not allowed.")
            return MISSING
        if not allow_blank and not value.strip():
            self.errors.add(name, "This field may not be blank.")
            return MISSING
        if max_length is not None and len(value) > max_length:
            self.errors.add(name, f"Ensure this field has no more than {max_length} characters.")
            return MISSING
        return value

    def integer(self, name: str, *, required: bool = True, min_value: int | None = None,
                max_value: int | None = None) -> Any:
        value = self._raw(name, required)
        if value is MISSING:
            return MISSING
        number = _as_int(value)
        if number is None:
            self.errors.add(name, "A valid integer is required.")
            return MISSING
        if min_value is not None and number < min_value:
            self.errors.add(name, f"Ensure this value is greater than or equal to {min_value}.")
            return MISSING
        if max_value is not None and number > max_value:
            self.errors.add(name, f"Ensure this value is less than or equal to {max_value}.")
            return MISSING
        return number

    def identifier(self, name: str, *, required: bool = True) -> Any:
        return self.integer(name, required=required, min_value=1, max_value=MAX_ID)

    def money(self, name: str, *, required: bool = True) -> Any:
        value = self._raw(name, required)
        if value is MISSING:
            return MISSING
        try:
            return Money.parse(value)
        except ValueError as exc:
            self.errors.add(name, str(exc))
            return MISSING

    def timestamp(self, name: str, *, required: bool = True) -> Any:
        value = self._raw(name, required)
        if value is MISSING:
            return MISSING
        parsed = parse_timestamp(value)
        if parsed is None:
            self.errors.add(name, "Datetime has wrong format. Use ISO 8601, e.g. "
                            "2025-10-20T23:59:59Z.")
            return MISSING
        return parsed

    def choice(self, name: str, choices: Iterable[str], *, required: bool = True) -> Any:
        value = self._raw(name, required)
        if value is MISSING:
            return MISSING
        options = list(choices)
        if value not in options:
            self.errors.add(name, f'"{value}" is not a valid choice. Choose one of: '
                            + ", ".join(options) + ".")
            return MISSING
        return value

    def boolean(self, name: str, *, required: bool = True) -> Any:
        value = self._raw(name, required)
        if value is MISSING:
            return MISSING
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
        self.errors.add(name, "Must be a valid boolean (true or false).")
        return MISSING

    def check(self) -> None:
        self.errors.raise_if_any()


def present(**values: Any) -> dict[str, Any]:
    """The given keyword values that were sent (not MISSING)."""
    return {name: value for name, value in values.items() if value is not MISSING}


def optional(value: Any) -> Any:
    return None if value is MISSING else value


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit() and len(text) <= 20:
            return int(text)
    return None


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601; a value without an offset is taken as UTC."""
    # CPython 3.11's fromisoformat() stops at a NUL, so "...Z\x00junk" would otherwise pass.
    if not isinstance(value, str) or len(value) > 40 or "\x00" in value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
