"""The OpenAPI document and the Swagger UI pages that render it, served without the internet."""

from __future__ import annotations

import falcon
import orjson
from swagger_ui_bundle import swagger_ui_path

from cultureup.entrypoints.http.endpoint import endpoint
from cultureup.entrypoints.http.openapi import build_document

ASSETS = "/api/docs/assets"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CultureUp API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{url: "/api/openapi.json", dom_id: "#swagger-ui",
  deepLinking: true, persistAuthorization: true}});
</script></body></html>
"""


class OpenApiResource:
    """The document of the app it is added to, built on first use."""

    def __init__(self, app: falcon.App) -> None:
        self._app = app
        self._document: bytes | None = None

    @endpoint("This document", "Docs", response=dict[str, object])
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if self._document is None:
            self._document = orjson.dumps(build_document(self._app))
        resp.content_type = falcon.MEDIA_JSON
        resp.data = self._document


class DocsPageResource:
    @endpoint("Interactive API documentation (Swagger UI)", "Docs", response=str,
              media_type=falcon.MEDIA_HTML)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = PAGE.format(assets=ASSETS)


def add_docs_assets(app: falcon.App) -> None:
    app.add_static_route(ASSETS, swagger_ui_path)
