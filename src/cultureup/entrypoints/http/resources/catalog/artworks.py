"""/api/artworks/: the catalogue of artworks, uploads with duplicate detection, likes.

Listings show the watermarked image; only the artist and staff see the original."""

from __future__ import annotations

from typing import Any

import attrs
import falcon
from pydantic import Field

from cultureup.application.catalog.artwork_ports import (
    ARTWORK_ORDERING_FIELDS,
    ArtworkFilters,
    ArtworkView,
)
from cultureup.application.catalog.artworks import ArtworkService, UploadResult
from cultureup.application.catalog.profiles import ArtistProfileService
from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.catalog.artworks import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    ArtworkDetails,
    ArtworkType,
)
from cultureup.entrypoints.http.auth import optional_actor, require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import (
    Choice,
    Flag,
    Id,
    MoneyIn,
    MoneyOut,
    Ordering,
    Text,
    Timestamp,
    Upload,
)
from cultureup.entrypoints.http.shapes import (
    CategoryRef,
    CursorPagination,
    PageOf,
    PublicUser,
    UserRef,
)

TAG = "Artworks"
ARTWORK_TYPES = [kind.value for kind in ArtworkType]
MODERATION = ["PENDING", "APPROVED", "REJECTED"]
Title = Text(TITLE_MAX)
Description = Text(DESCRIPTION_MAX)
Kind = Choice(ARTWORK_TYPES)
Price = MoneyIn()
Search = Text(200, blank=True, description="Words in the title or description")
ArtworkOrdering = Ordering(ARTWORK_ORDERING_FIELDS)
AnyPrice = MoneyIn("any")
Featured = Flag


def absolute(req: falcon.Request, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{req.prefix}{url}"


class ArtworkQuery(CursorPagination):
    category: Id = None
    artwork_type: Kind = None
    min_price: AnyPrice = None
    max_price: AnyPrice = None
    is_featured: Flag = None
    search: Search = None
    ordering: ArtworkOrdering = None

    def filters(self, **fixed: Any) -> ArtworkFilters:
        return attrs.evolve(ArtworkFilters(
            category_id=self.category, artwork_type=self.artwork_type,
            min_price=self.min_price, max_price=self.max_price, is_featured=self.is_featured,
            search=self.search, ordering=self.ordering), **fixed)


class ArtworkUpload(Shape):
    missing_messages = {"image": "No file was submitted."}

    title: Title
    description: Description
    category_id: Id
    artwork_type: Kind
    price: Price
    image: Upload
    is_available: Flag = None
    is_featured: Flag = Field(default=None, description="Staff only; ignored otherwise")

    def details(self) -> dict[str, Any]:
        return {name: value for name, value in self.sent().items()
                if name not in ("image", "is_featured")}


class ArtworkDetailsChange(Shape):
    """A change of an artwork's details, as JSON or a form (no file)."""

    title: Title = None
    description: Description = None
    category_id: Id = None
    artwork_type: Kind = None
    price: Price = None
    is_available: Flag = None
    is_featured: Flag = Field(default=None, description="Staff only; ignored otherwise")

    details = ArtworkUpload.details


class ArtworkChange(ArtworkDetailsChange):
    """A change of an artwork as a multipart form, optionally with a new image."""

    image: Upload = None



class DuplicateCandidate(Answer):
    id: int
    similarity_score: float


class Artwork(Answer):
    id: int
    artist: PublicUser
    title: str
    description: str
    category: CategoryRef
    artwork_type: str = Field(json_schema_extra={"enum": ARTWORK_TYPES})
    price: MoneyOut
    image: str = Field(description="The watermarked image: its public URL, or, while the "
                       "artwork is hidden from the public (removed, rejected, held for a "
                       "duplicate review), /api/files/artwork-image/{id}/ for its artist "
                       "and staff")
    watermarked_image: str
    original_image: str = Field(default="", description="Only for its artist and staff")
    duplicate_candidate: DuplicateCandidate | None = Field(
        default=None, description="Staff only: the artwork an upload held in the duplicate "
        "grey band resembles, and the score (null when none)")
    is_available: bool
    is_featured: bool
    moderation_status: str = Field(json_schema_extra={"enum": MODERATION})
    views_count: int
    likes_count: int
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, req: falcon.Request, view: ArtworkView, actor: Actor | None) -> Artwork:
        marked = absolute(req, view.watermarked_url)
        private = {}
        moderator = can(actor, Permission.MODERATE_CONTENT)
        if actor is not None and (actor.id == view.artist.id or moderator):
            private["original_image"] = absolute(req, view.image_url)
        if moderator:
            # The moderation case of an upload held in the duplicate grey band.
            candidate = view.duplicate_candidate_id
            private["duplicate_candidate"] = None if candidate is None else DuplicateCandidate(
                id=candidate, similarity_score=round(view.duplicate_candidate_score or 0.0, 2))
        return cls(
            id=view.id, artist=PublicUser.values(view.artist), title=view.title,
            description=view.description,
            category={"id": view.category_id, "name": view.category_name,
                      "description": view.category_description},
            artwork_type=view.artwork_type, price=view.price, image=marked,
            watermarked_image=marked, is_available=view.is_available,
            is_featured=view.is_featured, moderation_status=view.moderation_status,
            views_count=view.views_count, likes_count=view.likes_count,
            created_at=view.created_at, updated_at=view.updated_at, **private)


