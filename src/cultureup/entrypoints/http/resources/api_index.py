"""GET /api/: what the API is and where to go from there, with absolute links."""

from __future__ import annotations

import falcon
from pydantic import Field, create_model

from cultureup.entrypoints.http.endpoint import Answer, endpoint
from cultureup.entrypoints.http.openapi import INFO

LINKS = {"docs": "/api/docs/", "openapi": "/api/openapi.json", "health": "/api/health/"}
COLLECTIONS = {
    "register": "/api/auth/register/", "login": "/api/auth/login/",
    "categories": "/api/categories/", "jobs": "/api/jobs/", "bids": "/api/bids/",
    "artworks": "/api/artworks/", "artist_profiles": "/api/artist-profiles/",
    "buyer_profiles": "/api/buyer-profiles/", "equipment": "/api/equipment/",
    "search": "/api/search/",
}
URL = Field(json_schema_extra={"format": "uri"})
ApiLinks = create_model("ApiLinks", __base__=Answer, **{k: (str, URL) for k in LINKS})
ApiEndpoints = create_model("ApiEndpoints", __base__=Answer,
                            **{k: (str, URL) for k in COLLECTIONS})


class ApiIndex(Answer):
    name: str
    version: str = Field(description="The version of this document")
    links: ApiLinks  # type: ignore[valid-type]
    endpoints: ApiEndpoints  # type: ignore[valid-type]


class ApiIndexResource:
    @endpoint("The API's name and version, with links to its documentation, its OpenAPI "
              "document and its main collections", "Docs", response=ApiIndex)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> ApiIndex:
        return ApiIndex(
            name=INFO["title"], version=INFO["version"],
            links=ApiLinks(**{key: req.prefix + path for key, path in LINKS.items()}),
            endpoints=ApiEndpoints(**{key: req.prefix + path
                                      for key, path in COLLECTIONS.items()}))
