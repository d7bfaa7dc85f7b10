"""Declared operations: `@endpoint(...)` on a responder says what the operation reads and
answers, as pydantic classes; from that one declaration come the reading and validation of the
request (query string; JSON, form-urlencoded or multipart body), the JSON of the answer, and
the operation in /api/openapi.json (see openapi.py).

A responder declared with `query=Q` and `body=B` is called with `query=` and `body=` keyword
arguments holding validated instances, and returns an instance of `response` (or None when it
wrote the answer itself, or for an answer without a body). All field errors of a request are
reported at once, in the envelope.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

import attrs
import falcon
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from cultureup.application.commerce.idempotency import HEADER as IDEMPOTENCY_HEADER
from cultureup.application.commerce.idempotency import StoredAnswer, fingerprint
from cultureup.domain.accounts.roles import Permission, require
from cultureup.domain.errors import NotAuthenticated, ValidationFailed
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.fields import TEXT

# No JSON or form body of this API comes near this; larger ones are refused before being read.
MAX_BODY = 1_000_000
# Room for the text fields and multipart framing around an uploaded file.
FORM_OVERHEAD = 256 * 1024
MAX_TEXT_PART = 64 * 1024
FORM = "application/x-www-form-urlencoded"
BODY_TYPES = (falcon.MEDIA_JSON, FORM, falcon.MEDIA_MULTIPART)

R = TypeVar("R", bound=Callable[..., Any])
# The spec's "Admin Error Responses" 401, for the admin routes.
ADMIN_NOT_AUTHENTICATED = "Invalid token or authentication credentials not provided"


class Shape(BaseModel):
    """Base of every declared request shape: unknown fields are ignored, as documented."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    # Messages for a required field that is absent, where "This field is required." is not it.
    missing_messages: ClassVar[dict[str, str]] = {}

    def sent(self) -> dict[str, Any]:
        """The fields the client sent (for PATCH), with their validated values."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class Answer(BaseModel):
    """Base of every declared response shape."""

    model_config = ConfigDict(frozen=True)


@attrs.define
class Operation:
    summary: str
    tag: str
    response: Any = None  # an Answer class, a union of them, or None (no body)
    status: int = 200
    query: type[Shape] | None = None
    body: type[Shape] | None = None
    # The shape of JSON and form bodies, where it differs from the multipart one (no files).
    text_body: type[Shape] | None = None
    body_types: tuple[str, ...] = BODY_TYPES
    body_required: bool = True
    auth: bool = False
    # The role-table permission the caller must hold (admin routes): checked before the
    # query and body are read, so that a caller without it learns nothing from a 400. The
    # use case checks again; this declaration also documents it and drives the admin-route
    # walk of the tests.
    permission: Permission | None = None
    errors: tuple[int, ...] = ()
    description: str | None = None
    media_type: str = falcon.MEDIA_JSON  # of the answer
    # Other answers than `status` and the errors (status: description), e.g. a redirect.
    other_answers: dict[int, str] = attrs.field(factory=dict)
    # Path parameters that are not ids ({kind}): name -> JSON Schema.
    path_schemas: dict[str, Any] = attrs.field(factory=dict)
    # Reads the Idempotency-Key header: a repeated request replays the first answer (see
    # application/commerce/idempotency.py); the resource's `idempotency` keeps the keys.
    idempotent: bool = False
    adapter: TypeAdapter[Any] | None = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        if self.permission is not None:
            self.auth = True
            self.errors = tuple(sorted({*self.errors, 403}))
        if self.response is not None and self.media_type == falcon.MEDIA_JSON:
            self.adapter = TypeAdapter(self.response)


def endpoint(summary: str, tag: str, **options: Any) -> Callable[[R], R]:
    operation = Operation(summary, tag, **options)

    def decorate(responder: R) -> R:
        @functools.wraps(responder)
        def run(resource: Any, req: falcon.Request, resp: falcon.Response, **params: Any
                ) -> None:
            if operation.permission is not None:
                if req.context.actor is None:
                    raise NotAuthenticated(ADMIN_NOT_AUTHENTICATED)
                require(req.context.actor, operation.permission)
            elif operation.auth:
                require_actor(req)
            if operation.query is not None:
                params["query"] = read_query(req, operation.query)
            if operation.body is not None:
                params["body"] = read_body(req, operation,
                                           getattr(resource, "max_upload_bytes", 0))

            def answer() -> StoredAnswer:
                resp.status = falcon.code_to_http_status(operation.status)
                result = responder(resource, req, resp, **params)
                if operation.adapter is not None and result is not None:
                    resp.content_type = falcon.MEDIA_JSON
                    resp.data = operation.adapter.dump_json(result, exclude_unset=True)
                return StoredAnswer(status=resp.status_code, body=resp.data or b"",
                                    content_type=resp.content_type or "")

            keeper = getattr(resource, "idempotency", None)
            key = req.get_header(IDEMPOTENCY_HEADER) if operation.idempotent else None
            if key is None or keeper is None:
                answer()
                return
            body = params.get("body")
            stored, replayed = keeper.run(
                require_actor(req).id, key,
                fingerprint(f"{req.method} {req.path.rstrip('/')}",
                            None if body is None else body.model_dump()),
                answer)
            if replayed:
                resp.status = falcon.code_to_http_status(stored.status)
                resp.data = stored.body or None
                if stored.content_type:
                    resp.content_type = stored.content_type
                resp.set_header("Idempotent-Replayed", "true")

        run.__operation__ = operation  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return decorate


def operation_of(responder: Any) -> Operation | None:
    return getattr(responder, "__operation__", None)


# -- reading ----------------------------------------------------------------------------


def validate(shape: type[Shape], data: Mapping[str, Any], *, text: bool) -> Any:
    """`data` as a `shape`; every field error at once as ValidationFailed."""
    try:
        return shape.model_validate(data, context={TEXT: text})
    except ValidationError as exc:
        details: dict[str, list[str]] = {}
        for error in exc.errors(include_url=False, include_context=False,
                                include_input=False):
            field = str(error["loc"][0]) if error["loc"] else "non_field_errors"
            if error["type"] == "missing":
                message = shape.missing_messages.get(field, "This field is required.")
            else:
                message = error["msg"]
            details.setdefault(field, []).append(message)
        raise ValidationFailed(details) from None


def read_query(req: falcon.Request, shape: type[Shape]) -> Any:
    """The query string as `shape`: the last of repeated values counts; an empty value is
    absent."""
    params = {name: value[-1] if isinstance(value, list) else value
              for name, value in req.params.items()}
    return validate(shape, {name: value for name, value in params.items() if value != ""},
                    text=True)


def _media_type(req: falcon.Request) -> str:
    return (req.content_type or falcon.MEDIA_JSON).split(";")[0].strip().lower()


def read_body(req: falcon.Request, operation: Operation, max_upload: int = 0) -> Any:
    """The body as the operation's shape; `max_upload` bounds a multipart file part."""
    media_type = _media_type(req)
    shape = operation.body
    assert shape is not None
    if not operation.body_required and not req.content_length:
        return validate(shape, {}, text=False)
    if media_type == falcon.MEDIA_MULTIPART and req.content_length is None:
        # Falcon's multipart reader needs the length (a chunked upload would fail inside it).
        raise falcon.HTTPLengthRequired(
            title="Length required",
            description="Send the request body with a Content-Length header; chunked request "
                        "bodies are not accepted.")
    if media_type not in operation.body_types:
        raise falcon.HTTPUnsupportedMediaType(
            title="Unsupported media type",
            description=f'Send {" or ".join(f"{t!r}" for t in operation.body_types)}, '
                        f'not "{media_type}".'.replace("'", '"'))
    limit = MAX_BODY if not max_upload else max_upload + FORM_OVERHEAD
    if req.content_length is not None and req.content_length > limit:
        raise falcon.HTTPContentTooLarge(
            title="Request body too large",
            description=f"The request body may be at most {limit} bytes.")
    if media_type == falcon.MEDIA_MULTIPART:
        return validate(shape, _multipart(req, max_upload), text=True)
    try:
        data = req.get_media()
    except falcon.MediaNotFoundError as exc:
        raise ValidationFailed({"non_field_errors": ["A JSON object is required."]},
                               "The request body must be a JSON object.") from exc
    except falcon.MediaMalformedError as exc:
        raise ValidationFailed({"non_field_errors": ["The body is not valid JSON."]},
                               "The request body is not valid JSON.") from exc
    shape = operation.text_body or shape
    if media_type == FORM:
        data = {name: value[-1] if isinstance(value, list) else value
                for name, value in data.items()}
        return validate(shape, data, text=True)
    if not isinstance(data, dict):
        raise ValidationFailed({"non_field_errors": ["A JSON object is required."]},
                               "The request body must be a JSON object.")
    return validate(shape, data, text=False)


