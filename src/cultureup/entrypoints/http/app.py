"""The Falcon application factory."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import falcon
import orjson

from cultureup.application.services import UseCases
from cultureup.entrypoints.http import errors
from cultureup.entrypoints.http.auth import TokenAuthentication
from cultureup.entrypoints.http.fields import IdConverter
from cultureup.entrypoints.http.media import add_media_route
from cultureup.entrypoints.http.ratelimit import RateLimit
from cultureup.entrypoints.http.routes import add_routes
from cultureup.entrypoints.http.web_policy import WebPolicy


def create_app(services: UseCases, *, rate_limit: RateLimit | None = None,
               trust_forwarded_for: bool = False, media_root: Path | None = None,
               media_url: str = "/media/", max_upload_mb: int = 20,
               web: WebPolicy | None = None) -> falcon.App:
    """A WSGI app serving the API over the given services. Builds nothing at import time.

    Without `rate_limit` no request budget is enforced (login throttling still is); without
    `web` the app answers on localhost only, to no other web origin."""
    web = web or WebPolicy()
    middleware: list[object] = [*web.middleware(), TokenAuthentication(services.accounts,
                                                    trust_forwarded_for=trust_forwarded_for)]
    if rate_limit is not None:
        middleware.append(rate_limit)
    app = falcon.App(middleware=middleware, request_type=web.request_type())
    app.router_options.converters["id"] = IdConverter
    app.req_options.strip_url_path_trailing_slash = True
    app.req_options.default_media_type = falcon.MEDIA_JSON
    app.resp_options.default_media_type = falcon.MEDIA_JSON
    json_handler = falcon.media.JSONHandler(
        dumps=partial(orjson.dumps, option=orjson.OPT_NON_STR_KEYS), loads=orjson.loads)
    app.req_options.media_handlers.update({falcon.MEDIA_JSON: json_handler})
    app.resp_options.media_handlers.update({falcon.MEDIA_JSON: json_handler})
    # Uploads are streamed part by part; the handler must not buffer more than an image.
    multipart = falcon.media.MultipartFormHandler()
    multipart.parse_options.max_body_part_buffer_size = max_upload_mb * 2**20 + 1
    app.req_options.media_handlers[falcon.MEDIA_MULTIPART] = multipart
    errors.install(app)
    add_routes(app, services, max_upload_bytes=max_upload_mb * 2**20)
    if media_root is not None:
        add_media_route(app, media_root, media_url)
    return app
