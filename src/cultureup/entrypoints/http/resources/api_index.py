"""GET /api/: what the API is and where to go from there, with absolute links."""

from __future__ import annotations

from functools import cache
from typing import Any

import falcon

from cultureup.entrypoints.http.openapi import _object, _string, op, ref

Schema = dict[str, Any]

LINKS = {"docs": "/api/docs/", "openapi": "/api/openapi.json", "health": "/api/health/"}
COLLECTIONS = {
    "register": "/api/auth/register/", "login": "/api/auth/login/",
    "categories": "/api/categories/", "jobs": "/api/jobs/", "bids": "/api/bids/",
    "artworks": "/api/artworks/", "artist_profiles": "/api/artist-profiles/",
    "buyer_profiles": "/api/buyer-profiles/", "equipment": "/api/equipment/",
    "search": "/api/search/",
}


@cache
def _info() -> tuple[str, str]:
    from cultureup.entrypoints.http.openapi import build_document

    info = build_document()["info"]
    return info["title"], info["version"]


class ApiIndexResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        name, version = _info()
        resp.media = {
            "name": name, "version": version,
            "links": {key: req.prefix + path for key, path in LINKS.items()},
            "endpoints": {key: req.prefix + path for key, path in COLLECTIONS.items()},
        }


def _urls(names: dict[str, str]) -> Schema:
    return _object({key: _string(format="uri") for key in names}, list(names))


INDEX_SCHEMAS: dict[str, Schema] = {
    "ApiIndex": _object({
        "name": _string(), "version": _string(description="The version of this document"),
        "links": _urls(LINKS), "endpoints": _urls(COLLECTIONS),
    }, ["name", "version", "links", "endpoints"]),
}


def index_paths() -> dict[str, dict[str, Schema]]:
    return {"/api/": {"get": op(
        "The API's name and version, with links to its documentation, its OpenAPI document "
        "and its main collections", "Docs", ok=("200", "Index", ref("ApiIndex")))}}
