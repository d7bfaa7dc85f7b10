"""Request budgets: anonymous clients by address, users by id, admins without limit."""

from __future__ import annotations

from datetime import timedelta

import falcon

from cultureup.application.ports import Clock, RateLimiter
from cultureup.domain.errors import RateLimited
from cultureup.domain.users import Actor

HOUR = timedelta(hours=1)
EXEMPT_PREFIXES = ("/api/health", "/api/docs/assets")


class RateLimit:
    def __init__(self, limiter: RateLimiter, clock: Clock, *, anonymous_per_hour: int,
                 user_per_hour: int) -> None:
        self._limiter, self._clock = limiter, clock
        self._anonymous, self._user = anonymous_per_hour, user_per_hour

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.method == "OPTIONS" or req.path.startswith(EXEMPT_PREFIXES):
            return
        actor: Actor | None = req.context.actor
        if actor is not None and actor.is_admin:
            return
        if actor is not None:
            key, limit = f"requests:user:{actor.id}", self._user
        else:
            key, limit = f"requests:client:{req.context.ip}", self._anonymous
        decision = self._limiter.hit(key, limit=limit, window=HOUR, now=self._clock.now())
        resp.set_header("X-RateLimit-Limit", str(decision.limit))
        resp.set_header("X-RateLimit-Remaining", str(decision.remaining))
        if not decision.allowed:
            raise RateLimited(f"Request limit of {limit} per hour reached. Try again later.",
                              retry_after=decision.retry_after)