class ArtworkPage(PageOf[Artwork]):
    pass


class Label(Answer):
    name: str
    confidence: float


class CategoryName(Answer):
    id: int
    name: str


class UploadedArtwork(Answer):
    id: int
    artist: UserRef
    title: str
    description: str
    category: CategoryName
    artwork_type: str
    price: MoneyOut
    s3_image_url: str
    s3_watermarked_url: str
    image: str
    watermarked_image: str
    rekognition_checked: bool
    rekognition_labels: list[Label]
    similarity_score: str
    is_available: bool
    is_featured: bool
    moderation_status: str
    views_count: int
    likes_count: int
    created_at: Timestamp
    updated_at: Timestamp


class DuplicateCheck(Answer):
    checked: bool
    total_compared: int
    duplicate_found: bool
    held_for_review: bool


class ArtworkUploadResult(Answer):
    message: str
    artwork: UploadedArtwork
    duplicate_check: DuplicateCheck
    rekognition_labels: list[Label]

    @classmethod
    def of(cls, req: falcon.Request, result: UploadResult, message: str
           ) -> ArtworkUploadResult:
        view, check = result.artwork, result.duplicate_check
        labels = [Label(name=label.name, confidence=round(label.confidence, 1))
                  for label in result.labels]
        marked = absolute(req, view.watermarked_url)
        artwork = UploadedArtwork(
            id=view.id, artist=UserRef(id=view.artist.id, username=view.artist.username),
            title=view.title, description=view.description,
            category=CategoryName(id=view.category_id, name=view.category_name),
            artwork_type=view.artwork_type, price=view.price,
            s3_image_url=absolute(req, view.image_url), s3_watermarked_url=marked,
            image=marked, watermarked_image=marked,
            rekognition_checked=check.rekognition_checked, rekognition_labels=labels,
            similarity_score=f"{check.similarity_score:.2f}", is_available=view.is_available,
            is_featured=view.is_featured, moderation_status=view.moderation_status,
            views_count=view.views_count, likes_count=view.likes_count,
            created_at=view.created_at, updated_at=view.updated_at)
        return cls(message=message, artwork=artwork, rekognition_labels=labels,
                   duplicate_check=DuplicateCheck(checked=check.checked,
                                                  total_compared=check.total_compared,
                                                  duplicate_found=check.duplicate_found,
                                                  held_for_review=check.held_for_review))


class LikeResult(Answer):
    message: str
    liked: bool
    likes_count: int


class ArtworkListResource:
    def __init__(self, artworks: ArtworkService, max_upload_bytes: int) -> None:
        self._artworks, self.max_upload_bytes = artworks, max_upload_bytes

    @endpoint("List artworks", TAG, query=ArtworkQuery, response=ArtworkPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: ArtworkQuery
               ) -> ArtworkPage:
        actor = optional_actor(req)
        page = self._artworks.list_artworks(query.filters(), query.page_request(), actor=actor)
        return ArtworkPage.of(req, page, lambda view: Artwork.of(req, view, actor))

    @endpoint("Upload an artwork (artists): duplicate check, watermark, storage", TAG,
              auth=True, body=ArtworkUpload, body_types=(falcon.MEDIA_MULTIPART,),
              response=ArtworkUploadResult, status=201, errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: ArtworkUpload
                ) -> ArtworkUploadResult:
        result = self._artworks.upload(require_actor(req), ArtworkDetails(**body.details()),
                                       body.image, is_featured=body.is_featured)
        return ArtworkUploadResult.of(req, result, "Artwork uploaded successfully")


