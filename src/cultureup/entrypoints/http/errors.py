"""One table from errors to status codes, and one JSON envelope for every error response."""

from __future__ import annotations

import logging
from typing import Any

import falcon

from cultureup.application.commerce.idempotency import IdempotencyKeyInFlight
from cultureup.domain.catalog.artworks import DuplicateArtwork
from cultureup.domain.errors import (
    DomainError,
    InvalidAction,
    InvalidState,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    ValidationFailed,
)
from cultureup.domain.moderation.actions import AccountRestricted

log = logging.getLogger("cultureup.http")

STATUS_BY_ERROR: list[tuple[type[DomainError], str]] = [
    (ValidationFailed, falcon.HTTP_400),
    (NotAuthenticated, falcon.HTTP_401),
    (PermissionDenied, falcon.HTTP_403),
    (NotFound, falcon.HTTP_404),
    (InvalidState, falcon.HTTP_409),
    (RateLimited, falcon.HTTP_429),
    (ServiceUnavailable, falcon.HTTP_503),
]


def envelope(message: str, details: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The error body both client families read: success/error/details plus DRF's detail."""
    return {"success": False, "error": message, "detail": message, "details": details or {}}


def handle_domain_error(req: falcon.Request, resp: falcon.Response, exc: DomainError,
                        params: dict[str, Any]) -> None:
    status = next((code for kind, code in STATUS_BY_ERROR if isinstance(exc, kind)),
                  falcon.HTTP_400)
    details = exc.details if isinstance(exc, ValidationFailed) else None
    resp.status = status
    resp.media = envelope(exc.message, details)
    if isinstance(exc, DuplicateArtwork):
        resp.media.update({
            "message": "This artwork is too similar to an existing artwork in our system",
            "duplicate_detected": True, "similarity_score": exc.score,
            "matched_artwork": {"id": exc.artwork_id, "title": exc.title,
                                "artist": exc.artist}})
    if isinstance(exc, InvalidAction):
        resp.media["available_actions"] = exc.available_actions
    if isinstance(exc, AccountRestricted):
        restriction = exc.restriction
        until = restriction.until
        resp.media.update({
            "reason": restriction.reason, "banned": restriction.banned,
            "suspended": not restriction.banned,
            "suspension_until": until.strftime("%Y-%m-%dT%H:%M:%SZ") if until else None})
        if exc.token is not None:
            resp.media["token"] = exc.token
    if isinstance(exc, NotAuthenticated):
        resp.set_header("WWW-Authenticate", "Token")
    if isinstance(exc, IdempotencyKeyInFlight):
        resp.set_header("Retry-After", "1")
    if isinstance(exc, RateLimited):
        resp.set_header("Retry-After", str(exc.retry_after))


def handle_http_error(req: falcon.Request, resp: falcon.Response, exc: falcon.HTTPError,
                      params: dict[str, Any]) -> None:
    message = exc.description or exc.title or "Request failed."
    if exc.status_code == 404 and not exc.description:
        message = "Not found."
    elif exc.status_code == 405:
        message = f'Method "{req.method}" not allowed.'
    resp.status = exc.status
    resp.media = envelope(message)
    for name, value in (exc.headers or {}).items():
        resp.set_header(name, value)


def handle_unexpected(req: falcon.Request, resp: falcon.Response, exc: Exception,
                      params: dict[str, Any]) -> None:
    if isinstance(exc, falcon.HTTPError):
        handle_http_error(req, resp, exc, params)
        return
    log.exception("unhandled error on %s %s", req.method, req.path)
    resp.status = falcon.HTTP_500
    resp.media = envelope("Internal server error.")


def install(app: falcon.App) -> None:
    # Falcon picks the most specific handler, so the order here does not matter.
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(falcon.HTTPError, handle_http_error)
    app.add_error_handler(DomainError, handle_domain_error)
