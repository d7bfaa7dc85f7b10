"""Request budgets on every request (the rules are the application's `RequestLimiter`): this
middleware only exempts the health check and documentation assets and writes the headers."""

from __future__ import annotations

import falcon

from cultureup.application.accounts.throttling import RequestLimiter
from cultureup.domain.accounts.users import Actor

EXEMPT_PREFIXES = ("/api/health", "/api/docs/assets")


class RateLimit:
    def __init__(self, limiter: RequestLimiter) -> None:
        self._limiter = limiter

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.method == "OPTIONS" or req.path.startswith(EXEMPT_PREFIXES):
            return
        actor: Actor | None = req.context.actor
        decision = self._limiter.charge(actor, req.context.ip)
        if decision is None:
            return
        resp.set_header("X-RateLimit-Limit", str(decision.limit))
        resp.set_header("X-RateLimit-Remaining", str(decision.remaining))
        if not decision.allowed:
            raise self._limiter.refusal(decision)
