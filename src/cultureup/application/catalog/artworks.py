"""Artworks: upload with duplicate detection and watermarking, edit, delete, like, browse."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import attrs

from cultureup.application.audit import record
from cultureup.application.catalog.artwork_images import (
    WATERMARKED_CONTENT_TYPE,
    ArtworkImages,
)
from cultureup.application.catalog.artwork_ports import (
    ARTWORK_ORDERING_FIELDS,
    ArtworkFilters,
    ArtworkQueries,
    ArtworkView,
    ViewCounter,
)
from cultureup.application.catalog.images import FingerprintIndex, ImageFingerprinter
from cultureup.application.ports import Clock, UnitOfWorkFactory
from cultureup.application.private_files import PrivateFile
from cultureup.application.storage import (
    IMAGE_TYPES,
    CleanImage,
    ImageSanitizer,
    ImageStore,
    PrivateFileStore,
    VisualAnalysisUnavailable,
    VisualAnalyzer,
    Watermarker,
)
from cultureup.application.views import Page, PageRequest, check_ordering
from cultureup.domain.accounts.roles import Permission, can, is_staff_member
from cultureup.domain.accounts.users import Actor
from cultureup.domain.audit import AuditAction
from cultureup.domain.catalog.artworks import (
    Artwork,
    ArtworkDetails,
    DuplicateArtwork,
    ensure_can_upload,
    is_public,
)
from cultureup.domain.catalog.duplicates import (
    Candidate,
    DuplicateVerdict,
    ImageFingerprint,
    SimilaritySignals,
    judge,
)
from cultureup.domain.errors import DomainError, NotFound, PermissionDenied
from cultureup.domain.labels import Label, label_similarity

# Matches taken from the index: every plausible one, so that the earliest (the original) is
# among them even when several copies of it slipped in; only the nearest get face comparisons.
CANDIDATES = 50
FACE_COMPARISONS = 3
# Originals live in the private store under this prefix; an image key without it is an
# original stored before originals were private, still in the public store until
# `protect_originals` moves it.
ORIGINALS_PREFIX = "originals/"
ORIGINAL_FILE_KIND = "artwork-original"
# The watermarked image of an artwork, from its private copy: how its artist and staff see
# the image while the artwork is hidden (its public copy is gone then; artwork_images).
WATERMARKED_FILE_KIND = "artwork-image"


@attrs.frozen(kw_only=True)
class DuplicateCheck:
    checked: bool
    total_compared: int
    duplicate_found: bool
    similarity_score: float
    # Whether Rekognition took part (labels and faces), not only the perceptual index.
    rekognition_checked: bool = False
    # The score fell in the grey band: the upload was taken but waits for moderation.
    held_for_review: bool = False


@attrs.frozen(kw_only=True)
class UploadResult:
    artwork: ArtworkView
    duplicate_check: DuplicateCheck
    labels: list[Label]


@attrs.frozen(kw_only=True)
class _Analysis:
    clean: CleanImage
    fingerprint: bytes
    labels: list[Label]
    check: DuplicateCheck
    verdict: DuplicateVerdict

    def record_on(self, artwork: Artwork) -> None:
        artwork.labels = [(label.name, label.confidence) for label in self.labels]
        artwork.record_duplicate_check(score=self.check.similarity_score,
                                       candidate_id=self.verdict.matched_artwork_id,
                                       held=self.verdict.needs_review)


class ArtworkService:
    def __init__(self, *, uow: UnitOfWorkFactory, queries: ArtworkQueries, clock: Clock,
                 store: ImageStore, private: PrivateFileStore, sanitizer: ImageSanitizer,
                 watermarker: Watermarker, fingerprinter: ImageFingerprinter,
                 index_factory: Callable[[], FingerprintIndex],
                 analyzer: VisualAnalyzer | None, max_upload_bytes: int,
                 views: ViewCounter, image_jobs: int = 2) -> None:
        """`store` holds what everyone may see (the watermarked copies); `private` holds the
        originals, handed out only through `original_file`. At most `image_jobs` uploads of
        this process decode or encode pixels at once (the rest wait their turn), so the
        memory of a process is bounded by that many times the worst upload's."""
        self._uow, self._queries, self._clock = uow, queries, clock
        self._views = views
        self._store, self._sanitizer, self._watermarker = store, sanitizer, watermarker
        self._private = private
        # Where the watermarked copies are: privately always, publicly while the artwork is.
        self.images = ArtworkImages(uow=uow, public=store, private=private)
        self._fingerprinter, self._analyzer = fingerprinter, analyzer
        self._index_factory = index_factory
        self._index = index_factory()
        self._max_upload_bytes = max_upload_bytes
        self._index_seq = 0
        self._index_lock = threading.Lock()
        self._image_jobs = threading.BoundedSemaphore(max(1, image_jobs))

    # -- reads -----------------------------------------------------------------------------

    def list_artworks(self, filters: ArtworkFilters, page: PageRequest, *,
                      actor: Actor | None = None) -> Page[ArtworkView]:
        check_ordering(filters.ordering, ARTWORK_ORDERING_FIELDS)
        # Staff see every artwork; an artist listing their own sees all of theirs; everyone
        # else what the public sees (domain.catalog.artworks.is_public).
        own = actor is not None and filters.artist_id == actor.id
        page = self._queries.list_artworks(
            attrs.evolve(filters, include_rejected=is_staff_member(actor) or own), page)
        pending = self._views.pending([view.id for view in page.items])
        if not pending:
            return page
        return attrs.evolve(page, items=[
            attrs.evolve(view, views_count=view.views_count + pending[view.id])
            if view.id in pending else view for view in page.items])

    def get_artwork(self, artwork_id: int, *, actor: Actor | None = None,
                    count_view: bool = True) -> ArtworkView:
        """A read: the view is counted by the view counter, not written in this request."""
        view = self._visible(self._queries.get_artwork(artwork_id), actor)
        if count_view:
            self._views.record(artwork_id)
        extra = self._views.pending([artwork_id]).get(artwork_id, 0)
        return attrs.evolve(view, views_count=view.views_count + extra) if extra else view

    def original_file(self, actor: Actor, artwork_id: int) -> PrivateFile:
        """Where the artwork's original is, for its artist and staff only (the resolver of
        the "artwork-original" private files)."""
        with self._uow(read_only=True) as uow:
            artwork = uow.artworks.get(artwork_id)
        self._visible_entity(artwork, actor)
        if actor.id != artwork.artist_id and not _is_staff(actor):
            raise PermissionDenied("Only the artist and staff may fetch the original image.")
        if not artwork.image_key.startswith(ORIGINALS_PREFIX):
            raise NotFound("The original image is being moved to private storage; try again "
                           "later.")
        extension = "." + artwork.image_key.rsplit(".", 1)[-1]
        return PrivateFile(key=artwork.image_key, content_type=_content_type(artwork.image_key),
                           filename=f"artwork-{artwork_id}-original{extension}")

    def watermarked_file(self, actor: Actor, artwork_id: int) -> PrivateFile:
        """The artwork's watermarked image from its private copy (the "artwork-image"
        private files): for its artist and staff whatever the artwork's state, for anyone
        else while it is public; NotFound otherwise, as for the artwork itself. The answers
        about a hidden artwork give this file's URL in place of the public one."""
        with self._uow(read_only=True) as uow:
            state = uow.artworks.image_state(artwork_id)
        if state is None or not (state.public or actor.id == state.artist_id
                                 or is_staff_member(actor)):
            raise NotFound("Artwork not found.")
        return PrivateFile(key=state.key, content_type=WATERMARKED_CONTENT_TYPE,
                           filename=f"artwork-{artwork_id}.jpg")

    # -- writes ----------------------------------------------------------------------------

    def upload(self, actor: Actor, details: ArtworkDetails, image: bytes, *,
               is_featured: bool | None = None) -> UploadResult:
        """Vet the image, refuse another artist's work, store original and watermarked
        copies, then the row. Nothing is stored when any step refuses."""
        ensure_can_upload(actor)
        if is_featured and not _is_staff(actor):
            is_featured = None  # featuring is the platform's decision; ignored, not refused
        with self._uow(read_only=True) as uow:
            details.validate(category=uow.categories.find(details.category_id))
        analysis = self._analyze(image, actor)
        now = self._clock.now()
        # An upload held for a duplicate review is hidden from the start: no public copy.
        image_key, marked_key = self._store_files(actor, analysis.clean,
                                                  public=not analysis.verdict.needs_review)
        try:
            with self._uow() as uow:
                artwork = Artwork.upload(
                    artist=actor, details=details,
                    category=uow.categories.find(details.category_id),
                    image_key=image_key, watermarked_key=marked_key, now=now)
                analysis.record_on(artwork)
                if is_featured:
                    artwork.set_featured(by=actor, featured=True, now=now)
                uow.artworks.add(artwork)
                assert artwork.id is not None
                uow.artworks.put_fingerprint(artwork.id, actor.id, analysis.fingerprint)
                uow.commit()
        except BaseException:
            self._delete_files(image_key, marked_key)
            raise
        assert artwork.id is not None
        self._sync_index()
        return UploadResult(artwork=self._queries.get_artwork(artwork.id),
                            duplicate_check=analysis.check, labels=analysis.labels)

    def update(self, actor: Actor, artwork_id: int, changes: dict[str, Any], *,
               image: bytes | None = None, is_featured: bool | None = None) -> UploadResult:
        """Change the details (PATCH or PUT) and, when an image comes along, replace it: the
        new one is checked for duplicates again and the old files are deleted."""
        with self._uow(read_only=True) as uow:
            current = uow.artworks.get(artwork_id)
            state = uow.artworks.image_state(artwork_id)
        self._visible_entity(current, actor)
        if not _is_staff(actor):
            current.ensure_owner(actor, "change")
        analysis = self._analyze(image, actor, exclude=artwork_id) if image is not None else None
        # The new image is public at once when the artwork is and stays so; the sync after
        # the commit settles it whatever happened meanwhile.
        new_keys = self._store_files(
            actor, analysis.clean, public=state is not None and state.public
            and not analysis.verdict.needs_review) if analysis else None
        old_keys: tuple[str, str] | None = None
        now = self._clock.now()
        try:
            with self._uow() as uow:
                artwork = uow.artworks.get(artwork_id)
                if changes or new_keys:
                    details = attrs.evolve(artwork.details, **changes)
                    artwork.edit(by=actor, details=details,
                                 category=uow.categories.find(details.category_id), now=now)
                if new_keys and analysis:
                    old_keys = artwork.replace_image(by=actor, image_key=new_keys[0],
                                                     watermarked_key=new_keys[1], now=now)
                    analysis.record_on(artwork)
                    uow.artworks.put_fingerprint(artwork_id, artwork.artist_id,
                                                 analysis.fingerprint)
                if is_featured is not None and _is_staff(actor):
                    artwork.set_featured(by=actor, featured=is_featured, now=now)
                uow.artworks.save(artwork)
                uow.commit()
        except BaseException:
            if new_keys:
                self._delete_files(*new_keys)
            raise
        if old_keys:
            try:
                self.images.sync(artwork_id)
            finally:
                self._delete_files(*old_keys)
                self._sync_index()
        check = analysis.check if analysis else DuplicateCheck(
            checked=False, total_compared=0, duplicate_found=False, similarity_score=0.0)
        return UploadResult(artwork=self._queries.get_artwork(artwork_id),
                            duplicate_check=check, labels=analysis.labels if analysis else [])

    def delete(self, actor: Actor, artwork_id: int) -> None:
        with self._uow() as uow:
            artwork = uow.artworks.get(artwork_id)
            self._visible_entity(artwork, actor)
            if not _is_staff(actor):
                artwork.ensure_owner(actor, "delete")
            uow.artworks.delete(artwork)
            if actor.id != artwork.artist_id:
                record(uow, now=self._clock.now(), action=AuditAction.ARTWORK_REMOVED,
                       actor_id=actor.id, actor_username=actor.username,
                       target_type="artwork", target_id=artwork_id)
            uow.commit()
        self._delete_files(artwork.image_key, artwork.watermarked_key)
        self._index.remove(artwork_id)

    def like(self, actor: Actor, artwork_id: int) -> tuple[bool, int]:
        """Like once per user; returns (whether this call added the like, the count)."""
        self._visible(self._queries.get_artwork(artwork_id), actor)
        with self._uow() as uow:
            added = uow.artworks.like(artwork_id, actor.id, now=self._clock.now())
            count = uow.artworks.likes_count(artwork_id)
            uow.commit()
        return added, count

    def unlike(self, actor: Actor, artwork_id: int) -> tuple[bool, int]:
        self._visible(self._queries.get_artwork(artwork_id), actor)
        with self._uow() as uow:
            removed = uow.artworks.unlike(artwork_id, actor.id)
            count = uow.artworks.likes_count(artwork_id)
            uow.commit()
        return removed, count

    def count_all(self) -> int:
        """Every artwork, rejected ones included."""
        return self._queries.list_artworks(ArtworkFilters(include_rejected=True),
                                           PageRequest.of(1, 1)).total

    def rescan(self, progress: Callable[[int], None] | None = None) -> int:
        """Fingerprint every artwork's stored image again and rebuild the index."""
        done = 0
        last_id = 0
        while True:
            with self._uow(read_only=True) as uow:
                batch = uow.artworks.images_after(last_id, limit=100)
            if not batch:
                break
            for artwork_id, artist_id, key in batch:
                try:
                    data = self._fingerprinter.fingerprint(self._read_original(key)).to_bytes()
                except (DomainError, OSError):
                    data = None
                if data is not None:
                    with self._uow() as uow:
                        uow.artworks.put_fingerprint(artwork_id, artist_id, data)
                        uow.commit()
                done += 1
                last_id = artwork_id
                if progress:
                    progress(1)
        with self._index_lock:
            self._index, self._index_seq = self._index_factory(), 0
        self._sync_index()
        return done

    # -- helpers ---------------------------------------------------------------------------

    def _analyze(self, image: bytes, actor: Actor, *, exclude: int | None = None) -> _Analysis:
        with self._image_jobs:
            clean = self._sanitizer.inspect_and_clean(image, max_bytes=self._max_upload_bytes)
            # The upload in every orientation, so that mirrored and turned copies are found.
            orientations = self._fingerprinter.orientations(clean.data)
        self._sync_index()
        nearest = [(artwork_id, artist_id, similarity) for artwork_id, artist_id, similarity
                   in self._index.nearest(orientations, limit=CANDIDATES + 1)
                   if artwork_id != exclude][:CANDIDATES]
        # Every lookup compares the upload with every stored artwork, not only those returned.
        compared = max(0, len(self._index) - (exclude is not None))
        labels: list[Label] = []
        rekognition_checked = False
        if self._analyzer is not None:
            try:
                labels = self._analyzer.detect_labels(clean.data)
                rekognition_checked = True
            except VisualAnalysisUnavailable:
                labels = []
        with self._uow(read_only=True) as uow:
            ids = [artwork_id for artwork_id, _, _ in nearest]
            stored_labels = uow.artworks.labels_of(ids)
            info = uow.artworks.match_info_of(ids)  # only artworks that still exist
        candidates = []
        for rank, (artwork_id, artist_id, perceptual) in enumerate(nearest):
            if artwork_id not in info:
                continue
            signals = SimilaritySignals(perceptual=perceptual)
            if self._analyzer is not None:
                theirs = [Label(name=n, confidence=c) for n, c in stored_labels.get(artwork_id, [])]
                faces = self._faces(clean.data, info[artwork_id].image_key) \
                    if rank < FACE_COMPARISONS and artist_id != actor.id else None
                signals = SimilaritySignals(perceptual=perceptual,
                                            labels=label_similarity(labels, theirs)
                                            if labels and theirs else None, faces=faces)
            candidates.append(Candidate(artwork_id, artist_id, signals,
                                        info[artwork_id].uploaded_at))
        verdict = judge(candidates, actor.id)
        if verdict.is_duplicate and verdict.matched_artwork_id is not None:
            original = info[verdict.matched_artwork_id]
            with self._uow(read_only=True) as uow:
                artist = uow.users.get(original.artist_id).username
            raise DuplicateArtwork(score=round(verdict.score, 2),
                                   artwork_id=verdict.matched_artwork_id, title=original.title,
                                   artist=artist)
        return _Analysis(clean=clean, fingerprint=orientations[0].to_bytes(), labels=labels,
                         verdict=verdict,
                         check=DuplicateCheck(checked=True, total_compared=compared,
                                              duplicate_found=False,
                                              similarity_score=round(verdict.score, 2),
                                              rekognition_checked=rekognition_checked,
                                              held_for_review=verdict.needs_review))

    def _faces(self, image: bytes, their_key: str) -> float | None:
        assert self._analyzer is not None
        try:
            return self._analyzer.compare_faces(image, self._read_original(their_key))
        except (VisualAnalysisUnavailable, NotFound):
            return None

    def _sync_index(self) -> None:
        """Load fingerprints stored since the last sync, by this or any other process."""
        with self._index_lock:
            while True:
                with self._uow(read_only=True) as uow:
                    rows = uow.artworks.fingerprints_after(self._index_seq, limit=5000)
                if not rows:
                    return
                for row in rows:
                    self._index.add(row.artwork_id, row.artist_id,
                                    ImageFingerprint.from_bytes(row.data))
                    self._index_seq = row.seq

    def protect_originals(self, progress: Callable[[int], None] | None = None) -> int:
        """Move every original still in the public store (uploaded before originals were
        private) to the private store under a new name, and delete the public copy. Safe to
        run again, and beside a running server: a row changed meanwhile is left to the next
        run. Returns how many originals were moved."""
        moved = 0
        last_id = 0
        while True:
            with self._uow(read_only=True) as uow:
                batch = uow.artworks.images_after(last_id, limit=100)
            if not batch:
                return moved
            for artwork_id, artist_id, key in batch:
                last_id = artwork_id
                if key.startswith(ORIGINALS_PREFIX):
                    continue
                try:
                    data = self._store.read(key)
                except NotFound:
                    continue
                new_key = self._original_key(artist_id, "." + key.rsplit(".", 1)[-1])
                self._private.put(new_key, data, _content_type(key))
                try:
                    with self._uow() as uow:
                        changed = uow.artworks.move_image_key(artwork_id, key, new_key)
                        uow.commit()
                except BaseException:
                    self._private.delete(new_key)
                    raise
                if not changed:
                    self._private.delete(new_key)
                    continue
                self._store.delete(key)
                moved += 1
                if progress:
                    progress(1)

    @staticmethod
    def _original_key(artist_id: int, extension: str) -> str:
        # A name of its own, unrelated to the watermarked copy's: nothing about the public
        # URL leads to it.
        return f"{ORIGINALS_PREFIX}{artist_id}/{uuid.uuid4().hex}{extension}"

    def _store_files(self, actor: Actor, clean: CleanImage, *,
                     public: bool) -> tuple[str, str]:
        """Store the original (private) and the watermarked copy (private, and public when
        `public`), before the row that names them is committed."""
        image_key = self._original_key(actor.id, clean.extension)
        marked_key = f"artworks/{actor.id}/{uuid.uuid4().hex}_wm.jpg"
        self._private.put(image_key, clean.data, clean.content_type)
        try:
            with self._image_jobs:
                marked = self._watermarker.apply(clean.data, f"© {actor.username} · CultureUp")
            self.images.keep(marked_key, marked, public=public)
        except BaseException:
            self._private.delete(image_key)
            self.images.discard(marked_key)
            raise
        return image_key, marked_key

    def _original_store(self, key: str) -> ImageStore | PrivateFileStore:
        return self._private if key.startswith(ORIGINALS_PREFIX) else self._store

    def _read_original(self, key: str) -> bytes:
        return self._original_store(key).read(key)

    def _delete_files(self, image_key: str, marked_key: str) -> None:
        self._original_store(image_key).delete(image_key)
        self.images.discard(marked_key)

    def _visible(self, view: ArtworkView, actor: Actor | None) -> ArtworkView:
        """What the public may not see (domain.catalog.artworks.is_public) is NotFound to
        all but its artist and staff."""
        if not view.is_public and not is_staff_member(actor) and (
                actor is None or actor.id != view.artist.id):
            raise NotFound("Artwork not found.")
        return view

    def _visible_entity(self, artwork: Artwork, actor: Actor) -> None:
        # The aggregate does not carry its removal (moderation's): the callers let only the
        # artist and staff act, to whom a removed artwork stays visible.
        if not is_public(moderation_status=artwork.moderation_status,
                         duplicate_candidate_id=artwork.duplicate_candidate_id,
                         removed=False) and not is_staff_member(actor) \
                and actor.id != artwork.artist_id:
            raise NotFound("Artwork not found.")


def _content_type(key: str) -> str:
    extension = "." + key.rsplit(".", 1)[-1].lower()
    return next((kind for kind, ext in IMAGE_TYPES.values() if ext == extension),
                "application/octet-stream")


def _is_staff(actor: Actor | None) -> bool:
    """Content moderation (``Permission.MODERATE_CONTENT``: every platform role, the content
    moderator included): seeing pending and rejected artworks and originals, featuring, and
    removing another artist's artwork. Editing an artwork's details stays its artist's."""
    return can(actor, Permission.MODERATE_CONTENT)

