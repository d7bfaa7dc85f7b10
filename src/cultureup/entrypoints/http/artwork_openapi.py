"""The OpenAPI description of the artwork routes, merged into the document by openapi.py."""

from __future__ import annotations

from typing import Any

from cultureup.application.artwork_ports import ARTWORK_ORDERING_FIELDS
from cultureup.entrypoints.http.openapi import (
    ID,
    MONEY,
    MONEY_IN,
    PAGINATION,
    TIMESTAMP,
    _object,
    _ordering,
    _page_of,
    _path_id,
    _query,
    _string,
    op,
    ref,
)

Schema = dict[str, Any]
TYPES = ["digital", "physical", "mixed"]
LABEL = _object({"name": _string(), "confidence": {"type": "number"}})

ARTWORK_SCHEMAS: dict[str, Schema] = {
    "Artwork": _object({
        "id": ID, "artist": ref("UserSummary"), "title": _string(), "description": _string(),
        "category": _object({"id": ID, "name": _string(), "description": _string()}),
        "artwork_type": _string(enum=TYPES), "price": MONEY,
        "image": _string(format="uri", description="The watermarked image"),
        "watermarked_image": _string(format="uri"),
        "original_image": _string(format="uri", description="Only for its artist and staff"),
        "duplicate_candidate": {
            "type": ["object", "null"],
            "description": "Staff only: the artwork an upload held in the duplicate grey band "
                           "resembles, and the score (null when none)",
            "properties": {"id": ID, "similarity_score": {"type": "number"}}},
        "is_available": {"type": "boolean"}, "is_featured": {"type": "boolean"},
        "moderation_status": _string(enum=["PENDING", "APPROVED", "REJECTED"]),
        "views_count": {"type": "integer"}, "likes_count": {"type": "integer"},
        "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
    }),
    "ArtworkUpload": _object({
        "title": _string(maxLength=200), "description": _string(), "category_id": ID,
        "artwork_type": _string(enum=TYPES), "price": MONEY_IN,
        "image": _string(format="binary", description="JPEG, PNG, GIF or WebP"),
        "is_available": {"type": "boolean"},
        "is_featured": {"type": "boolean", "description": "Staff only; ignored otherwise"},
    }, ["title", "description", "category_id", "artwork_type", "price", "image"]),
    "ArtworkChange": _object({
        "title": _string(maxLength=200), "description": _string(), "category_id": ID,
        "artwork_type": _string(enum=TYPES), "price": MONEY_IN,
        "image": _string(format="binary"), "is_available": {"type": "boolean"},
        "is_featured": {"type": "boolean"},
    }),
    "ArtworkUploadResult": _object({
        "message": _string(),
        "artwork": {"type": "object", "description": "The artwork with s3_image_url, "
                    "s3_watermarked_url, rekognition_checked, rekognition_labels and "
                    "similarity_score"},
        "duplicate_check": _object({"checked": {"type": "boolean"},
                                    "total_compared": {"type": "integer"},
                                    "duplicate_found": {"type": "boolean"},
                                    "held_for_review": {"type": "boolean"}}),
        "rekognition_labels": {"type": "array", "items": LABEL},
    }),
    "DuplicateArtwork": _object({
        "success": {"type": "boolean"}, "error": _string(), "detail": _string(),
        "details": {"type": "object"}, "message": _string(),
        "duplicate_detected": {"type": "boolean"}, "similarity_score": {"type": "number"},
        "matched_artwork": _object({"id": ID, "title": _string(), "artist": _string()}),
    }),
    "LikeResult": _object({"message": _string(), "liked": {"type": "boolean"},
                           "likes_count": {"type": "integer"}}),
    "ArtworkPage": _page_of("Artwork"),
}


def _upload_body(schema: str) -> Schema:
    return {"required": True, "content": {
        "multipart/form-data": {"schema": ref(schema)},
        "application/json": {"schema": ref("ArtworkChange")}}}


def _with_duplicate(operation: Schema) -> Schema:
    operation["responses"]["400"] = {
        "description": "Invalid input, or a duplicate of another artist's artwork",
        "content": {"application/json": {"schema": {"oneOf": [ref("Error"),
                                                              ref("DuplicateArtwork")]}}}}
    operation["responses"]["413"] = {"description": "Upload too large",
                                     "content": {"application/json": {"schema": ref("Error")}}}
    return operation


def artwork_paths() -> dict[str, dict[str, Schema]]:
    filters = [
        _query("category", ID, "Category id"),
        _query("artwork_type", _string(enum=TYPES)),
        _query("min_price", MONEY_IN), _query("max_price", MONEY_IN),
        _query("is_featured", {"type": "boolean"}),
        _query("search", _string(maxLength=200), "Words in the title or description"),
        _ordering(ARTWORK_ORDERING_FIELDS), *PAGINATION,
    ]
    artwork_id = [_path_id("artwork_id")]
    create = op("Upload an artwork (artists): duplicate check, watermark, storage",
                "Artworks", auth=True, ok=("201", "Uploaded", ref("ArtworkUploadResult")),
                errors=(400, 403))
    create["requestBody"] = _upload_body("ArtworkUpload")
    change = {verb: op(summary, "Artworks", auth=True, params=artwork_id,
                       ok=("200", "Updated", ref("ArtworkUploadResult")),
                       errors=(400, 403, 404))
              for verb, summary in (("put", "Replace an artwork's details (its artist)"),
                                    ("patch", "Change an artwork or its image (its artist)"))}
    for operation in change.values():
        operation["requestBody"] = _upload_body("ArtworkChange")
        _with_duplicate(operation)
    return {
        "/api/artworks/": {
            "get": op("List artworks", "Artworks", params=filters, errors=(400, 404),
                      ok=("200", "A page", ref("ArtworkPage"))),
            "post": _with_duplicate(create),
        },
        "/api/artworks/featured/": {"get": op(
            "Featured artworks", "Artworks", params=filters, errors=(400, 404),
            ok=("200", "A page", ref("ArtworkPage")))},
        "/api/artworks/{artwork_id}/": {
            "get": op("One artwork (counts a view)", "Artworks", params=artwork_id,
                      errors=(404,), ok=("200", "Artwork", ref("Artwork"))),
            **change,
            "delete": op("Delete an artwork and its files (its artist, or staff)", "Artworks",
                         auth=True, params=artwork_id, errors=(403, 404),
                         ok=("204", "Deleted", None)),
        },
        "/api/artworks/{artwork_id}/like/": {
            "post": op("Like an artwork (once per user)", "Artworks", auth=True,
                       params=artwork_id, errors=(404,), ok=("200", "Liked", ref("LikeResult"))),
            "delete": op("Take a like back", "Artworks", auth=True, params=artwork_id,
                         errors=(404,), ok=("200", "Unliked", ref("LikeResult"))),
        },
        "/api/artist-profiles/{user_id}/artworks/": {"get": op(
            "One artist's artworks", "Artist profiles", params=[_path_id("user_id"), *filters],
            errors=(400, 404), ok=("200", "A page", ref("ArtworkPage")))},
    }