class ArtworkResource:
    def __init__(self, artworks: ArtworkService, max_upload_bytes: int) -> None:
        self._artworks, self.max_upload_bytes = artworks, max_upload_bytes

    @endpoint("One artwork (counts a view)", TAG, response=Artwork)
    def on_get(self, req: falcon.Request, resp: falcon.Response, artwork_id: int) -> Artwork:
        actor = optional_actor(req)
        return Artwork.of(req, self._artworks.get_artwork(artwork_id, actor=actor), actor)

    @endpoint("Replace an artwork's details (its artist)", TAG, auth=True,
              body=ArtworkChange, text_body=ArtworkDetailsChange,
              response=ArtworkUploadResult, errors=(403,))
    def on_put(self, req: falcon.Request, resp: falcon.Response, artwork_id: int,
               body: ArtworkDetailsChange) -> ArtworkUploadResult:
        return self._update(req, artwork_id, body)

    @endpoint("Change an artwork or its image (its artist)", TAG, auth=True,
              body=ArtworkChange, text_body=ArtworkDetailsChange,
              response=ArtworkUploadResult, errors=(403,))
    def on_patch(self, req: falcon.Request, resp: falcon.Response, artwork_id: int,
                 body: ArtworkDetailsChange) -> ArtworkUploadResult:
        return self._update(req, artwork_id, body)

    @endpoint("Delete an artwork and its files (its artist, or staff)", TAG, auth=True,
              status=204, errors=(403,))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, artwork_id: int) -> None:
        self._artworks.delete(require_actor(req), artwork_id)

    def _update(self, req: falcon.Request, artwork_id: int, body: ArtworkDetailsChange
                ) -> ArtworkUploadResult:
        result = self._artworks.update(require_actor(req), artwork_id, body.details(),
                                       image=getattr(body, "image", None),
                                       is_featured=body.is_featured)
        return ArtworkUploadResult.of(req, result, "Artwork updated successfully")


class LikeResource:
    def __init__(self, artworks: ArtworkService) -> None:
        self._artworks = artworks

    @endpoint("Like an artwork (once per user)", TAG, auth=True, response=LikeResult)
    def on_post(self, req: falcon.Request, resp: falcon.Response, artwork_id: int
                ) -> LikeResult:
        added, count = self._artworks.like(require_actor(req), artwork_id)
        return LikeResult(message="Artwork liked successfully" if added
                          else "You already liked this artwork", liked=True,
                          likes_count=count)

    @endpoint("Take a like back", TAG, auth=True, response=LikeResult)
    def on_delete(self, req: falcon.Request, resp: falcon.Response, artwork_id: int
                  ) -> LikeResult:
        removed, count = self._artworks.unlike(require_actor(req), artwork_id)
        return LikeResult(message="Like removed" if removed
                          else "You had not liked this artwork", liked=False,
                          likes_count=count)


class FeaturedResource:
    def __init__(self, artworks: ArtworkService) -> None:
        self._artworks = artworks

    @endpoint("Featured artworks", TAG, query=ArtworkQuery, response=ArtworkPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: ArtworkQuery
               ) -> ArtworkPage:
        actor = optional_actor(req)
        page = self._artworks.list_artworks(query.filters(is_featured=True),
                                            query.page_request(), actor=actor)
        return ArtworkPage.of(req, page, lambda view: Artwork.of(req, view, actor))


class ArtistArtworksResource:
    """/api/artist-profiles/{id}/artworks/: one artist's artworks."""

    def __init__(self, artworks: ArtworkService, profiles: ArtistProfileService) -> None:
        self._artworks, self._profiles = artworks, profiles

    @endpoint("One artist's artworks", "Artist profiles", query=ArtworkQuery,
              response=ArtworkPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int,
               query: ArtworkQuery) -> ArtworkPage:
        actor = optional_actor(req)
        self._profiles.get_profile(user_id)
        page = self._artworks.list_artworks(query.filters(artist_id=user_id),
                                            query.page_request(), actor=actor)
        return ArtworkPage.of(req, page, lambda view: Artwork.of(req, view, actor))
