"""/api/health/: a cheap liveness answer for load balancers and the CLI."""

from __future__ import annotations

import falcon

from cultureup.entrypoints.http.endpoint import Answer, endpoint


class Health(Answer):
    status: str


class HealthResource:
    @endpoint("Liveness check", "Docs", response=Health)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> Health:
        return Health(status="ok")
