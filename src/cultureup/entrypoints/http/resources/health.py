"""/api/health/: a cheap liveness answer for load balancers and the CLI."""

from __future__ import annotations

import falcon


class HealthResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}
