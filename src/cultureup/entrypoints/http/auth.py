"""Who is calling: the client address, and `Authorization: Token <key>` resolved to an Actor.

A bad token is not refused at once: the rate limiter counts the request first (so guessing
tokens is throttled like any anonymous traffic), then `process_resource` refuses it. The token
of a suspended or banned account is refused there too (403 with the reason), except by the
resources that set `open_to_restricted = True` (the account's moderation actions, appeals,
logout).
"""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.application.accounts.users import AccountService
from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import NotAuthenticated
from cultureup.domain.moderation.actions import AccountRestricted

MAX_TOKEN_LENGTH = 256


def client_address(req: falcon.Request, *, trust_forwarded_for: bool) -> str:
    if trust_forwarded_for:
        forwarded = req.get_header("X-Forwarded-For")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return (req.remote_addr or "unknown")[:64]


class TokenAuthentication:
    def __init__(self, accounts: AccountService, *, trust_forwarded_for: bool = False) -> None:
        self._accounts = accounts
        self._trust_forwarded_for = trust_forwarded_for

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.ip = client_address(req, trust_forwarded_for=self._trust_forwarded_for)
        req.context.actor = None
        req.context.token = None
        req.context.auth_error = None
        req.context.restriction = None
        header = req.get_header("Authorization")
        if not header:
            return
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "token" or not token or len(token) > MAX_TOKEN_LENGTH:
            req.context.auth_error = NotAuthenticated(
                "Invalid token header. Use the form 'Authorization: Token <key>'.")
            return
        try:
            req.context.actor = self._accounts.authenticate(token)
            req.context.token = token
        except NotAuthenticated as error:
            req.context.auth_error = error
        except AccountRestricted as error:
            req.context.actor = error.actor
            req.context.token = token
            req.context.restriction = error

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         params: dict[str, Any]) -> None:
        if req.context.auth_error is not None:
            raise req.context.auth_error
        if req.context.restriction is not None and not getattr(
                resource, "open_to_restricted", False):
            raise req.context.restriction


def require_actor(req: falcon.Request) -> Actor:
    actor: Actor | None = req.context.actor
    if actor is None:
        raise NotAuthenticated("Authentication credentials were not provided.")
    return actor


def optional_actor(req: falcon.Request) -> Actor | None:
    actor: Any = req.context.actor
    return actor
