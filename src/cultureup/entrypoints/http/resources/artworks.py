"""/api/artworks/: the catalogue of artworks, uploads with duplicate detection, likes."""

from __future__ import annotations

from typing import Any

import attrs
import falcon

from cultureup.application.artwork_ports import ArtworkFilters
from cultureup.application.artworks import ArtworkService, UploadResult
from cultureup.application.profiles import ArtistProfileService
from cultureup.domain.artworks import ArtworkDetails, ArtworkType
from cultureup.entrypoints.http import artwork_serializers as serialize
from cultureup.entrypoints.http.auth import optional_actor, require_actor
from cultureup.entrypoints.http.forms import read_body
from cultureup.entrypoints.http.input import Fields, optional, present
from cultureup.entrypoints.http.pagination import page_request, paginated

ARTWORK_TYPES = [kind.value for kind in ArtworkType]


def artwork_filters(req: falcon.Request, **fixed: Any) -> ArtworkFilters:
    query = Fields(req.params, from_query=True)
    filters = ArtworkFilters(
        category_id=optional(query.identifier("category", required=False)),
        artwork_type=optional(query.choice("artwork_type", ARTWORK_TYPES, required=False)),
        min_price=optional(query.money("min_price", required=False)),
        max_price=optional(query.money("max_price", required=False)),
        is_featured=optional(query.boolean("is_featured", required=False)),
        search=optional(query.string("search", required=False, max_length=200)),
        ordering=optional(query.string("ordering", required=False, max_length=50)),
    )
    query.check()
    return attrs.evolve(filters, **fixed)


def _details(fields: Fields, *, partial: bool) -> dict[str, Any]:
    required = not partial
    return present(
        title=fields.string("title", required=required, max_length=200),
        description=fields.string("description", required=required, max_length=5000),
        category_id=fields.identifier("category_id", required=required),
        artwork_type=fields.choice("artwork_type", ARTWORK_TYPES, required=required),
        price=fields.money("price", required=required),
        is_available=fields.boolean("is_available", required=False),
    )


class ArtworkListResource:
    def __init__(self, artworks: ArtworkService, max_upload_bytes: int) -> None:
        self._artworks, self._max = artworks, max_upload_bytes

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = optional_actor(req)
        page = self._artworks.list_artworks(artwork_filters(req), page_request(req),
                                            actor=actor)
        resp.media = paginated(req, page, lambda view: serialize.artwork(req, view, actor))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        data, files = read_body(req, max_file_bytes=self._max)
        fields = Fields(data, from_query=True)
        values = _details(fields, partial=False)
        featured = optional(fields.boolean("is_featured", required=False))
        if "image" not in files:
            fields.errors.add("image", "No file was submitted.")
        fields.check()
        result = self._artworks.upload(actor, ArtworkDetails(**values), files["image"],
                                       is_featured=featured)
        resp.status = falcon.HTTP_201
        resp.media = _upload_body(req, result, actor, "Artwork uploaded successfully")


class ArtworkResource:
    def __init__(self, artworks: ArtworkService, max_upload_bytes: int) -> None:
        self._artworks, self._max = artworks, max_upload_bytes

    def on_get(self, req: falcon.Request, resp: falcon.Response, artwork_id: int) -> None:
        actor = optional_actor(req)
        resp.media = serialize.artwork(req, self._artworks.get_artwork(artwork_id, actor=actor),
                                       actor)

    def on_put(self, req: falcon.Request, resp: falcon.Response, artwork_id: int) -> None:
        self._update(req, resp, artwork_id, partial=False)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, artwork_id: int) -> None:
        self._update(req, resp, artwork_id, partial=True)

    def on_delete(self, req: falcon.Request, resp: falcon.Response, artwork_id: int) -> None:
        self._artworks.delete(require_actor(req), artwork_id)
        resp.status = falcon.HTTP_204

    def _update(self, req: falcon.Request, resp: falcon.Response, artwork_id: int, *,
                partial: bool) -> None:
        actor = require_actor(req)
        data, files = read_body(req, max_file_bytes=self._max)
        fields = Fields(data, from_query=True)
        values = _details(fields, partial=partial)
        featured = optional(fields.boolean("is_featured", required=False))
        fields.check()
        result = self._artworks.update(actor, artwork_id, values, image=files.get("image"),
                                       is_featured=featured)
        resp.media = _upload_body(req, result, actor, "Artwork updated successfully")


class LikeResource:
    def __init__(self, artworks: ArtworkService) -> None:
        self._artworks = artworks

    def on_post(self, req: falcon.Request, resp: falcon.Response, artwork_id: int) -> None:
        added, count = self._artworks.like(require_actor(req), artwork_id)
        resp.media = {"message": "Artwork liked successfully" if added
                      else "You already liked this artwork", "liked": True,
                      "likes_count": count}

    def on_delete(self, req: falcon.Request, resp: falcon.Response, artwork_id: int) -> None:
        removed, count = self._artworks.unlike(require_actor(req), artwork_id)
        resp.media = {"message": "Like removed" if removed else "You had not liked this artwork",
                      "liked": False, "likes_count": count}


class FeaturedResource:
    def __init__(self, artworks: ArtworkService) -> None:
        self._artworks = artworks

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = optional_actor(req)
        page = self._artworks.list_artworks(artwork_filters(req, is_featured=True),
                                            page_request(req), actor=actor)
        resp.media = paginated(req, page, lambda view: serialize.artwork(req, view, actor))


def _upload_body(req: falcon.Request, result: UploadResult, actor: Any,
                 message: str) -> dict[str, Any]:
    labels = [serialize.label(label) for label in result.labels]
    return {
        "message": message,
        "artwork": serialize.uploaded_artwork(req, result.artwork, labels,
                                              result.duplicate_check),
        "duplicate_check": {"checked": result.duplicate_check.checked,
                            "total_compared": result.duplicate_check.total_compared,
                            "duplicate_found": result.duplicate_check.duplicate_found,
                            "held_for_review": result.duplicate_check.held_for_review},
        "rekognition_labels": labels,
    }


class ArtistArtworksResource:
    """/api/artist-profiles/{id}/artworks/: one artist's artworks."""

    def __init__(self, artworks: ArtworkService, profiles: ArtistProfileService) -> None:
        self._artworks, self._profiles = artworks, profiles

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        actor = optional_actor(req)
        self._profiles.get_profile(user_id)
        page = self._artworks.list_artworks(artwork_filters(req, artist_id=user_id),
                                            page_request(req), actor=actor)
        resp.media = paginated(req, page, lambda view: serialize.artwork(req, view, actor))
