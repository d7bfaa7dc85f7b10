"""Artworks: what artists sell and show, with the platform's say over featuring and moderation."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from cultureup.domain.accounts.roles import Permission, can
from cultureup.domain.accounts.users import Actor
from cultureup.domain.catalog.categories import Category
from cultureup.domain.errors import DomainError, FieldErrors, InvalidState, PermissionDenied
from cultureup.domain.events import ArtworkRejected, DomainEvent
from cultureup.domain.money import Money

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
# The reason a rejection gives the artist (told in a notification, kept in the audit log).
REJECTION_REASON_MAX = 1000


class ArtworkType(enum.StrEnum):
    DIGITAL = "digital"
    PHYSICAL = "physical"
    MIXED = "mixed"


class ModerationStatus(enum.StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@attrs.frozen(kw_only=True)
class ArtworkDetails:
    """What the artist states about an artwork."""

    title: str
    description: str
    category_id: int
    artwork_type: str
    price: Money
    is_available: bool = True

    def validate(self, *, category: Category | None) -> None:
        errors = FieldErrors()
        errors.check_text("title", self.title, max_length=TITLE_MAX)
        errors.check_text("description", self.description, max_length=DESCRIPTION_MAX)
        if category is None:
            errors.add("category_id", f'Invalid pk "{self.category_id}" - object does not exist.')
        elif not category.is_active:
            errors.add("category_id", f'Category "{category.name}" is not active.')
        if self.artwork_type not in ArtworkType.__members__.values():
            errors.add("artwork_type", f'"{self.artwork_type}" is not a valid choice. '
                       "Choose one of: digital, physical, mixed.")
        if not self.price.is_positive:
            errors.add("price", "Ensure this value is greater than 0.")
        errors.raise_if_any()


@attrs.define(eq=False, kw_only=True)
class Artwork:
    id: int | None = None
    artist_id: int
    title: str
    description: str
    category_id: int
    artwork_type: ArtworkType
    price: Money
    is_available: bool = True
    is_featured: bool = False
    moderation_status: ModerationStatus = ModerationStatus.PENDING
    image_key: str
    watermarked_key: str
    labels: list[tuple[str, float]] = attrs.Factory(list)
    similarity_score: float = 0.0
    views_count: int = 0
    likes_count: int = 0
    created_at: datetime
    updated_at: datetime
    # When the current image was uploaded: at the upload, then at each image replacement.
    image_uploaded_at: datetime | None = None
    # The artwork that an upload in the duplicate grey band resembles, and the score: the case
    # staff moderate. None when the image was clear.
    duplicate_candidate_id: int | None = None
    duplicate_candidate_score: float | None = None
    events: list[DomainEvent] = attrs.Factory(list)

    @classmethod
    def upload(cls, *, artist: Actor, details: ArtworkDetails, category: Category | None,
               image_key: str, watermarked_key: str, now: datetime) -> Artwork:
        ensure_can_upload(artist)
        details.validate(category=category)
        return cls(artist_id=artist.id, title=details.title.strip(),
                   description=details.description.strip(), category_id=details.category_id,
                   artwork_type=ArtworkType(details.artwork_type), price=details.price,
                   is_available=details.is_available, image_key=image_key,
                   watermarked_key=watermarked_key, created_at=now, updated_at=now,
                   image_uploaded_at=now)

    @property
    def details(self) -> ArtworkDetails:
        return ArtworkDetails(title=self.title, description=self.description,
                              category_id=self.category_id,
                              artwork_type=self.artwork_type.value, price=self.price,
                              is_available=self.is_available)

    def ensure_owner(self, actor: Actor, verb: str) -> None:
        if actor.id != self.artist_id:
            raise PermissionDenied(f"Only the artist who uploaded this artwork can {verb} it.")

    def edit(self, *, by: Actor, details: ArtworkDetails, category: Category | None,
             now: datetime) -> None:
        self.ensure_owner(by, "change")
        details.validate(category=category)
        self.title, self.description = details.title.strip(), details.description.strip()
        self.category_id = details.category_id
        self.artwork_type = ArtworkType(details.artwork_type)
        self.price, self.is_available = details.price, details.is_available
        self.updated_at = now

    def replace_image(self, *, by: Actor, image_key: str, watermarked_key: str,
                      now: datetime) -> tuple[str, str]:
        """Point at new image files; returns the old keys, for the caller to delete."""
        self.ensure_owner(by, "change")
        old = (self.image_key, self.watermarked_key)
        self.image_key, self.watermarked_key = image_key, watermarked_key
        self.updated_at = self.image_uploaded_at = now
        return old

    def record_duplicate_check(self, *, score: float, candidate_id: int | None,
                               held: bool) -> None:
        """Keep what the duplicate check of the current image found. An image in the grey band
        (``held``) goes back to the moderation queue with the artwork it resembles, for staff
        to decide; a clear one drops any earlier candidate (its status is left as it was)."""
        self.similarity_score = score
        if held:
            if candidate_id is None:
                raise ValueError("an image held for review names the artwork it resembles")
            self.duplicate_candidate_id, self.duplicate_candidate_score = candidate_id, score
            self.moderation_status = ModerationStatus.PENDING
        else:
            self.duplicate_candidate_id = self.duplicate_candidate_score = None

    def set_featured(self, *, by: Actor, featured: bool, now: datetime) -> None:
        """Featuring is a platform decision (Permission.MODERATE_CONTENT), whatever an artist
        sends. Only an artwork the public sees (`is_public`) can become featured: a REJECTED
        one or one held for a duplicate review is an InvalidState naming why (a moderator's
        removal, kept by moderation, is checked by the callers that know it)."""
        if not can(by, Permission.MODERATE_CONTENT):
            raise PermissionDenied("Only staff can feature artworks.")
        if featured and not self.is_featured and not is_public(
                moderation_status=self.moderation_status,
                duplicate_candidate_id=self.duplicate_candidate_id, removed=False):
            why = ("rejected" if self.moderation_status == ModerationStatus.REJECTED
                   else "held for a duplicate review")
            raise InvalidState(f"Only an artwork the public sees can be featured: this one "
                               f"is {why}.")
        self.is_featured = featured
        self.updated_at = now

    def moderate(self, *, by: Actor, status: ModerationStatus, now: datetime) -> None:
        if not can(by, Permission.MODERATE_CONTENT):
            raise PermissionDenied("Only staff can moderate artworks.")
        self.moderation_status = status
        self.updated_at = now

    def approve(self, *, by: Actor, now: datetime) -> None:
        """Staff approve the artwork: it is APPROVED (from any status; approving an approved
        artwork changes nothing but the time). A duplicate case it was held for is settled."""
        self.moderate(by=by, status=ModerationStatus.APPROVED, now=now)
        self.duplicate_candidate_id = self.duplicate_candidate_score = None

    def reject(self, *, by: Actor, reason: str, now: datetime) -> None:
        """Staff reject the artwork with a reason, which the artist is told
        (``ArtworkRejected``). The reason is required: 1 to REJECTION_REASON_MAX characters."""
        errors = FieldErrors()
        errors.check_text("reason", reason, max_length=REJECTION_REASON_MAX)
        errors.raise_if_any()
        self.moderate(by=by, status=ModerationStatus.REJECTED, now=now)
        assert self.id is not None
        self.events.append(ArtworkRejected(artwork_id=self.id, artist_id=self.artist_id,
                                           title=self.title, reason=reason.strip()))


def is_public(*, moderation_status: str, duplicate_candidate_id: int | None,
              removed: bool) -> bool:
    """Whether the public (anyone but the artist and staff) sees an artwork, in lists, detail,
    search, featured and the artist's list (docs/decisions.md, "What the public sees").

    CultureUp moderates after publication: a new upload is PENDING and shown at once, as it
    passed the duplicate check. Hidden are artworks a moderator removed, REJECTED ones, and
    uploads held for a duplicate review (PENDING with a duplicate candidate) until staff
    approve them. The SQL read models spell the same rule (artwork_tables.VISIBLE_ARTWORKS).
    """
    if removed or moderation_status == ModerationStatus.REJECTED:
        return False
    return moderation_status == ModerationStatus.APPROVED or duplicate_candidate_id is None


class DuplicateArtwork(DomainError):
    """The upload is too similar to another artist's artwork."""

    def __init__(self, *, score: float, artwork_id: int, title: str, artist: str) -> None:
        super().__init__("Duplicate artwork detected")
        self.score, self.artwork_id, self.title, self.artist = score, artwork_id, title, artist


def ensure_can_upload(actor: Actor) -> None:
    if not actor.is_artist:
        raise PermissionDenied("Only artists can upload artworks.")
