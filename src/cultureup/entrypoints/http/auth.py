"""Who is calling: the client address, and `Authorization: Token <key>` resolved to an Actor.

A bad token is not refused at once: the rate limiter counts the request first (so guessing
tokens is throttled like any anonymous traffic), then `process_resource` refuses it.
"""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.application.accounts.users import AccountService
from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import NotAuthenticated

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

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         params: dict[str, Any]) -> None:
        if req.context.auth_error is not None:
            raise req.context.auth_error


def require_actor(req: falcon.Request) -> Actor:
    actor: Actor | None = req.context.actor
    if actor is None:
        raise NotAuthenticated("Authentication credentials were not provided.")
    return actor


def optional_actor(req: falcon.Request) -> Actor | None:
    actor: Any = req.context.actor
    return actor
