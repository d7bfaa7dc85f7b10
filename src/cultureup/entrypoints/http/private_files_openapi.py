"""The OpenAPI description of /api/files/{kind}/{ref_id}/, merged into the document by
openapi.py."""

from __future__ import annotations

from typing import Any

from cultureup.application.artworks import ORIGINAL_FILE_KIND
from cultureup.entrypoints.http.openapi import ID, _string, op

Schema = dict[str, Any]


def private_file_paths() -> dict[str, dict[str, Schema]]:
    operation = op(
        "Fetch a private file (an artwork's original) as its owner or staff", "Files",
        auth=True, errors=(403, 404),
        ok=("200", "The file, as an attachment (local storage)", None),
        params=[
            {"name": "kind", "in": "path", "required": True,
             "schema": _string(enum=[ORIGINAL_FILE_KIND]),
             "description": "What the file is: artwork-original (id: the artwork's id)"},
            {"name": "ref_id", "in": "path", "required": True, "schema": ID,
             "description": "The id of what the file belongs to"},
        ])
    operation["responses"]["200"]["content"] = {
        "application/octet-stream": {"schema": _string(format="binary")}}
    operation["responses"]["302"] = {
        "description": "With S3 storage: Location is a presigned URL of the file, valid for "
                       "CULTUREUP_PRIVATE_URL_TTL_SECONDS (300)"}
    return {"/api/files/{kind}/{ref_id}/": {"get": operation}}
