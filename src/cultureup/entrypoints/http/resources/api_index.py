"""GET /api/: what the API is and where to go from there, with absolute links."""

from __future__ import annotations

import falcon
from pydantic import Field

from cultureup.entrypoints.http.endpoint import Answer, endpoint
from cultureup.entrypoints.http.openapi import INFO

LINKS = {"docs": "/api/docs/", "openapi": "/api/openapi.json", "health": "/api/health/"}
COLLECTIONS = {
    "register": "/api/auth/register/", "login": "/api/auth/login/",
    "categories": "/api/categories/", "jobs": "/api/jobs/", "bids": "/api/bids/",
    "artworks": "/api/artworks/", "artist_profiles": "/api/artist-profiles/",
    "buyer_profiles": "/api/buyer-profiles/", "equipment": "/api/equipment/",
    "search": "/api/search/", "orders": "/api/orders/", "payments": "/api/payments/",
    "contracts": "/api/contracts/", "messages": "/api/messages/", "reviews": "/api/reviews/",
    "notifications": "/api/notifications/", "dashboard": "/api/dashboard/stats/",
}


def _urls(names: dict[str, str]) -> object:
    """An object with one absolute URL per name."""
    return Field(json_schema_extra={
        "properties": {name: {"type": "string", "format": "uri"} for name in names},
        "required": list(names), "additionalProperties": False})


class ApiIndex(Answer):
    name: str
    version: str = Field(description="The version of this document")
    links: dict[str, str] = _urls(LINKS)
    endpoints: dict[str, str] = _urls(COLLECTIONS)


class ApiIndexResource:
    @endpoint("The API's name and version, with links to its documentation, its OpenAPI "
              "document and its main collections", "Docs", response=ApiIndex)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> ApiIndex:
        return ApiIndex(
            name=INFO["title"], version=INFO["version"],
            links={key: req.prefix + path for key, path in LINKS.items()},
            endpoints={key: req.prefix + path for key, path in COLLECTIONS.items()})
