"""/api/files/{kind}/{id}/: private files (an artwork's original, ...) for the users allowed
to have them. Local storage answers with the bytes; S3 with a redirect to a presigned URL
that expires within minutes. Neither answer may be cached by anyone."""

from __future__ import annotations

import functools
from urllib.parse import quote

import falcon

from cultureup.application.catalog.artworks import ORIGINAL_FILE_KIND, WATERMARKED_FILE_KIND
from cultureup.application.collaboration.messages import ATTACHMENT_FILE_KIND
from cultureup.application.moderation.verification import DOCUMENT_FILE_KIND
from cultureup.application.private_files import PrivateFileService
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.endpoint import endpoint

ROUTE = "/api/files/{kind}/{ref_id:id}"
KIND = {"type": "string", "enum": [ORIGINAL_FILE_KIND, WATERMARKED_FILE_KIND,
                                  ATTACHMENT_FILE_KIND, DOCUMENT_FILE_KIND],
        "description": f"What the file is: {ORIGINAL_FILE_KIND} (id: the artwork's id), "
                       f"{WATERMARKED_FILE_KIND} (the watermarked image, for the artist and "
                       "staff while the artwork is hidden from the public; id: the "
                       "artwork's id), "
                       f"{ATTACHMENT_FILE_KIND} (id: the attachment's id) or "
                       f"{DOCUMENT_FILE_KIND} (id: the document's id, for its applicant and "
                       "staff who verify users)"}


def private_file_path(kind: str, ref_id: int) -> str:
    """The path a private file is fetched at; absolute URLs are made from it per request."""
    return f"{_kind_path(kind)}{ref_id}/"


@functools.cache
def _kind_path(kind: str) -> str:
    """"/api/files/{kind}/" (a handful of kinds, made once each: a list computes the path of
    every row's original)."""
    return f"/api/files/{quote(kind)}/"


class PrivateFileResource:
    def __init__(self, files: PrivateFileService) -> None:
        self._files = files

    @endpoint("Fetch a private file (an artwork's original, a hidden artwork's image, a "
              "message attachment, a verification document) as a user allowed to have it",
              "Files",
              auth=True, errors=(403, 404), response=bytes,
              media_type="*/*", path_schemas={"kind": KIND},
              other_answers={302: "With S3 storage: Location is a presigned URL of the file, "
                                  "valid for CULTUREUP_PRIVATE_URL_TTL_SECONDS (300)"})
    def on_get(self, req: falcon.Request, resp: falcon.Response, kind: str,
               ref_id: int) -> None:
        delivery = self._files.fetch(require_actor(req), kind, ref_id)
        resp.set_header("Cache-Control", "private, no-store")
        resp.set_header("X-Content-Type-Options", "nosniff")
        if delivery.url is not None:
            resp.status = falcon.HTTP_302
            resp.location = delivery.url
            return
        resp.content_type = delivery.content_type
        resp.downloadable_as = delivery.filename
        resp.data = delivery.data
