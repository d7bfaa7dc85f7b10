"""Token authentication: resolves `Authorization: Token <key>` to an Actor on every request."""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.application.accounts import AccountService
from cultureup.domain.errors import NotAuthenticated
from cultureup.domain.users import Actor

MAX_TOKEN_LENGTH = 256


class TokenAuthentication:
    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.actor = None
        req.context.token = None
        header = req.get_header("Authorization")
        if not header:
            return
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "token" or not token or len(token) > MAX_TOKEN_LENGTH:
            raise NotAuthenticated(
                "Invalid token header. Use the form 'Authorization: Token <key>'.")
        req.context.actor = self._accounts.authenticate(token)
        req.context.token = token


def require_actor(req: falcon.Request) -> Actor:
    actor: Actor | None = req.context.actor
    if actor is None:
        raise NotAuthenticated("Authentication credentials were not provided.")
    return actor


def optional_actor(req: falcon.Request) -> Actor | None:
    actor: Any = req.context.actor
    return actor
