"""The public media folder under its URL prefix (local storage only)."""

from __future__ import annotations

from pathlib import Path

import falcon

from cultureup.application.storage import PUBLIC_CACHE_CONTROL


class _NoSniff:
    """Browsers must take a media file for what its Content-Type says, never guess: an
    upload that looks like HTML or script to a sniffer stays an image. A file found is
    cached for PUBLIC_MEDIA_MAX_AGE_SECONDS only (then revalidated by its ETag), since it
    may stop being public."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix.rstrip("/") + "/"

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: object,
                         req_succeeded: bool) -> None:
        if req.path.startswith(self._prefix):
            resp.set_header("X-Content-Type-Options", "nosniff")
            if resp.status_code < 400:
                resp.set_header("Cache-Control", PUBLIC_CACHE_CONTROL)


def add_media_route(app: falcon.App, root: Path, url_prefix: str) -> None:
    """Serve `root` under `url_prefix`, every answer marked nosniff. Falcon's static route
    refuses '..' and other path tricks; private files live in another folder altogether."""
    root.mkdir(parents=True, exist_ok=True)
    app.add_static_route(url_prefix.rstrip("/"), str(root.resolve()))
    app.add_middleware(_NoSniff(url_prefix))