def _multipart(req: falcon.Request, max_file: int) -> dict[str, Any]:
    """Text parts as str, file parts as bytes (a list of them for a repeated file field), each
    bounded. The file names are in `req.context.filenames` (name -> names, in order)."""
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    req.context.upload_filenames = {}
    filenames: dict[str, list[str]] = {}
    req.context.filenames = filenames
    try:
        for part in req.get_media():
            try:
                name = part.name
            except (UnicodeDecodeError, falcon.MediaMalformedError):
                errors.setdefault("non_field_errors", []).append(
                    "A part name is not valid UTF-8 text.")
                part.stream.read()
                continue
            if part.filename is not None and max_file:
                filenames.setdefault(name, []).append(_safe_filename(part))
                content = part.stream.read(max_file + 1)
                if len(content) > max_file:
                    errors.setdefault(name, []).append(
                        f"The file is larger than {max_file // 2**20} MB.")
                # A file field sent more than once (`documents`) is read as a list.
                previous = data.get(name)
                if isinstance(previous, bytes):
                    data[name] = [previous, content]
                elif isinstance(previous, list):
                    previous.append(content)
                else:
                    data[name] = content
                req.context.upload_filenames[name] = part.filename
                continue
            raw = part.stream.read(MAX_TEXT_PART + 1)
            if len(raw) > MAX_TEXT_PART:
                errors.setdefault(name, []).append("This field is too long.")
                continue
            try:
                data[name] = raw.decode("utf-8")
            except UnicodeDecodeError:
                errors.setdefault(name, []).append("Not valid UTF-8 text.")
    except falcon.MediaMalformedError as exc:
        raise ValidationFailed({"non_field_errors": ["The multipart body is malformed."]},
                               "The multipart body is malformed.") from exc
    if errors:
        raise ValidationFailed(errors)
    return data


def upload_filename(req: falcon.Request, name: str) -> str:
    """The file name the client gave the multipart file part `name` ("" when none)."""
    names = getattr(req.context, "upload_filenames", None) or {}
    return str(names.get(name) or "")


def _safe_filename(part: Any) -> str:
    try:
        return str(part.secure_filename)
    except (falcon.MediaMalformedError, UnicodeDecodeError, ValueError):
        return ""
