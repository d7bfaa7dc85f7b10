"""Ports for artworks: the aggregate's repository, likes, fingerprints and read models."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs

from cultureup.application.views import Page, PageRequest, UserRef
from cultureup.domain.catalog.artworks import Artwork, is_public
from cultureup.domain.money import Money


@attrs.frozen(kw_only=True)
class StoredFingerprint:
    seq: int
    artwork_id: int
    artist_id: int
    data: bytes = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class MatchInfo:
    """What the duplicate check needs of a stored artwork that resembles an upload."""

    image_key: str
    title: str
    artist_id: int
    # When its current image was uploaded: the original of a picture is its earliest upload.
    uploaded_at: datetime


@attrs.frozen(kw_only=True)
class ImageState:
    """Where an artwork's watermarked image belongs: `key` names it, `public` says whether
    the artwork is public now (domain.catalog.artworks.is_public, removal included)."""

    artwork_id: int
    artist_id: int
    key: str
    public: bool


class ArtworkRepository(Protocol):
    def add(self, artwork: Artwork) -> None:
        """Store a new artwork and give it an id."""
        ...

    def get(self, artwork_id: int) -> Artwork:
        """The artwork, locked for this unit of work; raises NotFound."""
        ...

    def save(self, artwork: Artwork) -> None:
        """Write the artist's and the platform's fields (not the counters)."""
        ...

    def delete(self, artwork: Artwork) -> None:
        """Remove the artwork with its likes and fingerprint."""
        ...

    def like(self, artwork_id: int, user_id: int, *, now: datetime) -> bool:
        """Record a like once per user; False when the user already liked it."""
        ...

    def unlike(self, artwork_id: int, user_id: int) -> bool:
        """Remove a like; False when there was none."""
        ...

    def likes_count(self, artwork_id: int) -> int: ...

    def put_fingerprint(self, artwork_id: int, artist_id: int, data: bytes) -> None:
        """Store the fingerprint of the artwork's current image, replacing an older one."""
        ...

    def fingerprints_after(self, seq: int, *, limit: int) -> list[StoredFingerprint]:
        """Fingerprint rows stored after `seq`, oldest first."""
        ...

    def images_after(self, artwork_id: int, *, limit: int) -> list[tuple[int, int, str]]:
        """(artwork id, artist id, image key) of artworks with a larger id, by id."""
        ...

    def image_state(self, artwork_id: int) -> ImageState | None:
        """The artwork's watermarked key and public visibility as committed; None when it
        does not exist. Reads without locking."""
        ...

    def image_states_after(self, artwork_id: int, *, limit: int,
                           hidden_only: bool = False) -> list[ImageState]:
        """`image_state` of the artworks with a larger id (only those the public does not
        see when `hidden_only`), by id, at most `limit`."""
        ...

    def move_image_key(self, artwork_id: int, old_key: str, new_key: str) -> bool:
        """Point the artwork at `new_key` if its image is still `old_key`; False otherwise."""
        ...

    def labels_of(self, artwork_ids: list[int]) -> dict[int, list[tuple[str, float]]]: ...

    def match_info_of(self, artwork_ids: list[int]) -> dict[int, MatchInfo]:
        """What the duplicate check needs of each of these artworks that still exists."""
        ...


@attrs.frozen(kw_only=True)
class ArtworkFilters:
    category_id: int | None = None
    artwork_type: str | None = None
    min_price: Money | None = None
    max_price: Money | None = None
    is_featured: bool | None = None
    search: str | None = None
    artist_id: int | None = None
    ordering: str | None = None
    # Every artwork, hidden ones too (staff, or an artist listing their own): not only
    # what the public sees (domain.catalog.artworks.is_public).
    include_rejected: bool = False
    # Staff filters (the admin list): the moderation status, and whether it is for sale.
    moderation_status: str | None = None
    is_available: bool | None = None
    rekognition_checked: bool | None = None  # labels were found for the image


ARTWORK_ORDERING_FIELDS = ("price", "created_at", "views_count", "likes_count")
# The admin list may also order by the duplicate check's score.
ADMIN_ARTWORK_ORDERING_FIELDS = (*ARTWORK_ORDERING_FIELDS, "similarity_score")


@attrs.frozen(kw_only=True)
class ArtworkView:
    id: int
    artist: UserRef
    title: str
    description: str
    category_id: int
    category_name: str
    category_description: str
    artwork_type: str
    price: Money
    image_url: str  # where the original is fetched (owner and staff only), not a public URL
    watermarked_url: str
    is_available: bool
    is_featured: bool
    moderation_status: str
    labels: list[tuple[str, float]]
    similarity_score: float
    views_count: int
    likes_count: int
    created_at: datetime
    updated_at: datetime
    # Set when the upload was held for moderation in the duplicate grey band: the artwork it
    # resembles and the score. Staff only.
    duplicate_candidate_id: int | None = None
    duplicate_candidate_score: float | None = None
    # Taken down by a moderator: when, by whom (a user id) and why. Owner and staff only.
    removed_at: datetime | None = None
    removed_by_id: int | None = None
    removal_reason: str | None = None

    @property
    def is_public(self) -> bool:
        return is_public(moderation_status=self.moderation_status,
                         duplicate_candidate_id=self.duplicate_candidate_id,
                         removed=self.removed_at is not None)


class ViewCounter(Protocol):
    """Detail views, counted without a write per view: they are kept and added to the
    artworks' counters in batches, so a crash loses at most the views not yet written."""

    def record(self, artwork_id: int) -> None:
        """Count one detail view of the artwork."""
        ...

    def pending(self, artwork_ids: list[int]) -> dict[int, int]:
        """Views counted here and not yet written, by artwork (absent when none)."""
        ...


class ArtworkQueries(Protocol):
    def list_artworks(self, filters: ArtworkFilters, page: PageRequest) -> Page[ArtworkView]:
        """One query for the page (with artist and category) and one for the count."""
        ...

    def get_artwork(self, artwork_id: int) -> ArtworkView:
        """Raises NotFound."""
        ...
